"""The torch-free dense features: `tfidf_minilm` with all-MiniLM-L6-v2 run on ONNX Runtime (int8 weights).

Registered as `tfidf_minilm_onnx` (imported by slrflow.ranking, so the name is known wherever the ranking is);
pair it with the `logistic_minilm` classifier, as `tfidf_minilm`. The default model's features
(slrflow.ranking.model.DEFAULT_MODEL).
"""

from __future__ import annotations

from collections.abc import Sequence

import scipy.sparse as sp

from slrflow.ranking.embeddings import ONNX_RUNTIME_RECIPE, OnnxMiniLMEmbedder
from slrflow.ranking.features import FEATURE_EXTRACTORS, TfidfMiniLM

__all__ = ["TfidfMiniLMOnnx"]


@FEATURE_EXTRACTORS.register
class TfidfMiniLMOnnx(TfidfMiniLM):
    """The default TF-IDF columns followed by the 384 columns of all-MiniLM-L6-v2 from ONNX Runtime."""

    name = "tfidf_minilm_onnx"
    max_tokens = 256

    @property
    def embedding(self) -> str:
        """Which vectors the features read: part of the ranking model's identity."""
        return f"all-MiniLM-L6-v2 onnx {ONNX_RUNTIME_RECIPE} {self.max_tokens} tokens"

    def _with_embedding(self, matrix: sp.csr_matrix, texts: Sequence[str]) -> sp.csr_matrix:
        vectors = OnnxMiniLMEmbedder(self.cache_dir, self.max_tokens).embed(self._check(texts))
        return sp.hstack([matrix, sp.csr_matrix(vectors)], format="csr")
