"""The two stopping figures in words, one wording for the screening app and the audit page.

The CLAIM is buscar's test (slrflow.ranking.stopping.StoppingState): what recall a team may publish at a stated
confidence. The ESTIMATE is the point process's (slrflow.ranking.estimate.RecallEstimate): where recall most
likely is. They are always shown apart, the estimate under its own label, so that it never reads as the claim.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "CLAIM_LABEL",
    "ESTIMATE_CAVEAT",
    "ESTIMATE_LABEL",
    "claim_words",
    "estimate_words",
    "in_words",
    "percent",
]

CLAIM_LABEL = "The claim (buscar stopping rule)"
ESTIMATE_LABEL = "An estimate, not a claim"
ESTIMATE_CAVEAT = (
    "An estimate says where recall most likely is; only the claim is backed by the test at the stated confidence."
)
# The fields of StoppingState and of RecallEstimate each sentence reads.
CLAIM_FIELDS = ("stop", "recall_target", "confidence", "p_value", "claimable_recall")
ESTIMATE_FIELDS = ("reliable", "estimated_recall", "estimated_relevant", "more_to_screen_for_target", "recall_target")


def percent(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f} %"


def claim_words(state: Mapping[str, Any] | None) -> str | None:
    """Buscar's verdict in one sentence; None for a state without the test's fields."""
    if not isinstance(state, Mapping) or any(key not in state for key in CLAIM_FIELDS):
        return None
    target, confidence = percent(state["recall_target"], 0), percent(state["confidence"], 0)
    p_value = f"p = {float(state['p_value']):.3f}"
    if state["stop"]:
        return f"you may stop: recall ≥ {target} is shown at {confidence} confidence ({p_value})."
    return (
        f"keep screening: recall ≥ {target} is not shown yet at {confidence} confidence ({p_value}); "
        f"recall claimable now: {percent(state['claimable_recall'], 0)}."
    )


def estimate_words(estimate: Mapping[str, Any] | None) -> str | None:
    """The point-process estimate in one sentence; None for an estimate without RecallEstimate's fields."""
    if not isinstance(estimate, Mapping) or any(key not in estimate for key in ESTIMATE_FIELDS):
        return None
    if not estimate["reliable"]:
        # Recall is estimated as includes found / estimated includes: 0 exactly when none has been found.
        why = "no include found so far" if not estimate["estimated_recall"] else "too few of the records screened"
        return f"not enough screened yet ({why})."
    target = percent(estimate["recall_target"], 0)
    more = int(estimate["more_to_screen_for_target"])
    to_go = (
        f"{target} recall reached on this estimate"
        if more == 0
        else f"about {more:,} more {'record' if more == 1 else 'records'} to screen for {target} recall"
    )
    return (
        f"recall about {percent(estimate['estimated_recall'], 0)}, "
        f"about {int(estimate['estimated_relevant']):,} includes in total; {to_go}."
    )


def in_words(stopping: Mapping[str, Any]) -> dict[str, Any]:
    """The stopping state with `words` added: each figure's label and sentence (None where it cannot be said)."""
    return dict(stopping) | {
        "words": {
            "claim_label": CLAIM_LABEL,
            "claim": claim_words(stopping),
            "estimate_label": ESTIMATE_LABEL,
            "estimate": estimate_words(stopping.get("estimate")),
            "estimate_caveat": ESTIMATE_CAVEAT,
        }
    }
