"""The `slrflow` command: one module per subcommand, each with `add_parser(subparsers)` and `run(args)`."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from slrflow import __version__
from slrflow.errors import SlrflowError

__all__ = ["main"]

# subcommand name -> module under slrflow.cli; imported lazily so `slrflow import` does not load scikit-learn.
SUBCOMMANDS: dict[str, str] = {
    "import": "import_",
    "dedup": "dedup",
    "decisions": "decisions",
    "rank": "rank",
    "simulate": "simulate",
    "fulltext": "fulltext",
    "match-fulltext": "match_fulltext",
    "extraction": "extraction",
    "prisma": "prisma",
    "audit": "audit",
    "serve": "serve",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="slrflow", description=__doc__)
    parser.add_argument("--version", action="version", version=f"slrflow {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module_name in SUBCOMMANDS.items():
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
