"""How long after a decision the next record appears, on a 20,000-record review.

Builds a review from the shared benchmark datasets (real records, shuffled), starts the app's server in this
process (so the background retraining competes with it exactly as in `slrflow serve`), and plays a reviewer
who answers with the datasets' labels as fast as the app allows: each POST /api/decide returns the next record,
and its round trip is the latency measured. Prints a table and writes one CSV row per decision.

    .venv/bin/python benchmarks/app/latency.py [--records 20000] [--decisions 300] [--out benchmarks/app/latency.csv]
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from review import SHARED, build_review

from slrflow.app import Review, create_app


def datasets() -> list[str]:
    with open(SHARED / "INDEX.csv", encoding="utf-8", newline="") as handle:
        return [row["name"] for row in csv.DictReader(handle)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--decisions", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "latency.csv")
    args = parser.parse_args()
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    root = Path(tempfile.mkdtemp(prefix="slrflow-latency-"))
    started = time.perf_counter()
    records = build_review(root, datasets(), n=args.records, seed=args.seed)
    label = {r["record_id"]: r["label"] for r in records}
    built = time.perf_counter()
    review = Review(root)
    app = create_app(review)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port)
    headers = {"Content-Type": "application/json", "X-Slrflow-Token": app.config["SESSION_TOKEN"]}

    def call(method: str, path: str, body: dict | None = None) -> dict:
        payload = None if body is None else json.dumps(body)
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        data = json.loads(response.read())
        if response.status != 200:
            raise SystemExit(f"{method} {path}: {response.status} {data}")
        return data

    t0 = time.perf_counter()
    data = call("GET", "/api/next?reviewer=alice&stage=title_abstract")
    first_record = time.perf_counter() - t0
    review.wait_for_model("alice", timeout=600)
    model_ready = time.perf_counter() - t0
    rows = []
    for i in range(args.decisions):
        rid = data["record"]["record_id"]
        decision = "include" if label[rid] == "1" else "exclude"
        t = time.perf_counter()
        data = call("POST", "/api/decide", {"reviewer": "alice", "stage": "title_abstract", "record_id": rid,
                                            "decision": decision})  # fmt: skip
        elapsed = (time.perf_counter() - t) * 1000
        progress = data["progress"]
        rows.append(
            {
                "decision": i + 1,
                "record_id": rid,
                "label": decision,
                "latency_ms": round(elapsed, 2),
                "model_trained_on": progress["model_trained_on"],
                "model_up_to_date": progress["model_up_to_date"],
            }
        )
    t = time.perf_counter()
    caught_up = review.wait_for_model("alice", timeout=600)
    catch_up = time.perf_counter() - t
    server.shutdown()
    review.close()
    latencies = [row["latency_ms"] for row in rows]
    quantiles = statistics.quantiles(latencies, n=100)
    includes = sum(row["label"] == "include" for row in rows)
    with open(args.out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"review: {len(records)} records from {len(datasets())} datasets, built in {built - started:.1f} s")
    print(f"first record shown {first_record * 1000:.0f} ms after start; first model ready after {model_ready:.1f} s")
    print(f"{len(rows)} decisions ({includes} includes), decision -> next record round trip over HTTP:")
    print("| statistic | ms |\n| --- | --- |")
    for name, value in [
        ("median", statistics.median(latencies)),
        ("90th percentile", quantiles[89]),
        ("99th percentile", quantiles[98]),
        ("max", max(latencies)),
        ("mean", statistics.fmean(latencies)),
    ]:
        print(f"| {name} | {value:.1f} |")
    over = sum(value > 300 for value in latencies)
    stale = sum(not row["model_up_to_date"] for row in rows)
    print(f"over 300 ms: {over} of {len(rows)}; served while the model was still retraining: {stale} of {len(rows)}")
    state = "caught up with" if caught_up else "had not caught up with"
    print(f"the background model {state} all {len(rows)} decisions {catch_up:.1f} s after the last one")
    print(f"per-decision CSV: {args.out}")


if __name__ == "__main__":
    main()
