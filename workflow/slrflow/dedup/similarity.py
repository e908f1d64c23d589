"""Pairwise evidence: whether two records conflict, and whether they are copies of one report.

Two questions, asked separately:

- `conflict(a, b)` names a reason why two records cannot be one report (one a notice and the other not, two
  issues of one volume, different DOIs, a recurring series title without one DOI or address, different years,
  volumes, pages, part numbers). Clustering asks it of every pair it would put together, so a chain of plausible
  matches cannot join records that contradict each other.
- `compare(a, b)` decides a match from agreeing evidence and explains it ('doi', 'title+authors+year+pages').

The rules are conservative: a false merge loses a study, a missed duplicate costs a reviewer a few seconds.
Reports of one study (an erratum and its article, a meeting abstract and the article) are not copies: they are
linked, not merged, by slrflow.dedup.studies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Indel
from rapidfuzz.fuzz import token_set_ratio

from slrflow.dedup.normalise import NOTICE, SURNAME, Normalised, doi_is_suffix_variant, doi_is_version_variant

__all__ = [
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

# A title this short ('Eculizumab', 'Gateways to clinical trials') is shared by unrelated papers, so it needs
# corroborating bibliographic detail (pages, or volume and journal) before it can match.
SHORT_TITLE = 45
TINY_TITLE = 20
TITLE_STRONG = 0.95
TITLE_WEAK = 0.87
# Below this, even records that agree otherwise are not put in one cluster (guards against chains drifting).
TITLE_FLOOR = 0.75
AUTHORS_AGREE = 0.75
AUTHORS_FLOOR = 0.34
ABSTRACT_AGREE = 90.0
# The hard conflicts, by name: refused.csv and the tests refer to these.
NOTICE_CONFLICT = "one is a notice (erratum, retraction, reply or comment) and the other is not"
SERIES_CONFLICT = "recurring series title without the same DOI or the same volume, issue and pages"
ISSUE_CONFLICT = "different issues of one volume"
DOI_CONFLICT = "different DOIs"
MAX_ARTICLE_PAGES = 60


@dataclass(frozen=True, slots=True)
class Match:
    """Why two records were judged the same: the agreeing fields and a score in [0, 1]."""

    reason: str
    score: float


def title_similarity(a: str, b: str) -> float:
    """Normalised Indel similarity of two normalised titles; a title cut short by a database still scores high."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    score = Indel.normalized_similarity(a, b)
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 50 and long.startswith(short):
        score = max(score, TITLE_STRONG)
    return score


def author_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap coefficient of name words: a list truncated to 'et al.' or with full given names still agrees.
    A word with a close spelling on the other side ('Che' and 'Chen', 'Jamal' and 'Jammal') counts; -1 if
    either list is empty."""
    if not a or not b:
        return -1.0
    words_a = frozenset(w for w in a if not w.startswith(SURNAME))
    words_b = frozenset(w for w in b if not w.startswith(SURNAME))
    surnames_a = (a - words_a) or words_a
    surnames_b = (b - words_b) or words_b
    return max(_overlap(words_a, words_b), _overlap(surnames_a, surnames_b))


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    shared = len(short & long)
    if shared < len(short):
        rest = long - short
        for word in short - long:
            if any(_close_names(word, other) for other in rest):
                shared += 1
    return shared / len(short)


def _close_names(a: str, b: str) -> bool:
    if min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)):
        return True
    return min(len(a), len(b)) >= 4 and Indel.normalized_similarity(a, b) >= 0.8


def pages_agree(a: Normalised, b: Normalised) -> bool | None:
    """Whether the page fields describe the same pages; None when either is missing. A prefix on one side only
    ('c37' and '37') and a single page given as the range's last page ('569' and '567-569') agree."""
    if not a.page or not b.page:
        return None
    if _same_page(a.page, b.page):
        return True
    for one, other in ((a, b), (b, a)):
        if not one.last_page and other.last_page and _same_page(one.page, other.last_page):
            return True
    if _is_locator(a.page) != _is_locator(b.page):
        return None  # an electronic article number ('e12724', 'c1804') beside print pages: not comparable
    return False


def _is_locator(page: str) -> bool:
    digits = page.lstrip("abcdefghijklmnopqrstuvwxyz")
    return digits != page and (len(digits) >= 4 or page[0] == "e")


def _volumes_agree(a: Normalised, b: Normalised) -> bool | None:
    """Equal volumes agree; so do a volume and an issue number swapped by one database ('1' for 'Suppl 1')."""
    if not a.volume or not b.volume:
        return None
    if a.volume == b.volume:
        return True
    if a.volume == b.number or b.volume == a.number:
        return None
    return False


def _same_page(x: str, y: str) -> bool:
    if x == y:
        return True
    dx, dy = x.lstrip("abcdefghijklmnopqrstuvwxyz"), y.lstrip("abcdefghijklmnopqrstuvwxyz")
    return dx == dy and (dx == x or dy == y)


def journals_compatible(a: Normalised, b: Normalised) -> bool | None:
    """Whether two journal names can name one journal ('New Engl J Med' and 'New England Journal of Medicine');
    None when either is missing."""
    if not a.journal or not b.journal:
        return None
    if a.journal_text == b.journal_text:
        return True
    whole_a = tuple(word for segment in a.journal for word in segment)
    whole_b = tuple(word for segment in b.journal for word in segment)
    for x in (*a.journal[:2], whole_a):
        for y in (*b.journal[:2], whole_b):
            if x == y or _abbreviates(x, y) or _abbreviates(y, x):
                return True
            if Indel.normalized_similarity(" ".join(x), " ".join(y)) >= 0.9:
                return True
    return False


def _abbreviates(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Each word of `short` abbreviates the next unused word of `long` (same first letter, letters in order);
    `long` may keep one extra word when the name has three or more words."""
    spare = len(long) - len(short)
    if spare < 0 or spare > (1 if len(short) >= 3 else 0):
        return False
    j = 0
    for word in short:
        while j < len(long) and not _abbreviates_word(word, long[j]):
            j += 1
            spare -= 1
            if spare < 0:
                return False
        if j >= len(long):
            return False
        j += 1
    return True


def _abbreviates_word(short: str, long: str) -> bool:
    if short == long:
        return True
    if not short or short[0] != long[0] or len(short) > len(long):
        return False
    position = 0
    for char in short:
        position = long.find(char, position)
        if position < 0:
            return False
        position += 1
    return True


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
    volumes = _volumes_agree(a, b)
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
        and _same_page(a.page, b.page)
        and _same_page(a.last_page, b.last_page)
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
        and _volumes_agree(a, b) is not False
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
        and not _same_page(article.page, article.last_page)
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
        and _same_page(a.page, b.page)
        and (not a.last_page or not b.last_page or _same_page(a.last_page, b.last_page))
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
        and _volumes_agree(a, b) is not False  # (equal, or a volume and an issue swapped by one database)
        and not (a.number and b.number and a.number != b.number)
        and title_similarity(a.title, b.title) >= TITLE_STRONG
        and author_similarity(a.authors, b.authors) >= AUTHORS_AGREE
    )


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
    same_volume = bool(_volumes_agree(a, b))
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
