"""BibTeX for JabRef, Zotero, Mendeley and LaTeX, written by bibtexparser (the library the tests read it back
with). The entry key is the record id; decisions go into `keywords` and `note`."""

from __future__ import annotations

import re

from slrflow.export.review import ExportRecord, databases
from slrflow.tables import split_list

__all__ = ["dumps"]

_ENTRY_TYPES = {"JOUR": "article", "CONF": "inproceedings", "BOOK": "book", "CHAP": "incollection",
                "THES": "phdthesis", "RPRT": "techreport"}  # fmt: skip
# LaTeX's special characters, escaped as Zotero and JabRef write them; braces are handled apart. '$' is left
# bare: bibtexparser's LaTeX decoding (which slrflow's importer uses too) keeps '\$' as two characters.
_SPECIAL = re.compile(r"([&%#_])")


def dumps(records: list[ExportRecord]) -> str:
    from bibtexparser.bibdatabase import BibDatabase
    from bibtexparser.bwriter import BibTexWriter

    from slrflow.export.ris import ris_type

    database = BibDatabase()
    for entry in records:
        record = entry.record
        notes = [entry.summary(), *entry.notes]
        sources = databases(entry)
        if sources:
            notes.append("slrflow sources: " + "; ".join(sources))
        fields = {
            "ENTRYTYPE": _ENTRY_TYPES.get(ris_type(record), "misc"),
            "ID": entry.record_id,
            "title": _value(record.get("title")),
            "author": " and ".join(_author(name) for name in split_list(record.get("authors"))),
            "year": _value(record.get("year")),
            "journal": _value(record.get("journal")),
            "volume": _value(record.get("volume")),
            "number": _value(record.get("number")),
            "pages": _value(record.get("pages")).replace("-", "--"),
            "doi": _value(record.get("doi")),
            "abstract": _value(record.get("abstract")),
            "keywords": _value("; ".join([*split_list(record.get("keywords")), f"slrflow: {entry.status}"])),
            "note": _value(" | ".join(notes)),
            "url": (record.get("url") or "").strip(),
            "issn": _value(record.get("issn")),
            "publisher": _value(record.get("publisher")),
            "language": _value(record.get("language")),
        }
        if fields["ENTRYTYPE"] == "inproceedings":
            fields["booktitle"] = fields.pop("journal")
        database.entries.append({key: value for key, value in fields.items() if value})
    writer = BibTexWriter()
    writer.order_entries_by = None  # keep the record_id order given
    writer.indent = "  "
    return writer.write(database)


def _value(text: str | None) -> str:
    """One line, LaTeX specials escaped, braces kept only when they balance (an unbalanced brace would end the
    field early or swallow the next entry)."""
    text = " ".join((text or "").split())
    text = _SPECIAL.sub(r"\\\1", text)
    if not _balanced(text):
        text = text.replace("{", "(").replace("}", ")")
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _author(name: str) -> str:
    # A corporate author ("Cochrane Collaboration and partners") is braced so ' and ' does not split it.
    value = _value(name)
    return f"{{{value}}}" if " and " in value or ("," not in value and " " in value and value.isupper()) else value
