"""RIS ('TY  - JOUR' ... 'ER  - '), as written by Scopus, Web of Science, PubMed, Embase, Ovid, EBSCOhost,
ProQuest, Cochrane, Zotero, EndNote, Mendeley, RefWorks, Rayyan, Covidence and others.

The tag lines are read here rather than by rispy.loads because rispy drops a last record that lacks 'ER',
merges two records when an 'ER' is missing between them, and keeps no line numbers; an importer for a
review has to count every record and say where a file is broken. Which tag means which field follows the
RIS specification and the rispy tag table, with the variants real exporters use (T2/JF/JO for the journal,
N2 for the abstract, Y1/DA for the date).
"""

from __future__ import annotations

import re

from slrflow.importers._base import Parsed, ParseError
from slrflow.importers._fields import RawRecord
from slrflow.importers._labels import from_notes

__all__ = ["NAME", "looks_like", "parse"]

NAME = "ris"

# "TY  - JOUR", "ER  -" and, from careless exporters, "KW - value" with one space.
_TAG = re.compile(r"([A-Z][A-Z0-9]) {1,2}-(?:[ \t](.*))?$")
_START = re.compile(r"^TY {1,2}- ", re.MULTILINE)
_ANY_TAG = re.compile(r"^[A-Z][A-Z0-9]  - ", re.MULTILINE)
_END = re.compile(r"^ER  -", re.MULTILINE)
# Tags whose untagged continuation lines are further items, not more of the same text (Rayyan KW).
_ITEM_TAGS = frozenset({"KW", "AU", "A1", "A2", "A3", "A4"})

# field -> tags in order of preference; the first tag with a value wins.
_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("TI", "T1", "CT", "BT", "ST"),
    "abstract": ("AB", "N2"),
    "year": ("PY", "Y1", "DA", "Y2"),
    "journal": ("JF", "T2", "JO", "J2", "JA", "J1", "BT", "T3"),
    "volume": ("VL", "VO"),
    "number": ("IS", "CP"),
    "doi": ("DO", "DI", "M3", "N1", "UR", "L3"),
    "language": ("LA", "LG"),
    "type": ("TY", "M3"),
    "url": ("UR", "L2", "LK", "L1"),
    "issn": ("SN",),
    "publisher": ("PB",),
}


def looks_like(text: str) -> bool:
    """RIS by its 'TY  - ' lines, or a RIS body whose TY lines are missing (so the parser can say so)."""
    if _START.search(text) is not None:
        return True
    head = text[:20000]
    return _END.search(head) is not None and len(_ANY_TAG.findall(head)) >= 3


def parse(text: str) -> Parsed:
    result = Parsed()
    warnings = result.warnings
    tags: dict[str, list[str]] | None = None
    start = 0
    last = ""
    stray = 0  # line of the first tag seen between records, reported once per run of such lines
    for number, line in enumerate(text.split("\n"), 1):
        if line[2:5] == "  -" and line[:1].isupper() and (line[1].isupper() or line[1].isdigit()):
            tag, value = line[:2], line[6:].strip()
        else:
            match = _TAG.match(line)
            if match is None:
                if tags is not None and last:
                    stripped = line.strip()
                    if stripped:
                        values = tags[last]
                        if last in _ITEM_TAGS:
                            values.append(stripped)
                        else:
                            values[-1] = f"{values[-1]} {stripped}" if values[-1] else stripped
                continue
            tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "TY":
            if tags is not None:
                warnings.append((start, f"record starting here has no 'ER  -' line before the TY at line {number}"))
                result.records.append(_record(tags, start))
            tags, start, last, stray = {"TY": [value]}, number, "TY", 0
        elif tag == "ER":
            if tags is None:
                where = f"tags from line {stray} to" if stray else "the"
                raise ParseError(f"record without a 'TY  - ' line: {where} 'ER  -' at line {number}", stray or number)
            result.records.append(_record(tags, start))
            tags, last = None, ""
        elif tags is None:
            # Ovid writes an 'NL' line after 'ER'; data between records is reported, not read.
            if not stray:
                stray = number
                warnings.append((number, f"tag {tag} outside a record (after 'ER', before 'TY'); ignored"))
        else:
            tags.setdefault(tag, []).append(value)
            last = tag
    if tags is not None:
        warnings.append((start, "last record has no 'ER  -' line; read to the end of the file"))
        result.records.append(_record(tags, start))
        result.truncated = True
    if not result.records:
        raise ParseError(
            "no RIS record found: every record must start with a 'TY  - ' line and end with 'ER  - '", stray or 1
        )
    return result


def _first(tags: dict[str, list[str]], names: tuple[str, ...]) -> str:
    for name in names:
        values = tags.get(name)
        if values:
            for value in values:
                if value and not value.isspace():
                    return value
    return ""


def _record(tags: dict[str, list[str]], line: int) -> RawRecord:
    record: RawRecord = {name: _first(tags, names) for name, names in _FIELDS.items()}
    record["_line"] = line
    if len(tags.get("AB", ())) > 1:
        record["abstract"] = " ".join(v for v in tags["AB"] if v)
    record["authors"] = tags.get("AU") or tags.get("A1") or []
    record["keywords"] = tags.get("KW", [])
    start, end = _first(tags, ("SP",)), _first(tags, ("EP",))
    record["pages"] = f"{start}-{end}" if start and end and "-" not in start else start or end
    record["type"] = tags["TY"][0]
    record["pmid"] = _pmid(tags)
    # The DOI is often only in a URL or a note; keep every candidate, `finish` picks the first real one.
    if not record["doi"] or "10." not in str(record["doi"]):
        record["doi"] = " ".join(v for name in _FIELDS["doi"] for v in tags.get(name, ()) if "10." in v)
    record["url"] = [v for name in _FIELDS["url"] for v in tags.get(name, ())]
    record.update(from_notes(" | ".join(tags.get("N1", []))))
    if record.get("tool") == "rayyan":
        record["tool_id"] = next((v for v in tags.get("AN", []) + tags.get("ID", []) if v.startswith("rayyan-")), "")
    return record


_PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})\b")


def _pmid(tags: dict[str, list[str]]) -> str:
    for name in ("AN", "C2", "N1", "M1", "U1", "U2"):
        for value in tags.get(name, ()):
            match = _PMID_NOTE.search(value)
            if match:
                return match.group(1)
    source = " ".join(tags.get("DB", []) + tags.get("DP", [])).casefold()
    if "pubmed" in source or "medline" in source:
        accession = _first(tags, ("AN",)).strip()
        if accession.isdigit():
            return accession
    return ""
