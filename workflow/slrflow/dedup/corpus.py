"""What the corpus as a whole says about its records: series titles, and whether its issue column holds issues.

Series titles are found in the corpus itself rather than in a word list.

A journal prints some titles again and again: "Editorial", "Editor's Comments", "Book Review", "Preface",
"Introduction to the Special Issue". Each is a different item, by the same editor, often on the same first page,
and nothing in the title tells them apart. A word list of such titles is always one journal short, so the corpus
says which titles recur: a title is a series title when its records carry two DOIs that are not versions of one
another, or two issues of one volume. (Years are not counted: a meeting abstract and the article that grew from it
share a title years apart, and different years already keep records apart.)
One article exported twice never does that; a recurring section does. Records with a series title are one report
only on an identical DOI or an identical volume, issue and pages (similarity.conflict).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from slrflow.dedup.normalise import Normalised, doi_is_suffix_variant, doi_is_version_variant, series_key
from slrflow.dedup.similarity import different_issues

__all__ = ["drop_record_numbers", "mark_series", "recurs"]

# A column of issue numbers repeats (a journal's issues are few, and a search finds several articles of one
# issue); a column of reference-manager record numbers or accession numbers does not. Judged on enough records.
MIN_NUMBERS = 50
MAX_DISTINCT_SHARE = 0.8
# A series title is short ('Editorial', 'Introduction to the Special Issue'); a long title names one work, and its
# copies with a mistyped issue or a wrong DOI must not lose their ordinary comparison.
SERIES_TITLE = 60


def recurs(records: Sequence[Normalised]) -> bool:
    """Whether records sharing one title describe more than one item by the title's own bibliographic data."""
    dois = sorted({record.doi for record in records if record.doi})
    if any(
        not (doi_is_version_variant(a, b) or doi_is_suffix_variant(a, b))
        for i, a in enumerate(dois)
        for b in dois[i + 1 :]
    ):
        return True
    addressed = [record for record in records if record.volume and record.number]
    return any(different_issues(a, b) for i, a in enumerate(addressed) for b in addressed[i + 1 :])


def mark_series(records: Sequence[Normalised]) -> int:
    """Set `series` on every record whose title recurs as a series title; the number of such titles."""
    by_title: dict[str, list[Normalised]] = defaultdict(list)
    for record in records:
        # (a notice titled after its article is another item by its own marker, not a sign of a series)
        if record.title and len(record.title) <= SERIES_TITLE and not record.markers:
            by_title[series_key(record.title)].append(record)
    found = 0
    for members in by_title.values():
        if len(members) > 1 and recurs(members):
            found += 1
            for record in members:
                record.series = True
    return found


def drop_record_numbers(records: Sequence[Normalised]) -> bool:
    """Clear `number` on every record when the corpus's issue column is not issues: when nearly every record has
    its own value, as an EndNote library's record numbers do. True if it was cleared."""
    numbers = [record.number for record in records if record.number]
    if len(numbers) < MIN_NUMBERS or len(set(numbers)) <= MAX_DISTINCT_SHARE * len(numbers):
        return False
    for record in records:
        record.number = ""
    return True
