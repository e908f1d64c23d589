"""Queriers: which unlabelled records to propose next, given the current scores.

Each has a `name`, is found by name in `QUERIERS`, and returns the unlabelled indices in the order to screen.
Ties are broken by record position, so a ranking is a pure function of scores and input order.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator

from slrflow.errors import ModelError
from slrflow.ranking._registry import Registry

__all__ = ["QUERIERS", "MaxQuerier", "MaxRandomQuerier", "Querier"]

QUERIERS: Registry[Querier] = Registry("querier")


class Querier(BaseEstimator):
    name: ClassVar[str] = ""

    def order(self, scores: np.ndarray, unlabelled: np.ndarray, n_labelled: int = 0) -> np.ndarray:
        """Indices of the records where `unlabelled` is True, first to screen first, after `n_labelled`."""
        raise NotImplementedError


def _best_first(scores: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    # lexsort sorts by its last key first: score descending, then position ascending.
    return candidates[np.lexsort((candidates, -scores[candidates]))]


@QUERIERS.register
class MaxQuerier(Querier):
    """Highest score first (certainty-based sampling), as ASReview's default."""

    name = "max"

    def order(self, scores: np.ndarray, unlabelled: np.ndarray, n_labelled: int = 0) -> np.ndarray:
        return _best_first(np.asarray(scores, dtype=float), np.flatnonzero(unlabelled))


@QUERIERS.register
class MaxRandomQuerier(Querier):
    """Highest score first, except that every `every`-th proposal is a random unlabelled record.

    The random picks give an unbiased look at the remainder; which position is random depends only on how many
    records are labelled, and which record on `random_state` and that count, so a session replays exactly.
    """

    name = "max_random"

    def __init__(self, every: int = 10, random_state: int | None = None) -> None:
        self.every = every
        self.random_state = random_state

    def order(self, scores: np.ndarray, unlabelled: np.ndarray, n_labelled: int = 0) -> np.ndarray:
        if self.every < 2:
            raise ModelError(f"querier 'max_random' needs every >= 2, not {self.every}")
        ranked = _best_first(np.asarray(scores, dtype=float), np.flatnonzero(unlabelled))
        if (n_labelled + 1) % self.every or len(ranked) < 2:
            return ranked
        rng = np.random.default_rng([0 if self.random_state is None else self.random_state, n_labelled])
        pick = int(rng.integers(len(ranked)))
        return np.concatenate([ranked[pick : pick + 1], np.delete(ranked, pick)])
