"""ASReview LAB project files (.asreview): a zip holding project.json, the records (data_store.db, SQLite) and
each review's labels (reviews/<id>/results.db, SQLite). ASReview 2 projects are read: every record with the
label the reviewer gave it (1 include, 0 exclude, none while unscreened) and the reviewer's note. Older projects
keep their data differently and are refused with what to export instead.
"""

from __future__ import annotations

import io
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

from slrflow.importers._base import Parsed, ParseError
from slrflow.importers._fields import RawRecord

__all__ = ["NAME", "looks_like", "parse"]

NAME = "asreview_project"
EXPORT_INSTEAD = (
    "in ASReview LAB open the project and export the dataset (Export > Dataset, as CSV, TSV, XLSX or RIS) "
    "with its labels, then import that file"
)


def looks_like(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "project.json" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def parse(data: bytes) -> Parsed:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ParseError(f"an ASReview project file must be a zip archive ({error}); {EXPORT_INSTEAD}") from None
    with archive, tempfile.TemporaryDirectory() as tmp:
        names = set(archive.namelist())
        try:
            project = json.loads(archive.read("project.json"))
        except (KeyError, ValueError) as error:
            raise ParseError(f"ASReview project without a readable project.json ({error}); {EXPORT_INSTEAD}") from None
        version = str(project.get("version", "?"))
        results = [f"reviews/{review['id']}/results.db" for review in project.get("reviews", [])]
        if "data_store.db" not in names or not results or not all(path in names for path in results):
            raise ParseError(
                f"this is an ASReview LAB project (version {version}) that slrflow cannot read (it reads ASReview 2 "
                f"projects, with data_store.db and reviews/<id>/results.db); {EXPORT_INSTEAD}"
            )
        archive.extract("data_store.db", tmp)
        archive.extract(results[0], tmp)
        return _read(Path(tmp) / "data_store.db", Path(tmp) / results[0], len(results))


def _read(store: Path, results: Path, n_reviews: int) -> Parsed:
    result = Parsed()
    labels: dict[int, tuple[int | None, str]] = {}
    with sqlite3.connect(store) as records_db, sqlite3.connect(results) as results_db:
        for record_id, label, note in results_db.execute("SELECT record_id, label, note FROM results"):
            labels[int(record_id)] = (label, note or "")
        rows = records_db.execute(
            "SELECT record_id, title, abstract, authors, keywords, year, doi, url FROM record ORDER BY record_id"
        ).fetchall()
    if n_reviews > 1:
        result.warnings.append((None, f"the project holds {n_reviews} reviews; the labels of the first were read"))
    for position, (record_id, title, abstract, authors, keywords, year, doi, url) in enumerate(rows, 1):
        label, note = labels.get(int(record_id), (None, ""))
        record: RawRecord = {
            "_line": position,
            "title": title or "",
            "abstract": abstract or "",
            "authors": _list(authors),
            "keywords": _list(keywords),
            "year": "" if year is None else str(year),
            "doi": doi or "",
            "url": url or "",
            "tool": "asreview",
            "tool_id": str(record_id),
            "tool_decision": "" if label is None else {1: "include", 0: "exclude"}.get(label, ""),
            "tool_reason": note,
            "tool_stage": "title_abstract",
        }
        result.records.append(record)
    return result


def _list(value: object) -> list[str]:
    if not value:
        return []
    try:
        items = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return [str(value)]
    return [str(item).strip() for item in items or [] if str(item).strip()] if isinstance(items, list) else [str(items)]
