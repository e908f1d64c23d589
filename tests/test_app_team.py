"""The team's part of the app without a browser: the record list, conflicts settled into resolutions.csv, PDFs
served by record id only (see test_app_team_browser for the same in Chromium).

The review is the shipped example (config/, resources/, screening/), built once by the real workflow into a
temporary folder and copied for each test, so every test may write to its logs.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import REPO, run_snakemake

from slrflow.app import Review, create_app
from slrflow.app.conflicts import append_resolution
from slrflow.app.listing import ListQuery
from slrflow.screening.decisions import RESOLUTION_COLUMNS, read_log, read_resolutions
from slrflow.screening.state import settle_review

_BUILT: dict[str, Path] = {}
UNREADABLE = "r3cf335321e5e4be"  # its PDF is cut short on purpose (resources/README.md)
READABLE = "r01b1742d05f84f4"
UNMATCHED = "r373ddbb8d941dfe"  # sought, but no PDF in resources/fulltext/


def built_example(base: Path, *, decisions: bool) -> Path:
    """The example review built by `snakemake -c2`, with the shipped decisions or with none; built once a run."""
    key = "decided" if decisions else "fresh"
    if key not in _BUILT:
        target = base / f"example-{key}"
        for name in ("config", "resources"):
            shutil.copytree(REPO / name, target / name)
        if decisions:
            shutil.copytree(REPO / "screening", target / "screening")
        else:
            (target / "screening").mkdir(parents=True)
            shutil.copy(REPO / "screening" / "duplicates.csv", target / "screening" / "duplicates.csv")
        result = run_snakemake(target)
        assert result.returncode == 0, result.stderr[-3000:]
        _BUILT[key] = target
    return _BUILT[key]


def copy_review(source: Path, target: Path) -> Path:
    for name in ("config", "resources", "screening", "results"):
        shutil.copytree(source / name, target / name)
    return target


def set_mode(review_dir: Path, mode: str) -> None:
    path = review_dir / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["screening"]["mode"] = mode
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


@pytest.fixture
def example(tmp_path_factory, tmp_path: Path) -> Path:
    return copy_review(built_example(tmp_path_factory.getbasetemp(), decisions=True), tmp_path / "review")


@pytest.fixture
def client(example: Path) -> Iterator[tuple[object, Review]]:
    review = Review(example)
    try:
        app = create_app(review)
        test_client = app.test_client()
        test_client.environ_base["HTTP_X_SLRFLOW_TOKEN"] = app.config["SESSION_TOKEN"]  # as the page sends it
        yield test_client, review
    finally:
        review.close()


def records(client, **query) -> dict:
    params = {"reviewer": "asha", "stage": "title_abstract", "limit": "1000", **query}
    response = client.get("/api/team/records", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def log_lines(path: Path) -> list[tuple[str, str, str]]:
    return [(d.record_id, d.decision, d.reason) for d in read_log(path, stage=path.parent.name)]


# ---------------------------------------------------------------- the list


def test_the_list_holds_every_record_with_the_settled_status(client, example: Path) -> None:
    client, review = client
    data = records(client)
    assert data["total"] == len(review.records) == 43
    state = settle_review(
        review.config, clusters=example / "results/dedup/clusters.csv", screening=example / "screening"
    )
    assert {row["record_id"]: row["status"] for row in data["rows"]} == {
        rid: study.status for rid, study in state.title_abstract.studies.items()
    }
    ranks = [row["rank"] for row in data["rows"]]
    assert ranks == sorted(ranks) and ranks[0] == 1  # sorted by rank by default


def test_search_covers_title_abstract_authors_and_keywords_and_ignores_case_and_accents(client) -> None:
    client, review = client
    by_field = {}
    for field in ("title", "abstract", "authors", "keywords"):
        row = next(r for r in review.records if r.get(field))
        word = max(row[field].replace(";", " ").split(), key=len).strip(".,:()")
        by_field[field] = (row["record_id"], word)
    for field, (record_id, word) in by_field.items():
        found = [row["record_id"] for row in records(client, q=word.upper())["rows"]]
        assert record_id in found, (field, word)
    # every word must occur: a second word that is in no record finds nothing
    assert records(client, q="peer zzzunknownzzz")["total"] == 0
    french = next(r for r in review.records if "personnalisée" in r["title"])
    assert french["record_id"] in [row["record_id"] for row in records(client, q="PERSONNALISEE")["rows"]]


def test_filters_combine_and_each_one_selects_what_it_names(client) -> None:
    client, _ = client
    every = records(client)["rows"]
    for value in ("include", "exclude", "maybe"):
        rows = records(client, mine=value)["rows"]
        assert rows and all(row["mine"]["decision"] == value for row in rows)
    undecided = records(client, mine="undecided")["rows"]
    assert all(row["mine"] is None for row in undecided)
    assert len(undecided) + len(records(client, mine="decided")["rows"]) == len(every)
    for status in ("pending", "include", "exclude"):
        assert all(row["status"] == status for row in records(client, status=status)["rows"])
    settled = records(client, conflict="resolved")["rows"]
    assert {row["record_id"] for row in settled} == {"r0bf9e70ac117752", "rb1c44b9b2466e35"}
    assert records(client, conflict="open")["total"] == 0
    assert len(records(client, conflict="none")["rows"]) == len(every) - 2
    database = "ASSIA (ProQuest)"
    rows = records(client, database=database)["rows"]
    assert rows and all(database in row["databases"] for row in rows)
    assert len(rows) < len(every)
    # reason or note, in any visible decision or resolution
    rows = records(client, label="NHS")["rows"]
    assert [row["record_id"] for row in rows] == ["r1034f1915e0ac53"]
    rows = records(client, label="consensus")["rows"]
    assert {row["record_id"] for row in rows} == {"r0bf9e70ac117752", "rb1c44b9b2466e35"}
    combined = records(client, mine="exclude", database=database)["rows"]
    assert {row["record_id"] for row in combined} == {
        row["record_id"] for row in records(client, mine="exclude")["rows"] if database in row["databases"]
    }


def test_sort_by_year_and_title(client) -> None:
    client, _ = client
    years = [row["year"] for row in records(client, sort="year")["rows"]]
    numbers = [int(year) for year in years if year.isdigit()]
    assert numbers == sorted(numbers, reverse=True)
    assert years[: len(numbers)] == [str(n) for n in numbers]  # records without a year last
    titles = [row["title"].casefold() for row in records(client, sort="title")["rows"]]
    assert titles == sorted(titles)


def test_bad_list_queries_are_refused_with_the_allowed_values(client) -> None:
    client, _ = client
    response = client.get("/api/team/records?reviewer=asha&stage=title_abstract&sort=colour")
    assert response.status_code == 400 and "rank, year, title" in response.get_json()["error"]
    response = client.get("/api/team/records?reviewer=mallory&stage=title_abstract")
    assert response.status_code == 400 and "asha" in response.get_json()["error"]
    with pytest.raises(ValueError, match="whole number"):
        ListQuery.from_args({"offset": "-1"})


def test_changing_a_decision_appends_a_line_and_keeps_the_history(client, example: Path) -> None:
    client, _ = client
    log = example / "screening" / "title_abstract" / "asha.csv"
    before = log_lines(log)
    target = "r1034f1915e0ac53"  # excluded by asha, not adult social care
    response = client.post(
        "/api/team/decide",
        json={"reviewer": "asha", "stage": "title_abstract", "record_id": target, "decision": "maybe", "note": "ask"},
    )
    assert response.status_code == 200
    detail = response.get_json()
    assert log_lines(log) == [*before, (target, "maybe", "")]
    assert [h["decision"] for h in detail["history"]] == ["exclude", "maybe"]
    assert detail["my_decision"]["decision"] == "maybe"
    response = client.post(
        "/api/team/decide",
        json={"reviewer": "asha", "stage": "title_abstract", "record_id": "r0000000000000000", "decision": "maybe"},
    )
    assert response.status_code == 404 and log_lines(log)[-1] == (target, "maybe", "")


def test_blind_mode_shows_another_decision_only_when_both_have_decided(example: Path) -> None:
    set_mode(example, "blind_dual")
    logs = example / "screening" / "title_abstract"
    decided_by_asha = {d.record_id for d in read_log(logs / "asha.csv", stage="title_abstract")}
    with open(example / "results" / "dedup" / "records.csv", encoding="utf-8") as handle:
        undecided = [row["record_id"] for row in csv.DictReader(handle) if row["record_id"] not in decided_by_asha]
    with open(logs / "ben.csv", "a", encoding="utf-8") as handle:
        handle.write(f"{undecided[0]},exclude,not in English,ben,2024-06-05T10:00:00+01:00,ben-private-note\n")
    review = Review(example)
    try:
        client = create_app(review).test_client()
        asha = {review.study_of[d.record_id]: d for d in read_log(logs / "asha.csv", stage="title_abstract")}
        ben = {review.study_of[d.record_id]: d for d in read_log(logs / "ben.csv", stage="title_abstract")}
        only_ben = sorted(set(ben) - set(asha))
        both = sorted(set(ben) & set(asha))
        assert only_ben and both
        for row in records(client)["rows"]:
            if row["record_id"] in only_ben:
                assert row["others"] == {} and row["status"] == "pending"
            if row["record_id"] in both:
                assert row["others"]["ben"]["decision"] == ben[row["record_id"]].decision
        text = client.get("/api/team/records", query_string={"reviewer": "asha", "stage": "title_abstract"}).text
        for record_id in only_ben:
            detail = client.get(
                "/api/team/record", query_string={"reviewer": "asha", "stage": "title_abstract", "record_id": record_id}
            ).get_json()
            assert detail["others"] == {} and detail["my_decision"] is None
            note = ben[record_id].note
            if note:
                assert note not in text and note not in str(detail)
    finally:
        review.close()


# ---------------------------------------------------------------- conflicts


def test_settling_a_conflict_appends_a_resolution_that_read_resolutions_accepts(client, example: Path) -> None:
    client, review = client
    (example / "screening" / "resolutions.csv").unlink()
    data = client.get("/api/team/conflicts?stage=title_abstract").get_json()
    assert data["open"] == 2
    first = data["conflicts"][0]
    assert {d["reviewer"] for d in first["decisions"]} == {"asha", "ben"}
    assert any(d["note"] for d in first["decisions"]) and any(d["reason"] for d in first["decisions"])
    response = client.post(
        "/api/team/resolve",
        json={
            "reviewer": "ben",
            "stage": "title_abstract",
            "record_id": first["record_id"],
            "decision": "include",
            "note": "agreed\non a call",
        },
    )
    assert response.status_code == 200
    assert response.get_json()["open"] == 1
    path = example / "screening" / "resolutions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(RESOLUTION_COLUMNS) and len(lines) == 2
    (resolution,) = read_resolutions(path, reasons_by_stage=review.reasons)
    assert (resolution.record_id, resolution.decision, resolution.reviewer, resolution.note) == (
        first["record_id"],
        "include",
        "ben",
        "agreed\non a call",  # one physical line (above), the line break kept by the line rule
    )
    assert review.ta_status(first["record_id"]) == "include"
    # no conflict there any more to settle? Settling again replaces it (the latest line wins); a study without
    # a conflict is refused, and so is a reason outside the configured list.
    response = client.post(
        "/api/team/resolve",
        json={"reviewer": "ben", "stage": "title_abstract", "record_id": READABLE, "decision": "exclude"},
    )
    assert response.status_code == 400 and "no conflict" in response.get_json()["error"]
    second = data["conflicts"][1]["record_id"]
    response = client.post(
        "/api/team/resolve",
        json={"reviewer": "ben", "stage": "title_abstract", "record_id": second, "decision": "exclude", "reason": "x"},
    )
    assert response.status_code == 400 and "configured list" in response.get_json()["error"]
    assert len(read_resolutions(path)) == 1


def test_a_resolution_appended_after_a_line_without_newline_starts_a_line_of_its_own(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    path = tmp_path / "resolutions.csv"
    path.write_text(
        ",".join(RESOLUTION_COLUMNS) + "\ntitle_abstract,r0123456789abcde,include,,asha,2026-11-23T09:00:00+00:00,",
        encoding="utf-8",
    )
    when = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    append_resolution(path, "full_text", "r0123456789abcdf", "exclude", "wrong population", "ben", when, 'a "b", c')
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [row["record_id"] for row in rows] == ["r0123456789abcde", "r0123456789abcdf"]
    assert rows[1]["note"] == 'a "b", c'
    fresh = tmp_path / "new" / "resolutions.csv"
    append_resolution(fresh, "title_abstract", "r0123456789abcde", "maybe", "", "asha", when, "")
    assert fresh.read_text(encoding="utf-8").splitlines()[0] == ",".join(RESOLUTION_COLUMNS)


# ---------------------------------------------------------------- PDFs


def test_the_pdf_is_served_by_record_id_and_anything_else_is_refused(client, example: Path) -> None:
    client, _ = client
    response = client.get(f"/api/team/pdf/{READABLE}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == (example / "resources" / "fulltext" / f"{READABLE}.pdf").read_bytes()
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    for bad in (UNMATCHED, "r0000000000000000", "R01B1742D05F84F4", "Notice", "..", "%2e%2e%2fconfig"):
        response = client.get(f"/api/team/pdf/{bad}")
        assert response.status_code == 404, bad
        assert response.data[:4] != b"%PDF"
    # a matches.csv edited to name a file outside the full-text folder is refused too
    matches = example / "results" / "fulltext" / "matches.csv"
    text = matches.read_text(encoding="utf-8")
    (example / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
    for name in ("../../secret", "/etc/passwd", "..\\secret"):
        matches.write_text(text.replace(f"{READABLE},{READABLE},", f"{READABLE},{name},"), encoding="utf-8")
        response = client.get(f"/api/team/pdf/{READABLE}")
        assert response.status_code == 404 and b"%PDF" not in response.data, name


def test_an_unreadable_pdf_says_why(client) -> None:
    client, _ = client
    info = client.get(f"/api/team/fulltext/{UNREADABLE}").get_json()
    assert info["status"] == "unreadable"
    assert "no end-of-file marker" in info["reason"]  # the reader's reason for this truncated PDF
    assert client.get(f"/api/team/fulltext/{READABLE}").get_json()["status"] == "ok"
    info = client.get(f"/api/team/fulltext/{UNMATCHED}").get_json()
    assert (info["status"], info["pdf_url"]) == ("not retrieved", None)


def test_resolutions_written_at_once_by_many_threads_are_all_whole_lines(tmp_path: Path) -> None:
    import threading
    from datetime import UTC, datetime

    path = tmp_path / "resolutions.csv"
    when = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    ids = [f"r{n:015x}" for n in range(40)]
    threads = [
        threading.Thread(
            target=append_resolution,
            args=(path, "title_abstract", rid, "include", "", "asha", when, "a note, " * 200),
        )
        for rid in ids
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(d.record_id for d in read_resolutions(path)) == ids
    assert path.read_text(encoding="utf-8").count(",".join(RESOLUTION_COLUMNS)) == 1


def test_a_request_that_is_not_a_json_object_is_refused_and_writes_nothing(client, example: Path) -> None:
    client, _ = client
    before = (example / "screening" / "resolutions.csv").read_bytes()
    for body in ("not json", "[1, 2]", '{"reviewer": "asha"}'):
        response = client.post("/api/team/resolve", data=body, content_type="application/json")
        assert response.status_code == 400 and response.get_json()["error"]
    assert (example / "screening" / "resolutions.csv").read_bytes() == before
