"""`slrflow match-fulltext --records SOUGHT.csv --pdfs results/fulltext/pdf/*.json --output matches.csv`

Pairs each sought record with its PDF's full-text record (by file name, DOI or title) and writes one row per
pair, per PDF without a record and per record without a PDF: record_id,pdf,method,score,pdf_status,title.
`pdf` is the PDF's name: the stem of its full-text record, which `slrflow fulltext` names after the PDF.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "match-fulltext",
        help="match full-text records (PDFs) to the sought records",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--records", required=True, metavar="SOUGHT.csv", help="record_id,title,doi,... rows")
    parser.add_argument(
        "--pdfs",
        nargs="*",
        default=[],
        metavar="JSON",
        help="full-text records, or folders holding them (none: no PDFs)",
    )
    parser.add_argument("--output", "-o", required=True, metavar="MATCHES.csv", help="one row per match or miss")
    parser.add_argument(
        "--min-title-score",
        type=float,
        help="least rapidfuzz score (0-100) for a title match (default: slrflow.fulltext.matching.TITLE_THRESHOLD)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from slrflow.fulltext.stage import match_fulltext

    counts = match_fulltext(args.records, args.pdfs, args.output, title_threshold=args.min_title_score)
    print(
        f"slrflow match-fulltext: {counts['matched']} matched, {counts['pdfs_without_record']} PDFs without a record,"
        f" {counts['records_without_pdf']} records without a PDF",
        file=sys.stderr,
    )
    return 0
