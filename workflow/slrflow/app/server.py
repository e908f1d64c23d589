"""The Flask app: one page (templates/index.html with static/app.js) and a small JSON API over `Review`.

GET  /                     the screening page
GET  /api/settings         review question, criteria, reviewers, mode, reasons, highlight terms
GET  /api/next             ?reviewer=&stage=  the next record and the progress
POST /api/decide           {reviewer, stage, record_id, decision, reason, note} -> saved line, next record
POST /api/undo             {reviewer, stage} -> what was undone, that record (to decide again)
GET  /api/progress         ?reviewer=&stage=
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, jsonify, render_template, request

from slrflow.app.review import Review
from slrflow.app.team_routes import team
from slrflow.errors import DecisionLogError

__all__ = ["create_app"]

HERE = Path(__file__).resolve().parent


def create_app(review: Review) -> Flask:
    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    app.config["REVIEW"] = review
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.register_blueprint(team)  # the record list, conflicts and PDFs: slrflow.app.team_routes

    def next_payload(reviewer: str, stage: str) -> dict[str, Any]:
        record_id = review.next_record(reviewer, stage)
        record = review.record_view(record_id, reviewer, stage) if record_id else None
        return {"record": record, "progress": review.progress(reviewer, stage)}

    @app.errorhandler(ValueError)
    def bad_request(error: ValueError):
        return jsonify(error=str(error)), 400

    @app.errorhandler(DecisionLogError)
    def broken_log(error: DecisionLogError):
        return jsonify(error=f"A decision log cannot be read, fix it and reload: {error}"), 409

    @app.get("/")
    def index():
        return render_template("index.html", title=review.config["review"]["title"])

    @app.get("/api/settings")
    def settings():
        return jsonify(review.settings())

    @app.get("/api/next")
    def next_record():
        return jsonify(next_payload(_arg("reviewer"), _arg("stage")))

    @app.get("/api/progress")
    def progress():
        return jsonify(review.progress(_arg("reviewer"), _arg("stage")))

    @app.post("/api/decide")
    def decide():
        body = _body()
        line = review.decide(
            body["reviewer"],
            body["stage"],
            body["record_id"],
            body["decision"],
            reason=body.get("reason", ""),
            note=body.get("note", ""),
        )
        payload = next_payload(body["reviewer"], body["stage"])
        payload["saved"] = {"record_id": line.record_id, "decision": line.decision, "reason": line.reason}
        return jsonify(payload)

    @app.post("/api/undo")
    def undo():
        body = _body()
        result = review.undo(body["reviewer"], body["stage"])
        payload: dict[str, Any]
        if result.record_id and result.how != "refused":
            payload = {
                "record": review.record_view(result.record_id, body["reviewer"], body["stage"]),
                "progress": review.progress(body["reviewer"], body["stage"]),
            }
        else:
            payload = next_payload(body["reviewer"], body["stage"])
        payload["undo"] = {"how": result.how, "message": result.message, "record_id": result.record_id}
        return jsonify(payload)

    return app


def _arg(name: str) -> str:
    value = request.args.get(name, "")
    if not value:
        raise ValueError(f"the query needs {name}=")
    return value


def _body() -> dict[str, str]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValueError("the request body must be a JSON object")
    for name in ("reviewer", "stage"):
        if not body.get(name):
            raise ValueError(f"the request body needs {name!r}")
    return {key: value if isinstance(value, str) else str(value) for key, value in body.items()}
