"""`slrflow simulate DATA.csv --prior ID --prior ID --seed N --output ORDER.csv`: replay a labelled dataset.

Plays the reviewer with the labels in DATA.csv (`record_id,title,abstract,label_included`, extra columns
ignored; ASReview's `included` column is accepted as the label where `label_included` is absent), starting
from the priors, with the same model and query strategy `slrflow rank` and the web app use, and writes
`record_id,label` in the order screened, priors first, up to the last included record (or every record with
--all). The same data, priors and seed give a byte-identical ORDER.csv.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("simulate", help="simulate screening a labelled dataset", description=__doc__)
    parser.add_argument("data", type=Path, metavar="DATA.csv", help="record_id,title,abstract,label_included rows")
    parser.add_argument("--prior", action="append", default=[], metavar="RECORD_ID", help="repeat for each prior")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the model (default 0)")
    parser.add_argument(
        "--output", type=Path, required=True, metavar="ORDER.csv", help="record_id,label in screening order"
    )
    parser.add_argument("--all", action="store_true", help="screen every record, not just up to the last include")
    parser.add_argument("--classifier", help="a classifier from the ranking registry (default: the default model's)")
    parser.add_argument(
        "--feature-extractor", help="a feature extractor from the ranking registry (default: the default model's)"
    )
    parser.add_argument(
        "--switch-after",
        type=int,
        metavar="N",
        help="after N excludes in a row, propose by each of the model's views in turn; 0: never (default: 50)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from slrflow.errors import InputFileError
    from slrflow.ranking.model import RankingModel
    from slrflow.ranking.simulate import read_labelled, simulate
    from slrflow.screening.model import model_components
    from slrflow.tables import write_table

    dataset = read_labelled(args.data)
    for prior in args.prior:
        if prior not in dataset.record_ids:
            raise InputFileError(f"prior record {prior!r} is not in the dataset", path=args.data)
    order = simulate(
        dataset.record_ids,
        dataset.texts,
        dataset.labels,
        args.prior,
        RankingModel(random_state=args.seed, **model_components(vars(args))),
        screen_all=args.all,
    )
    write_table(args.output, ({"record_id": rid, "label": label} for rid, label in order), ["record_id", "label"])
    return 0
