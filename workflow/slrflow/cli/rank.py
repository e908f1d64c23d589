"""`slrflow rank`: rank the deduplicated records from the title/abstract decisions so far.

    slrflow rank results/dedup/records.csv --config config/config.yaml \\
        --decisions results/screening/title_abstract.csv \\
        --output results/screening/ranking.csv --queue results/screening/queue.csv \\
        --model-card results/screening/model.json --stopping results/screening/stopping.json \\
        --plot results/screening/recall_progress.png

Trains on include (1) and exclude (0); until both exist, ranks by TF-IDF similarity to the query (the review's
title, question and inclusion criteria) and says so in the model card. With --config, the query, the model's
components, the seed and the stopping rule come from the review's config, as the screening app builds them
(slrflow.screening.model); the options below override single values. The plot is also written as SVG beside
the PNG.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "rank",
        help="rank records for title/abstract screening",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
    )
    parser.add_argument("-h", "--help", action=ModelNamesHelp, help="show this help, with the model names, and exit")
    parser.add_argument("records", type=Path, metavar="RECORDS.csv", help="the deduplicated records to rank")
    parser.add_argument("--decisions", type=Path, metavar="TITLE_ABSTRACT.csv", help="absent file: no decisions")
    parser.add_argument("--output", type=Path, required=True, metavar="ranking.csv", help="every study, best first")
    parser.add_argument("--queue", type=Path, required=True, metavar="queue.csv", help="the studies still to screen")
    parser.add_argument("--model-card", type=Path, required=True, metavar="model.json", help="the model and its data")
    parser.add_argument("--stopping", type=Path, required=True, metavar="stopping.json", help="the stopping rule")
    parser.add_argument("--plot", type=Path, metavar="recall_progress.png", help="includes found against screened")
    parser.add_argument(
        "--config", type=Path, metavar="config.yaml", help="the review's config: query, model, stopping"
    )
    parser.add_argument("--query", help="review question and criteria, used before training (default: from --config)")
    parser.add_argument("--seed", type=int, help="random seed of the model (default: config ranking.seed, or 0)")
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
    parser.add_argument(
        "--recall-target", type=float, help="recall to be claimed (default: config stopping.recall_target, or 0.95)"
    )
    parser.add_argument(
        "--confidence", type=float, help="confidence of the claim (default: config stopping.confidence, or 0.95)"
    )
    return parser


class ModelNamesHelp(argparse._HelpAction):
    """-h that lists the ranking registry's models; the registry imports scikit-learn, so only when asked."""

    def __call__(self, parser, namespace, values, option_string=None):
        from slrflow.ranking.classifiers import CLASSIFIERS
        from slrflow.ranking.features import FEATURE_EXTRACTORS
        from slrflow.ranking.model import DEFAULT_MODEL

        parser.epilog = (
            f"classifiers (--classifier): {', '.join(CLASSIFIERS.names())}\n"
            f"feature extractors (--feature-extractor): {', '.join(FEATURE_EXTRACTORS.names())}\n"
            f"default: --feature-extractor {DEFAULT_MODEL['feature_extractor']}"
            f" --classifier {DEFAULT_MODEL['classifier']}"
        )
        super().__call__(parser, namespace, values, option_string)


def _settings(args: argparse.Namespace) -> dict:
    """Query, model, seed and stopping rule: from the config when given, then the options that override them."""
    from slrflow.ranking.model import RankingModel
    from slrflow.screening.model import build_stopper, model_components, query_text, ranking_seed

    config: dict = {}
    if args.config is not None:
        from slrflow.config import load_config

        config = load_config(args.config)
    ranking = {**config.get("ranking", {}), **model_components(vars(args))}
    stopper = build_stopper(config)
    seed = args.seed if args.seed is not None else ranking_seed(config) if config else 0
    return {
        "query": args.query if args.query is not None else query_text(config) if config else "",
        "seed": seed,
        "model": RankingModel(random_state=seed, **model_components(ranking)),
        "recall_target": args.recall_target if args.recall_target is not None else stopper.recall_target,
        "confidence": args.confidence if args.confidence is not None else stopper.confidence,
    }


def run(args: argparse.Namespace) -> int:
    from slrflow.ranking.pipeline import rank_review
    from slrflow.ranking.stage import read_title_abstract, write_rank_outputs
    from slrflow.tables import read_table

    records = read_table(args.records, required=("record_id", "title", "abstract"))
    statuses, decided_at = read_title_abstract(args.decisions)
    result = rank_review(records, statuses, decided_at, **_settings(args))
    write_rank_outputs(
        result,
        len(records),
        ranking=args.output,
        queue=args.queue,
        model_card=args.model_card,
        stopping=args.stopping,
        plot=args.plot,
    )
    return 0
