"""Append decisions to a reviewer's log safely, and undo the app's own last line honestly.

A line is written with one `os.write` on a file descriptor opened with O_APPEND and then fsync'ed, so a killed
app leaves either the whole line or none of it, and lines written by a person in the meantime are never
overwritten. A missing log is created with its header atomically: the header is written to a temporary file in
the same folder, which is then linked to the log's name; the link fails if the log exists, so two apps creating
one log at once write one header between them, and nobody ever sees a log without its header.

Lines are formatted by `slrflow.screening.decisions.format_line`, which keeps one decision per physical line.

Undo. The logs are append-only, so the app undoes a decision in one of two ways, both of which the reading rules
of `slrflow.screening.decisions` (the latest line per reviewer and record wins) turn into the right current decision:

1. The line was written by this app session and is still the last thing in the file (same size, same bytes):
   nobody can have built on it yet, so the file is truncated back to where the line began. The log reads as if
   the key had never been pressed.
2. Otherwise (someone appended after it, or the line is from an earlier session), the app appends a correcting
   line that repeats the reviewer's previous decision on the record, with a note saying it undoes the later
   one. History stays in the file. When there was no previous decision the undo is refused: the log format has
   no "undecided" value, and the reviewer is asked to decide the record again instead.
"""

from __future__ import annotations

import fcntl
import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from slrflow.errors import DecisionLogError
from slrflow.screening.decisions import Decision, read_log

__all__ = [
    "UndoResult",
    "UndoStep",
    "WrittenLine",
    "append_line",
    "create_with_header",
    "files_signature",
    "read_back",
    "truncate_if_last",
]


@dataclass(frozen=True)
class WrittenLine:
    """Where the app wrote one line: enough to check later that it is still the file's last line."""

    path: Path
    offset: int
    data: bytes


@dataclass
class UndoStep:
    """A line the app wrote in this session, the decision it holds, and the one it replaced."""

    written: WrittenLine
    decision: Decision
    previous: Decision | None


@dataclass(frozen=True)
class UndoResult:
    record_id: str | None
    message: str
    how: str  # removed, corrected or refused


def create_with_header(path: str | Path, header: Sequence[str]) -> bool:
    """Create the file at `path` holding only its header line, atomically; False (no change) if it exists."""
    path = Path(path)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.new"
    # Mode 0o666 less the user's umask, as any file the user creates.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        _write_all(fd, (",".join(header) + "\n").encode("utf-8"))
        os.fsync(fd)
        os.close(fd)
        fd = -1
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        if fd >= 0:
            os.close(fd)
        os.unlink(temporary)


def append_line(path: str | Path, data: bytes, *, header: Sequence[str]) -> WrittenLine:
    """Append `data` (one complete line) to the file at `path`, first creating it with `header` if missing."""
    path = Path(path)
    create_with_header(path, header)
    fd = os.open(path, os.O_RDWR | os.O_APPEND)
    try:
        # Other slrflow writers wait while this line goes in, so the offset below is where it really starts.
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        prefix = b""
        if size == 0:  # an empty file made by hand: it still needs its header
            prefix = (",".join(header) + "\n").encode("utf-8")
        elif not _ends_with_newline(fd, size):
            # A person saved the file without a final newline: finish their line rather than join ours to it.
            prefix = b"\n"
        _write_all(fd, prefix + data)
        os.fsync(fd)
        offset = size + len(prefix)
    finally:
        os.close(fd)  # releases the lock
    return WrittenLine(path, offset, data)


def read_back(
    written: WrittenLine,
    stage: str,
    study: str,
    study_of: Mapping[str, str],
    *,
    reviewers: Sequence[str],
    reasons: Mapping[str, Sequence[str]],
) -> Decision:
    """Read the log just appended to, and return the decision it now gives for `study`, which must be the line
    written; otherwise raise DecisionLogError, so that the app never reports a decision saved that a re-read
    would not return. A log that cannot be read back loses the line again if it is still the last one."""
    from slrflow.screening.state import decisions_by_study

    path = written.path
    try:
        back = read_log(path, stage=stage, reviewers=reviewers, reasons=reasons[stage])
    except DecisionLogError as error:
        removed = " (the line was removed again)" if truncate_if_last(written) else ""
        raise DecisionLogError(f"not saved: the log cannot be read back after writing it{removed}: {error}") from None
    reviewer = path.stem
    held = decisions_by_study(back, study_of)[0].get(study, {}).get(reviewer)
    with open(path, "rb") as handle:
        ours = handle.read(written.offset).count(b"\n") + 1  # the line number the written line has
    if held is None or held.line != ours:
        where = f" ({held.source}, line {held.line}, dated {held.timestamp.isoformat()})" if held else ""
        raise DecisionLogError(
            f"written, but reading {path.name} back does not give this decision as current: another line "
            f"decides the study for {reviewer}{where}; check the log's timestamps",
            path=path,
        )
    return held


def truncate_if_last(line: WrittenLine) -> bool:
    """Remove `line` if it is still the last thing in its file, byte for byte; False (and no change) if not."""
    try:
        fd = os.open(line.path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        end = line.offset + len(line.data)
        if os.fstat(fd).st_size != end:
            return False
        if os.pread(fd, len(line.data), line.offset) != line.data:
            return False
        os.ftruncate(fd, line.offset)
        os.fsync(fd)
        return True
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    # One write is enough for regular files; the loop only guards against a short write on odd file systems.
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _ends_with_newline(fd: int, size: int) -> bool:
    return os.pread(fd, 1, size - 1) in (b"\n", b"\r")


def files_signature(paths: Iterable[Path]) -> tuple:
    """(path, size, mtime) of each file that exists: what changes when anyone writes to one of them."""
    signature = []
    for path in paths:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        signature.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(signature)
