"""The state of a review's screening: both stages settled over the current deduplicated studies.

Reads results/dedup/clusters.csv (which record_id belongs to which study) and screening/, and writes the tables
in results/screening/ that ranking, full text, PRISMA and the audit read (see workflow/DATAFLOW.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slrflow.decisions import Change, Settlement, changes, read_logs, read_resolutions, settle
from slrflow.tables import read_table, write_table

__all__ = [
    "CHANGE_COLUMNS",
    "CONFLICT_COLUMNS",
    "ORPHAN_COLUMNS",
    "SOUGHT_COLUMNS",
    "STUDY_COLUMNS",
    "ReviewState",
    "settle_review",
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
# Studies that go on to full text: uncertainty at title/abstract is settled by reading the paper.
TO_FULL_TEXT = frozenset({"include", "maybe"})


@dataclass
class ReviewState:
    title_abstract: Settlement
    full_text: Settlement
    changes: list[Change]
    mode: str = "single"


def settle_review(config: Mapping[str, Any], *, clusters: str | Path, screening: str | Path) -> ReviewState:
    """Settle title/abstract over every study, then full text over the studies that reached it."""
    screening = Path(screening)
    options = config["screening"]
    reviewers = options["reviewers"]
    study_of = {row["record_id"]: row["cluster_id"] for row in read_table(clusters)}
    studies = sorted(set(study_of.values()))
    reasons = {
        "title_abstract": options.get("title_abstract_reasons", []),
        "full_text": options.get("full_text_reasons", []),
    }
    resolutions = read_resolutions(screening / "resolutions.csv", reasons_by_stage=reasons)
    common = {
        "study_of": study_of,
        "mode": options.get("mode", "single"),
        "maybe_is_conflict": options.get("maybe_is_conflict", False),
        "resolutions": resolutions,
    }
    ta_logs = read_logs(
        screening / "title_abstract", stage="title_abstract", reviewers=reviewers, reasons=reasons["title_abstract"]
    )
    title_abstract = settle(ta_logs, stage="title_abstract", studies=studies, **common)
    reached = [s.record_id for s in title_abstract.studies.values() if s.status in TO_FULL_TEXT]
    ft_logs = read_logs(screening / "full_text", stage="full_text", reviewers=reviewers, reasons=reasons["full_text"])
    full_text = settle(ft_logs, stage="full_text", studies=reached, **common)
    return ReviewState(title_abstract, full_text, changes(ta_logs) + changes(ft_logs), common["mode"])


def write_settlements(state: ReviewState, outdir: str | Path, *, records: str | Path | None = None) -> None:
    """Write the tables of DATAFLOW.md; with the dedup `records`, also sought.csv: the studies sought in full text."""
    outdir = Path(outdir)
    if records is not None:
        sought = {s.record_id for s in state.title_abstract.studies.values() if s.status in TO_FULL_TEXT}
        rows = [row for row in read_table(records) if row["record_id"] in sought]
        write_table(outdir / "sought.csv", rows, SOUGHT_COLUMNS)
    conflicts = []
    orphans = []
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
