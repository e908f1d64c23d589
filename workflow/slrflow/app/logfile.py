"""Append decisions to a reviewer's log safely, and undo the app's own last line honestly.

A line is written with one `os.write` on a file descriptor opened with O_APPEND and then fsync'ed, so a killed
app leaves either the whole line or none of it, and lines written by a person in the meantime are never
overwritten. A missing log is created with its header first.

Undo. The logs are append-only, so the app undoes a decision in one of two ways, both of which the reading rules
of `slrflow.decisions` (the latest line per reviewer and record wins) turn into the right current decision:

1. The line was written by this app session and is still the last thing in the file (same size, same bytes):
   nobody can have built on it yet, so the file is truncated back to where the line began. The log reads as if
   the key had never been pressed.
2. Otherwise (someone appended after it, or the line is from an earlier session), the app appends a correcting
   line that repeats the reviewer's previous decision on the record, with a note saying it undoes the later
   one. History stays in the file. When there was no previous decision the undo is refused: the log format has
   no "undecided" value, and the reviewer is asked to decide the record again instead.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from slrflow.decisions import LOG_COLUMNS

__all__ = ["WrittenLine", "append_line", "format_line", "truncate_if_last"]


@dataclass(frozen=True)
class WrittenLine:
    """Where the app wrote one line: enough to check later that it is still the file's last line."""

    path: Path
    offset: int
    data: bytes


def format_line(record_id: str, decision: str, reason: str, reviewer: str, timestamp: datetime, note: str) -> bytes:
    """One CSV line of a decision log, quoted as csv does, ending in '\\n'."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([record_id, decision, reason, reviewer, timestamp.isoformat(timespec="seconds"), note])
    return buffer.getvalue().encode("utf-8")


def append_line(path: str | Path, data: bytes) -> WrittenLine:
    """Append `data` (one complete line) to the log at `path`, creating it with its header if missing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size == 0:
            _write_all(fd, (",".join(LOG_COLUMNS) + "\n").encode("utf-8"))
            size = os.fstat(fd).st_size
        elif not _ends_with_newline(fd, size):
            # A person saved the file without a final newline: finish their line rather than join ours to it.
            _write_all(fd, b"\n")
            size += 1
        _write_all(fd, data)
        os.fsync(fd)
        # With O_APPEND the line went to the end, which is where it sits unless someone appended in between.
        offset = os.fstat(fd).st_size - len(data)
    finally:
        os.close(fd)
    return WrittenLine(path, offset, data)


def truncate_if_last(line: WrittenLine) -> bool:
    """Remove `line` if it is still the last thing in its file, byte for byte; False (and no change) if not."""
    try:
        fd = os.open(line.path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
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
