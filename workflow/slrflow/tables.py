"""CSV tables: deterministic reading and atomic writing.

Every table slrflow writes is UTF-8 with one header row and '\\n' line endings, written to a temporary file that
replaces the target only when complete, so a crash never leaves a half-written table behind. The file gets the
permissions any new file of the user gets (0666 less the umask), not mkstemp's private 0600.

Every table slrflow reads goes through `read_table`, and importing this module lifts csv's field size limit for
the whole process: csv refuses fields over 128 KiB by default, while abstracts, author lists and notes written by
databases (or by slrflow itself) can be longer, and a table slrflow wrote must always be readable by slrflow.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from slrflow.errors import InputFileError

__all__ = ["FIELD_SIZE_LIMIT", "atomic_open", "join_list", "read_table", "split_list", "write_table"]

LIST_SEPARATOR = "; "
# The largest field any csv reader in the process accepts: csv's C limit is a C long, so on 64-bit Linux this is
# 2**63 - 1 and on Windows (32-bit long) 2**31 - 1; in practice a field is bounded only by memory.
FIELD_SIZE_LIMIT = min(sys.maxsize, 2**31 - 1) if os.name == "nt" else sys.maxsize
csv.field_size_limit(FIELD_SIZE_LIMIT)


def _umask() -> int:
    """The process's umask. Linux shows it in /proc; elsewhere os.umask can only read it by setting it, which
    for an instant would change the mode of files other threads create, so /proc is tried first."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", **kwargs) -> Iterator[IO]:
    """Open a temporary file next to `path` and move it over `path` only if the block finishes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if "b" not in mode:
        kwargs.setdefault("encoding", "utf-8")
        kwargs.setdefault("newline", "")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_table(path: str | Path, rows: Iterable[Mapping[str, object]], fieldnames: Sequence[str]) -> None:
    """Write rows as CSV; lists become '; '-joined strings, None becomes ''. Extra keys are ignored."""
    with atomic_open(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(fieldnames), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _cell(row.get(key)) for key in fieldnames})


def read_table(
    path: str | Path, required: Sequence[str] = (), *, error: type[InputFileError] = InputFileError
) -> list[dict[str, str]]:
    """Read a CSV written by slrflow (or by a person: a UTF-8 BOM is accepted) into a list of dicts.

    `required` names columns the header must have, even when no row follows it; a missing one raises `error`
    (InputFileError, or a subclass such as DecisionLogError for the logs in screening/) naming the file and the
    columns; a file that is absent, unreadable or not UTF-8 CSV raises it too. Fields of any size are read.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [name for name in required if name not in header]
            if missing:
                raise error(
                    f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} in the header"
                    f" (has: {', '.join(header) or 'no header'}); needs {', '.join(required)}",
                    path=path,
                    line=1,
                )
            return [dict(row) for row in reader]
    except FileNotFoundError:
        raise error("file not found", path=path) from None
    except OSError as exc:
        raise error(f"cannot be read ({exc.strerror or exc})", path=path) from None
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=path) from None
    except csv.Error as exc:
        raise error(f"not a readable CSV table: {exc}", path=path, line=reader.line_num) from None


def join_list(values: Iterable[str] | str | None) -> str:
    if values is None:
        return ""
    if isinstance(values, str):
        return values
    return LIST_SEPARATOR.join(v for v in values if v)


def split_list(text: str | None) -> list[str]:
    if not text:
        return []
    return [part.strip() for part in text.split(";") if part.strip()]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return join_list([str(v) for v in value])
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)
