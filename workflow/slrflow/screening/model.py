"""The ranking model and stopping rule of a review, built from its config: one way for the rank rule and the app.

`slrflow rank --config` (the workflow), the screening app and anything else that ranks a review's records call
these, so the query text, the model's components, its seed and the stopping rule cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slrflow.ranking.model import RankingModel
    from slrflow.ranking.stopping import BuscarStopper

__all__ = ["COMPONENT_KEYS", "build_model", "build_stopper", "model_components", "query_text", "ranking_seed"]

# The keys of config `ranking` that set the ranking model: components by registered name, and the tail switch.
COMPONENT_KEYS: tuple[str, ...] = ("classifier", "feature_extractor", "switch_after")


def query_text(config: Mapping[str, Any]) -> str:
    """The text the ranking starts from before it has includes and excludes: title, question, inclusion criteria."""
    review = config["review"]
    eligibility = review.get("eligibility", {}) or {}
    return " ".join([review["title"], review["question"], *eligibility.get("include", [])])


def model_components(ranking: Mapping[str, Any]) -> dict[str, Any]:
    """The model settings a config `ranking` section gives (COMPONENT_KEYS); absent or empty ones are the default
    model's (0 is a setting: switch_after 0 switches never)."""
    return {name: ranking[name] for name in COMPONENT_KEYS if ranking.get(name) not in (None, "")}


def ranking_seed(config: Mapping[str, Any]) -> int:
    return int((config.get("ranking", {}) or {}).get("seed", 42))


def build_model(config: Mapping[str, Any]) -> RankingModel:
    """The review's ranking model: the default model with the components config names, seeded from config."""
    from slrflow.ranking.model import RankingModel

    return RankingModel(random_state=ranking_seed(config), **model_components(config.get("ranking", {}) or {}))


def build_stopper(config: Mapping[str, Any]) -> BuscarStopper:
    """The stopping rule with the review's recall target and confidence."""
    from slrflow.ranking.stopping import BuscarStopper

    options = config.get("stopping", {}) or {}
    return BuscarStopper(recall_target=options.get("recall_target", 0.95), confidence=options.get("confidence", 0.95))
