"""Field values as every format delivers them, reduced to one shape per field of slrflow.records.RECORD_FIELDS.

Parsers hand over raw values (strings, lists of strings); `finish` turns them into a record: authors as
"Surname, Given" strings, year as four digits, pages as "start-end", DOI normalised, keywords de-duplicated.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

from slrflow.identity import normalise_doi, record_id
from slrflow.records import LIST_FIELDS, RECORD_FIELDS

__all__ = [
    "RawRecord",
    "clean",
    "finish",
    "first_value",
    "first_year",
    "join_pages",
    "normalise_author",
    "split_authors",
    "split_keywords",
]

# What a parser produces: RECORD_FIELDS names -> a string or a list of strings; "_line" is where it starts.
RawRecord = dict[str, object]

_SPACE = re.compile(r"\s+")
_FILLERS = frozenset({"na", "n/a", "null", "none", "nan", "-"})
_YEAR = re.compile(r"(?<![0-9])(1[5-9][0-9]{2}|20[0-9]{2}|21[0-9]{2})(?![0-9])")
_COMPACT_DATE = re.compile(r"(?<![0-9])(1[5-9][0-9]{2}|20[0-9]{2})(?:0[1-9]|1[0-2])[0-3][0-9](?![0-9])")
# Springer CSV runs names together ("Andy SmithTom Weber"); "McNamara", "DeLuca", "LeBlanc" are not two names.
_RUN_TOGETHER = re.compile(r"(?<=[a-z])(?<!Mc)(?<!Mac)(?<!De)(?<!Di)(?<!La)(?<!Le)(?<!Van)(?=[A-Z][a-z])")
_PAGE_RANGE = re.compile(r"^\s*([A-Za-z]*\d+[A-Za-z]*)\s*(?:-+|–|—|−)\s*([A-Za-z]*\d+[A-Za-z]*)\s*$")
_ISSN = re.compile(r"(?<![0-9])(\d{4})-?(\d{3}[\dXx])(?![0-9])")
_AUTHOR_ID = re.compile(r"\s*\(\d+\)\s*$")  # Scopus "Wilson, Lauren N. (58975547800)"
_ROLE = re.compile(r"\s*\[(?:ed|eds|editor)\.?\]\s*$", re.IGNORECASE)
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")
_PARTICLES = frozenset(
    [
        "van",
        "von",
        "de",
        "der",
        "den",
        "del",
        "della",
        "di",
        "da",
        "du",
        "dos",
        "das",
        "la",
        "le",
        "ten",
        "ter",
        "bin",
        "al",
        "el",
        "mac",
        "st",
    ]
)
_COLLECTIVE = re.compile(
    r"\b(group|consortium|collaborat\w*|committee|society|association|organi[sz]ation|institute|network|"
    r"team|investigators|council|federation|agency|university|centre|center|trial|working)\b",
    re.IGNORECASE,
)


def clean(value: object) -> str:
    """One line of text: whitespace collapsed, HTML entities decoded, None and 'NA'-like fillers as ''."""
    if value.__class__ is str:  # the common case first: most values are strings, many of them empty
        if not value:
            return ""
        text = value
    else:
        if value is None:
            return ""
        if isinstance(value, (list, tuple)):
            value = " ".join(str(v) for v in value if v is not None)
        text = str(value)
    if "&" in text:
        text = html.unescape(text)
    # The regex is the cost of importing 100,000 records; most values have no run of whitespace to fold.
    if "  " in text or "\n" in text or "\t" in text or "\xa0" in text:
        text = _SPACE.sub(" ", text)
    text = text.strip()
    if len(text) <= 4 and text.casefold() in _FILLERS:
        return ""
    return text


def first_year(value: object) -> str:
    """The first plausible four-digit year in a date string ('2020 Feb', '4/3/2024', '2014//'), else ''."""
    text = clean(value)
    match = _YEAR.search(text) or _COMPACT_DATE.search(text)
    return match.group(1) if match else ""


def join_pages(start: object, end: object = None) -> str:
    """'start-end' from a start and end page or one range ('1309--1348', '454-81' becomes '454-481')."""
    first, last = clean(start), clean(end)
    if first and not last:
        match = _PAGE_RANGE.match(first)
        if match is None:
            return first
        first, last = match.groups()
    if not first:
        return last
    if not last or last == first:
        return first
    # MEDLINE abbreviates the end page: 454-81 means 454-481.
    if first.isdigit() and last.isdigit() and len(last) < len(first) and int(first[-len(last) :]) < int(last):
        last = first[: len(first) - len(last)] + last
    return f"{first}-{last}"


def split_authors(value: object) -> list[str]:
    """A list of author names from a list, or from one string separated by ';', ' and ', '|' or ','."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        # One item per author tag (RIS AU, WoS AF): an item with one comma is one name ("Van Loey, Nancy E. E.").
        names: list[str] = []
        for item in value:
            text = clean(item).strip(" ;,")
            if text.count(",") == 1 and not re.search(r";|\||\s+and\s+", text):
                names.extend(filter(None, [normalise_author(text)]))
            else:
                names.extend(split_authors(text))
        return names
    text = clean(value).strip(" ;,")
    if not text:
        return []
    if text.count(",") == 1 and ";" not in text and "|" not in text and " and " not in text:
        # "Smith, J" and "van der Kallen, Carla J. H." (lower-case name particles) are one name; "Rottman J,
        # Carmel E" is two.
        surname = text.split(",", 1)[0].split()
        parts = [text] if all(word.islower() for word in surname[:-1]) else _split_commas(text)
    elif ";" in text:
        parts = text.split(";")
    elif "|" in text:
        parts = text.split("|")
    elif re.search(r"\s+and\s+", text):
        parts = re.split(r"\s+and\s+", text)
    elif "," in text:
        parts = _split_commas(text)
    elif len(text.split()) >= 3 and _RUN_TOGETHER.search(text):
        parts = _RUN_TOGETHER.split(text)
    else:
        parts = [text]
    return [name for name in (normalise_author(p) for p in parts) if name]


_ONLY_INITIALS = re.compile(r"(?:[A-Z]\.?[\s-]?){1,4}")


def _split_commas(text: str) -> list[str]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    # "Rottman J, Carmel E" or "Joseph Rottman, Erran Carmel": every part is a whole name. A part of initials
    # only ("B.") is the given name of the part before it, as in "Da Roit, B.".
    if len(parts) > 1 and all((" " in p or "." in p) and not _ONLY_INITIALS.fullmatch(p) for p in parts):
        return parts
    # "Smith, John" or "Smith, J., Jones, K.": surname and given names alternate.
    if len(parts) % 2 == 0:
        return [f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts), 2)]
    return [text]


def normalise_author(name: str) -> str:
    """'Surname, Given' from 'Surname, Given', 'Surname GI' (MEDLINE, Scopus) or 'Given Surname'."""
    name = clean(name)
    if name.endswith(")"):
        name = _AUTHOR_ID.sub("", name)
    if name.endswith("]"):
        name = _ROLE.sub("", name)
    name = name.strip(" ;,")
    if not name or name.casefold() in {"anonymous", "unknown", "et al", "et al."}:
        return ""
    if "," in name:
        surname, given = name.split(",", 1)
        surname, given = surname.strip(), given.strip()
        if given.casefold() == "null":  # RefWorks writes "van den Hoven,null" for a missing given name
            given = ""
        return f"{surname}, {given}" if given else surname
    words = name.split()
    if len(words) == 1 or _COLLECTIVE.search(name):
        return name
    if _INITIALS.match(words[-1]):
        # "Griffin DK", "Wilson L.N.", and "Brownstein C D" with the initials spaced out.
        cut = len(words) - 1
        while cut > 1 and len(words[cut - 1].rstrip(".")) == 1 and words[cut - 1][0].isupper():
            cut -= 1
        return f"{' '.join(words[:cut])}, {' '.join(words[cut:])}"
    if all(word.islower() and word in _PARTICLES for word in words[:-1]):
        return name  # a surname alone, its particles in lower case: "van den Hoven"
    # "Given Surname", with lower-case or known particles kept with the surname: "Max Van Kleek".
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].casefold().rstrip(".") in _PARTICLES:
        cut -= 1
    given = " ".join(words[:cut])
    # Lens writes "null van den Hoven" for a missing given name, as RefWorks writes "van den Hoven,null".
    return " ".join(words[cut:]) if given.casefold() == "null" else f"{' '.join(words[cut:])}, {given}"


def split_keywords(value: object, separators: str = ";") -> list[str]:
    """Keywords from a list or a separated string, stripped and de-duplicated in order."""
    items: Iterable[object] = value if isinstance(value, (list, tuple)) else [value]
    kept: list[str] = []
    seen: set[str] = set()
    pattern = re.compile("[" + re.escape(separators) + "]") if separators else None
    for item in items:
        text = clean(item)
        if not text:
            continue
        for part in pattern.split(text) if pattern else [text]:
            part = part.strip(" .*")
            if part and part.casefold() not in seen:
                seen.add(part.casefold())
                kept.append(part)
    return kept


def _issn(value: object) -> str:
    match = _ISSN.search(clean(value))
    return f"{match.group(1)}-{match.group(2).upper()}" if match else ""


def _pmid(value: object) -> str:
    text = clean(value)
    match = re.search(r"(?<![0-9])(\d{1,9})(?![0-9])", text)
    return match.group(1) if match else ""


def finish(
    raw: Mapping[str, object],
    *,
    position: int,
    source_format: str,
    source_file: str,
    database: str | None,
    warn: list[tuple[int | None, str]],
) -> dict[str, object]:
    """The finished record: every RECORD_FIELDS key, lists for authors and keywords, and its record_id."""
    line = raw.get("_line")
    line = line if isinstance(line, int) else None
    text = {
        name: clean(raw.get(name))
        for name in RECORD_FIELDS
        if name not in LIST_FIELDS and name not in {"record_id", "database", "source_file", "source_position"}
    }
    record: dict[str, object] = dict(text)
    record["authors"] = _dedupe(split_authors(raw.get("authors")))
    record["keywords"] = split_keywords(raw.get("keywords"))
    record["import_warnings"] = []
    year_text = text["year"]
    record["year"] = first_year(year_text)
    if year_text and not record["year"]:
        warn.append((line, f"record {position}: year {year_text!r} has no four-digit year; left empty"))
    pages = join_pages(raw.get("pages"))
    record["pages"] = pages if any(ch.isdigit() for ch in pages) else ""  # "No-Specified" (Ovid)
    doi = normalise_doi(text["doi"])
    if not doi:
        doi = _doi_from_urls(raw.get("url"))
    record["doi"] = doi
    record["pmid"] = _pmid(record["pmid"])
    record["issn"] = _issn(record["issn"])
    record["url"] = _first_url(raw.get("url"))
    record["database"] = database or ""
    record["source_file"] = source_file
    record["source_position"] = position
    record["source_format"] = source_format
    record["record_id"] = record_id(record)
    return {name: record[name] for name in RECORD_FIELDS}


def _dedupe(names: list[str]) -> list[str]:
    # Some exports repeat an author line (litstudy IEEE RIS); a repeated name is never a second author.
    seen: dict[str, None] = {}
    for name in names:
        seen.setdefault(name, None)
    return list(seen)


def _urls(value: object) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else [value]
    urls: list[str] = []
    for item in items:
        urls.extend(re.findall(r"https?://\S+", clean(item)))
    return urls


def _first_url(value: object) -> str:
    urls = _urls(value)
    return urls[0] if urls else ""


def _doi_from_urls(value: object) -> str:
    for url in _urls(value):
        if "doi.org/" in url or "/doi/" in url:
            doi = normalise_doi(url.split("doi.org/", 1)[-1] if "doi.org/" in url else url.split("/doi/", 1)[1])
            if doi:
                return doi
    return ""


def first_value(tags: dict[str, list[str]], *names: str) -> str:
    """The first non-empty value among the tags `names`, in that order; '' if none has one."""
    for name in names:
        for value in tags.get(name, ()):
            if value:
                return value
    return ""
