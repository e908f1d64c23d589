"""PubMed / MEDLINE tagged text ('PMID- 123', 'TI  - ...', six-space continuation lines), as in .nbib files,
PubMed's "PubMed format" download and ERIC's .nbib export.

A record starts at a 'PMID-' line or at the first tag after a blank line (ERIC records have no PMID).
"""

from __future__ import annotations

import re

from slrflow.importers._base import Parsed, ParseError
from slrflow.importers._fields import RawRecord, first_value

__all__ = ["NAME", "looks_like", "parse"]

NAME = "medline"

_TAG = re.compile(r"([A-Z][A-Z0-9]{1,3}) {0,3}- ?(.*)$")
_SIGNATURE = re.compile(r"^(?:PMID- |OWN - |STAT- |FAU - |DP  - |JT  - )", re.MULTILINE)
# Tags that repeat, one item per tag line; other tags' repeats are joined.
_LIST_TAGS = frozenset({"AU", "FAU", "MH", "OT", "LID", "AID", "IS", "PT", "LA", "PHST", "AD", "AUID"})
_DOI_ID = re.compile(r"(\S*10\.\d{4,9}/\S+)\s*\[doi\]")


def looks_like(text: str) -> bool:
    head = text[:20000]
    return len(_SIGNATURE.findall(head)) >= 2


def parse(text: str) -> Parsed:
    result = Parsed()
    tags: dict[str, list[str]] = {}
    start = 0
    last = ""
    blank_before = True
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            blank_before = True
            continue
        match = _TAG.match(line) if "-" in line[2:6] else None
        if match is None:
            # Continuation lines are indented by six spaces; some exporters do not indent them.
            if blank_before and tags:
                result.warnings.append((number, f"text between records ignored: {line[:40]!r}"))
            elif last:
                values = tags[last]
                values[-1] = f"{values[-1]} {line.strip()}".strip()
            else:
                raise ParseError(f"text before the first MEDLINE tag ('PMID- ' or 'TI  - '): {line[:40]!r}", number)
            continue
        tag, value = match.group(1), match.group(2).strip()
        if tags and (tag == "PMID" or blank_before):
            result.records.append(_record(tags, start))
            tags = {}
        if not tags:
            start = number
        blank_before = False
        tags.setdefault(tag, []).append(value)
        last = tag
    if tags:
        result.records.append(_record(tags, start))
    if not result.records:
        raise ParseError("no MEDLINE record found (no 'PMID- ' or 'TI  - ' lines)", 1)
    return result


def _record(tags: dict[str, list[str]], line: int) -> RawRecord:
    ids = tags.get("LID", []) + tags.get("AID", [])
    doi = next((m.group(1) for v in ids if (m := _DOI_ID.search(v))), "")
    if not doi:
        doi = next((v for v in ids if "10." in v), "")
    urls = [v for v in ids if v.startswith("http")]
    return {
        "_line": line,
        "title": first_value(tags, "TI", "BTI", "CTI"),
        "abstract": " ".join(tags.get("AB", [])),
        "authors": tags.get("FAU") or tags.get("AU") or [],
        "year": first_value(tags, "DP", "DEP", "DA"),
        "journal": first_value(tags, "JT", "TA", "BTI"),
        "volume": first_value(tags, "VI"),
        "number": first_value(tags, "IP"),
        "pages": first_value(tags, "PG"),
        "doi": doi,
        "pmid": first_value(tags, "PMID"),
        "keywords": tags.get("OT", []) + tags.get("MH", []),
        "language": first_value(tags, "LA"),
        "type": first_value(tags, "PT"),
        "url": urls,
        "issn": first_value(tags, "IS", "ISSN"),
        "publisher": first_value(tags, "PB", "PL"),
    }
