"""Field normalisation for duplicate detection: each record reduced to the keys the comparisons use.

Normalisation is deliberately lossy in ways that differ between databases (case, punctuation, accents, resolver
prefixes, abbreviated journal names, '202-30' against '202-230') and deliberately keeps what tells two studies
apart (numbers in titles, erratum or reply markers, volume and first page).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from slrflow.identity import normalise_doi
from slrflow.identity import normalise_text as _normalise_unicode
from slrflow.tables import join_list

__all__ = [
    "SURNAME",
    "Normalised",
    "author_tokens",
    "doi_is_suffix_variant",
    "doi_is_version_variant",
    "first_page",
    "journal_segments",
    "last_page",
    "normalise_record",
    "series_key",
    "title_markers",
    "title_numbers",
    "volume_key",
    "year_of",
]

# MEDLINE and Ovid append notes such as "[Erratum appears in N Engl J Med 2009]" or "[Comment in: ...]" to the
# article's own title: they say that a notice exists, not that this record is the notice.
_ANNOTATION = re.compile(
    r"\[\s*(?:erratum|comment|retraction|retracted|corrected|update|summary for patients|see also)\b[^\]]*(?:\]|$)",
    re.IGNORECASE,
)
# Trailing database notes: "[German]", "[Review] [88 refs]", "[Multiple letters 1]", or one cut off: "[".
_TRAILING_NOTE = re.compile(r"\s*\[[^\[\]]*\]?\s*\.?\s*$")
# Web of Science titles its errata "Original title (vol 360, pg 542, 2009)".
_WOS_ERRATUM = re.compile(r"\(\s*vol\.?\s*\d+\s*,\s*pg\.?\s*\w+", re.IGNORECASE)
# What only says that a title is a notice about another record, cut before titles are compared: the notice
# word in front ("Erratum: ", "Correction to: "), and a citation of the original at the end, as Web of Science
# ("(vol 360, pg 542, 2009)"), Embase ("(New England Journal of Medicine (2009) 360 (542-544))") and MEDLINE
# letters ("... N Engl J Med. 2009 Jan 29;360(5):544-6") write it. A title never ends in a citation of itself.
_NOTICE_PREFIX = re.compile(
    r"^\s*(?:errat(?:um|a)|corrigend(?:um|a)|correction|author correction|publisher'?s note|"
    r"retraction(?: notice)?|notice of retraction|retracted(?: article)?|withdrawn|expression of concern)"
    r"(?:\s+(?:to|of))?\s*[:.\-]\s*",
    re.IGNORECASE,
)
_CITATION_TAIL = re.compile(
    r"(?:\.\.\.|[.;])\s*[A-Z][A-Za-z .&]*?\s(?:19|20)\d\d(?:\s+[A-Z][a-z]{2}(?:\s+\d{1,2})?)?\s*;\s*\d+"
    r"\s*(?:\(\s*[\w ]+\s*\))?\s*:\s*[A-Za-z]?\d+(?:\s*-\s*[A-Za-z]?\d+)?\s*\.?\s*$"
)
_CITED_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# what makes a bracketed tail a citation: "vol 360, pg 542", a page range "542-544", a year of its own "(2009)"
_CITED_PLACE = re.compile(
    r"\bvol\b.*\bpg?\b|(?<!\d)(?!(?:19|20)\d\d\s*-)\d+\s*-\s*\d+|\(\s*(?:19|20)\d\d\s*\)", re.IGNORECASE
)
# A thousands separator written as a space: "10 000 women" is "10000 women".
_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3}) (\d{3})(?![\d.,])")
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "erratum",
        re.compile(
            r"\b(?:errat(?:um|a)|corrigend(?:um|a)|correction(?:s)?\s+(?:to|of)\s*:|author correction|"
            r"publisher'?s note)\b|^\s*correction\s*[:.\-]",
            re.IGNORECASE,
        ),
    ),
    (
        "retraction",
        re.compile(r"\b(?:retraction|retracted|withdrawn|expression of concern)\b", re.IGNORECASE),
    ),
    (
        "reply",
        re.compile(r"\b(?:in reply|reply|authors?'? response|response to|responds?)\b|^\s*re\s*:", re.IGNORECASE),
    ),
    (
        "comment",
        re.compile(
            r"\b(?:comment(?:ary)? (?:on|to)|letter to the editor|editorial comment)\b|^\s*comment\s*[:.\-]",
            re.IGNORECASE,
        ),
    ),
)
_ANY_MARKER = re.compile(
    "|".join(f"(?:{pattern.pattern})" for _, pattern in _MARKERS) + f"|(?:{_WOS_ERRATUM.pattern})", re.IGNORECASE
)
_NO_MARKERS: frozenset[str] = frozenset()
NOTICE = "notice"
NOTICE_ONLY = frozenset({NOTICE})
# Words after which a roman numeral is a number: "Part II", "type 2", "phase III", "study I".
_ROMAN_CONTEXT = frozenset({"part", "phase", "type", "stage", "grade", "class", "study", "series", "section"})
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_DIGITS = re.compile(r"\d+")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|2100)(?!\d)")
_AUTHOR_NOISE = frozenset({"and", "et", "al", "jr", "sr", "nd", "rd", "th", "st", "van", "von", "der", "den", "de"})
SURNAME = "="  # marks the surname-only words in Normalised.authors
_AUTHOR_SPLIT = re.compile(r"\s*;\s*|\s+and\s+")
_INITIALS = re.compile(r"\b[A-Z]{1,3}\b")
_JOURNAL_SPLIT = re.compile(r"[.:=(\[\]/]| - ")
_JOURNAL_STOP = frozenset(
    {"of", "the", "and", "for", "in", "on", "de", "la", "le", "et", "des", "der", "und", "a", "an", "du", "official"}
    | {"d", "y", "e", "del", "di"}
)
_MONTHS = frozenset({"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"})
_PAGE_TOKEN = re.compile(r"[a-z]*\d+[a-z]*")
_SUPPLEMENT_SUFFIX = re.compile(r"^[./_\-](?:s|t|g|f|m|suppl|supp|sd|figure|table|fig)[\w.\-]*$")


_TAGS = re.compile(r"<[^>]+>")
_NON_WORD = re.compile(r"[^0-9a-z]+")
# Only the start of an abstract is compared (ABSTRACT_AGREE); folding all of it was most of dedup's time.
ABSTRACT_CHARS = 600


def normalise_text(text: str | None) -> str:
    """slrflow.identity.normalise_text, with a fast path for ASCII text (most of it), where Unicode
    decomposition and case folding reduce to lower(): the same result at a fraction of the cost."""
    if not text:
        return ""
    if not text.isascii():
        return _normalise_unicode(text)
    if "<" in text:
        text = _TAGS.sub(" ", text)
    return _NON_WORD.sub(" ", text.lower()).strip()


@dataclass(slots=True)
class Normalised:
    """The comparison keys of one record; empty strings, empty tuples and None mean 'missing'."""

    record_id: str
    doi: str
    title: str
    markers: frozenset[str]
    numbers: tuple[str, ...]
    authors: frozenset[str]
    first_author: str
    year: int | None
    journal: tuple[tuple[str, ...], ...]
    journal_text: str
    volume: str
    number: str
    page: str
    last_page: str
    abstract: str
    filled: int
    size: int
    supplement: bool = False  # published in a supplement issue (where meeting abstracts appear)
    # Set by deduplicate() from the whole corpus (slrflow.dedup.corpus): this title recurs as a series title.
    series: bool = False


def normalise_record(row: Mapping[str, str]) -> Normalised:
    """Reduce one input row (CONTRACT_FIELDS, values as strings) to its comparison keys."""
    raw_title = row.get("title") or ""
    title = clean_title(raw_title)
    markers = title_markers(raw_title)
    if not markers and ("(" in raw_title or ";" in raw_title) and title != clean_title(raw_title, strip_citation=False):
        markers = NOTICE_ONLY  # titled after the publication it cites: a notice about it, of unstated kind
    authors_raw = join_list(row.get("authors"))  # a table's "; "-joined text or an importer's list
    tokens = author_tokens(authors_raw)
    journal_raw = row.get("journal") or ""
    fields = ("title", "abstract", "authors", "year", "journal", "doi", "volume", "number", "pages")
    values = [join_list(row.get(name)).strip() for name in fields]
    return Normalised(
        record_id=row.get("record_id") or "",
        doi=normalise_doi(unquote(row.get("doi") or "")),  # a DOI in a URL is percent-encoded
        title=title,
        markers=markers,
        numbers=title_numbers(title),
        authors=tokens,
        first_author=_first_author(authors_raw),
        year=year_of(row.get("year")),
        journal=journal_segments(journal_raw),
        journal_text=normalise_text(journal_raw),
        volume=volume_key(row.get("volume")),
        number=_number_key(row.get("number")),
        page=first_page(row.get("pages")),
        last_page=last_page(row.get("pages")),
        abstract=normalise_text((row.get("abstract") or "")[: ABSTRACT_CHARS + 100])[:ABSTRACT_CHARS],
        filled=sum(1 for value in values if value),
        size=sum(len(value) for value in values),
        supplement=_in_supplement(row.get("volume"), row.get("number"), row.get("pages")),
    )


def clean_title(title: str, *, strip_citation: bool = True) -> str:
    """The normalised title without database annotations or a trailing language tag such as '[German]'."""
    text = (_ANNOTATION.sub(" ", title) if "[" in title else title).strip()
    if text[:1] in "EeCcAaPpRrWwNn" or "(" in text or ";" in text:
        text = _NOTICE_PREFIX.sub("", _NOTICE_PREFIX.sub("", text, count=1), count=1)  # "Erratum: Correction: ..."
        if strip_citation:
            text = _strip_citation(text)
    if " " in text:
        text = _THOUSANDS.sub(r"\1\2", text)
    for _ in range(4 if "[" in text else 0):
        shorter = _TRAILING_NOTE.sub("", text)
        if shorter == text or len(normalise_text(shorter)) < 10:
            break  # nothing to strip, or the bracket is the title itself: "[A study of ...]" (translated)
        text = shorter
    return normalise_text(text)


def _strip_citation(text: str) -> str:
    """The title without a citation of another publication at its end (see _CITATION_TAIL)."""
    text = _CITATION_TAIL.sub("", text)
    stripped = text.rstrip(" .")
    if not stripped.endswith(")"):
        return text
    depth = 0
    for index in range(len(stripped) - 1, -1, -1):
        char = stripped[index]
        depth += char == ")"
        depth -= char == "("
        if depth == 0:
            inside = stripped[index:]
            # a citation has a year and a volume and page or a page range; "(the ABC trial)" has neither
            if index > 10 and _CITED_YEAR.search(inside) and _CITED_PLACE.search(inside):
                return stripped[:index].rstrip()
            return text
    return text


def title_markers(title: str) -> frozenset[str]:
    """Which notice kinds (erratum, retraction, reply, comment) a title announces itself as."""
    if not title:
        return _NO_MARKERS
    text = _ANNOTATION.sub(" ", title) if "[" in title else title
    if _ANY_MARKER.search(text) is None:
        return _NO_MARKERS  # most titles: one search instead of five
    found = {name for name, pattern in _MARKERS if pattern.search(text)}
    if _WOS_ERRATUM.search(text):
        found.add("erratum")
    return frozenset(found)


def title_numbers(title: str) -> tuple[str, ...]:
    """Numbers in a normalised title, roman numerals after 'part', 'type', ... read as digits; sorted."""
    if not title:
        return ()
    numbers = [str(int(d)) for d in _DIGITS.findall(title)]
    words = title.split()
    for before, word in itertools.pairwise(words):
        if before in _ROMAN_CONTEXT and word in _ROMAN:
            numbers.append(str(_ROMAN[word]))
    return tuple(sorted(numbers))


def author_tokens(authors: str) -> frozenset[str]:
    """Name words of an author list, whatever its form: 'Zuna, R E and Wang, S S', 'Adeli K.Lewis G. F.',
    'Zuna, Rosemary E.; Wang, S.'. Initials are dropped, so 'R E' and 'Rosemary E.' give the same tokens."""
    if not authors:
        return frozenset()
    words = set(_name_words(authors))
    if "," in authors:
        # The surnames of a 'Surname, Given' list again, marked: 'Andersen, Garrett Newton' and
        # 'Andersen, G. N.' agree on surnames where one list spells given names out.
        surnames = " ".join(name.split(",", 1)[0] for name in _AUTHOR_SPLIT.split(authors))
        words.update(SURNAME + word for word in _name_words(surnames))
    return frozenset(words)


def _name_words(authors: str) -> list[str]:
    text = _INITIALS.sub(" ", authors)
    return [w for w in normalise_text(text).split() if len(w) > 1 and not w.isdigit() and w not in _AUTHOR_NOISE]


def _first_author(authors: str) -> str:
    for word in normalise_text(_INITIALS.sub(" ", authors)).split():
        if len(word) > 1 and word not in _AUTHOR_NOISE and not word.isdigit():
            return word
    return ""


_SUPPLEMENT = re.compile(r"\bsup|\bs\s*\d", re.IGNORECASE)
_SUPPLEMENT_PAGE = re.compile(r"\s*s\d", re.IGNORECASE)


def _in_supplement(volume: str | None, number: str | None, pages: str | None) -> bool:
    """A supplement issue ('Suppl 1', '1 Supplement 1', 'S2') or supplement pages ('S12-S13')."""
    return bool(
        (volume and _SUPPLEMENT.search(volume))
        or (number and _SUPPLEMENT.search(number))
        or (pages and _SUPPLEMENT_PAGE.match(pages))
    )


def _number_key(number: str | None) -> str:
    # (a supplement is written '1 Suppl 1', 'Supplement 1' or '1' by different databases: only digits compare)
    match = _DIGITS.search(number or "")
    return match.group(0).lstrip("0") if match else ""


def series_key(title: str) -> str:
    """The key under which a normalised title is counted as recurring: its words without a final 's', so
    "Editor's Comments", "Editors' Comments" and "Editor's Comment" are one series title."""
    return " ".join(word.rstrip("s") for word in title.split() if word != "s")


def year_of(value: str | None) -> int | None:
    match = _YEAR.search(value or "")
    return int(match.group(1)) if match else None


def journal_segments(journal: str) -> tuple[tuple[str, ...], ...]:
    """A journal name split at '.', ':', '=', brackets; each segment as its significant words."""
    if not journal:
        return ()
    segments = []
    for part in _JOURNAL_SPLIT.split(journal):
        words = tuple(w for w in normalise_text(part).split() if w not in _JOURNAL_STOP)
        if words:
            segments.append(words)
    return tuple(segments[:3])


def volume_key(volume: str | None) -> str:
    """'16 (1) (no pagination)' -> '16'; '30A' -> '30a'; '' when there is no volume."""
    if not volume:
        return ""
    match = _PAGE_TOKEN.search(volume.lower())
    if not match:
        return ""
    return match.group(0).lstrip("0") or "0"


def first_page(pages: str | None) -> str:
    """The first page as a comparable token: '202-30' -> '202', 'S27' -> 's27', 'e001469' -> 'e1469'."""
    if not pages:
        return ""
    text = pages.lower()
    # 'Suppl-29', 't-71': an export cut the first page down to letters; what is left is no page number.
    if re.match(r"\s*[a-z]+\s*-", text):
        return ""
    match = _PAGE_TOKEN.search(text)
    if not match:
        return ""
    token = match.group(0)
    # Spreadsheets turn '5-12' into '12-May': a month word means the pages are unreadable, not a page.
    if any(month in text for month in _MONTHS) and re.search(r"\d+\s*-\s*[a-z]{3}", text):
        return ""
    head = _letters_before(token)
    digits = token[len(head) :]
    return head + (digits.lstrip("0") or "0")


def _letters_before(token: str) -> str:
    """The letters a page token starts with: 's' of 's251', 'e' of 'e12724', '' of '251'."""
    return token[: len(token) - len(token.lstrip("abcdefghijklmnopqrstuvwxyz"))]


def last_page(pages: str | None) -> str:
    """The last page, completed from the first: '202-30' -> '230', 'S251-S261' -> 's261'; '' if one page."""
    if not pages:
        return ""
    tokens = _PAGE_TOKEN.findall(pages.lower())
    if len(tokens) < 2 or not first_page(pages):
        return ""
    first = first_page(tokens[0])
    head = _letters_before(tokens[1])
    digits = tokens[1][len(head) :].lstrip("0")
    first_digits = first.lstrip("abcdefghijklmnopqrstuvwxyz")
    if digits and len(digits) < len(first_digits):
        digits = first_digits[: len(first_digits) - len(digits)] + digits
    return (head or first[: len(first) - len(first_digits)]) + digits


_DOI_VERSION = re.compile(r"(?:[./_\-]?v\d{1,2})$")


def doi_is_version_variant(a: str, b: str) -> bool:
    """Whether two DOIs name versions of one work: a preprint server's 'v2' ('10.1101/2020.03.01.123456v2')
    or a version suffix on one of them only."""
    if a == b or not a or not b:
        return False
    return _DOI_VERSION.sub("", a) == _DOI_VERSION.sub("", b)


def doi_is_suffix_variant(a: str, b: str) -> bool:
    """Whether one DOI is the other plus a supplement, figure or table suffix ('.s001', '/suppl_file')."""
    if a == b or not a or not b:
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return long.startswith(short) and bool(_SUPPLEMENT_SUFFIX.match(long[len(short) :]))
