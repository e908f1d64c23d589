"""Whether two records cannot be one report: the hard evidence against a match, by name.

`conflict(a, b)` names a reason why two records cannot be one report (one a notice and the other not, two issues
of one volume, different DOIs, a recurring series title without one DOI or address, different years, volumes,
pages, part numbers). Clustering asks it of every pair it would put together, so a chain of plausible matches
cannot join records that contradict each other; `slrflow.dedup.similarity.compare` asks it before any match.
"""

from __future__ import annotations

import re

from slrflow.dedup.fields import (
    AUTHORS_AGREE,
    AUTHORS_FLOOR,
    SHORT_TITLE,
    TITLE_FLOOR,
    TITLE_STRONG,
    author_similarity,
    journals_compatible,
    pages_agree,
    same_page,
    title_similarity,
    volumes_agree,
)
from slrflow.dedup.normalise import NOTICE, Normalised, doi_is_suffix_variant, doi_is_version_variant

__all__ = [
    "DOI_CONFLICT",
    "ISSUE_CONFLICT",
    "NOTICE_CONFLICT",
    "SERIES_CONFLICT",
    "conflict",
    "different_issues",
    "meeting_abstract",
    "same_address",
    "same_locator",
]

# The hard conflicts, by name: refused.csv and the tests refer to these.
NOTICE_CONFLICT = "one is a notice (erratum, retraction, reply or comment) and the other is not"
SERIES_CONFLICT = "recurring series title without the same DOI or the same volume, issue and pages"
ISSUE_CONFLICT = "different issues of one volume"
DOI_CONFLICT = "different DOIs"
MAX_ARTICLE_PAGES = 60


def conflict(a: Normalised, b: Normalised) -> str | None:
    """The reason these two records cannot be the same report, or None if nothing contradicts it.

    The first checks are hard: no agreement elsewhere outweighs them (see each helper for the fact it rests on).
    """
    same_doi = bool(a.doi) and a.doi == b.doi
    if a.markers != b.markers and not _same_notice_kind(a.markers, b.markers):
        return NOTICE_CONFLICT
    if (a.series or b.series) and not same_doi and not same_address(a, b):
        return SERIES_CONFLICT
    if not same_doi and different_issues(a, b):
        return ISSUE_CONFLICT
    if a.doi and b.doi and not same_doi and not _doi_variants(a.doi, b.doi) and not _agree_despite_doi(a, b):
        return DOI_CONFLICT
    locator = same_locator(a, b)
    if a.title and b.title and a.numbers != b.numbers and not locator:
        # (a translation may drop or respell a number; one volume and page range is still one article)
        return "different numbers in titles"
    pages = pages_agree(a, b)
    volumes = volumes_agree(a, b)
    same_volume = bool(volumes)
    if a.year is not None and b.year is not None and a.year != b.year:
        # Online-first and print years differ by one; anything more is another publication.
        if abs(a.year - b.year) > 1:
            return "different years"
        if not same_doi and not (same_volume and pages is not False):
            return "different years"
    title = title_similarity(a.title, b.title) if a.title and b.title else 1.0
    authors = author_similarity(a.authors, b.authors)
    if title < TITLE_FLOOR and not (locator and authors >= AUTHORS_AGREE):
        # With one DOI this is a wrong DOI, often a supplement issue's DOI given to each of its abstracts.
        return "different titles"
    if same_doi:
        return None
    if pages is False and not _same_report_other_pages(a, b, title, authors):
        return "different pages"
    # Volume fields are often mangled ('1)' for 'Suppl 1'); matching pages outweigh a volume disagreement.
    if volumes is False and not pages:
        return "different volumes"
    if 0 <= authors < AUTHORS_FLOOR and not (locator and title >= TITLE_STRONG):
        return "different authors"
    return None


def same_locator(a: Normalised, b: Normalised) -> bool:
    """One year, journal, volume and page range (of at least two pages): the bibliographic address of one
    article, whatever language its title is given in and however its authors are spelled."""
    return (
        bool(a.title and b.title)  # an address alone, with no title to read, is not enough
        and a.year is not None
        and a.year == b.year
        and bool(a.volume)
        and a.volume == b.volume
        and bool(a.last_page and b.last_page)
        and same_page(a.page, b.page)
        and same_page(a.last_page, b.last_page)
        and a.page != a.last_page
        and _article_length(a.page, a.last_page)
        and journals_compatible(a, b) is True
    )


def _article_length(first: str, last: str) -> bool:
    """Whether a page range is one article's: a supplement's whole range ('S1-S480'), given to each of its
    meeting abstracts, is shared by hundreds of them."""
    start, end = first.lstrip("abcdefghijklmnopqrstuvwxyz"), last.lstrip("abcdefghijklmnopqrstuvwxyz")
    return start.isdigit() and end.isdigit() and 0 < int(end) - int(start) <= MAX_ARTICLE_PAGES


def _same_report_other_pages(a: Normalised, b: Normalised, title: float, authors: float) -> bool:
    """One long title, by the same authors, in one journal, year and volume, on other pages: the same report
    printed twice (a meeting abstract in the journal's supplement and the article; a record with a mistyped
    page). A short title ('Gateways to clinical trials') is shared by a series and is not enough. A single page
    after the article is not this: an unmarked one-page item with the article's title later in the volume is
    the authors' reply to letters as often as a correction, and only an erratum that says so joins its article."""
    return (
        not _later_single_page(a, b)
        and not _later_single_page(b, a)
        and not _abstract_beside_article(a, b)
        and not _abstract_beside_article(b, a)
        and title >= TITLE_STRONG
        and min(len(a.title), len(b.title)) >= SHORT_TITLE
        and authors >= AUTHORS_AGREE
        and a.year is not None
        and a.year == b.year
        and journals_compatible(a, b) is True
        and volumes_agree(a, b) is not False
    )


# ('proceedings' alone is not a meeting: 'Proceedings of the National Academy of Sciences' is a journal)
_MEETING = re.compile(r"\b(?:abstracts?|meeting|congress|conference|symposium|supplement|poster)\b", re.IGNORECASE)


def meeting_abstract(record: Normalised) -> bool:
    """Whether a record is a meeting abstract: in a supplement issue or on supplement pages, or in a source named
    as abstracts, a meeting, a congress or a conference."""
    return record.supplement or bool(_MEETING.search(record.journal_text))


def _abstract_beside_article(abstract: Normalised, article: Normalised) -> bool:
    """A meeting abstract and an article of several pages outside any supplement: two reports of one study."""
    return (
        meeting_abstract(abstract)
        and not meeting_abstract(article)
        and bool(article.last_page)
        and not same_page(article.page, article.last_page)
    )


def _later_single_page(one: Normalised, other: Normalised) -> bool:
    """Whether `one` is a single page after the page range (two pages or more) of `other`."""
    if not other.last_page or other.last_page == other.page or (one.last_page and one.last_page != one.page):
        return False
    digits, end = one.page.lstrip("abcdefghijklmnopqrstuvwxyz"), other.last_page.lstrip("abcdefghijklmnopqrstuvwxyz")
    return digits.isdigit() and end.isdigit() and int(digits) > int(end)


def _same_notice_kind(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two notices whose kinds may agree: a notice that only cites its article ('Title (vol 360, pg 542, 2009)')
    does not say whether it corrects, retracts or answers it."""
    return bool(a) and bool(b) and (NOTICE in a or NOTICE in b)


def different_issues(a: Normalised, b: Normalised) -> bool:
    """Two issues of one volume, both stated: a journal prints an article once, so the same title in two issues
    of one volume is two items (a section that recurs, an article and its unmarked correction or reply). An
    issue equal to the other record's page is an article number put in the issue field, not an issue."""
    return (
        bool(a.volume)
        and a.volume == b.volume
        and bool(a.number and b.number)
        and a.number != b.number
        and a.number != _digits(b.page)
        and b.number != _digits(a.page)
    )


def _digits(page: str) -> str:
    return page.lstrip("abcdefghijklmnopqrstuvwxyz")


def same_address(a: Normalised, b: Normalised) -> bool:
    """One full bibliographic address: volume, issue and first page all stated and equal (and the last pages,
    where both give one)."""
    return (
        bool(a.volume and a.number and a.page)
        and a.volume == b.volume
        and a.number == b.number
        and same_page(a.page, b.page)
        and (not a.last_page or not b.last_page or same_page(a.last_page, b.last_page))
        and journals_compatible(a, b) is not False
    )


def _doi_variants(a: str, b: str) -> bool:
    """One DOI is a version ('...v2') or a supplement ('....s001') of the other: the DOIs then say nothing against
    one report, and the other fields decide."""
    return doi_is_version_variant(a, b) or doi_is_suffix_variant(a, b)


def _agree_despite_doi(a: Normalised, b: Normalised) -> bool:
    # A database sometimes attaches a wrong DOI (of the journal issue, of a related paper); agreement on every
    # other field, issue and pages included, outweighs it. Anything less is two items with two DOIs.
    return (
        a.year == b.year
        and a.year is not None
        and bool(pages_agree(a, b))
        and journals_compatible(a, b) is True
        and bool(a.volume and b.volume)
        and volumes_agree(a, b) is not False  # (equal, or a volume and an issue swapped by one database)
        and not (a.number and b.number and a.number != b.number)
        and title_similarity(a.title, b.title) >= TITLE_STRONG
        and author_similarity(a.authors, b.authors) >= AUTHORS_AGREE
    )
