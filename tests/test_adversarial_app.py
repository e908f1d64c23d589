"""Adversarial suite, screening app (issue 13): forged requests, broken logs, hostile sizes, racing writers.

Every case sends what an attacker, a crash or a careless edit would, and checks that no decision is lost, none is
forged, and the answer is JSON that says what was wrong.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from test_app import HEADER, app_client, build_review, hand_line

from slrflow.app import Review, create_app
from slrflow.app.logfile import append_line, create_with_header
from slrflow.app.server import TOKEN_HEADER
from slrflow.screening.decisions import LOG_COLUMNS, read_log
from slrflow.tables import read_table, write_table


@pytest.fixture
def review_dir(tmp_path: Path, shared_data: Path) -> Path:
    build_review(tmp_path, shared_data)
    return tmp_path


@pytest.fixture
def review(review_dir: Path):
    review = Review(review_dir)
    yield review
    review.close()


def alice_log(review_dir: Path) -> Path:
    return review_dir / "screening" / "title_abstract" / "alice.csv"


def decide_body(review: Review, **extra: object) -> dict[str, object]:
    body = {
        "reviewer": "alice",
        "stage": "title_abstract",
        "record_id": review.records[0]["record_id"],
        "decision": "include",
    }
    return {**body, **extra}


# ---------------------------------------------------------------- DNS rebinding and forged writes


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "rebind.evil.example"},
        {"Host": "rebind.evil.example:5000"},
        {"Host": "127.0.0.1.evil.example"},
        {"Host": "localhost:9999"},  # a loopback name on another port: not this app
        {"Origin": "http://rebind.evil.example"},
        {"Origin": "null"},
        {TOKEN_HEADER: ""},
        {TOKEN_HEADER: "guessed"},
    ],
)
def test_a_forged_write_is_refused_and_nothing_is_written(review: Review, review_dir: Path, headers) -> None:
    client = app_client(review)
    answer = client.post("/api/decide", json=decide_body(review), headers=headers)
    assert answer.status_code == 403 and answer.is_json and "error" in answer.get_json()
    assert not alice_log(review_dir).exists()


def test_a_rebound_host_cannot_read_the_review_either(review: Review) -> None:
    answer = app_client(review).get("/api/next?reviewer=alice&stage=title_abstract", headers={"Host": "evil.example"})
    assert answer.status_code == 403


def test_the_page_carries_the_session_token_and_its_own_origin_is_accepted(review: Review, review_dir: Path) -> None:
    app = create_app(review)
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    token = app.config["SESSION_TOKEN"]
    assert f'<meta name="slrflow-token" content="{token}">' in page
    answer = client.post(
        "/api/decide", json=decide_body(review), headers={TOKEN_HEADER: token, "Origin": "http://localhost"}
    )
    assert answer.status_code == 200, answer.get_json()
    assert len(read_log(alice_log(review_dir), stage="title_abstract")) == 1


# ---------------------------------------------------------------- bodies, notes and malformed requests


def test_a_huge_body_is_refused_with_413_json(review: Review, review_dir: Path) -> None:
    answer = app_client(review).post("/api/decide", json=decide_body(review, note="x" * 2_000_000))
    assert answer.status_code == 413 and "larger than" in answer.get_json()["error"]
    assert not alice_log(review_dir).exists()


def test_a_long_note_is_refused_with_400_json_and_the_log_stays_readable(review: Review, review_dir: Path) -> None:
    answer = app_client(review).post("/api/decide", json=decide_body(review, note="y" * 40_000))
    assert answer.status_code == 400 and "note" in answer.get_json()["error"]
    assert not alice_log(review_dir).exists()


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ("{not json", "JSON object"),
        ("[1, 2]", "JSON object"),
        (json.dumps({"reviewer": "alice", "stage": "title_abstract", "decision": "include"}), "record_id"),
        (
            json.dumps({"reviewer": "alice", "stage": "title_abstract", "record_id": ["x"], "decision": "x"}),
            "record_id",
        ),
        (json.dumps({"reviewer": "alice", "stage": "title_abstract", "record_id": "r0", "decision": 1}), "decision"),
        (json.dumps({"stage": "title_abstract"}), "reviewer"),
    ],
)
def test_malformed_requests_get_400_json_naming_the_field(review: Review, data: str, named: str) -> None:
    answer = app_client(review).post("/api/decide", data=data, content_type="application/json")
    assert answer.status_code == 400 and answer.is_json, answer.get_data(as_text=True)[:200]
    assert named in answer.get_json()["error"]


# ---------------------------------------------------------------- never "saved" unless a re-read returns it


def test_the_app_refuses_to_write_to_a_log_it_cannot_read_back(review: Review, review_dir: Path) -> None:
    log = alice_log(review_dir)
    log.parent.mkdir(parents=True)
    first = review.records[1]["record_id"]
    log.write_text(HEADER + f'{first},exclude,,alice,2026-11-23T10:00:00+00:00,"stray quote\n', encoding="utf-8")
    before = log.read_bytes()
    answer = app_client(review).post("/api/decide", json=decide_body(review))
    assert answer.status_code == 409
    assert "alice.csv, line 2" in answer.get_json()["error"] and "unclosed quote" in answer.get_json()["error"]
    assert log.read_bytes() == before


def test_saved_means_a_re_read_returns_the_decision(review_dir: Path) -> None:
    # Two records of one study; a hand-typed line on the other record, dated in the future, would still decide
    # the study for alice after the app's new line: the app must not say "saved".
    records = read_table(review_dir / "results" / "dedup" / "clusters.csv")
    study, other = records[0]["record_id"], records[1]["record_id"]
    records[1]["cluster_id"] = study
    write_table(review_dir / "results" / "dedup" / "clusters.csv", records, list(records[0]))
    hand_line(alice_log(review_dir), other, "exclude", "alice", "not a trial")
    text = alice_log(review_dir).read_text(encoding="utf-8").replace("2026-11-23T10:00", "2099-01-01T10:00")
    alice_log(review_dir).write_text(text, encoding="utf-8")
    review = Review(review_dir)
    try:
        answer = app_client(review).post("/api/decide", json=decide_body(review, record_id=study))
        assert answer.status_code == 409 and "reading alice.csv back" in answer.get_json()["error"]
        assert "saved" not in answer.get_json()
    finally:
        review.close()


def test_every_saved_decision_is_in_the_log_under_concurrent_load(review: Review, review_dir: Path) -> None:
    client = app_client(review)
    saved: list[str] = []
    ids = [row["record_id"] for row in review.records]

    def worker(offset: int) -> None:
        for i in range(offset, 40, 4):
            answer = client.post("/api/decide", json=decide_body(review, record_id=ids[i % len(ids)], note=f"n{i}"))
            if answer.status_code == 200:
                saved.append(f"n{i}")

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    notes = [d.note for d in read_log(alice_log(review_dir), stage="title_abstract")]
    assert len(saved) == 40 and sorted(notes) == sorted(saved)


# ---------------------------------------------------------------- creating a log


def test_two_writers_creating_one_log_write_one_header(tmp_path: Path) -> None:
    # Run as processes, as two app instances are; benchmarks/app/log_creation.py repeats this 10,000 times.
    import multiprocessing

    context = multiprocessing.get_context("fork")
    for trial in range(60):
        path = tmp_path / f"t{trial}" / "alice.csv"
        barrier = context.Barrier(2)
        workers = [context.Process(target=_create_and_append, args=(path, barrier, n)) for n in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        text = path.read_text(encoding="utf-8")
        assert text.count("record_id,decision") == 1 and text.startswith(HEADER), text
        assert len(read_log(path, stage="title_abstract")) == 2


def _create_and_append(path: Path, barrier, n: int) -> None:
    from datetime import UTC, datetime

    from slrflow.screening.decisions import format_line

    barrier.wait()
    when = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    append_line(path, format_line(f"r{n:015x}", "include", "", "alice", when, ""), header=LOG_COLUMNS)


def test_a_new_log_respects_the_users_umask(tmp_path: Path) -> None:
    previous = os.umask(0o002)
    try:
        assert create_with_header(tmp_path / "alice.csv", LOG_COLUMNS)
    finally:
        os.umask(previous)
    assert (tmp_path / "alice.csv").stat().st_mode & 0o777 == 0o664
    assert not create_with_header(tmp_path / "alice.csv", LOG_COLUMNS)  # never twice
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


# ---------------------------------------------------------------- serve, and the first record


def test_serve_on_a_port_in_use_says_the_port_is_taken(review_dir: Path, capsys) -> None:
    import socket

    from slrflow.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--directory", str(review_dir), "--port", str(port)]) == 2
    assert f"port {port} on 127.0.0.1 is taken" in capsys.readouterr().err


def test_the_app_starts_with_the_workflows_most_relevant_record(review_dir: Path, monkeypatch) -> None:
    from slrflow.app.reranker import SessionRanker

    records = read_table(review_dir / "results" / "dedup" / "records.csv")
    best = records[7]["record_id"]
    order = [best] + [r["record_id"] for r in records if r["record_id"] != best]
    rows = [{"record_id": rid, "score": 1 - i / 100, "rank": i + 1} for i, rid in enumerate(order)]
    write_table(review_dir / "results" / "screening" / "ranking.csv", rows, ["record_id", "score", "rank"])
    release = threading.Event()
    fit = SessionRanker.fit
    monkeypatch.setattr(SessionRanker, "fit", lambda self: (release.wait(30), fit(self))[1])
    review = Review(review_dir)
    try:
        assert review.next_record("alice", "title_abstract") == best  # before the app's own model has trained
        assert "results/screening/ranking.csv" in review.progress("alice", "title_abstract")["model"]
    finally:
        release.set()
        review.close()


def test_serve_prints_the_address_it_really_listens_on(review_dir: Path) -> None:
    import subprocess
    import sys
    import urllib.request

    process = subprocess.Popen(
        [sys.executable, "-m", "slrflow", "serve", "--directory", str(review_dir), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline()
        url = first.rsplit(" at ", 1)[1].strip()
        assert not url.endswith(":0/")
        with urllib.request.urlopen(url, timeout=10) as page:
            assert page.status == 200 and b"slrflow-token" in page.read()
    finally:
        process.terminate()
        process.wait(10)


def test_the_apps_state_after_each_decision_is_what_settling_the_logs_gives(tmp_path: Path, shared_data: Path) -> None:
    """The app settles only the decided study after its own append; it must agree with the one settle."""
    import random

    from slrflow.screening.state import settle_review

    build_review(tmp_path, shared_data, mode="dual")
    review = Review(tmp_path)
    draw = random.Random(13)
    try:
        ids = [row["record_id"] for row in review.records]
        for _ in range(40):
            stage = draw.choice(["title_abstract", "title_abstract", "full_text"])
            reviewer = draw.choice(["alice", "bob"])
            decision = draw.choice(["include", "exclude", "maybe"])
            reason = "wrong population" if decision == "exclude" else ""
            if stage == "full_text":
                candidates = list(review.state.full_text.studies)
                if not candidates:
                    continue
                record, reason = draw.choice(candidates), reason
            else:
                record = draw.choice(ids)
            try:
                review.decide(reviewer, stage, record, decision, reason=reason)
            except ValueError:
                continue  # a full-text exclusion reason the config does not list: refused, nothing written
            fresh = settle_review(review.config, study_of=review.study_of, screening=tmp_path / "screening")
            for settled, held in (
                (fresh.title_abstract, review.state.title_abstract),
                (fresh.full_text, review.state.full_text),
            ):
                assert {s: e.status for s, e in settled.studies.items()} == {
                    s: e.status for s, e in held.studies.items()
                }
                assert sorted(c.record_id for c in settled.conflicts) == sorted(c.record_id for c in held.conflicts)
    finally:
        review.close()


def test_two_instances_of_one_reviewer_keep_every_decision_and_see_each_others(review_dir: Path) -> None:
    first, second = Review(review_dir), Review(review_dir)
    ids = [row["record_id"] for row in first.records]
    saved: list[str] = []

    def screen(review: Review, records: list[str], name: str) -> None:
        for i in range(60):
            saved.append(
                review.decide("alice", "title_abstract", records[i % len(records)], "exclude", note=f"{name}{i}").note
            )

    try:
        threads = [
            threading.Thread(target=screen, args=(first, ids[:6], "a")),
            threading.Thread(target=screen, args=(second, ids[6:], "b")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        notes = [d.note for d in read_log(alice_log(review_dir), stage="title_abstract")]
        assert len(saved) == 120 and sorted(notes) == sorted(saved)
        # Each instance counts the other's decisions: nothing left to screen in either.
        assert first.next_record("alice", "title_abstract") is None
        assert second.next_record("alice", "title_abstract") is None
    finally:
        first.close()
        second.close()
