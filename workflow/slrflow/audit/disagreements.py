"""Where the model and the humans disagree: studies the humans excluded that the model ranks with the includes,
and studies they included that it ranks with the exclusions.

The tiers come from the model's own view of the decided studies, not from a fixed cut: the top tier is every
score at or above the median score of the included studies (the model ranks the study like a typical include,
or higher), the bottom tier every score at or below the median score of the excluded studies. Only the order of
the scores matters, so the tiers mean the same for probabilities, log-odds or similarities, and for a review
with 2 % or 40 % includes. How surprising a disagreement is: the share of the other decision's studies it is
ranked beyond (an exclusion that outscores 90 % of the includes is more surprising than one that outscores 55 %).
"""

from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Disagreement", "Tiers", "model_disagreements", "tiers"]

EXCLUDED_HIGH = "excluded, model ranks with the includes"
INCLUDED_LOW = "included, model ranks with the exclusions"


@dataclass(frozen=True)
class Tiers:
    top: float | None  # scores at or above this are the model's top tier; None without included studies
    bottom: float | None  # scores at or below this are its bottom tier; None without excluded studies


@dataclass(frozen=True)
class Disagreement:
    kind: str
    record_id: str
    score: float
    surprise: float  # share (0 to 1) of the other decision's studies this one is ranked beyond


def tiers(scores: Mapping[str, float], statuses: Mapping[str, str]) -> Tiers:
    """The top and bottom tiers of a ranking, from the scores of the studies decided include and exclude."""
    included = [scores[rid] for rid, status in statuses.items() if status == "include" and rid in scores]
    excluded = [scores[rid] for rid, status in statuses.items() if status == "exclude" and rid in scores]
    return Tiers(
        top=statistics.median(included) if included else None,
        bottom=statistics.median(excluded) if excluded else None,
    )


def model_disagreements(scores: Mapping[str, float], statuses: Mapping[str, str], top: int) -> list[Disagreement]:
    """The `top` most surprising disagreements, most surprising first (ties in record id order).

    `statuses` holds each study's settled title/abstract status; studies still pending, in conflict or marked
    maybe are no disagreement, whatever their score.
    """
    cut = tiers(scores, statuses)
    included = sorted(scores[rid] for rid, status in statuses.items() if status == "include" and rid in scores)
    excluded = sorted(scores[rid] for rid, status in statuses.items() if status == "exclude" and rid in scores)
    found = []
    for rid, status in statuses.items():
        if rid not in scores:
            continue
        score = scores[rid]
        if status == "exclude" and cut.top is not None and score >= cut.top:
            beyond = bisect_right(included, score) / len(included)
            found.append(Disagreement(EXCLUDED_HIGH, rid, score, beyond))
        elif status == "include" and cut.bottom is not None and score <= cut.bottom:
            beyond = (len(excluded) - bisect_left(excluded, score)) / len(excluded)
            found.append(Disagreement(INCLUDED_LOW, rid, score, beyond))
    found.sort(key=lambda d: (-d.surprise, d.record_id))
    return found[:top]
