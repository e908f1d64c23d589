"""The stopping rule for a supervisor: what recall the team can claim, and how far screening is from its target.

results/screening/stopping.json (written by `slrflow rank`, see slrflow.ranking.stopping.StoppingState) holds the
buscar test's state. The audit adds one figure the file does not hold: about how many more records the team must
screen before the rule is met, found by replaying the test on the decided studies (in the order of their first
decision, as the ranking does) followed by records that turn out not relevant. That is the fewest to expect:
late in prioritised screening most records are not relevant, and each relevant one found pushes the stop further.

An estimate of recall (a point estimate rather than a claim the test backs) may be added to stopping.json under
`estimate`; it is shown as it is, labelled an estimate, never as the claim.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slrflow.ranking.pipeline import STOPPING_LABEL, decision_order
from slrflow.ranking.stopping import buscar_p_value
from slrflow.screening.state import Settlement

__all__ = ["REQUIRED", "StoppingSummary", "more_to_screen", "summarise_stopping"]

# The fields of StoppingState the plain-words summary needs.
REQUIRED = ("recall_target", "confidence", "claimable_recall", "target_met", "n_total", "n_screened", "n_included")


@dataclass(frozen=True)
class StoppingSummary:
    rule: str
    recall_target: float
    confidence: float
    claimable_recall: float
    target_met: bool
    n_total: int
    n_screened: int
    n_included: int
    more_to_screen: int | None  # None when the target is met or the decisions do not match the file
    stale: bool  # the decisions have changed since stopping.json was written
    estimate: dict[str, Any] | None

    @property
    def n_left(self) -> int:
        return self.n_total - self.n_screened


def more_to_screen(labels: Sequence[int], n_total: int, recall_target: float, confidence: float) -> int:
    """The fewest more records to screen, all of them not relevant, before buscar rejects "recall < target".

    Each record screened without a find lowers the p-value, so the smallest such number is found by bisection;
    screening everything always meets the target (the p-value is then 0).
    """
    alpha = 1 - confidence
    labels = list(labels)
    n_left = n_total - len(labels)

    def met(extra: int) -> bool:
        return buscar_p_value(labels + [0] * extra, n_total, recall_target) < alpha

    if met(0):
        return 0
    low, high = 0, n_left  # invariant: not met after `low` more, met after `high` more
    while high - low > 1:
        middle = (low + high) // 2
        if met(middle):
            high = middle
        else:
            low = middle
    return high


def summarise_stopping(stopping: Mapping[str, Any] | None, settlement: Settlement) -> StoppingSummary | None:
    """The state in stopping.json with the records left to screen; None without a file or with one lacking
    any of REQUIRED."""
    if not stopping or any(key not in stopping for key in REQUIRED):
        return None
    target = float(stopping["recall_target"])
    confidence = float(stopping["confidence"])
    n_total = int(stopping["n_total"])
    studies = settlement.studies
    ids = sorted(studies)
    first = {rid: s.first_decided_at.isoformat() for rid, s in studies.items() if s.first_decided_at}
    order = decision_order(ids, {rid: study.status for rid, study in studies.items()}, first)
    labels = [STOPPING_LABEL[studies[rid].status] for rid in order]
    stale = (len(labels), sum(labels)) != (int(stopping["n_screened"]), int(stopping["n_included"]))
    met = bool(stopping["target_met"])
    more = None if met or stale or len(ids) != n_total else more_to_screen(labels, n_total, target, confidence)
    estimate = stopping.get("estimate")
    return StoppingSummary(
        rule=str(stopping.get("rule", "buscar")),
        recall_target=target,
        confidence=confidence,
        claimable_recall=float(stopping["claimable_recall"]),
        target_met=met,
        n_total=n_total,
        n_screened=int(stopping["n_screened"]),
        n_included=int(stopping["n_included"]),
        more_to_screen=more,
        stale=stale,
        estimate=estimate if isinstance(estimate, dict) else None if estimate is None else {"value": estimate},
    )
