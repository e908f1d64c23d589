"""The tables in results/screening/ that ranking, full text, PRISMA and the audit read (workflow/DATAFLOW.md),
written from a settled review."""

from __future__ import annotations

from pathlib import Path

from slrflow.screening.reattach import REATTACHED_COLUMNS
from slrflow.screening.state import TO_FULL_TEXT, ReviewState, Settlement
from slrflow.tables import read_table, write_table

__all__ = [
    "CHANGE_COLUMNS",
    "CONFLICT_COLUMNS",
    "ORPHAN_COLUMNS",
    "SOUGHT_COLUMNS",
    "STUDY_COLUMNS",
    "write_settlements",
]

STUDY_COLUMNS = (
    "record_id",
    "status",
    "reason",
    "decided_by",
    "decisions",
    "n_decisions",
    "first_decided_at",
    "resolved",
    "resolved_by",
)
CONFLICT_COLUMNS = ("stage", "record_id", "reviewers", "decisions", "resolution", "resolved_by", "resolved_at")
ORPHAN_COLUMNS = ("stage", "reviewer", "record_id", "decision", "reason", "timestamp", "source", "line")
CHANGE_COLUMNS = ("stage", "reviewer", "record_id", "before", "after", "changed_at", "source", "line")
SOUGHT_COLUMNS = ("record_id", "title", "authors", "year", "journal", "doi", "member_ids")


def write_settlements(state: ReviewState, outdir: str | Path, *, records: str | Path | None = None) -> None:
    """Write the tables of DATAFLOW.md; with the dedup `records`, also sought.csv: the studies sought in full text."""
    outdir = Path(outdir)
    if records is not None:
        sought = {s.record_id for s in state.title_abstract.studies.values() if s.status in TO_FULL_TEXT}
        rows = [row for row in read_table(records) if row["record_id"] in sought]
        write_table(outdir / "sought.csv", rows, SOUGHT_COLUMNS)
    conflicts: list[dict[str, object]] = []
    orphans: list[dict[str, object]] = []
    for settlement in (state.title_abstract, state.full_text):
        write_table(
            outdir / f"{settlement.stage}.csv", _study_rows(settlement, blind=state.mode == "blind_dual"), STUDY_COLUMNS
        )
        conflicts.extend(_conflict_rows(settlement))
        orphans.extend(
            {
                "stage": o.stage,
                "reviewer": o.reviewer,
                "record_id": o.record_id,
                "decision": o.decision,
                "reason": o.reason,
                "timestamp": o.timestamp.isoformat(),
                "source": o.source,
                "line": o.line,
            }
            for o in settlement.orphans
        )
    write_table(outdir / "conflicts.csv", conflicts, CONFLICT_COLUMNS)
    write_table(outdir / "orphans.csv", orphans, ORPHAN_COLUMNS)
    write_table(outdir / "reattached.csv", (r.row() for r in state.reattached), REATTACHED_COLUMNS)
    write_table(
        outdir / "changes.csv",
        (
            {
                "stage": c.stage,
                "reviewer": c.reviewer,
                "record_id": c.record_id,
                "before": c.before,
                "after": c.after,
                "changed_at": c.changed_at.isoformat(),
                "source": c.source,
                "line": c.line,
            }
            for c in state.changes
        ),
        CHANGE_COLUMNS,
    )


def _study_rows(settlement: Settlement, *, blind: bool = False) -> list[dict[str, object]]:
    rows = []
    for study in settlement.studies.values():
        first = study.first_decided_at
        rows.append(
            {
                "record_id": study.record_id,
                "status": study.status,
                "reason": study.reason,
                "decided_by": sorted(study.decisions),
                # Blind dual screening: what one reviewer said stays hidden until the study needs no more.
                "decisions": []
                if blind and study.status == "pending"
                else [f"{reviewer}: {d.decision}" for reviewer, d in study.decisions.items()],
                "n_decisions": len(study.decisions),
                "first_decided_at": first.isoformat() if first else "",
                "resolved": "yes" if study.resolution else "",
                "resolved_by": study.resolution.reviewer if study.resolution else "",
            }
        )
    return rows


def _conflict_rows(settlement: Settlement) -> list[dict[str, object]]:
    return [
        {
            "stage": settlement.stage,
            "record_id": study.record_id,
            "reviewers": sorted(study.decisions),
            "decisions": [f"{reviewer}: {d.decision}" for reviewer, d in study.decisions.items()],
            "resolution": study.resolution.decision if study.resolution else "",
            "resolved_by": study.resolution.reviewer if study.resolution else "",
            "resolved_at": study.resolution.timestamp.isoformat() if study.resolution else "",
        }
        for study in settlement.conflicts
    ]
