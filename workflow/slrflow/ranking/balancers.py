"""Balancers: sample weights that stop the few included records drowning among the many excluded ones.

Each has a `name`, is found by name in `BALANCERS`, and maps labels to one weight per labelled record.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator

from slrflow.errors import ModelError
from slrflow.ranking._registry import Registry

__all__ = ["BALANCERS", "Balanced", "Balancer", "NoBalance"]

BALANCERS: Registry[Balancer] = Registry("balancer")


class Balancer(BaseEstimator):
    name: ClassVar[str] = ""

    def sample_weight(self, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError


@BALANCERS.register
class NoBalance(Balancer):
    """Every labelled record counts once."""

    name = "none"

    def sample_weight(self, y: np.ndarray) -> np.ndarray:
        return np.ones(len(y))


@BALANCERS.register
class Balanced(Balancer):
    """Weights so that all included records together weigh `ratio` times all excluded records together.

    ratio=1 is scikit-learn's class_weight="balanced"; the default 10 (ASReview's ELAS u4 uses 9.8) makes a
    missed include cost far more than a wrong exclude, which is what screening wants. Weights are rescaled to
    average 1, so the classifier's regularisation strength keeps its meaning.
    """

    name = "balanced"

    def __init__(self, ratio: float = 10.0) -> None:
        self.ratio = ratio

    def sample_weight(self, y: np.ndarray) -> np.ndarray:
        if self.ratio <= 0:
            raise ModelError(f"balancer 'balanced' needs ratio > 0, not {self.ratio}")
        y = np.asarray(y, dtype=int)
        n_pos, n_neg = int((y == 1).sum()), int((y == 0).sum())
        if n_pos == 0 or n_neg == 0:
            return np.ones(len(y))
        weights = np.where(y == 1, self._ratio(n_pos, n_neg) / n_pos, 1.0 / n_neg)
        return weights * (len(y) / weights.sum())

    def _ratio(self, n_pos: int, n_neg: int) -> float:
        """The includes' total weight over the excludes' (a hook for the benchmark's variants)."""
        return self.ratio
