"""The Flask app: one page (templates/index.html with static/app.js) and a small JSON API over `Review`.

GET  /                     the screening page
GET  /api/settings         review question, criteria, reviewers, mode, reasons, highlight terms
GET  /api/next             ?reviewer=&stage=  the next record and the progress
POST /api/decide           {reviewer, stage, record_id, decision, reason, note} -> saved line, next record
POST /api/undo             {reviewer, stage} -> what was undone, that record (to decide again)
GET  /api/progress         ?reviewer=&stage=

The app listens on a loopback address and trusts nobody else. Every request must name a loopback host with the
port the app listens on (a page on another site that rebinds its DNS name to 127.0.0.1 sends its own name, and
is refused); a request that changes state must come from the app's own origin (when the browser says where it
comes from) and carry the session token that the page holds (so neither a form on another site nor a script
that cannot read the page can write a decision). Bodies are JSON objects of at most MAX_BODY bytes; every error
is JSON with an `error` that says what was wrong.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from slrflow.app.review import Review
from slrflow.app.team_routes import team
from slrflow.errors import DecisionLogError

__all__ = ["LOOPBACK_HOSTS", "MAX_BODY", "TOKEN_HEADER", "create_app"]

HERE = Path(__file__).resolve().parent
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})
TOKEN_HEADER = "X-Slrflow-Token"
MAX_BODY = 64 * 1024  # a decision with the longest note the app keeps (review.MAX_NOTE) fits many times over
DECIDE_FIELDS = ("reviewer", "stage", "record_id", "decision")


class RequestRefused(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def create_app(review: Review) -> Flask:
    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    app.config["REVIEW"] = review
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.config["SESSION_TOKEN"] = token = secrets.token_urlsafe(32)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.register_blueprint(team)  # the record list, conflicts and PDFs: slrflow.app.team_routes

    def next_payload(reviewer: str, stage: str) -> dict[str, Any]:
        record_id = review.next_record(reviewer, stage)
        record = review.record_view(record_id, reviewer, stage) if record_id else None
        return {"record": record, "progress": review.progress(reviewer, stage)}

    @app.before_request
    def guard():
        _check_host()
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            _check_origin()
            given = request.headers.get(TOKEN_HEADER, "")
            if not hmac.compare_digest(given.encode(), token.encode()):
                raise RequestRefused(f"the request lacks this session's {TOKEN_HEADER}: reload the page", 403)

    @app.errorhandler(RequestRefused)
    def refused(error: RequestRefused):
        return jsonify(error=str(error)), error.status

    @app.errorhandler(ValueError)
    def bad_request(error: ValueError):
        return jsonify(error=str(error)), 400

    @app.errorhandler(DecisionLogError)
    def broken_log(error: DecisionLogError):
        return jsonify(error=f"A decision log cannot be read, fix it and reload: {error}"), 409

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message = error.description or error.name
        if error.code == 413:
            message = f"the request body is larger than {MAX_BODY:,} bytes"
        return jsonify(error=message), error.code

    @app.get("/")
    def index():
        return render_template("index.html", title=review.config["review"]["title"], token=token)

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
        body = _body(DECIDE_FIELDS)
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
        body = _body(("reviewer", "stage"))
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


def _split_host(host: str) -> tuple[str, str]:
    name, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    return (name, port) if name else (host, "")


def _check_host() -> None:
    """Only a loopback name with the port the app listens on: a rebound DNS name is refused."""
    name, port = _split_host(request.host.lower())
    expected = str(request.environ.get("SERVER_PORT", ""))
    default = "443" if request.scheme == "https" else "80"
    if name not in LOOPBACK_HOSTS or (port or default) != expected:
        raise RequestRefused(
            f"refused: this app answers only to 127.0.0.1 or localhost on port {expected}, not {request.host!r}", 403
        )


def _check_origin() -> None:
    """A state-changing request from a browser must come from the app's own page."""
    origin = request.headers.get("Origin")
    if origin is None:
        return  # not sent by a browser script or form; the session token still has to be right
    expected = f"{request.scheme}://{request.host}".lower()
    if origin.lower() != expected:
        raise RequestRefused(f"refused: a request from {origin!r}, not from this app's page ({expected})", 403)


def _arg(name: str) -> str:
    value = request.args.get(name, "")
    if not value:
        raise ValueError(f"the query needs {name}=")
    return value


def _body(required: tuple[str, ...]) -> dict[str, str]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValueError("the request body must be a JSON object (Content-Type: application/json)")
    for name in required:
        value = body.get(name)
        if not isinstance(value, str) or not value:
            raise ValueError(f"the request body needs {name!r} as a non-empty string")
    for name, value in list(body.items()):
        if value is None:
            body[name] = ""
        elif not isinstance(value, str):
            raise ValueError(f"{name!r} must be a string, not {type(value).__name__}")
    return body
