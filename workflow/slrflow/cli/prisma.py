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

from slrflow.layout import RESULTS, ResultsLayout

__all__ = ["add_parser", "run"]

_RESULTS = ResultsLayout()
_INPUTS = {
    "import_records": _RESULTS.import_records.as_posix(),
    "clusters": _RESULTS.clusters.as_posix(),
    "dedup_records": _RESULTS.dedup_records.as_posix(),
    "study_links": f"{_RESULTS.studies.as_posix()}, reports linked into studies (optional)",
    "title_abstract": _RESULTS.title_abstract.as_posix(),
    "full_text": f"{_RESULTS.full_text.as_posix()} (optional)",
    "matches": f"{_RESULTS.fulltext_matches.as_posix()} (optional)",
    "pdf_status": f"folder of per-PDF status JSON, {_RESULTS.pdf_records.as_posix()} (optional)",
    "stopping": f"{_RESULTS.stopping.as_posix()} (optional)",
}


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "prisma",
        help="PRISMA 2020 counts, PRISMA.csv and flow diagram",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", required=True, type=Path, help="the review's config.yaml")
    parser.add_argument("--results", type=Path, default=RESULTS, help=f"results folder (default: {RESULTS})")
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
