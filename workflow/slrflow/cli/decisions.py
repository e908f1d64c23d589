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
        "--records",
        type=Path,
        help="results/dedup/records.csv: also write sought.csv (the studies sought in full text), and re-attach "
        "decisions whose record left the inputs to the surviving copies of the same report (reattached.csv)",
    )
    parser.add_argument("--screening", default=Path("screening"), type=Path, help="the screening/ folder")
    parser.add_argument("--outdir", required=True, type=Path, help="where to write (results/screening)")
    return parser


def run(args: argparse.Namespace) -> int:
    from slrflow.config import load_config
    from slrflow.screening.outputs import write_settlements
    from slrflow.screening.reattach import Matcher
    from slrflow.screening.state import settle_review
    from slrflow.tables import read_table

    config = load_config(args.config)
    study_of = {row["record_id"]: row["cluster_id"] for row in read_table(args.clusters)}
    matcher = Matcher(read_table(args.records), study_of) if args.records is not None else None
    state = settle_review(config, study_of=study_of, screening=args.screening, matcher=matcher)
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
    for item in state.reattached:
        d = item.decision
        print(
            f"re-attached: {d.stage} {d.decision} by {d.reviewer} on {d.record_id} (no longer in the searches) to "
            f"study {item.study}, matched on {item.match} ({d.source}, line {d.line})",
            file=sys.stderr,
        )
    return 0
