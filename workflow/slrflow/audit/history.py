"""What is new since the previous search round, derived from what the reviewer owns, never remembered in results/.

Each search and other source in config/config.yaml has a `round` (1 unless given; an update search says 2, the
next 3). A record belongs to the earliest round whose exports hold it, so the records "new since the previous
round" are those that only the latest round's exports hold, whether the update re-ran the whole search or only
the months since. Records that reviewers decided (screening/) and that no export holds any more are "gone".
Everything comes from config/, resources/ and screening/: deleting results/ and rerunning gives the same report.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from slrflow.errors import ConfigError

__all__ = ["RoundComparison", "compare_rounds", "record_rounds"]


@dataclass
class RoundComparison:
    """The latest search round's records against the earlier rounds'."""

    round: int
    # {"round", "date", "first_run_at" (the round's first search date), "searches", "records", "studies"} or None
    previous_round: dict[str, Any] | None
    new_records: list[str] = field(default_factory=list)
    gone_records: list[str] = field(default_factory=list)
    rounds: list[dict[str, Any]] = field(default_factory=list)

    @property
    def has_previous(self) -> bool:
        return self.previous_round is not None


def record_rounds(config: Mapping[str, Any], rows: Iterable[Mapping[str, str]]) -> dict[str, int]:
    """record_id -> the earliest round whose export holds it, from each row's `source_file` (or `database`)."""
    sources = _sources(config)
    round_of_file = {os.path.normpath(source["file"]): source.get("round", 1) for source in sources}
    rounds_of_database: dict[str, set[int]] = {}
    for source in sources:
        rounds_of_database.setdefault(source.get("database") or source["name"], set()).add(source.get("round", 1))
    only = set(round_of_file.values())
    first: dict[str, int] = {}
    for row in rows:
        number = round_of_file.get(os.path.normpath(row.get("source_file") or "."))
        if number is None:
            candidates = only if len(only) == 1 else rounds_of_database.get(row.get("database", ""), set())
            if len(candidates) != 1:
                raise ConfigError(
                    f"record {row['record_id']} comes from {row.get('source_file') or row.get('database')!r}, "
                    "which no search in config declares; rerun the import after changing the searches"
                )
            (number,) = candidates
        first[row["record_id"]] = min(number, first.get(row["record_id"], number))
    return first


def compare_rounds(
    config: Mapping[str, Any],
    rows: Iterable[Mapping[str, str]],
    study_of: Mapping[str, str],
    *,
    decided: Iterable[str] = (),
) -> RoundComparison:
    """Compare the latest round with the one before; `decided` are the record ids named in screening/ logs."""
    first = record_rounds(config, rows)
    sources = _sources(config)
    numbers = sorted({source.get("round", 1) for source in sources})
    rounds = []
    for number in numbers:
        members = [source for source in sources if source.get("round", 1) == number]
        known = [rid for rid, r in first.items() if r <= number]
        date = min(source["date"] for source in members)
        rounds.append(
            {
                "round": number,
                "date": date,
                "first_run_at": date,
                "searches": [source["name"] for source in members],
                "records": len(known),
                "studies": len({study_of.get(rid, rid) for rid in known}),
            }
        )
    current = numbers[-1] if numbers else 1
    previous = rounds[-2] if len(rounds) > 1 else None
    comparison = RoundComparison(round=current, previous_round=previous, rounds=rounds)
    if previous is not None:
        comparison.new_records = sorted(rid for rid, r in first.items() if r == current)
        comparison.gone_records = sorted(set(decided) - set(first))
    return comparison


def _sources(config: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [*config.get("searches", []), *config.get("other_sources", [])]
