"""`slrflow migrate FILE --reviewer NAME [--stage title_abstract] [--from NAME]`: another tool's screening labels
(ASReview CSV/TSV/XLSX/RIS or project file, Rayyan CSV/RIS, Covidence CSV) become NAME's decision log.

Appends to screening/<stage>/<NAME>.csv (append-only, never rewritten); every line's note says which tool and file
it came from. Run it on purpose, once the file's records are among the review's searches (results/import/
records.csv); records not in the review are left out and counted. --from picks one of the tool's reviewers where
the file holds several (Rayyan). Running it again adds only what changed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "migrate",
        help="turn ASReview, Rayyan or Covidence screening labels into a reviewer's decision log",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file", type=Path, metavar="FILE", help="an ASReview, Rayyan or Covidence export, or an .asreview project"
    )
    parser.add_argument("--reviewer", required=True, help="the slrflow reviewer whose log receives the decisions")
    parser.add_argument(
        "--stage",
        default="title_abstract",
        choices=("title_abstract", "full_text"),
        help="the stage the labels decide (default title_abstract)",
    )
    parser.add_argument("--from", dest="source_reviewer", metavar="NAME", help="the reviewer's name in the tool")
    parser.add_argument("--directory", type=Path, default=Path("."), help="the review directory (default: here)")
    return parser


def run(args: argparse.Namespace) -> int:
    from slrflow.migrate import migrate

    done = migrate(
        args.file,
        reviewer=args.reviewer,
        stage=args.stage,
        directory=args.directory,
        source_reviewer=args.source_reviewer,
    )
    print(f"{done.written} decisions appended to {done.log}; {done.already} already there", file=sys.stderr)
    for reason, count in sorted(done.skipped.items()):
        print(f"  {count} records left out: {reason}", file=sys.stderr)
    return 0
