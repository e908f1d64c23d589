"""Bibliographic metadata of a PDF: title, authors, DOI and year, from the document information dictionary where
it is trustworthy and from the first pages otherwise.

Producers often leave the information dictionary empty or fill it with something else ('Proceedings of the...',
'Microsoft Word - draft3.docx', the publisher as author), so a title from it is used only when it also appears on
the first page; otherwise the title is the block of largest type in the top half of the first page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rapidfuzz import fuzz

from slrflow.fulltext.characteristics import YEAR_RANGE
from slrflow.fulltext.layout import Line
from slrflow.identity import normalise_doi, normalise_text

__all__ = ["clean_info", "document_metadata", "find_doi", "find_title", "find_year"]

_DOI_IN_TEXT = re.compile(r"10\.\d{4,9}/[^\s\"<>]+")
_DOI_LABEL = re.compile(r"(?:doi|digital object identifier)\s*[:.]?\s*$|doi\.org/$", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d./-])(19[5-9]\d|20\d\d)(?![\d/])")
_YEAR_CONTEXT = re.compile(
    r"(©|\(c\)|copyright|published|received|accepted|proceedings|conference|journal|vol\.?|volume)",
    re.IGNORECASE,
)
# A journal's running head gives the volume right after the year: '2020, VOL. 35, NO. 1', '2019; 12(3)'.
_VOLUME_AFTER = re.compile(r"^\s*[,;.]?\s*(?:vol\.?|volume)\s*\d|^\s*[,;]\s*\d+\s*\(\d+\)", re.IGNORECASE)
_CITATION_BEFORE = re.compile(r"(?:[A-Z][\w'-]+(?: et al\.?)?,?|and [A-Z][\w'-]+,?)\s*\(?$")
_GENERIC_TITLE = re.compile(
    r"^(?:microsoft \w+ - |untitled|proceedings of|title$|document\d*$|\S+\.(?:docx?|pdf|tex|dvi|txt|indd)$)",
    re.IGNORECASE,
)
_NOT_TITLE = re.compile(
    r"journal|proceedings|volume|issn|research article|original article|review article|open access|"
    r"received:|accepted:|published|doi|www\.|http|©|copyright|licen[cs]e",
    re.IGNORECASE,
)
_ORGANISATION = re.compile(
    r"association|society|press|publish|proceedings|inc\b|ltd|corporation|university|elsevier|springer|ieee|"
    r"\bacm\b|wiley|\btaylor\b.*francis|editor|admin|user|^owner$",
    re.IGNORECASE,
)
_AFFILIATION = re.compile(
    r"universit|department|institut|school|college|hospital|faculty|laborator|centre|center|@|abstract|"
    r"corresponden|received|e-?mail|\bgmbh\b|\bag\b|inc\.|open access|article|review|research",
    re.IGNORECASE,
)
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|&|\u00b7|\|)\s*")
_MARKED = re.compile(r"[a-z.][\d*†‡§¶∗⁎]+,?$")
_NAME_MARKS = re.compile(r"[\d*†‡§¶#∗⁎,]+|\(\w\)|\s[a-z]$")
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|[A-Z]\.|(?:da|de|del|der|di|du|la|le|van|von|den|dos|y|bin|al)$)")


def clean_info(info: Mapping[str, object]) -> dict[str, str]:
    """The information dictionary as plain strings (bytes decoded, NULs and PDF literals' slashes removed)."""
    cleaned: dict[str, str] = {}
    for key, value in info.items():
        text = _as_text(value)
        if text:
            cleaned[str(key)] = text
    return dict(sorted(cleaned.items()))


def document_metadata(info: Mapping[str, str], first_pages: Sequence[Sequence[Line]]) -> dict[str, object]:
    """title, authors, doi, year and, for each, where it came from ('pdf_info', 'first_page' or '')."""
    texts = ["\n".join(line.text for line in lines) for lines in first_pages]
    title, title_source = find_title(info.get("Title", ""), first_pages)
    authors, author_source = _find_authors(info.get("Author", ""), first_pages, title)
    doi, doi_source = find_doi(info, texts)
    year = find_year(texts[0] if texts else "")
    return {
        "title": title,
        "authors": authors,
        "doi": doi,
        "year": year,
        "sources": {
            "title": title_source,
            "authors": author_source,
            "doi": doi_source,
            "year": "first_page" if year else "",
        },
    }


def find_title(info_title: str, first_pages: Sequence[Sequence[Line]]) -> tuple[str, str]:
    info_title = " ".join(info_title.split())
    plausible = len(info_title) >= 10 and not _GENERIC_TITLE.search(info_title) and " " in info_title
    page_text = normalise_text(" ".join(line.text for line in first_pages[0])) if first_pages else ""
    if plausible and page_text and fuzz.partial_ratio(normalise_text(info_title), page_text) >= 90:
        return info_title, "pdf_info"
    from_page = _largest_type_block(first_pages[0]) if first_pages else ""
    if from_page:
        return from_page, "first_page"
    if plausible:
        return info_title, "pdf_info"
    return "", ""


def find_doi(info: Mapping[str, str], texts: Sequence[str]) -> tuple[str, str]:
    """A DOI named in the information dictionary, else the first DOI labelled as such on the first pages."""
    for key in sorted(info, key=lambda k: (k.lower() not in ("doi", "prism:doi", "subject"), k)):
        doi = normalise_doi(info[key]) if "10." in info[key] else ""
        if doi:
            return doi, "pdf_info"
    fallback = ""
    for page, text in enumerate(texts):
        for match in _DOI_IN_TEXT.finditer(text):
            doi = normalise_doi(match.group(0))
            if not doi:
                continue
            if _DOI_LABEL.search(text[max(0, match.start() - 30) : match.start()]):
                return doi, "first_page"
            if page == 0 and not fallback:
                fallback = doi
    return (fallback, "first_page") if fallback else ("", "")


def find_year(text: str) -> str:
    """The publication year printed on a first page: near ©, 'Received', 'Proceedings' and the like, else the
    most frequent year that is not part of a citation or of a span of years (a study period)."""
    spans = [match.span() for match in YEAR_RANGE.finditer(text)]
    scores: dict[str, float] = {}
    for match in _YEAR.finditer(text):
        if any(start <= match.start() < end for start, end in spans):
            continue
        before = text[max(0, match.start() - 40) : match.start()]
        in_context = bool(_YEAR_CONTEXT.search(before) or _VOLUME_AFTER.search(text[match.end() : match.end() + 20]))
        if _CITATION_BEFORE.search(before) and not in_context:
            continue
        year = match.group(1)
        scores[year] = scores.get(year, 0.0) + (3.0 if in_context else 1.0)
    if not scores:
        return ""
    return max(sorted(scores), key=lambda y: (scores[y], y))


def _largest_type_block(lines: Sequence[Line]) -> str:
    """The consecutive lines set in the largest type, among the lines of the first page's upper half."""
    if not lines:
        return ""
    page_bottom = max(line.bottom for line in lines)
    upper = [line for line in lines if (line.top < 0.55 * page_bottom and line.column != 2) or line.top < 200]
    sizes = sorted({round(line.size, 1) for line in upper}, reverse=True)
    for size in sizes[:4]:
        block: list[str] = []
        best = ""
        for line in upper:
            if abs(line.size - size) <= 0.6 and not _NOT_TITLE.search(line.text):
                block.append(line.text)
            elif block:
                best = best or " ".join(block)
                block = []
        best = best or " ".join(block)
        words = best.split()
        if 3 <= len(words) <= 60 and len(best) >= 15 and sum(ch.isalpha() for ch in best) > 0.6 * len(best):
            return _dehyphenate(best)
    return ""


def _find_authors(info_author: str, first_pages: Sequence[Sequence[Line]], title: str) -> tuple[list[str], str]:
    from_page = _authors_after_title(first_pages[0], title) if first_pages and title else []
    if from_page:
        return from_page, "first_page"
    info_author = re.sub(r"\{?et al\.?\}?", "", info_author).strip(" ,;")
    if info_author and not _ORGANISATION.search(info_author):
        names = [name for name in (_clean_name(part) for part in re.split(r"\s*;\s*", info_author)) if name]
        if names:
            return names, "pdf_info"
    return [], ""


def _authors_after_title(lines: Sequence[Line], title: str) -> list[str]:
    key = normalise_text(title)
    # The title block is the run of lines that together spell most of the title ('REVIEW' alone does not).
    end, covered = None, 0
    for index, line in enumerate(lines[:40]):
        text = normalise_text(line.text)
        if text and text in key:
            end, covered = index, covered + len(text)
        elif end is not None and covered >= 0.6 * len(key):
            break
        else:
            end, covered = None, 0
    if end is None or covered < 0.6 * len(key):
        return []
    names: list[str] = []
    for line in lines[end + 1 : end + 5]:
        if _AFFILIATION.search(line.text):
            if names:
                break
            continue
        parts = [part for segment in _segments(line) for part in _NAME_SEPARATORS.split(segment) if part.strip()]
        candidates = [name for name in map(_clean_name, parts) if name]
        if candidates and len(candidates) >= 0.6 * len(parts):
            names.extend(candidates)
        elif names:
            break
    return names


def _segments(line: Line) -> list[str]:
    """Pieces of a line separated by wide gaps (author names set side by side)."""
    pieces: list[list[str]] = [[]]
    previous = None
    for word in line.words:
        # A wide gap, or a footnote mark ending the previous word ('Fritzsch1', 'Ball*'), ends a name.
        wide = previous is not None and word.x0 - previous.x1 > 1.0 * word.size
        if previous is not None and (wide or _MARKED.search(previous.text)):
            pieces.append([])
        pieces[-1].append(word.text)
        previous = word
    return [" ".join(piece) for piece in pieces]


def _clean_name(text: str) -> str:
    text = _NAME_MARKS.sub(" ", text).strip(" .,;")
    words = text.split()
    if not 2 <= len(words) <= 5 or not all(_NAME_WORD.match(word) for word in words):
        return ""
    if _AFFILIATION.search(text) or _ORGANISATION.search(text):
        return ""
    return " ".join(words)


def _dehyphenate(text: str) -> str:
    return re.sub(r"(\w)- (\w)", r"\1\2", text) if re.search(r"\w- [a-z]", text) else text


def _as_text(value: object) -> str:
    if isinstance(value, bytes):
        if value.startswith((b"\xfe\xff", b"\xff\xfe")):
            text = value.decode("utf-16", errors="replace")
        else:
            text = value.decode("latin-1")
    elif isinstance(value, (list, tuple)):
        text = "; ".join(_as_text(item) for item in value)
    else:
        text = str(value)
        if text.startswith("/") and type(value).__name__ == "PSLiteral":
            text = text[1:]
    return " ".join(text.replace("\x00", "").split())
