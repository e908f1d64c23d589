"""The stopping state the screening app sends and the audit page shows: buscar's claim and the recall estimate, each
in words under its own label (slrflow.ranking.stopping_words), computed from the same labels in screening order."""

from __future__ import annotations

import inspect
import json
import math
from pathlib import Path

import pytest
import yaml
from test_app import build_review
from test_audit_page import audit, small_review

from slrflow.app import Review
from slrflow.app.views import stopping_file
from slrflow.audit.page import render_page
from slrflow.ranking.estimate import estimate_recall
from slrflow.ranking.pipeline import rank_review
from slrflow.ranking.stopping import BuscarStopper
from slrflow.ranking.stopping_words import (
    CLAIM_LABEL,
    ESTIMATE_CAVEAT,
    ESTIMATE_LABEL,
    claim_words,
    estimate_words,
    in_words,
)

NBSP = "\u00a0"


def with_stopping(root: Path, **stopping: float) -> None:
    config_file = root / "config" / "config.yaml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["stopping"] = stopping
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")


def stopping_after(review: Review, decisions: list[tuple[int, str]]) -> dict:
    for position, decision in decisions:
        review.decide("alice", "title_abstract", review.records[position]["record_id"], decision)
    assert review.wait_for_model("alice")
    return review.progress("alice", "title_abstract")["stopping"]


def test_the_app_sends_the_claim_and_the_estimate_from_the_same_screening_order(
    tmp_path: Path, shared_data: Path
) -> None:
    build_review(tmp_path, shared_data, n=12)
    with_stopping(tmp_path, recall_target=0.9, confidence=0.8)
    review = Review(tmp_path)
    try:
        # Maybe counts as relevant for both figures; decisions within one second keep record order.
        stopping = stopping_after(review, [(0, "include"), (1, "exclude"), (5, "maybe")])
    finally:
        review.close()
    labels = [1, 0, 1]
    claim = BuscarStopper(recall_target=0.9, confidence=0.8).evaluate(labels, 12).to_dict()
    assert {key: stopping[key] for key in claim} == claim  # the claim's keys, as before
    assert stopping["estimate"] == estimate_recall(labels, 12, 0.9).to_dict()
    assert stopping["estimate"]["reliable"] and stopping["estimate"]["recall_target"] == 0.9
    words = stopping["words"]
    assert (words["claim_label"], words["estimate_label"]) == (CLAIM_LABEL, ESTIMATE_LABEL)
    assert words["claim"].startswith(f"keep screening. Not shown yet: recall ≥{NBSP}90{NBSP}% at 80{NBSP}% confidence")
    assert words["estimate"].startswith("recall about ") and f"for 90{NBSP}% recall" in words["estimate"]
    assert words["estimate_caveat"] == ESTIMATE_CAVEAT
    json.dumps(stopping)  # it goes to the page as JSON


def test_early_on_the_estimate_says_not_enough_screened_yet(tmp_path: Path, shared_data: Path) -> None:
    # Enough records that two decisions are under the share the estimate needs (estimate_recall's default).
    min_screened = inspect.signature(estimate_recall).parameters["min_screened"].default
    build_review(tmp_path, shared_data, n=math.ceil(2 / min_screened) + 10)
    review = Review(tmp_path)
    try:
        first = stopping_after(review, [(5, "exclude")])
        assert first["estimate"]["reliable"] is False
        assert first["words"]["estimate"] == "not enough screened yet (no include found so far)."
        second = stopping_after(review, [(0, "include")])
    finally:
        review.close()
    assert second["n_screened"] == 2 and second["estimate"]["reliable"] is False
    assert second["words"]["estimate"] == "not enough screened yet (too few records screened so far)."
    assert second["words"]["claim"].startswith("keep screening.")


def test_the_workflows_stopping_file_is_shown_in_the_same_words_until_the_app_trains(tmp_path: Path) -> None:
    records = [{"record_id": f"r{i:02d}", "title": f"Trial {i}", "abstract": ""} for i in range(12)]
    statuses = {"r00": "include", "r01": "exclude", "r02": "include"}
    result = rank_review(records, statuses, query="trial", seed=1)
    stopping_json = tmp_path / "results" / "screening" / "stopping.json"
    stopping_json.parent.mkdir(parents=True)
    stopping_json.write_text(json.dumps(result.stopping), encoding="utf-8")
    shown = stopping_file(tmp_path)
    assert shown is not None
    assert shown["words"]["claim"] == claim_words(result.stopping)
    assert shown["words"]["estimate"] == estimate_words(result.stopping["estimate"])
    assert shown["words"]["estimate"].startswith("recall about ")
    # A file written before the estimate existed: the claim in words, no estimate.
    stopping_json.write_text(json.dumps({k: v for k, v in result.stopping.items() if k != "estimate"}))
    older = stopping_file(tmp_path)
    assert older is not None and older["words"]["claim"] and older["words"]["estimate"] is None
    stopping_json.write_text("[1, 2]")
    assert stopping_file(tmp_path) is None


def test_the_claim_in_words() -> None:
    stop = BuscarStopper(0.95, 0.95).evaluate([1] * 20 + [0] * 180, 200).to_dict()
    assert stop["stop"]
    assert claim_words(stop) == (
        f"you may stop. Shown: recall ≥{NBSP}95{NBSP}% at 95{NBSP}% confidence (p{NBSP}={NBSP}{stop['p_value']:.3f})."
    )
    nothing = BuscarStopper(0.95, 0.95).evaluate([0], 200).to_dict()
    assert claim_words(nothing) == (
        f"keep screening. Not shown yet: recall ≥{NBSP}95{NBSP}% at 95{NBSP}% confidence (p{NBSP}={NBSP}0.995); "
        "no recall can be claimed yet."
    )
    assert claim_words({"stop": False}) is None and claim_words(None) is None


@pytest.mark.parametrize(
    ("more", "relevant", "ending"),
    [
        (0, 1, f"about 1 include in total; 95{NBSP}% recall reached on this estimate."),
        (1, 3, f"about 3 includes in total; about 1 more record to screen for 95{NBSP}% recall."),
        (1200, 30, f"about 30 includes in total; about 1,200 more records to screen for 95{NBSP}% recall."),
    ],
)
def test_the_estimate_in_words(more: int, relevant: int, ending: str) -> None:
    estimate = estimate_recall([1, 0, 0, 1], 16).to_dict() | {
        "more_to_screen_for_target": more,
        "estimated_relevant": relevant,
        "estimated_recall": 0.8,
    }
    assert estimate_words(estimate) == f"recall about 80{NBSP}%; {ending}"
    assert estimate_words({"recall": 0.9}) is None and estimate_words(None) is None
    assert in_words({"estimate": estimate})["words"]["claim"] is None


def test_the_audit_page_shows_the_estimate_in_the_apps_words(tmp_path: Path) -> None:
    config = small_review(tmp_path)
    state = BuscarStopper(0.95, 0.95).evaluate([1, 0, 0], 4).to_dict()
    estimate = estimate_recall([1, 0, 0], 4, 0.95).to_dict()
    (tmp_path / "results/screening").mkdir(parents=True, exist_ok=True)
    (tmp_path / "results/screening/stopping.json").write_text(json.dumps(state | {"estimate": estimate}))
    page = render_page(audit(config, tmp_path))
    sentence = estimate_words(estimate)
    assert sentence is not None and sentence.startswith("recall about ")
    assert f"<b>{ESTIMATE_LABEL}:</b> {sentence} {ESTIMATE_CAVEAT}</div>" in page
