"""Adversarial suite, a decision follows its report (issue 13): remove the search export that held the decided
record while a copy from another database remains, and the decision must move to the copy, reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_app import build_review

from slrflow.app import Review
from slrflow.cli import main
from slrflow.identity import record_id
from slrflow.screening.reattach import KEYS_FILE, Matcher, read_record_keys
from slrflow.screening.state import settle_review
from slrflow.tables import read_table, write_table

CLUSTER_FIELDS = ["record_id", "cluster_id", "database", "source_file", "source_position", "is_representative"]


def _tables(review_dir: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    return (
        read_table(review_dir / "results" / "dedup" / "records.csv"),
        read_table(review_dir / "results" / "dedup" / "clusters.csv"),
    )


def _write(review_dir: Path, records: list[dict[str, str]], clusters: list[dict[str, str]]) -> None:
    write_table(review_dir / "results" / "dedup" / "records.csv", records, list(records[0]))
    write_table(review_dir / "results" / "dedup" / "clusters.csv", clusters, CLUSTER_FIELDS)


@pytest.fixture
def review_dir(tmp_path: Path, shared_data: Path) -> Path:
    """A review whose first study was found twice: in MEDLINE with a DOI, and in Scopus without one (so the
    two copies have different record ids, as they do when one database leaves the DOI out)."""
    build_review(tmp_path, shared_data)
    records, clusters = _tables(tmp_path)
    medline = records[0]
    medline["doi"] = "10.1016/j.example.2004.01.001"
    old_id = medline["record_id"]
    medline["record_id"] = record_id(medline)
    scopus = {**medline, "doi": "", "journal": medline["journal"].upper(), "databases": "Scopus"}
    scopus["record_id"] = record_id(scopus)
    assert scopus["record_id"] != medline["record_id"]
    clusters = [c for c in clusters if c["record_id"] != old_id]
    clusters += [
        {"record_id": medline["record_id"], "cluster_id": medline["record_id"], "database": "MEDLINE"},
        {"record_id": scopus["record_id"], "cluster_id": medline["record_id"], "database": "Scopus"},
    ]
    _write(tmp_path, records, clusters)
    (tmp_path / "copies.txt").write_text(f"{medline['record_id']} {scopus['record_id']}")
    return tmp_path


def _remove_the_medline_export(review_dir: Path) -> tuple[str, str]:
    medline_id, scopus_id = (review_dir / "copies.txt").read_text().split()
    records, clusters = _tables(review_dir)
    scopus = next(r for r in records if r["record_id"] == medline_id)
    scopus.update(record_id=scopus_id, doi="", journal=scopus["journal"].upper(), databases="Scopus")
    clusters = [c for c in clusters if c["record_id"] not in (medline_id, scopus_id)]
    clusters.append({"record_id": scopus_id, "cluster_id": scopus_id, "database": "Scopus"})
    _write(review_dir, records, clusters)
    return medline_id, scopus_id


def test_a_decision_follows_its_report_when_the_decided_record_leaves_the_inputs(review_dir: Path) -> None:
    medline_id, _ = (review_dir / "copies.txt").read_text().split()
    other = read_table(review_dir / "results" / "dedup" / "records.csv")[5]["record_id"]
    review = Review(review_dir)
    try:
        review.decide("alice", "title_abstract", medline_id, "include")
        review.decide("alice", "title_abstract", other, "exclude", reason="not a trial")
    finally:
        review.close()
    assert set(read_record_keys(review_dir / "screening" / KEYS_FILE)) == {medline_id, other}

    medline_id, scopus_id = _remove_the_medline_export(review_dir)
    records, clusters = _tables(review_dir)
    study_of = {c["record_id"]: c["cluster_id"] for c in clusters}
    state = settle_review(
        _config(review_dir),
        study_of=study_of,
        screening=review_dir / "screening",
        matcher=Matcher(records, study_of),
    )
    assert state.title_abstract.studies[scopus_id].status == "include"
    assert state.title_abstract.orphans == []
    (moved,) = state.reattached
    assert (moved.decision.record_id, moved.study, moved.decision.decision) == (medline_id, scopus_id, "include")
    assert "title" in moved.match
    review = Review(review_dir)  # the app settles the same way: the study is decided, not back in the queue
    try:
        assert review.ta_status(scopus_id) == "include"
        assert review.next_record("alice", "title_abstract") != scopus_id
    finally:
        review.close()

    # The workflow's command reports it in results/screening/reattached.csv.
    out = review_dir / "results" / "screening"
    assert (
        main(
            [
                "decisions",
                "--config",
                str(review_dir / "config" / "config.yaml"),
                "--clusters",
                str(review_dir / "results" / "dedup" / "clusters.csv"),
                "--records",
                str(review_dir / "results" / "dedup" / "records.csv"),
                "--screening",
                str(review_dir / "screening"),
                "--outdir",
                str(out),
            ]
        )
        == 0
    )
    (row,) = read_table(out / "reattached.csv")
    assert (row["record_id"], row["study_id"], row["decision"]) == (medline_id, scopus_id, "include")
    assert read_table(out / "orphans.csv") == []
    assert {r["record_id"]: r["status"] for r in read_table(out / "title_abstract.csv")}[scopus_id] == "include"


def test_a_decision_whose_report_is_gone_everywhere_stays_an_orphan(review_dir: Path) -> None:
    records = read_table(review_dir / "results" / "dedup" / "records.csv")
    gone = records[3]["record_id"]
    review = Review(review_dir)
    try:
        review.decide("alice", "title_abstract", gone, "include")
    finally:
        review.close()
    records, clusters = _tables(review_dir)
    _write(review_dir, [r for r in records if r["record_id"] != gone], [c for c in clusters if c["record_id"] != gone])
    records, clusters = _tables(review_dir)
    study_of = {c["record_id"]: c["cluster_id"] for c in clusters}
    state = settle_review(
        _config(review_dir), study_of=study_of, screening=review_dir / "screening", matcher=Matcher(records, study_of)
    )
    assert [o.record_id for o in state.title_abstract.orphans] == [gone]
    assert state.reattached == []


def _config(review_dir: Path) -> dict:
    from slrflow.config import load_config

    return load_config(review_dir / "config" / "config.yaml")
