"""Reruns that lose nothing: three search rounds from real records, the real workflow after each, decisions between.

Round 1 is a PubMed export; round 2 (declared `round: 2` in config, the first export kept) re-exports PubMed
(other order, an abstract changed, one record gone from both exports) and adds an Embase CSV that overlaps it;
round 3 adds a third export. After each round: earlier decisions still
apply, duplicates of screened records inherit their study's decision, only new studies enter the queue, the
decision on the record that disappeared is reported as orphaned, and PRISMA and the audit count what is new.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from conftest import run_snakemake

from slrflow.identity import record_id
from slrflow.tables import read_table

pytestmark = pytest.mark.workflow

DATASET = "cohen2006_antihistamines"
T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def run_round(review: Path, repo: Path) -> None:
    """The whole workflow, audit and per-reviewer queues included."""
    result = run_snakemake(review)
    assert result.returncode == 0, result.stderr[-4000:]


def write_ris(path: Path, records: list[dict]) -> None:
    lines = []
    for r in records:
        lines += ["TY  - JOUR", f"TI  - {r['title']}"]
        lines += [f"AU  - {a.strip()}" for a in r["authors"].split(";") if a.strip()]
        lines += [f"PY  - {r['year']}", f"JO  - {r['journal']}", f"AB  - {r['abstract']}", "ER  - ", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def write_csv(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["Title", "Authors", "Year", "Source title", "Abstract"])
        writer.writeheader()
        for r in records:
            writer.writerow(
                {
                    "Title": r["title"],
                    "Authors": r["authors"],
                    "Year": r["year"],
                    "Source title": r["journal"],
                    "Abstract": r["abstract"],
                }
            )


def write_config(review: Path, searches: list[tuple[str, str, str, int]]) -> None:
    config = {
        "review": {"title": "Antihistamines for allergic rhinitis", "question": "Which antihistamines work best?"},
        "searches": [
            {
                "name": name,
                "database": database,
                "file": file,
                "date": f"2026-0{i + 1}-01",
                "query": "antihistamine*",
                "round": round_,
            }
            for i, (name, database, file, round_) in enumerate(searches)
        ],
        "screening": {"mode": "single", "reviewers": ["asha"]},
    }
    (review / "config").mkdir(parents=True, exist_ok=True)
    (review / "config/config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def decide(review: Path, records: list[dict], start: datetime) -> None:
    path = review / "screening/title_abstract/asha.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with open(path, "a", encoding="utf-8", newline="") as handle:
        if new:
            handle.write("record_id,decision,reason,reviewer,timestamp,note\n")
        for i, r in enumerate(records):
            decision = "include" if r["label"] == "1" else "exclude"
            handle.write(f"{r['id']},{decision},,asha,{(start + timedelta(minutes=i)).isoformat()},\n")


def state(review: Path) -> dict:
    clusters = read_table(review / "results/dedup/clusters.csv")
    return {
        "study_of": {row["record_id"]: row["cluster_id"] for row in clusters},
        "status": {r["record_id"]: r["status"] for r in read_table(review / "results/screening/title_abstract.csv")},
        "queue": {r["record_id"] for r in read_table(review / "results/screening/queue.csv")},
        "orphans": read_table(review / "results/screening/orphans.csv"),
        "prisma": json.loads((review / "results/prisma/counts.json").read_text()),
        "audit": json.loads((review / "results/audit/summary.json").read_text()),
        "imported": read_table(review / "results/import/records.csv"),
    }


@pytest.fixture(scope="module")
def records(shared_data) -> list[dict]:
    rows = read_table(shared_data / "benchmarks" / DATASET / "records.csv")
    random.Random(3).shuffle(rows)
    out, seen = [], set()
    for row in rows:
        row = {**row, "year": row["year"].split(".")[0], "journal": row["journal"] or "Unknown"}
        rid = record_id(row)
        if rid in seen or not row["title"] or not row["authors"]:
            continue
        seen.add(rid)
        out.append({**row, "id": rid, "label": row.get("label_abstract_included") or row["label_included"]})
        if len(out) == 130:
            break
    return out


def test_three_search_rounds_lose_no_decision(repo, shared_data, tmp_path, records):
    review = tmp_path / "review"
    pubmed1 = records[:60]
    # One unrelated PDF: `slrflow match-fulltext` refuses an empty --pdfs list (reported to its owner).
    (review / "resources/fulltext").mkdir(parents=True)
    shutil.copy(shared_data / "fixtures/pdf_scholarly/cermine__test1.pdf", review / "resources/fulltext/")
    # Round 1: PubMed.
    write_ris(review / "resources/searches/pubmed.ris", pubmed1)
    write_config(review, [("pubmed", "PubMed", "resources/searches/pubmed.ris", 1)])
    run_round(review, repo)
    first = state(review)
    assert first["audit"]["new_records"] is None  # no previous run to compare with, and the page says so
    assert "No previous run to compare with" in (review / "results/audit/index.html").read_text()
    decided = pubmed1[:40]
    gone = pubmed1[5]  # decided now, absent from every later export
    decide(review, decided, T0)

    # Round 2: PubMed re-exported in another order, one abstract changed, one record gone; Embase overlaps it.
    pubmed2 = [dict(r) for r in records[:80] if r is not gone]
    random.Random(5).shuffle(pubmed2)
    pubmed2[0]["abstract"] += " Erratum: dosage corrected."
    embase = [dict(r) for r in records[30:50] + records[80:100]]
    for r in embase:
        r["title"] = r["title"].rstrip(".").upper()  # another database's casing: same study, same id
    # The first round's export is kept (the audit works out what is new from it), less the record gone everywhere.
    write_ris(review / "resources/searches/pubmed.ris", [r for r in pubmed1 if r is not gone])
    write_ris(review / "resources/searches/pubmed_update.ris", pubmed2)
    write_csv(review / "resources/searches/embase.csv", embase)
    round_2 = [
        ("pubmed", "PubMed", "resources/searches/pubmed.ris", 1),
        ("pubmed_update", "PubMed", "resources/searches/pubmed_update.ris", 2),
        ("embase", "Embase", "resources/searches/embase.csv", 2),
    ]
    write_config(review, round_2)
    run_round(review, repo)
    second = state(review)
    study_of = second["study_of"]
    for r in decided:
        if r is gone:
            continue
        study = study_of[r["id"]]
        expected = "include" if r["label"] == "1" else "exclude"
        assert second["status"][study] == expected, r["title"]
        assert study not in second["queue"]
    # The Embase copies of screened PubMed records joined their studies and inherited the decisions.
    for r in records[30:40]:
        rows = [row for row in second["imported"] if row["record_id"] == r["id"]]
        assert {row["database"] for row in rows} == {"PubMed", "Embase"}
    # The decision on the record no search returns any more is reported, not dropped.
    assert [(o["record_id"], o["reviewer"]) for o in second["orphans"]] == [(gone["id"], "asha")]
    assert second["audit"]["orphaned_decisions"] == 1
    # Only studies nobody decided are pending, and the new ones are among them.
    new_ids = {r["id"] for r in records[60:100]}
    assert {study_of[rid] for rid in new_ids} <= second["queue"]
    assert second["audit"]["new_records"] == len(new_ids)
    assert second["audit"]["gone_records"] == 1
    assert second["audit"]["new_studies"] == len({study_of[rid] for rid in new_ids})
    identified = len(pubmed1) - 1 + len(pubmed2) + len(embase)
    assert second["prisma"]["database_results"] == identified
    # PRISMA counts as screened only the studies with a decision; the others await screening (issue 14)
    assert second["prisma"]["records_screened"] == len(set(study_of.values())) - len(second["queue"])
    assert second["prisma"]["records_awaiting"] == len(second["queue"])
    assert second["prisma"]["duplicates"] == identified - len(set(study_of.values()))
    decide(review, [r for r in records[60:100] if study_of[r["id"]] in second["queue"]][:20], T0 + timedelta(days=7))

    # Round 3: a third database; nothing decided before is lost, and the audit counts the 30 new records.
    cinahl = [dict(r) for r in records[95:130]]
    write_csv(review / "resources/searches/cinahl.csv", cinahl)
    write_config(review, [*round_2, ("cinahl", "CINAHL", "resources/searches/cinahl.csv", 3)])
    run_round(review, repo)
    third = state(review)
    decided_now = {r["record_id"] for r in read_table(review / "screening/title_abstract/asha.csv")}
    for rid in decided_now - {gone["id"]}:
        assert third["status"][third["study_of"][rid]] in {"include", "exclude"}
        assert third["study_of"][rid] not in third["queue"]
    assert third["audit"]["new_records"] == 30 and third["audit"]["round"] == 3
    assert [o["record_id"] for o in third["orphans"]] == [gone["id"]]
    new = read_table(review / "results/audit/new_records.csv")
    assert {r["record_id"] for r in new} == {r["id"] for r in records[100:130]}
