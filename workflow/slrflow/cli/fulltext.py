"""`slrflow fulltext FILE.pdf --output OUT.json`: one PDF's text in reading order, metadata, sections, tables.

An encrypted, broken or scanned PDF gives a record with that status and exit code 0; the reason is printed.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "fulltext",
        help="read one PDF into a full-text record (JSON)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("pdf", metavar="FILE.pdf", help="the PDF to read")
    parser.add_argument("--output", "-o", required=True, metavar="OUT.json", help="where to write the record")
    parser.add_argument("--password", default="", help="user password of an encrypted PDF (default: none)")
    parser.add_argument("--no-tables", action="store_true", help="skip table extraction (faster)")
    return parser


def run(args: argparse.Namespace) -> int:
    from slrflow.fulltext import dump, read_pdf

    record = read_pdf(args.pdf, password=args.password, tables=not args.no_tables)
    dump(record, args.output)
    if record["status"] != "ok":
        print(f"slrflow fulltext: {args.pdf}: {record['status']}: {record['reason']}", file=sys.stderr)
    elif record["errors"]:
        pages = ", ".join(str(error["page"]) for error in record["errors"])
        print(f"slrflow fulltext: {args.pdf}: ok, but pages {pages} had errors (see 'errors')", file=sys.stderr)
    return 0
