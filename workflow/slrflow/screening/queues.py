"""Per-reviewer screening queues: what each reviewer still has to decide, revealing nobody else's decisions.

results/screening/queue.csv (written by `slrflow rank`) holds the studies still pending, best first. In dual and
blind_dual modes a study stays pending until two reviewers have decided it, so one reviewer's queue is the shared
queue minus the studies that reviewer has already decided (a decision on any member of a duplicate cluster counts
for the study). The queue never says whether, or how, anyone else decided a study.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from slrflow.screening.decisions import Decision, current_decisions, read_logs
from slrflow.screening.state import StudyStatus
from slrflow.tables import read_table, write_table

__all__ = ["DECISION_COLUMNS", "awaits", "reviewer_queue", "write_review_queues", "write_reviewer_queues"]

# Columns that would tell a reviewer what others decided; never copied into a reviewer's queue.
DECISION_COLUMNS = frozenset(
    {"status", "decision", "decisions", "decided_by", "n_decisions", "reason", "resolved", "resolved_by", "note"}
    | {"first_decided_at", "label", "label_included"}
)


def awaits(study: StudyStatus, reviewer: str, *, needed: int) -> bool:
    """Whether `study` (as settled at its stage) still needs `reviewer`'s decision.

    A study waits for a reviewer who has not decided it while fewer reviewers than the mode needs have, and no
    resolution settled it. At full text only the studies that reached it are settled, so only they wait.
    """
    return study.resolution is None and reviewer not in study.decisions and len(study.decisions) < needed


def reviewer_queue(
    queue: Sequence[Mapping[str, str]], decisions: Iterable[Decision], study_of: Mapping[str, str], reviewer: str
) -> list[dict[str, str]]:
    """The rows of the shared queue that `reviewer` has not decided, in the shared queue's order."""
    decided = {
        study_of.get(d.record_id, d.record_id)
        for (who, _), d in current_decisions(decisions).items()
        if who == reviewer
    }
    return [
        {key: value for key, value in row.items() if key not in DECISION_COLUMNS}
        for row in queue
        if study_of.get(row["record_id"], row["record_id"]) not in decided
    ]


def write_reviewer_queues(
    queue_path: str | Path,
    decisions: Iterable[Decision],
    study_of: Mapping[str, str],
    reviewers: Iterable[str],
    outdir: str | Path,
) -> dict[str, Path]:
    """Write outdir/queue_<reviewer>.csv for every reviewer; returns the paths by reviewer."""
    queue = read_table(queue_path)
    with open(queue_path, encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    columns = [column for column in header if column and column not in DECISION_COLUMNS]
    decisions = list(decisions)
    paths = {}
    for reviewer in reviewers:
        path = Path(outdir) / f"queue_{reviewer}.csv"
        write_table(path, reviewer_queue(queue, decisions, study_of, reviewer), columns)
        paths[reviewer] = path
    return paths


def write_review_queues(
    queue_path: str | Path,
    clusters: str | Path,
    screening: str | Path,
    reviewers: Sequence[str],
    outdir: str | Path,
) -> dict[str, Path]:
    """`write_reviewer_queues` from the review's files: the title/abstract logs under `screening`, and the
    record-to-study map of results/dedup/clusters.csv."""
    study_of = {
        row["record_id"]: row["cluster_id"] for row in read_table(clusters, required=("record_id", "cluster_id"))
    }
    logs = read_logs(Path(screening) / "title_abstract", stage="title_abstract", reviewers=reviewers)
    return write_reviewer_queues(queue_path, logs, study_of, reviewers, outdir)
