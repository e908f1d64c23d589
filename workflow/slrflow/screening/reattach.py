"""A decision follows its report: re-attach a decision whose record left every input to the surviving copies.

Record ids are content hashes, so a record that disappears (its search export removed, say) takes its id with
it, although copies of the same report from other databases may remain. When the app writes a decision it also
appends the decided record's bibliographic key (DOI, title, first author, year, journal, volume, issue, pages,
the start of the abstract)
to screening/decided_records.csv, a reviewer-owned, append-only file. When settling, a decision on an unknown
record_id whose key is kept is matched against the current records with the comparison deduplication uses
(`slrflow.dedup.normalise.normalise_record`, `slrflow.dedup.similarity.compare` and `conflict`); a match in
exactly one study re-attaches it there, and it is reported in results/screening/reattached.csv. A decision with
no key, no match, or matches in two studies stays an orphan, reported and never dropped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from slrflow.errors import DecisionLogError
from slrflow.screening.decisions import RECORD_ID, Decision, escape, unescape

__all__ = [
    "KEYS_FILE",
    "KEY_COLUMNS",
    "REATTACHED_COLUMNS",
    "Matcher",
    "Reattached",
    "format_key_line",
    "read_record_keys",
    "reattach",
    "record_key",
]

KEYS_FILE = "decided_records.csv"  # under screening/
KEY_COLUMNS: tuple[str, ...] = (
    "record_id",
    "doi",
    "title",
    "first_author",
    "year",
    "journal",
    "volume",
    "number",
    "pages",
    "abstract",
)
# The start of the abstract is kept too: for a record without journal, volume or pages (common in some exports)
# it is the evidence dedup's comparison accepts beside the title. Dedup compares about the first 600 characters.
KEY_ABSTRACT = 600
REATTACHED_COLUMNS = ("stage", "reviewer", "record_id", "decision", "study_id", "match", "source", "line")


@dataclass(frozen=True)
class Reattached:
    """A decision on a record that left the inputs, counted for the study that holds the report's copies."""

    decision: Decision
    study: str
    match: str

    def row(self) -> dict[str, object]:
        d = self.decision
        return {
            "stage": d.stage,
            "reviewer": d.reviewer,
            "record_id": d.record_id,
            "decision": d.decision,
            "study_id": self.study,
            "match": self.match,
            "source": d.source,
            "line": d.line,
        }


def record_key(record: Mapping[str, str]) -> dict[str, str]:
    """The bibliographic key kept for a decided record (a row of results/dedup/records.csv or import)."""
    key = {name: str(record.get(name) or "").strip() for name in KEY_COLUMNS}
    key["first_author"] = str(record.get("authors") or "").split(";")[0].strip()
    key["abstract"] = key["abstract"][:KEY_ABSTRACT]
    return key


def format_key_line(record: Mapping[str, str]) -> bytes:
    """One line of decided_records.csv under the decision logs' line rule (one record per physical line)."""
    key = record_key(record)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([escape(" ".join(key[name].split())) for name in KEY_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def read_record_keys(path: str | Path) -> dict[str, dict[str, str]]:
    """record_id -> its kept key (the latest line per record); no file yet is no keys."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        lines = path.read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError) as error:
        raise DecisionLogError(f"cannot read the kept record keys ({error})", path=path) from error
    keys: dict[str, dict[str, str]] = {}
    header: list[str] | None = None
    for number, physical in enumerate(lines, start=1):
        physical = physical.removesuffix("\r")
        if not physical.strip():
            continue
        try:
            values = [unescape(value) for value in next(csv.reader([physical], strict=True))]
        except csv.Error as error:
            raise DecisionLogError(f"not one valid CSV line ({error})", path=path, line=number) from error
        if header is None:
            header = [value.strip() for value in values]
            if "record_id" not in header:
                raise DecisionLogError(f"header lacks record_id; expected {','.join(KEY_COLUMNS)}", path=path, line=1)
            continue
        row = dict(zip(header, values, strict=False))
        record_id = (row.get("record_id") or "").strip()
        if not RECORD_ID.match(record_id):
            raise DecisionLogError(f"record_id {record_id!r} is not an slrflow record id", path=path, line=number)
        keys[record_id] = {name: row.get(name) or "" for name in KEY_COLUMNS}
    return keys


class Matcher:
    """Finds the study that holds a kept key among the current records; normalises them once, on first use."""

    def __init__(self, records: Sequence[Mapping[str, str]], study_of: Mapping[str, str]) -> None:
        self.records = records
        self.study_of = study_of
        self._normalised: list | None = None
        self._found: dict[tuple, tuple[str, str] | None] = {}  # the records do not change: each key is matched once

    def find(self, key: Mapping[str, str]) -> tuple[str, str] | None:
        """(study, how it matched) when the key matches records of exactly one study; else None."""
        memo = tuple(sorted(key.items()))
        if memo not in self._found:
            self._found[memo] = self._find(key)
        return self._found[memo]

    def _find(self, key: Mapping[str, str]) -> tuple[str, str] | None:
        from slrflow.dedup.normalise import normalise_record
        from slrflow.dedup.similarity import compare, conflict

        if self._normalised is None:
            self._normalised = [normalise_record(row) for row in self.records]
        kept = normalise_record({**key, "authors": key.get("first_author", "")})
        found: dict[str, str] = {}
        for other in self._normalised:
            match = compare(kept, other)
            if match is not None and conflict(kept, other) is None:
                study = self.study_of.get(other.record_id, other.record_id)
                found.setdefault(study, match.reason)
        if len(found) != 1:
            return None
        ((study, reason),) = found.items()
        return study, reason


def reattach(
    decisions: Iterable[Decision],
    study_of: Mapping[str, str],
    keys: Mapping[str, Mapping[str, str]],
    matcher: Matcher | None,
) -> dict[str, tuple[str, str]]:
    """record_id -> (study, match) for every decided record that left the inputs and whose key matches one study."""
    if matcher is None or not keys:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for record_id in sorted({d.record_id for d in decisions if d.record_id not in study_of}):
        key = keys.get(record_id)
        if key is not None and (match := matcher.find(key)) is not None:
            found[record_id] = match
    return found
