"""`slrflow rank` as a library call: rank a review's records from its title/abstract decisions.

    result = rank_review(records, statuses, first_decided_at, query=..., seed=0)
    result.ranking, result.queue, result.model_card, result.stopping

The model trains on studies with status include (1) and exclude (0); the queue is the pending studies in the
order the querier proposes; the stopping rule reads the decided studies (include, maybe and exclude; maybe goes
on to full text, so it counts as relevant here) in the order of their first decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from slrflow.errors import ModelError
from slrflow.ranking.estimate import estimate_recall
from slrflow.ranking.model import RankingModel, library_versions
from slrflow.ranking.session import ScreeningSession, excludes_in_a_row
from slrflow.ranking.stopping import BuscarStopper, StoppingState
from slrflow.screening.state import STUDY_STATUSES

__all__ = ["RankResult", "decision_order", "rank_review", "stopping_figures"]

TRAINING_LABEL: dict[str, int] = {"include": 1, "exclude": 0}
STOPPING_LABEL: dict[str, int] = {"include": 1, "maybe": 1, "exclude": 0}


@dataclass
class RankResult:
    ranking: list[dict[str, Any]]
    queue: list[dict[str, Any]]
    model_card: dict[str, Any]
    stopping: dict[str, Any]
    progress: list[int] = field(default_factory=list)  # stopping labels in decision order
    stop_at: int | None = None  # records screened when the rule first said stop, if it has


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def decision_order(
    record_ids: Sequence[str], statuses: Mapping[str, str], first_decided_at: Mapping[str, str]
) -> list[str]:
    """Decided studies (include, maybe, exclude) in the order of their first decision.

    Studies without a readable time come first, so they never pose as the most recent decisions the stopping
    test looks at; ties keep record order.
    """
    position = {rid: i for i, rid in enumerate(record_ids)}
    decided = [rid for rid in record_ids if statuses.get(rid) in STOPPING_LABEL]
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(decided, key=lambda rid: (_when(first_decided_at.get(rid)) or epoch, position[rid]))


def stopping_figures(stopper: BuscarStopper, labels: Sequence[int], n_total: int) -> dict[str, Any]:
    """The claim (the stopper's test, StoppingState's fields) and, under `estimate`, where recall most likely is
    (RecallEstimate's fields at the stopper's recall target), both from the same labels in screening order."""
    state: StoppingState = stopper.evaluate(labels, n_total)
    return state.to_dict() | {"estimate": estimate_recall(labels, n_total, stopper.recall_target).to_dict()}


def rank_review(
    records: Sequence[Mapping[str, Any]],
    statuses: Mapping[str, str],
    first_decided_at: Mapping[str, str] | None = None,
    *,
    query: str | None = None,
    seed: int = 0,
    recall_target: float = 0.95,
    confidence: float = 0.95,
    model: RankingModel | None = None,
) -> RankResult:
    """Rank every record, list the pending ones to screen next, and say whether screening may stop."""
    first_decided_at = first_decided_at or {}
    unknown = sorted({s for s in statuses.values() if s not in STUDY_STATUSES})
    if unknown:
        raise ModelError(f"unknown screening status {unknown[0]!r}; known: {', '.join(sorted(STUDY_STATUSES))}")
    record_ids = [str(r["record_id"]) for r in records]
    status_of = {rid: statuses.get(rid, "pending") for rid in record_ids}
    decisions = [(rid, TRAINING_LABEL[status_of[rid]]) for rid in record_ids if status_of[rid] in TRAINING_LABEL]
    session = ScreeningSession.from_records(records, decisions, query=query, seed=seed, model=model)
    identity = session.model.identity() if session.mode == "classifier" else session.mode
    by_score = np.lexsort((np.arange(len(record_ids)), -session.scores))
    ranking = [
        {
            "record_id": record_ids[i],
            "score": round(float(session.scores[i]), 6),
            "rank": rank,
            "status": status_of[record_ids[i]],
            "model": identity,
        }
        for rank, i in enumerate(by_score, start=1)
    ]
    order = decision_order(record_ids, status_of, first_decided_at)
    progress = [STOPPING_LABEL[status_of[rid]] for rid in order]
    session.excludes_in_a_row = excludes_in_a_row(progress)  # the decisions were told in record order
    pending = np.array([status_of[rid] == "pending" for rid in record_ids])
    queue_order = session.order(pending)
    queue = []
    for rank, i in enumerate(queue_order, start=1):
        record = records[int(i)]
        queue.append(
            {
                "rank": rank,
                "record_id": record_ids[i],
                "score": round(float(session.scores[i]), 6),
                **{k: record.get(k, "") for k in ("title", "authors", "year", "journal", "doi", "abstract")},
            }
        )
    stopper = BuscarStopper(recall_target=recall_target, confidence=confidence)
    figures = stopping_figures(stopper, progress, len(record_ids))
    stop_at = stopper.first_stop(progress, len(record_ids), every=max(1, len(progress) // 200))
    card = session.describe()
    card["model"] = identity
    card["mode_explained"] = {
        "classifier": "trained on include (1) and exclude (0) decisions; scores are classifier scores",
        "query_similarity": "no include and exclude to learn from yet: TF-IDF cosine similarity to the query "
        "(--query) and to any includes",
        "input_order": "no decisions and no query: records in input order, score 0",
    }[session.mode]
    card["classifier_model"] = session.model.identity()
    card["library_versions"] = library_versions()
    card["status_counts"] = {s: sum(1 for v in status_of.values() if v == s) for s in sorted(STUDY_STATUSES)}
    card["decisions_for_unknown_records"] = sorted(set(statuses) - set(record_ids))
    estimate = figures.pop("estimate")
    stopping = figures | {
        "screened_in_decision_order": len(progress),
        "first_stop_at": stop_at,
        "note": "buscar hypergeometric test (Callaghan & Müller-Hansen 2020) over the decided studies in the "
        "order of their first decision; maybe counts as relevant; conflict and pending count as unscreened",
        "estimate": estimate,
    }
    return RankResult(ranking, queue, card, stopping, progress, stop_at)
