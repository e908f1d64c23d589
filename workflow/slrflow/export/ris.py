"""RIS for Zotero, EndNote, Mendeley and the rest, written by rispy (the library slrflow's tests read it back
with). Decisions go where reference managers keep them: KW (tags), N1 (notes), LB (label), DB (databases)."""

from __future__ import annotations

from slrflow.export.review import ExportRecord, databases
from slrflow.tables import split_list

__all__ = ["dumps", "ris_type"]

_TYPES = {
    "article": "JOUR",
    "journal article": "JOUR",
    "journalarticle": "JOUR",
    "jour": "JOUR",
    "inproceedings": "CONF",
    "conference paper": "CONF",
    "conference": "CONF",
    "conf": "CONF",
    "book": "BOOK",
    "incollection": "CHAP",
    "inbook": "CHAP",
    "book chapter": "CHAP",
    "chap": "CHAP",
    "phdthesis": "THES",
    "thesis": "THES",
    "techreport": "RPRT",
    "report": "RPRT",
    "review": "JOUR",
}


def ris_type(record: dict[str, str]) -> str:
    kind = (record.get("type") or "").strip().casefold()
    return _TYPES.get(kind, "JOUR" if record.get("journal") else "GEN")


def dumps(records: list[ExportRecord]) -> str:
    import rispy
    from rispy.writer import RisWriter

    class Writer(RisWriter):
        def set_header(self, count: int) -> str:
            return ""  # rispy numbers records ("1.") by default; a plain RIS file has no such lines

    return rispy.dumps([_entry(entry) for entry in records], implementation=Writer)


def _entry(entry: ExportRecord) -> dict[str, object]:
    record = entry.record
    start, _, end = (record.get("pages") or "").partition("-")
    notes = [entry.summary(), *entry.notes]
    sources = databases(entry)
    if sources:
        notes.append("slrflow sources: " + "; ".join(sources))
    fields: dict[str, object] = {
        "type_of_reference": ris_type(record),
        "id": entry.record_id,
        "title": _line(record.get("title")),
        "authors": split_list(record.get("authors")),
        "year": record.get("year", ""),
        "secondary_title": _line(record.get("journal")),
        "volume": record.get("volume", ""),
        "number": record.get("number", ""),
        "start_page": start.strip(),
        "end_page": end.strip(),
        "doi": record.get("doi", ""),
        "abstract": _line(record.get("abstract")),
        "keywords": [*split_list(record.get("keywords")), f"slrflow: {entry.status}"],
        "notes": [_line(note) for note in notes],
        "label": entry.status,
        "name_of_database": "; ".join(sources),
        "urls": [record["url"]] if record.get("url") else [],
        "issn": record.get("issn", ""),
        "publisher": _line(record.get("publisher")),
        "language": record.get("language", ""),
    }
    return {key: value for key, value in fields.items() if value not in ("", [], None)}


def _line(text: str | None) -> str:
    # A RIS value is one line: a line break would start an untagged line that readers treat differently.
    return " ".join((text or "").split())
