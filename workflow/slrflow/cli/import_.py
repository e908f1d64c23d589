"""`slrflow import FILE [FILE ...] --output RECORDS.csv [--database NAME]`: search exports to one records table.

Each FILE may be written NAME=FILE to give that file its own database name; `--database` names the database
of the files that do not. Every file is read before anything is written: if one cannot be read, the command
names it (and the line), exits non-zero and leaves --output untouched.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "import",
        help="read search exports (RIS, BibTeX, MEDLINE, Web of Science, CSV, XLSX ...) into one records table",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="an export file, or NAME=FILE to record the database NAME for that file; the format is detected",
    )
    parser.add_argument("--output", "-o", required=True, type=Path, help="the records table to write (CSV)")
    parser.add_argument("--database", metavar="NAME", help="database name for every FILE not given as NAME=FILE")
    return parser


def _split(argument: str, default: str | None) -> tuple[Path, str | None]:
    # "Scopus=exports/a.ris" names the database; a file whose own name contains '=' is taken as it is.
    if "=" in argument and not Path(argument).exists():
        name, path = argument.split("=", 1)
        if name.strip() and path:
            return Path(path), name.strip()
    return Path(argument), default


def run(args: argparse.Namespace) -> int:
    from slrflow.errors import InputFileError
    from slrflow.importers import load
    from slrflow.records import RECORD_FIELDS
    from slrflow.tables import write_table

    records: list[dict[str, object]] = []
    failures: list[str] = []
    for argument in args.files:
        path, database = _split(argument, args.database)
        try:
            result = load(path, database=database)
        except InputFileError as error:
            failures.append(str(error))
            print(f"{path}: FAILED: {error}", file=sys.stderr)
            continue
        label = f" ({database})" if database else ""
        print(
            f"{path}{label}: {result.format}, {len(result.records)} records, {len(result.warnings)} warnings"
            + ("" if result.encoding in {"utf-8", "xlsx", "zip"} else f", encoding {result.encoding}")
            + (f", last record possibly truncated (record {len(result.records)})" if result.truncated else ""),
            file=sys.stderr,
        )
        for warning in result.warnings:
            print(f"  warning: {path}, {warning}", file=sys.stderr)
        records.extend(result.records)
    if failures:
        print(
            f"slrflow import: error: {len(failures)} of {len(args.files)} files could not be read; "
            f"{args.output} was not written",
            file=sys.stderr,
        )
        return 2
    write_table(args.output, records, RECORD_FIELDS)
    print(f"{len(records)} records from {len(args.files)} files -> {args.output}", file=sys.stderr)
    return 0
