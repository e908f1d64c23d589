"""The recall estimate (slrflow.ranking.estimate) replayed on cached slrflow screening orders, next to buscar.

    python benchmarks/ranker/run.py --tool slrflow      # first: the screening orders (cached under work/)
    python benchmarks/ranker/estimate.py                # grid, choice on the tuning half, held-out and LOFO

Each order is checked after every 0.5 % of the records, as run.py replays buscar; where the estimate first says
"target reached" screening stops, and the true recall and the work saved there are recorded. The estimate's
parameters (rate function, Poisson quantile, minimum share screened) are chosen on one group of datasets by a
rule fixed before looking at the other: among the settings that reach the target recall in at least 90 % of the
group's runs, the one saving the most work on sets with more than 19 includes. They are chosen twice: on the
tuning half (reported on the held-out half) and leaving one source family out at a time (Cohen 2006, CLEF 2017,
the rest: chosen on the other two, reported on the one left out). Writes estimate.csv (one row per run and
setting) and prints the tables for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import multiprocessing
import statistics
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from protocol import DATA, datasets, prepare, split  # noqa: E402
from run import SEEDS, WORK, load_order, stopping_replay  # noqa: E402

from slrflow.ranking.estimate import RATE_FUNCTIONS, estimate_recall, fit_rate  # noqa: E402

TARGET = 0.95
QUANTILES = (0.5, 0.8, 0.9, 0.95, 0.99)
MIN_SCREENED = (0.05, 0.1, 0.2)
GRID = list(itertools.product(RATE_FUNCTIONS, QUANTILES, MIN_SCREENED))
LARGE = 19  # the goal is stated for sets with more than 19 includes


def family(name: str) -> str:
    return "Cohen 2006" if name.startswith("cohen2006") else "CLEF 2017" if name.startswith("clef2017") else "other"


def full_labels(name: str, seed: int) -> np.ndarray | None:
    """The order's labels, continued with the never-proposed records (all excluded), as run.py replays it."""
    cached = load_order("slrflow", name, seed)
    if cached is None:
        return None
    prepared = prepare(name, seed, WORK, DATA)
    label_of = dict(zip(prepared.record_ids, prepared.labels, strict=True))
    order = cached[0]
    seen = set(order)
    order += [rid for rid in prepared.record_ids if rid not in seen]
    return np.array([label_of[rid] for rid in order]), prepared, cached[0]


def replay(labels: np.ndarray) -> dict[tuple, int]:
    """For every setting of the grid, the number screened at the first estimated stop (len(labels) if none).

    The minimum share screened only withholds a stop, so each (rate function, quantile) is evaluated once per
    check and the minimum applied afterwards.
    """
    n_total = len(labels)
    every = max(1, n_total // 200)
    checks = list(range(every, n_total + 1, every))
    reached: dict[tuple, list[int]] = {}
    for rate_function in RATE_FUNCTIONS:
        for n in checks:
            head = labels[:n]
            fit = fit_rate(head, rate_function)
            for quantile in QUANTILES:
                estimate = estimate_recall(head, n_total, TARGET, rate_function, quantile, 0.0, rate=fit)
                if estimate.target_reached:
                    reached.setdefault((rate_function, quantile), []).append(n)
    stops = {}
    for rate_function, quantile, min_screened in GRID:
        at = [n for n in reached.get((rate_function, quantile), []) if n >= min_screened * n_total]
        stops[(rate_function, quantile, min_screened)] = at[0] if at else n_total
    return stops


def replay_run(run: tuple[str, int]) -> list[dict]:
    """Buscar and every setting of the estimate on one cached order: one row each."""
    name, seed = run
    loaded = full_labels(name, seed)
    if loaded is None:
        print(f"{name} s{seed}: no cached slrflow order (run run.py --tool slrflow first)", file=sys.stderr)
        return []
    labels, prepared, order = loaded
    total, n_total = int(labels.sum()), len(labels)
    # The oracle: stop exactly when 95 % of the includes are found.
    oracle = 1 - (int(np.searchsorted(np.cumsum(labels), np.ceil(TARGET * total))) + 1) / n_total
    base = {"dataset": name, "seed": seed, "included": total, "records": n_total, "oracle": oracle}
    buscar = stopping_replay(order, prepared)
    rows = [base | {"setting": None, "recall": buscar["stop_recall"], "saved": buscar["stop_saved"]}]
    for setting, stop_at in replay(labels).items():
        rows.append(
            base | {"setting": setting, "recall": int(labels[:stop_at].sum()) / total, "saved": 1 - stop_at / n_total}
        )
    print(f"{name:34s} s{seed} replayed", flush=True)
    return rows


def choose(rows: list[dict], names: set[str]) -> tuple:
    """The rule fixed beforehand: reach >= 90 % of runs, then the most work saved on sets with > 19 includes."""
    scored = []
    for setting in GRID:
        mine = [r for r in rows if r["dataset"] in names and r["setting"] == setting]
        reach = statistics.fmean(r["recall"] >= TARGET for r in mine)
        large = [r["saved"] for r in mine if r["included"] > LARGE] or [0.0]
        scored.append((reach >= 0.9, statistics.fmean(large) if reach >= 0.9 else reach, setting))
    return max(scored, key=lambda t: (t[0], t[1]))[2]


def summarise(rows: list[dict], names: set[str], setting: tuple | None) -> dict:
    """Reach rate, minimum recall, mean work saved (all / sets with > 19 includes / <= 19) for one setting."""
    mine = [r for r in rows if r["dataset"] in names and r["setting"] == setting]
    if not mine:
        return {}
    large = [r for r in mine if r["included"] > LARGE]
    small = [r for r in mine if r["included"] <= LARGE]
    return {
        "runs": len(mine),
        "reach": statistics.fmean(r["recall"] >= TARGET for r in mine),
        "min_recall": min(r["recall"] for r in mine),
        "saved": statistics.fmean(r["saved"] for r in mine),
        "saved_large": statistics.fmean(r["saved"] for r in large) if large else float("nan"),
        "reach_large": statistics.fmean(r["recall"] >= TARGET for r in large) if large else float("nan"),
        "saved_small": statistics.fmean(r["saved"] for r in small) if small else float("nan"),
        "oracle_large": statistics.fmean(r["oracle"] for r in large) if large else float("nan"),
    }


def describe(setting: tuple | None) -> str:
    return "buscar (the claim)" if setting is None else f"{setting[0]}, q {setting[1]}, min {setting[2]:.0%}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", nargs="*", type=int, default=list(SEEDS))
    parser.add_argument("--datasets", nargs="*", help="default: every dataset with at least five includes")
    parser.add_argument("--output", type=Path, default=HERE / "estimate.csv")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)

    tune, held_out = split(datasets())
    runs = [(name, seed) for name in args.datasets or datasets() for seed in args.seeds]
    with multiprocessing.Pool(args.jobs) as pool:
        rows = [row for result in pool.imap(replay_run, runs) for row in result]
    write_csv(args.output, rows)
    print(report(rows, set(tune), set(held_out)))
    return 0


def write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["dataset", "seed", "records", "included", "setting", "recall_at_stop", "work_saved"])
        for r in rows:
            writer.writerow(
                [r["dataset"], r["seed"], r["records"], r["included"], describe(r["setting"]),
                 f"{r['recall']:.4f}", f"{r['saved']:.4f}"]
            )  # fmt: skip


def report(rows: list[dict], tune: set[str], held_out: set[str]) -> str:
    header = (
        "| chosen on | reported on | setting | runs | target reached | min recall | work saved | "
        "saved, > 19 incl. | reached, > 19 incl. | oracle saved, > 19 incl. | saved, <= 19 incl. |\n"
        + "|"
        + " --- |" * 11
    )
    lines = [header]

    def line(chosen_on: str, reported_on: str, names: set[str], setting: tuple | None) -> None:
        s = summarise(rows, names, setting)
        if not s:
            return
        lines.append(
            f"| {chosen_on} | {reported_on} | {describe(setting)} | {s['runs']} | {s['reach']:.1%} | "
            f"{s['min_recall']:.3f} | {s['saved']:.1%} | {s['saved_large']:.1%} | {s['reach_large']:.1%} | "
            f"{s['oracle_large']:.1%} | {s['saved_small']:.1%} |"
        )

    chosen = choose(rows, tune)
    line("tuning half", "tuning half", tune, chosen)
    line("tuning half", "held-out half", held_out, chosen)
    line("-", "held-out half", held_out, None)
    present = {r["dataset"] for r in rows}
    for left_out in ("Cohen 2006", "CLEF 2017", "other"):
        out = {n for n in present if family(n) == left_out}
        if not out or out == present:
            continue
        setting = choose(rows, present - out)
        line(f"all but {left_out}", left_out, out, setting)
        line("-", left_out, out, None)
    lines += ["", "Per dataset, the setting chosen on the tuning half (mean over seeds; * = held-out half):", ""]
    lines += ["| dataset | incl. | runs reaching 0.95 | min recall | work saved | oracle saved | buscar saved |"]
    lines += ["|" + " --- |" * 7]
    for name in sorted(present):
        mine = [r for r in rows if r["dataset"] == name and r["setting"] == chosen]
        claim = [r for r in rows if r["dataset"] == name and r["setting"] is None]
        lines.append(
            f"| {name}{' *' if name in held_out else ''} | {mine[0]['included']} | "
            f"{sum(r['recall'] >= TARGET for r in mine)}/{len(mine)} | {min(r['recall'] for r in mine):.3f} | "
            f"{statistics.fmean(r['saved'] for r in mine):.1%} | {statistics.fmean(r['oracle'] for r in mine):.1%} | "
            f"{statistics.fmean(r['saved'] for r in claim):.1%} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
