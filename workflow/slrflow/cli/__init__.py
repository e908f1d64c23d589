"""The `slrflow` command: one module per subcommand, each with `add_parser(subparsers)` and `run(args)`."""
# DESCRIPTION and EXAMPLES are what `slrflow --help` shows; the line above is for readers of the code.

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from slrflow import __version__
from slrflow.errors import SlrflowError

__all__ = ["main"]

# Modules under slrflow.cli, one per subcommand; each imports its heavy libraries inside run().
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "init",
    "import_",
    "dedup",
    "decisions",
    "rank",
    "simulate",
    "fulltext",
    "match_fulltext",
    "extraction",
    "prisma",
    "audit",
    "serve",
    "export",
    "migrate",
    "summary",
)


DESCRIPTION = """\
slrflow does the mechanical work of a systematic literature review: it imports database exports keeping each
record's source, removes duplicates across databases, ranks the records still to screen by relevance, extracts
full texts from PDFs and counts everything for the PRISMA 2020 flow diagram. The Snakemake workflow runs these
commands on a review folder (config/, resources/, screening/); each also runs on its own."""

EXAMPLES = """\
examples:
  slrflow init MYREVIEW                       start a review: config, folders for exports and PDFs, screening/
  snakemake -c2 --directory MYREVIEW          run it (from slrflow's folder; `slrflow init` prints the command)
  slrflow serve --directory MYREVIEW          screen in the browser at http://127.0.0.1:5000
  slrflow summary --directory MYREVIEW        the PRISMA counts and where to look
  slrflow import pubmed.txt scopus.ris --output records.csv
  slrflow rank --help                         every command explains itself; rank lists its models

Each review folder's screening/README.md explains the decision files; config/README.md every config key."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="slrflow",
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"slrflow {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", help="the step to run")
    for module_name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(f"slrflow.cli.{module_name}")
        except ModuleNotFoundError as error:
            if error.name == f"slrflow.cli.{module_name}":
                continue  # not built yet
            raise
        sub = module.add_parser(subparsers)
        sub.set_defaults(_run=module.run)
    return parser


class _ToStderr(logging.Handler):
    """Writes to whatever sys.stderr is at the time (a handler made once would keep a replaced stream)."""

    def emit(self, record: logging.LogRecord) -> None:
        print(self.format(record), file=sys.stderr, flush=True)


def _report_progress(command: str) -> None:
    """The library reports its long steps (a review's first embedding, for one) as INFO logs: show them."""
    package = logging.getLogger("slrflow")
    if not any(isinstance(handler, _ToStderr) for handler in package.handlers):
        package.addHandler(_ToStderr())
        package.setLevel(logging.INFO)
        package.propagate = False  # a library that configures the root logger would print each line twice
    for handler in package.handlers:
        handler.setFormatter(logging.Formatter(f"slrflow {command}: %(message)s"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _report_progress(args.command)
    try:
        return int(args._run(args) or 0)
    except SlrflowError as error:
        print(f"slrflow {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
