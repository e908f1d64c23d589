"""Classifiers: learn include (1) against exclude (0) from labelled rows and score every record.

Each is a scikit-learn style estimator with a `name`, found by name in `CLASSIFIERS`: `fit(X, y,
sample_weight)` returns self, `scores(X)` returns one real number per row, higher meaning more likely included.
Scores are only compared within one ranking, so they need not be probabilities.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

from slrflow.errors import ModelError
from slrflow.ranking._registry import Registry

__all__ = [
    "CLASSIFIERS",
    "Classifier",
    "LinearSVM",
    "Logistic",
    "LogisticMiniLM",
    "LogisticNB",
    "LogisticRocchio",
    "LogisticSVM",
    "NaiveBayes",
]

CLASSIFIERS: Registry[Classifier] = Registry("classifier")


class Classifier(BaseEstimator):
    name: ClassVar[str] = ""
    # A classifier made of models that each rank the records alone names them here and gives their scores in
    # `view_scores`; the session can then propose by one view alone (RankingModel.switch_after).
    views: ClassVar[tuple[str, ...]] = ()

    def fit(self, X: sp.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None) -> Classifier:
        raise NotImplementedError

    def scores(self, X: sp.spmatrix) -> np.ndarray:
        raise NotImplementedError

    def view_scores(self, X: sp.spmatrix) -> list[np.ndarray]:
        """Each view's own scores, in the order of `views` (none for a classifier that is one model)."""
        return []

    @staticmethod
    def _check(X: sp.spmatrix, y: np.ndarray) -> np.ndarray:
        y = np.asarray(y, dtype=int)
        if X.shape[0] != len(y):
            raise ModelError(f"{X.shape[0]} feature rows but {len(y)} labels")
        if set(np.unique(y).tolist()) != {0, 1}:
            raise ModelError("a classifier needs both included (1) and excluded (0) records to learn from")
        return y


def _standardise(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return (values - values.mean()) / (spread if spread > 0 else 1.0)


@CLASSIFIERS.register
class Logistic(Classifier):
    """L2-regularised logistic regression (liblinear, dual form: fast when records are fewer than features)."""

    name = "logistic"

    def __init__(self, C: float = 1.0, random_state: int | None = None) -> None:
        self.C = C
        self.random_state = random_state

    def fit(self, X: sp.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None) -> Logistic:
        y = self._check(X, y)
        self.model_ = LogisticRegression(C=self.C, solver="liblinear", dual=True, random_state=self.random_state)
        self.model_.fit(X, y, sample_weight=sample_weight)
        return self

    def scores(self, X: sp.spmatrix) -> np.ndarray:
        return self.model_.decision_function(X)


@CLASSIFIERS.register
class LinearSVM(Classifier):
    """Linear support vector machine with squared hinge loss, as ASReview's ELAS u4 uses."""

    name = "svm"

    def __init__(self, C: float = 0.11, random_state: int | None = None) -> None:
        self.C = C
        self.random_state = random_state

    def fit(self, X: sp.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None) -> LinearSVM:
        y = self._check(X, y)
        self.model_ = LinearSVC(C=self.C, loss="squared_hinge", random_state=self.random_state)
        self.model_.fit(X, y, sample_weight=sample_weight)
        return self

    def scores(self, X: sp.spmatrix) -> np.ndarray:
        return self.model_.decision_function(X)


@CLASSIFIERS.register
class NaiveBayes(Classifier):
    """Complement naive Bayes, which copes with the heavy class imbalance of screening."""

    name = "nb"

    def __init__(self, alpha: float = 0.5) -> None:
        self.alpha = alpha

    def fit(self, X: sp.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None) -> NaiveBayes:
        y = self._check(X, y)
        self.model_ = ComplementNB(alpha=self.alpha)
        self.model_.fit(X, y, sample_weight=sample_weight)
        return self

    def scores(self, X: sp.spmatrix) -> np.ndarray:
        joint = self.model_.predict_joint_log_proba(X)
        return joint[:, 1] - joint[:, 0]


@CLASSIFIERS.register
class LogisticSVM(Classifier):
    """Ensemble of logistic regression and a linear SVM: the mean of their standardised scores."""

    name = "logistic_svm"

    def __init__(self, C_logistic: float = 1.0, C_svm: float = 0.11, random_state: int | None = None) -> None:
        self.C_logistic = C_logistic
        self.C_svm = C_svm
        self.random_state = random_state

    def fit(self, X: sp.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None) -> LogisticSVM:
        self.members_ = [
            Logistic(C=self.C_logistic, random_state=self.random_state).fit(X, y, sample_weight),
            LinearSVM(C=self.C_svm, random_state=self.random_state).fit(X, y, sample_weight),
        ]
        return self

    def scores(self, X: sp.spmatrix) -> np.ndarray:
        return np.mean([_standardise(member.scores(X)) for member in self.members_], axis=0)


@CLASSIFIERS.register
class LogisticNB(Classifier):
    """Ensemble of logistic regression and complement naive Bayes: the mean of their standardised scores."""

    name = "logistic_nb"

    def __init__(self, C: float = 1.0, alpha: float = 0.5, random_state: int | None = None) -> None:
        self.C = C
        self.alpha = alpha
        self.random_state = random_state

    def fit(self, X: sp.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None) -> LogisticNB:
        self.members_ = [
            Logistic(C=self.C, random_state=self.random_state).fit(X, y, sample_weight),
            NaiveBayes(alpha=self.alpha).fit(X, y, sample_weight),
        ]
        return self

    def scores(self, X: sp.spmatrix) -> np.ndarray:
        return np.mean([_standardise(member.scores(X)) for member in self.members_], axis=0)


@CLASSIFIERS.register
class LogisticRocchio(Classifier):
    """Logistic regression plus Rocchio relevance feedback: its standardised score, plus `weight` times the
    standardised cosine similarity to the (weighted) centroid of the includes minus that of the excludes.

    Rocchio needs no fitting and is steady while there are only a few includes; the logistic model is sharper
    once there are more.
    """

    name = "logistic_rocchio"

    def __init__(self, C: float = 1.0, weight: float = 0.5, random_state: int | None = None) -> None:
        self.C = C
        self.weight = weight
        self.random_state = random_state

    def fit(self, X: sp.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None) -> LogisticRocchio:
        y = self._check(X, y)
        self.logistic_ = Logistic(C=self.C, random_state=self.random_state).fit(X, y, sample_weight)
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        positive = np.asarray(X[y == 1].T @ w[y == 1]).ravel() / w[y == 1].sum()
        negative = np.asarray(X[y == 0].T @ w[y == 0]).ravel() / w[y == 0].sum()
        self.direction_ = positive - negative
        return self

    def scores(self, X: sp.spmatrix) -> np.ndarray:
        rocchio = np.asarray(X @ self.direction_).ravel()
        return _standardise(self.logistic_.scores(X)) + self.weight * _standardise(rocchio)


@CLASSIFIERS.register
class LogisticMiniLM(Classifier):
    """For `tfidf_minilm` features: logistic regression on the TF-IDF columns, plus `weight` times a second
    logistic regression on the last `dense` columns (the sentence embedding), each score standardised.

    Kept apart, the sparse words and the dense embedding each get a model suited to them; appended into one
    row, the 384 dense columns crowd out the words (measured worse: benchmarks/README.md, "Ranking"). The
    weight 0.2 was chosen on the benchmark's tuning half from 0.1, 0.2, 0.3 and 0.5. The default model fuses
    the two blocks' rankings instead (`logistic_minilm_rrf`).
    """

    name = "logistic_minilm"
    views = ("words", "embedding")

    def __init__(self, C: float = 1.0, weight: float = 0.2, dense: int = 384, random_state: int | None = None) -> None:
        self.C = C
        self.weight = weight
        self.dense = dense
        self.random_state = random_state

    def _blocks(self, X: sp.spmatrix) -> tuple[sp.csr_matrix, np.ndarray]:
        if X.shape[1] <= self.dense:
            raise ModelError(f"{X.shape[1]} feature columns: not TF-IDF plus a {self.dense}-column embedding")
        X = sp.csr_matrix(X)
        return X[:, : -self.dense], X[:, -self.dense :].toarray()

    def _scoring_blocks(self, X: sp.spmatrix) -> tuple[sp.csr_matrix, np.ndarray]:
        # A session scores the same feature matrix after every training: split it once, not every time.
        cached = getattr(self, "_scoring_cache", None)
        if cached is None or cached[0] is not X:
            self._scoring_cache = (X, *self._blocks(X))
        return self._scoring_cache[1:]

    def fit(self, X: sp.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None) -> LogisticMiniLM:
        y = self._check(X, y)
        words, vectors = self._blocks(X)
        self.words_ = Logistic(C=self.C, random_state=self.random_state).fit(words, y, sample_weight)
        self.vectors_ = self._embedding_model().fit(vectors, y, sample_weight=sample_weight)
        return self

    def _embedding_model(self) -> LogisticRegression:
        # liblinear in the primal: few columns, many rows; 5-10x faster here than lbfgs, which kept the app waiting
        return LogisticRegression(C=self.C, solver="liblinear", random_state=self.random_state)

    def view_scores(self, X: sp.spmatrix) -> list[np.ndarray]:
        words, vectors = self._scoring_blocks(X)
        return [self.words_.scores(words), self.vectors_.decision_function(vectors)]

    def scores(self, X: sp.spmatrix) -> np.ndarray:
        by_words, by_embedding = self.view_scores(X)
        return _standardise(by_words) + self.weight * _standardise(by_embedding)


@CLASSIFIERS.register
class LogisticMiniLMRankFused(LogisticMiniLM):
    """`logistic_minilm` with the two blocks' rankings fused by reciprocal rank (Cormack, Clarke and Büttcher
    2009, "Reciprocal rank fusion outperforms Condorcet and individual rank learning methods", SIGIR):
    1 / (k + rank by words) + weight / (k + rank by embedding), rank 1 the highest score.

    Only ranks enter, so a record that one block puts near its top keeps that credit however skewed the other
    block's scores are; adding standardised scores lets a long tail of either block move the sum. k = 60 is the
    paper's constant. Chosen over `logistic_minilm`, with weight 0.5 from 0.2 and 0.5, on the benchmark's tuning
    half (benchmarks/README.md, "Ranking").
    """

    name = "logistic_minilm_rrf"

    def __init__(
        self, C: float = 1.0, weight: float = 0.5, dense: int = 384, random_state: int | None = None, k: int = 60
    ) -> None:
        super().__init__(C=C, weight=weight, dense=dense, random_state=random_state)
        self.k = k

    def scores(self, X: sp.spmatrix) -> np.ndarray:
        by_words, by_embedding = self.view_scores(X)
        return 1.0 / (self.k + _ranks(by_words)) + self.weight / (self.k + _ranks(by_embedding))


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1 for the highest score, 2 for the next...; equal scores ranked by position, so the result is determined."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks
