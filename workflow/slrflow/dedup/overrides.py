"""The reviewers' word on pairs of records: the two decision logs dedup obeys.

screening/duplicates.csv says 'these two records are (not) copies of one report'; screening/study_links.csv
says 'these two reports are (not) of one study' (read here, applied by `slrflow.dedup.studies`).

duplicates.csv is an append-only decision log with columns `record_id_a,record_id_b,decision,reviewer,timestamp,note`
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

import csv
from dataclasses import dataclass
from pathlib import Path

from slrflow.errors import DecisionLogError
from slrflow.tables import read_table

__all__ = [
    "DECISIONS",
    "LINK_DECISIONS",
    "OVERRIDE_FIELDS",
    "STUDY_LINK_FIELDS",
    "Override",
    "StudyLink",
    "current_overrides",
    "read_overrides",
    "read_study_links",
]

OVERRIDE_FIELDS: tuple[str, ...] = ("record_id_a", "record_id_b", "decision", "reviewer", "timestamp", "note")
DECISIONS = frozenset({"same", "different"})
STUDY_LINK_FIELDS: tuple[str, ...] = ("record_id_a", "record_id_b", "decision", "reviewer", "note")
LINK_DECISIONS = frozenset({"link", "unlink"})


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
    rows = read_table(path, required=("record_id_a", "record_id_b", "decision"), error=DecisionLogError)
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


@dataclass(frozen=True, slots=True)
class StudyLink:
    """One line of screening/study_links.csv."""

    record_id_a: str
    record_id_b: str
    decision: str
    reviewer: str = ""
    note: str = ""
    line: int = 0

    @property
    def pair(self) -> tuple[str, str]:
        a, b = self.record_id_a, self.record_id_b
        return (a, b) if a <= b else (b, a)


def read_study_links(path: str | Path | None) -> list[StudyLink]:
    """Every line of screening/study_links.csv in file order; [] if `path` is None or absent. A malformed line
    is refused with the file and its line number."""
    if path is None or not Path(path).is_file():
        return []
    links = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return []
        header = [name.strip() for name in header]
        missing = [name for name in ("record_id_a", "record_id_b", "decision") if name not in header]
        if missing:
            raise DecisionLogError(
                f"missing column(s) {', '.join(missing)}; expected {','.join(STUDY_LINK_FIELDS)}", path=path, line=1
            )
        start = reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                raise DecisionLogError(
                    f"{len(values)} fields where the header has {len(header)} ({','.join(header)}); "
                    "quote a note that contains a comma",
                    path=path,
                    line=line,
                )
            row = {name: value.strip() for name, value in zip(header, values, strict=True)}
            a, b, decision = row["record_id_a"], row["record_id_b"], row["decision"].lower()
            if not a or not b:
                raise DecisionLogError("record_id_a and record_id_b must both be given", path=path, line=line)
            if a == b:
                raise DecisionLogError(f"a record cannot be linked to itself ({a})", path=path, line=line)
            if decision not in LINK_DECISIONS:
                raise DecisionLogError(f"decision {row['decision']!r} is not 'link' or 'unlink'", path=path, line=line)
            links.append(StudyLink(a, b, decision, row.get("reviewer", ""), row.get("note", ""), line))
    return links


def current_overrides(overrides: list[Override]) -> dict[tuple[str, str], Override]:
    """The current decision per unordered pair: the last line about it wins."""
    current: dict[tuple[str, str], Override] = {}
    for override in overrides:
        current[override.pair] = override
    return current
