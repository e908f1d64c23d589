"""The team's views driven in headless Chromium: the record list, the conflict screen, full text with the PDF, the
progress panel, and one whole review from the first record to the full-text decisions.

Every action is checked in the files it must write (screening/<stage>/<reviewer>.csv, screening/resolutions.csv).
Needs /usr/bin/chromium (Debian package `chromium`); the tests skip without it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_app_browser import browser, open_as, press, serve, shown  # noqa: F401 (browser and serve are fixtures)
from test_app_team import READABLE, UNMATCHED, UNREADABLE, built_example, copy_review, set_mode

from slrflow.screening.decisions import read_log, read_resolutions
from slrflow.screening.state import settle_review

TIMEOUT_MS = 15_000
RUN_TIMEOUT_MS = 600_000  # the workflow run the page starts: about 10 s on an idle machine
# The example's four studies with a PDF in resources/fulltext/.
NOTICE = "r0bf9e70ac117752"  # its PDF is named Notice.pdf, matched by title
LESSONS = "r5f5a0ede0e1573e"


@pytest.fixture
def start(serve):  # noqa: F811
    """Start the app on a review (test_app_browser's `serve`)."""
    return serve


@pytest.fixture
def context(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def example(tmp_path_factory, tmp_path: Path) -> Path:
    return copy_review(built_example(tmp_path_factory.getbasetemp(), decisions=True), tmp_path / "review")


def lines(path: Path) -> list[tuple[str, str, str]]:
    if not path.exists():
        return []
    return [(d.record_id, d.decision, d.reason) for d in read_log(path, stage=path.parent.name)]


def view(page, name: str) -> None:
    page.locator(".view-tab", has_text=name).click()


def list_ids(page) -> list[str]:
    return page.locator("#records-body tr").evaluate_all("rows => rows.map(r => r.dataset.recordId)")


def wait_list(page, predicate: str) -> None:
    """Wait until the list's rows satisfy a JavaScript predicate over their record ids."""
    page.wait_for_function(
        f"() => {{ const ids = [...document.querySelectorAll('#records-body tr')].map(r => r.dataset.recordId);"
        f" return {predicate}; }}"
    )


def open_detail(page, record_id: str) -> None:
    page.locator(f'#records-body tr[data-record-id="{record_id}"]').click()
    page.wait_for_function(f"() => document.querySelector('#detail').dataset.recordId === '{record_id}'")


def fresh(page, action) -> str:
    """The record on screen after `action` has loaded a new one (even the same id, or none)."""
    page.evaluate("() => { document.querySelector('#record').dataset.recordId = 'reloading'; }")
    action()
    return shown(page, "reloading")


def switch_reviewer(page, name: str) -> str:
    page.locator("#reviewer-button").click()
    return fresh(page, lambda: page.locator("#picker").get_by_role("button", name=name).click())


def full_text_stage(page) -> str:
    return fresh(page, lambda: page.get_by_role("button", name="Full text").click())


# ---------------------------------------------------------------- the record list


def test_records_view_searches_filters_sorts_and_changes_my_decision(example: Path, start, page) -> None:
    server = start(example)
    log = example / "screening" / "title_abstract" / "asha.csv"
    before = lines(log)
    open_as(page, server.url, "asha")
    view(page, "Records")
    wait_list(page, "ids.length === 43")
    assert page.locator("#list-summary").inner_text().startswith("43 records at title/abstract")

    page.keyboard.press("/")
    page.keyboard.type("peer networks")
    wait_list(page, f"ids.length > 0 && ids.length < 43 && ids.includes('{READABLE}')")
    page.locator("#f-q").fill("")
    wait_list(page, "ids.length === 43")

    page.locator("#f-mine").select_option("exclude")
    wait_list(page, "ids.length < 43")
    assert set(page.locator("#records-body td:nth-child(5)").all_inner_texts()) == {"exclude"}
    page.locator("#f-database").select_option("ASSIA (ProQuest)")
    page.wait_for_function("() => document.querySelector('#list-summary').textContent.includes('records')")
    page.wait_for_timeout(300)
    for title in page.locator("#records-body td.dbs").evaluate_all("cells => cells.map(c => c.title)"):
        assert "ASSIA (ProQuest)" in title
    page.locator("#f-database").select_option("")
    page.locator("#f-mine").select_option("")
    page.locator("#f-label").fill("NHS")
    wait_list(page, "ids.length === 1 && ids[0] === 'r1034f1915e0ac53'")
    page.locator("#f-label").fill("")
    page.locator("#f-sort").select_option("year")
    wait_list(page, "ids.length === 43")
    page.wait_for_timeout(300)
    years = [int(match) for text in page.locator("#records-body .sub").all_inner_texts()
             for match in re.findall(r"· ((?:19|20)\d\d) ·", text)[:1]]  # fmt: skip
    assert len(years) > 30 and years == sorted(years, reverse=True)
    assert lines(log) == before  # looking changes nothing

    # Open an excluded record and change my decision with one key: a new line, the old one kept.
    target = "r1034f1915e0ac53"
    open_detail(page, target)
    page.keyboard.press("m")
    page.wait_for_function("() => document.querySelectorAll('#detail ol.history li').length === 2")
    assert lines(log) == [*before, (target, "maybe", "")]
    assert "Changed: exclude → maybe" in page.locator("#toast").inner_text()
    page.wait_for_function(
        f"() => document.querySelector('#records-body tr[data-record-id=\"{target}\"] td:nth-child(5)')"
        ".innerText === 'maybe'"
    )
    # j moves to the next row; an exclusion with reason key 2 writes that reason
    ids = list_ids(page)
    page.keyboard.press("j")
    following = ids[ids.index(target) + 1]
    page.wait_for_function(f"() => document.querySelector('#detail').dataset.recordId === '{following}'")
    page.keyboard.press("2")
    page.keyboard.press("e")
    page.wait_for_function(f"() => document.querySelector('#detail').dataset.recordId === '{following}'"
                           " && document.querySelector('#detail .choice.exclude.current')")  # fmt: skip
    assert lines(log)[-1] == (following, "exclude", "not adult social care")
    assert len(lines(log)) == len(before) + 2


def test_records_view_in_blind_mode_shows_the_other_decision_only_after_both_decided(
    example: Path, start, page
) -> None:
    set_mode(example, "blind_dual")
    logs = example / "screening" / "title_abstract"
    decided = {d.record_id for d in read_log(logs / "asha.csv", stage="title_abstract")}
    records = (example / "results" / "dedup" / "records.csv").read_text(encoding="utf-8").splitlines()[1:]
    hidden = next(line.split(",")[0] for line in records if line.split(",")[0] not in decided)
    with open(logs / "ben.csv", "a", encoding="utf-8") as handle:
        handle.write(f"{hidden},exclude,not in English,ben,2024-06-05T10:00:00+01:00,ben-private-note\n")
    server = start(example)
    open_as(page, server.url, "asha")
    view(page, "Records")
    wait_list(page, "ids.length === 43")
    row = page.locator(f'#records-body tr[data-record-id="{hidden}"]')
    assert row.locator("td.others").inner_text() == "hidden until you decide"
    assert row.locator("td:nth-child(4)").inner_text() == "pending"
    both = READABLE  # asha and ben both decided it
    assert "ben: include" in page.locator(f'#records-body tr[data-record-id="{both}"] td.others').inner_text()
    open_detail(page, hidden)
    assert "ben-private-note" not in page.content()
    assert "Blind screening" in page.locator("#detail").inner_text()
    page.keyboard.press("e")
    page.wait_for_function("() => document.querySelector('#detail').innerText.includes('ben-private-note')")
    assert lines(logs / "asha.csv")[-1] == (hidden, "exclude", "")
    page.wait_for_function(
        f"() => document.querySelector('#records-body tr[data-record-id=\"{hidden}\"] td.others')"
        ".innerText.includes('ben: exclude')"
    )


# ---------------------------------------------------------------- conflicts


def test_conflict_screen_settles_each_conflict_with_one_key(example: Path, start, page) -> None:
    resolutions = example / "screening" / "resolutions.csv"
    resolutions.unlink()
    server = start(example)
    open_as(page, server.url, "ben")
    page.wait_for_function("() => document.querySelector('#conflict-count').textContent === '2'")
    view(page, "Conflicts")
    page.wait_for_selector("#conflict .side-card")
    first = page.locator("#conflict").get_attribute("data-record-id")
    cards = page.locator("#conflict .side-card").all_inner_texts()
    assert len(cards) == 2 and any("Include" in c for c in cards) and any("Exclude" in c for c in cards)
    assert any("Reason:" in c for c in cards) and any("“" in c for c in cards)  # a reason and a quoted note
    assert page.locator("#conflict h2.title").inner_text()
    assert page.locator("#resolver").inner_text() == "ben"

    page.keyboard.press("i")
    page.wait_for_function("() => document.querySelector('#conflict-count').textContent === '1'")
    (line,) = read_resolutions(resolutions)
    assert (line.stage, line.record_id, line.decision, line.reviewer) == ("title_abstract", first, "include", "ben")
    second = page.locator("#conflict").get_attribute("data-record-id")
    assert second != first
    excluder = next(c for c in page.locator("#conflict .side-card").all_inner_texts() if "Exclude" in c)
    reason = re.search(r"Reason: (.+)", excluder).group(1).strip()
    assert page.locator("#resolve-reason").input_value() == reason  # the exclusion's reason, ready for E
    page.keyboard.press("n")
    page.keyboard.type("agreed on a call")
    page.keyboard.press("Escape")
    logs = {path: path.read_bytes() for path in (example / "screening").glob("*/*.csv")}
    page.locator("#resolve .choice.exclude").click()  # the button does what the key does, and nothing else
    page.wait_for_function("() => document.querySelector('#conflict-count').hidden")
    assert {path: path.read_bytes() for path in (example / "screening").glob("*/*.csv")} == logs
    settled = read_resolutions(resolutions)
    assert [(d.record_id, d.decision, d.reason, d.note) for d in settled[1:]] == [
        (second, "exclude", reason, "agreed on a call")
    ]
    assert "0 open of 2" in page.locator("#conflict-summary").inner_text()


# ---------------------------------------------------------------- full text


def test_full_text_opens_the_pdf_at_a_fields_page_and_says_why_a_pdf_cannot_be_read(
    example: Path, start, context, page
) -> None:
    for log in (example / "screening" / "full_text").glob("*.csv"):
        log.unlink()
    server = start(example)
    open_as(page, server.url, "asha")
    record = full_text_stage(page)
    log = example / "screening" / "full_text" / "asha.csv"
    seen = {}
    served: list[tuple[str, str | None]] = []
    context.on("response", lambda r: served.append((r.url, r.headers.get("content-type"))))
    while record:
        page.wait_for_selector("#record .pdf-bar .pdf-status")
        seen[record] = page.locator("#record .pdf-bar").inner_text()
        if record == READABLE:
            links = page.locator("#record a.page-link")
            assert links.count() > 0
            href = links.last.get_attribute("href")
            number = re.fullmatch(rf"/api/team/pdf/{READABLE}#page=(\d+)", href).group(1)
            field_page = links.last.inner_text()
            assert field_page.startswith(f"p. {number}")
            with context.expect_page() as opened:
                links.last.click()
            pdf = opened.value
            pdf.wait_for_load_state()
            assert pdf.url.endswith(f"/api/team/pdf/{READABLE}#page={number}")
            assert (f"{server.url}api/team/pdf/{READABLE}", "application/pdf") in served
            pdf.close()
            record = press(page, "i")
        else:
            page.keyboard.press("4")  # wrong study design
            record = press(page, "e")
        assert lines(log)[-1][0] == list(seen)[-1]
    assert set(seen) >= {READABLE, UNREADABLE, NOTICE, LESSONS}
    assert "unreadable" in seen[UNREADABLE] and "no end-of-file marker" in seen[UNREADABLE]
    assert "Open PDF" in seen[READABLE] and "ok" in seen[READABLE]
    assert UNMATCHED not in seen or "not retrieved" in seen[UNMATCHED]
    assert lines(log) == [(rid, "include" if rid == READABLE else "exclude", "" if rid == READABLE else
                           "wrong study design") for rid in seen]  # fmt: skip


# ---------------------------------------------------------------- layout


@pytest.mark.parametrize("size", [(1440, 900), (1280, 800)])
def test_the_progress_panel_is_visible_without_scrolling(example: Path, start, browser, size) -> None:  # noqa: F811
    server = start(example)
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    try:
        page = context.new_page()
        open_as(page, server.url, "asha")
        page.wait_for_function("() => document.querySelector('#plot svg')")
        box = page.locator("section.progress").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= size[1], box
        assert page.evaluate("window.scrollY") == 0
        # the decision buttons are in view too
        buttons = page.locator("#decision .choices").bounding_box()
        assert buttons["y"] + buttons["height"] <= size[1]
    finally:
        context.close()


# ---------------------------------------------------------------- the whole review


def test_a_whole_review_in_the_browser_from_the_first_record_to_full_text(
    tmp_path_factory, tmp_path: Path, start, context, page
) -> None:
    """Two reviewers screen the example review in dual mode, one changes an earlier decision, one settles the
    conflict, one updates the review so that the workflow matches the PDFs, and both decide the full texts, every
    step in the browser."""
    review_dir = copy_review(built_example(tmp_path_factory.getbasetemp(), decisions=False), tmp_path / "review")
    ta = review_dir / "screening" / "title_abstract"
    server = start(review_dir)
    include = {"asha": {READABLE, UNREADABLE, NOTICE}, "ben": {READABLE, UNREADABLE, LESSONS}}

    def screen_all(reviewer: str, record: str, stage: str, decide) -> list[str]:
        log = review_dir / "screening" / stage / f"{reviewer}.csv"
        order = []
        while record:
            order.append(record)
            key, reason = decide(record)
            if reason:
                page.keyboard.press(reason)
            record = press(page, key)
            assert lines(log)[-1][:2] == (order[-1], {"i": "include", "e": "exclude"}[key])
        page.wait_for_selector("text=Nothing left in your queue")
        return order

    # Title and abstract: asha excludes LESSONS by mistake (reason 3: no peer support, information or advice).
    first = open_as(page, server.url, "asha")
    asha = screen_all("asha", first, "title_abstract", lambda r: ("i", "") if r in include["asha"] else ("e", "3"))
    assert len(asha) == len(set(asha)) == 43
    assert lines(ta / "asha.csv")[asha.index(LESSONS)] == (LESSONS, "exclude", "no peer support, information or advice")

    # She finds it in the list and changes her mind: a new line, the history kept.
    view(page, "Records")
    page.locator("#f-mine").select_option("exclude")
    page.locator("#f-q").fill("lessons international evidence")
    wait_list(page, f"ids.length === 1 && ids[0] === '{LESSONS}'")
    open_detail(page, LESSONS)
    # The button, not the key: a list reload that lands after the search can take the keyboard focus (seen flaky).
    page.locator("#detail button.choice.include").click()
    page.wait_for_function("() => document.querySelectorAll('#detail ol.history li').length === 2")
    assert lines(ta / "asha.csv")[-1] == (LESSONS, "include", "")
    assert len(lines(ta / "asha.csv")) == 44
    view(page, "Screen")

    # Ben screens everything; he excludes NOTICE with a note, which makes the one conflict.
    def ben_decides(record: str) -> tuple[str, str]:
        if record in include["ben"]:
            return "i", ""
        if record == NOTICE:
            page.locator("#note").click()
            page.keyboard.type("discussion paper")
            page.keyboard.press("Escape")
            return "e", "4"
        return "e", "3"

    ben = screen_all("ben", switch_reviewer(page, "ben"), "title_abstract", ben_decides)
    assert sorted(ben) == sorted(asha)
    assert lines(ta / "ben.csv")[ben.index(NOTICE)] == (NOTICE, "exclude", "not research (commentary or editorial)")

    # Ben settles it on the conflict screen with one key.
    page.wait_for_function("() => document.querySelector('#conflict-count').textContent === '1'")
    view(page, "Conflicts")
    page.wait_for_function(f"() => document.querySelector('#conflict').dataset.recordId === '{NOTICE}'")
    assert "discussion paper" in page.locator("#conflict .sides").inner_text()
    page.keyboard.press("i")
    page.wait_for_function("() => document.querySelector('#conflict-count').hidden")
    (resolution,) = read_resolutions(review_dir / "screening" / "resolutions.csv")
    assert (resolution.record_id, resolution.decision, resolution.reviewer) == (NOTICE, "include", "ben")
    view(page, "Screen")

    # Ben updates the review from the page: the workflow matches the PDFs of the four studies that reached full
    # text (no decision is made here), and the page follows the run to its end.
    page.get_by_role("button", name="Update the review").click()
    page.wait_for_selector('#workflow-panel[data-state="running"]')
    assert page.locator("#update-review").is_disabled()
    page.wait_for_selector('#workflow-panel:not([data-state="running"])', timeout=RUN_TIMEOUT_MS)
    panel = page.locator("#workflow-panel")
    assert panel.get_attribute("data-state") == "finished", page.locator("#workflow-errors").inner_text()
    assert page.locator("#workflow-state").inner_text() == "The review is updated"
    assert re.fullmatch(r"(\d+) of \1 steps", page.locator("#workflow-steps").inner_text())
    assert page.locator("#update-review").is_enabled()
    reached = {READABLE, UNREADABLE, NOTICE, LESSONS}
    assert all((review_dir / "results" / "fulltext" / "records" / f"{rid}.json").is_file() for rid in reached)

    # Full text: both reviewers; the unreadable PDF says why, the readable one opens at a field's page.
    full = {READABLE: ("i", ""), LESSONS: ("i", ""), NOTICE: ("e", "4"), UNREADABLE: ("e", "1")}
    record = full_text_stage(page)
    page.wait_for_selector("#record .pdf-bar .pdf-status")
    ben_ft = screen_all("ben", record, "full_text", lambda r: full[r])
    assert set(ben_ft) == reached
    asha_ft = screen_all("asha", switch_reviewer(page, "asha"), "full_text", lambda r: full[r])
    assert set(asha_ft) == reached

    state = settle_review(
        settle_config(review_dir),
        clusters=review_dir / "results/dedup/clusters.csv",
        screening=review_dir / "screening",
    )
    assert {rid for rid, s in state.title_abstract.studies.items() if s.status == "include"} == reached
    assert {rid: s.status for rid, s in state.full_text.studies.items()} == {
        READABLE: "include",
        LESSONS: "include",
        NOTICE: "exclude",
        UNREADABLE: "exclude",
    }
    assert [c.record_id for c in state.changes] == [LESSONS]  # the one change, kept as history


def settle_config(review_dir: Path) -> dict:
    from slrflow.config import load_config

    return load_config(review_dir / "config" / "config.yaml")
