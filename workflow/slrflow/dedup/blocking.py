"""Blocking: the candidate pairs worth comparing, found through shared keys instead of comparing all pairs.

A pair is a candidate when the two records share any key: the DOI, the first or last 24 characters of the
title, first author and year, year and first page, or volume and first page. A typo defeats one key, rarely
all of them. Keys shared by very many records (a common first page in one year) are split by year, and skipped
if still too common: such a key says nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from slrflow.dedup.normalise import Normalised

__all__ = ["MAX_BLOCK", "blocking_keys", "candidate_pairs"]

MAX_BLOCK = 150
TITLE_KEY = 24


def blocking_keys(record: Normalised) -> Iterable[tuple]:
    if record.doi:
        yield ("doi", record.doi)
    compact = record.title.replace(" ", "")
    if len(compact) >= 12:
        yield ("head", compact[:TITLE_KEY])
    if len(compact) >= 2 * TITLE_KEY:
        yield ("tail", compact[-TITLE_KEY:])
    if record.first_author and record.year is not None:
        yield ("author", record.first_author, record.year)
    if record.page:
        if record.year is not None:
            yield ("page", record.year, record.page)
        if record.volume:
            yield ("volume", record.volume, record.page)


def candidate_pairs(records: Sequence[Normalised]) -> list[tuple[int, int]]:
    """Sorted (i, j) index pairs, i < j, of records that share at least one usable blocking key."""
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        for key in blocking_keys(record):
            blocks[key].append(index)
    pairs: set[int] = set()
    n = len(records)
    for members in blocks.values():
        if len(members) < 2:
            continue
        groups = [members]
        if len(members) > MAX_BLOCK:
            by_year: dict[int | None, list[int]] = defaultdict(list)
            for index in members:
                by_year[records[index].year].append(index)
            groups = [group for group in by_year.values() if 1 < len(group) <= MAX_BLOCK]
        for group in groups:
            for x, i in enumerate(group):
                for j in group[x + 1 :]:
                    pairs.add(i * n + j if i < j else j * n + i)
    return [divmod(code, n) for code in sorted(pairs)]
