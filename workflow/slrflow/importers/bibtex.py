"""BibTeX (Scopus, Web of Science, ACM, IEEE, dblp, Crossref, Zotero, JabRef ...), read with bibtexparser 1.x.

bibtexparser skips an entry it cannot parse without a word; the entries it returns are therefore checked
against the '@type{' lines of the text, and an entry that went missing is an error naming its line.
"""

from __future__ import annotations

import re

from slrflow.importers._base import Parsed, ParseError
from slrflow.importers._fields import RawRecord

__all__ = ["NAME", "looks_like", "parse"]

NAME = "bibtex"

_ENTRY = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(][ \t]*([^,\n]*)", re.MULTILINE)
_HEAD = re.compile(r"^([ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(])([^,\n]*),", re.MULTILINE)
_NOT_RECORDS = frozenset({"comment", "string", "preamble"})
_BRACES = re.compile(r"[{}]")


def looks_like(text: str) -> bool:
    return any(m.group(1).casefold() not in _NOT_RECORDS for m in _ENTRY.finditer(text[:100000]))


def parse(text: str) -> Parsed:
    import bibtexparser
    from bibtexparser.bparser import BibTexParser

    text = _HEAD.sub(_fix_key, text)
    starts = [
        (text.count("\n", 0, m.start()) + 1, m.group(2).strip())
        for m in _ENTRY.finditer(text)
        if m.group(1).casefold() not in _NOT_RECORDS
    ]
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False)
    try:
        entries = bibtexparser.loads(text, parser=parser).entries
    except Exception as error:  # bibtexparser raises bare pyparsing and ValueError types
        raise ParseError(f"BibTeX could not be parsed: {error}") from error
    if not starts:
        raise ParseError("no BibTeX entry found (no line starts with '@article{' or similar)", 1)
    # bibtexparser returns the entries in file order; pair them with their '@' lines by key.
    result = Parsed()
    cursor = 0
    for entry in entries:
        key = entry.get("ID", "")
        while cursor < len(starts) and starts[cursor][1] != key:
            line, lost = starts[cursor]
            raise ParseError(f"BibTeX entry {lost or '(no key)'} could not be read (check its braces and commas)", line)
        line = starts[cursor][0] if cursor < len(starts) else None
        cursor += 1
        result.records.append(_record(entry, line))
    if cursor < len(starts):
        line, lost = starts[cursor]
        raise ParseError(f"BibTeX entry {lost or '(no key)'} could not be read (check its braces and commas)", line)
    return result


def _fix_key(match: re.Match[str]) -> str:
    # bibtexparser silently drops entries without a key ('@article{,', written by JabRef) or with a space in
    # it ('Conference paper2022775', written by Scopus); the key is not kept, so any unique word will do.
    key = match.group(2).strip()
    if key and not re.search(r"\s", key):
        return match.group(0)
    fixed = re.sub(r"\s+", "_", key) or f"slrflow_keyless_{match.start()}"
    return f"{match.group(1)}{fixed},"


def _text(entry: dict[str, str], *names: str) -> str:
    for name in names:
        value = entry.get(name)
        if value:
            return _unlatex(str(value))
    return ""


def _unlatex(value: str) -> str:
    if "\\" in value:
        from bibtexparser.latexenc import latex_to_unicode

        value = latex_to_unicode(value)
    return _BRACES.sub("", value) if "{" in value else value


def _authors(value: str) -> list[str]:
    names, depth, current = [], 0, []
    # split on ' and ' outside braces: "{Barnes and Noble} and Smith, J" is two names.
    for token in re.split(r"(\s+and\s+|[{}])", value):
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0 and token.strip() == "and" and token != "and":
            names.append("".join(current))
            current = []
            continue
        current.append(token)
    names.append("".join(current))
    return [_unlatex(n).strip() for n in names if n.strip()]


def _record(entry: dict[str, str], line: int | None) -> RawRecord:
    keywords = _text(entry, "keywords", "keyword", "author_keywords", "mesh")
    return {
        "_line": line,
        "title": _text(entry, "title", "booktitle"),
        "abstract": _text(entry, "abstract"),
        "authors": _authors(entry.get("author", "")),
        "year": _text(entry, "year", "date"),
        "journal": _text(entry, "journal", "journaltitle", "booktitle", "series"),
        "volume": _text(entry, "volume"),
        "number": _text(entry, "number", "issue"),
        "pages": _text(entry, "pages").replace("--", "-"),
        "doi": _text(entry, "doi"),
        "pmid": _text(entry, "pmid"),
        "keywords": re.split(r"[;,]", keywords) if keywords else [],
        "language": _text(entry, "language", "langid"),
        "type": entry.get("ENTRYTYPE", ""),
        "url": [_text(entry, "url")],
        "issn": _text(entry, "issn"),
        "publisher": _text(entry, "publisher"),
    }
