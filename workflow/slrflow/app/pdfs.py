"""A record's full-text PDF for the browser, found by record id only, and why a PDF could not be read.

The browser never names a file: it asks for a record id, and the PDF is the one results/fulltext/matches.csv
matched to that record (its `pdf` column is the file's stem in the configured full-text directory, as the
workflow's extract_pdf rule names it). An id of the wrong form, a record without a match, a `pdf` value that is
not a plain file name, or a file outside that directory is refused. The status and reason come from the PDF's
own record, results/fulltext/pdf/<stem>.json, which `slrflow fulltext` writes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from slrflow.app.review import Review
from slrflow.tables import read_table

__all__ = ["PdfNotFoundError", "fulltext_status", "pdf_path"]

_RECORD_ID = re.compile(r"^r[0-9a-f]{15}$")
_PLAIN_NAME = re.compile(r"^[^/\\\x00]+$")


class PdfNotFoundError(LookupError):
    """No PDF can be served for this record id (the message says why)."""


def _match(review: Review, record_id: str) -> dict[str, str] | None:
    if not _RECORD_ID.match(record_id):
        raise PdfNotFoundError(f"{record_id!r} is not an slrflow record id")
    path = review.results.fulltext_matches
    if not path.is_file():
        return None
    return next((row for row in read_table(path) if row.get("record_id") == record_id and row.get("pdf")), None)


def _directory(review: Review) -> Path:
    configured = (review.config.get("fulltext") or {}).get("directory") or "resources/fulltext"
    return (review.directory / configured).resolve()


def pdf_path(review: Review, record_id: str) -> Path:
    """The matched PDF of `record_id`; PdfNotFoundError for anything else."""
    row = _match(review, record_id)
    if row is None:
        raise PdfNotFoundError(f"no PDF is matched to {record_id} in results/fulltext/matches.csv")
    name = row["pdf"]
    if not _PLAIN_NAME.match(name) or name in (".", ".."):
        raise PdfNotFoundError(f"matches.csv names {name!r} for {record_id}, which is not a plain PDF name")
    directory = _directory(review)
    path = (directory / f"{name}.pdf").resolve()
    if path.parent != directory or not path.is_file():
        raise PdfNotFoundError(f"{name}.pdf is not a file in {directory.relative_to(review.directory.resolve())}/")
    return path


def fulltext_status(review: Review, record_id: str) -> dict[str, Any]:
    """What the browser needs to open the PDF or say why it cannot: status, reason, problems per page."""
    row = _match(review, record_id)
    if row is None:
        return {
            "record_id": record_id,
            "pdf": "",
            "status": "not retrieved",
            "reason": "no PDF in the full-text folder is matched to this record in results/fulltext/matches.csv",
            "pdf_url": None,
        }
    name = row["pdf"]
    result: dict[str, Any] = {
        "record_id": record_id,
        "pdf": f"{name}.pdf",
        "status": row.get("pdf_status") or "",
        "reason": "",
        "match": {"method": row.get("method", ""), "score": row.get("score", "")},
        "pdf_url": None,
    }
    try:
        pdf_path(review, record_id)
        result["pdf_url"] = f"/api/team/pdf/{record_id}"
    except PdfNotFoundError as error:
        result["reason"] = str(error)
    record = _pdf_record(review, name)
    if record is not None:
        result["status"] = str(record.get("status") or result["status"])
        reason = str(record.get("reason") or "")
        result["reason"] = "; ".join(part for part in (reason, result["reason"]) if part)
        result["errors"] = [
            f"page {item.get('page')}: {item.get('error')}" if isinstance(item, dict) else str(item)
            for item in record.get("errors") or []
        ]
        if record.get("pages_without_text"):
            result["pages_without_text"] = list(record["pages_without_text"])
    return result


def _pdf_record(review: Review, name: str) -> dict[str, Any] | None:
    if not _PLAIN_NAME.match(name):
        return None
    path = review.results.pdf_record(name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
