"""slrflow against ASReview LAB's default model (ELAS u4), side by side, on every shared labelled dataset.

    python benchmarks/ranker/run.py                       # both tools, every dataset, seeds 1 2 3
    python benchmarks/ranker/run.py --tool slrflow        # re-run slrflow only; ASReview orders are cached
    python benchmarks/ranker/run.py --report-only         # tables from cached orders
    python benchmarks/ranker/run.py --tool slrflow --peer-rows benchmarks/ranker/results.csv   # no cached
        # ASReview orders here: its per-run rows come from an earlier results file instead

ASReview is installed by this script into benchmarks/ranker/.venv-asreview (version ASREVIEW_VERSION below).
Both tools are run as command-line programs on the same shuffled file with the same two priors and seed; the
screening orders are cached under benchmarks/ranker/work/ (not committed), the per-run metrics go to
benchmarks/ranker/results.csv, the per-dataset table to benchmarks/ranker/results.md and the means into the
"Ranking" section of benchmarks/README.md. The stopping rule is replayed on each slrflow order.
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from protocol import DATA, Prepared, datasets, metrics, prepare, split  # noqa: E402

REPO = HERE.parents[1]
WORK = HERE / "work"
ASREVIEW_VERSION = "2.2"  # the newest 2.x release, as issue 3 asks; its default model is ELAS u4
ASREVIEW_VENV = HERE / f".venv-asreview-{ASREVIEW_VERSION}"
SLRFLOW = REPO / ".venv" / "bin" / "slrflow"
SEEDS = (1, 2, 3)
TOOLS = ("slrflow", "asreview")
# slrflow's ranking models: the default (TF-IDF plus all-MiniLM-L6-v2 on ONNX Runtime, rankings fused, the tail
# switch), TF-IDF alone (the default until issue 16), the earlier dense defaults, and TF-IDF plus all-MiniLM-L6-v2
# on torch (slrflow[embeddings]).
MODELS = {
    "default": [],
    "tfidf": ["--feature-extractor", "tfidf", "--classifier", "logistic"],
    # The default before its blocks' rankings were fused: standardised scores added, the embedding's weighted 0.2.
    "zsum": ["--classifier", "logistic_minilm", "--switch-after", "0"],
    # The default before the tail switch (RankingModel.switch_after).
    "rrf": ["--switch-after", "0"],
    "minilm": ["--feature-extractor", "tfidf_minilm", "--classifier", "logistic_minilm", "--switch-after", "0"],
}
EMBEDDING_CACHE = WORK / "embeddings"  # SLRFLOW_CACHE for the runs; embed_minilm.py can fill it beforehand


def ensure_asreview() -> Path:
    exe = ASREVIEW_VENV / "bin" / "asreview"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(ASREVIEW_VENV)], check=True)
        pip = ASREVIEW_VENV / "bin" / "pip"
        subprocess.run([str(pip), "install", "-q", f"asreview=={ASREVIEW_VERSION}"], check=True)
    return exe


def run_asreview(prepared: Prepared, seed: int, screen_all: bool = False) -> tuple[list[str], float]:
    exe = ensure_asreview()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "sim.asreview"
        command = [str(exe), "simulate", str(prepared.path), "--prior-idx"]
        command += [str(row) for row in prepared.prior_rows]
        command += ["--seed", str(seed), "-o", str(project)] + (["--n-stop", "-1"] if screen_all else [])
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        with zipfile.ZipFile(project) as archive:
            archive.extractall(tmp)
        # 2.x keeps the decisions in reviews/<id>/results.db and the records in data_store.db
        (results,) = Path(tmp).glob("reviews/*/results.db")
        db = sqlite3.connect(results)
        db.execute("ATTACH DATABASE ? AS store", (str(Path(tmp) / "data_store.db"),))
        rows = db.execute(
            "SELECT r.dataset_row FROM results JOIN store.record AS r ON results.record_id = r.record_id "
            "ORDER BY results.rowid"
        ).fetchall()
        db.close()
    return [prepared.record_ids[row] for (row,) in rows], wall


def run_slrflow(
    prepared: Prepared, seed: int, screen_all: bool = False, model: str = "default", cache: Path = EMBEDDING_CACHE
) -> tuple[list[str], float]:
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "order.csv"
        command = [str(SLRFLOW), "simulate", str(prepared.path)]
        for prior in prepared.prior_ids:
            command += ["--prior", prior]
        command += ["--seed", str(seed), "--output", str(output)] + (["--all"] if screen_all else [])
        command += MODELS[model]
        start = time.perf_counter()
        subprocess.run(command, check=True, env=os.environ | {"SLRFLOW_CACHE": str(cache)})
        wall = time.perf_counter() - start
        with open(output, encoding="utf-8", newline="") as handle:
            order = [row["record_id"] for row in csv.DictReader(handle)]
    return order, wall


def order_path(tool: str, name: str, seed: int, model: str = "default") -> Path:
    folder = f"asreview-{ASREVIEW_VERSION}" if tool == "asreview" else tool
    if tool == "slrflow" and model != "default":
        folder += f"-{model}"
    return WORK / "orders" / folder / f"{name}_s{seed}.csv"


def load_order(tool: str, name: str, seed: int, model: str = "default") -> tuple[list[str], float] | None:
    path = order_path(tool, name, seed, model)
    if not path.exists():
        return None
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return [row[0] for row in rows[1:]], float(rows[0][1])


def save_order(tool: str, name: str, seed: int, model: str, order: list[str], wall: float) -> None:
    path = order_path(tool, name, seed, model)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["wall_seconds", f"{wall:.3f}"])
        writer.writerows([rid] for rid in order)


def stopping_replay(order: list[str], prepared: Prepared) -> dict[str, float]:
    """Replay the screening order through the stopping rule; where it stops, the true recall and work saved."""
    from slrflow.ranking.stopping import BuscarStopper

    label_of = dict(zip(prepared.record_ids, prepared.labels, strict=True))
    screened = set(order)
    # An order that ends at the last include continues with the never-proposed records, all excluded.
    full = order + [rid for rid in prepared.record_ids if rid not in screened]
    labels = [label_of[rid] for rid in full]
    stopper = BuscarStopper(recall_target=0.95, confidence=0.95)
    # Checked after every 0.5% of the records, as a team re-running `slrflow rank` after each batch would.
    stop_at = stopper.first_stop(labels, n_total=len(full), every=max(1, len(full) // 200))
    total = sum(labels)
    if stop_at is None or stop_at >= len(full):  # screened everything: no stop, recall 1
        return {"stopped": 0, "stop_recall": 1.0, "stop_saved": 0.0, "stop_at": len(full)}
    found = sum(labels[:stop_at])
    return {
        "stopped": 1,
        "stop_recall": found / total,
        "stop_saved": 1 - stop_at / len(full),
        "stop_at": stop_at,
    }


FIELDS = [
    "dataset", "half", "tool", "seed", "records", "included", "wss95", "recall10", "atd", "n_to_95",
    "wall_seconds", "stopped", "stop_recall", "stop_saved", "stop_at",
]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tool", choices=[*TOOLS, "both"], default="both")
    parser.add_argument("--datasets", nargs="*", help="default: every dataset with at least five includes")
    parser.add_argument("--seeds", nargs="*", type=int, default=list(SEEDS))
    parser.add_argument("--half", choices=["tune", "held_out", "all"], default="all")
    parser.add_argument("--rerun", action="store_true", help="ignore cached orders of the chosen tools")
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--model", choices=list(MODELS), default="default", help="slrflow's ranking model")
    parser.add_argument("--output", type=Path, help="default: results.csv, or results_<model>.csv")
    parser.add_argument(
        "--peer-rows",
        type=Path,
        help="ASReview's per-run rows from an earlier results CSV, used where its orders are not cached: its order "
        "depends only on the shuffled file, the priors and the seed, which protocol.py fixes",
    )
    args = parser.parse_args(argv)
    peer_rows = read_peer_rows(args.peer_rows) if args.peer_rows else {}
    suffix = "" if args.model == "default" else f"_{args.model}"
    output = args.output or HERE / f"results{suffix}.csv"

    names = args.datasets or datasets()
    tune, held_out = split(datasets())
    if args.half != "all":
        names = [n for n in names if n in (tune if args.half == "tune" else held_out)]
    tools = TOOLS if args.tool == "both" else (args.tool,)
    rows = []
    for name in names:
        for seed in args.seeds:
            prepared = prepare(name, seed, WORK, DATA)
            for tool in TOOLS:
                cached = None if (args.rerun and tool in tools) else load_order(tool, name, seed, args.model)
                if cached is None and tool in tools and not args.report_only:
                    if tool == "slrflow":
                        cached = run_slrflow(prepared, seed, model=args.model)
                    else:
                        cached = run_asreview(prepared, seed)
                    save_order(tool, name, seed, args.model, *cached)
                if cached is None and tool == "asreview" and (name, seed) in peer_rows:
                    rows.append(peer_rows[name, seed])
                    continue
                if cached is None:
                    continue
                order, wall = cached
                row = {
                    "dataset": name, "half": "tune" if name in tune else "held_out", "tool": tool,
                    "seed": seed, "records": len(prepared.record_ids), "included": sum(prepared.labels),
                    **metrics(order, prepared), "wall_seconds": wall,
                }  # fmt: skip
                if tool == "slrflow":
                    row.update(stopping_replay(order, prepared))
                rows.append(row)
                print(
                    f"{name:34s} s{seed} {tool:9s} wss95={row['wss95']:.3f} r10={row['recall10']:.3f} "
                    f"atd={row['atd']:5.2f} wall={wall:6.1f}s",
                    flush=True,
                )
    write_csv(output, rows)
    report = render(rows, tune, held_out)
    print(report)
    (HERE / f"results{suffix}.md").write_text(report, encoding="utf-8")
    if args.half == "all" and not args.datasets and not args.output:
        update_readme(report, marker=f"ranking{suffix.replace('_', '-')}")
    return 0


def read_peer_rows(path: Path) -> dict[tuple[str, int], dict]:
    """(dataset, seed) -> ASReview's row of a results CSV, numbers as numbers."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["tool"] == "asreview"]
    text = {"dataset", "half", "tool"}
    typed = [
        {
            k: v if k in text else (int(v) if k in ("seed", "records", "included") else float(v))
            for k, v in row.items()
            if v
        }
        for row in rows
    ]
    return {(row["dataset"], row["seed"]): row for row in typed}


def write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (f"{v:.4f}" if isinstance(v, float) else v) for k, v in row.items()})


def _per_dataset(rows: list[dict]) -> dict[str, dict[str, dict[str, float]]]:
    """dataset -> tool -> mean over seeds of each metric."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    keys = ["wss95", "recall10", "atd", "n_to_95", "wall_seconds", "stopped", "stop_recall", "stop_saved"]
    for name in dict.fromkeys(r["dataset"] for r in rows):
        for tool in TOOLS:
            mine = [r for r in rows if r["dataset"] == name and r["tool"] == tool]
            if mine:
                out.setdefault(name, {})[tool] = {
                    k: statistics.fmean(r[k] for r in mine) for k in keys if k in mine[0]
                } | {"n": len(mine), "records": mine[0]["records"], "included": mine[0]["included"]}
    return out


def render(rows: list[dict], tune: list[str], held_out: list[str]) -> str:
    table = _per_dataset(rows)
    lines = [
        "| dataset | half | records | incl. | WSS@95 slrflow | WSS@95 ASReview | recall@10% slrflow | "
        "recall@10% ASReview | ATD % slrflow | ATD % ASReview | to 95% slrflow | to 95% ASReview | "
        "wall s slrflow | wall s ASReview | stopped | recall at stop | work saved at stop |",
        "|" + " --- |" * 17,
    ]
    for name, tools in table.items():
        s, a = tools.get("slrflow"), tools.get("asreview")

        def cell(d: dict | None, key: str, fmt: str = ".3f") -> str:
            return "" if d is None or key not in d else format(d[key], fmt)

        base = s or a
        lines.append(
            f"| {name} | {'tune' if name in tune else 'held-out'} | {base['records']} | {base['included']} | "
            f"{cell(s, 'wss95')} | {cell(a, 'wss95')} | {cell(s, 'recall10')} | {cell(a, 'recall10')} | "
            f"{cell(s, 'atd', '.2f')} | {cell(a, 'atd', '.2f')} | {cell(s, 'n_to_95', '.0f')} | "
            f"{cell(a, 'n_to_95', '.0f')} | {cell(s, 'wall_seconds', '.1f')} | {cell(a, 'wall_seconds', '.1f')} | "
            f"{cell(s, 'stopped', '.2f')} | {cell(s, 'stop_recall')} | {cell(s, 'stop_saved')} |"
        )
    lines += ["", summary(rows, tune, held_out)]
    return "\n".join(lines) + "\n"


def summary(rows: list[dict], tune: list[str], held_out: list[str]) -> str:
    table = _per_dataset(rows)
    both = {n: t for n, t in table.items() if "slrflow" in t and "asreview" in t}
    lines = [
        "| datasets | n | WSS@95 slrflow | WSS@95 ASReview | recall@10% slrflow | recall@10% ASReview | "
        "ATD % slrflow | ATD % ASReview | worst WSS@95 gap | total wall s slrflow | total wall s ASReview |",
        "|" + " --- |" * 11,
    ]
    for label, members in (("all", list(both)), ("tuning half", tune), ("held-out half", held_out)):
        sel = [both[n] for n in members if n in both]
        if not sel:
            continue

        def mean(tool: str, key: str, sel: list = sel) -> float:
            return statistics.fmean(t[tool][key] for t in sel)

        gap = min(t["slrflow"]["wss95"] - t["asreview"]["wss95"] for t in sel)
        wall_s = sum(t["slrflow"]["wall_seconds"] * t["slrflow"]["n"] for t in sel)
        wall_a = sum(t["asreview"]["wall_seconds"] * t["asreview"]["n"] for t in sel)
        lines.append(
            f"| {label} | {len(sel)} | {mean('slrflow', 'wss95'):.3f} | {mean('asreview', 'wss95'):.3f} | "
            f"{mean('slrflow', 'recall10'):.3f} | {mean('asreview', 'recall10'):.3f} | "
            f"{mean('slrflow', 'atd'):.2f} | {mean('asreview', 'atd'):.2f} | {gap:+.3f} | "
            f"{wall_s:.0f} | {wall_a:.0f} |"
        )
    runs = [r for r in rows if r["tool"] == "slrflow" and "stopped" in r]
    if runs:
        stopped = [r for r in runs if r["stopped"]]
        reached = sum(1 for r in runs if r["stop_recall"] >= 0.95)
        lines += [
            "",
            f"Stopping rule (buscar, recall target 0.95, confidence 0.95, checked after every 0.5% of the "
            f"records) replayed on the {len(runs)} slrflow screening orders: it stopped before the last record "
            f"in {len(stopped)} runs; the true recall where it stopped (1.0 where it did not) reached 0.95 in "
            f"{reached}/{len(runs)} runs ({reached / len(runs):.1%}); minimum true recall at a stop "
            f"{min((r['stop_recall'] for r in stopped), default=1.0):.3f}; mean work saved when it stopped "
            f"{statistics.fmean(r['stop_saved'] for r in stopped) if stopped else 0:.1%} of the records "
            f"(per-dataset columns: stopped = fraction of seeds, recall at stop, work saved at stop).",
        ]
    return "\n".join(lines) + "\n"


def update_readme(text: str, marker: str = "ranking") -> None:
    """Replace only the generated block (between the marker's comments) in benchmarks/README.md."""
    readme = REPO / "benchmarks" / "README.md"
    current = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    block = f"{start}\n{text}{end}"
    if start not in current or end not in current:  # a model without a table of its own there: results_*.md only
        print(f"benchmarks/README.md has no {marker} block; the table is in the results .md file")
        return
    head, rest = current.split(start, 1)
    new = head + block + rest.split(end, 1)[1]
    tmp = readme.with_suffix(".md.tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, readme)


if __name__ == "__main__":
    sys.exit(main())
