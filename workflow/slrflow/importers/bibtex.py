"""BibTeX (Scopus, Web of Science, ACM, IEEE, dblp, Crossref, Zotero, JabRef ...), read with bibtexparser 1.x.

bibtexparser skips an entry it cannot parse without a word (and an unbalanced brace makes it swallow every entry
after it); the entries it returns are therefore checked against the '@type{' lines of the text, and an entry that
went missing is read again on its own, then field by field, so one broken field (EBSCOhost writes scraped web-page
text into Keywords) costs that field, not the file. What could not be read is a warning with the entry's key and
line.
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

    text = _HEAD.sub(_fix_key, text)
    starts = [
        (text.count("\n", 0, m.start()) + 1, m.group(2).strip(), m.start())
        for m in _ENTRY.finditer(text)
        if m.group(1).casefold() not in _NOT_RECORDS
    ]
    if not starts:
        raise ParseError("no BibTeX entry found (no line starts with '@article{' or similar)", 1)
    try:
        entries = bibtexparser.loads(text, parser=_parser()).entries
    except Exception:  # bibtexparser raises bare pyparsing and ValueError types; every entry is retried below
        entries = []
    # bibtexparser returns the entries in file order; pair them with their '@' lines by key. An entry it lost
    # (an unbalanced brace swallows it, or everything after it) is read again on its own.
    result = Parsed()
    found = iter(entries)
    entry = next(found, None)
    for index, (line, key, offset) in enumerate(starts):
        if entry is not None and entry.get("ID", "") == key:
            result.records.append(_record(entry, line))
            entry = next(found, None)
            continue
        end = starts[index + 1][2] if index + 1 < len(starts) else len(text)
        recovered = _recover(text[offset:end], line, key or "(no key)", result.warnings)
        if recovered is not None:
            result.records.append(_record(recovered, line))
    if not result.records:
        raise ParseError("no BibTeX entry could be read (check the braces and commas)", starts[0][0])
    result.truncated = _cut_short(text[starts[-1][2] :])
    return result


def _cut_short(last_entry: str) -> bool:
    """The file ends inside its last entry: it does not end with a closing brace, or its braces stay open and
    its last line is not the lone '}' that closes an entry in the one-field-per-line layout."""
    stripped = last_entry.rstrip()
    if not stripped.endswith(("}", ")")):
        return True
    return _depth(stripped) > 0 and stripped.rsplit("\n", 1)[-1].strip() not in {"}", ")"}


def _parser():
    from bibtexparser.bparser import BibTexParser

    return BibTexParser(common_strings=True, ignore_nonstandard_types=False)


def _depth(text: str) -> int:
    """Braces opened and not closed in `text` (escaped braces \\{ and \\} do not count)."""
    depth = 0
    for match in _BRACES.finditer(text.replace("\\{", "").replace("\\}", "")):
        depth += 1 if match.group(0) == "{" else -1
    return depth


_FIELD_START = re.compile(r"^[ \t]*([A-Za-z][\w:.+-]*)[ \t]*=[ \t]*", re.MULTILINE)


def _recover(chunk: str, line: int, key: str, warnings: list[tuple[int | None, str]]) -> dict[str, str] | None:
    """One entry that bibtexparser could not read in the file, read from its own text.

    First the entry alone (an earlier entry may have swallowed it); then, for the one-field-per-line layout
    that databases write ('Title = {...},' on each line), field by field: a field whose braces or quotes do
    not balance is left out and reported with its line, and the rest of the entry is kept.
    """
    import bibtexparser

    try:
        alone = bibtexparser.loads(chunk, parser=_parser()).entries
    except Exception:  # as above: any failure means the entry must be read field by field
        alone = []
    if len(alone) == 1 and _depth(chunk) == 0:
        warnings.append((line, f"BibTeX entry {key} was read on its own: the entry before it is malformed"))
        return alone[0]
    head = _ENTRY.match(chunk)
    fields = list(_FIELD_START.finditer(chunk))
    if head is None or not fields:
        warnings.append((line, f"BibTeX entry {key} could not be read (check its braces and commas); left out"))
        return None
    kept: list[str] = []
    dropped: list[str] = []
    for index, match in enumerate(fields):
        end = fields[index + 1].start() if index + 1 < len(fields) else len(chunk)
        value = chunk[match.end() : end].rstrip()
        if index + 1 == len(fields) and value.endswith("}") and _depth(value) < 0:
            value = value[:-1].rstrip()  # the entry's closing brace
        value = value.rstrip(",").rstrip()
        field_line = line + chunk.count("\n", 0, match.start())
        if _balanced(value):
            kept.append(f"  {match.group(1)} = {value},")
        else:
            dropped.append(match.group(1))
            warnings.append(
                (
                    line,
                    f"BibTeX entry {key}: field {match.group(1)} at line {field_line} has unbalanced braces or "
                    "quotes and was left out; the entry's other fields were read",
                )
            )
    clean = f"@{head.group(1)}{{{key},\n" + "\n".join(kept) + "\n}\n"
    try:
        rebuilt = bibtexparser.loads(clean, parser=_parser()).entries
    except Exception:  # as above
        rebuilt = []
    if len(rebuilt) != 1:
        warnings.append((line, f"BibTeX entry {key} could not be read (check its braces and commas); left out"))
        return None
    if not dropped:
        warnings.append((line, f"BibTeX entry {key} is malformed (its braces do not balance); read field by field"))
    return rebuilt[0]


def _balanced(value: str) -> bool:
    """A complete BibTeX value: {braced} with balanced braces, "quoted", a number or a @string name, or such
    parts joined with '#'."""
    if not value:
        return False
    if value[0] == "{":
        return value[-1] == "}" and _depth(value) == 0 and _closes_at_end(value)
    if value[0] == '"':
        return len(value) > 1 and value[-1] == '"' and _depth(value) == 0
    return re.fullmatch(r"[\w.:+-]+(\s*#\s*.+)?", value) is not None


def _closes_at_end(value: str) -> bool:
    # "{a} junk {b}" balances but is not one value: the first brace must close at the very end.
    depth = 0
    cleaned = value.replace("\\{", "").replace("\\}", "")
    for position, char in enumerate(cleaned):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position == len(cleaned) - 1
    return False


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
    names: list[str] = []
    current: list[str] = []
    depth = 0
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
