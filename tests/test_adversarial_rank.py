"""Adversarial suite, ranking and requests (issue 13, kept held): kill -9 during `slrflow rank`, path traversal."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_app import app_client, build_review

from slrflow.app import Review
from slrflow.tables import read_table, write_table

OUTPUTS = ("ranking.csv", "queue.csv", "model.json", "stopping.json")


def _rank(records: Path, out: Path, seed: int) -> list[str]:
    return [
        sys.executable, "-m", "slrflow", "rank", str(records), "--output", str(out / "ranking.csv"),
        "--queue", str(out / "queue.csv"), "--model-card", str(out / "model.json"),
        "--stopping", str(out / "stopping.json"), "--plot", str(out / "recall_progress.png"), "--seed", str(seed),
    ]  # fmt: skip


def test_kill_9_during_rank_leaves_every_output_whole(fixtures: Path, tmp_path: Path) -> None:
    with open(fixtures / "ranking" / "shoulder_60.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    records = tmp_path / "records.csv"
    write_table(records, rows, ["record_id", "title", "abstract", "authors", "year", "journal", "doi"])
    out = tmp_path / "out"
    subprocess.run(_rank(records, out, 1), check=True, capture_output=True)
    for trial, delay in enumerate((0.3, 0.8, 1.3, 1.8, 2.5, 3.5)):
        process = subprocess.Popen(_rank(records, out, trial + 2), stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert len(read_table(out / "ranking.csv")) == len(rows)
        assert {r["record_id"] for r in read_table(out / "ranking.csv")} == {r["record_id"] for r in rows}
        for name in ("model.json", "stopping.json"):
            json.loads((out / name).read_text(encoding="utf-8"))
        # A write cut by the kill may leave its hidden temporary file; never a half-written output.
        visible = {p.name for p in out.iterdir() if not p.name.startswith(".")}
        assert visible == {*OUTPUTS, "recall_progress.png", "recall_progress.svg"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reviewer", "../../config/config"),
        ("reviewer", "/tmp/evil"),
        ("stage", "../title_abstract"),
        ("stage", "../../results"),
        ("record_id", "../../../etc/passwd"),
    ],
)
def test_path_traversal_in_a_request_is_refused(tmp_path: Path, shared_data: Path, field: str, value: str) -> None:
    records = build_review(tmp_path, shared_data)
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    review = Review(tmp_path)
    try:
        body = {"reviewer": "alice", "stage": "title_abstract", "record_id": records[0]["record_id"]}
        answer = app_client(review).post("/api/decide", json={**body, "decision": "include", field: value})
        assert answer.status_code == 400 and answer.is_json
    finally:
        review.close()
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def test_static_files_do_not_reach_outside_the_app(tmp_path: Path, shared_data: Path) -> None:
    build_review(tmp_path, shared_data)
    review = Review(tmp_path)
    try:
        client = app_client(review)
        for path in ("/static/../server.py", "/static/..%2fserver.py", "/static/%2e%2e/%2e%2e/config.py"):
            answer = client.get(path)
            assert answer.status_code == 404, path
    finally:
        review.close()
