"""Ovid exports (Embase, MEDLINE, PsycINFO via Ovid): records marked '<1>' or '<3001. >', either with field
codes ('TI  - ', 'AU  - ', 'SO  - ', the 'EndNote' and 'Citavi' options) or with field labels on their own
line and the values indented below them ('Title' / '  Effects of ...', the display and 'fielded' options).
"""

from __future__ import annotations

import re

from slrflow.importers._base import Parsed, ParseError
from slrflow.importers._fields import RawRecord

__all__ = ["NAME", "looks_like", "parse"]

NAME = "ovid"

_MARKER = re.compile(r"^<\s*(\d+)\s*\.?\s*>\s*$")
_MARKERS = re.compile(r"^<\s*\d+\s*\.?\s*>\s*$", re.MULTILINE)
_CODE = re.compile(r"([A-Z][A-Z0-9]) {1,2}- ?(.*)$")
_LABELLED = re.compile(r"^(?:Accession Number|Author|Title|Source|Abstract)\s*\n  \S", re.MULTILINE)

# Ovid field codes and labels -> fields. Ovid's IS is the ISSN and VO/IP the volume and issue.
_CODES: dict[str, tuple[str, ...]] = {
    "title": ("TI", "T1"),
    "abstract": ("AB",),
    "authors": ("AU", "FA", "AI"),
    "year": ("YR", "PY", "DP", "YE"),
    "journal": ("JN", "JT", "JA", "TA", "SO"),
    "volume": ("VO", "VI"),
    "number": ("IP", "NO"),
    "pages": ("PG", "PA"),
    "doi": ("DO", "DI"),
    "pmid": ("PM",),
    "keywords": ("KW", "MH", "ID"),
    "language": ("LG", "LA"),
    "type": ("PT", "ST", "DT"),
    "url": ("UR", "XL"),
    "issn": ("IS", "ISSN"),
    "publisher": ("PB", "PU"),
}
_LABELS: dict[str, tuple[str, ...]] = {
    "title": ("title", "chapter title"),
    "abstract": ("abstract",),
    "authors": ("author", "authors", "editor"),
    "year": ("year of publication", "publication year", "date of publication", "source"),
    "journal": ("journal name", "journal title", "source"),
    "volume": ("volume",),
    "number": ("issue", "issue part"),
    "pages": ("page", "pages"),
    "doi": ("digital object identifier", "doi", "doi number"),
    "pmid": ("pubmed id", "unique identifier"),
    "keywords": ("author keywords", "keywords", "keyword heading word", "mesh subject headings"),
    "language": ("language",),
    "type": ("publication type", "document type"),
    "url": ("url", "link to the ovid full text or citation"),
    "issn": ("issn", "international standard serial number"),
    "publisher": ("publisher",),
}
_SOURCE = re.compile(
    r"^(?P<journal>[^.]+)\.\s+(?:Vol\s+)?(?P<volume>\d+)\s*(?:\((?P<number>[^)]*)\))?\s*:?\s*(?P<pages>[\w-]+)?"
)


def looks_like(text: str) -> bool:
    head = text[:50000]
    return _MARKERS.search(head) is not None or _LABELLED.search(head) is not None


def parse(text: str) -> Parsed:
    result = Parsed()
    lines = text.split("\n")
    blocks: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines, 1):
        if _MARKER.match(line):
            blocks.append((number, []))
        elif blocks:
            blocks[-1][1].append(line)
        elif line.strip():
            raise ParseError(
                "Ovid export without record markers: the first record must start with a line like '<1>'", number
            )
    if not blocks:
        raise ParseError("no Ovid record marker ('<1>') found", 1)
    for start, block in blocks:
        coded = sum(bool(_CODE.match(line)) for line in block)
        fields = _coded(block) if coded >= 2 else _labelled(block)
        if not any(fields.values()):
            result.warnings.append((start, "record has no fields; skipped"))
            continue
        record = _record(fields, _CODES if coded >= 2 else _LABELS)
        record["_line"] = start
        result.records.append(record)
    return result


def _coded(block: list[str]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    last = ""
    for line in block:
        match = _CODE.match(line)
        if match:
            last = match.group(1)
            fields.setdefault(last, []).append(match.group(2).strip())
        elif line.strip() and last:
            fields[last][-1] = f"{fields[last][-1]} {line.strip()}"
    return fields


def _labelled(block: list[str]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    label = ""
    for line in block:
        if not line.strip():
            continue
        if line[:1] not in " \t":
            label = line.strip().casefold()
            fields.setdefault(label, [])
        elif label:
            fields[label].append(line.strip())
    return fields


def _first(fields: dict[str, list[str]], names: tuple[str, ...]) -> str:
    for name in names:
        text = " ".join(fields.get(name, [])).strip()
        if text and text != "-":
            return text
    return ""


def _record(fields: dict[str, list[str]], table: dict[str, tuple[str, ...]]) -> RawRecord:
    record: RawRecord = {name: _first(fields, names) for name, names in table.items()}
    authors = next((fields[n] for n in table["authors"] if fields.get(n)), [])
    # Labelled exports put all authors on one line: "Holstiege, Jakob 1;  Mathes, Tim 2".
    record["authors"] = [
        re.sub(r"\s+\d+$|\s+(?:MD|PhD|[*+])(?:,.*)?$", "", a.strip()) for v in authors for a in v.split(";")
    ]
    record["keywords"] = [k for n in table["keywords"] for v in fields.get(n, []) for k in v.split(";")]
    record["url"] = [v for n in table["url"] for v in fields.get(n, [])]
    source = _first(fields, ("so", "source", "SO"))
    match = _SOURCE.match(source) if source else None
    if match:
        for name in ("journal", "volume", "number", "pages"):
            if match.group(name) and (not record.get(name) or record.get(name) == source):
                record[name] = match.group(name)
    return record
