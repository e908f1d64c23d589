"""Feature extractors: record text to a sparse matrix, fitted once on every record (no labels are used).

Each extractor is a scikit-learn style estimator with a `name`, found by name in `FEATURE_EXTRACTORS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import norm as sparse_norm
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer

from slrflow.errors import ModelError
from slrflow.ranking._registry import Registry

__all__ = ["FEATURE_EXTRACTORS", "FeatureExtractor", "Tfidf", "TfidfMiniLM", "TfidfWordChar", "record_text"]

FEATURE_EXTRACTORS: Registry[FeatureExtractor] = Registry("feature extractor")
TEXT_FIELDS: tuple[str, ...] = ("title", "abstract", "keywords")


def record_text(record: Mapping[str, object], fields: Sequence[str] = TEXT_FIELDS) -> str:
    """The text a model reads: title, abstract and keywords joined by newlines; missing fields are skipped."""
    parts = []
    for field in fields:
        value = record.get(field)
        if isinstance(value, (list, tuple)):
            value = "; ".join(str(v) for v in value)
        if value:
            parts.append(str(value))
    return "\n".join(parts)


class FeatureExtractor(BaseEstimator):
    """Base: `fit(texts)`, then `transform(texts)` gives an L2-normalised sparse CSR matrix."""

    name: ClassVar[str] = ""

    def fit(self, texts: Sequence[str]) -> FeatureExtractor:
        raise NotImplementedError

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        raise NotImplementedError

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.fit(texts).transform(texts)

    def _check(self, texts: Sequence[str]) -> list[str]:
        texts = ["" if t is None else str(t) for t in texts]
        if not texts:
            raise ModelError(f"feature extractor {self.name!r} needs at least one record")
        return texts


@FEATURE_EXTRACTORS.register
class Tfidf(FeatureExtractor):
    """Word uni- and bigrams, sublinear term frequency, as ASReview's ELAS u4 uses."""

    name = "tfidf"

    def __init__(self, ngram_range: tuple[int, int] = (1, 2), min_df: int = 1, max_df: float = 0.95) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df

    def _vectorizer(self, n_texts: int) -> TfidfVectorizer:
        return TfidfVectorizer(
            ngram_range=tuple(self.ngram_range),
            min_df=self.min_df,
            max_df=self.max_df if n_texts > 1 else 1.0,
            sublinear_tf=True,
            dtype=np.float64,
        )

    def fit(self, texts: Sequence[str]) -> Tfidf:
        texts = self._check(texts)
        self.vectorizer_ = self._vectorizer(len(texts))
        try:
            self.vectorizer_.fit(texts)
        except ValueError:  # nothing but stop words or empty text: fall back to a one-column zero matrix
            self.vectorizer_ = None
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        texts = self._check(texts)
        if self.vectorizer_ is None:
            return sp.csr_matrix((len(texts), 1))
        return sp.csr_matrix(self.vectorizer_.transform(texts))

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        # One pass over the texts instead of fit() then transform(): tokenising is most of the cost.
        texts = self._check(texts)
        self.vectorizer_ = self._vectorizer(len(texts))
        try:
            matrix = sp.csr_matrix(self.vectorizer_.fit_transform(texts))
        except ValueError:
            self.vectorizer_ = None
            return sp.csr_matrix((len(texts), 1))
        return matrix


@FEATURE_EXTRACTORS.register
class TfidfWordChar(FeatureExtractor):
    """Word n-grams and character n-grams within word boundaries, each sublinear TF-IDF, stacked and weighted.

    Character n-grams catch spelling variants, inflections and drug-name stems that words miss; the stacked
    row is scaled back to unit length so linear models see both parts on the same footing.
    """

    name = "tfidf_word_char"

    def __init__(
        self,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (3, 5),
        char_weight: float = 1.0,
        min_df: int = 2,
        max_df: float = 0.95,
    ) -> None:
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.char_weight = char_weight
        self.min_df = min_df
        self.max_df = max_df

    def fit(self, texts: Sequence[str]) -> TfidfWordChar:
        texts = self._check(texts)
        small = len(texts) < 5  # min_df / max_df make no sense on a handful of records
        self.word_ = TfidfVectorizer(
            ngram_range=tuple(self.word_ngram_range),
            min_df=1 if small else self.min_df,
            max_df=1.0 if small else self.max_df,
            sublinear_tf=True,
            dtype=np.float64,
        )
        self.char_ = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(self.char_ngram_range),
            min_df=1 if small else self.min_df,
            max_df=1.0 if small else self.max_df,
            sublinear_tf=True,
            dtype=np.float64,
        )
        self.fitted_ = []
        for vectorizer in (self.word_, self.char_):
            try:
                vectorizer.fit(texts)
                self.fitted_.append(True)
            except ValueError:  # empty vocabulary
                self.fitted_.append(False)
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        texts = self._check(texts)
        blocks = []
        for vectorizer, fitted, weight in zip(
            (self.word_, self.char_), self.fitted_, (1.0, self.char_weight), strict=True
        ):
            if fitted:
                blocks.append(vectorizer.transform(texts) * weight)
        if not blocks:
            return sp.csr_matrix((len(texts), 1))
        matrix = sp.hstack(blocks, format="csr")
        norms = sparse_norm(matrix, axis=1)
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


@FEATURE_EXTRACTORS.register
class TfidfMiniLM(Tfidf):
    """The default TF-IDF columns followed by the 384 columns of an all-MiniLM-L6-v2 sentence embedding.

    The two blocks are left as they are (each row part unit length), for the `logistic_minilm` classifier,
    which learns one model per block. Needs `slrflow[embeddings]`; vectors are cached (see `embeddings`).
    """

    name = "tfidf_minilm"

    def __init__(self, cache_dir: str | None = None) -> None:
        super().__init__()
        self.cache_dir = cache_dir

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self._with_embedding(super().transform(texts), texts)

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self._with_embedding(super().fit_transform(texts), texts)

    def _with_embedding(self, matrix: sp.csr_matrix, texts: Sequence[str]) -> sp.csr_matrix:
        from slrflow.ranking.embeddings import MiniLMEmbedder

        vectors = MiniLMEmbedder(self.cache_dir).embed(self._check(texts))
        return sp.hstack([matrix, sp.csr_matrix(vectors)], format="csr")
