"""Build a review directory for the app's benchmark and screenshots from the shared benchmark datasets.

The records are real (../shared/data/benchmarks/*/records.csv), shuffled, given slrflow record ids, and written
as results/dedup/records.csv and clusters.csv as the workflow would; the config asks the datasets' question.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import yaml

from slrflow.identity import record_id
from slrflow.records import RECORD_FIELDS
from slrflow.tables import write_table

__all__ = ["build_review"]

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "benchmarks"
CLUSTER_FIELDS = ["record_id", "cluster_id", "database", "source_file", "source_position", "is_representative"]


def build_review(
    root: Path, datasets: list[str], *, n: int, seed: int = 1, mode: str = "single"
) -> list[dict[str, str]]:
    rows = []
    for name in datasets:
        with open(SHARED / name / "records.csv", encoding="utf-8", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    random.Random(seed).shuffle(rows)
    records, seen = [], set()
    for row in rows:
        record = {field: row.get(field, "") for field in RECORD_FIELDS}
        record["year"] = record["year"].split(".")[0]  # some datasets store the year as a float
        record["record_id"] = record_id(record)
        if record["record_id"] in seen:
            continue
        seen.add(record["record_id"])
        record.update(member_ids=record["record_id"], databases="MEDLINE", n_members=1, label=row["label_included"])
        records.append(record)
        if len(records) == n:
            break
    write_table(root / "results/dedup/records.csv", records, [*RECORD_FIELDS, "member_ids", "databases", "n_members"])
    write_table(
        root / "results/dedup/clusters.csv",
        ({"record_id": r["record_id"], "cluster_id": r["record_id"], "is_representative": "yes"} for r in records),
        CLUSTER_FIELDS,
    )
    config = {
        "review": {
            "title": "Drug treatments for attention-deficit hyperactivity disorder: effectiveness and harms",
            "question": "How effective and safe are stimulant and non-stimulant drugs for children and adults "
            "with attention-deficit hyperactivity disorder (ADHD)?",
            "eligibility": {
                "include": [
                    "Children or adults with ADHD",
                    "Methylphenidate, amphetamine, atomoxetine or another drug treatment for ADHD",
                    "Randomized controlled trials or controlled observational studies reporting efficacy or harms",
                ],
                "exclude": [
                    "Animal or in vitro studies",
                    "Pharmacokinetic studies in healthy volunteers",
                    "Commentary, editorial or letter without data",
                ],
            },
        },
        "searches": [
            {"name": "medline", "database": "MEDLINE", "file": "resources/searches/medline.nbib",
             "date": "2005-01-01", "query": "attention deficit disorder with hyperactivity[mh] AND drug therapy"}
        ],
        "screening": {
            "mode": mode,
            "reviewers": ["alice", "bob"],
            "title_abstract_reasons": ["wrong population", "wrong intervention", "wrong study design", "not research"],
        },
    }  # fmt: skip
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "config/config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return records
