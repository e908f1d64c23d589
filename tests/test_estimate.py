"""The point-process recall estimate: the fit recovers a known rate, the edge cases, and its coverage when the
includes really come from a falling Poisson rate."""

from __future__ import annotations

import math

import numpy as np
import pytest

from slrflow.errors import ModelError
from slrflow.ranking.estimate import estimate_recall, first_estimated_stop, fit_rate


def poisson_order(rng: np.random.Generator, n_total: int, a: float, k: float, family: str) -> np.ndarray:
    """A screening order whose record i is relevant with probability rate(i) (a Bernoulli thinning)."""
    x = np.arange(n_total) + 0.5
    rate = {"exponential": a * np.exp(-k * x), "hyperbolic": a / (1 + k * x), "power": a * (1 + x) ** -k}[family]
    return (rng.random(n_total) < np.clip(rate, 0, 1)).astype(int)


def test_fit_recovers_a_known_exponential_decay():
    labels = poisson_order(np.random.default_rng(1), 20000, 0.5, 0.002, "exponential")
    a, k = fit_rate(labels[:3000], "exponential")
    assert k == pytest.approx(0.002, rel=0.15)
    assert a == pytest.approx(0.5, rel=0.15)


def test_random_order_is_a_constant_rate():
    # Includes spread evenly: no fall to fit, so the rest of the records hold as many per record as the screened.
    labels = np.zeros(1000, dtype=int)
    labels[25::50] = 1  # 20 in 1000, centred: no fall at all
    a, k = fit_rate(labels, "hyperbolic")
    assert k == 0 and a == pytest.approx(0.02)
    estimate = estimate_recall(labels, 2000, family="hyperbolic", quantile=0.5, window=1.0, predictive=False)
    assert estimate.expected_relevant_left == pytest.approx(20.0)
    assert estimate.estimated_relevant in (39, 40)
    assert not estimate.target_reached


def test_edge_cases():
    assert estimate_recall([], 10).estimated_relevant == 0 and not estimate_recall([], 10).reliable
    done = estimate_recall([1, 0, 1, 0], 4)
    assert done.estimated_recall == 1.0 and done.more_to_screen_for_target == 0 and done.target_reached
    nothing = estimate_recall([0] * 50, 100)
    assert nothing.estimated_recall == 0.0 and not nothing.target_reached
    with pytest.raises(ModelError):
        estimate_recall([0, 2], 10)
    with pytest.raises(ModelError):
        estimate_recall([1], 10, quantile=1.0)
    with pytest.raises(ModelError):
        estimate_recall([1], 10, family="linear")


def test_a_long_run_of_excludes_reaches_the_target_but_not_before_min_screened():
    labels = [1] * 40 + [0] * 560
    plain = {"family": "exponential", "quantile": 0.5, "window": 1.0, "fall_test": None, "predictive": False}
    late = estimate_recall(labels, 2000, min_screened=0.1, **plain)
    assert late.target_reached and late.estimated_recall >= 0.95 and late.more_to_screen_for_target == 0
    early = estimate_recall(labels[:100], 2000, min_screened=0.1, **plain)  # 5 % screened, below min_screened 10 %
    assert not early.reliable and not early.target_reached
    assert "estimate, not a claim" in early.note


def test_more_to_screen_follows_the_fitted_curve():
    rng = np.random.default_rng(3)
    labels = poisson_order(rng, 5000, 0.3, 0.004, "exponential")
    estimate = estimate_recall(
        labels[:400], 5000, family="exponential", quantile=0.5, min_screened=0.0, window=1.0, predictive=False
    )
    assert not estimate.target_reached and 0 < estimate.more_to_screen_for_target < 4600
    # Screening that many more, the fitted curve expects the target share of the estimated total found.
    a, k = fit_rate(labels[:400], "exponential")
    expected_found = a * (1 - math.exp(-k * (400 + estimate.more_to_screen_for_target))) / k
    assert expected_found == pytest.approx(0.95 * estimate.estimated_relevant, abs=1.0)


@pytest.mark.parametrize("family", ["exponential", "hyperbolic", "power"])
def test_coverage_when_the_model_is_right(family):
    # The 90 % quantile estimate of the relevant records is at least the true total in about 90 % of orders drawn
    # from the model itself. Checked after every 2 % of the records, the estimate has many chances to err low,
    # so at its first stop the true recall reaches 0.95 less often than that, but still in most orders.
    rng = np.random.default_rng(7)
    k = {"exponential": 0.004, "hyperbolic": 0.02, "power": 0.5}[family]
    covered, reached, runs = 0, 0, 100
    for _ in range(runs):
        labels = poisson_order(rng, 3000, 0.4, k, family)
        total = int(labels.sum())
        head = labels[:600]
        params = {"family": family, "quantile": 0.9, "min_screened": 0.1, "window": 1.0}
        covered += estimate_recall(head, 3000, **params).estimated_relevant >= total
        stop = first_estimated_stop(labels, 3000, every=60, **params)
        reached += (int(labels[:stop].sum()) if stop else total) >= 0.95 * total
    assert covered / runs >= 0.8
    assert reached / runs >= 0.8


def test_rank_review_writes_the_estimate_beside_the_claim():
    from slrflow.ranking.pipeline import rank_review

    records = [{"record_id": f"r{i}", "title": f"peer support study {i}" if i < 12 else f"beta blocker trial {i}"}
               for i in range(200)]  # fmt: skip
    statuses = {f"r{i}": "include" for i in range(10)} | {f"r{i}": "exclude" for i in range(10, 120)}
    stopping = rank_review(records, statuses).stopping
    estimate = stopping["estimate"]
    assert set(estimate) >= {"method", "estimated_recall", "estimated_relevant", "more_to_screen_for_target"}
    assert "estimate, not a claim" in estimate["note"]
    assert estimate["estimated_relevant"] >= 10 and 0 < estimate["estimated_recall"] <= 1
    assert stopping["claimable_recall"] <= 1  # the claim stays buscar's, beside it


def test_the_rate_integral_is_the_integral_of_the_rate():
    from scipy.integrate import quad

    from slrflow.ranking.estimate import log_mass

    for family, k in [("exponential", 0.003), ("hyperbolic", 0.05), ("power", 0.6), ("power", 1.0), ("power", 1.7)]:

        def rate(x: float, family: str = family, k: float = k) -> float:
            return {"exponential": math.exp(-k * x), "hyperbolic": 1 / (1 + k * x), "power": (1 + x) ** -k}[family]

        for start, end in [(0, 100), (250, 3000)]:
            numeric = quad(rate, start, end, limit=200)[0]
            assert math.exp(log_mass(start, end, k, family)) == pytest.approx(numeric, rel=1e-6), (family, k)


def test_fit_recovers_a_known_power_law():
    # Over six orders (about 85 includes each) the fitted exponent is within 0.1 of the true 0.5.
    x = np.arange(20000) + 0.5
    for seed in range(6):
        labels = (np.random.default_rng(seed).random(len(x)) < 0.3 * (1 + x) ** -0.5).astype(int)
        a, k = fit_rate(labels, "power")
        assert k == pytest.approx(0.5, abs=0.1)
        assert a == pytest.approx(0.3, rel=1.0)


@pytest.mark.parametrize("family", ["exponential", "hyperbolic", "power"])
@pytest.mark.parametrize("window", [1.0, 0.5])
def test_on_a_random_order_the_estimated_total_is_unbiased_once_the_fall_is_tested(family, window):
    # A random order has a constant rate. Fitted freely, k >= 0 takes up noise that front-loads the includes but
    # not the reverse, so the expected total (found + expected left) falls short of the true total on average;
    # with the fall kept only where a likelihood-ratio test at 5 % rejects a constant rate, it averages the truth.
    rng = np.random.default_rng(5)
    n_total, relevant, free, tested = 2000, 60, [], []
    for _ in range(200):
        labels = np.zeros(n_total, dtype=int)
        labels[rng.choice(n_total, relevant, replace=False)] = 1
        head = labels[:800]
        for errors, fall_test in ((free, None), (tested, 0.05)):
            estimate = estimate_recall(
                head, n_total, family=family, window=window, min_screened=0.0, fall_test=fall_test
            )
            errors.append(int(head.sum()) + estimate.expected_relevant_left - relevant)
    assert float(np.mean(free)) < -0.05 * relevant
    assert abs(float(np.mean(tested))) < 0.05 * relevant


def test_the_window_fits_the_recent_rate():
    # 40 includes in the first 200 records, then one every 100: fitted to the last half, the rate is the recent
    # one, so 10 more are expected in the next 1000 records; fitted to all, the early burst sets the curve and an
    # exponential expects almost none.
    labels = np.zeros(1000, dtype=int)
    labels[2:200:5] = 1
    labels[250::100] = 1
    recent = estimate_recall(labels, 2000, family="exponential", window=0.5, min_screened=0.0, predictive=False)
    assert fit_rate(labels, "exponential", window=0.5) == (pytest.approx(0.01), 0.0)
    assert recent.expected_relevant_left == pytest.approx(10.0)
    # Predictive: the level's posterior after 5 includes in 500 records is Gamma(5 + 1/2, 500), mean 11 in 1000.
    predictive = estimate_recall(labels, 2000, family="exponential", window=0.5, predictive=True)
    assert predictive.expected_relevant_left == pytest.approx(11.0)
    assert recent.window == 0.5 and "last 50%" in recent.method
    whole = estimate_recall(labels, 2000, family="exponential", window=1.0, fall_test=None, predictive=False)
    assert whole.expected_relevant_left < 1.0
    with pytest.raises(ModelError):
        fit_rate(labels, "power", window=0.0)


@pytest.mark.parametrize("family", ["exponential", "hyperbolic", "power"])
def test_the_estimate_is_deterministic(family):
    labels = poisson_order(np.random.default_rng(2), 3000, 0.3, 0.003, "exponential")[:700]
    first = estimate_recall(labels, 3000, family=family, window=0.5).to_dict()
    assert all(estimate_recall(labels, 3000, family=family, window=0.5).to_dict() == first for _ in range(3))


def test_the_knee_rule_on_known_gain_curves():
    from slrflow.ranking.estimate import knee_reached, knee_slope_ratio

    # 50 includes in the first 99 records, one more at 501: the knee is the 99th record, slope 50 / 99 before it
    # and (1 + 1) / 901 after it, a ratio of about 227.5 >= 156 - 51.
    labels = np.zeros(1000, dtype=int)
    labels[:100:2] = 1
    labels[500] = 1
    assert knee_slope_ratio(labels) == pytest.approx(50 / 99 * 901 / 2)
    assert knee_reached(labels) and not knee_reached(labels[:120], min_records=150)
    # A random order has no knee to speak of.
    rng = np.random.default_rng(4)
    shuffled = rng.permutation(labels)
    assert knee_slope_ratio(shuffled) < 6 and not knee_reached(shuffled)
    assert knee_slope_ratio(np.zeros(10, dtype=int)) == 0.0


def test_the_predictive_quantile_counts_the_uncertainty_of_the_rate():
    # 15 includes among 2,000 records in random order, 400 screened: about 3 found, so the rate is known only
    # roughly. The plug-in Poisson 90 % quantile of the includes left covers the true number in little more than
    # half of the orders; the predictive one (rate uncertain too) in most of them.
    rng = np.random.default_rng(9)
    covered = {False: 0, True: 0}
    for _ in range(300):
        labels = np.zeros(2000, dtype=int)
        labels[rng.choice(2000, 15, replace=False)] = 1
        head = labels[:400]
        for predictive in covered:
            estimate = estimate_recall(
                head,
                2000,
                family="hyperbolic",
                quantile=0.9,
                min_screened=0.0,
                window=1.0,
                fall_test=0.05,
                predictive=predictive,
            )
            covered[predictive] += estimate.estimated_relevant >= 15
    assert covered[False] / 300 < 0.6 and covered[True] / 300 > 0.75
    # No include in the window: the fitted level is 0, the predictive count is not.
    labels = np.array([1] * 5 + [0] * 195)
    assert estimate_recall(labels, 1000, window=0.5, predictive=False).expected_relevant_left == 0
    assert estimate_recall(labels, 1000, window=0.5, predictive=True, quantile=0.9).estimated_relevant > 5
