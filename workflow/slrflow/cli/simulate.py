"""`slrflow simulate DATA.csv --prior ID --prior ID --seed N --output ORDER.csv`: replay a labelled dataset.

Plays the reviewer with the labels in DATA.csv (`record_id,title,abstract,label_included`, extra columns
ignored), starting from the priors, with the same model and query strategy `slrflow rank` and the web app use,
and writes `record_id,label` in the order screened, priors first, up to the last included record (or every
record with --all). The same data, priors and seed give a byte-identical ORDER.csv.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from slrflow.errors import InputFileError

__all__ = ["add_parser", "run"]

REQUIRED = ("record_id", "title", "abstract", "label_included")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("simulate", help="simulate screening a labelled dataset", description=__doc__)
    parser.add_argument("data", type=Path, metavar="DATA.csv")
    parser.add_argument("--prior", action="append", default=[], metavar="RECORD_ID", help="repeat for each prior")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the model (default 0)")
    parser.add_argument("--output", type=Path, required=True, metavar="ORDER.csv")
    parser.add_argument("--all", action="store_true", help="screen every record, not just up to the last include")
    parser.add_argument("--classifier", help="a classifier from the ranking registry (default: the default model's)")
    parser.add_argument(
        "--feature-extractor", help="a feature extractor from the ranking registry (default: the default model's)"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from slrflow.ranking.features import record_text
    from slrflow.ranking.model import RankingModel
    from slrflow.ranking.simulate import simulate
    from slrflow.screening.model import model_components
    from slrflow.tables import read_table, write_table

    try:
        rows = read_table(args.data)
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(f"cannot read the dataset: {error}", path=args.data) from None
    if not rows:
        raise InputFileError("the dataset has no records", path=args.data)
    missing = [c for c in REQUIRED if c not in rows[0]]
    if missing:
        raise InputFileError(f"missing column(s) {', '.join(missing)}; need {', '.join(REQUIRED)}", path=args.data)
    labels = []
    for line, row in enumerate(rows, start=2):
        value = (row["label_included"] or "").strip()
        if value not in ("0", "1"):
            raise InputFileError(f"label_included must be 0 or 1, not {value!r}", path=args.data, line=line)
        labels.append(int(value))
    record_ids = [row["record_id"] for row in rows]
    seen: set[str] = set()
    for line, rid in enumerate(record_ids, start=2):
        if not rid or rid in seen:
            raise InputFileError(f"record_id {rid!r} is empty or repeated", path=args.data, line=line)
        seen.add(rid)
    for prior in args.prior:
        if prior not in seen:
            raise InputFileError(f"prior record {prior!r} is not in the dataset", path=args.data)
    order = simulate(
        record_ids,
        [record_text(row) for row in rows],
        labels,
        args.prior,
        RankingModel(random_state=args.seed, **model_components(vars(args))),
        screen_all=args.all,
    )
    write_table(args.output, ({"record_id": rid, "label": label} for rid, label in order), ["record_id", "label"])
    return 0
