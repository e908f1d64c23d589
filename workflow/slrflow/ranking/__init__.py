"""Relevance ranking for title/abstract screening, one role per module (as ASReview splits its models):

    features     FEATURE_EXTRACTORS  record text -> sparse matrix (fitted once, on every record)
    classifiers  CLASSIFIERS         include/exclude from labelled rows -> a score for every record
    balancers    BALANCERS           sample weights against the class imbalance
    queriers     QUERIERS            which unlabelled record to screen next
    stopping     STOPPERS            may screening stop, and what recall can be claimed (buscar)
    model        RankingModel        the components composed by name, their parameters, the retraining schedule
    session      ScreeningSession    the state real screening and simulation share; the web app's entry point
    simulate     simulate            replay a labelled dataset through a ScreeningSession
    pipeline     rank_review         `slrflow rank` as a library call
    plot         plot_recall_progress

The web app keeps one ScreeningSession per review and calls `record_decision(record_id, label)` after each
decision (retraining and re-ranking when the schedule says so) and `next_record()` or `ranking()` for the queue.
"""

from __future__ import annotations

from slrflow.ranking import dense_features  # noqa: F401  registers the tfidf_minilm_onnx features
from slrflow.ranking.model import DEFAULT_MODEL, RankingModel
from slrflow.ranking.pipeline import RankResult, rank_review
from slrflow.ranking.session import ScreeningSession
from slrflow.ranking.simulate import simulate
from slrflow.ranking.stopping import BuscarStopper, StoppingState, buscar_p_value, claimable_recall

__all__ = [
    "DEFAULT_MODEL",
    "BuscarStopper",
    "RankResult",
    "RankingModel",
    "ScreeningSession",
    "StoppingState",
    "buscar_p_value",
    "claimable_recall",
    "rank_review",
    "simulate",
]
