"""Embedding speed: all-MiniLM-L6-v2 on ONNX Runtime (int8 products) against torch (slrflow[embeddings]).

    python benchmarks/ranker/embed_speed.py [--records 2000] [--torch-records 500] [--repeats 1]

Both embed the same real records (title, abstract and keywords, as the ranking reads them; the first records of
the shared benchmark datasets in alphabetical order) from a cold cache, in one process, alternating ONNX and
torch so that load from other users of the machine falls on both. Each uses every core this process may run on;
torch as the `tfidf_minilm` features call it (batches of 32 in input order), ONNX one text per run, as many
at once as there are cores. The int8 model is derived before the clock starts (a one-off per machine).
Prints a table with records per second and the time for 20,000 records (measured when --records is 20,000,
otherwise projected from the rate); since other users' load slows the wall clock, also the CPU seconds used and
what they take on idle cores (CPU seconds / cores), and the load average. Appends the rows to
benchmarks/ranker/embed_speed.csv. Also reports the cosine between the two models' vectors of the same texts.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from protocol import DATA, datasets  # noqa: E402

from slrflow.ranking.embeddings import MiniLMEmbedder, OnnxMiniLMEmbedder  # noqa: E402
from slrflow.ranking.features import record_text  # noqa: E402

GOAL_RECORDS, GOAL_SECONDS = 20_000, 180


def real_texts(n: int) -> list[str]:
    texts: list[str] = []
    for name in datasets():
        with open(DATA / name / "records.csv", encoding="utf-8", newline="") as handle:
            texts += [record_text(row) for row in csv.DictReader(handle)]
        if len(texts) >= n:
            break
    if len(texts) < n:
        texts = (texts * (n // len(texts) + 1))[:n]  # fewer records on disk than asked: repeat them
    return texts[:n]


def timed(embedder_class: type, texts: list[str]) -> tuple[float, float, np.ndarray]:
    """Wall seconds, CPU seconds (all threads of this process) and the vectors, from a cold cache."""
    with tempfile.TemporaryDirectory() as cache:
        embedder = embedder_class(cache)
        embedder._load()  # loading the model is paid once per process, not per record: timed apart
        wall, cpu = time.perf_counter(), time.process_time()
        vectors = embedder.embed(texts)
        return time.perf_counter() - wall, time.process_time() - cpu, vectors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=2000, help="records embedded by ONNX Runtime")
    parser.add_argument("--torch-records", type=int, default=500, help="the first of them embedded by torch")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--output", type=Path, default=HERE / "embed_speed.csv")
    args = parser.parse_args(argv)
    texts = real_texts(args.records)
    cores = len(os.sched_getaffinity(0))
    try:
        import torch

        torch.set_num_threads(cores)
        runtimes = {"onnx int8": (OnnxMiniLMEmbedder, texts), "torch": (MiniLMEmbedder, texts[: args.torch_records])}
    except ImportError:
        print("torch is not installed (slrflow[embeddings]): ONNX only", file=sys.stderr)
        runtimes = {"onnx int8": (OnnxMiniLMEmbedder, texts)}
    seconds: dict[str, list[float]] = {name: [] for name in runtimes}
    cpu_seconds: dict[str, list[float]] = {name: [] for name in runtimes}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(args.repeats):
        for name, (embedder_class, sample) in runtimes.items():
            elapsed, cpu, vectors[name] = timed(embedder_class, sample)
            seconds[name].append(elapsed)
            cpu_seconds[name].append(cpu)
            print(f"{name}: {len(sample)} records in {elapsed:.1f} s ({cpu:.1f} s of CPU)", flush=True)

    rows = []
    for name, (_, sample) in runtimes.items():
        elapsed = statistics.median(seconds[name])
        cpu = statistics.median(cpu_seconds[name])
        rate = len(sample) / elapsed
        measured = len(sample) >= GOAL_RECORDS
        rows.append(
            {
                "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
                "runtime": name,
                "records": len(sample),
                "cores": cores,
                "repeats": args.repeats,
                "seconds": round(elapsed, 2),
                "records_per_second": round(rate, 1),
                "seconds_for_20000": round(elapsed * GOAL_RECORDS / len(sample), 1),
                "20000_is": "measured" if measured else "projected",
                # What the same CPU work takes with the cores to itself: the figure for an unshared machine.
                "cpu_seconds": round(cpu, 1),
                "seconds_for_20000_idle_cores": round(cpu / cores * GOAL_RECORDS / len(sample), 1),
                "load_average": round(os.getloadavg()[0], 1),
            }
        )
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(row[k]) for k in header) + " |" for row in rows]
    if len(rows) == 2:
        speedup = rows[0]["records_per_second"] / rows[1]["records_per_second"]
        shared = min(len(vectors["torch"]), len(vectors["onnx int8"]))
        cosine = (vectors["torch"][:shared] * vectors["onnx int8"][:shared]).sum(axis=1)
        lines += [
            "",
            f"ONNX int8 / torch records per second: {speedup:.1f}x. Cosine between the two models' vectors of the "
            f"same {shared} texts: median {np.median(cosine):.4f}, minimum {cosine.min():.4f}.",
        ]
    goal, idle = rows[0]["seconds_for_20000"], rows[0]["seconds_for_20000_idle_cores"]
    lines.append(
        f"Goal: {GOAL_RECORDS:,} records in under {GOAL_SECONDS} s; ONNX int8 {rows[0]['20000_is']}: {goal:.0f} s "
        f"at load average {rows[0]['load_average']}, {idle:.0f} s on {cores} idle cores "
        f"({'met' if goal < GOAL_SECONDS else 'met on idle cores' if idle < GOAL_SECONDS else 'not met'})."
    )
    print("\n".join(lines))
    new = not args.output.exists()
    with open(args.output, "a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        if new:
            writer.writeheader()
        writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
