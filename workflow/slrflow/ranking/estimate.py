"""A recall ESTIMATE from the screening so far: where recall most likely is, not what a team may claim.

The claim a team can publish is buscar's (slrflow.ranking.stopping): a test that holds whatever the ranking did.
This module adds the point-process estimate of Sneyd and Stevenson (2019, "Modelling stopping criteria for search
results using Poisson processes", EMNLP-IJCNLP; doi:10.18653/v1/D19-1351): relevant records found along a
ranked screening order are events of an inhomogeneous Poisson process whose rate falls as the ranking goes on.
The rate is fitted to the positions of the includes found so far by maximum likelihood and integrated over the
records not yet screened; that gives the expected number still to be found. The estimate uses the `quantile` of
the Poisson distribution of that number (0.5 is the median), so a higher quantile estimates more relevant
records left, a lower recall, and a later stop.

Two rate functions of position x (records screened), both falling and both from the paper:
    exponential   rate(x) = a exp(-k x)      the tail thins out fast
    hyperbolic    rate(x) = a / (1 + k x)     a long tail: its integral grows without bound, as log(1 + k x)
k = 0 is a constant rate (a random order). The fit needs screening to have gone on long enough for the rate to
show its fall; below `min_screened` (a fraction of the records) the estimate is reported but never says stop.

The defaults (hyperbolic, median, 5 %) were chosen on the tuning half of the shared benchmark datasets by the rule
in benchmarks/ranker/estimate.py; benchmarks/README.md ("Recall estimate") reports them on the other datasets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.stats import poisson

from slrflow.errors import ModelError
from slrflow.ranking.stopping import _check

__all__ = ["RATE_FUNCTIONS", "RecallEstimate", "estimate_recall", "fit_rate"]

RATE_FUNCTIONS = ("exponential", "hyperbolic")
# Decay rates searched, per record: from a near-constant rate to one that halves within a record.
LOG10_K_RANGE = (-9.0, 0.0)


def _integral(x: np.ndarray | float, k: float, family: str) -> np.ndarray | float:
    """The rate's integral from 0 to x with a = 1 (k > 0)."""
    if family == "exponential":
        return -np.expm1(-k * np.asarray(x, dtype=float)) / k
    return np.log1p(k * np.asarray(x, dtype=float)) / k


def _log_rate(x: np.ndarray, k: float, family: str) -> np.ndarray:
    return -k * x if family == "exponential" else -np.log1p(k * x)


def _inverse_integral(value: float, k: float, family: str) -> float:
    """The position x at which the rate's integral (a = 1) reaches `value`; inf where it never does."""
    if family == "exponential":
        return math.inf if k * value >= 1 else -math.log1p(-k * value) / k
    exponent = k * value
    return math.inf if exponent > 700 else math.expm1(exponent) / k


def fit_rate(labels: np.ndarray, family: str) -> tuple[float, float]:
    """Maximum-likelihood (a, k) of the rate from a screening order's labels (record i covers [i, i + 1)).

    With the integral over the screened part fixed to the includes found (the likelihood's condition for a),
    the log-likelihood is sum(log rate(x_i)) - r log(integral(n)), maximised over log10 k; k = 0, a constant
    rate, is compared as well.
    """
    if family not in RATE_FUNCTIONS:
        raise ModelError(f"unknown rate function {family!r}; known: {', '.join(RATE_FUNCTIONS)}")
    n = len(labels)
    positions = np.flatnonzero(labels) + 0.5
    r = len(positions)
    if r == 0:
        return 0.0, 0.0

    def negative_log_likelihood(log10_k: float) -> float:
        k = 10.0**log10_k
        return -(float(_log_rate(positions, k, family).sum()) - r * math.log(float(_integral(n, k, family))))

    best = minimize_scalar(negative_log_likelihood, bounds=LOG10_K_RANGE, method="bounded")
    constant = r * math.log(n)  # k = 0: rate r / n everywhere
    if best.fun >= constant:
        return r / n, 0.0
    k = 10.0**best.x
    return r / float(_integral(n, k, family)), k


@dataclass(frozen=True)
class RecallEstimate:
    """Written to results/screening/stopping.json under `estimate`; every figure is an estimate, not a claim."""

    method: str
    recall_target: float
    quantile: float
    estimated_relevant: int
    estimated_recall: float
    expected_relevant_left: float
    more_to_screen_for_target: int
    target_reached: bool
    reliable: bool
    note: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def estimate_recall(
    labels: Sequence[int] | np.ndarray,
    n_total: int,
    recall_target: float = 0.95,
    family: str = "hyperbolic",
    quantile: float = 0.5,
    min_screened: float = 0.05,
    rate: tuple[float, float] | None = None,
) -> RecallEstimate:
    """The point-process estimate after screening `labels` (in screening order) of `n_total` records.

    `rate` is a fitted (a, k) of `family` for these labels (`fit_rate`), to reuse one fit for several quantiles.
    """
    if not 0 < recall_target <= 1:
        raise ModelError(f"recall target must be in (0, 1], not {recall_target}")
    if not 0 < quantile < 1:
        raise ModelError(f"quantile must be in (0, 1), not {quantile}")
    array = _check(labels, n_total)
    n, r = len(array), int(array.sum())
    n_left = n_total - n
    a, k = rate if rate is not None else fit_rate(array, family)
    if n_left == 0:
        mean_left = 0.0
    elif k == 0:
        mean_left = a * n_left
    else:
        mean_left = a * float(_integral(n_total, k, family) - _integral(n, k, family))
    left = min(int(poisson.ppf(quantile, mean_left)) if mean_left > 0 else 0, n_left)
    relevant = r + left
    recall = r / relevant if relevant else 0.0
    needed = math.ceil(recall_target * relevant) - r  # includes still to find for the target
    if needed <= 0:
        more = 0
    elif k == 0:
        more = n_left if a == 0 else min(n_left, math.ceil(needed / a))
    else:
        reach = _inverse_integral(float(_integral(n, k, family)) + needed / a, k, family)
        more = n_left if math.isinf(reach) else min(n_left, max(0, math.ceil(reach - n)))
    reliable = r > 0 and n >= min_screened * n_total
    return RecallEstimate(
        method=f"point process ({family} rate), Sneyd & Stevenson 2019",
        recall_target=recall_target,
        quantile=quantile,
        estimated_relevant=relevant,
        estimated_recall=round(recall, 4),
        expected_relevant_left=round(mean_left, 2),
        more_to_screen_for_target=more,
        target_reached=reliable and recall >= recall_target,
        reliable=reliable,
        note=(
            f"an estimate, not a claim: the {quantile:.0%} quantile of the relevant records a fitted {family} "
            f"rate expects among the {n_left} unscreened"
            + ("" if reliable else f"; not relied on before {min_screened:.0%} of the records are screened")
        ),
    )


def first_estimated_stop(labels: Sequence[int] | np.ndarray, n_total: int, every: int = 1, **params: Any) -> int | None:
    """How many of `labels` had been screened when the estimate first said the target was reached."""
    array = _check(labels, n_total)
    for n in range(every, len(array) + 1, every):
        if estimate_recall(array[:n], n_total, **params).target_reached:
            return n
    return None
