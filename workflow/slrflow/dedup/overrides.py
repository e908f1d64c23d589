"""Reviewer overrides from screening/duplicates.csv: 'these two records are (not) the same study'.

The file is an append-only decision log with columns `record_id_a,record_id_b,decision,reviewer,timestamp,note`
where decision is `same` or `different`. For each unordered pair of records the last line in the file is the
current decision, so a reviewer corrects an assertion by appending a new line.

How clustering uses them (see `slrflow.dedup.clustering`):

- `different` is a cannot-link: the two records never end in one cluster, whatever links them through other
  records. Each record stays with the members it matches best; a record linked to both goes to the side of its
  strongest match.
- `same` is a must-link, applied before any algorithmic match, unless it would put two records asserted
  `different` together (directly or through other `same` assertions): then the `different` wins and the
  skipped `same` is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from slrflow.errors import DecisionLogError
from slrflow.tables import read_table

__all__ = ["DECISIONS", "OVERRIDE_FIELDS", "Override", "current_overrides", "read_overrides"]

OVERRIDE_FIELDS: tuple[str, ...] = ("record_id_a", "record_id_b", "decision", "reviewer", "timestamp", "note")
DECISIONS = frozenset({"same", "different"})


@dataclass(frozen=True, slots=True)
class Override:
    record_id_a: str
    record_id_b: str
    decision: str
    reviewer: str = ""
    timestamp: str = ""
    note: str = ""

    @property
    def pair(self) -> tuple[str, str]:
        a, b = self.record_id_a, self.record_id_b
        return (a, b) if a <= b else (b, a)


def read_overrides(path: str | Path | None) -> list[Override]:
    """Every line of a duplicates.csv in file order; [] if `path` is None or does not exist."""
    if path is None or not Path(path).is_file():
        return []
    rows = read_table(path)
    if rows:
        missing = [name for name in ("record_id_a", "record_id_b", "decision") if name not in rows[0]]
        if missing:
            raise DecisionLogError(
                f"missing column(s) {', '.join(missing)}; expected {','.join(OVERRIDE_FIELDS)}", path=path, line=1
            )
    overrides = []
    for line, row in enumerate(rows, start=2):
        a = (row.get("record_id_a") or "").strip()
        b = (row.get("record_id_b") or "").strip()
        decision = (row.get("decision") or "").strip().lower()
        if not a or not b:
            raise DecisionLogError("record_id_a and record_id_b must both be given", path=path, line=line)
        if a == b:
            raise DecisionLogError(f"a record cannot be compared with itself ({a})", path=path, line=line)
        if decision not in DECISIONS:
            raise DecisionLogError(
                f"decision {row.get('decision')!r} is not 'same' or 'different'", path=path, line=line
            )
        overrides.append(
            Override(
                a,
                b,
                decision,
                (row.get("reviewer") or "").strip(),
                (row.get("timestamp") or "").strip(),
                (row.get("note") or "").strip(),
            )
        )
    return overrides


def current_overrides(overrides: list[Override]) -> dict[tuple[str, str], Override]:
    """The current decision per unordered pair: the last line about it wins."""
    current: dict[tuple[str, str], Override] = {}
    for override in overrides:
        current[override.pair] = override
    return current
