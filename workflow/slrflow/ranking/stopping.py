"""Stopping rules: when may screening stop, and what recall can the team claim with what confidence.

The buscar rule (Callaghan and Müller-Hansen 2020, Systematic Reviews 9:273, doi:10.1186/s13643-020-01521-4):
the null hypothesis is that recall is still below the target, i.e. that there are at least
K = floor(r_seen / target) + 1 relevant records in total, where r_seen is the number found. Each run of the last
n screened records (n = 1 ... all screened) is treated as a sample drawn without replacement from the records
that were unscreened just before it began; under the null hypothesis that urn held K - (r_seen - k_n) relevant
records, where k_n is the number found in the sample, so the chance of finding k_n or fewer is a hypergeometric
tail. The p-value is the smallest of these tails, and screening may stop when p < 1 - confidence.

Screening in ranked order makes the last records more likely to be relevant than a random sample, so the test is
conservative for prioritised screening: it stops later than needed, not earlier. `bias` > 1 uses Wallenius'
non-central hypergeometric distribution instead (the paper's biased urn), which stops earlier and is only safe
when the bias is known.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np
from scipy.stats import hypergeom, nchypergeom_wallenius
from sklearn.base import BaseEstimator

from slrflow.errors import ModelError
from slrflow.ranking._registry import Registry

__all__ = [
    "STOPPERS",
    "BuscarStopper",
    "Stopper",
    "StoppingState",
    "buscar_p_value",
    "claimable_recall",
]

STOPPERS: Registry[Stopper] = Registry("stopping rule")


def _check(labels: Sequence[int] | np.ndarray, n_total: int) -> np.ndarray:
    array = np.asarray(labels, dtype=np.int64)
    if array.ndim != 1 or not np.isin(array, (0, 1)).all():
        raise ModelError("screening labels must be a sequence of 0 (excluded) and 1 (included)")
    if n_total < len(array):
        raise ModelError(f"{len(array)} records screened but only {n_total} records in total")
    return array


def _min_tail(labels: np.ndarray, n_total: int, k_null: int, bias: float) -> float:
    """Smallest tail probability over the windows, for the null hypothesis of at least k_null relevant in total."""
    n_seen = len(labels)
    r_seen = int(labels.sum())
    found_in_window = np.cumsum(labels[::-1])  # relevant among the last 1, 2, ... n_seen records
    window = np.arange(1, n_seen + 1)
    urn = n_total - n_seen + window  # records unscreened just before each window began
    relevant_in_urn = k_null - (r_seen - found_in_window)
    # An urn cannot hold more relevant records than records: the null hypothesis is then impossible (p = 0).
    possible = relevant_in_urn <= urn
    if not possible.all():
        return 0.0
    if bias == 1:
        tails = hypergeom.cdf(found_in_window, urn, relevant_in_urn, window)
    else:
        tails = nchypergeom_wallenius.cdf(found_in_window, urn, relevant_in_urn, window, bias)
    tails = tails[~np.isnan(tails)]
    return float(tails.min()) if len(tails) else 1.0


def buscar_p_value(
    labels: Sequence[int] | np.ndarray, n_total: int, recall_target: float = 0.95, bias: float = 1.0
) -> float:
    """p-value of the null hypothesis "recall < recall_target" after screening `labels` (in screening order)."""
    if not 0 < recall_target <= 1:
        raise ModelError(f"recall target must be in (0, 1], not {recall_target}")
    array = _check(labels, n_total)
    if len(array) == 0:
        return 1.0
    if len(array) == n_total:
        return 0.0  # everything screened: recall is 1
    k_null = math.floor(int(array.sum()) / recall_target) + 1
    return _min_tail(array, n_total, k_null, bias)


def claimable_recall(
    labels: Sequence[int] | np.ndarray, n_total: int, confidence: float = 0.95, bias: float = 1.0
) -> float:
    """The highest recall the team can claim at `confidence`: rejects "fewer than r_seen / recall found".

    Equivalently the largest recall target whose buscar p-value is below 1 - confidence; 0.0 when nothing can
    be claimed, 1.0 when the test rules out any relevant record left unscreened.
    """
    array = _check(labels, n_total)
    alpha = 1 - confidence
    r_seen = int(array.sum())
    n_left = n_total - len(array)
    if n_left == 0:
        return 1.0
    if len(array) == 0:
        return 0.0
    # p(K) = tail for "at least K relevant in total" falls as K grows; find the smallest K with p(K) < alpha.
    low, high = r_seen + 1, r_seen + n_left + 1  # p(high) = 0: more relevant records than could exist
    if _min_tail(array, n_total, low, bias) < alpha:
        return 1.0
    while high - low > 1:  # invariant: p(low) >= alpha > p(high)
        middle = (low + high) // 2
        if _min_tail(array, n_total, middle, bias) < alpha:
            high = middle
        else:
            low = middle
    # Rejecting "at least `high` relevant" claims at most high - 1 relevant in total.
    return r_seen / (high - 1) if r_seen else 0.0


@dataclass(frozen=True)
class StoppingState:
    """What a stopping rule says at one moment of screening (written to results/screening/stopping.json)."""

    rule: str
    recall_target: float
    confidence: float
    n_total: int
    n_screened: int
    n_included: int
    p_value: float
    claimable_recall: float
    target_met: bool
    stop: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Stopper(BaseEstimator):
    name: ClassVar[str] = ""

    def evaluate(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StoppingState:
        """The full state: p-value, claimable recall, whether the target is met."""
        raise NotImplementedError

    def should_stop(self, labels: Sequence[int] | np.ndarray, n_total: int) -> bool:
        """Just the decision, which may be cheaper than `evaluate`."""
        return self.evaluate(labels, n_total).stop

    def first_stop(self, labels: Sequence[int] | np.ndarray, n_total: int, every: int = 1) -> int | None:
        """How many of `labels` (a whole screening order) had been screened when the rule first said stop.

        The rule is checked after every `every` records, as a team that reruns it after each batch would.
        """
        array = _check(labels, n_total)
        for n in range(every, len(array) + 1, every):
            if self.should_stop(array[:n], n_total):
                return n
        return None


@STOPPERS.register
class BuscarStopper(Stopper):
    """Stop when the buscar test rejects "recall < recall_target" at `confidence`."""

    name = "buscar"

    def __init__(self, recall_target: float = 0.95, confidence: float = 0.95, bias: float = 1.0) -> None:
        self.recall_target = recall_target
        self.confidence = confidence
        self.bias = bias

    def _alpha(self) -> float:
        if not 0 < self.confidence < 1:
            raise ModelError(f"confidence must be in (0, 1), not {self.confidence}")
        return 1 - self.confidence

    def should_stop(self, labels: Sequence[int] | np.ndarray, n_total: int) -> bool:
        return buscar_p_value(labels, n_total, self.recall_target, self.bias) < self._alpha()

    def evaluate(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StoppingState:
        alpha = self._alpha()
        array = _check(labels, n_total)
        p_value = buscar_p_value(array, n_total, self.recall_target, self.bias)
        met = p_value < alpha
        return StoppingState(
            rule=self.name,
            recall_target=self.recall_target,
            confidence=self.confidence,
            n_total=n_total,
            n_screened=len(array),
            n_included=int(array.sum()),
            p_value=p_value,
            claimable_recall=claimable_recall(array, n_total, self.confidence, self.bias),
            target_met=met,
            stop=met,
        )
