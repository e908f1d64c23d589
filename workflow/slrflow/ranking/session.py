"""A screening session: the state the web app, `slrflow rank` and `slrflow simulate` all share.

    session = ScreeningSession.from_records(records, decisions_so_far, query="...", seed=seed)
    session.record_decision("r0123...", 1)      # retrains if the schedule says so, then re-ranks
    session.next_record()                       # the record to screen next
    session.ranking()                           # every unlabelled record, best first

Features are extracted once, from every record's text (no labels involved). Until both an include and an
exclude are labelled there is nothing to learn from, so records are ranked by TF-IDF cosine similarity to the
review question (`query`) and to the includes found so far; `mode` says which of the two is in use. After a run
of excludes (RankingModel.switch_after) the queue follows each of the classifier's views alone in turn until the
next include; `proposing_by` says whose ranking it follows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from slrflow.errors import ModelError
from slrflow.ranking.features import record_text
from slrflow.ranking.model import FORMER_IDENTITIES, RankingModel

__all__ = ["ScreeningSession", "excludes_in_a_row"]


def excludes_in_a_row(labels: Sequence[int]) -> int:
    """How many excludes (0) end a sequence of labels in screening order: the run since the last include."""
    run = 0
    for label in reversed(labels):
        if label:
            break
        run += 1
    return run


UNLABELLED = -1


class ScreeningSession:
    def __init__(
        self,
        record_ids: Sequence[str],
        texts: Sequence[str],
        model: RankingModel | None = None,
        query: str | None = None,
    ) -> None:
        if len(record_ids) != len(texts):
            raise ModelError(f"{len(record_ids)} record ids but {len(texts)} texts")
        if len(set(record_ids)) != len(record_ids):
            raise ModelError("record ids must be unique; deduplicate the records first")
        if not record_ids:
            raise ModelError("there are no records to rank")
        self.model = (model or RankingModel()).check()
        self.record_ids = list(record_ids)
        self.query = query or ""
        self._index = {rid: i for i, rid in enumerate(self.record_ids)}
        self._features = self.model.build_features()
        self.features = self._features.fit_transform(list(texts))
        self._classifier = self.model.build_classifier()
        self._balancer = self.model.build_balancer()
        self._querier = self.model.build_querier()
        self.labels = np.full(len(self.record_ids), UNLABELLED, dtype=np.int8)
        self.history: list[tuple[str, int]] = []
        # Counted from the decisions in the order they are told; a caller that tells them in another order (a
        # review's decisions, read back from its logs) sets it from the screening order (`excludes_in_a_row`).
        self.excludes_in_a_row = 0
        self._view_scores: tuple[int, list[np.ndarray]] | None = None
        self.n_fits = 0
        self._n_at_last_fit = 0
        self._new_since_fit = 0
        self._include_since_fit = False
        self._fitted = False
        self._query_vector = self._features.transform([self.query]) if self.query.strip() else None
        self.scores = self._similarity_scores()

    @classmethod
    def from_records(
        cls,
        records: Sequence[Mapping[str, Any]],
        decisions: Sequence[tuple[str, int]] = (),
        *,
        query: str | None = None,
        seed: int = 0,
        model: RankingModel | None = None,
    ) -> ScreeningSession:
        """A session over deduplicated records (dicts with record_id, title, abstract, keywords) with the
        include (1) / exclude (0) decisions made so far, trained once: what the web app opens a review with."""
        session = cls(
            [str(r["record_id"]) for r in records],
            [record_text(r) for r in records],
            model if model is not None else RankingModel(random_state=seed),
            query=query,
        )
        session.record_decisions(list(decisions))
        return session

    # -- decisions ------------------------------------------------------------------------------------------
    def record_decision(self, record_id: str, label: int) -> None:
        """Record include (1) or exclude (0) for one record, then retrain and re-rank when the schedule says so.

        This is the call the web app makes after each decision; a changed decision replaces the earlier one.
        """
        self.record_decisions([(record_id, label)])

    def record_decisions(self, decisions: Sequence[tuple[str, int]]) -> None:
        """Record many decisions at once (e.g. from the decision logs) and train once at the end."""
        for record_id, label in decisions:
            index = self._lookup(record_id)
            if label not in (0, 1):
                raise ModelError(f"label of {record_id} must be 1 (include) or 0 (exclude), not {label!r}")
            self.labels[index] = label
            self.history.append((record_id, int(label)))
            self.excludes_in_a_row = 0 if label else self.excludes_in_a_row + 1
        if decisions:
            self._new_since_fit += len(decisions)
            self._include_since_fit |= any(label == 1 for _, label in decisions)
            self._update()

    # -- reading the ranking --------------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        """'classifier' once trained, else 'query_similarity' (or 'input_order' with no query and no include)."""
        if self._fitted:
            return "classifier"
        if self._query_vector is not None or (self.labels == 1).any():
            return "query_similarity"
        return "input_order"

    @property
    def proposing_by(self) -> str:
        """Whose ranking the queue follows now: 'model', or one of the classifier's views after a run of
        `switch_after` excludes (RankingModel)."""
        view = self._view()
        return "model" if view is None else self._classifier.views[view]

    def ranking(self) -> list[str]:
        """The unlabelled record ids, the one to screen first first."""
        return [self.record_ids[i] for i in self.order(self.labels == UNLABELLED)]

    def order(self, candidates: np.ndarray) -> np.ndarray:
        """Positions of the records where the boolean mask `candidates` is True, in the querier's order."""
        return self._querier.order(self._proposal_scores(), candidates, self.n_labelled)

    def next_record(self) -> str | None:
        """The record to screen next, or None when every record is labelled."""
        order = self.order(self.labels == UNLABELLED)
        return self.record_ids[int(order[0])] if len(order) else None

    @property
    def n_labelled(self) -> int:
        return int((self.labels != UNLABELLED).sum())

    def training_counts(self) -> dict[str, int]:
        return {
            "records": len(self.record_ids),
            "included": int((self.labels == 1).sum()),
            "excluded": int((self.labels == 0).sum()),
            "unlabelled": int((self.labels == UNLABELLED).sum()),
            "trainings": self.n_fits,
        }

    def describe(self) -> dict[str, Any]:
        """The model card: which model, with which parameters, trained on what, in which mode."""
        identity = self.model.identity()
        return {
            "model": identity,
            "same_rankings_as": [FORMER_IDENTITIES[identity]] if identity in FORMER_IDENTITIES else [],
            "mode": self.mode,
            "proposing_by": self.proposing_by,
            "excludes_in_a_row": self.excludes_in_a_row,
            "components": self.model.description(),
            "seed": self.model.random_state,
            "training_counts": self.training_counts(),
            "query": self.query,
        }

    # -- internals ------------------------------------------------------------------------------------------
    def _lookup(self, record_id: str) -> int:
        try:
            return self._index[record_id]
        except KeyError:
            raise ModelError(f"record {record_id!r} is not among the {len(self.record_ids)} records") from None

    def _update(self) -> None:
        labelled = self.labels != UNLABELLED
        both = (self.labels == 1).any() and (self.labels == 0).any()
        if not both:
            self._fitted = False
            self.scores = self._similarity_scores()
            return
        if self._fitted and not self.model.retrain_due(
            self._n_at_last_fit, self._new_since_fit, self._include_since_fit
        ):
            return
        rows = np.flatnonzero(labelled)
        y = self.labels[rows].astype(int)
        pseudo, pseudo_weight = self.model.presumed_excludes(
            np.flatnonzero(~labelled), y, self.scores, len(self.labels)
        )
        n_pseudo = len(pseudo)
        if n_pseudo:
            rows = np.concatenate([rows, pseudo])
            y = np.concatenate([y, np.zeros(n_pseudo, dtype=int)])
        weight = self._balancer.sample_weight(y)
        if n_pseudo and pseudo_weight != 1:
            weight[-n_pseudo:] *= pseudo_weight
        self._classifier.fit(self.features[rows], y, sample_weight=weight)
        self.scores = np.asarray(self._classifier.scores(self.features), dtype=float)
        self._fitted = True
        self.n_fits += 1
        self._n_at_last_fit = int(labelled.sum())
        self._new_since_fit = 0
        self._include_since_fit = False

    def _view(self) -> int | None:
        """Which view proposes now (an index into the classifier's views), or None for the model itself."""
        views, switch_after = self._classifier.views, self.model.switch_after
        if not (self._fitted and views and switch_after and self.excludes_in_a_row >= switch_after):
            return None
        return (self.excludes_in_a_row - switch_after) % len(views)

    def _proposal_scores(self) -> np.ndarray:
        view = self._view()
        if view is None:
            return self.scores
        if self._view_scores is None or self._view_scores[0] != self.n_fits:  # once per training
            self._view_scores = (self.n_fits, self._classifier.view_scores(self.features))
        return self._view_scores[1][view]

    def _similarity_scores(self) -> np.ndarray:
        """Cosine similarity to the query plus the centroid of the includes so far (zeros if neither exists)."""
        target = np.zeros(self.features.shape[1])
        if self._query_vector is not None:
            target += self._query_vector.toarray().ravel()
        included = np.flatnonzero(self.labels == 1)
        if len(included):
            target += np.asarray(self.features[included].mean(axis=0)).ravel()
        return np.asarray(self.features @ target, dtype=float).ravel()
