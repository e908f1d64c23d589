"""The screening app driven in a real browser: headless Chromium through Playwright, keyboard only.

Needs /usr/bin/chromium (Debian package `chromium`); the tests skip without it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_app import build_review, hand_line, log_rows

from slrflow.app import Review, create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium package to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Server:
    """The app on a free port of 127.0.0.1, in a thread, for one test."""

    def __init__(self, directory: Path) -> None:
        from werkzeug.serving import make_server

        self.review = Review(directory)
        self._server = make_server("127.0.0.1", 0, create_app(self.review), threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self.review.close()


@pytest.fixture
def serve() -> Iterator[object]:
    servers = []

    def start(directory: Path) -> Server:
        servers.append(Server(directory))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def open_as(page, url: str, reviewer: str) -> str:
    page.goto(url)
    page.locator("#picker").get_by_role("button", name=reviewer).click()
    return shown(page)


def shown(page, other_than: str | None = None) -> str:
    """The record id on screen, once it is not `other_than` (the record before a key press)."""
    page.wait_for_function(
        "previous => { const id = document.querySelector('#record').dataset.recordId;"
        " return id !== undefined && id !== previous && !document.querySelector('#record .loading'); }",
        arg=other_than if other_than is not None else "\u0000",
    )
    return page.locator("#record").get_attribute("data-record-id") or ""


def press(page, key: str) -> str:
    before = shown(page)
    page.keyboard.press(key)
    return shown(page, before)


def test_screening_with_the_keyboard_writes_exactly_those_decisions_and_undo_takes_them_back(
    tmp_path: Path, shared_data: Path, serve, page
) -> None:
    build_review(tmp_path, shared_data)
    server = serve(tmp_path)
    log = tmp_path / "screening" / "title_abstract" / "alice.csv"
    first = open_as(page, server.url, "alice")
    assert page.locator("#question").inner_text().startswith("How effective and safe")
    assert page.locator("#record mark").count() > 0  # criteria words highlighted
    second = press(page, "i")
    page.keyboard.press("2")  # reason 2: wrong intervention
    third = press(page, "ArrowLeft")
    page.locator("#note").click()
    page.keyboard.type("unclear dose")
    page.keyboard.press("Escape")
    fourth = press(page, "m")
    assert len({first, second, third, fourth}) == 4
    assert log_rows(log) == [(first, "include", ""), (second, "exclude", "wrong intervention"), (third, "maybe", "")]
    assert "unclear dose" in log.read_text(encoding="utf-8")
    assert page.locator("#n-screened").inner_text() == "3"
    assert page.locator("#toast").inner_text().startswith("Saved: maybe")

    # The stopping state after these decisions: buscar's claim and the estimate, each under its own label.
    assert server.review.wait_for_model("alice")
    page.reload()
    page.wait_for_selector("#stopping-estimate")
    words = server.review.progress("alice", "title_abstract")["stopping"]["words"]
    claim, estimate = page.locator("#stopping-claim"), page.locator("#stopping-estimate")
    assert claim.inner_text() == f"The claim (buscar stopping rule): {words['claim']}"
    assert claim.inner_text().startswith("The claim (buscar stopping rule): keep screening. Not shown yet: recall ≥")
    assert estimate.inner_text() == f"An estimate, not a claim: {words['estimate']}"
    assert estimate.inner_text().startswith("An estimate, not a claim: recall about ")
    assert "estimate" not in claim.inner_text()

    assert press(page, "u") == third
    assert log_rows(log) == [(first, "include", ""), (second, "exclude", "wrong intervention")]
    assert press(page, "Control+z") == second
    assert log_rows(log) == [(first, "include", "")]
    assert page.locator("#n-screened").inner_text() == "1"

    # A line typed into the log by hand is the same data: bob excludes the record on screen (single mode).
    hand_line(tmp_path / "screening" / "title_abstract" / "bob.csv", second, "exclude", "bob")
    page.reload()
    assert not page.locator("#picker").is_visible()  # the browser remembers the reviewer
    assert shown(page) not in {first, second}


def test_blind_dual_screening_shows_no_other_reviewers_decision(tmp_path: Path, shared_data: Path, serve, page) -> None:
    records = build_review(tmp_path, shared_data, mode="blind_dual")
    for record in records:
        hand_line(tmp_path / "screening" / "title_abstract" / "alice.csv", record["record_id"], "include", "alice")
    server = serve(tmp_path)
    seen = [open_as(page, server.url, "bob")]
    for _ in range(3):
        text = page.locator("main").inner_text()
        assert "alice" not in text and "typed by hand" not in text
        assert page.locator("#record .pill").count() == 0
        seen.append(press(page, "e"))
    assert page.locator("#mode-badge").inner_text() == "blind dual screening"
    bob = log_rows(tmp_path / "screening" / "title_abstract" / "bob.csv")
    assert [rid for rid, _, _ in bob] == seen[:3]  # all decided by alice already, all still in bob's queue
    assert page.locator("#n-screened").inner_text() == "3"


def test_full_text_decision_needs_a_reason_and_shows_the_extracted_text(
    tmp_path: Path, shared_data: Path, serve, page
) -> None:
    records = build_review(tmp_path, shared_data)
    included = records[0]["record_id"]
    hand_line(tmp_path / "screening" / "title_abstract" / "alice.csv", included, "include", "alice")
    (tmp_path / "results" / "fulltext" / "records").mkdir(parents=True)
    (tmp_path / "results" / "fulltext" / "records" / f"{included}.json").write_text(
        json.dumps(
            {
                "status": "ok",
                "pages": ["Methods\nSixty children with ADHD were randomised to methylphenidate.", "Results\n..."],
                # as `slrflow extraction` writes them: each field a list of values with page and snippet
                "fields": {
                    "sample_size": [{"value": "60", "page": 1, "snippet": "Sixty children with ADHD"}],
                    "country": [],
                },
            }
        ),
        encoding="utf-8",
    )
    server = serve(tmp_path)
    open_as(page, server.url, "alice")
    page.get_by_role("button", name="Full text").click()
    page.wait_for_selector("table.fields")
    assert shown(page) == included
    assert "randomised to methylphenidate" in page.locator(".pages").inner_text()
    assert page.locator("table.fields tbody tr").inner_text().split("\t")[:2] == ["sample_size", "60"]

    log = tmp_path / "screening" / "full_text" / "alice.csv"
    page.keyboard.press("e")
    page.wait_for_selector("#reason.missing")
    assert "Choose an exclusion reason" in page.locator("#toast").inner_text()
    assert not log.exists()
    page.keyboard.press("3")  # wrong outcome
    page.keyboard.press("e")
    page.wait_for_selector("text=Nothing left in your queue")
    assert log_rows(log) == [(included, "exclude", "wrong outcome")]
