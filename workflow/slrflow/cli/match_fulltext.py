"""`slrflow match-fulltext --records INCLUDED.csv --pdfs results/fulltext/pdf/*.json --output matches.csv`

Pairs each included record with its PDF's full-text record (by file name, DOI or title) and writes one row per
pair, per PDF without a record and per record without a PDF: record_id,pdf,method,score,pdf_status,title.
`pdf` is the PDF's name: the stem of its full-text record, which `slrflow fulltext` names after the PDF.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_parser", "pdf_records", "read_rows", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "match-fulltext",
        help="match full-text records (PDFs) to the included records",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--records", required=True, metavar="INCLUDED.csv", help="record_id,title,doi,... rows")
    parser.add_argument(
        "--pdfs",
        nargs="*",
        default=[],
        metavar="JSON",
        help="full-text records, or folders holding them (none: no PDFs)",
    )
    parser.add_argument("--output", "-o", required=True, metavar="MATCHES.csv", help="one row per match or miss")
    parser.add_argument(
        "--min-title-score", type=float, default=90.0, help="least rapidfuzz score for a title match (default 90)"
    )
    return parser


def pdf_records(paths: list[str]) -> dict[str, dict]:
    """Full-text records by name (file stem), from files and folders of *.json; two with one name is an error."""
    from slrflow.errors import InputFileError
    from slrflow.fulltext import load

    files: list[Path] = []
    for given in paths:
        path = Path(given)
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    records: dict[str, dict] = {}
    for file in files:
        if file.stem in records:
            raise InputFileError(f"a second full-text record named {file.stem!r}; PDF names must be unique", path=file)
        records[file.stem] = load(file)
    return records


def read_rows(path: str, columns: set[str], what: str) -> list[dict[str, str]]:
    """A CSV's rows; InputFileError naming the file when it is missing or lacks `columns`."""
    from slrflow.errors import InputFileError
    from slrflow.tables import read_table

    try:
        rows = read_table(path)
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(f"cannot read it: {error}", path=path) from error
    if rows and not columns <= set(rows[0]):
        raise InputFileError(f"missing columns {sorted(columns - set(rows[0]))} (expected {what})", path=path)
    return rows


def run(args: argparse.Namespace) -> int:
    from slrflow.fulltext.matching import MATCH_FIELDS, match_records
    from slrflow.tables import write_table

    records = read_rows(args.records, {"record_id", "title"}, "record_id,title,authors,year,doi")
    rows = match_records(records, pdf_records(args.pdfs), title_threshold=args.min_title_score)
    write_table(args.output, rows, MATCH_FIELDS)
    matched = sum(1 for row in rows if row["record_id"] and row["pdf"])
    no_record = sum(1 for row in rows if not row["record_id"])
    no_pdf = sum(1 for row in rows if not row["pdf"])
    print(
        f"slrflow match-fulltext: {matched} matched, {no_record} PDFs without a record, {no_pdf} records without a PDF",
        file=sys.stderr,
    )
    return 0
