"""Why slrflow dedup misses true pairs or makes false ones, on the labelled sets of ../shared/data/dedup.

    .venv/bin/python benchmarks/dedup/explain_misses.py                       # every set, summary and pairs
    .venv/bin/python benchmarks/dedup/explain_misses.py --sets rathbone2015_haematology --limit 40
    .venv/bin/python benchmarks/dedup/explain_misses.py --summary             # counts by reason only

Runs `slrflow.dedup.deduplicate` in-process on each set shuffled as run.py shuffles it, then, for every true
pair left in two clusters (false negative), names the step that kept them apart:

- blocking        the two records share no blocking key, so they were never compared
- conflict: ...   `similarity.conflict` names a contradiction (different pages, years, markers, ...)
- no match: ...   no conflict, yet `compare` found too little agreement (title, author, journal scores shown)
- clustering: ... they matched, but a member of one cluster conflicts with a member of the other
- transitive      they never matched directly and their clusters were never joined by another pair

and for every predicted pair in different true groups (false positive), the reason of the match. Reasons are
counted per pair; large groups split in two count every cross pair, as the pairwise metric does.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import FIELDS, SHARED, read_csv  # noqa: E402

from slrflow.dedup import deduplicate  # noqa: E402
from slrflow.dedup.blocking import candidate_pairs  # noqa: E402
from slrflow.dedup.corpus import drop_record_numbers, mark_series  # noqa: E402
from slrflow.dedup.normalise import normalise_record  # noqa: E402
from slrflow.dedup.similarity import (  # noqa: E402
    author_similarity,
    compare,
    conflict,
    journals_compatible,
    pages_agree,
    title_similarity,
)


def describe(row: dict[str, str]) -> str:
    parts = [f"{row['record_id']}", f"T: {row['title'][:150]}"]
    parts.append(f"A: {row['authors'][:80]}")
    parts.append(
        f"Y: {row['year']} | J: {row['journal'][:60]} | V: {row['volume']} | N: {row['number']} | "
        f"P: {row['pages']} | DOI: {row['doi']} | abstract {len(row['abstract'])} chars"
    )
    return "\n      ".join(parts)


def pair_reason(a, b, candidates: set[tuple[str, str]], matched: set[tuple[str, str]], blocked: dict) -> str:
    key = tuple(sorted((a.record_id, b.record_id)))
    if key in blocked:
        return f"clustering: {blocked[key]}"
    if key in matched:
        return "transitive (matched, cluster split elsewhere)"
    why = conflict(a, b)
    if why is not None:
        return f"conflict: {why}"
    found = compare(a, b)
    if found is not None:
        return "matches now but was not a candidate" if key not in candidates else "matched"
    if key not in candidates:
        return "blocking"
    title = title_similarity(a.title, b.title)
    authors = author_similarity(a.authors, b.authors)
    return (
        f"no match: title {title:.2f} authors {authors:.2f} journal {journals_compatible(a, b)} "
        f"pages {pages_agree(a, b)} years {a.year}/{b.year}"
    )


def explain(folder: Path, seed: int, limit: int, summary: bool) -> tuple[int, int]:
    rows = read_csv(folder / "records.csv")
    random.Random(seed).shuffle(rows)
    truth = {row["record_id"]: row["dup_group_id"] for row in rows}
    inputs = [{name: row.get(name, "") for name in FIELDS} for row in rows]
    by_id = {row["record_id"]: row for row in rows}
    result = deduplicate(inputs)
    predicted = dict(zip(result.record_ids, result.cluster_ids, strict=True))
    norms = {row["record_id"]: normalise_record(row) for row in inputs}
    drop_record_numbers(list(norms.values()))  # the corpus facts deduplicate() applies, so reasons agree
    mark_series(list(norms.values()))
    ids = sorted(norms)
    candidates = {
        tuple(sorted((ids[i], ids[j]))) for i, j in candidate_pairs([norms[rid] for rid in ids])
    }  # approximately: deduplicate blocks leaders of identical records only
    matched = {(str(m["record_id_a"]), str(m["record_id_b"])) for m in result.matches}
    blocked = {(str(m["record_id_a"]), str(m["record_id_b"])): m["blocked_by"] for m in result.blocked}

    groups: dict[str, list[str]] = defaultdict(list)
    for rid, group in truth.items():
        groups[group].append(rid)
    missed: list[tuple[str, str, str]] = []
    for members in groups.values():
        for x, y in itertools.combinations(sorted(members), 2):
            if predicted[x] != predicted[y]:
                missed.append((pair_reason(norms[x], norms[y], candidates, matched, blocked), x, y))
    clusters: dict[str, list[str]] = defaultdict(list)
    for rid, cid in predicted.items():
        clusters[cid].append(rid)
    reason_of = {(str(m["record_id_a"]), str(m["record_id_b"])): m["reason"] for m in result.matches}
    false: list[tuple[str, str, str]] = []
    for members in clusters.values():
        for x, y in itertools.combinations(sorted(members), 2):
            if truth[x] != truth[y]:
                false.append((str(reason_of.get((x, y), "via other members")), x, y))

    print(f"\n=== {folder.name}: {len(missed)} missed pairs, {len(false)} false pairs")
    counts = Counter(reason[:60] for reason, *_ in missed)
    for reason, count in counts.most_common():
        print(f"  {count:5d}  {reason}")
    if summary:
        return len(missed), len(false)
    shown: set[frozenset[str]] = set()
    n = 0
    for reason, x, y in sorted(missed):
        # one pair per pair of clusters is enough to read
        key = frozenset((predicted[x], predicted[y]))
        if key in shown:
            continue
        shown.add(key)
        n += 1
        if n > limit:
            break
        print(f"\n  MISSED [{reason}]\n    a {describe(by_id[x])}\n    b {describe(by_id[y])}")
    for reason, x, y in sorted(false)[:limit]:
        print(f"\n  FALSE [{reason}]\n    a {describe(by_id[x])}\n    b {describe(by_id[y])}")
    return len(missed), len(false)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="*", help="folder names under ../shared/data/dedup (default: all)")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--limit", type=int, default=30, help="pairs printed per set and kind")
    parser.add_argument("--summary", action="store_true", help="counts by reason only")
    args = parser.parse_args()
    folders = sorted(p for p in (SHARED / "dedup").iterdir() if (p / "records.csv").is_file())
    if args.sets:
        folders = [p for p in folders if p.name in args.sets]
    for folder in folders:
        explain(folder, args.seed, args.limit, args.summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
