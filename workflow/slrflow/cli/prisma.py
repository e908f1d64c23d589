"""`slrflow prisma`: PRISMA 2020 counts, the R package's PRISMA.csv, the records behind each box, the diagram.

    slrflow prisma --config config/config.yaml --results results --outdir results/prisma

Each input can also be named on its own (a Snakemake rule passes its named inputs); an explicit path wins over
the one derived from --results. Inputs of later stages (full text, matches, PDF statuses, stopping.json) are
optional: absent, the diagram shows the review as far as it has got. So is results/dedup/studies.csv (reports
linked into studies): absent, each report is a study of its own.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_parser", "run"]

_INPUTS = {
    "import_records": "results/import/records.csv",
    "clusters": "results/dedup/clusters.csv",
    "dedup_records": "results/dedup/records.csv",
    "study_links": "results/dedup/studies.csv, reports linked into studies (optional)",
    "title_abstract": "results/screening/title_abstract.csv",
    "full_text": "results/screening/full_text.csv (optional)",
    "matches": "results/fulltext/matches.csv (optional)",
    "pdf_status": "folder of per-PDF status JSON, results/fulltext/pdf (optional)",
    "stopping": "results/screening/stopping.json (optional)",
}


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "prisma",
        help="PRISMA 2020 counts, PRISMA.csv and flow diagram",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", required=True, type=Path, help="the review's config.yaml")
    parser.add_argument("--results", type=Path, default=Path("results"), help="results folder (default: results)")
    parser.add_argument(
        "--outdir",
        type=Path,
        default=None,
        help="where to write counts.json, PRISMA.csv, records_by_box.csv, flow_diagram.{svg,pdf,png} "
        "(default: RESULTS/prisma)",
    )
    group = parser.add_argument_group("inputs named one by one (default: under --results)")
    for name, default in _INPUTS.items():
        group.add_argument(f"--{name.replace('_', '-')}", type=Path, default=None, metavar="PATH", help=default)
    return parser


def run(args: argparse.Namespace) -> int:
    from slrflow.config import load_config
    from slrflow.prisma import count_prisma, read_inputs, results_paths, write_outputs

    config = load_config(args.config)
    paths = results_paths(args.results)
    for name in _INPUTS:
        if getattr(args, name) is not None:
            paths[name] = getattr(args, name)
    result = count_prisma(read_inputs(**paths), config)
    outdir = args.outdir if args.outdir is not None else args.results / "prisma"
    written = write_outputs(result, outdir)
    c = result.counts
    print(
        f"PRISMA: {c.records_identified + c.other_identified} records identified, {c.records_screened} screened, "
        f"{c.dbr_assessed + c.other_assessed} reports assessed, {c.new_studies} new studies "
        f"({c.new_reports} reports) included"
        + (" (screening or full text not finished: see the dashed boxes)" if c.pending else "")
        + f"; wrote {', '.join(str(path) for path in written.values())}"
    )
    return 0
