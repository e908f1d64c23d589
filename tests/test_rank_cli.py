"""`slrflow rank`: ranking, queue, model card, stopping state and plot from records and decisions."""

from __future__ import annotations

import csv
import json

import pytest

from slrflow.cli import main
from slrflow.ranking.model import RankingModel
from slrflow.ranking.session import ScreeningSession
from slrflow.tables import read_table, write_table

QUERY = (
    "Diagnostic accuracy of physical tests (Hawkins-Kennedy, Neer, empty can, painful arc) for shoulder "
    "impingement and rotator cuff tendon or labrum lesions"
)


@pytest.fixture()
def review(fixtures, tmp_path):
    with open(fixtures / "ranking" / "shoulder_60.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["keywords"] = ""
    records = tmp_path / "records.csv"
    write_table(records, rows, ["record_id", "title", "abstract", "authors", "year", "journal", "doi", "keywords"])
    return tmp_path, records, rows


def _run(tmp_path, records, decisions=None, *extra):
    out = tmp_path / "out"
    args = ["rank", str(records), "--output", str(out / "ranking.csv"), "--queue", str(out / "queue.csv")]
    args += ["--model-card", str(out / "model.json"), "--stopping", str(out / "stopping.json")]
    args += ["--plot", str(out / "recall_progress.png"), "--seed", "1", *extra]
    if decisions is not None:
        args += ["--decisions", str(decisions)]
    assert main(args) == 0
    return out


def _decisions(tmp_path, rows, statuses):
    path = tmp_path / "title_abstract.csv"
    lines = [
        {"record_id": r["record_id"], "status": statuses.get(r["record_id"], "pending"),
         "first_decided_at": f"2026-11-{1 + i // 24:02d}T{i % 24:02d}:00:00+00:00"}
        for i, r in enumerate(rows)
    ]  # fmt: skip
    write_table(path, lines, ["record_id", "status", "first_decided_at"])
    return path


def test_without_training_data_ranks_by_query_similarity(review):
    tmp_path, records, rows = review
    out = _run(tmp_path, records, None, "--query", QUERY)
    card = json.loads((out / "model.json").read_text())
    assert card["mode"] == "query_similarity"
    assert "query" in card["mode_explained"]
    ranking = read_table(out / "ranking.csv")
    assert [r["rank"] for r in ranking] == [str(i) for i in range(1, len(rows) + 1)]
    assert {r["model"] for r in ranking} == {"query_similarity"}
    # The query pulls included studies up: far more includes in the top 10 than the 8/60 base rate predicts.
    label = {r["record_id"]: r["label_included"] for r in rows}
    assert sum(label[r["record_id"]] == "1" for r in ranking[:10]) >= 3
    queue = read_table(out / "queue.csv")
    assert len(queue) == len(rows)
    assert list(queue[0])[:3] == ["rank", "record_id", "score"]


def test_with_decisions_trains_and_queues_pending_only(review):
    tmp_path, records, rows = review
    statuses = {}
    for r in rows[:30]:
        statuses[r["record_id"]] = "include" if r["label_included"] == "1" else "exclude"
    statuses[rows[30]["record_id"]] = "maybe"
    statuses[rows[31]["record_id"]] = "conflict"
    out = _run(tmp_path, records, _decisions(tmp_path, rows, statuses))
    card = json.loads((out / "model.json").read_text())
    assert card["mode"] == "classifier"
    assert card["model"] == RankingModel().identity()
    counts = card["training_counts"]
    assert counts["included"] + counts["excluded"] == 30
    assert card["seed"] == 1
    assert {"scikit-learn", "numpy", "slrflow"} <= set(card["library_versions"])
    queue = read_table(out / "queue.csv")
    assert {q["record_id"] for q in queue} == {r["record_id"] for r in rows[32:]}
    ranking = read_table(out / "ranking.csv")
    assert len(ranking) == len(rows)
    assert [float(r["score"]) for r in ranking] == sorted((float(r["score"]) for r in ranking), reverse=True)
    # The pending records come in the order the screening session itself would propose.
    session = ScreeningSession(
        [r["record_id"] for r in rows],
        [f"{r['title']}\n{r['abstract']}" if r["abstract"] else r["title"] for r in rows],
        RankingModel(random_state=1),
    )
    session.record_decisions(
        [(k, 1 if v == "include" else 0) for k, v in statuses.items() if v in ("include", "exclude")]
    )
    assert queue[0]["record_id"] == session.next_record()
    stopping = json.loads((out / "stopping.json").read_text())
    assert stopping["rule"] == "buscar"
    assert stopping["screened_in_decision_order"] == 31  # maybe counts, conflict does not
    assert 0 <= stopping["p_value"] <= 1 and stopping["stop"] is False
    assert (out / "recall_progress.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "recall_progress.svg").read_text().lstrip().startswith("<?xml")


def test_outputs_are_reproducible(review):
    tmp_path, records, rows = review
    statuses = {r["record_id"]: ("include" if r["label_included"] == "1" else "exclude") for r in rows[:20]}
    decisions = _decisions(tmp_path, rows, statuses)
    first = _run(tmp_path, records, decisions)
    snapshot = {p.name: p.read_bytes() for p in first.iterdir() if p.suffix in {".csv", ".json", ".svg"}}
    again = _run(tmp_path, records, decisions)
    assert snapshot == {name: (again / name).read_bytes() for name in snapshot}


def test_unknown_status_names_file_and_line(review, capsys):
    tmp_path, records, rows = review
    decisions = _decisions(tmp_path, rows, {rows[2]["record_id"]: "accepted"})
    out = tmp_path / "o"
    code = main(
        ["rank", str(records), "--decisions", str(decisions), "--output", str(out / "r.csv"),
         "--queue", str(out / "q.csv"), "--model-card", str(out / "m.json"), "--stopping", str(out / "s.json")]
    )  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "line 4" in err and "'accepted'" in err


def test_rank_takes_query_model_seed_and_stopping_from_the_config(review, repo):
    """The rank rule passes only --config: the query, the model and the stopping rule come from there, built by
    slrflow.screening.model as the screening app builds them."""
    import yaml

    from slrflow.config import load_config
    from slrflow.screening.model import build_model, query_text

    tmp_path, records, _ = review
    config = yaml.safe_load((repo / "config" / "config.yaml").read_text(encoding="utf-8"))
    config["ranking"] = {"classifier": "svm", "seed": 7}
    config["stopping"] = {"recall_target": 0.9, "confidence": 0.8}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    out = tmp_path / "out"
    args = ["rank", str(records), "--config", str(path), "--output", str(out / "ranking.csv")]
    args += ["--queue", str(out / "queue.csv"), "--model-card", str(out / "model.json")]
    assert main([*args, "--stopping", str(out / "stopping.json")]) == 0
    card = json.loads((out / "model.json").read_text(encoding="utf-8"))
    loaded = load_config(path)
    assert card["query"] == query_text(loaded)
    assert card["classifier_model"] == build_model(loaded).identity()
    assert "svm" in card["classifier_model"]
    stopping = json.loads((out / "stopping.json").read_text(encoding="utf-8"))
    assert (stopping["recall_target"], stopping["confidence"]) == (0.9, 0.8)
