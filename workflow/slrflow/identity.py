"""Record identity: a record_id that is a pure function of a record's content.

The id comes from the normalised DOI where the record has one, otherwise from the normalised title, year and
first author's surname. The same paper exported again, in another order, file or format, gets the same id, and
nothing outside the record itself is needed to compute it (ARCHITECTURE.md, "Record identity").
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence

__all__ = [
    "first_author_surname",
    "normalise_doi",
    "normalise_text",
    "normalise_title",
    "record_id",
]

_DOI_PREFIX = re.compile(r"^(?:https?://)?(?:dx\.)?(?:doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"10\.\d{4,9}/\S+")
_TAGS = re.compile(r"<[^>]+>")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_doi(doi: str | None) -> str:
    """Lower-case a DOI and strip resolver prefixes, whitespace and trailing punctuation; '' if it is no DOI."""
    if not doi:
        return ""
    text = unicodedata.normalize("NFKC", str(doi)).strip()
    text = _DOI_PREFIX.sub("", text).strip()
    match = _DOI_SHAPE.search(text)
    if match is None:
        return ""
    return match.group(0).rstrip(".,;)]}'\"").lower()


def normalise_text(text: str | None) -> str:
    """Fold case, accents, markup and punctuation away: 'Cash-for-Care <i>Schemes</i>' -> 'cash for care schemes'."""
    if not text:
        return ""
    text = _TAGS.sub(" ", str(text))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text.casefold()).strip()


def normalise_title(title: str | None) -> str:
    """A title reduced to lower-case words, with a trailing full stop or markup making no difference."""
    return normalise_text(title)


def first_author_surname(authors: Sequence[str] | str | None) -> str:
    """The normalised surname of the first author, from 'Surname, Given' or 'Given Surname' forms."""
    if not authors:
        return ""
    first = authors.split(";")[0] if isinstance(authors, str) else authors[0]
    first = first.strip()
    if "," in first:
        surname = first.split(",", 1)[0]
    else:
        words = first.split()
        # "Carr S" and "Carr SM" (MEDLINE) put the surname first; "Sarah Carr" puts it last.
        if len(words) > 1 and words[-1].isupper() and len(words[-1]) <= 3:
            surname = " ".join(words[:-1])
        else:
            surname = words[-1] if words else ""
    return normalise_text(surname)


def record_id(record: Mapping[str, object]) -> str:
    """The stable id of a record: 'r' followed by 15 hex digits of a SHA-1 over its identifying content."""
    doi = normalise_doi(_text(record.get("doi")))
    if doi:
        key = f"doi:{doi}"
    else:
        title = normalise_title(_text(record.get("title")))
        year = _text(record.get("year")).strip()[:4]
        author = first_author_surname(record.get("authors"))  # type: ignore[arg-type]
        key = f"tya:{title}|{year}|{author}"
        if not title:
            key += "|" + normalise_text(_text(record.get("abstract")))[:500]
    return "r" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:15]


def _text(value: object) -> str:
    return "" if value is None else str(value)
