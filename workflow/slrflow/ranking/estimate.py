"""A recall ESTIMATE from the screening so far: where recall most likely is, not what a team may claim.

The claim a team can publish is buscar's (slrflow.ranking.stopping): a test that holds whatever the ranking did.
This module adds the point-process estimate of Sneyd and Stevenson (2019, "Modelling stopping criteria for search
results using Poisson processes", EMNLP-IJCNLP; doi:10.18653/v1/D19-1351): relevant records found along a
ranked screening order are events of an inhomogeneous Poisson process whose rate falls as the ranking goes on.
The rate is fitted to the positions of the includes found so far by maximum likelihood and integrated over the
records not yet screened; that gives the expected number still to be found. The estimate uses the `quantile` of
the Poisson distribution of that number (0.5 is the median), so a higher quantile estimates more relevant
records left, a lower recall, and a later stop.

Three rate functions of position x (records screened), all falling:
    exponential   rate(x) = a exp(-k x)       the tail thins out fast: its integral is bounded by a / k
    hyperbolic    rate(x) = a / (1 + k x)      a long tail: its integral grows without bound, as log(1 + k x)
    power         rate(x) = a (1 + x)^(-k)     between the two: bounded for k > 1, unbounded for k <= 1
The first two are the 2019 paper's; the power law is among those of Sneyd and Stevenson (2021, "Stopping criteria
for technology assisted reviews based on counting processes", SIGIR; one record's offset keeps the rate finite at
x = 0). k = 0 is a constant rate (a random order). `window` < 1 fits the rate to the last `window` share of the
screened records only (the rate function keeps its origin at the first record): the order comes from a model
retrained as decisions arrive, so its recent part shows the current rate better than its start does.

The fit needs screening to have gone on long enough for the rate to show its fall; below `min_screened` (a
fraction of the records) the estimate is reported but never says stop. The knee method of Cormack and Grossman
(2016, "Engineering quality and reliability in technology-assisted review", SIGIR) is here as well, as a stopping
heuristic to compare against (`knee_reached`); it gives no estimate of recall.

The defaults (power law fitted to the last half screened, the predictive 95 % quantile, at least 20 % screened)
were chosen by the rule in benchmarks/ranker/estimate.py on the tuning half of the shared benchmark datasets,
screened in the order of the default ranking model; benchmarks/README.md ("Recall estimate") reports them on the
other datasets, where they reach the target as often as the issue asks but save a little less than it asks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.stats import chi2, nbinom, poisson

from slrflow.errors import ModelError
from slrflow.ranking.stopping import _check

__all__ = ["RATE_FUNCTIONS", "RecallEstimate", "estimate_recall", "fit_rate", "knee_reached", "knee_slope_ratio"]

RATE_FUNCTIONS = ("exponential", "hyperbolic", "power")
# log10 of k searched, per rate function: decay rates per record from a near-constant rate to one that halves
# within a record; power-law exponents from 0.0001 to 5.
LOG10_K_RANGE = {"exponential": (-9.0, 0.0), "hyperbolic": (-9.0, 0.0), "power": (-4.0, math.log10(5.0))}
# Cormack and Grossman's knee rule: stop when the slope ratio reaches 156 - min(relevant found, 150), and not
# before this many records are screened.
KNEE_MIN_RECORDS = 150


def _log_rate(x: np.ndarray, k: float, family: str) -> np.ndarray:
    if family == "exponential":
        return -k * x
    if family == "hyperbolic":
        return -np.log1p(k * x)
    return -k * np.log1p(x)


def log_mass(start: float, end: float, k: float, family: str) -> float:
    """log of the rate's integral from `start` to `end` with a = 1 and k > 0, computed without overflow."""
    if end <= start:
        return -math.inf
    if family == "exponential":
        return -k * start + math.log(-math.expm1(-k * (end - start))) - math.log(k)
    if family == "hyperbolic":
        return math.log(math.log1p(k * (end - start) / (1 + k * start))) - math.log(k)
    p, span = 1.0 - k, math.log1p((end - start) / (1 + start))  # (1+x)^p / p, p = 1 - k
    return p * math.log1p(start) + math.log(span if abs(p) < 1e-12 else math.expm1(p * span) / p)


def _window_start(n: int, window: float) -> int:
    return int(n * (1 - window)) if window < 1 else 0


def fit_rate(
    labels: np.ndarray, family: str, window: float = 1.0, fall_test: float | None = None
) -> tuple[float, float]:
    """Maximum-likelihood (a, k) of the rate from a screening order's labels (record i covers [i, i + 1)).

    Fitted to the records from the start of the window to the last one screened. With the integral over the window
    fixed to the includes found there (the likelihood's condition for a), the log-likelihood is
    sum(log rate(x_i)) - r log(integral), maximised over log10 k; k = 0, a constant rate, is compared as well.
    With `fall_test` (a significance level) the fall is kept only where the likelihood-ratio test rejects a
    constant rate at that level: k >= 0 lets noise that front-loads a random order pass for a fall but not the
    reverse, so an untested fit expects too few includes left where the ranking has found nothing to rank by.
    """
    if family not in RATE_FUNCTIONS:
        raise ModelError(f"unknown rate function {family!r}; known: {', '.join(RATE_FUNCTIONS)}")
    if not 0 < window <= 1:
        raise ModelError(f"window must be in (0, 1], not {window}")
    n = len(labels)
    start = _window_start(n, window)
    positions = np.flatnonzero(labels[start:]) + start + 0.5
    r = len(positions)
    if r == 0:
        return 0.0, 0.0

    def negative_log_likelihood(log10_k: float) -> float:
        k = 10.0**log10_k
        return -(float(_log_rate(positions, k, family).sum()) - r * log_mass(start, n, k, family))

    best = minimize_scalar(negative_log_likelihood, bounds=LOG10_K_RANGE[family], method="bounded")
    constant = r * math.log(n - start)  # k = 0: rate r / (n - start) everywhere
    threshold = 0.0 if fall_test is None else chi2.ppf(1 - fall_test, 1) / 2
    if not best.fun < constant - threshold:
        return r / (n - start), 0.0
    k = 10.0**best.x
    return r * math.exp(-log_mass(start, n, k, family)), k


def _records_to_find(needed: float, a: float, k: float, family: str, n: int, n_left: int) -> int:
    """The records past `n` over which the fitted rate expects `needed` more includes (n_left if it never does)."""
    if a == 0:
        return n_left
    if k == 0:
        return min(n_left, math.ceil(needed / a))
    target = math.log(needed / a)
    if log_mass(n, n + n_left, k, family) < target:
        return n_left
    reach = brentq(lambda d: log_mass(n, n + d, k, family) - target, 1e-9, n_left, xtol=1e-6)
    return min(n_left, max(0, math.ceil(reach - 1e-6)))


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
    window: float = 1.0
    fall_test: float | None = None
    predictive: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def estimate_recall(
    labels: Sequence[int] | np.ndarray,
    n_total: int,
    recall_target: float = 0.95,
    family: str = "power",
    quantile: float = 0.95,
    min_screened: float = 0.2,
    rate: tuple[float, float] | None = None,
    window: float = 0.5,
    fall_test: float | None = None,
    predictive: bool = True,
) -> RecallEstimate:
    """The point-process estimate after screening `labels` (in screening order) of `n_total` records.

    `rate` is a fitted (a, k) of `family` for these labels, `window` and `fall_test` (`fit_rate`), to reuse one
    fit for several quantiles. `predictive` takes the quantile of the predictive distribution of the includes
    left, in which the rate's level is uncertain as well (after r includes in the window, Gamma(r + 1/2) under
    Jeffreys' prior: a negative binomial count); without it, of the Poisson count at the fitted level. The
    difference matters where few includes were found in the window, and where none were: the fitted level is
    then 0 but the predictive one is not.
    """
    if not 0 < recall_target <= 1:
        raise ModelError(f"recall target must be in (0, 1], not {recall_target}")
    if not 0 < quantile < 1:
        raise ModelError(f"quantile must be in (0, 1), not {quantile}")
    array = _check(labels, n_total)
    n, r = len(array), int(array.sum())
    n_left = n_total - n
    a, k = rate if rate is not None else fit_rate(array, family, window, fall_test)
    start = _window_start(n, window)
    if n_left == 0 or n == start:
        ratio = 0.0  # the rate's mass left over its mass in the window
    elif k == 0:
        ratio = n_left / (n - start)
    else:
        ratio = math.exp(log_mass(n, n_total, k, family) - log_mass(start, n, k, family))
    if predictive and ratio > 0:
        shape = int(array[start:].sum()) + 0.5
        mean_left = shape * ratio
        left = min(int(nbinom.ppf(quantile, shape, 1 / (1 + ratio))), n_left)
    else:
        mean_left = a * (n_left if k == 0 or n_left == 0 else math.exp(log_mass(n, n_total, k, family)))
        left = min(int(poisson.ppf(quantile, mean_left)) if mean_left > 0 else 0, n_left)
    relevant = r + left
    recall = r / relevant if relevant else 0.0
    needed = math.ceil(recall_target * relevant) - r  # includes still to find for the target
    more = 0 if needed <= 0 else _records_to_find(needed, a, k, family, n, n_left)
    reliable = r > 0 and n >= min_screened * n_total
    fitted_on = "" if window >= 1 else f", fitted to the last {window:.0%} screened"
    fitted_on += "" if fall_test is None else f", fall tested at {fall_test:g}"
    fitted_on += ", predictive" if predictive else ""
    return RecallEstimate(
        method=f"point process ({family} rate{fitted_on}), Sneyd & Stevenson 2019",
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
            + (", its level uncertain too" if predictive else "")
            + ("" if reliable else f"; not relied on before {min_screened:.0%} of the records are screened")
        ),
        window=window,
        fall_test=fall_test,
        predictive=predictive,
    )


def first_estimated_stop(labels: Sequence[int] | np.ndarray, n_total: int, every: int = 1, **params: Any) -> int | None:
    """How many of `labels` had been screened when the estimate first said the target was reached."""
    array = _check(labels, n_total)
    for n in range(every, len(array) + 1, every):
        if estimate_recall(array[:n], n_total, **params).target_reached:
            return n
    return None


def knee_slope_ratio(labels: Sequence[int] | np.ndarray) -> float:
    """Cormack and Grossman's slope ratio of the gain curve (includes found against records screened).

    The knee is the point of the curve farthest above the line from the origin to its end (both axes scaled to
    1); the ratio is the slope before the knee over the slope after it, with one include added after it.
    """
    found = np.cumsum(np.asarray(labels, dtype=np.int64))
    n = len(found)
    if n == 0 or found[-1] == 0:
        return 0.0
    screened = np.arange(1, n + 1)
    knee = int(np.argmax(found / found[-1] - screened / n))  # index of the knee record
    if knee == n - 1:
        return 0.0
    before = found[knee] / (knee + 1)
    after = (found[-1] - found[knee] + 1) / (n - knee - 1)
    return float(before / after)


def knee_reached(labels: Sequence[int] | np.ndarray, min_records: int = KNEE_MIN_RECORDS) -> bool:
    """The knee rule: slope ratio >= 156 - min(includes found, 150), after at least `min_records` screened."""
    array = np.asarray(labels, dtype=np.int64)
    if len(array) < min_records:
        return False
    return knee_slope_ratio(array) >= 156 - min(int(array.sum()), 150)
