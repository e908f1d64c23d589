"""The screening app's state, logs, undo, blind mode and full-text stage, without a browser (see test_app_browser)."""

from __future__ import annotations

import csv
import json
import os
from datetime import UTC
from pathlib import Path

import pytest
import yaml

from slrflow.app import Review, ReviewNotBuiltError, create_app
from slrflow.app.highlight import criteria_terms, terms_from
from slrflow.app.logfile import append_line, truncate_if_last
from slrflow.app.progress import recall_svg
from slrflow.cli import main
from slrflow.identity import record_id
from slrflow.records import RECORD_FIELDS
from slrflow.screening.decisions import LOG_COLUMNS, format_line, read_log
from slrflow.screening.state import settle_review
from slrflow.tables import write_table

DATASET = "benchmarks/cohen2006_adhd/records.csv"
HEADER = ",".join(LOG_COLUMNS) + "\n"


def build_review(
    root: Path, shared_data: Path, *, mode: str = "single", n: int = 12, reviewers=("alice", "bob")
) -> list[dict[str, str]]:
    """A small review with real records (ADHD drug trials, Cohen 2006): config and the dedup tables."""
    with open(shared_data / DATASET, encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["abstract"].strip()]
    included = [row for row in rows if row["label_included"] == "1"][:3]
    chosen = included + [row for row in rows if row["label_included"] != "1"][: n - len(included)]
    records = []
    for row in chosen:
        record = {field: row.get(field, "") for field in RECORD_FIELDS}
        record["year"] = row["year"].split(".")[0]  # the dataset stores years as floats
        record["pmid"] = row["record_id"]
        record["record_id"] = record_id(record)
        record.update(member_ids=record["record_id"], databases="MEDLINE", n_members=1)
        records.append(record)
    fields = [*RECORD_FIELDS, "member_ids", "databases", "n_members"]
    write_table(root / "results" / "dedup" / "records.csv", records, fields)
    clusters = [
        {"record_id": r["record_id"], "cluster_id": r["record_id"], "database": "MEDLINE", "is_representative": "yes"}
        for r in records
    ]
    write_table(
        root / "results" / "dedup" / "clusters.csv",
        clusters,
        ["record_id", "cluster_id", "database", "source_file", "source_position", "is_representative", "match_reason"],
    )
    config = {
        "review": {
            "title": "Drug treatments for attention-deficit hyperactivity disorder",
            "question": "How effective and safe are stimulant drugs for children and adults with ADHD?",
            "eligibility": {
                "include": ["Randomized controlled trials of methylphenidate, atomoxetine or amphetamine"],
                "exclude": ["Animal studies", "Pharmacokinetic studies in healthy volunteers"],
            },
        },
        "searches": [
            {
                "name": "medline",
                "database": "MEDLINE",
                "file": "resources/searches/medline.nbib",
                "date": "2005-01-01",
                "query": "ADHD",
            }
        ],
        "screening": {
            "mode": mode,
            "reviewers": list(reviewers),
            "title_abstract_reasons": ["wrong population", "wrong intervention", "not a trial"],
        },
    }
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "config" / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return records


@pytest.fixture
def review_dir(tmp_path: Path, shared_data: Path) -> Path:
    build_review(tmp_path, shared_data)
    return tmp_path


def app_client(review: Review):
    """A test client that sends this app session's token, as the page does."""
    app = create_app(review)
    client = app.test_client()
    client.environ_base["HTTP_X_SLRFLOW_TOKEN"] = app.config["SESSION_TOKEN"]
    return client


def log_rows(path: Path) -> list[tuple[str, str, str]]:
    return [(d.record_id, d.decision, d.reason) for d in read_log(path, stage=path.parent.name)]


def hand_line(path: Path, rid: str, decision: str, reviewer: str, reason: str = "", when: str = "10:00") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "" if path.exists() else HEADER
    text += f"{rid},{decision},{reason},{reviewer},2026-11-23T{when}:00+00:00,typed by hand\n"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


# ---------------------------------------------------------------- logfile


def test_append_creates_the_header_and_keeps_lines_typed_without_a_final_newline(tmp_path: Path) -> None:
    from datetime import datetime

    path = tmp_path / "screening" / "title_abstract" / "alice.csv"
    when = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    append_line(
        path, format_line("r0123456789abcde", "include", "", "alice", when, 'said "yes", twice'), header=LOG_COLUMNS
    )
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("r0123456789abcdf,exclude,,alice,2026-11-23T09:01:00+00:00,no newline")
    append_line(path, format_line("r0123456789abcd0", "maybe", "", "alice", when, ""), header=LOG_COLUMNS)
    decisions = read_log(path, stage="title_abstract")
    assert [d.decision for d in decisions] == ["include", "exclude", "maybe"]
    assert decisions[0].note == 'said "yes", twice'
    assert path.read_text(encoding="utf-8").startswith(HEADER)


def test_truncate_removes_only_a_line_that_is_still_last(tmp_path: Path) -> None:
    from datetime import datetime

    path = tmp_path / "alice.csv"
    when = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    first = append_line(path, format_line("r0123456789abcde", "include", "", "alice", when, ""), header=LOG_COLUMNS)
    second = append_line(path, format_line("r0123456789abcdf", "exclude", "", "alice", when, ""), header=LOG_COLUMNS)
    assert not truncate_if_last(first)  # a line came after it
    assert truncate_if_last(second)
    assert [d.record_id for d in read_log(path, stage="title_abstract")] == ["r0123456789abcde"]
    assert not truncate_if_last(second)  # already gone: the file is shorter now
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("r0123456789abcdf,exclude,,alice,2026-11-23T09:01:00+00:00,\n")
    assert not truncate_if_last(first)
    assert len(read_log(path, stage="title_abstract")) == 2


# ---------------------------------------------------------------- decisions are the same data both ways


def test_app_decisions_are_what_the_logs_and_settlement_say(review_dir: Path) -> None:
    review = Review(review_dir)
    try:
        shown = []
        for decision in ("include", "exclude", "maybe"):
            rid = review.next_record("alice", "title_abstract")
            shown.append(rid)
            review.decide(
                "alice", "title_abstract", rid, decision, reason="not a trial" if decision == "exclude" else ""
            )
        assert len(set(shown)) == 3
        path = review_dir / "screening" / "title_abstract" / "alice.csv"
        assert log_rows(path) == [
            (shown[0], "include", ""),
            (shown[1], "exclude", "not a trial"),
            (shown[2], "maybe", ""),
        ]
        state = settle_review(
            review.config,
            clusters=review_dir / "results" / "dedup" / "clusters.csv",
            screening=review_dir / "screening",
        )
        statuses = {rid: state.title_abstract.studies[rid].status for rid in shown}
        assert statuses == {shown[0]: "include", shown[1]: "exclude", shown[2]: "maybe"}
    finally:
        review.close()


def test_a_line_typed_into_the_log_by_hand_is_seen_by_the_app(review_dir: Path) -> None:
    review = Review(review_dir)
    try:
        first = review.next_record("alice", "title_abstract")
        hand_line(review_dir / "screening" / "title_abstract" / "bob.csv", first, "exclude", "bob", "not a trial")
        assert review.next_record("alice", "title_abstract") != first  # single mode: bob has decided it
        assert review.record_view(first, "alice", "title_abstract")["others"]["bob"]["decision"] == "exclude"
        assert review.progress("alice", "title_abstract")["team_screened"] == 1
    finally:
        review.close()


def test_undo_removes_the_sessions_last_line_and_the_record_comes_back(review_dir: Path) -> None:
    review = Review(review_dir)
    try:
        path = review_dir / "screening" / "title_abstract" / "alice.csv"
        # Waiting for the background model makes the order a function of the labels alone: after the undo the
        # labels are those b was chosen from, so b must come first again.
        assert review.wait_for_model("alice")
        a = review.next_record("alice", "title_abstract")
        review.decide("alice", "title_abstract", a, "include")
        assert review.wait_for_model("alice")
        b = review.next_record("alice", "title_abstract")
        review.decide("alice", "title_abstract", b, "exclude")
        result = review.undo("alice", "title_abstract")
        assert (result.how, result.record_id) == ("removed", b)
        assert log_rows(path) == [(a, "include", "")]
        assert review.wait_for_model("alice")
        assert review.next_record("alice", "title_abstract") == b
        assert review.undo("alice", "title_abstract").how == "removed"
        assert log_rows(path) == []
        assert review.undo("alice", "title_abstract").how == "refused"
    finally:
        review.close()


def test_undo_after_a_hand_edit_appends_a_correcting_line_or_refuses(review_dir: Path) -> None:
    review = Review(review_dir)
    try:
        path = review_dir / "screening" / "title_abstract" / "alice.csv"
        a = review.next_record("alice", "title_abstract")
        review.decide("alice", "title_abstract", a, "include")
        review.decide("alice", "title_abstract", a, "exclude")  # a change of mind
        other = review.next_record("alice", "title_abstract")
        hand_line(path, other, "maybe", "alice", when="23:59")  # someone appended after the app's line
        result = review.undo("alice", "title_abstract")
        assert result.how == "corrected"
        rows = log_rows(path)
        assert rows[-1] == (a, "include", "") and len(rows) == 4  # nothing removed, history kept
        assert review.record_view(a, "alice", "title_abstract")["my_decision"]["decision"] == "include"
        hand_line(path, other, "exclude", "alice", when="23:59")
        assert review.undo("alice", "title_abstract").how == "refused"  # no earlier decision to go back to
        assert len(log_rows(path)) == 5
    finally:
        review.close()


# ---------------------------------------------------------------- dual and blind screening


@pytest.mark.parametrize("mode", ["dual", "blind_dual"])
def test_in_dual_modes_a_record_decided_by_one_reviewer_stays_in_the_others_queue(
    tmp_path: Path, shared_data: Path, mode: str
) -> None:
    build_review(tmp_path, shared_data, mode=mode)
    review = Review(tmp_path)
    try:
        seen_by_bob = []
        for _ in range(12):
            rid = review.next_record("alice", "title_abstract")
            review.decide("alice", "title_abstract", rid, "exclude", note="alice's private note")
        assert review.next_record("alice", "title_abstract") is None
        while (rid := review.next_record("bob", "title_abstract")) is not None:
            seen_by_bob.append(rid)
            view = review.record_view(rid, "bob", "title_abstract")
            assert view["my_decision"] is None
            if mode == "blind_dual":
                assert "others" not in view
                assert "alice" not in json.dumps(view)
            else:
                assert view["others"]["alice"]["decision"] == "exclude"
            review.decide("bob", "title_abstract", rid, "include")
        assert len(seen_by_bob) == 12
    finally:
        review.close()


def test_blind_mode_never_sends_another_reviewers_decision(tmp_path: Path, shared_data: Path) -> None:
    records = build_review(tmp_path, shared_data, mode="blind_dual")
    for record in records[:5]:
        hand_line(tmp_path / "screening" / "title_abstract" / "alice.csv", record["record_id"], "include", "alice")
    review = Review(tmp_path)
    client = app_client(review)
    try:
        for _ in range(len(records)):
            body = client.get("/api/next?reviewer=bob&stage=title_abstract").get_data(as_text=True)
            assert "alice" not in body and "typed by hand" not in body
            data = json.loads(body)
            assert "team_screened" not in data["progress"]
            rid = data["record"]["record_id"]
            answer = client.post(
                "/api/decide",
                json={"reviewer": "bob", "stage": "title_abstract", "record_id": rid, "decision": "exclude"},
            )
            assert answer.status_code == 200 and "alice" not in answer.get_data(as_text=True)
    finally:
        review.close()


# ---------------------------------------------------------------- full text


def test_full_text_queue_holds_the_included_records_and_exclusions_need_a_reason(review_dir: Path) -> None:
    records = Review(review_dir).records
    ta = review_dir / "screening" / "title_abstract" / "alice.csv"
    hand_line(ta, records[0]["record_id"], "include", "alice")
    hand_line(ta, records[1]["record_id"], "maybe", "alice")
    hand_line(ta, records[2]["record_id"], "exclude", "alice")
    (review_dir / "results" / "fulltext" / "records").mkdir(parents=True)
    (review_dir / "results" / "fulltext" / "records" / f"{records[0]['record_id']}.json").write_text(
        json.dumps(
            {
                "status": "ok",
                "pages": ["Methods. 40 children were randomised.", "Results. Fewer symptoms."],
                "fields": {"sample_size": {"value": "40", "page": 1, "snippet": "40 children were randomised"}},
            }
        ),
        encoding="utf-8",
    )
    review = Review(review_dir)
    client = app_client(review)
    try:
        queue = set()
        assert review.next_record("alice", "full_text") == records[0]["record_id"]  # its PDF was read: first
        while (rid := review.next_record("alice", "full_text")) is not None:
            queue.add(rid)
            view = review.record_view(rid, "alice", "full_text")
            if rid == records[0]["record_id"]:
                assert view["fulltext"]["pages"][0].startswith("Methods")
                assert view["fulltext"]["fields"] == [
                    {"field": "sample_size", "value": "40", "page": 1, "snippet": "40 children were randomised"}
                ]
            else:
                assert view["fulltext"]["status"] == "not retrieved"
            missing_reason = client.post(
                "/api/decide",
                json={"reviewer": "alice", "stage": "full_text", "record_id": rid, "decision": "exclude"},
            )
            assert missing_reason.status_code == 400 and "needs a reason" in missing_reason.get_json()["error"]
            review.decide("alice", "full_text", rid, "exclude", reason="wrong outcome")
        assert queue == {records[0]["record_id"], records[1]["record_id"]}
        decisions = read_log(
            review_dir / "screening" / "full_text" / "alice.csv", stage="full_text", reasons=review.reasons["full_text"]
        )
        assert {(d.record_id, d.reason) for d in decisions} == {(rid, "wrong outcome") for rid in queue}
    finally:
        review.close()


# ---------------------------------------------------------------- errors, highlighting, plot, command


def test_a_review_not_built_yet_says_to_run_snakemake(tmp_path: Path, shared_data: Path, capsys) -> None:
    build_review(tmp_path, shared_data)
    os.remove(tmp_path / "results" / "dedup" / "records.csv")
    with pytest.raises(ReviewNotBuiltError, match="snakemake -c2") as error:
        Review(tmp_path)
    assert main(["serve", "--directory", str(tmp_path), "--port", "0"]) == 2
    assert "-m snakemake -c2" in capsys.readouterr().err
    # The command it gives builds the review when run in the review's directory (a dry run here).
    command = str(error.value).rsplit("run `", 1)[1].rstrip("`")
    import shlex
    import subprocess

    dry = subprocess.run(
        [*shlex.split(command), "-n", "results/dedup/records.csv"], cwd=tmp_path, capture_output=True, text=True
    )
    # The workflow is found and reads the review's config: what it lacks is the review's own search export.
    assert "resources/searches/medline.nbib" in dry.stdout + dry.stderr, dry.stdout[-2000:] + dry.stderr[-2000:]


def test_bad_requests_are_refused_with_a_message(review_dir: Path) -> None:
    review = Review(review_dir)
    client = app_client(review)
    try:
        assert (
            "not in config screening.reviewers"
            in client.get("/api/next?reviewer=eve&stage=title_abstract").get_json()["error"]
        )
        rid = review.records[0]["record_id"]
        body = {
            "reviewer": "alice",
            "stage": "title_abstract",
            "record_id": rid,
            "decision": "exclude",
            "reason": "boring",
        }
        answer = client.post("/api/decide", json=body)
        assert answer.status_code == 400 and "not in the configured list" in answer.get_json()["error"]
        assert not (review_dir / "screening" / "title_abstract" / "alice.csv").exists()
    finally:
        review.close()


def test_criteria_terms_drop_phrasing_and_keep_content_words() -> None:
    assert terms_from(["Randomized controlled trials of children with ADHD"]) == [
        "controlled",
        "randomized",
        "children",
        "trial",
        "adhd",
    ]
    config = {
        "review": {
            "question": "Stimulants for ADHD?",
            "eligibility": {"include": ["trials"], "exclude": ["animal trials"]},
        }
    }
    assert criteria_terms(config) == {"include": ["stimulant", "trial", "adhd"], "exclude": ["animal"]}


def test_recall_plot_draws_the_includes_found() -> None:
    svg = recall_svg(["exclude", "include", "maybe", "include"], total=10)
    assert svg.startswith("<svg") and "2 included in 4 screened of 10" in svg
    found = svg.split('class="maybe"/>')[1].split('points="')[1].split('"')[0].split()
    # includes 0, 0, 1, 1, 2 on a scale to 3 (includes and maybes): the plot is 138 high from y=12 down to 150.
    assert [point.split(",")[1] for point in found] == ["150.0", "150.0", "104.0", "104.0", "58.0"]


def test_the_next_record_comes_from_the_ranking_packages_model_once_it_has_retrained(review_dir: Path) -> None:
    from slrflow.ranking.pipeline import rank_review

    review = Review(review_dir)
    try:
        include, exclude = review.records[0]["record_id"], review.records[5]["record_id"]
        review.decide("alice", "title_abstract", include, "include")
        review.decide("alice", "title_abstract", exclude, "exclude")
        assert review.wait_for_model("alice")
        expected = rank_review(
            review.records,
            {include: "include", exclude: "exclude"},
            query=" ".join(
                [
                    review.config["review"]["title"],
                    review.config["review"]["question"],
                    *review.config["review"]["eligibility"]["include"],
                ]
            ),
            seed=42,
        )
        assert review.next_record("alice", "title_abstract") == expected.queue[0]["record_id"]
        progress = review.progress("alice", "title_abstract")
        assert progress["model"].startswith(expected.model_card["classifier_model"])
        assert progress["model_trained_on"] == 2 and progress["model_up_to_date"]
        stopping = progress["stopping"]
        assert (stopping["n_screened"], stopping["n_included"], stopping["n_total"]) == (2, 1, 12)
        assert stopping["p_value"] == pytest.approx(expected.stopping["p_value"])
    finally:
        review.close()


def test_a_broken_log_is_reported_with_file_and_line_until_it_is_fixed(review_dir: Path) -> None:
    log = review_dir / "screening" / "title_abstract" / "alice.csv"
    log.parent.mkdir(parents=True)
    log.write_text(HEADER + "r0123456789abcde,perhaps,,alice,2026-11-23T10:00:00+00:00,\n", encoding="utf-8")
    review = Review(review_dir)
    client = app_client(review)
    try:
        answer = client.get("/api/next?reviewer=alice&stage=title_abstract")
        assert answer.status_code == 409
        assert "alice.csv, line 2" in answer.get_json()["error"] and "'perhaps'" in answer.get_json()["error"]
        log.write_text(HEADER, encoding="utf-8")
        assert client.get("/api/next?reviewer=alice&stage=title_abstract").status_code == 200
    finally:
        review.close()


def test_a_killed_app_leaves_only_whole_lines(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "alice.csv"
    writer = (
        "import sys; from datetime import datetime, timezone\n"
        "from slrflow.app.logfile import append_line\n"
        "from slrflow.screening.decisions import LOG_COLUMNS, format_line\n"
        "when = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)\n"
        "for i in range(10**6):\n"
        "    line = format_line(f'r{i:015x}', 'exclude', '', 'alice', when, 'x' * 2000)\n"
        "    append_line(sys.argv[1], line, header=LOG_COLUMNS)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", writer, str(path)])
    deadline = time.monotonic() + 20
    while (not path.exists() or path.stat().st_size < 50_000) and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    decisions = read_log(path, stage="title_abstract")
    assert len(decisions) > 10
    assert path.read_bytes().endswith(b"\n")
    assert [d.record_id for d in decisions] == [f"r{i:015x}" for i in range(len(decisions))]
