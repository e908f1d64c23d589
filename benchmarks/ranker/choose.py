"""Choose the default ranking model by a rule fixed in advance, on one group of datasets, and report the others.

    python benchmarks/ranker/run.py --model tfidf --seeds 1 2 3 4 5            # TF-IDF alone, and ASReview
    python benchmarks/ranker/run.py --tool slrflow --seeds 1 2 3 4 5           # the default (dense) model
    python benchmarks/ranker/run.py --tool slrflow --model rrf --seeds 1 2 3 4 5   # and zsum: earlier defaults
    python benchmarks/ranker/choose.py tfidf zsum rrf default                  # the tables below

Reads run.py's per-run results (results.csv for the default model, results_<model>.csv for the others; each
holds ASReview's runs on the same files, priors and seeds). The rule, fixed before any held-out result was seen:
among the candidates whose worst dataset (mean over seeds) is at most 0.05 below ASReview's WSS@95 on the
choosing group, the one with the highest mean WSS@95 there; if none qualifies, the highest mean. Two protocols:
choose on the tuning half and report the held-out half; and leave one source family out at a time (Cohen 2006,
CLEF 2017, the rest): choose on the other two, report on the one left out. The spread is across seeds: each
seed's mean over the datasets, lowest and highest. Writes choose.md.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from protocol import FAMILIES, datasets, family, split  # noqa: E402

WORST_ALLOWED = -0.05  # the bound: no dataset more than 0.05 below ASReview


def load(model: str) -> dict[str, list[dict]]:
    """tool label -> rows: 'asreview' and the model's own slrflow rows."""
    path = HERE / ("results.csv" if model == "default" else f"results_{model}.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for key in ("wss95", "recall10"):
            row[key] = float(row[key])
        row["seed"] = int(row["seed"])
    return {
        "asreview": [r for r in rows if r["tool"] == "asreview"],
        model: [r for r in rows if r["tool"] == "slrflow"],
    }


def scores(rows: list[dict], names: list[str], seeds: list[int]) -> dict:
    """Mean WSS@95 and recall@10% over datasets, per-dataset means over seeds, and each seed's mean."""
    per = {
        name: {
            key: statistics.fmean(r[key] for r in rows if r["dataset"] == name and r["seed"] in seeds)
            for key in ("wss95", "recall10")
        }
        for name in names
    }
    by_seed = [
        statistics.fmean(r["wss95"] for r in rows if r["dataset"] in names and r["seed"] == seed) for seed in seeds
    ]
    return {
        "per": per,
        "wss95": statistics.fmean(p["wss95"] for p in per.values()),
        "recall10": statistics.fmean(p["recall10"] for p in per.values()),
        "spread": (min(by_seed), max(by_seed)),
    }


def compare(candidate: dict, asreview: dict) -> dict:
    gaps = {name: candidate["per"][name]["wss95"] - asreview["per"][name]["wss95"] for name in candidate["per"]}
    worst = min(gaps, key=gaps.__getitem__)
    return {
        "gain": candidate["wss95"] - asreview["wss95"],
        "worst": gaps[worst],
        "worst_name": worst,
        "below": sum(1 for gap in gaps.values() if gap < WORST_ALLOWED),
        "ahead": sum(1 for gap in gaps.values() if gap > 0.005),
        "behind": sum(1 for gap in gaps.values() if gap < -0.005),
    }


def choose(results: dict[str, dict], asreview: dict) -> str:
    compared = {model: compare(s, asreview) for model, s in results.items()}
    qualified = [m for m in results if compared[m]["worst"] >= WORST_ALLOWED] or list(results)
    return max(qualified, key=lambda m: results[m]["wss95"])


def row(label: str, chosen_on: str, reported_on: str, model: str, mine: dict, asreview: dict) -> str:
    c = compare(mine, asreview)
    return (
        f"| {chosen_on} | {reported_on} | {label} {model} | {len(mine['per'])} | {mine['wss95']:.3f} "
        f"({mine['spread'][0]:.3f}-{mine['spread'][1]:.3f}) | {asreview['wss95']:.3f} "
        f"({asreview['spread'][0]:.3f}-{asreview['spread'][1]:.3f}) | {c['gain']:+.3f} | "
        f"{c['worst']:+.3f} ({c['worst_name']}) | {c['below']} | {c['ahead']} / {c['behind']} | "
        f"{mine['recall10']:.3f} | {asreview['recall10']:.3f} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", help="run.py model names: default, onnx, ...")
    parser.add_argument("--seeds", nargs="*", type=int, default=[1, 2, 3, 4, 5])
    args = parser.parse_args(argv)
    loaded = {model: load(model) for model in args.models}
    asreview_rows = loaded[args.models[0]]["asreview"]
    tune, held_out = split(datasets())
    groups = [("tuning half", tune, "held-out half", held_out)]
    for left_out in FAMILIES:
        rest = [n for n in tune + held_out if family(n) != left_out]
        groups.append((f"all but {left_out}", rest, left_out, [n for n in tune + held_out if family(n) == left_out]))
    lines = [
        "| chosen on | reported on | model | datasets | WSS@95 (seeds' range) | ASReview | gain | worst gap | "
        "sets > 0.05 below | ahead / behind | recall@10% | ASReview recall@10% |",
        "|" + " --- |" * 12,
    ]
    for chosen_on, choosing, reported_on, reporting in groups:
        asreview_choosing = scores(asreview_rows, sorted(choosing), args.seeds)
        results = {m: scores(loaded[m][m], sorted(choosing), args.seeds) for m in args.models}
        winner = choose(results, asreview_choosing)
        for model in args.models:
            lines.append(row("", chosen_on, chosen_on, model, results[model], asreview_choosing))
        reported = scores(loaded[winner][winner], sorted(reporting), args.seeds)
        lines.append(
            row(
                "**chosen:**",
                chosen_on,
                reported_on,
                winner,
                reported,
                scores(asreview_rows, sorted(reporting), args.seeds),
            )
        )
    report = "\n".join(lines) + "\n"
    print(report)
    (HERE / "choose.md").write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
