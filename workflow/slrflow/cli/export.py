"""`slrflow export --format ris|bibtex|asreview --output FILE [--status all|included|excluded|pending]`.

Run in a review directory (or give --directory) after the workflow: writes the review's studies with their
decisions, exclusion reasons, reviewers' notes and databases, in fields that reference managers (RIS: KW, N1, LB,
DB; BibTeX: keywords, note) and ASReview (the `included` label column) keep. A study is `included` when included
at full text, `excluded` when excluded at either stage, and `pending` otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from slrflow.export.review import STATUSES

    parser = subparsers.add_parser(
        "export",
        help="export the review's records with their decisions as RIS, BibTeX or an ASReview CSV",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--format",
        required=True,
        choices=("ris", "bibtex", "asreview"),
        help="RIS or BibTeX for reference managers, asreview for ASReview's CSV with its labels",
    )
    parser.add_argument("--output", "-o", required=True, type=Path, metavar="FILE", help="the file to write")
    parser.add_argument("--status", default="all", choices=STATUSES, help="which studies (default: all)")
    parser.add_argument("--directory", type=Path, default=Path("."), help="the review directory (default: here)")
    return parser


def run(args: argparse.Namespace) -> int:
    from slrflow import export

    records = export.load_review(args.directory, status=args.status)
    export.write(args.output, records, format=args.format)
    print(f"{len(records)} {args.status} records -> {args.output} ({args.format})", file=sys.stderr)
    return 0
