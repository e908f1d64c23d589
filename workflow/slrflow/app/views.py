"""What the screening page shows of a record: its fields, the decisions on it, and its extracted full text."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from slrflow.layout import ResultsLayout
from slrflow.ranking.stopping_words import in_words
from slrflow.screening.decisions import Decision
from slrflow.tables import split_list

__all__ = [
    "build_argv",
    "build_command",
    "decision_view",
    "fulltext_view",
    "record_fields",
    "settings_view",
    "stopping_file",
]


def record_fields(row: Mapping[str, str]) -> dict[str, Any]:
    """The bibliographic fields of one row of results/dedup/records.csv, lists split."""
    return {
        "record_id": row["record_id"],
        "title": row.get("title", ""),
        "abstract": row.get("abstract", ""),
        "authors": split_list(row.get("authors")),
        "year": row.get("year", ""),
        "journal": row.get("journal", ""),
        "doi": row.get("doi", ""),
        "url": row.get("url", ""),
        "keywords": split_list(row.get("keywords")),
        "databases": split_list(row.get("databases")),
        "n_members": row.get("n_members", ""),
    }


def decision_view(decision: Decision | None) -> dict[str, str] | None:
    if decision is None:
        return None
    return {
        "decision": decision.decision,
        "reason": decision.reason,
        "note": decision.note,
        "reviewer": decision.reviewer,
        "timestamp": decision.timestamp.isoformat(),
    }


def fulltext_view(path: Path, directory: Path) -> dict[str, Any]:
    """results/fulltext/records/<record_id>.json as the extraction step wrote it: pages and extracted fields."""
    if not path.is_file():
        return {
            "status": "not retrieved",
            "message": f"no {path.relative_to(directory)}: no PDF matched this record yet. Put its PDF in "
            "resources/fulltext/ and press Update the review (or run `snakemake -c2`), or exclude it as full text not "
            "available.",
            "pages": [],
            "fields": [],
        }
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return {"status": "unreadable", "message": f"{path.name}: {error}", "pages": []}
    return {
        "status": data.get("status", "ok"),
        "reason": data.get("reason", ""),
        "pdf": data.get("pdf", data.get("source", "")),
        "pages": [_page_text(page) for page in data.get("pages", [])],
        "fields": _fields(data),
    }


def _page_text(page: Any) -> str:
    if isinstance(page, str):
        return page
    if isinstance(page, Mapping):
        return str(page.get("text", ""))
    return str(page)


def _fields(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Extracted fields as a list of {field, value, page, snippet}, from a mapping or a list."""
    raw = data.get("fields", data.get("extracted", {}))
    items: list[dict[str, Any]] = []
    if isinstance(raw, Mapping):
        for name, value in raw.items():
            values = value if isinstance(value, list) else [value]
            for item in values:
                entry = dict(item) if isinstance(item, Mapping) else {"value": item}
                entry.setdefault("field", name)
                items.append(entry)
    elif isinstance(raw, list):
        items = [dict(item) for item in raw if isinstance(item, Mapping)]
    return [
        {
            "field": str(item.get("field", item.get("name", ""))),
            "value": "" if item.get("value") is None else str(item.get("value")),
            "page": item.get("page"),
            "snippet": str(item.get("snippet", "") or ""),
        }
        for item in items
    ]


def settings_view(
    config: Mapping[str, Any], *, mode: str, reasons: Mapping[str, list[str]], terms: Any, n_records: int
) -> dict[str, Any]:
    """The review question, criteria, reviewers, mode, reasons and highlight terms, for the page."""
    review = config["review"]
    eligibility = review.get("eligibility", {}) or {}
    return {
        "title": review["title"],
        "question": review["question"],
        "include": eligibility.get("include", []),
        "exclude": eligibility.get("exclude", []),
        "reviewers": list(config["screening"]["reviewers"]),
        "mode": mode,
        "reasons": reasons,
        "terms": terms,
        "n_records": n_records,
    }


def stopping_file(directory: Path) -> dict[str, Any] | None:
    """The workflow's stopping rule state (results/screening/stopping.json) in words, shown until the app's model
    trains."""
    try:
        stopping = json.loads(ResultsLayout.of_review(directory).stopping.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return in_words(stopping) if isinstance(stopping, dict) else None


def build_argv() -> list[str]:
    """The command that builds a review from inside its directory, with this installation's Python and Snakefile."""
    from slrflow.workflow_files import snakefile

    return [sys.executable, "-m", "snakemake", "-c2", "--snakefile", str(snakefile())]


def build_command() -> str:
    """build_argv() as the user would type it."""
    return shlex.join(build_argv())
