"""`slrflow rank`'s files: the settled title/abstract statuses it reads, and the tables, JSON and plot it writes
(results/screening/ in workflow/DATAFLOW.md). The ranking itself is `slrflow.ranking.pipeline.rank_review`."""

from __future__ import annotations

import json
from pathlib import Path

from slrflow.errors import DecisionLogError
from slrflow.ranking.pipeline import RankResult
from slrflow.screening.state import STUDY_STATUSES
from slrflow.tables import atomic_open, read_table, write_table

__all__ = ["QUEUE_FIELDS", "RANKING_FIELDS", "read_title_abstract", "write_rank_outputs"]

RANKING_FIELDS = ("record_id", "score", "rank", "status", "model")
QUEUE_FIELDS = ("rank", "record_id", "score", "title", "authors", "year", "journal", "doi", "abstract")


def read_title_abstract(path: str | Path | None) -> tuple[dict[str, str], dict[str, str]]:
    """(status, first_decided_at) per study from results/screening/title_abstract.csv; empty when `path` is None
    or absent (no decisions yet). A status settle never gives is refused with its line."""
    statuses: dict[str, str] = {}
    decided_at: dict[str, str] = {}
    if path is None or not Path(path).exists():
        return statuses, decided_at
    for line, row in enumerate(read_table(path, required=("record_id", "status")), start=2):
        status = (row.get("status") or "").strip().lower()
        if status not in STUDY_STATUSES:
            raise DecisionLogError(
                f"status {status!r} is none of {', '.join(sorted(STUDY_STATUSES))}", path=path, line=line
            )
        statuses[row["record_id"]] = status
        decided_at[row["record_id"]] = row.get("first_decided_at") or ""
    return statuses, decided_at


def write_rank_outputs(
    result: RankResult,
    n_records: int,
    *,
    ranking: str | Path,
    queue: str | Path,
    model_card: str | Path,
    stopping: str | Path,
    plot: str | Path | None = None,
) -> None:
    """ranking.csv, queue.csv, model.json and stopping.json; with `plot`, the recall curve as PNG and SVG."""
    write_table(ranking, result.ranking, RANKING_FIELDS)
    write_table(queue, result.queue, QUEUE_FIELDS)
    for path, data in ((model_card, result.model_card), (stopping, result.stopping)):
        with atomic_open(path) as handle:
            json.dump(data, handle, indent=2, sort_keys=True, ensure_ascii=False)
            handle.write("\n")
    if plot is not None:
        from slrflow.ranking.plot import plot_recall_progress

        state = result.stopping
        note = (
            f"claimable recall {state['claimable_recall']:.2f} at {state['confidence']:.0%} confidence; "
            f"target {state['recall_target']:.0%} {'met' if state['target_met'] else 'not met'}"
        )
        plot = Path(plot)
        plot_recall_progress(
            result.progress, n_records, [plot, plot.with_suffix(".svg")], stop_at=result.stop_at, note=note
        )
