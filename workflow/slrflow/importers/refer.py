"""EndNote / refer tagged text (.enw, '%0 Journal Article', '%T title', '%A author'), as AIS eLibrary, Google
Scholar and many library catalogues export it.

Records are separated by blank lines; a second '%0' line also starts a new record, since some files run
records together (JabRef's test file). A record holding nothing but its '%0' type line is no record.
"""

from __future__ import annotations

import re

from slrflow.importers._base import Parsed, ParseError
from slrflow.importers._fields import RawRecord, first_value

__all__ = ["NAME", "looks_like", "parse"]

NAME = "endnote_tagged"

_TAG = re.compile(r"%([0-9A-Za-z@!#$&()*+\]^|~>])(?:[ \t]+(.*))?$")
_SIGNATURE = re.compile(r"^%[0ATDJ] \S", re.MULTILINE)


def looks_like(text: str) -> bool:
    head = text[:20000]
    return bool(re.search(r"^%0 ", head, re.MULTILINE)) and len(_SIGNATURE.findall(head)) >= 2


def parse(text: str) -> Parsed:
    result = Parsed()
    tags: dict[str, list[str]] = {}
    start = 0
    last = ""
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            _close(result, tags, start)
            tags, last = {}, ""
            continue
        match = _TAG.match(line)
        if match is None:
            if last:
                tags[last][-1] = f"{tags[last][-1]} {line.strip()}"
                continue
            raise ParseError(f"line is not an EndNote tag ('%T title'): {line[:40]!r}", number)
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "0" and "0" in tags:
            _close(result, tags, start)
            tags = {}
        if not tags:
            start = number
        tags.setdefault(tag, []).append(value)
        last = tag
    _close(result, tags, start)
    if not result.records:
        raise ParseError("no EndNote tagged record found (no '%T' or '%A' lines)", 1)
    return result


def _close(result: Parsed, tags: dict[str, list[str]], start: int) -> None:
    if not tags:
        return
    if set(tags) == {"0"}:
        result.warnings.append((start, "record has only a '%0' type line and no fields; skipped"))
        return
    result.records.append(_record(tags, start))


def _record(tags: dict[str, list[str]], line: int) -> RawRecord:
    doi = next((v for v in tags.get("R", []) if "10." in v), "")
    keywords = [k for value in tags.get("K", []) for k in re.split(r"[;\n]", value)]
    return {
        "_line": line,
        "title": first_value(tags, "T"),
        "abstract": first_value(tags, "X"),
        "authors": tags.get("A", []),
        "year": first_value(tags, "D", "8"),
        "journal": first_value(tags, "J", "B"),
        "volume": first_value(tags, "V"),
        "number": first_value(tags, "N"),
        "pages": first_value(tags, "P"),
        "doi": doi,
        "pmid": "",
        "keywords": keywords,
        "language": first_value(tags, "G"),
        "type": first_value(tags, "0", "9"),
        "url": tags.get("U", []),
        "issn": first_value(tags, "@"),
        "publisher": first_value(tags, "I"),
    }
