"""Simulated screening: replay a labelled dataset through exactly the session real screening uses.

The simulation plays the reviewer: it labels the priors, then repeatedly asks the session for its next record
and answers with the known label, until every included record has been screened (or all, if asked).
"""

from __future__ import annotations

from collections.abc import Sequence

from slrflow.errors import ModelError
from slrflow.ranking.model import RankingModel
from slrflow.ranking.session import ScreeningSession

__all__ = ["simulate"]


def simulate(
    record_ids: Sequence[str],
    texts: Sequence[str],
    labels: Sequence[int],
    priors: Sequence[str],
    model: RankingModel | None = None,
    *,
    screen_all: bool = False,
) -> list[tuple[str, int]]:
    """The screening order as (record_id, label) pairs, priors first in the order given."""
    if len(labels) != len(record_ids):
        raise ModelError(f"{len(record_ids)} records but {len(labels)} labels")
    label_of = dict(zip(record_ids, (int(x) for x in labels), strict=True))
    if any(v not in (0, 1) for v in label_of.values()):
        raise ModelError("labels must be 0 or 1")
    if len(set(priors)) != len(priors):
        raise ModelError("a prior record is given twice")
    for prior in priors:
        if prior not in label_of:
            raise ModelError(f"prior record {prior!r} is not in the data")
    session = ScreeningSession(record_ids, texts, model)
    order = [(rid, label_of[rid]) for rid in priors]
    session.record_decisions(order)
    remaining = sum(label_of.values()) - sum(label for _, label in order)
    while screen_all or remaining > 0:
        record_id = session.next_record()
        if record_id is None:
            break
        label = label_of[record_id]
        session.record_decision(record_id, label)
        order.append((record_id, label))
        remaining -= label
    return order
