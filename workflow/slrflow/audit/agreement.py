"""Agreement between two reviewers: percentage agreement and Cohen's kappa over the studies both decided.

Kappa (scikit-learn's cohen_kappa_score) compares the observed agreement p_o with the agreement p_e that two
reviewers deciding independently at their own rates would reach by chance: kappa = (p_o - p_e) / (1 - p_e). When
both reviewers gave every study the same single decision, p_e is 1 and kappa is undefined (None), not 1: there is
no variation to agree on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from sklearn.metrics import cohen_kappa_score

from slrflow.screening.decisions import DECISIONS
from slrflow.screening.state import Settlement

__all__ = ["PairAgreement", "cohen_kappa", "pairwise_agreement", "percent_agreement"]


def percent_agreement(pairs: Sequence[tuple[str, str]]) -> float | None:
    """The share of pairs (0 to 1) where both ratings are equal; None for no pairs."""
    if not pairs:
        return None
    return sum(a == b for a, b in pairs) / len(pairs)


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters over items each rated once by both; None for no items or no variation."""
    first = [a for a, _ in pairs]
    second = [b for _, b in pairs]
    labels = sorted(set(first) | set(second))
    if len(labels) < 2:  # no items, or one decision for everything: chance agreement is 1
        return None
    return float(cohen_kappa_score(first, second, labels=labels))


@dataclass
class PairAgreement:
    """How two reviewers agreed at one stage, on the studies both have a current decision on."""

    stage: str
    reviewer_a: str
    reviewer_b: str
    pairs: list[tuple[str, str, str]] = field(default_factory=list)  # (study, decision of a, decision of b)

    @property
    def n_both(self) -> int:
        return len(self.pairs)

    @property
    def agreement(self) -> float | None:
        return percent_agreement([(a, b) for _, a, b in self.pairs])

    @property
    def kappa(self) -> float | None:
        return cohen_kappa([(a, b) for _, a, b in self.pairs])

    @property
    def n_agree(self) -> int:
        return sum(a == b for _, a, b in self.pairs)

    def table(self) -> dict[tuple[str, str], int]:
        """Counts of (decision of a, decision of b) over every combination of include, exclude and maybe."""
        counts = Counter((a, b) for _, a, b in self.pairs)
        return {(a, b): counts.get((a, b), 0) for a in DECISIONS for b in DECISIONS}


def pairwise_agreement(settlement: Settlement, reviewers: Iterable[str] | None = None) -> list[PairAgreement]:
    """One PairAgreement per pair of reviewers who both decided at least one study at this stage."""
    active = sorted({r for study in settlement.studies.values() for r in study.decisions})
    if reviewers is not None:
        active = [r for r in sorted(set(reviewers)) if r in active]
    result = []
    for a, b in combinations(active, 2):
        pair = PairAgreement(settlement.stage, a, b)
        for study in settlement.studies.values():
            if a in study.decisions and b in study.decisions:
                pair.pairs.append((study.record_id, study.decisions[a].decision, study.decisions[b].decision))
        if pair.pairs:
            result.append(pair)
    return result
