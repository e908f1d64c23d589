"""`slrflow dedup` command-line contract, and precision on a shared labelled set."""

from __future__ import annotations

import csv
import itertools
import random
from collections import defaultdict
from pathlib import Path

from slrflow.cli import main
from slrflow.tables import read_table


def test_cli_contract(fixtures: Path, tmp_path: Path) -> None:
    source = fixtures / "dedup" / "records.csv"
    out, records, matches = tmp_path / "clusters.csv", tmp_path / "records.csv", tmp_path / "matches.csv"
    code = main(
        [
            "dedup", str(source), "--output", str(out), "--records", str(records), "--matches", str(matches),
            "--overrides", str(tmp_path / "no-such-duplicates.csv"), "--quiet",
        ]
    )  # fmt: skip
    assert code == 0
    rows = read_table(source)
    clusters = read_table(out)
    assert [c["record_id"] for c in clusters] == [r["record_id"] for r in rows]
    assert list(clusters[0]) == [
        "record_id", "cluster_id", "database", "source_file", "source_position", "is_representative", "match_reason",
    ]  # fmt: skip
    merged = read_table(records)
    assert sorted(m["record_id"] for m in merged) == sorted({c["cluster_id"] for c in clusters})
    assert sum(int(m["n_members"]) for m in merged) == len(rows)
    assert {"member_ids", "databases", "n_members", "pmid"} <= set(merged[0])
    pairs = read_table(matches)
    assert pairs and set(pairs[0]) == {"record_id_a", "record_id_b", "reason", "score", "status"}


def test_cli_overrides_and_errors(fixtures: Path, tmp_path: Path) -> None:
    overrides = tmp_path / "duplicates.csv"
    overrides.write_text(
        "record_id_a,record_id_b,decision,reviewer,timestamp,note\npm1,em1,different,ana,2026-11-23T10:00:00Z,\n",
        encoding="utf-8",
    )
    out = tmp_path / "clusters.csv"
    source = fixtures / "dedup" / "records.csv"
    assert main(["dedup", str(source), "--output", str(out), "--overrides", str(overrides), "--quiet"]) == 0
    found = {c["record_id"]: c["cluster_id"] for c in read_table(out)}
    assert found["pm1"] != found["em1"]
    assert main(["dedup", str(tmp_path / "missing.csv"), "--output", str(out)]) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title\n1,x\n", encoding="utf-8")
    assert main(["dedup", str(bad), "--output", str(out)]) == 2


def test_precision_on_a_shared_labelled_set(shared_data: Path, tmp_path: Path) -> None:
    source = shared_data / "dedup" / "rathbone2015_respiratory" / "records.csv"
    rows = read_table(source)
    random.Random(7).shuffle(rows)
    shuffled = tmp_path / "input.csv"
    with open(shuffled, "w", encoding="utf-8", newline="") as handle:
        fields = ["record_id", "title", "abstract", "authors", "year", "journal", "doi", "volume", "number", "pages"]
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "clusters.csv"
    assert main(["dedup", str(shuffled), "--output", str(out), "--quiet"]) == 0
    found = {c["record_id"]: c["cluster_id"] for c in read_table(out)}

    def pairs(label_of: dict[str, str]) -> set[tuple[str, str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for rid, label in label_of.items():
            groups[label].append(rid)
        return {p for members in groups.values() for p in itertools.combinations(sorted(members), 2)}

    truth = pairs({r["record_id"]: r["dup_group_id"] for r in rows})
    predicted = pairs(found)
    precision = len(truth & predicted) / len(predicted)
    recall = len(truth & predicted) / len(truth)
    assert precision >= 0.995
    assert recall >= 0.85  # well below what it reaches; catches a matcher that stopped matching
