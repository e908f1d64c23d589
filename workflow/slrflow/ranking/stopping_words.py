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


def _share(value: float) -> str:
    """A whole percentage that a narrow column does not break from its sign."""
    return percent(value, 0).replace(" ", "\u00a0")


def claim_words(state: Mapping[str, Any] | None) -> str | None:
    """Buscar's verdict in one sentence; None for a state without the test's fields."""
    if not isinstance(state, Mapping) or any(key not in state for key in CLAIM_FIELDS):
        return None
    target, confidence = _share(state["recall_target"]), _share(state["confidence"])
    tested = f"recall ≥\u00a0{target} at {confidence} confidence (p\u00a0=\u00a0{float(state['p_value']):.3f})"
    if state["stop"]:
        return f"you may stop. Shown: {tested}."
    claimable = float(state["claimable_recall"])
    now = f"recall ≥\u00a0{_share(claimable)} can be claimed now" if claimable > 0 else "no recall can be claimed yet"
    return f"keep screening. Not shown yet: {tested}; {now}."


def estimate_words(estimate: Mapping[str, Any] | None) -> str | None:
    """The point-process estimate in one sentence; None for an estimate without RecallEstimate's fields."""
    if not isinstance(estimate, Mapping) or any(key not in estimate for key in ESTIMATE_FIELDS):
        return None
    if not estimate["reliable"]:
        # Recall is estimated as includes found / estimated includes: 0 exactly when none has been found.
        why = "no include found so far" if not estimate["estimated_recall"] else "too few records screened so far"
        return f"not enough screened yet ({why})."
    target = _share(estimate["recall_target"])
    more = int(estimate["more_to_screen_for_target"])
    to_go = (
        f"{target} recall reached on this estimate"
        if more == 0
        else f"about {more:,} more {'record' if more == 1 else 'records'} to screen for {target} recall"
    )
    relevant = int(estimate["estimated_relevant"])
    return (
        f"recall about {_share(estimate['estimated_recall'])}; "
        f"about {relevant:,} {'include' if relevant == 1 else 'includes'} in total; {to_go}."
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
