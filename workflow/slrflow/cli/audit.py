"""`slrflow audit`: the supervisor's report (results/audit/index.html and the tables behind it).

`slrflow audit queues` writes one screening queue per reviewer (results/screening/queue_<reviewer>.csv), which in
dual and blind_dual modes keeps a study in a reviewer's queue until they decide it, whatever others decided.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from slrflow.layout import RESULTS, ResultsLayout

__all__ = ["add_parser", "run"]

_RESULTS = ResultsLayout()


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "audit",
        help="write the supervisor's audit report, or (audit queues) each reviewer's queue",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", default=Path("config/config.yaml"), type=Path, help="the review's config")
    parser.add_argument("--results", default=RESULTS, type=Path, help="the results/ folder to read")
    parser.add_argument("--screening", default=Path("screening"), type=Path, help="the screening/ folder")
    parser.add_argument("--outdir", default=_RESULTS.audit, type=Path, help="where the report goes")
    parser.add_argument("--top", default=10, type=int, help="rows in the list of model disagreements (default 10)")
    commands = parser.add_subparsers(
        dest="audit_command", metavar="{queues}", help="queues: only the per-reviewer queues"
    )
    queues = commands.add_parser("queues", help="write results/screening/queue_<reviewer>.csv for every reviewer")
    queues.add_argument("--queue", default=_RESULTS.queue, type=Path, help="the shared queue")
    queues.add_argument("--clusters", default=_RESULTS.clusters, type=Path, help="record to study")
    queues.add_argument("--queues-outdir", default=_RESULTS.screening, type=Path, help="where they go")
    return parser


def run(args: argparse.Namespace) -> int:
    from slrflow.config import load_config

    config = load_config(args.config)
    if args.audit_command == "queues":
        return _queues(args, config)

    from slrflow.audit.page import write_page
    from slrflow.audit.report import build_audit, write_audit_tables

    report = build_audit(
        config,
        results=args.results,
        screening=args.screening,
        top=args.top,
    )
    write_audit_tables(report, args.outdir)
    write_page(report, args.outdir / "index.html")
    summary = report.summary()
    print(
        f"audit: {summary['studies']} studies, conflicts {summary['conflicts']} "
        f"({summary['conflicts_unresolved']} unresolved), orphaned decisions {summary['orphaned_decisions']}, "
        f"new records {summary['new_records'] if summary['new_records'] is not None else 'n/a (one search round)'}; "
        f"wrote {args.outdir / 'index.html'}",
        file=sys.stderr,
    )
    return 0


def _queues(args: argparse.Namespace, config: dict) -> int:
    from slrflow.screening.queues import write_review_queues

    reviewers = config["screening"]["reviewers"]
    paths = write_review_queues(args.queue, args.clusters, args.screening, reviewers, args.queues_outdir)
    for reviewer, path in paths.items():
        print(f"audit queues: {reviewer}: {path}", file=sys.stderr)
    return 0
