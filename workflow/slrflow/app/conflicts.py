"""The conflict screen: studies where the reviewers disagree, and settling one with a line in resolutions.csv.

A conflict is what `slrflow.screening.state.settle` calls one (include against exclude, or maybe against a decision
when the config says so). Settling it appends one line to screening/resolutions.csv with the columns
`read_resolutions` reads; the line names the person who settled it, and a later line for the same study and
stage replaces an earlier one, as in the reviewers' own logs. The append is crash-safe in the same way as a
decision (see `slrflow.app.logfile`): one write on an O_APPEND descriptor, fsync'ed, the header first in a new
file.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from slrflow.app.listing import review_state
from slrflow.app.logfile import append_line
from slrflow.app.review import Review
from slrflow.screening.decisions import RESOLUTION_COLUMNS, checked_decision, format_resolution_line
from slrflow.screening.state import StudyStatus
from slrflow.tables import split_list

__all__ = ["append_resolution", "conflict_list", "resolve"]


def conflict_list(review: Review, stage: str) -> dict[str, Any]:
    """Every conflict at `stage`, open ones first, each with the record and both reviewers' decisions."""
    if stage not in review.reasons:
        raise ValueError(f"stage {stage!r} is not one of {', '.join(review.reasons)}")
    review.refresh()
    state = review_state(review)
    settlement = state.stage(stage)
    entries = [_entry(review, study) for study in settlement.conflicts]
    entries.sort(key=lambda entry: (entry["resolution"] is not None, review.position.get(entry["record_id"], 0)))
    return {
        "stage": stage,
        "reasons": review.reasons[stage],
        "open": sum(entry["resolution"] is None for entry in entries),
        "conflicts": entries,
    }


def resolve(
    review: Review, resolver: str, stage: str, record_id: str, decision: str, reason: str = "", note: str = ""
) -> dict[str, Any]:
    """Settle the conflict on `record_id` at `stage`: one line in screening/resolutions.csv."""
    if resolver not in review.reviewers:
        raise ValueError(f"reviewer {resolver!r} is not in config screening.reviewers ({', '.join(review.reviewers)})")
    if stage not in review.reasons:
        raise ValueError(f"stage {stage!r} is not one of {', '.join(review.reasons)}")
    decision, reason = checked_decision(decision, reason, stage=stage, allowed=review.reasons[stage])
    note = note.strip()  # line breaks are kept, escaped by the line rule
    review.refresh()
    state = review_state(review)
    settlement = state.stage(stage)
    if record_id not in {entry.record_id for entry in settlement.conflicts}:
        raise ValueError(f"record {record_id!r} has no conflict at {stage.replace('_', '/')} to settle")
    timestamp = datetime.now().astimezone().replace(microsecond=0)
    append_resolution(
        review.screening / "resolutions.csv", stage, record_id, decision, reason, resolver, timestamp, note
    )
    review.refresh()
    return {
        "stage": stage,
        "record_id": record_id,
        "decision": decision,
        "reason": reason,
        "reviewer": resolver,
        "timestamp": timestamp.isoformat(),
        "note": note,
    }


def append_resolution(
    path: str | Path,
    stage: str,
    record_id: str,
    decision: str,
    reason: str,
    reviewer: str,
    timestamp: datetime,
    note: str,
) -> None:
    """Append one resolution line, creating the file with its header; a killed app leaves all of it or none."""
    line = format_resolution_line(stage, record_id, decision, reason, reviewer, timestamp, note)
    append_line(path, line, header=RESOLUTION_COLUMNS)


def _entry(review: Review, study: StudyStatus) -> dict[str, Any]:
    row = review.records[review.position[study.record_id]]
    resolution = study.resolution
    return {
        "record_id": study.record_id,
        "title": row.get("title", ""),
        "abstract": row.get("abstract", ""),
        "authors": split_list(row.get("authors")),
        "year": row.get("year", ""),
        "journal": row.get("journal", ""),
        "doi": row.get("doi", ""),
        "keywords": split_list(row.get("keywords")),
        "databases": split_list(row.get("databases")),
        "decisions": [
            {
                "reviewer": name,
                "decision": d.decision,
                "reason": d.reason,
                "note": d.note,
                "timestamp": d.timestamp.isoformat(),
            }
            for name, d in sorted(study.decisions.items())
        ],
        "resolution": None
        if resolution is None
        else {
            "decision": resolution.decision,
            "reason": resolution.reason,
            "reviewer": resolution.reviewer,
            "note": resolution.note,
            "timestamp": resolution.timestamp.isoformat(),
        },
    }
