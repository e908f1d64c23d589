"""Decision logs: read and write the append-only files in screening/ under one line rule.

A log is one reviewer's file for one stage (screening/<stage>/<reviewer>.csv) with the columns
`record_id,decision,reason,reviewer,timestamp,note`. The latest line for a (reviewer, record) pair is that
reviewer's current decision; earlier lines are history.

The line rule (ARCHITECTURE.md, "Decision logs"): one decision per physical line. A field may be quoted as CSV
quotes it, but a quote never spans lines: a line break inside a note is written escaped as `\\n` (and a
backslash as `\\\\`), so a stray quote typed by hand or cut by a crash cannot swallow the lines after it. Each
physical line is parsed on its own; a line that does not parse is refused with file and line, and every problem
in every log is reported in one error rather than one per run.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from slrflow.errors import DecisionLogError

__all__ = [
    "DECISIONS",
    "LOG_COLUMNS",
    "MODES",
    "RESOLUTION_COLUMNS",
    "STAGES",
    "Change",
    "Decision",
    "changes",
    "current_decisions",
    "escape",
    "format_line",
    "log_files",
    "read_log",
    "read_logs",
    "read_resolutions",
    "unescape",
]

STAGES: tuple[str, ...] = ("title_abstract", "full_text")
DECISIONS: tuple[str, ...] = ("include", "exclude", "maybe")
LOG_COLUMNS: tuple[str, ...] = ("record_id", "decision", "reason", "reviewer", "timestamp", "note")
RESOLUTION_COLUMNS: tuple[str, ...] = ("stage", "record_id", "decision", "reason", "reviewer", "timestamp", "note")
MODES: tuple[str, ...] = ("single", "dual", "blind_dual")
RECORD_ID = re.compile(r"^r[0-9a-f]{15}$")
# Problems listed in one error; a file broken on every line says how many more there are.
MAX_REPORTED = 50
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "n": "\n", "r": "\r"}
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)

# A note may be long; the csv module's default limit (128 KiB per field) would make a log unreadable by its own
# writer. Raising the process-wide limit only ever lets more files be read.
if csv.field_size_limit() < 2**31 - 1:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


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


def escape(text: str) -> str:
    """A field as the line rule writes it: line breaks and backslashes escaped, so it stays on one line."""
    return "".join(_ESCAPES.get(char, char) for char in text)


def unescape(text: str) -> str:
    """The inverse of `escape`; a backslash before any other character is kept as typed (a path, say)."""
    return _ESCAPED.sub(lambda m: _UNESCAPES.get(m.group(1), m.group(0)), text)


def checked_decision(decision: str, reason: str, *, stage: str, allowed: Sequence[str]) -> tuple[str, str]:
    """(decision, reason) as a log keeps them, or ValueError saying what a person deciding at `stage` must change:
    a decision word, a reason from the review's list, and a reason for every full-text exclusion."""
    decision, reason = decision.strip().lower(), reason.strip()
    if decision not in DECISIONS:
        raise ValueError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
    if stage == "full_text" and decision == "exclude" and not reason:
        raise ValueError(f"a full-text exclusion needs a reason, one of: {'; '.join(allowed)}")
    if reason and allowed and reason not in allowed:
        raise ValueError(f"reason {reason!r} is not in the configured list: {'; '.join(allowed)}")
    return decision, reason


def format_line(record_id: str, decision: str, reason: str, reviewer: str, timestamp: datetime, note: str) -> bytes:
    """One line of a decision log, quoted as csv quotes and escaped by the line rule, ending in '\\n'."""
    return _line([record_id, decision, reason, reviewer, timestamp.isoformat(timespec="seconds"), note])


def format_resolution_line(
    stage: str, record_id: str, decision: str, reason: str, reviewer: str, timestamp: datetime, note: str
) -> bytes:
    """One line of screening/resolutions.csv (RESOLUTION_COLUMNS), under the same line rule as the logs."""
    return _line([stage, record_id, decision, reason, reviewer, timestamp.isoformat(timespec="seconds"), note])


def _line(fields: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([escape(value) for value in fields])
    return buffer.getvalue().encode("utf-8")


def log_files(directory: str | Path) -> list[Path]:
    """The files of a stage folder that are meant as logs: every name ending in .csv, in any letter case.

    A name such as ASHA.CSV is returned too, so that reading it refuses it by name instead of skipping it.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.iterdir() if path.suffix.lower() == ".csv" and path.is_file())


def read_log(
    path: str | Path,
    *,
    stage: str,
    reviewers: Iterable[str] | None = None,
    reasons: Iterable[str] | None = None,
) -> list[Decision]:
    """Read and validate one reviewer's decision log; bad lines raise one DecisionLogError naming each line.

    The reviewer is the file's stem; every line's `reviewer` must match it. Full-text exclusions need a reason
    from `reasons`; title/abstract exclusions may have one, and any reason given must be in `reasons` when the
    list is non-empty.
    """
    problems: list[DecisionLogError] = []
    decisions = _read_log(Path(path), stage, reviewers, reasons, problems)
    _raise(problems)
    return decisions


def read_logs(
    directory: str | Path,
    *,
    stage: str,
    reviewers: Iterable[str] | None = None,
    reasons: Iterable[str] | None = None,
) -> list[Decision]:
    """Every reviewer's log for a stage (screening/<stage>/*.csv), in file-name order; none yet is fine.

    The problems of all the logs are reported together.
    """
    reviewers = list(reviewers) if reviewers is not None else None
    decisions: list[Decision] = []
    problems: list[DecisionLogError] = []
    for path in log_files(directory):
        decisions.extend(_read_log(path, stage, reviewers, reasons, problems))
    _raise(problems)
    return decisions


def read_resolutions(
    path: str | Path, *, reasons_by_stage: Mapping[str, Sequence[str]] | None = None
) -> list[Decision]:
    """Read screening/resolutions.csv: one line settles one study's conflict at one stage."""
    path = Path(path)
    if not path.exists():
        return []
    resolutions = []
    problems: list[DecisionLogError] = []
    for line, row in _rows(path, RESOLUTION_COLUMNS, problems):
        stage = (row.get("stage") or "").strip()
        if stage not in STAGES:
            problems.append(
                DecisionLogError(f"stage {stage!r} is not one of {', '.join(STAGES)}", path=path, line=line)
            )
            continue
        reasons = list((reasons_by_stage or {}).get(stage, []))
        try:
            resolutions.append(_decision(row, path, line, reasons, stage=stage))
        except DecisionLogError as error:
            problems.append(error)
    _raise(problems)
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


def _read_log(
    path: Path,
    stage: str,
    reviewers: Iterable[str] | None,
    reasons: Iterable[str] | None,
    problems: list[DecisionLogError],
) -> list[Decision]:
    expected_reviewer = path.stem
    if path.suffix != ".csv":
        problems.append(
            DecisionLogError(
                f"refused: decision logs are named <reviewer>.csv with a lower-case .csv; rename it to "
                f"{path.stem}.csv (and check that {path.stem!r} is the reviewer's name in config)",
                path=path,
            )
        )
        return []
    known = set(reviewers) if reviewers is not None else None
    if known is not None and expected_reviewer not in known:
        problems.append(
            DecisionLogError(
                f"reviewer {expected_reviewer!r} (the file's name) is not in config screening.reviewers "
                f"({', '.join(sorted(known))})",
                path=path,
            )
        )
        return []
    allowed_reasons = list(reasons or [])
    decisions = []
    for line, row in _rows(path, LOG_COLUMNS, problems):
        try:
            decision = _decision(row, path, line, allowed_reasons, stage=stage)
        except DecisionLogError as error:
            problems.append(error)
            continue
        if decision.reviewer != expected_reviewer:
            problems.append(
                DecisionLogError(
                    f"reviewer {decision.reviewer!r} in a log that belongs to {expected_reviewer!r}: each reviewer "
                    "writes only their own file",
                    path=path,
                    line=line,
                )
            )
            continue
        decisions.append(decision)
    return decisions


def _raise(problems: list[DecisionLogError]) -> None:
    """Raise the one problem as it is, or all of them in one error that names each file and line."""
    if not problems:
        return
    if len(problems) == 1:
        raise problems[0]
    shown = [str(problem) for problem in problems[:MAX_REPORTED]]
    if len(problems) > MAX_REPORTED:
        shown.append(f"... and {len(problems) - MAX_REPORTED} more")
    error = DecisionLogError(
        f"{len(problems)} problems in the decision logs; fix them all, then re-run:\n" + "\n".join(shown)
    )
    error.path, error.line = problems[0].path, problems[0].line
    raise error


def _rows(path: Path, columns: Sequence[str], problems: list[DecisionLogError]) -> Iterable[tuple[int, dict[str, str]]]:
    """(line number, row) per physical line that parses; every line that does not is added to `problems`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        problems.append(DecisionLogError(f"cannot open: {error.strerror}", path=path))
        return
    except UnicodeDecodeError as error:
        problems.append(DecisionLogError(f"not UTF-8 text ({error.reason})", path=path))
        return
    header: list[str] | None = None
    for line, physical in enumerate(text.split("\n"), start=1):
        physical = physical.removesuffix("\r")
        if not physical.strip(" \t,"):
            continue
        try:
            values = [unescape(value) for value in next(csv.reader([physical], strict=True))]
        except csv.Error as error:
            problems.append(DecisionLogError(_unparsable(physical, error), path=path, line=line))
            if header is None:
                return
            continue
        if header is None:
            header = [column.strip() for column in values]
            missing = [column for column in columns if column not in header]
            repeated = sorted({column for column in header if header.count(column) > 1})
            if missing:
                message = f"header lacks {', '.join(missing)}; expected the columns {','.join(columns)}"
            elif repeated:
                message = f"header names {', '.join(repeated)} twice"
            else:
                continue
            problems.append(DecisionLogError(message, path=path, line=line))
            return
        if [value.strip() for value in values] == header:
            problems.append(
                DecisionLogError("a second header row: logs have one header line, then decisions", path=path, line=line)
            )
        elif len(values) != len(header):
            problems.append(
                DecisionLogError(f"{len(values)} fields where the header has {len(header)}", path=path, line=line)
            )
        else:
            yield line, dict(zip(header, values, strict=True))


def _unparsable(physical: str, error: csv.Error) -> str:
    if physical.count('"') % 2:
        return (
            'an unclosed quote ("): each decision is one line, and a quote must close on the line it opens; '
            "write a line break inside a note as \\n"
        )
    return f"not valid CSV ({error}); a quoted field is closed by a quote followed by a comma or the line's end"


def _decision(row: dict[str, str], path: Path, line: int, reasons: list[str], *, stage: str) -> Decision:
    def fail(message: str) -> DecisionLogError:
        return DecisionLogError(message, path=path, line=line)

    record_id = row["record_id"].strip()
    if not RECORD_ID.match(record_id):
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
