"""What is new since the previous search round, remembered across runs in results/audit/history.json.

A round is a distinct set of imported records. Each record keeps the first and last round it was seen in, so
rerunning the audit after new decisions alone (same records) compares with the same earlier round again rather
than reporting that nothing is new. The file is deliberately not a rule output: Snakemake deletes outputs before a
job runs, which would erase the memory it exists to keep. Deleting results/ deletes it too; the report then says
there is no previous run to compare with.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from slrflow.errors import InputFileError
from slrflow.tables import atomic_open

__all__ = ["HISTORY_FORMAT", "RoundComparison", "compare_and_remember", "read_history", "write_history"]

HISTORY_FORMAT = 1


@dataclass
class RoundComparison:
    """This run's records against the previous round's."""

    round: int
    previous_round: dict[str, Any] | None  # {"round", "first_run_at", "records", "studies"} or None
    new_records: list[str] = field(default_factory=list)
    gone_records: list[str] = field(default_factory=list)
    rounds: list[dict[str, Any]] = field(default_factory=list)

    @property
    def has_previous(self) -> bool:
        return self.previous_round is not None


def read_history(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.exists():
        return {"format": HISTORY_FORMAT, "rounds": [], "records": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputFileError(f"not a readable audit history ({error}); delete it to start afresh", path=path) from error
    if not isinstance(data, dict) or data.get("format") != HISTORY_FORMAT:
        raise InputFileError(f"not an audit history of format {HISTORY_FORMAT}; delete it to start afresh", path=path)
    return data


def write_history(path: str | Path, history: Mapping[str, Any]) -> None:
    with atomic_open(path) as handle:
        json.dump(history, handle, indent=1, sort_keys=True)
        handle.write("\n")


def compare_and_remember(history: dict[str, Any], study_of: Mapping[str, str], *, now: datetime) -> RoundComparison:
    """Compare the current records (record_id -> study) with the history, and update the history in place."""
    rounds: list[dict[str, Any]] = history.setdefault("rounds", [])
    seen: dict[str, list[int]] = history.setdefault("records", {})
    current = set(study_of)
    latest = rounds[-1]["round"] if rounds else 0
    in_latest = {rid for rid, (_, last) in seen.items() if last == latest} if rounds else set()
    if rounds and current == in_latest:
        this_round = latest
        rounds[-1]["last_run_at"] = now.isoformat()
    else:
        this_round = latest + 1
        rounds.append(
            {
                "round": this_round,
                "first_run_at": now.isoformat(),
                "last_run_at": now.isoformat(),
                "records": len(current),
                "studies": len(set(study_of.values())),
            }
        )
        for rid in current:
            first = seen[rid][0] if rid in seen else this_round
            seen[rid] = [first, this_round]
    previous_number = this_round - 1
    previous = next((dict(r) for r in rounds if r["round"] == previous_number), None)
    comparison = RoundComparison(round=this_round, previous_round=previous, rounds=[dict(r) for r in rounds])
    if previous is not None:
        comparison.new_records = sorted(rid for rid in current if seen[rid][0] == this_round)
        comparison.gone_records = sorted(rid for rid, (_, last) in seen.items() if last == previous_number)
    return comparison
