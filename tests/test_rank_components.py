"""Every registered ranking component, tested the same way (parametrised over the registries)."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from slrflow.errors import ModelError
from slrflow.ranking.balancers import BALANCERS
from slrflow.ranking.classifiers import CLASSIFIERS
from slrflow.ranking.features import FEATURE_EXTRACTORS, record_text
from slrflow.ranking.model import RankingModel
from slrflow.ranking.queriers import QUERIERS
from slrflow.ranking.stopping import STOPPERS

# Components that need an optional extra have their own tests (test_rank_minilm.py).
TFIDF_EXTRACTORS = [name for name in FEATURE_EXTRACTORS.names() if not name.startswith("tfidf_minilm")]
SPARSE_CLASSIFIERS = [name for name in CLASSIFIERS.names() if not name.startswith("logistic_minilm")]


@pytest.fixture(scope="module")
def labelled(fixtures):
    with open(fixtures / "ranking" / "shoulder_60.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [record_text(r) for r in rows], np.array([int(r["label_included"]) for r in rows])


@pytest.mark.parametrize(
    "registry", [FEATURE_EXTRACTORS, CLASSIFIERS, BALANCERS, QUERIERS, STOPPERS], ids=lambda r: r.role
)
def test_unknown_name_lists_known_names(registry):
    with pytest.raises(ModelError) as error:
        registry.get("no-such-thing")
    for name in registry.names():
        assert name in str(error.value)


@pytest.mark.parametrize("name", TFIDF_EXTRACTORS)
def test_feature_extractor_rows_are_unit_length_and_deterministic(name, labelled):
    texts, _ = labelled
    extractor = FEATURE_EXTRACTORS.create(name)
    first = extractor.fit_transform(texts)
    again = FEATURE_EXTRACTORS.create(name).fit_transform(texts)
    assert first.shape[0] == len(texts)
    norms = np.sqrt(np.asarray(first.multiply(first).sum(axis=1)).ravel())
    assert np.allclose(norms, 1.0)
    assert (first != again).nnz == 0
    # Unseen text maps into the same space; empty text is a zero row, not an error.
    extra = extractor.transform(["", texts[0]])
    assert extra.shape == (2, first.shape[1])
    assert extra[0].nnz == 0


@pytest.mark.parametrize("name", TFIDF_EXTRACTORS)
def test_feature_extractor_survives_empty_texts(name):
    matrix = FEATURE_EXTRACTORS.create(name).fit_transform(["", "", ""])
    assert matrix.shape[0] == 3


@pytest.mark.parametrize("name", SPARSE_CLASSIFIERS)
def test_classifier_scores_held_out_includes_higher(name, labelled):
    texts, y = labelled
    X = FEATURE_EXTRACTORS.create("tfidf").fit_transform(texts)
    train = np.arange(len(y)) % 2 == 0
    classifier = CLASSIFIERS.create(name)
    if "random_state" in classifier.get_params():
        classifier.set_params(random_state=0)
    weights = BALANCERS.create("balanced").sample_weight(y[train])
    scores = classifier.fit(X[train], y[train], weights).scores(X[~train])
    held = y[~train]
    assert scores.shape == (len(held),)
    assert scores[held == 1].mean() > scores[held == 0].mean()
    # Area under the ROC curve on the held-out half: the classifier must rank well above chance (0.5).
    pairs = (scores[held == 1][:, None] > scores[held == 0][None, :]).mean()
    assert pairs > 0.65


@pytest.mark.parametrize("name", CLASSIFIERS.names())
def test_classifier_needs_both_classes(name, labelled):
    texts, _ = labelled
    X = FEATURE_EXTRACTORS.create("tfidf").fit_transform(texts)
    with pytest.raises(ModelError, match="both"):
        CLASSIFIERS.create(name).fit(X[:5], np.zeros(5, dtype=int))


@pytest.mark.parametrize("name", BALANCERS.names())
def test_balancer_weights_average_one_and_favour_includes(name):
    y = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    weights = BALANCERS.create(name).sample_weight(y)
    assert weights.shape == y.shape
    assert weights.mean() == pytest.approx(1.0)
    assert weights[y == 1].sum() >= weights[y == 0].sum() or name == "none"


def test_balanced_ratio_sets_class_totals():
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0])
    weights = BALANCERS.create("balanced", ratio=3.0).sample_weight(y)
    assert weights[y == 1].sum() / weights[y == 0].sum() == pytest.approx(3.0)


@pytest.mark.parametrize("name", QUERIERS.names())
def test_querier_orders_only_unlabelled_records(name):
    scores = np.array([0.1, 0.9, 0.5, 0.9, -1.0, 0.3])
    unlabelled = np.array([True, True, False, True, True, True])
    querier = QUERIERS.create(name)
    order = querier.order(scores, unlabelled, 0)
    assert sorted(order.tolist()) == [0, 1, 3, 4, 5]
    assert np.array_equal(order, querier.order(scores, unlabelled, 0))


def test_max_querier_breaks_ties_by_position():
    order = QUERIERS.create("max").order(np.array([0.1, 0.9, 0.5, 0.9]), np.ones(4, dtype=bool))
    assert order.tolist() == [1, 3, 2, 0]


def test_max_random_querier_inserts_a_random_record_on_schedule():
    scores = np.arange(50, dtype=float)
    querier = QUERIERS.create("max_random", every=5, random_state=3)
    assert querier.order(scores, np.ones(50, dtype=bool), 0)[0] == 49  # 1st proposal: best
    picked = [querier.order(scores, np.ones(50, dtype=bool), n)[0] for n in (4, 9, 14, 19)]
    assert any(p != 49 for p in picked)  # 5th, 10th, ... proposals are random


def test_model_rejects_bad_parameters_before_work():
    with pytest.raises(ModelError, match="does not take"):
        RankingModel(classifier="logistic", classifier_params={"gamma": 1}).check()
    with pytest.raises(ModelError, match="unknown classifier"):
        RankingModel(classifier="bert").check()


def test_model_identity_changes_with_parameters():
    base = RankingModel(random_state=1)
    assert base.identity() == RankingModel(random_state=2).identity()
    assert base.identity() != RankingModel(classifier_params={"C": 2.0}).identity()
    card = base.description()
    assert card["classifier"]["name"] == base.classifier
    assert card["random_state"] == 1
