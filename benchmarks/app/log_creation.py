"""Two app instances creating one new decision log at the same moment: how often is the header written twice?

Each trial forks two processes that wait on one pipe and then append one decision each to the same log, which
does not exist yet; the trial counts the header lines in the result. A duplicate header makes the log unreadable
(every request then gets 409). Compared in the same run with the way logs were created before issue 13 (open
with O_CREAT, write the header if the file is empty), the peer here. Prints a table and writes a CSV.

    .venv/bin/python benchmarks/app/log_creation.py [--trials 10000] [--out benchmarks/app/log_creation.csv]
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from slrflow.app.logfile import append_line
from slrflow.screening.decisions import LOG_COLUMNS, format_line

HEADER = (",".join(LOG_COLUMNS) + "\n").encode()
WHEN = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def append_before_issue_13(path: Path, data: bytes) -> None:
    """The old creation: O_CREAT, then a header if the file is empty (two steps another process can split)."""
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if os.fstat(fd).st_size == 0:
            os.write(fd, HEADER)
        os.write(fd, data)
    finally:
        os.close(fd)


def trial(method: str, path: Path) -> int:
    """Fork two writers that block on one pipe until both exist, release them together, count the headers."""
    start_read, start_write = os.pipe()
    children = []
    for n in range(2):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.close(start_write)
                data = format_line(f"r{n:015x}", "include", "", "alice", WHEN, "")
                os.read(start_read, 1)
                if method == "atomic":
                    append_line(path, data, header=LOG_COLUMNS)
                else:
                    append_before_issue_13(path, data)
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
    os.close(start_read)
    os.write(start_write, b"go")
    os.close(start_write)
    for pid in children:
        if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
            raise SystemExit(f"a writer failed in {path}")
    return path.read_bytes().count(HEADER)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("log_creation.csv"))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for method in ("atomic", "before issue 13"):
            started = time.perf_counter()
            duplicates = 0
            for number in range(args.trials):
                path = Path(folder) / f"{method[0]}{number}.csv"
                duplicates += trial(method, path) != 1
                path.unlink()
            rows.append(
                {
                    "method": method,
                    "trials": args.trials,
                    "duplicate_headers": duplicates,
                    "seconds": round(time.perf_counter() - started, 1),
                }
            )
    print(f"{'method':<18}{'trials':>8}{'duplicate headers':>20}{'seconds':>10}")
    for row in rows:
        print(f"{row['method']:<18}{row['trials']:>8}{row['duplicate_headers']:>20}{row['seconds']:>10}")
    with open(args.out, "w", newline="", encoding="utf-8") as handle:
        table = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        table.writeheader()
        table.writerows(rows)


if __name__ == "__main__":
    main()
