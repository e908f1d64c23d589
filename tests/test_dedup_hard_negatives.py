"""Hard negatives: real records that look alike and are not one report. No false merge on any of them.

The classes are those that merged on an unseen labelled set (issue 12): titles that recur as a series, two papers
of one first author in one journal volume with different issues, an erratum with its own DOI beside its article,
and a meeting abstract beside the article that grew from it. Pairs are mined from the labelled sets in
../shared/data/dedup (records in different labelled groups; the labels are the truth) and from shipped CC0 records.
"""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

from slrflow.dedup import deduplicate
from slrflow.dedup.corpus import SERIES_TITLE
from slrflow.dedup.normalise import Normalised, normalise_record, series_key
from slrflow.dedup.similarity import TITLE_STRONG, meeting_abstract, title_similarity
from slrflow.tables import read_table

# Each class must be found at least this often in the shared sets, so a change of the mining cannot empty the test.
MINIMUM = {
    "series title": 50,
    "author, volume, other issue": 30,
    "notice beside its article": 2,
    "meeting abstract beside its article": 5,
}


def hard_negatives(rows: list[dict[str, str]]) -> list[tuple[str, int, int]]:
    """(class, i, j) for pairs of rows in different labelled groups that a matcher could take for one report."""
    norms = [normalise_record(row) for row in rows]
    group = [row["dup_group_id"] for row in rows]
    # an issue column that holds record numbers says nothing about issues (slrflow.dedup.corpus)
    numbers = [n.number for n in norms if n.number]
    issues_usable = len(set(numbers)) <= 0.8 * len(numbers)
    found: set[tuple[str, int, int]] = set()

    def pairs(key) -> list[tuple[int, int]]:
        buckets: dict[object, list[int]] = defaultdict(list)
        for index, norm in enumerate(norms):
            value = key(norm)
            if value:
                buckets[value].append(index)
        return [
            (i, j)
            for members in buckets.values()
            for i, j in itertools.combinations(members, 2)
            if group[i] != group[j]
        ]

    for i, j in pairs(lambda n: series_key(n.title) if n.title and len(n.title) <= SERIES_TITLE else None):
        found.add(("series title", i, j))
    if issues_usable:
        for i, j in pairs(
            lambda n: (n.first_author, n.volume, n.journal_text) if n.first_author and n.volume else None
        ):
            if norms[i].number and norms[j].number and norms[i].number != norms[j].number:
                found.add(("author, volume, other issue", i, j))
    for i, j in pairs(lambda n: n.title[:30] if len(n.title) >= 30 else None):
        a, b = norms[i], norms[j]
        if title_similarity(a.title, b.title) < TITLE_STRONG:
            continue
        if bool(a.markers) != bool(b.markers):
            found.add(("notice beside its article", i, j))
        elif not a.markers and (_abstract_and_article(a, b) or _abstract_and_article(b, a)):
            found.add(("meeting abstract beside its article", i, j))
    return sorted(found)


def _abstract_and_article(abstract: Normalised, article: Normalised) -> bool:
    return meeting_abstract(abstract) and not meeting_abstract(article) and article.last_page not in ("", article.page)


@pytest.fixture(scope="module")
def labelled_sets(shared_data: Path) -> dict[str, list[dict[str, str]]]:
    sets = {}
    for path in sorted((shared_data / "dedup").glob("*/records.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            sets[path.parent.name] = list(csv.DictReader(handle))
    if not sets:
        pytest.skip(f"no labelled sets under {shared_data / 'dedup'}")
    return sets


def test_no_false_merge_on_hard_negatives(labelled_sets: dict[str, list[dict[str, str]]]) -> None:
    counts: dict[str, int] = defaultdict(int)
    merged = []
    for name, rows in labelled_sets.items():
        result = deduplicate(rows)
        for kind, i, j in hard_negatives(rows):
            counts[kind] += 1
            if result.cluster_ids[i] == result.cluster_ids[j]:
                merged.append(
                    f"{name} {kind}: {rows[i]['record_id']} {rows[i]['title'][:60]!r} + {rows[j]['record_id']}"
                )
    print(dict(counts), f"{sum(counts.values())} hard negatives")
    assert not merged, "\n".join(merged)
    for kind, least in MINIMUM.items():
        assert counts[kind] >= least, (kind, dict(counts))


def test_errata_with_their_own_doi_stay_apart_and_are_linked(fixtures: Path) -> None:
    rows = read_table(fixtures / "dedup" / "errata_with_own_doi.csv")
    result = deduplicate(rows)
    assert len(set(result.cluster_ids)) == 4
    studies = {row["record_id"]: row for row in result.studies}
    assert studies["asps4s2n"]["relation"] == studies["acnl49gc"]["relation"] == "erratum"
    assert studies["asps4s2n"]["study_id"] == "alci4fbj"
    assert studies["acnl49gc"]["study_id"] == "asnj824t"
