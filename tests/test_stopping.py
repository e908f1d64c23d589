"""The buscar stopping rule, checked by hand-computed cases and by its statistical guarantee."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import hypergeom

from slrflow.errors import ModelError
from slrflow.ranking.stopping import BuscarStopper, buscar_p_value, claimable_recall


def test_p_value_by_hand():
    # 100 records; screened 10: 4 includes then 6 excludes. Null: recall < 0.8, i.e. >= floor(4/0.8)+1 = 6
    # includes in all. Window of the last n (n <= 6, no include): urn of 90+n records holding 6 - 4 = 2 includes.
    labels = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    tails = []
    for n in range(1, 11):
        window = labels[-n:]
        k = sum(window)
        tails.append(hypergeom.cdf(k, 90 + n, 6 - (4 - k), n))
    assert buscar_p_value(labels, 100, recall_target=0.8) == pytest.approx(min(tails))


def test_edge_cases():
    assert buscar_p_value([], 10) == 1.0
    assert buscar_p_value([0, 1, 0], 3) == 0.0  # all screened
    assert claimable_recall([0, 1, 0], 3) == 1.0
    assert claimable_recall([], 10) == 0.0
    with pytest.raises(ModelError):
        buscar_p_value([0, 2], 10)
    with pytest.raises(ModelError):
        buscar_p_value([0, 1, 0], 2)
    with pytest.raises(ModelError):
        buscar_p_value([1], 10, recall_target=1.5)


def test_long_run_of_excludes_lets_screening_stop():
    # 100 includes, then 600 excludes of the 900 left: 6 more includes (recall < 0.95) would almost surely have
    # shown up, (300/900)^6 < 0.01; but after 5 excludes nothing can be said yet.
    labels = [1] * 100 + [0] * 600
    assert buscar_p_value(labels, 1000) < 0.01
    assert buscar_p_value(labels[:105], 1000) > 0.5
    state = BuscarStopper(recall_target=0.95, confidence=0.95).evaluate(labels, 1000)
    assert state.stop and state.target_met
    assert state.claimable_recall >= 0.95
    assert state.n_screened == 700 and state.n_included == 100


def test_claimable_recall_agrees_with_p_values():
    rng = np.random.default_rng(0)
    labels = np.r_[rng.random(200) < 0.2, rng.random(300) < 0.01].astype(int)
    claim = claimable_recall(labels, 2000, confidence=0.9)
    assert 0 < claim < 1
    r = int(labels.sum())
    # The claim r / (K - 1) is the bound for the smallest rejected null "at least K includes".
    k_rejected = round(r / claim) + 1
    assert buscar_p_value(labels, 2000, recall_target=r / k_rejected + 1e-9) < 0.1 or math.isclose(claim, 1)
    # A target a little above the claim is not rejected.
    assert buscar_p_value(labels, 2000, recall_target=min(1.0, claim + 0.02)) >= 0.1


def test_p_value_grows_with_target():
    labels = [1] * 10 + [0] * 150
    p = [buscar_p_value(labels, 800, t) for t in (0.5, 0.8, 0.9, 0.95, 0.99)]
    assert p == sorted(p)


def test_random_order_reaches_target_in_at_least_95_percent_of_runs():
    """Screening in random order is the test's own model: stopping early must be rare (<= 5% of runs)."""
    stopper = BuscarStopper(recall_target=0.9, confidence=0.95)
    n_total, n_relevant, reached, stopped = 400, 30, 0, 0
    for seed in range(40):
        labels = np.zeros(n_total, dtype=int)
        labels[np.random.default_rng(seed).choice(n_total, n_relevant, replace=False)] = 1
        at = stopper.first_stop(labels, n_total, every=10)
        stopped += at is not None
        reached += at is None or labels[:at].sum() / n_relevant >= 0.9
    assert stopped >= 30  # it does stop before the end in most runs
    assert reached / 40 >= 0.95
