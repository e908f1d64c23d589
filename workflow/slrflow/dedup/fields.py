"""Field by field agreement of two normalised records: titles, authors, pages, volumes, journals.

Each measure answers for one field, and says so with None when a side is missing; `slrflow.dedup.conflicts` and
`slrflow.dedup.similarity` weigh them. The thresholds below are on the scales of these measures.
"""

from __future__ import annotations

from rapidfuzz.distance import Indel

from slrflow.dedup.normalise import SURNAME, Normalised

__all__ = [
    "AUTHORS_AGREE",
    "AUTHORS_FLOOR",
    "SHORT_TITLE",
    "TINY_TITLE",
    "TITLE_FLOOR",
    "TITLE_STRONG",
    "TITLE_WEAK",
    "author_similarity",
    "journals_compatible",
    "pages_agree",
    "same_page",
    "title_similarity",
    "volumes_agree",
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
    if same_page(a.page, b.page):
        return True
    for one, other in ((a, b), (b, a)):
        if not one.last_page and other.last_page and same_page(one.page, other.last_page):
            return True
    if _is_locator(a.page) != _is_locator(b.page):
        return None  # an electronic article number ('e12724', 'c1804') beside print pages: not comparable
    return False


def _is_locator(page: str) -> bool:
    digits = page.lstrip("abcdefghijklmnopqrstuvwxyz")
    return digits != page and (len(digits) >= 4 or page[0] == "e")


def volumes_agree(a: Normalised, b: Normalised) -> bool | None:
    """Equal volumes agree; so do a volume and an issue number swapped by one database ('1' for 'Suppl 1')."""
    if not a.volume or not b.volume:
        return None
    if a.volume == b.volume:
        return True
    if a.volume == b.number or b.volume == a.number:
        return None
    return False


def same_page(x: str, y: str) -> bool:
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
