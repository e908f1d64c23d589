"""The `slrflow` command: one module per subcommand, each with `add_parser(subparsers)` and `run(args)`."""

from __future__ import annotations

import argparse
import importlib
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
    "summary",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="slrflow", description=__doc__)
    parser.add_argument("--version", action="version", version=f"slrflow {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except SlrflowError as error:
        print(f"slrflow {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
