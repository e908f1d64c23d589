"""Web of Science plain text ('savedrecs.txt', .ciw, .isi): 'FN'/'VR' header, records from 'PT J' to 'ER',
two-letter tags followed by one space, continuation lines indented by three spaces, 'EF' at the end.
"""

from __future__ import annotations

import re

from slrflow.importers._base import Parsed, ParseError
from slrflow.importers._fields import RawRecord, first_value

__all__ = ["NAME", "looks_like", "parse"]

NAME = "wos"

_TAG = re.compile(r"([A-Z][A-Z0-9])(?: (.*))?$")
_RECORD_START = re.compile(r"^PT [A-Z]\s*$", re.MULTILINE)
_RECORD_END = re.compile(r"^ER\s*$", re.MULTILINE)
# Tags whose continuation lines are further items (one author or address per line); the rest is one text.
_LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "CA", "GP", "ED", "CR", "C1", "C3", "RI", "OI", "EM"})
_HEADER_TAGS = frozenset({"FN", "VR", "EF"})


def looks_like(text: str) -> bool:
    head = text[:200000]
    return _RECORD_START.search(head) is not None and (_RECORD_END.search(head) is not None or head.startswith("FN "))


def parse(text: str) -> Parsed:
    result = Parsed()
    warnings = result.warnings
    tags: dict[str, list[str]] | None = None
    start = 0
    last = ""
    seen_record = False
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        if line[:1] == " ":
            if tags is not None and last:
                value = line.strip()
                if last in _LIST_TAGS:
                    tags[last].append(value)
                else:
                    tags[last][-1] = f"{tags[last][-1]} {value}"
            continue
        match = _TAG.match(line)
        if match is None:
            raise ParseError(
                f"line is neither a Web of Science tag ('XX value') nor a continuation: {line[:40]!r}", number
            )
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "PT":
            if tags is not None:
                warnings.append((start, f"record starting here has no 'ER' line before the PT at line {number}"))
                result.records.append(_record(tags, start))
            tags, start, last, seen_record = {"PT": [value]}, number, "PT", True
        elif tag == "ER":
            if tags is None:
                raise ParseError("'ER' closes a record that no 'PT' line opened", number)
            result.records.append(_record(tags, start))
            tags, last = None, ""
        elif tags is None:
            if tag in _HEADER_TAGS:
                continue
            if not seen_record:
                warnings.append((number, f"header line {line[:40]!r} is not 'FN ...' or 'VR ...'; ignored"))
                continue
            raise ParseError(f"tag {tag} outside a record: records start with 'PT' and end with 'ER'", number)
        else:
            tags.setdefault(tag, []).append(value)
            last = tag
    if tags is not None:
        warnings.append((start, "last record has no 'ER' line; read to the end of the file"))
        result.records.append(_record(tags, start))
        result.truncated = True
    if not result.records:
        raise ParseError("no Web of Science record found (no 'PT' line)", 1)
    if text.startswith("FN ") and not re.search(r"^EF\s*$", text[-200:], re.MULTILINE):
        warnings.append((None, "no 'EF' line at the end of the file; check that the export is complete"))
    return result


def _record(tags: dict[str, list[str]], line: int) -> RawRecord:
    pmid = first_value(tags, "PM")
    accession = first_value(tags, "UT")
    if not pmid and accession.upper().startswith("MEDLINE:"):
        pmid = accession.split(":", 1)[1]
    start, end = first_value(tags, "BP"), first_value(tags, "EP")
    pages = f"{start}-{end}" if start and end else start or first_value(tags, "PS", "AR")
    return {
        "_line": line,
        "title": first_value(tags, "TI"),
        "abstract": first_value(tags, "AB"),
        "authors": tags.get("AF") or tags.get("AU") or tags.get("CA") or [],
        "year": first_value(tags, "PY", "PD", "EA"),
        "journal": first_value(tags, "SO", "JI", "J9", "SE"),
        "volume": first_value(tags, "VL"),
        "number": first_value(tags, "IS"),
        "pages": pages,
        "doi": first_value(tags, "DI", "D2"),
        "pmid": pmid,
        "keywords": [*tags.get("DE", []), *tags.get("ID", [])],
        "language": first_value(tags, "LA"),
        "type": first_value(tags, "DT", "PT"),
        "url": [],
        "issn": first_value(tags, "SN", "EI"),
        "publisher": first_value(tags, "PU"),
    }
