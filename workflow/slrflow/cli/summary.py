"""`slrflow summary`: the PRISMA counts of the last run, where to look, and how to start screening.

The workflow prints the same at the end of every successful run.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "summary", help="print the last run's PRISMA counts and where to look", description=__doc__
    )
    parser.add_argument("--directory", type=Path, default=Path("."), help="the review's folder (default: here)")
    return parser


def run(args: argparse.Namespace) -> int:
    from slrflow.summary import run_summary

    print(run_summary(Path(os.path.relpath(args.directory)) / "results"))
    return 0
