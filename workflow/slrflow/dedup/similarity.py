"""Pairwise evidence: whether two records conflict, and whether they are copies of one report.

Two questions, asked separately:

- `conflict(a, b)` (slrflow.dedup.conflicts) names a reason why two records cannot be one report. Clustering
  asks it of every pair it would put together, so a chain of plausible matches cannot join records that
  contradict each other.
- `compare(a, b)` (here) decides a match from agreeing evidence and explains it ('doi',
  'title+authors+year+pages').

Both weigh the field measures of slrflow.dedup.fields. The rules are conservative: a false merge loses a study, a
missed duplicate costs a reviewer a few seconds. Reports of one study (an erratum and its article, a meeting
abstract and the article) are not copies: they are linked, not merged, by slrflow.dedup.studies.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.fuzz import token_set_ratio

from slrflow.dedup.conflicts import (
    DOI_CONFLICT,
    ISSUE_CONFLICT,
    NOTICE_CONFLICT,
    SERIES_CONFLICT,
    conflict,
    different_issues,
    meeting_abstract,
    same_address,
    same_locator,
)
from slrflow.dedup.fields import (
    AUTHORS_AGREE,
    SHORT_TITLE,
    TINY_TITLE,
    TITLE_STRONG,
    TITLE_WEAK,
    author_similarity,
    journals_compatible,
    pages_agree,
    title_similarity,
    volumes_agree,
)
from slrflow.dedup.normalise import Normalised

# The field measures (slrflow.dedup.fields) and the conflicts (slrflow.dedup.conflicts) are importable from here
# too: this module is where dedup's pairwise evidence is asked for.
__all__ = [
    "DOI_CONFLICT",
    "ISSUE_CONFLICT",
    "NOTICE_CONFLICT",
    "SERIES_CONFLICT",
    "Match",
    "author_similarity",
    "compare",
    "conflict",
    "different_issues",
    "journals_compatible",
    "meeting_abstract",
    "pages_agree",
    "same_address",
    "title_similarity",
]

ABSTRACT_AGREE = 90.0


@dataclass(frozen=True, slots=True)
class Match:
    """Why two records were judged the same: the agreeing fields and a score in [0, 1]."""

    reason: str
    score: float


def compare(a: Normalised, b: Normalised) -> Match | None:
    """A Match if the evidence says these are one bibliographic record, else None."""
    same_doi = bool(a.doi) and a.doi == b.doi
    title = title_similarity(a.title, b.title)
    if not same_doi and title < TITLE_WEAK and not same_locator(a, b):
        return None  # the common case, decided cheaply before the conflict checks
    if conflict(a, b) is not None:
        return None
    if same_doi:
        return Match("doi", 1.0)
    authors = author_similarity(a.authors, b.authors)
    found = _compare_fields(a, b, title, authors)
    if found is None and same_locator(a, b) and (title >= TITLE_STRONG or authors >= AUTHORS_AGREE or authors < 0):
        # one bibliographic address: a translated title, or author names spelled another way, or no authors on
        # one side (conflict() has already refused titles below TITLE_FLOOR without agreeing authors)
        agreed = "title" if title >= TITLE_STRONG or authors < 0 else "authors"
        return Match(f"{agreed}+year+journal+volume+pages", round(0.5 + 0.5 * max(title, authors), 4))
    return found


def _compare_fields(a: Normalised, b: Normalised, title: float, authors: float) -> Match | None:
    if 0 <= authors < AUTHORS_AGREE:
        return None
    if a.doi and b.doi:
        agreed = ["title", "authors", "year", "volume", "pages"]
        return Match("+".join(agreed) + " (DOIs differ)", round(0.9 * title, 4))
    same_year = a.year is not None and a.year == b.year
    same_volume = bool(volumes_agree(a, b))
    same_page = bool(pages_agree(a, b))
    journal = journals_compatible(a, b)
    abstract = token_set_ratio(a.abstract, b.abstract) >= ABSTRACT_AGREE if a.abstract and b.abstract else False
    if journal is False and not same_page:
        return None  # e.g. a conference abstract and the journal article with one title
    short = min(len(a.title), len(b.title)) < SHORT_TITLE
    if title >= TITLE_STRONG:
        # years one apart with one volume and issue: online-first and print dates of one article
        # (or of one volume of the journal, for a title long enough to be one article's)
        same_issue = same_volume and (
            (bool(a.number) and a.number == b.number)
            or (journal is True and min(len(a.title), len(b.title)) >= SHORT_TITLE)
        )
        if not (a.year is None or b.year is None or same_year or same_page or same_issue):
            return None
        if short:
            # a title of a word or two ('Eculizumab') needs more than authors, year and journal
            tiny = min(len(a.title), len(b.title)) < TINY_TITLE
            ok = authors >= AUTHORS_AGREE and (
                same_page or (journal is True and (same_volume or (same_year and not tiny))) or abstract
            )
        else:
            ok = same_page or same_volume or journal is True or abstract
    else:
        ok = (
            title >= TITLE_WEAK
            and authors >= AUTHORS_AGREE
            and same_year
            and not short
            and ((same_page and (same_volume or journal is True)) or abstract)
        )
    if not ok:
        return None
    agreed = ["title"]
    parts = [title]
    if authors >= 0:
        agreed.append("authors")
        parts.append(authors)
    for name, flag in (
        ("year", same_year),
        ("journal", journal is True),
        ("volume", same_volume),
        ("pages", same_page),
        ("abstract", abstract),
    ):
        if flag:
            agreed.append(name)
            parts.append(1.0)
    score = round(sum(parts) / len(parts), 4)
    # conflict() lets other pages through only for one long title, authors, journal, year and volume
    note = " (pages differ)" if pages_agree(a, b) is False else ""
    return Match("+".join(agreed) + note, score)
