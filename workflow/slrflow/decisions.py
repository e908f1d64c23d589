"""Screening decisions: read the append-only logs in screening/, validate them, and settle each study's status.

A log is one reviewer's file for one stage (screening/<stage>/<reviewer>.csv) with the columns
`record_id,decision,reason,reviewer,timestamp,note`. The latest line for a (reviewer, record) pair is that
reviewer's current decision; earlier lines are history. A decision on any member of a duplicate cluster applies
to the cluster's study. Disagreements become conflicts, settled only by screening/resolutions.csv.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from slrflow.errors import DecisionLogError

__all__ = [
    "DECISIONS",
    "LOG_COLUMNS",
    "RESOLUTION_COLUMNS",
    "STAGES",
    "Change",
    "Decision",
    "Settlement",
    "StudyStatus",
    "changes",
    "current_decisions",
    "read_log",
    "read_logs",
    "read_resolutions",
    "settle",
]

STAGES: tuple[str, ...] = ("title_abstract", "full_text")
DECISIONS: tuple[str, ...] = ("include", "exclude", "maybe")
LOG_COLUMNS: tuple[str, ...] = ("record_id", "decision", "reason", "reviewer", "timestamp", "note")
RESOLUTION_COLUMNS: tuple[str, ...] = ("stage", "record_id", "decision", "reason", "reviewer", "timestamp", "note")
MODES: tuple[str, ...] = ("single", "dual", "blind_dual")
_RECORD_ID = re.compile(r"^r[0-9a-f]{15}$")


@dataclass(frozen=True)
class Decision:
    """One line of a decision log (or of resolutions.csv, with `stage` set)."""

    record_id: str
    decision: str
    reason: str
    reviewer: str
    timestamp: datetime
    note: str
    source: str
    line: int
    stage: str = ""


@dataclass(frozen=True)
class Change:
    """A reviewer replaced an earlier decision on a record with a different one."""

    stage: str
    reviewer: str
    record_id: str
    before: str
    after: str
    changed_at: datetime
    source: str
    line: int


@dataclass
class StudyStatus:
    """Where one study (a dedup cluster) stands at one stage."""

    record_id: str
    status: str  # include, exclude, maybe, conflict or pending
    decisions: dict[str, Decision] = field(default_factory=dict)  # reviewer -> current decision
    resolution: Decision | None = None
    reason: str = ""

    @property
    def first_decided_at(self) -> datetime | None:
        times = [d.timestamp for d in self.decisions.values()]
        return min(times) if times else None


@dataclass
class Settlement:
    """The outcome of settling one stage: statuses per study, the conflicts, and decisions on no known record."""

    stage: str
    studies: dict[str, StudyStatus]
    conflicts: list[StudyStatus]
    orphans: list[Decision]


def read_log(
    path: str | Path,
    *,
    stage: str,
    reviewers: Iterable[str] | None = None,
    reasons: Iterable[str] | None = None,
) -> list[Decision]:
    """Read and validate one reviewer's decision log; a bad line raises DecisionLogError naming file and line.

    The reviewer is the file's stem; every line's `reviewer` must match it. Full-text exclusions need a reason
    from `reasons`; title/abstract exclusions may have one, and any reason given must be in `reasons` when the
    list is non-empty.
    """
    path = Path(path)
    expected_reviewer = path.stem
    known = set(reviewers) if reviewers is not None else None
    if known is not None and expected_reviewer not in known:
        raise DecisionLogError(
            f"reviewer {expected_reviewer!r} (the file's name) is not in config screening.reviewers "
            f"({', '.join(sorted(known))})",
            path=path,
        )
    allowed_reasons = list(reasons or [])
    decisions = []
    for line, row in _rows(path, LOG_COLUMNS):
        decision = _decision(row, path, line, allowed_reasons, stage=stage)
        if decision.reviewer != expected_reviewer:
            raise DecisionLogError(
                f"reviewer {decision.reviewer!r} in a log that belongs to {expected_reviewer!r}: each reviewer "
                "writes only their own file",
                path=path,
                line=line,
            )
        decisions.append(decision)
    return decisions


def read_logs(
    directory: str | Path,
    *,
    stage: str,
    reviewers: Iterable[str] | None = None,
    reasons: Iterable[str] | None = None,
) -> list[Decision]:
    """Every reviewer's log for a stage (screening/<stage>/*.csv), in file-name order; none yet is fine."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    reviewers = list(reviewers) if reviewers is not None else None
    decisions: list[Decision] = []
    for path in sorted(directory.glob("*.csv")):
        decisions.extend(read_log(path, stage=stage, reviewers=reviewers, reasons=reasons))
    return decisions


def read_resolutions(
    path: str | Path, *, reasons_by_stage: Mapping[str, Sequence[str]] | None = None
) -> list[Decision]:
    """Read screening/resolutions.csv: one line settles one study's conflict at one stage."""
    path = Path(path)
    if not path.exists():
        return []
    resolutions = []
    for line, row in _rows(path, RESOLUTION_COLUMNS):
        stage = (row.get("stage") or "").strip()
        if stage not in STAGES:
            raise DecisionLogError(f"stage {stage!r} is not one of {', '.join(STAGES)}", path=path, line=line)
        reasons = list((reasons_by_stage or {}).get(stage, []))
        resolutions.append(_decision(row, path, line, reasons, stage=stage))
    return resolutions


def current_decisions(decisions: Iterable[Decision]) -> dict[tuple[str, str], Decision]:
    """The latest line per (reviewer, record_id): later lines in a file replace earlier ones."""
    latest: dict[tuple[str, str], Decision] = {}
    for decision in decisions:
        latest[(decision.reviewer, decision.record_id)] = decision
    return latest


def changes(decisions: Iterable[Decision]) -> list[Change]:
    """Every time a reviewer's later line changed their decision on a record (the history a supervisor audits)."""
    previous: dict[tuple[str, str], Decision] = {}
    found = []
    for decision in decisions:
        key = (decision.reviewer, decision.record_id)
        before = previous.get(key)
        if before is not None and (before.decision, before.reason) != (decision.decision, decision.reason):
            found.append(
                Change(
                    stage=decision.stage,
                    reviewer=decision.reviewer,
                    record_id=decision.record_id,
                    before=_label(before),
                    after=_label(decision),
                    changed_at=decision.timestamp,
                    source=decision.source,
                    line=decision.line,
                )
            )
        previous[key] = decision
    return found


def settle(
    decisions: Iterable[Decision],
    *,
    stage: str,
    study_of: Mapping[str, str],
    studies: Iterable[str],
    mode: str = "single",
    maybe_is_conflict: bool = False,
    resolutions: Iterable[Decision] = (),
) -> Settlement:
    """Give every study in `studies` its status at `stage` from the reviewers' current decisions.

    `study_of` maps every known record_id to its study (the dedup cluster id); a decision on a record_id it does
    not know is an orphan: reported, never dropped. `mode` is single (one reviewer decides), dual or blind_dual
    (two reviewers must decide). Include against exclude is a conflict; maybe against a decision is a conflict
    only when `maybe_is_conflict`, and otherwise the study goes on as include (with an include) or maybe (with an
    exclude), so that uncertainty always reaches full text. A resolution line settles a study whatever the
    reviewers said.
    """
    if mode not in MODES:
        raise ValueError(f"unknown review mode {mode!r}; known: {', '.join(MODES)}")
    needed = 1 if mode == "single" else 2
    by_study: dict[str, dict[str, Decision]] = defaultdict(dict)
    orphans = []
    for decision in current_decisions(decisions).values():
        study = study_of.get(decision.record_id)
        if study is None:
            orphans.append(decision)
            continue
        held = by_study[study].get(decision.reviewer)
        # Two lines by one reviewer on two members of a cluster: the later one is their view of the study.
        if held is None or decision.timestamp >= held.timestamp:
            by_study[study][decision.reviewer] = decision
    settled_by = {}
    for resolution in resolutions:
        if resolution.stage != stage:
            continue
        study = study_of.get(resolution.record_id)
        if study is None:
            orphans.append(resolution)
        else:
            settled_by[study] = resolution
    result: dict[str, StudyStatus] = {}
    conflicts = []
    for study in sorted(set(studies)):
        current = dict(sorted(by_study.get(study, {}).items()))
        status, reason = _combine(list(current.values()), needed=needed, maybe_is_conflict=maybe_is_conflict)
        resolution = settled_by.get(study)
        entry = StudyStatus(study, status, current, resolution, reason)
        if status == "conflict":
            conflicts.append(entry)
        if resolution is not None:
            entry.status, entry.reason = resolution.decision, resolution.reason
        result[study] = entry
    orphans.sort(key=lambda d: (d.source, d.line))
    return Settlement(stage, result, conflicts, orphans)


def _combine(decisions: list[Decision], *, needed: int, maybe_is_conflict: bool) -> tuple[str, str]:
    values = {d.decision for d in decisions}
    if len(decisions) < needed:
        return "pending", ""
    if "include" in values and "exclude" in values:
        return "conflict", ""
    if "maybe" in values and len(values) > 1:
        if maybe_is_conflict:
            return "conflict", ""
        if "include" in values:
            return "include", ""
        return "maybe", ""
    (value,) = values
    reasons = [d.reason for d in sorted(decisions, key=lambda d: (d.timestamp, d.reviewer)) if d.reason]
    return value, reasons[0] if reasons else ""


def _rows(path: Path, columns: Sequence[str]) -> Iterable[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise DecisionLogError(f"cannot open: {error.strerror}", path=path) from error
    except UnicodeDecodeError as error:
        raise DecisionLogError(f"not UTF-8 text ({error.reason})", path=path) from error
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return
        header = [column.strip() for column in header]
        missing = [column for column in columns if column not in header]
        if missing:
            raise DecisionLogError(
                f"header lacks {', '.join(missing)}; expected the columns {','.join(columns)}", path=path, line=1
            )
        repeated = sorted({column for column in header if header.count(column) > 1})
        if repeated:
            raise DecisionLogError(f"header names {', '.join(repeated)} twice", path=path, line=1)
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if [value.strip() for value in values] == header:
                raise DecisionLogError(
                    "a second header row: logs have one header line, then decisions", path=path, line=line
                )
            if len(values) != len(header):
                raise DecisionLogError(f"{len(values)} fields where the header has {len(header)}", path=path, line=line)
            yield line, dict(zip(header, values, strict=True))
    except csv.Error as error:
        raise DecisionLogError(f"not valid CSV ({error})", path=path, line=reader.line_num) from error


def _decision(row: dict[str, str], path: Path, line: int, reasons: list[str], *, stage: str) -> Decision:
    def fail(message: str) -> DecisionLogError:
        return DecisionLogError(message, path=path, line=line)

    record_id = row["record_id"].strip()
    if not _RECORD_ID.match(record_id):
        raise fail(f"record_id {record_id!r} is not an slrflow record id (an 'r' and 15 hex digits)")
    decision = row["decision"].strip().lower()
    if decision not in DECISIONS:
        raise fail(f"decision {row['decision']!r} is not one of {', '.join(DECISIONS)}")
    reason = row["reason"].strip()
    if stage == "full_text" and decision == "exclude" and not reason:
        raise fail(f"a full-text exclusion needs a reason, one of: {'; '.join(reasons) or '(none configured)'}")
    if reason and reasons and reason not in reasons:
        raise fail(f"reason {reason!r} is not in the configured list: {'; '.join(reasons)}")
    reviewer = row["reviewer"].strip()
    if not reviewer:
        raise fail("reviewer is empty")
    text = row["timestamp"].strip()
    try:
        timestamp = datetime.fromisoformat(text)
    except ValueError:
        timestamp = None
    if timestamp is None or timestamp.tzinfo is None:
        raise fail(f"timestamp {text!r} is not ISO 8601 with a time zone, e.g. 2024-06-03T10:15:00+01:00")
    return Decision(
        record_id=record_id,
        decision=decision,
        reason=reason,
        reviewer=reviewer,
        timestamp=timestamp,
        note=row["note"].strip(),
        source=str(path),
        line=line,
        stage=stage,
    )


def _label(decision: Decision) -> str:
    return f"{decision.decision} ({decision.reason})" if decision.reason else decision.decision
