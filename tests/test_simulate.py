"""`slrflow simulate`: the ARCHITECTURE.md contract, determinism, and that it ranks better than chance."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from slrflow.cli import main
from slrflow.ranking.features import record_text
from slrflow.ranking.model import RankingModel
from slrflow.ranking.session import ScreeningSession
from slrflow.ranking.simulate import simulate

DATA = "ranking/shoulder_60.csv"


def _rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture()
def data(fixtures, tmp_path):
    path = tmp_path / "data.csv"
    shutil.copy(fixtures / DATA, path)
    rows = _rows(path)
    include = next(r["record_id"] for r in rows if r["label_included"] == "1")
    exclude = next(r["record_id"] for r in rows if r["label_included"] == "0")
    return path, rows, include, exclude


def test_order_follows_contract_and_is_byte_identical(data, tmp_path):
    path, rows, include, exclude = data
    outputs = []
    for name in ("a.csv", "b.csv"):
        out = tmp_path / name
        args = ["simulate", str(path), "--prior", include, "--prior", exclude, "--seed", "3", "--output", str(out)]
        assert main(args) == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    order = _rows(tmp_path / "a.csv")
    assert list(order[0]) == ["record_id", "label"]
    assert [r["record_id"] for r in order[:2]] == [include, exclude]
    labels = {r["record_id"]: r["label_included"] for r in rows}
    assert all(labels[r["record_id"]] == r["label"] for r in order)
    assert len({r["record_id"] for r in order}) == len(order)
    # Up to and including the last included record, and no further.
    assert sum(r["label"] == "1" for r in order) == sum(v == "1" for v in labels.values())
    assert order[-1]["label"] == "1"


def test_screen_all_and_ranking_beats_random(data, tmp_path):
    path, rows, include, exclude = data
    out = tmp_path / "all.csv"
    assert main(["simulate", str(path), "--prior", include, "--prior", exclude, "--all", "--output", str(out)]) == 0
    order = _rows(out)
    assert len(order) == len(rows)
    # Random order would put the 7 other includes at mean position ~29.5 of the 58 non-priors.
    positions = [i for i, r in enumerate(order[2:], start=1) if r["label"] == "1"]
    assert sum(positions) / len(positions) < 20


def test_simulation_is_the_screening_session(data):
    """The simulation's proposals are exactly what a ScreeningSession given the same decisions proposes."""
    _, rows, include, exclude = data
    ids, texts = [r["record_id"] for r in rows], [record_text(r) for r in rows]
    labels = [int(r["label_included"]) for r in rows]
    order = simulate(ids, texts, labels, [include, exclude], RankingModel(random_state=5))
    session = ScreeningSession(ids, texts, RankingModel(random_state=5))
    session.record_decisions(order[:2])
    for record_id, label in order[2:]:
        assert session.next_record() == record_id
        session.record_decision(record_id, label)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: rows[0].update(label_included="yes"), "label_included must be 0 or 1"),
        (lambda rows: rows[1].update(record_id=rows[0]["record_id"]), "empty or repeated"),
    ],
)
def test_bad_data_is_reported_with_line(data, tmp_path, capsys, change, message):
    path, rows, include, _ = data
    change(rows)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["simulate", str(path), "--prior", include, "--output", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert message in err and str(path) in err and "line" in err


def test_unknown_prior_is_an_error(data, tmp_path, capsys):
    path, *_ = data
    assert main(["simulate", str(path), "--prior", "nope", "--output", str(tmp_path / "o.csv")]) == 2
    assert "'nope'" in capsys.readouterr().err


TFIDF_MODEL = {"feature_extractor": "tfidf", "classifier": "logistic"}  # the default before the dense model


@pytest.mark.parametrize("seed", [0, 3])
def test_the_tfidf_model_screens_as_before_its_rejected_options_left(data, fixtures, seed):
    """Moving the measured-and-rejected options out of RankingModel changed its identity, not its rankings."""
    _, rows, include, exclude = data
    with open(fixtures / "ranking" / "shoulder_60_default_order.json", encoding="utf-8") as handle:
        before = json.load(handle)["orders"][str(seed)]
    ids, texts = [r["record_id"] for r in rows], [record_text(r) for r in rows]
    labels = [int(r["label_included"]) for r in rows]
    model = RankingModel(random_state=seed, **TFIDF_MODEL)
    order = simulate(ids, texts, labels, [include, exclude], model, screen_all=True)
    assert [record_id for record_id, _ in order] == before
    session = ScreeningSession(ids, texts, RankingModel(random_state=seed, **TFIDF_MODEL))
    card = session.describe()  # model.json
    assert (card["model"], card["same_rankings_as"]) == ("logistic+tfidf+max@84c6058c", ["logistic+tfidf+max@a94ad635"])
    assert RankingModel().get_params().keys() == {
        "feature_extractor",
        "feature_params",
        "classifier",
        "classifier_params",
        "balancer",
        "balancer_params",
        "querier",
        "querier_params",
        "retrain_growth",
        "pseudo_negatives",
        "switch_after",  # added since, acting only on classifiers with views; this one's identity is unchanged
        "random_state",
    }
