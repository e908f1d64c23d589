"""Latency of real screening: retrain + re-rank after one decision, for a review of 20,000 records.

    python benchmarks/ranker/latency.py [--records 20000] [--decisions 1000] [--model minilm]

Builds 20,000 real records by pooling the shared benchmark datasets (shuffled with seed 0, topic labels kept),
opens a ScreeningSession with the default model (as the web app does), feeds it `--decisions` decisions in
ranked order, then times single decisions: each `record_decision` (which retrains when the schedule says so
and re-scores every record) plus `next_record()`, the worst case being a decision that forces a retraining.
Prints a table and writes benchmarks/ranker/latency_<records>_<decisions>[_<model>].csv. With --model minilm
(TF-IDF + all-MiniLM-L6-v2) the session start includes embedding whatever run.py's cache lacks.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from protocol import DATA, datasets  # noqa: E402
from run import EMBEDDING_CACHE  # noqa: E402

from slrflow.ranking.features import record_text  # noqa: E402
from slrflow.ranking.model import RankingModel  # noqa: E402
from slrflow.ranking.session import ScreeningSession  # noqa: E402


def pooled(n: int) -> tuple[list[str], list[str], list[int]]:
    rows = []
    for name in datasets(DATA):
        with open(DATA / name / "records.csv", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                rows.append((f"{name}:{row['record_id']}", record_text(row), int(row["label_included"])))
    random.Random(0).shuffle(rows)
    if len(rows) < n:
        raise SystemExit(f"only {len(rows)} records in the shared data")
    rows = rows[:n]
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--decisions", type=int, default=1000)
    parser.add_argument("--timed", type=int, default=60)
    parser.add_argument("--model", choices=["default", "tfidf", "minilm"], default="default")
    args = parser.parse_args()
    os.environ.setdefault("SLRFLOW_CACHE", str(EMBEDDING_CACHE))  # vectors filled by embed_minilm.py
    components = {
        "default": {},
        "tfidf": {"feature_extractor": "tfidf", "classifier": "logistic"},
        "minilm": {"feature_extractor": "tfidf_minilm", "classifier": "logistic_minilm"},
    }[args.model]
    ids, texts, labels = pooled(args.records)
    label_of = dict(zip(ids, labels, strict=True))
    start = time.perf_counter()
    session = ScreeningSession(ids, texts, RankingModel(random_state=1, **components))
    setup = time.perf_counter() - start
    first_include = next(i for i in ids if label_of[i] == 1)
    first_exclude = next(i for i in ids if label_of[i] == 0)
    session.record_decisions([(first_include, 1), (first_exclude, 0)])
    for _ in range(args.decisions):
        rid = session.next_record()
        session.record_decision(rid, label_of[rid])
    rows = []
    for _ in range(args.timed):
        rid = session.next_record()
        fits = session.n_fits
        start = time.perf_counter()
        session.record_decision(rid, label_of[rid])
        session.next_record()
        elapsed = time.perf_counter() - start
        rows.append({"labelled": session.n_labelled, "retrained": session.n_fits > fits, "seconds": elapsed})
    # Force the worst case: an include, which always retrains.
    for rid in session.ranking():
        if label_of[rid] == 1:
            start = time.perf_counter()
            session.record_decision(rid, 1)
            session.next_record()
            rows.append({"labelled": session.n_labelled, "retrained": True, "seconds": time.perf_counter() - start})
            break
    # The tail switch (RankingModel.switch_after): screen on until a run of excludes makes the queue follow one
    # view; its first proposal after a training scores the two blocks once more, on top of any retraining.
    for _ in range(args.records if session.model.switch_after else 0):
        if session.proposing_by != "model":
            break
        rid = session.next_record()
        session.record_decision(rid, label_of[rid])
    switched = []
    if session.proposing_by != "model":
        start = time.perf_counter()
        session.next_record()
        switched.append(time.perf_counter() - start)
    retrained = [r["seconds"] for r in rows if r["retrained"]]
    plain = [r["seconds"] for r in rows if not r["retrained"]]
    suffix = "" if args.model == "default" else f"_{args.model}"
    output = HERE / f"latency_{args.records}_{args.decisions}{suffix}.csv"
    with open(output, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["records", "labelled", "retrained", "seconds"], lineterminator="\n")
        writer.writeheader()
        writer.writerows({"records": args.records, **r, "seconds": f"{r['seconds']:.4f}"} for r in rows)
    print(f"model {session.model.identity()}; {args.records} records; features {session.features.shape}")
    print("| step | n | median s | max s |\n| --- | --- | --- | --- |")
    print(f"| session start (features, once) | 1 | {setup:.2f} | {setup:.2f} |")
    for label, values in (
        ("decision with retraining + re-rank", retrained),
        ("decision without retraining", plain),
        ("first proposal by one view after a run of excludes (added to the decision)", switched),
    ):
        if values:
            print(f"| {label} | {len(values)} | {statistics.median(values):.3f} | {max(values):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
