"""ProQuest plain text ("Report Information from ProQuest"): a table of contents, then records that start at
'Document N of M', each a title line followed by 'Label: value' lines, separated by rows of underscores.
"""

from __future__ import annotations

import re

from slrflow.importers._base import Parsed, ParseError
from slrflow.importers._fields import RawRecord

__all__ = ["NAME", "looks_like", "parse"]

NAME = "proquest_text"

_DOCUMENT = re.compile(r"^Document (\d+) of (\d+)\s*$")
_DOCUMENTS = re.compile(r"^Document \d+ of \d+\s*$", re.MULTILINE)
_LABEL = re.compile(r"^([A-Z][A-Za-z /()-]{1,40}): (.*)$")
_SEPARATOR = re.compile(r"^_{10,}\s*$")
# ProQuest's field labels; a 'Methods: ...' paragraph of an abstract is not one of them.
_LABEL_SET = frozenset(
    [
        "title",
        "author",
        "authors",
        "abstract",
        "publication title",
        "publication year",
        "publication date",
        "year",
        "volume",
        "issue",
        "pages",
        "first page",
        "start page",
        "doi",
        "issn",
        "e-issn",
        "isbn",
        "language",
        "language of publication",
        "document type",
        "publisher",
        "subject",
        "identifier / keyword",
        "keywords",
        "source",
        "source type",
        "database",
        "proquest document id",
        "document url",
        "links",
        "place of publication",
        "country of publication",
        "copyright",
        "degree",
        "degree date",
        "advisor",
        "classification",
        "committee member",
        "department",
        "dissertation/thesis number",
        "number of pages",
        "school code",
        "university/institution",
        "university location",
        "section",
        "publication subject",
        "last updated",
        "accession number",
        "pubmed id",
        "mesh",
        "location",
        "people",
        "company / organization",
        "corporate author",
        "editor",
    ]
)


def looks_like(text: str) -> bool:
    head = text[:200000]
    return len(_DOCUMENTS.findall(head)) >= 1 and "ProQuest" in head


def parse(text: str) -> Parsed:
    result = Parsed()
    fields: dict[str, list[str]] | None = None
    start = 0
    label = ""
    expected = 0
    for number, line in enumerate(text.split("\n"), 1):
        document = _DOCUMENT.match(line)
        if document:
            if fields is not None:
                result.records.append(_record(fields, start))
            fields, start, label = {}, number, ""
            expected = int(document.group(2))
            continue
        if fields is None or not line.strip():
            continue
        if _SEPARATOR.match(line):
            result.records.append(_record(fields, start))
            fields = None
            continue
        match = _LABEL.match(line)
        if match and match.group(1).casefold() in _LABEL_SET:
            label = match.group(1).casefold()
            fields.setdefault(label, []).append(match.group(2).strip())
        elif not fields:
            fields["first line"] = [line.strip()]
        elif label:
            fields[label].append(line.strip())
        elif line.startswith("http"):
            fields.setdefault("document url", []).append(line.strip())
    if fields is not None:
        result.records.append(_record(fields, start))
    if not result.records:
        raise ParseError("no ProQuest record found (no 'Document 1 of N' line)", 1)
    if expected and len(result.records) != expected:
        result.warnings.append((None, f"the file announces {expected} documents but holds {len(result.records)}"))
    return result


def _first(fields: dict[str, list[str]], *names: str) -> str:
    for name in names:
        values = fields.get(name)
        if values and values[0]:
            return values[0]
    return ""


def _record(fields: dict[str, list[str]], line: int) -> RawRecord:
    keywords = [
        k
        for name in ("identifier / keyword", "subject", "keywords")
        for v in fields.get(name, [])
        for k in re.split(r"[;,]", v)
    ]
    return {
        "_line": line,
        "title": _first(fields, "title", "first line"),
        "abstract": " ".join(fields.get("abstract", [])),
        "authors": [a for v in fields.get("author", []) + fields.get("authors", []) for a in v.split(";")],
        "year": _first(fields, "publication year", "publication date", "year", "degree date"),
        "journal": _first(fields, "publication title", "source"),
        "volume": _first(fields, "volume"),
        "number": _first(fields, "issue"),
        "pages": _first(fields, "pages", "first page", "start page"),
        "doi": _first(fields, "doi"),
        "pmid": _first(fields, "pubmed id"),
        "keywords": keywords,
        "language": _first(fields, "language", "language of publication"),
        "type": _first(fields, "document type", "source type"),
        "url": fields.get("document url", []),
        "issn": _first(fields, "issn", "e-issn"),
        "publisher": _first(fields, "publisher"),
    }
