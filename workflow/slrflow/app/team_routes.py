"""The team's part of the app: the record list, the conflict screen and the full-text PDFs (a Flask Blueprint).

GET  /api/team/records         ?reviewer=&stage=&q=&status=&mine=&conflict=&database=&label=&sort=&offset=&limit=
GET  /api/team/record          ?reviewer=&stage=&record_id=  one record with the decisions the reviewer may see
POST /api/team/decide          {reviewer, stage, record_id, decision, reason, note} -> a new line, the record again
GET  /api/team/conflicts       ?stage=
POST /api/team/resolve         {reviewer, stage, record_id, decision, reason, note} -> a line in resolutions.csv
GET  /api/team/fulltext/<id>   the matched PDF's status, the reason it could not be read, its URL
GET  /api/team/pdf/<id>        the matched PDF itself (by record id only; never by a path)
POST /api/team/workflow        no body: run the workflow on this review in the background (409 while one runs)
GET  /api/team/workflow        that run: running/finished/failed, steps done, its last lines, its error lines
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request, send_file

from slrflow.app.conflicts import conflict_list, resolve
from slrflow.app.listing import ListQuery, UnknownRecordError, list_records, record_detail
from slrflow.app.pdfs import PdfNotFoundError, fulltext_status, pdf_path
from slrflow.app.review import Review
from slrflow.app.workflow_run import reload_review, workflow_run
from slrflow.errors import WorkflowBusyError

__all__ = ["team"]

team = Blueprint("team", __name__, url_prefix="/api/team")


def _review() -> Review:
    return current_app.config["REVIEW"]


def _arg(name: str) -> str:
    value = request.args.get(name, "")
    if not value:
        raise ValueError(f"the query needs {name}=")
    return value


def _body(*required: str) -> dict[str, str]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValueError("the request body must be a JSON object")
    missing = [name for name in required if not body.get(name)]
    if missing:
        raise ValueError(f"the request body needs {', '.join(repr(name) for name in missing)}")
    return {key: value if isinstance(value, str) else str(value) for key, value in body.items()}


@team.errorhandler(UnknownRecordError)
@team.errorhandler(PdfNotFoundError)
def not_found(error: LookupError):
    return jsonify(error=str(error.args[0]) if error.args else "not found"), 404


@team.errorhandler(WorkflowBusyError)
def busy(error: WorkflowBusyError):
    return jsonify(error=str(error), run=workflow_run(_review().directory).status()), 409


@team.get("/records")
def records():
    return jsonify(list_records(_review(), _arg("reviewer"), _arg("stage"), ListQuery.from_args(request.args)))


@team.get("/record")
def record():
    return jsonify(record_detail(_review(), _arg("reviewer"), _arg("stage"), _arg("record_id")))


@team.post("/decide")
def decide():
    body = _body("reviewer", "stage", "record_id", "decision")
    review = _review()
    if body["record_id"] not in review.position:
        raise UnknownRecordError(f"record {body['record_id']!r} is not in results/dedup/records.csv")
    review.decide(
        body["reviewer"],
        body["stage"],
        body["record_id"],
        body["decision"],
        reason=body.get("reason", ""),
        note=body.get("note", ""),
    )
    payload: dict[str, Any] = record_detail(review, body["reviewer"], body["stage"], body["record_id"])
    return jsonify(payload)


@team.get("/conflicts")
def conflicts():
    return jsonify(conflict_list(_review(), _arg("stage")))


@team.post("/resolve")
def settle():
    body = _body("reviewer", "stage", "record_id", "decision")
    review = _review()
    line = resolve(
        review,
        body["reviewer"],
        body["stage"],
        body["record_id"],
        body["decision"],
        reason=body.get("reason", ""),
        note=body.get("note", ""),
    )
    return jsonify({"resolved": line, **conflict_list(review, body["stage"])})


@team.get("/fulltext/<record_id>")
def fulltext(record_id: str):
    return jsonify(fulltext_status(_review(), record_id))


@team.get("/pdf/<record_id>")
def pdf(record_id: str):
    path = pdf_path(_review(), record_id)
    # inline: the browser's own viewer opens it, and #page=N in the link opens that page
    return send_file(path, mimetype="application/pdf", as_attachment=False, download_name=path.name, max_age=0)


@team.get("/workflow")
def workflow_status():
    return jsonify(workflow_run(_review().directory).status())


@team.post("/workflow")
def workflow_start():
    if request.get_json(silent=True):
        raise ValueError("the workflow takes no options from the page: send an empty body")
    review = _review()
    return jsonify(workflow_run(review.directory).start(after=lambda: reload_review(review))), 202
