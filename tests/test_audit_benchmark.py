"""The audit's numbers on a larger review built from a labelled benchmark dataset, two simulated reviewers."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import yaml

from slrflow.audit.page import render_page
from slrflow.audit.report import build_audit
from slrflow.config import load_config
from slrflow.identity import record_id
from slrflow.tables import read_table, write_table

DATASET = "cohen2006_antihistamines"
START = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def build_review(root: Path, source: Path, *, seed: int = 7, flip: float = 0.12) -> dict:
    """A dual review: asha follows the abstract-stage labels, ben disagrees on a seeded share of them."""
    rng = random.Random(seed)
    rows = read_table(source)
    rng.shuffle(rows)
    records = []
    for row in rows:
        row = {**row, "authors": row.get("authors", "")}
        records.append({**row, "record_id": record_id(row), "database": "PubMed"})
    ids = sorted({r["record_id"] for r in records})
    records = list({r["record_id"]: r for r in records}.values())
    write_table(
        root / "results/dedup/clusters.csv",
        ({"record_id": r["record_id"], "cluster_id": r["record_id"], "database": "PubMed"} for r in records),
        ["record_id", "cluster_id", "database"],
    )
    write_table(root / "results/dedup/records.csv", records, ["record_id", "title", "abstract", "authors", "year"])
    label = {r["record_id"]: r.get("label_abstract_included") or r["label_included"] for r in records}
    truth = {rid: "include" if label[rid] == "1" else "exclude" for rid in ids}
    screened = [r["record_id"] for r in records][: int(len(records) * 0.8)]
    logs: dict[str, list[str]] = {"asha": [], "ben": []}
    for i, rid in enumerate(screened):
        asha = truth[rid]
        ben = asha
        draw = rng.random()
        if draw < flip:
            ben = "exclude" if asha == "include" else "include"
        elif draw < flip + 0.03:
            ben = "maybe"
        for name, decision in (("asha", asha), ("ben", ben)):
            when = START + timedelta(minutes=3 * i + (0 if name == "asha" else 90_000))
            logs[name].append(f"{rid},{decision},,{name},{when.isoformat()},")
    for name, lines in logs.items():
        path = root / "screening/title_abstract" / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("record_id,decision,reason,reviewer,timestamp,note\n" + "\n".join(lines) + "\n")
    # A ranking that knows the labels, blurred, so that the model and the humans disagree on some studies.
    scores = {rid: (2.0 if truth[rid] == "include" else 0.0) + rng.gauss(0, 0.8) for rid in ids}
    order = sorted(ids, key=lambda rid: -scores[rid])
    write_table(
        root / "results/screening/ranking.csv",
        ({"record_id": rid, "score": scores[rid], "rank": i + 1} for i, rid in enumerate(order)),
        ["record_id", "score", "rank"],
    )
    (root / "results/screening/stopping.json").write_text(
        json.dumps(
            {
                "recall_target": 0.95,
                "confidence": 0.95,
                "stop": False,
                "p_value": 0.21,
                "unscreened": len(ids) - len(screened),
            }
        )
    )
    config = {
        "review": {"title": "Antihistamines (Cohen 2006)", "question": "Which antihistamines work best?"},
        "searches": [
            {
                "name": "pubmed",
                "database": "PubMed",
                "file": "resources/searches/pubmed.csv",
                "date": "2026-01-15",
                "query": "antihistamines",
            }
        ],
        "screening": {"mode": "dual", "reviewers": ["asha", "ben"]},
    }
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "config/config.yaml").write_text(yaml.safe_dump(config))
    return {"screened": screened, "logs": logs, "scores": scores}


@pytest.fixture(scope="module")
def review(shared_data, tmp_path_factory):
    root = tmp_path_factory.mktemp("benchmark_review")
    built = build_review(root, shared_data / "benchmarks" / DATASET / "records.csv")
    config = load_config(root / "config/config.yaml")
    report = build_audit(
        config,
        results=root / "results",
        screening=root / "screening",
    )
    return root, built, report


def test_kappa_and_agreement_match_an_independent_implementation(review):
    from sklearn.metrics import cohen_kappa_score

    _, built, report = review
    asha = {line.split(",")[0]: line.split(",")[1] for line in built["logs"]["asha"]}
    ben = {line.split(",")[0]: line.split(",")[1] for line in built["logs"]["ben"]}
    (pair,) = report.agreement["title_abstract"]
    assert pair.n_both == len(built["screened"]) > 200
    a = [asha[rid] for rid in sorted(asha)]
    b = [ben[rid] for rid in sorted(asha)]
    assert pair.kappa == pytest.approx(cohen_kappa_score(a, b))
    assert pair.agreement == pytest.approx(sum(x == y for x, y in zip(a, b, strict=True)) / len(a))
    assert 0.3 < pair.kappa < 0.9


def test_conflicts_activity_and_model_disagreements(review):
    _, built, report = review
    asha = dict(line.split(",")[:2] for line in built["logs"]["asha"])
    ben = dict(line.split(",")[:2] for line in built["logs"]["ben"])
    conflicts = {rid for rid in asha if {asha[rid], ben[rid]} == {"include", "exclude"}}
    assert {c["record_id"] for c in report.conflicts} == conflicts and conflicts
    assert all(c["resolution"] == "" for c in report.conflicts)
    by_name = {a.reviewer: a for a in report.activity["title_abstract"]}
    assert by_name["ben"].maybe == Counter(ben.values())["maybe"]
    assert by_name["asha"].include == Counter(asha.values())["include"]
    assert by_name["asha"].first_decision_at == START
    # Real disagreements only: studies both excluded that score at least the median include's score, and studies
    # both included that score at most the median exclusion's; the most surprising (ranked beyond the largest share
    # of the other decision's studies) first.
    scores = built["scores"]
    agreed = {rid: asha[rid] for rid in asha if asha[rid] == ben[rid] and asha[rid] != "maybe"}
    included = np.array([scores[rid] for rid, d in agreed.items() if d == "include"])
    excluded = np.array([scores[rid] for rid, d in agreed.items() if d == "exclude"])
    expected = []
    for rid, decision in agreed.items():
        if decision == "exclude" and scores[rid] >= np.median(included):
            expected.append((-np.mean(included <= scores[rid]), rid))
        elif decision == "include" and scores[rid] <= np.median(excluded):
            expected.append((-np.mean(excluded >= scores[rid]), rid))
    assert expected  # with scores blurred by noise of sd 0.8 around 0 and 2, a few cross the medians
    assert [r["record_id"] for r in report.model_disagreements] == [rid for _, rid in sorted(expected)[:20]]
    assert report.stopping["unscreened"] == report.status_counts["title_abstract"]["pending"]


def test_page_is_self_contained(review, tmp_path):
    _, _, report = review
    page = render_page(report)
    assert "<script" not in page and "src=" not in page and "@import" not in page
    assert "url(" not in page and "href='http" not in page
    assert page.count("<svg") >= 2  # decisions per reviewer, and their pace over time
