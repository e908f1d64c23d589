"""The ranking model: one feature extractor, classifier, balancer and querier, composed by name, plus the
retraining schedule. The same object drives real screening, `slrflow rank` and `slrflow simulate`.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy
import sklearn
from sklearn.base import BaseEstimator

from slrflow import __version__
from slrflow.errors import ModelError
from slrflow.ranking.balancers import BALANCERS, Balancer
from slrflow.ranking.classifiers import CLASSIFIERS, Classifier, LogisticMiniLM
from slrflow.ranking.embeddings import onnxruntime_version
from slrflow.ranking.features import FEATURE_EXTRACTORS, FeatureExtractor, TfidfMiniLM
from slrflow.ranking.queriers import QUERIERS, Querier

__all__ = ["DEFAULT_MODEL", "FORMER_IDENTITIES", "RankingModel", "library_versions"]

# Chosen on the shared benchmark datasets (benchmarks/ranker/choose.py, benchmarks/README.md "Ranking") and fixed
# for every review: word uni+bigram TF-IDF with logistic regression, and a second logistic regression on the
# all-MiniLM-L6-v2 sentence embedding (ONNX Runtime, no torch), their rankings fused by reciprocal rank with the
# embedding's weighted 0.5, includes weighted 10:1 against excludes in
# total, 100 random unlabelled records as presumed excludes at each training, highest score first, and after 50
# excludes in a row the words' and the embedding's own rankings in turn until the next include. Options that
# were measured and rejected live with the benchmark (benchmarks/ranker/experimental.py), not here.
DEFAULT_MODEL: dict[str, Any] = {
    "feature_extractor": "tfidf_minilm_onnx",
    "feature_params": {},
    "classifier": "logistic_minilm_rrf",
    "classifier_params": {},
    "balancer": "balanced",
    "balancer_params": {},  # Balanced's own default: ratio 10
    "querier": "max",
    "querier_params": {},
    "retrain_growth": 0.1,
    "pseudo_negatives": 100,
    "switch_after": 50,
}


# When the measured-and-rejected options left the model (pseudo_fill, pseudo_pool, pseudo_taper,
# pseudo_taper_basis, pseudo_weight, Balanced.power, Tfidf.title_weight; benchmarks/README.md "Ranking"), every
# identity changed while the rankings did not (tests/test_simulate.py): new identity -> the one it had before.
FORMER_IDENTITIES: dict[str, str] = {
    "logistic+tfidf+max@84c6058c": "logistic+tfidf+max@a94ad635",
    "logistic_nb+tfidf+max@d7fc2bc8": "logistic_nb+tfidf+max@944d048e",
    "logistic_rocchio+tfidf+max@c9ddee0a": "logistic_rocchio+tfidf+max@bbf07bc1",
    "logistic_svm+tfidf+max@6ff570f4": "logistic_svm+tfidf+max@376b892f",
    "nb+tfidf+max@32e55207": "nb+tfidf+max@09a9650c",
    "svm+tfidf+max@c5a51f28": "svm+tfidf+max@29e8198f",
    "logistic_minilm+tfidf_minilm+max@7c3f86dc": "logistic_minilm+tfidf_minilm+max@db1bd0c1",
    "logistic+tfidf_word_char+max@ed7359a8": "logistic+tfidf_word_char+max@efd4e149",
    "logistic_nb+tfidf_word_char+max@d2a34ecf": "logistic_nb+tfidf_word_char+max@8c2008c3",
    "logistic_rocchio+tfidf_word_char+max@c167da74": "logistic_rocchio+tfidf_word_char+max@c0121879",
    "logistic_svm+tfidf_word_char+max@a603d8bb": "logistic_svm+tfidf_word_char+max@1bf912f1",
    "nb+tfidf_word_char+max@c585512e": "nb+tfidf_word_char+max@c32b33b3",
    "svm+tfidf_word_char+max@ffcb7211": "svm+tfidf_word_char+max@dcc17904",
}


def library_versions() -> dict[str, str]:
    return {
        "slrflow": __version__,
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "onnxruntime": onnxruntime_version(),  # runs the default model's embedding
    }


class RankingModel(BaseEstimator):
    """A ranking model described by component names and parameters; `random_state` seeds every component.

    retrain_growth: after the first training, the classifier is retrained as soon as an include is labelled,
    or once the records labelled since the last training reach retrain_growth times the number labelled then
    (at least one). Early on that is after every record; late in a large review after every few dozen. The
    schedule depends only on the sequence of decisions, so real screening and simulation retrain identically.

    pseudo_negatives: at each training, this many unlabelled records drawn at random are added as presumed
    excludes (as in Cormack and Grossman's BMI/AutoTAR). In screening most unlabelled records are excludes, so
    this teaches the classifier what ordinary records look like while only a handful are labelled. The draw
    depends on random_state and the number of labelled records only (`presumed_excludes`; the benchmark's
    experimental model overrides it to try other draws).

    switch_after: once this many excludes in a row have been screened, the records are proposed by each of the
    classifier's views alone in turn (for the default model: the words' ranking, then the embedding's, one record
    each), until the next include brings back the combined ranking. A model that has stopped finding includes
    can miss those that one view alone ranks high; switching models after a run of excludes is the idea of
    Teijema et al. (2023) and of the SAFE procedure (Boetje and van de Schoot 2024), which switches after 50.
    0 never switches; a classifier with no views (one model) is not affected.
    """

    def __init__(
        self,
        feature_extractor: str = DEFAULT_MODEL["feature_extractor"],
        feature_params: Mapping[str, Any] | None = None,
        classifier: str = DEFAULT_MODEL["classifier"],
        classifier_params: Mapping[str, Any] | None = None,
        balancer: str = DEFAULT_MODEL["balancer"],
        balancer_params: Mapping[str, Any] | None = None,
        querier: str = DEFAULT_MODEL["querier"],
        querier_params: Mapping[str, Any] | None = None,
        retrain_growth: float = DEFAULT_MODEL["retrain_growth"],
        pseudo_negatives: int = DEFAULT_MODEL["pseudo_negatives"],
        switch_after: int = DEFAULT_MODEL["switch_after"],
        random_state: int | None = None,
    ) -> None:
        self.feature_extractor = feature_extractor
        self.feature_params = feature_params
        self.classifier = classifier
        self.classifier_params = classifier_params
        self.balancer = balancer
        self.balancer_params = balancer_params
        self.querier = querier
        self.querier_params = querier_params
        self.retrain_growth = retrain_growth
        self.pseudo_negatives = pseudo_negatives
        self.switch_after = switch_after
        self.random_state = random_state

    def _seeded(self, registry: Any, name: str, params: Mapping[str, Any] | None) -> Any:
        params = dict(params or {})
        cls = registry.get(name)
        if "random_state" in cls().get_params() and "random_state" not in params:
            params["random_state"] = self.random_state
        return registry.create(name, **params)

    def build_features(self) -> FeatureExtractor:
        return self._seeded(FEATURE_EXTRACTORS, self.feature_extractor, self.feature_params)

    def build_classifier(self) -> Classifier:
        return self._seeded(CLASSIFIERS, self.classifier, self.classifier_params)

    def build_balancer(self) -> Balancer:
        return self._seeded(BALANCERS, self.balancer, self.balancer_params)

    def build_querier(self) -> Querier:
        return self._seeded(QUERIERS, self.querier, self.querier_params)

    def check(self) -> RankingModel:
        """Build every component once so that a bad name or parameter fails before any work is done."""
        if not self.retrain_growth >= 0:
            raise ModelError(f"retrain_growth must be >= 0, not {self.retrain_growth}")
        if not (isinstance(self.pseudo_negatives, int) and self.pseudo_negatives >= 0):
            raise ModelError(f"pseudo_negatives must be a whole number >= 0, not {self.pseudo_negatives!r}")
        if not (isinstance(self.switch_after, int) and self.switch_after >= 0):
            raise ModelError(f"switch_after must be a whole number >= 0, not {self.switch_after!r}")
        features = self.build_features()
        classifier = self.build_classifier()
        if isinstance(classifier, LogisticMiniLM) and not isinstance(features, TfidfMiniLM):
            raise ModelError(f"the {self.classifier} classifier needs the tfidf_minilm(_onnx) feature extractor")
        self.build_balancer()
        self.build_querier()
        return self

    def retrain_due(self, n_at_last_fit: int, n_new: int, new_include: bool) -> bool:
        """Whether to retrain after a decision, given the labels at the last training and since then."""
        return new_include or n_new >= max(1, int(self.retrain_growth * n_at_last_fit))

    def presumed_excludes(
        self, unlabelled: np.ndarray, y: np.ndarray, scores: np.ndarray, n_records: int
    ) -> tuple[np.ndarray, float]:
        """The unlabelled positions added as excludes at a training, and the sample weight each gets relative to
        a labelled exclude. `y` holds the labels being trained on, `scores` the current scores of all records."""
        return self.draw(unlabelled, min(self.pseudo_negatives, len(unlabelled)), len(y)), 1.0

    def draw(self, candidates: np.ndarray, n: int, n_labelled: int) -> np.ndarray:
        """`n` of `candidates` drawn at random, sorted; seeded by random_state and the number labelled only."""
        if n <= 0:
            return np.empty(0, dtype=candidates.dtype)
        seed = [0 if self.random_state is None else self.random_state, n_labelled]
        return np.sort(np.random.default_rng(seed).choice(candidates, n, replace=False))

    def description(self) -> dict[str, Any]:
        """Every component with its full parameters, as JSON-ready data."""
        classifier = self.build_classifier()
        parts: dict[str, FeatureExtractor | Classifier | Balancer | Querier] = {
            "feature_extractor": self.build_features(),
            "classifier": classifier,
            "balancer": self.build_balancer(),
            "querier": self.build_querier(),
        }
        described = {
            **{role: _described(part) for role, part in parts.items()},
            "retrain_growth": self.retrain_growth,
            "pseudo_negatives": self.pseudo_negatives,
            "random_state": self.random_state,
        }
        if self.switch_after and classifier.views:  # where it cannot act, identities stay as they were
            described["switch_after"] = self.switch_after
        return described

    def identity(self) -> str:
        """A short id that changes whenever any component or parameter does, e.g. 'logistic_svm+...@1a2b3c4d'."""
        described = self.description()
        described.pop("random_state")
        for part in described.values():
            if isinstance(part, dict):
                part["params"].pop("random_state", None)
        digest = hashlib.sha1(json.dumps(described, sort_keys=True).encode()).hexdigest()[:8]
        return f"{self.classifier}+{self.feature_extractor}+{self.querier}@{digest}"


def _described(part: FeatureExtractor | Classifier | Balancer | Querier) -> dict[str, Any]:
    described = {"name": part.name, "params": _jsonable(part.get_params())}
    if getattr(part, "embedding", ""):  # vectors from a model and runtime: a different one ranks differently
        described["embedding"] = part.embedding
    return described


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    return value
