"""The benchmark protocol shared by every tool: datasets, split, shuffling, priors and metrics.

Same for slrflow and ASReview: rows shuffled with seed s, priors one random included and one random excluded
record chosen with seed s, labels from `label_included`. Metrics are computed from the screening order with the
two priors left out, over the N - 2 other records and R - 1 other includes.
"""

from __future__ import annotations

import csv
import math
import os
import random
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DATA",
    "Prepared",
    "datasets",
    "metrics",
    "prepare",
    "split",
]

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "benchmarks"
MIN_INCLUDED = 5
COLUMNS = ("record_id", "title", "abstract", "label_included")


def datasets(data: Path = DATA) -> list[str]:
    """Every dataset under data/ with at least five included records, alphabetically."""
    names = []
    with open(data / "INDEX.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if int(row["included"]) >= MIN_INCLUDED:
                names.append(row["name"])
    return sorted(names)


def split(names: list[str]) -> tuple[list[str], list[str]]:
    """A fixed alphabetical split: 1st, 3rd, 5th ... dataset for tuning, 2nd, 4th ... held out."""
    ordered = sorted(names)
    return ordered[0::2], ordered[1::2]


@dataclass(frozen=True)
class Prepared:
    path: Path
    record_ids: list[str]
    labels: list[int]
    prior_ids: tuple[str, str]
    prior_rows: tuple[int, int]


def prepare(name: str, seed: int, workdir: Path, data: Path = DATA) -> Prepared:
    """Write the dataset shuffled with `seed` and choose the priors with `seed`."""
    with open(data / name / "records.csv", encoding="utf-8", newline="") as handle:
        rows = [{key: row.get(key) or "" for key in COLUMNS} for row in csv.DictReader(handle)]
    rng = random.Random(seed)
    rng.shuffle(rows)
    labels = [int(row["label_included"]) for row in rows]
    included = [i for i, label in enumerate(labels) if label == 1]
    excluded = [i for i, label in enumerate(labels) if label == 0]
    prior_rows = (rng.choice(included), rng.choice(excluded))
    path = workdir / "data" / f"{name}_s{seed}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # concurrent runs never see a half-written file
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)
    ids = [row["record_id"] for row in rows]
    return Prepared(path, ids, labels, (ids[prior_rows[0]], ids[prior_rows[1]]), prior_rows)


def metrics(order: list[str], prepared: Prepared, recall: float = 0.95) -> dict[str, float]:
    """WSS@95, recall after 10% screened, ATD (% of records) and records screened to 95% recall.

    `order` is the screening order of record_ids, priors first; it may stop after the last include, in which
    case the records not screened count as screened after it (the metrics here never look past that point).
    """
    label_of = dict(zip(prepared.record_ids, prepared.labels, strict=True))
    priors = set(prepared.prior_ids)
    screened = [rid for rid in order if rid not in priors]
    n_total = len(prepared.record_ids) - len(priors)
    n_included = sum(prepared.labels) - 1
    positions = [i + 1 for i, rid in enumerate(screened) if label_of[rid] == 1]
    if len(positions) != n_included:
        raise ValueError(f"order finds {len(positions)} of {n_included} includes")
    needed = math.ceil(recall * n_included)
    n_to_target = positions[needed - 1]
    wss = (n_total - n_to_target) / n_total - (1 - recall)
    tenth = math.ceil(0.1 * n_total)
    recall10 = sum(1 for p in positions if p <= tenth) / n_included
    atd = 100 * sum(positions) / n_included / n_total
    return {"wss95": wss, "recall10": recall10, "atd": atd, "n_to_95": n_to_target}


# The source families that the leave-one-family-out protocols leave out one at a time.
FAMILIES = ("Cohen 2006", "CLEF 2017", "other")


def family(name: str) -> str:
    return "Cohen 2006" if name.startswith("cohen2006") else "CLEF 2017" if name.startswith("clef2017") else "other"
