"""Wall time of one full simulation, slrflow against `asreview simulate`, run alternately on the same file.

    python benchmarks/ranker/speed.py [--dataset cohen2006_aceinhibitors] [--repeats 2] [--all] [--model minilm]
                                      [--cold]

The two tools are run one after the other, alternating, so that load from other users of the machine falls on
both alike. Each is its own process (interpreter start and imports included), simulating until the last
included record is found, or through every record with --all. slrflow reads the benchmark's vector cache, or with
--cold an empty one for every run (holding only the int8 model, which a machine derives once), as in the first
ranking of a new review. Prints a table and appends to benchmarks/ranker/speed.csv.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from protocol import DATA, prepare  # noqa: E402
from run import ASREVIEW_VERSION, EMBEDDING_CACHE, MODELS, WORK, run_asreview, run_slrflow  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", nargs="*", default=["cohen2006_aceinhibitors"])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--all", action="store_true", help="screen every record, not just up to the last include")
    parser.add_argument("--model", choices=list(MODELS), default="default", help="slrflow's ranking model")
    parser.add_argument("--cold", action="store_true", help="slrflow starts every run with no cached vectors")
    args = parser.parse_args()
    mode = "all records" if args.all else "to last include"
    rows = []
    for name in args.dataset:
        prepared = prepare(name, args.seed, WORK, DATA)
        for repeat in range(args.repeats):
            for tool in ("asreview", "slrflow"):
                if tool == "asreview":
                    order, wall = run_asreview(prepared, args.seed, screen_all=args.all)
                elif args.cold:
                    with tempfile.TemporaryDirectory() as cold:
                        shutil.copytree(EMBEDDING_CACHE / "models", Path(cold) / "models")
                        order, wall = run_slrflow(prepared, args.seed, args.all, args.model, cache=Path(cold))
                else:
                    order, wall = run_slrflow(prepared, args.seed, screen_all=args.all, model=args.model)
                rows.append({"dataset": name, "records": len(prepared.record_ids), "asreview": ASREVIEW_VERSION,
                             "mode": mode, "model": args.model, "vectors": "cold" if args.cold else "cached",
                             "tool": tool, "repeat": repeat, "screened": len(order),
                             "seconds": round(wall, 2)})  # fmt: skip
                print(rows[-1], flush=True)
    path = HERE / "speed.csv"
    earlier = []
    if path.exists():  # one file for every timing made; rows from before a column was added leave it empty
        with open(path, encoding="utf-8", newline="") as handle:
            earlier = list(csv.DictReader(handle))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        columns = list(dict.fromkeys([*(earlier[0] if earlier else {}), *rows[0]]))
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(earlier + rows)
    print("| dataset | records | screened by slrflow | asreview s (median) | slrflow s (median) | speed-up |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in args.dataset:
        a = statistics.median(r["seconds"] for r in rows if r["dataset"] == name and r["tool"] == "asreview")
        s = statistics.median(r["seconds"] for r in rows if r["dataset"] == name and r["tool"] == "slrflow")
        mine = next(r for r in rows if r["dataset"] == name and r["tool"] == "slrflow")
        print(f"| {name} | {mine['records']} | {mine['screened']} | {a:.1f} | {s:.1f} | {a / s:.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
