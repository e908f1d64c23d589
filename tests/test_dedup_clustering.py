"""Clustering, overrides and the whole deduplicate() on hand-written records."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from slrflow.dedup import Override, deduplicate, read_overrides
from slrflow.dedup.blocking import candidate_pairs
from slrflow.dedup.clustering import Edge, cluster
from slrflow.dedup.normalise import normalise_record
from slrflow.errors import DecisionLogError
from slrflow.tables import read_table


@pytest.fixture()
def rows(fixtures: Path) -> list[dict[str, str]]:
    return read_table(fixtures / "dedup" / "records.csv")


def clusters_by_id(result) -> dict[str, str]:
    return dict(zip(result.record_ids, result.cluster_ids, strict=True))


def test_fixture_groups(rows: list[dict[str, str]]) -> None:
    found = clusters_by_id(deduplicate(rows))
    # an erratum is another report of the article's study: linked to it (studies), never merged with it
    assert found["pm1"] == found["em1"] != found["em2"]
    assert found["pm2"] == found["em3"] != found["pm3"]  # Part I and Part II apart
    assert found["wos1"] == found["pm4"] != found["wos2"]  # same column, another year apart
    assert len(set(found.values())) == 7


def test_fixture_studies(rows: list[dict[str, str]]) -> None:
    result = deduplicate(rows)
    studies = {row["record_id"]: row for row in result.studies}
    assert len(studies) == len(result.records)
    assert studies["em2"]["relation"] == "erratum"
    assert studies["em2"]["study_id"] == studies["em2"]["linked_to"] == "pm1"
    assert studies["pm1"] == {"record_id": "pm1", "study_id": "pm1", "relation": "main", "linked_to": "", "reason": ""}


def test_rows_sharing_a_record_id_are_one_record(rows: list[dict[str, str]]) -> None:
    result = deduplicate(rows)
    assert result.record_ids.count("r10") == 2
    merged = {record["record_id"]: record for record in result.records}["r10"]
    assert merged["n_members"] == 2
    assert merged["databases"] == ["embase", "pubmed"]
    assert merged["abstract"]  # filled from the row that has one


def test_representative_is_most_complete_and_fields_are_merged(rows: list[dict[str, str]]) -> None:
    result = deduplicate(rows)
    record = {r["record_id"]: r for r in result.records}["pm1"]  # pm1 has the DOI, em1 has none
    assert record["member_ids"] == ["em1", "pm1"]
    assert record["doi"] == "10.1056/NEJMc0806484"
    reasons = dict(zip(result.record_ids, result.match_reasons, strict=True))
    assert reasons["pm1"] == "representative"
    assert reasons["em1"].startswith("title+authors+year")
    match = next(m for m in result.matches if {m["record_id_a"], m["record_id_b"]} == {"em1", "pm1"})
    assert match["status"] == "merged" and 0.9 < float(match["score"]) <= 1


def test_cluster_ids_do_not_depend_on_row_order(rows: list[dict[str, str]]) -> None:
    first = deduplicate(rows)
    expected = clusters_by_id(first)
    for seed in range(5):
        shuffled = list(rows)
        random.Random(seed).shuffle(shuffled)
        result = deduplicate(shuffled)
        assert clusters_by_id(result) == expected
        assert result.matches == first.matches
        assert result.studies == first.studies and result.refused == first.refused


def test_different_override_splits_a_cluster_linked_through_a_third_record(rows: list[dict[str, str]]) -> None:
    extra = {**next(r for r in rows if r["record_id"] == "em1"), "record_id": "ov1", "database": "ovid"}
    rows = [*rows, extra]
    assert len({clusters_by_id(deduplicate(rows))[k] for k in ("pm1", "em1", "ov1")}) == 1
    found = clusters_by_id(deduplicate(rows, overrides=[Override("pm1", "ov1", "different", "ana")]))
    assert found["pm1"] != found["ov1"]
    assert found["em1"] in (found["pm1"], found["ov1"])


def test_same_override_joins_and_latest_line_wins(rows: list[dict[str, str]]) -> None:
    same = Override("pm2", "pm3", "same", "ana")
    found = clusters_by_id(deduplicate(rows, overrides=[same]))
    assert found["pm2"] == found["pm3"]
    assert found["em3"] != found["pm3"]  # em3 still contradicts pm3 (Part I against Part II)
    reverted = [same, Override("pm3", "pm2", "different", "ben")]
    found = clusters_by_id(deduplicate(rows, overrides=reverted))
    assert found["pm2"] != found["pm3"]


def test_conflicting_overrides_different_wins(rows: list[dict[str, str]]) -> None:
    overrides = [Override("pm1", "wos1", "same"), Override("wos1", "em2", "same"), Override("pm1", "em2", "different")]
    result = deduplicate(rows, overrides=overrides)
    found = clusters_by_id(result)
    assert found["pm1"] != found["em2"]
    assert any("not applied" in why for _, why in result.ignored_overrides)


def test_unknown_ids_in_overrides_are_reported(rows: list[dict[str, str]]) -> None:
    result = deduplicate(rows, overrides=[Override("pm1", "gone", "same")])
    assert [why for _, why in result.ignored_overrides] == ["record_id not in the input"]


def test_read_overrides(tmp_path: Path) -> None:
    assert read_overrides(tmp_path / "absent.csv") == []
    path = tmp_path / "duplicates.csv"
    path.write_text(
        "record_id_a,record_id_b,decision,reviewer,timestamp,note\n"
        "a,b,same,ana,2026-11-01T10:00:00+01:00,\nb,c,Different,ben,2026-11-02T10:00:00+01:00,erratum\n",
        encoding="utf-8",
    )
    assert [o.decision for o in read_overrides(path)] == ["same", "different"]
    path.write_text("record_id_a,record_id_b,decision\na,b,maybe\n", encoding="utf-8")
    with pytest.raises(DecisionLogError, match="line 2"):
        read_overrides(path)


def test_clustering_never_joins_conflicting_records() -> None:
    # a-b and b-c match, but a and c contradict each other: c must not follow b into a's cluster
    def conflict(i: int, j: int) -> str | None:
        return "different pages" if {i, j} == {0, 2} else None

    edges = [Edge(0, 1, "x", 0.99), Edge(1, 2, "x", 0.95)]
    result = cluster(3, edges, order_key=["a", "b", "c"], conflict=conflict)
    assert result.labels[0] == result.labels[1] != result.labels[2]
    assert result.blocked[0][1] == "different pages"
    # the refusal names the two members that conflict, not the edge that was tried (b-c)
    assert {result.blocked[0].a, result.blocked[0].b} == {0, 2}


def test_a_chain_never_joins_contradicting_records_and_the_refusal_is_written() -> None:
    # A and B are one article with and without its issue; C is the same title in another issue of the volume.
    # A-B and B-C both match, but A and C contradict each other: C stays out, and refused says why.
    article = {
        "title": "Gain-of-function mutations in complement factor B are associated with atypical hemolytic uremic "
        "syndrome",
        "authors": "Goicoechea de Jorge, E.; Harris, C. L.",
        "year": "2007",
        "journal": "PNAS",
        "volume": "104",
        "pages": "240-245",
    }
    rows = [
        {**article, "record_id": "a", "number": "1"},
        {**article, "record_id": "b", "number": ""},
        {**article, "record_id": "c", "number": "25", "pages": ""},
    ]
    result = deduplicate(rows)
    clusters = clusters_by_id(result)
    assert clusters["a"] == clusters["b"] != clusters["c"]
    refused = [row for row in result.refused if row["level"] == "report"]
    assert refused and all("different issues of one volume: a and c" in row["refused_because"] for row in refused)


def test_blocking_finds_typos_through_other_keys() -> None:
    base = {"title": "Liraglutide and renal outcomes in type 2 diabetes", "authors": "Mann, J.", "year": "2017"}
    records = [
        normalise_record({**base, "record_id": "a"}),
        normalise_record({**base, "record_id": "b", "title": "Liraglutide and renal outcomes in type 2 diabetis"}),
        normalise_record({**base, "record_id": "c", "title": "Lirraglutide and renal outcomes in type 2 diabetes"}),
        normalise_record({"record_id": "d", "title": "Something else entirely", "year": "1990"}),
    ]
    assert candidate_pairs(records) == [(0, 1), (0, 2), (1, 2)]
