"""The app's ranking: one current order of the records, retrained in a background thread after each decision.

The reviewer is never kept waiting for a model. A decision only marks the ranking stale; the next record comes
at once from the current order (skipping what is decided), and a worker thread retrains on the latest labels and
swaps the new order in when it is ready. Decisions made while it trains are picked up by the next round.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from slrflow.errors import ModelError

if TYPE_CHECKING:
    from slrflow.ranking.model import RankingModel
    from slrflow.screening.state import StudyStatus

__all__ = ["Labels", "Ranking", "Reranker", "SessionRanker", "training_labels", "workflow_ranking"]


@dataclass(frozen=True)
class Labels:
    """A snapshot of what the model may learn from, taken under the review's lock."""

    version: int
    train: Mapping[int, int]  # record position -> 1 (include) or 0 (exclude)
    screened: Sequence[int]  # 0/1 per screened record in screening order, for the stopping rule


@dataclass(frozen=True)
class Ranking:
    order: np.ndarray  # record positions, first to screen first
    version: int  # the Labels.version it was trained on; -1 before any training
    model: str
    n_train: int = 0
    stopping: dict[str, Any] | None = None
    error: str = ""


class SessionRanker:
    """The ranking package's ScreeningSession, kept in step with the decision logs.

    The session extracts features once (in the worker thread, so the app starts at once) and owns the model and
    its retraining schedule; this class only tells it which labels changed since the last round. A label can
    also disappear (an undo, or include changed to maybe): the session then forgets it and re-ranks.
    """

    def __init__(
        self,
        record_ids: Sequence[str],
        texts: Sequence[str],
        *,
        query_text: str,
        model: RankingModel,
    ) -> None:
        self.record_ids = list(record_ids)
        self.texts = list(texts)
        self.query_text = query_text
        self.model = model
        self._position = {rid: i for i, rid in enumerate(self.record_ids)}
        self._session: Any = None
        self._labels: dict[int, int] = {}

    @classmethod
    def for_review(cls, records: Sequence[Mapping[str, str]], query_text: str, model: RankingModel) -> SessionRanker:
        """One for a review's deduplicated records, ranked by their text as `slrflow rank` ranks them."""
        from slrflow.ranking.features import record_text

        return cls(
            [row["record_id"] for row in records],
            [record_text(row) for row in records],
            query_text=query_text,
            model=model,
        )

    def fit(self) -> SessionRanker:
        from slrflow.ranking.session import ScreeningSession

        self._session = ScreeningSession(self.record_ids, self.texts, self.model, query=self.query_text)
        return self

    def describe(self) -> str:
        session = self._session
        mode = session.mode.replace("_", " ")
        if session.proposing_by != "model":
            mode += f"; {session.excludes_in_a_row} excludes in a row: proposing by {session.proposing_by} alone"
        return f"{session.model.identity()} ({mode})"

    def rank(self, labels: Mapping[int, int], screened: Sequence[int] = ()) -> np.ndarray:
        """The record positions in the order to screen, after learning `labels`; `screened` is the labels in
        screening order (Labels.screened), which says how many excludes in a row the queue has just shown."""
        from slrflow.ranking.session import UNLABELLED, excludes_in_a_row

        session = self._session
        forgotten = [i for i in self._labels if i not in labels]
        changed = [(self.record_ids[i], y) for i, y in labels.items() if self._labels.get(i) != y]
        for position in forgotten:
            session.labels[position] = UNLABELLED
        if forgotten and not changed and labels:
            # The session re-ranks when it is told a decision; repeat one it holds so that it does so now.
            position, y = next(iter(labels.items()))
            changed = [(self.record_ids[position], y)]
        # With no label left at all there is nothing to tell the session; its scores stay as they were until the
        # next decision, which only changes the order, never which records are shown.
        if changed:
            session.record_decisions(changed)
        self._labels = dict(labels)
        session.excludes_in_a_row = excludes_in_a_row(screened)
        unlabelled = session.labels == UNLABELLED
        # Labelled records go last so that a record whose label the queue does not know yet (an undo that the
        # next round will tell the session) is still found in the order.
        return np.concatenate([session.order(unlabelled), session.order(~unlabelled)]).astype(np.int64)


@dataclass
class _Status:
    wanted: int = 0
    done: int = -1
    running: bool = False
    condition: threading.Condition = field(default_factory=threading.Condition)


class Reranker:
    """Owns the current Ranking of one queue and a worker thread that replaces it when the labels change."""

    def __init__(
        self,
        model: SessionRanker,
        snapshot: Callable[[], Labels],
        *,
        stopper: Callable[[Sequence[int], int], dict[str, Any]] | None = None,
        name: str = "ranking",
        initial: Ranking | None = None,
    ) -> None:
        self._model = model
        self._snapshot = snapshot
        self._stopper = stopper
        self._status = _Status()
        n = len(model.record_ids)
        self._current = initial or Ranking(order=np.arange(n), version=-1, model="input order (model not trained yet)")
        self._thread = threading.Thread(target=self._work, name=f"slrflow-{name}", daemon=True)
        self._closed = False
        self._thread.start()

    @property
    def current(self) -> Ranking:
        return self._current

    def request(self, version: int) -> None:
        """The labels are now at `version`: retrain when the worker is free."""
        with self._status.condition:
            self._status.wanted = max(self._status.wanted, version)
            self._status.condition.notify_all()

    def wait(self, version: int, timeout: float = 30.0) -> bool:
        """Block until a ranking trained on `version` or later is current (for tests and benchmarks)."""
        with self._status.condition:
            return self._status.condition.wait_for(lambda: self._status.done >= version, timeout)

    def close(self) -> None:
        with self._status.condition:
            self._closed = True
            self._status.condition.notify_all()

    def _work(self) -> None:
        fitted = False
        broken = ""
        while True:
            with self._status.condition:
                if fitted:
                    self._status.condition.wait_for(lambda: self._closed or self._status.wanted > self._status.done)
                if self._closed:
                    return
            if not fitted:
                try:
                    self._model.fit()
                except (ModelError, ValueError, MemoryError) as error:
                    broken = f"the ranking model cannot be built ({error}); records are shown in input order"
                fitted = True
            try:
                labels = self._snapshot()
                if broken:
                    raise ModelError(broken)
                order = self._model.rank(labels.train, labels.screened)
                stopping = self._stopper(labels.screened, len(order)) if self._stopper else None
                self._current = Ranking(
                    order=order,
                    version=labels.version,
                    model=self._model.describe(),
                    n_train=len(labels.train),
                    stopping=stopping,
                )
            except (ModelError, ValueError) as error:
                # Keep serving the last good order, and say why on screen.
                self._current = Ranking(
                    order=self._current.order, version=labels.version, model=self._current.model, error=str(error)
                )
            with self._status.condition:
                self._status.done = max(self._status.done, labels.version)
                self._status.condition.notify_all()


def training_labels(
    decided: Iterable[StudyStatus], position: Mapping[str, int], key: str, *, version: int, maybe_is_conflict: bool
) -> Labels:
    """What the model for `key` may learn from: every reviewer's decisions for the team key (""), only the
    reviewer's own otherwise. Each study is labelled by its status, as `slrflow rank` labels settled studies."""
    from slrflow.ranking.pipeline import STOPPING_LABEL, TRAINING_LABEL
    from slrflow.screening.state import study_status

    train: dict[int, int] = {}
    screened: list[tuple[datetime, int, int]] = []
    for entry in decided:
        study = entry.record_id
        mine = list(entry.decisions.values()) if not key else [entry.decisions[key]] if key in entry.decisions else []
        if study not in position or not mine:
            continue
        status, _ = study_status(mine, needed=1, maybe_is_conflict=maybe_is_conflict)
        if not key and entry.resolution is not None:
            status = entry.resolution.decision
        if status in TRAINING_LABEL:
            train[position[study]] = TRAINING_LABEL[status]
        if status in STOPPING_LABEL:
            screened.append((min(d.timestamp for d in mine), position[study], STOPPING_LABEL[status]))
    screened.sort()  # by first decision, ties in record order, as slrflow.ranking.pipeline.decision_order
    return Labels(version, train, [label for _, _, label in screened])


def workflow_ranking(path: Path, position: Mapping[str, int]) -> Ranking | None:
    """The workflow's ranking (results/screening/ranking.csv) as an order of record positions, served until the
    app's model has trained, so that the first record shown is the most relevant one; None without one."""
    from slrflow.errors import InputFileError
    from slrflow.tables import read_table

    try:
        rows = read_table(path)
    except (OSError, ValueError, InputFileError):
        return None
    ranked = list(dict.fromkeys(position[row["record_id"]] for row in rows if row.get("record_id") in position))
    if not ranked:
        return None
    rest = sorted(set(range(len(position))) - set(ranked))
    order = np.array(ranked + rest, dtype=np.int64)
    return Ranking(order=order, version=-1, model="the workflow's ranking (results/screening/ranking.csv)")
