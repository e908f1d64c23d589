"""The screening session the web app, `slrflow rank` and `slrflow simulate` share."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from slrflow.errors import ModelError
from slrflow.ranking.features import record_text
from slrflow.ranking.model import RankingModel
from slrflow.ranking.session import ScreeningSession


@pytest.fixture(scope="module")
def corpus(fixtures):
    with open(fixtures / "ranking" / "shoulder_60.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["record_id"] for r in rows], [record_text(r) for r in rows], [int(r["label_included"]) for r in rows]


def test_retrain_schedule():
    model = RankingModel(retrain_growth=0.1)
    assert model.retrain_due(n_at_last_fit=100, n_new=9, new_include=False) is False
    assert model.retrain_due(n_at_last_fit=100, n_new=10, new_include=False) is True
    assert model.retrain_due(n_at_last_fit=100, n_new=1, new_include=True) is True
    assert model.retrain_due(n_at_last_fit=5, n_new=1, new_include=False) is True  # early: every decision


def test_modes_and_training_counts(corpus):
    ids, texts, labels = corpus
    session = ScreeningSession(ids, texts, RankingModel(random_state=0))
    assert session.mode == "input_order"
    assert session.next_record() == ids[0]
    include = ids[labels.index(1)]
    exclude = ids[labels.index(0)]
    session.record_decision(include, 1)
    assert session.mode == "query_similarity"
    session.record_decision(exclude, 0)
    assert session.mode == "classifier"
    assert session.training_counts() == {
        "records": 60, "included": 1, "excluded": 1, "unlabelled": 58, "trainings": 1,
    }  # fmt: skip
    assert include not in session.ranking() and len(session.ranking()) == 58
    card = session.describe()
    assert card["model"] == RankingModel().identity() and card["seed"] == 0


def test_schedule_controls_number_of_trainings(corpus):
    ids, texts, labels = corpus
    excludes = [i for i, y in zip(ids, labels, strict=True) if y == 0]
    include = ids[labels.index(1)]
    counts = {}
    for growth in (0.0, 1.0):
        session = ScreeningSession(ids, texts, RankingModel(random_state=0, retrain_growth=growth))
        session.record_decisions([(include, 1), (excludes[0], 0)])
        for rid in excludes[1:21]:
            session.record_decision(rid, 0)
        counts[growth] = session.n_fits
    assert counts[0.0] == 21  # after every decision
    assert counts[1.0] < 8  # after 1, 2, 4, 8, 16 labelled: the gap doubles


def test_pseudo_negatives_are_seeded(corpus):
    ids, texts, labels = corpus
    decisions = [(ids[labels.index(1)], 1), (ids[labels.index(0)], 0)]
    scores = []
    for seed in (1, 1, 2):
        session = ScreeningSession(ids, texts, RankingModel(random_state=seed, pseudo_negatives=20))
        session.record_decisions(decisions)
        scores.append(session.scores.copy())
    assert np.array_equal(scores[0], scores[1])
    assert not np.array_equal(scores[0], scores[2])


def test_bad_decisions_are_errors(corpus):
    ids, texts, _ = corpus
    session = ScreeningSession(ids, texts)
    with pytest.raises(ModelError, match="not among"):
        session.record_decision("r-unknown", 1)
    with pytest.raises(ModelError, match="1 \\(include\\) or 0"):
        session.record_decision(ids[0], 2)
    with pytest.raises(ModelError, match="unique"):
        ScreeningSession(["a", "a"], ["x", "y"])
    with pytest.raises(ModelError, match="pseudo_negatives"):
        ScreeningSession(ids, texts, RankingModel(pseudo_negatives=-1))


def test_changed_decision_replaces_earlier_one(corpus):
    ids, texts, labels = corpus
    session = ScreeningSession(ids, texts, RankingModel(random_state=0))
    session.record_decisions([(ids[labels.index(1)], 1), (ids[labels.index(0)], 0)])
    session.record_decision(ids[5], 1)
    session.record_decision(ids[5], 0)
    assert session.training_counts()["included"] == 1
    assert session.training_counts()["excluded"] == 2


def test_from_records_is_the_session_rank_uses(fixtures):
    with open(fixtures / "ranking" / "shoulder_60.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    decisions = [(r["record_id"], int(r["label_included"])) for r in rows[:20]]
    session = ScreeningSession.from_records(rows, decisions, seed=4)
    direct = ScreeningSession(
        [r["record_id"] for r in rows], [record_text(r) for r in rows], RankingModel(random_state=4)
    )
    direct.record_decisions(decisions)
    assert session.ranking() == direct.ranking()
    assert session.training_counts()["unlabelled"] == 40
