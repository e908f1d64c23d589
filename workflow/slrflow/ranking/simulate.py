"""Simulated screening: replay a labelled dataset through exactly the session real screening uses.

The simulation plays the reviewer: it labels the priors, then repeatedly asks the session for its next record
and answers with the known label, until every included record has been screened (or all, if asked).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from slrflow.errors import InputFileError, ModelError
from slrflow.ranking.features import record_text
from slrflow.ranking.model import RankingModel
from slrflow.ranking.session import ScreeningSession

__all__ = ["DATASET_COLUMNS", "LABEL_COLUMNS", "LabelledDataset", "read_labelled", "simulate"]

# The columns `slrflow simulate` needs (ARCHITECTURE.md); others are ignored.
DATASET_COLUMNS = ("record_id", "title", "abstract", "label_included")
LABEL_COLUMNS = ("label_included", "included")  # slrflow's and the benchmarks' name, then ASReview's


@dataclass(frozen=True)
class LabelledDataset:
    record_ids: list[str]
    texts: list[str]
    labels: list[int]


def read_labelled(path: str | Path) -> LabelledDataset:
    """A labelled dataset (DATASET_COLUMNS); InputFileError with file and line for anything malformed."""
    from slrflow.tables import read_table

    rows = read_table(path, required=DATASET_COLUMNS[:-1])
    if not rows:
        raise InputFileError("the dataset has no records", path=path)
    label = next((column for column in LABEL_COLUMNS if column in rows[0]), None)
    if label is None:
        raise InputFileError(f"lacks a label column ({' or '.join(LABEL_COLUMNS)})", path=path, line=1)
    labels = []
    for line, row in enumerate(rows, start=2):
        value = (row[label] or "").strip()
        if value not in ("0", "1"):
            raise InputFileError(f"{label} must be 0 or 1, not {value!r}", path=path, line=line)
        labels.append(int(value))
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if not row["record_id"] or row["record_id"] in seen:
            raise InputFileError(f"record_id {row['record_id']!r} is empty or repeated", path=path, line=line)
        seen.add(row["record_id"])
    return LabelledDataset([row["record_id"] for row in rows], [record_text(row) for row in rows], labels)


def simulate(
    record_ids: Sequence[str],
    texts: Sequence[str],
    labels: Sequence[int],
    priors: Sequence[str],
    model: RankingModel | None = None,
    *,
    screen_all: bool = False,
) -> list[tuple[str, int]]:
    """The screening order as (record_id, label) pairs, priors first in the order given."""
    if len(labels) != len(record_ids):
        raise ModelError(f"{len(record_ids)} records but {len(labels)} labels")
    label_of = dict(zip(record_ids, (int(x) for x in labels), strict=True))
    if any(v not in (0, 1) for v in label_of.values()):
        raise ModelError("labels must be 0 or 1")
    if len(set(priors)) != len(priors):
        raise ModelError("a prior record is given twice")
    for prior in priors:
        if prior not in label_of:
            raise ModelError(f"prior record {prior!r} is not in the data")
    session = ScreeningSession(record_ids, texts, model)
    order = [(rid, label_of[rid]) for rid in priors]
    session.record_decisions(order)
    remaining = sum(label_of.values()) - sum(label for _, label in order)
    while screen_all or remaining > 0:
        record_id = session.next_record()
        if record_id is None:
            break
        label = label_of[record_id]
        session.record_decision(record_id, label)
        order.append((record_id, label))
        remaining -= label
    return order
