"""`slrflow decisions`: settle both screening stages from the logs in screening/ into results/screening/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "decisions",
        help="validate the decision logs and settle each study's status at both stages",
        description=__doc__,
    )
    parser.add_argument("--config", required=True, type=Path, help="config/config.yaml of the review")
    parser.add_argument("--clusters", required=True, type=Path, help="results/dedup/clusters.csv")
    parser.add_argument(
        "--records", type=Path, help="results/dedup/records.csv: also write sought.csv, the studies sought in full text"
    )
    parser.add_argument("--screening", default=Path("screening"), type=Path, help="the screening/ folder")
    parser.add_argument("--outdir", required=True, type=Path, help="where to write (results/screening)")
    return parser


def run(args: argparse.Namespace) -> int:
    from slrflow.config import load_config
    from slrflow.screening_state import settle_review, write_settlements

    config = load_config(args.config)
    state = settle_review(config, clusters=args.clusters, screening=args.screening)
    write_settlements(state, args.outdir, records=args.records)
    for settlement in (state.title_abstract, state.full_text):
        counts: dict[str, int] = {}
        for study in settlement.studies.values():
            counts[study.status] = counts.get(study.status, 0) + 1
        summary = ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))
        print(
            f"{settlement.stage}: {summary or 'no studies'}; conflicts {len(settlement.conflicts)}, "
            f"orphaned decisions {len(settlement.orphans)}",
            file=sys.stderr,
        )
    return 0
