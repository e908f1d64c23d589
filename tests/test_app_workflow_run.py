"""Updating the review from the app: the real workflow, started by POST /api/team/workflow in the background, one
run at a time, followed by GET /api/team/workflow, and read again by the app once it ends.

The review is the shipped example, built once by `snakemake -c2` (test_app_team.built_example) and copied.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from test_app_team import READABLE, example  # noqa: F401 (example is a fixture)

from slrflow.app import Review, create_app
from slrflow.app.workflow_run import workflow_run

RUN_TIMEOUT = 600  # seconds: the example takes about 10 on an idle machine
NEW_RECORD = """TY  - JOUR
AU  - Okafor, Adaeze
TI  - Peer brokerage for people who hold a direct payment: a mixed-methods evaluation
PY  - 2025
T2  - Journal of Adult Social Care Research
ER  -
"""


@pytest.fixture
def client(example: Path) -> Iterator[tuple[object, Review]]:  # noqa: F811 (test_app_team's fixture)
    review = Review(example)
    app = create_app(review)
    test_client = app.test_client()
    test_client.environ_base["HTTP_X_SLRFLOW_TOKEN"] = app.config["SESSION_TOKEN"]  # as the page sends it
    yield test_client, review
    workflow_run(example).wait(RUN_TIMEOUT)  # never leave a run going into the next test's files
    review.close()


def run_to_the_end(test_client, review: Review) -> dict:
    assert workflow_run(review.directory).wait(RUN_TIMEOUT), "the workflow did not finish"
    response = test_client.get("/api/team/workflow")
    assert response.status_code == 200
    return response.get_json()


def test_a_run_matches_the_pdfs_once_at_a_time_and_the_app_serves_what_it_made(client) -> None:
    test_client, review = client
    review_dir = review.directory
    shutil.rmtree(review_dir / "results" / "fulltext")
    assert test_client.get("/api/team/workflow").get_json()["state"] == "idle"

    started = test_client.post("/api/team/workflow", json={})
    assert started.status_code == 202
    run = started.get_json()
    assert run["state"] == "running"
    assert run["command"].endswith(f"-m snakemake -c2 --snakefile {Path(run['command'].split()[-1])}")

    second = test_client.post("/api/team/workflow", json={})
    assert second.status_code == 409
    assert "already running" in second.get_json()["error"]
    assert second.get_json()["run"]["state"] == "running"

    run = run_to_the_end(test_client, review)
    assert (run["state"], run["returncode"], run["errors"]) == ("finished", 0, [])
    assert run["steps"]["done"] == run["steps"]["total"] > 0
    assert run["lines"] and run["started"] <= run["ended"]
    assert (review_dir / "results" / "fulltext" / "matches.csv").is_file()
    assert (review_dir / "results" / "fulltext" / "records" / f"{READABLE}.json").is_file()
    fulltext = test_client.get(f"/api/team/fulltext/{READABLE}").get_json()
    assert fulltext["pdf_url"], fulltext

    again = test_client.post("/api/team/workflow", json={})  # once it has ended, another run may start
    assert again.status_code == 202
    assert run_to_the_end(test_client, review)["state"] == "finished"


def test_records_from_a_new_search_export_reach_the_app_after_the_run(client) -> None:
    test_client, review = client
    review_dir = review.directory
    before = test_client.get("/api/settings").get_json()["n_records"]
    scopus = review_dir / "resources" / "searches" / "scopus.ris"
    scopus.write_text(scopus.read_text(encoding="utf-8-sig") + NEW_RECORD, encoding="utf-8")

    assert test_client.post("/api/team/workflow").status_code == 202
    run = run_to_the_end(test_client, review)
    assert run["state"] == "finished", run["errors"]
    assert f"updated records ({before + 1})" in run["message"]
    assert test_client.get("/api/settings").get_json()["n_records"] == before + 1
    query = {"reviewer": "asha", "stage": "title_abstract", "q": "peer brokerage direct payment mixed-methods"}
    rows = test_client.get("/api/team/records", query_string=query).get_json()["rows"]
    assert [row["title"] for row in rows] == [
        "Peer brokerage for people who hold a direct payment: a mixed-methods evaluation"
    ]
    new_id = rows[0]["record_id"]
    decided = test_client.post(
        "/api/team/decide",
        json={"reviewer": "asha", "stage": "title_abstract", "record_id": new_id, "decision": "include"},
    )
    assert decided.status_code == 200, decided.get_json()
    assert new_id in review.position


@pytest.mark.parametrize("breakage", ["an unreadable search export", "an invalid config"])
def test_a_failed_run_says_what_went_wrong_and_the_app_keeps_working(client, breakage: str) -> None:
    test_client, review = client
    review_dir = review.directory
    if breakage == "an unreadable search export":
        (review_dir / "resources" / "searches" / "cinahl.csv").write_bytes(b"\x00\x01 not a CSV export \xff\xfe")
        expected = ["slrflow: the run stopped. What went wrong:", "results/logs/import.log", "could not be read"]
    else:
        path = review_dir / "config" / "config.yaml"
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        config["screening"]["mode"] = "triple"
        path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        expected = ["WorkflowError", "screening.mode is 'triple'"]

    assert test_client.post("/api/team/workflow", json={}).status_code == 202
    run = run_to_the_end(test_client, review)
    assert (run["state"], run["returncode"] != 0) == ("failed", True)
    errors = "\n".join(run["errors"])
    assert all(text in errors for text in expected), errors
    nxt = test_client.get("/api/next", query_string={"reviewer": "asha", "stage": "title_abstract"})
    assert nxt.status_code == 200


def test_a_forged_request_starts_nothing(client) -> None:
    test_client, review = client
    review_dir = review.directory
    token = test_client.environ_base.pop("HTTP_X_SLRFLOW_TOKEN")
    refused = test_client.post("/api/team/workflow", json={})
    assert refused.status_code == 403
    assert "X-Slrflow-Token" in refused.get_json()["error"]
    assert test_client.post("/api/team/workflow", json={}, headers={"X-Slrflow-Token": "guess"}).status_code == 403

    test_client.environ_base["HTTP_X_SLRFLOW_TOKEN"] = token
    other_site = test_client.post("/api/team/workflow", json={}, headers={"Origin": "http://evil.example"})
    assert other_site.status_code == 403
    rebound = test_client.post("/api/team/workflow", json={}, headers={"Host": "evil.example"})
    assert rebound.status_code == 403
    options = test_client.post("/api/team/workflow", json={"args": ["--delete-all-output"]})
    assert options.status_code == 400
    assert "takes no options" in options.get_json()["error"]

    assert test_client.get("/api/team/workflow").get_json()["state"] == "idle"
    assert not (review_dir / ".snakemake").exists()  # Snakemake never started in the review
