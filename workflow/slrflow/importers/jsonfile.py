"""JSON lists of records: CSL-JSON (Zotero, Crossref, citation.js), Google Scholar / Publish or Perish
results, and any list of objects whose keys name the fields the way table headers do.
"""

from __future__ import annotations

import json

from slrflow.importers._base import Parsed, ParseError
from slrflow.importers.table import COLUMNS, normalise_header, record_from_mapping

__all__ = ["NAME", "looks_like", "parse"]

NAME = "json"


def looks_like(text: str) -> bool:
    return text.lstrip()[:1] in {"[", "{"}


def parse(text: str) -> Parsed:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(f"JSON is not valid: {error.msg} (column {error.colno})", error.lineno) from error
    if isinstance(data, dict):
        items = next((v for k, v in data.items() if k in {"records", "items", "results", "data"}), None)
        data = items if isinstance(items, list) else [data]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ParseError("JSON must be a list of records (objects), or an object with a 'records' list", 1)
    result = Parsed()
    for item in data:
        record = _record(item)
        record["_line"] = None
        result.records.append(record)
    if not result.records:
        raise ParseError("JSON holds an empty list of records", 1)
    return result


def _names(value: object) -> list[str]:
    if isinstance(value, list):
        names = []
        for person in value:
            if isinstance(person, dict):
                family, given = (
                    person.get("family") or person.get("lastName"),
                    person.get("given") or person.get("firstName"),
                )
                literal = person.get("literal") or person.get("name")
                names.append(f"{family}, {given}" if family and given else str(family or literal or ""))
            else:
                names.append(str(person))
        return names
    return [str(value)] if value else []


def _scalar(value: object) -> str:
    if isinstance(value, dict) and "date-parts" in value:  # CSL-JSON "issued"
        parts = value.get("date-parts") or [[]]
        return str(parts[0][0]) if parts and parts[0] else ""
    if isinstance(value, list):
        return "; ".join(_scalar(v) for v in value)
    return "" if value is None else str(value)


_EXTRA = {
    "containertitle": "journal",
    "source": "journal",
    "issued": "year",
    "page": "pages",
    "startpage": "start_page",
    "endpage": "end_page",
    "articleurl": "url",
    "authors": "authors",
    "author": "authors",
}


def _record(item: dict[str, object]) -> dict[str, object]:
    by_key = {normalise_header(k): v for k, v in item.items()}
    values: dict[str, str] = {}
    authors: list[str] = []
    for key, value in by_key.items():
        field = _EXTRA.get(key)
        if field is None:
            field = next((name for name, aliases in COLUMNS.items() if key in aliases), None)
        if field is None or values.get(field):
            continue
        if field == "authors":
            authors = authors or _names(value)
            continue
        values[field] = _scalar(value)
    # Google Scholar results use 0 for an unknown volume, issue or page.
    for name in ("volume", "number", "pages", "start_page", "end_page"):
        if values.get(name) == "0":
            values[name] = ""
    record = record_from_mapping(values)
    record["authors"] = authors
    return record
