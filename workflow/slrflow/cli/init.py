"""`slrflow init DIRECTORY`: start a new review.

Writes DIRECTORY/config/config.yaml (commented, with two example searches: PubMed and Scopus),
resources/searches/ for the exports, resources/fulltext/ for PDFs and screening/ with a README of the
decision format. Nothing existing is overwritten.

example:
  slrflow init MYREVIEW --reviewer asha --reviewer ben --title "Peer support for budget holders"
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from datetime import date
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "init",
        help="start a new review: config, folders for exports and PDFs, screening/",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("directory", type=Path, help="the new review's folder (created if absent)")
    parser.add_argument(
        "--reviewer",
        action="append",
        help="a reviewer's name (letters, digits, _.-); repeat for each reviewer (default: your login name)",
    )
    parser.add_argument("--title", default="My systematic review", help="the review's title (edit it later in config)")
    parser.add_argument(
        "--question",
        default="The review question, in one sentence.",
        help="the review question; the ranker starts from it before the first decisions",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from slrflow.new_review import create_review
    from slrflow.summary import shown_path, tool_command
    from slrflow.workflow_files import snakefile

    reviewers = args.reviewer or [_login_name()]
    written = create_review(
        args.directory, reviewers=reviewers, title=args.title, question=args.question, today=date.today()
    )
    review = shown_path(args.directory)
    for path in written:
        print(f"slrflow init: wrote {shown_path(path)}", file=sys.stderr)
    print(
        f"\nNext:\n"
        f"  1. copy your exports into {review}/resources/searches/ and declare each one under `searches` in\n"
        f"     {review}/config/config.yaml (the file, the database, the date and the query as run);\n"
        f"     PDFs go in {review}/resources/fulltext/.\n"
        f"  2. run the review (from any folder):\n"
        f"     {tool_command('snakemake', absolute=True)} -c2 -s {snakefile()}"
        f" --directory {args.directory.resolve()}\n",
        file=sys.stderr,
    )
    return 0


def _login_name() -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]", "", getpass.getuser()).lstrip("_.-")
    return name or "reviewer"
