"""Deduplication end to end: rows in, clusters, merged records and an audit trail of matches out."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from slrflow.dedup.blocking import candidate_pairs
from slrflow.dedup.clustering import Edge, cluster
from slrflow.dedup.corpus import drop_record_numbers, mark_series
from slrflow.dedup.merge import merge_rows, rank_key
from slrflow.dedup.normalise import Normalised, normalise_record
from slrflow.dedup.overrides import Override, current_overrides
from slrflow.dedup.similarity import compare, conflict
from slrflow.dedup.studies import StudyLink, link_studies
from slrflow.identity import record_id as content_record_id
from slrflow.tables import split_list

__all__ = ["DedupResult", "deduplicate"]

Progress = Callable[[str], None]


@dataclass(slots=True)
class DedupResult:
    """One entry per input row in `cluster_ids` and `match_reasons`; one merged record per cluster, and one row
    per merged record in `studies` (slrflow.dedup.studies). `refused` lists every link not made and why."""

    record_ids: list[str]
    cluster_ids: list[str]
    match_reasons: list[str]
    records: list[dict[str, object]]
    matches: list[dict[str, object]]
    blocked: list[dict[str, object]] = field(default_factory=list)
    ignored_overrides: list[tuple[Override, str]] = field(default_factory=list)
    studies: list[dict[str, str]] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)
    ignored_study_links: list[tuple[StudyLink, str]] = field(default_factory=list)


def deduplicate(
    rows: Sequence[Mapping[str, str]],
    *,
    overrides: Sequence[Override] = (),
    study_links: Sequence[StudyLink] = (),
    progress: Progress | None = None,
) -> DedupResult:
    """Cluster rows that are copies of one report, then link the reports into studies. Rows sharing a record_id
    are one record; an empty record_id is computed from the content (slrflow.identity)."""
    say = progress or (lambda message: None)
    ids = [(row.get("record_id") or "").strip() or content_record_id(row) for row in rows]

    # Rows sharing a record_id are one node, ordered by id so nothing depends on row order.
    rows_of: dict[str, list[int]] = defaultdict(list)
    for index, rid in enumerate(ids):
        rows_of[rid].append(index)
    node_ids = sorted(rows_of)
    node_of = {rid: k for k, rid in enumerate(node_ids)}
    # (most record_ids have one row: nothing to rank or merge)
    node_rows = [
        sorted(rows_of[rid], key=lambda i: rank_key(rows[i])) if len(rows_of[rid]) > 1 else rows_of[rid]
        for rid in node_ids
    ]
    node_records = [merge_rows([rows[i] for i in members]) for members in node_rows]
    for rid, record in zip(node_ids, node_records, strict=True):
        record["record_id"] = rid
    norms = [normalise_record(record) for record in node_records]
    say(f"normalised {len(rows)} rows ({len(node_ids)} distinct record_ids)")
    if drop_record_numbers(norms):
        say("the issue column holds a different value on nearly every record (record numbers?): issues ignored")
    say(f"{mark_series(norms)} titles recur as series titles")

    current = current_overrides(list(overrides))
    ignored: list[tuple[Override, str]] = []
    forced: list[Edge] = []
    cannot: list[tuple[int, int]] = []
    in_override: set[int] = set()
    for override in current.values():
        a, b = node_of.get(override.record_id_a), node_of.get(override.record_id_b)
        if a is None or b is None:
            ignored.append((override, "record_id not in the input"))
            continue
        in_override.update((a, b))
        if override.decision == "same":
            who = f" by {override.reviewer}" if override.reviewer else ""
            forced.append(Edge(a, b, f"reviewer: same{who}", 1.0, forced=True))
        else:
            cannot.append((a, b))

    # Identical records (same title, authors, year, journal, volume, page, DOI) need only one comparison.
    leader = list(range(len(norms)))
    first_with: dict[tuple, int] = {}
    identical: list[Edge] = []
    for k, norm in enumerate(norms):
        if not norm.title or k in in_override:
            continue
        key = _identity_key(norm)
        if key in first_with:
            leader[k] = first_with[key]
            identical.append(Edge(first_with[key], k, "identical", 1.0))
        else:
            first_with[key] = k
    leaders = [k for k in range(len(norms)) if leader[k] == k]
    say(f"{len(leaders)} records to compare after collapsing identical ones")

    pairs = candidate_pairs([norms[k] for k in leaders])
    say(f"{len(pairs)} candidate pairs from blocking")
    matched: list[Edge] = []
    for x, y in pairs:
        a, b = leaders[x], leaders[y]
        found = compare(norms[a], norms[b])
        if found is not None:
            matched.append(Edge(a, b, found.reason, found.score))
    say(f"{len(matched)} matching pairs")

    cache: dict[tuple[int, int], str | None] = {}

    def leader_conflict(i: int, j: int) -> str | None:
        li, lj = leader[i], leader[j]
        if li == lj:
            return None
        key = (li, lj) if li < lj else (lj, li)
        if key not in cache:
            cache[key] = conflict(norms[li], norms[lj])
        return cache[key]

    clustering = cluster(
        len(norms), [*forced, *identical, *matched], order_key=node_ids, conflict=leader_conflict, cannot_link=cannot
    )
    for refusal in clustering.blocked:
        if refusal.edge.forced:
            ignored.append((_override_of(current, node_ids, refusal.edge), f"not applied: {refusal.reason}"))

    # Representative: the most complete record of each cluster; ties go to the smallest record_id.
    groups: dict[int, list[int]] = defaultdict(list)
    for k, root in enumerate(clustering.labels):
        groups[root].append(k)
    representative: dict[int, int] = {}
    for root, members in groups.items():
        representative[root] = min(members, key=lambda k: (-norms[k].filled, -norms[k].size, node_ids[k]))

    reason_of = _attachment_reasons(len(norms), clustering.applied, representative.values())
    cluster_ids = [""] * len(rows)
    reasons = [""] * len(rows)
    for k, root in enumerate(clustering.labels):
        cid = node_ids[representative[root]]
        for position, i in enumerate(node_rows[k]):
            cluster_ids[i] = cid
            reasons[i] = "same record_id" if position and not reason_of[k] else reason_of[k]
    for k in representative.values():
        for position, i in enumerate(node_rows[k]):
            reasons[i] = "representative" if position == 0 else "same record_id"

    merged: list[dict[str, object]] = []
    member_of: dict[str, str] = {}  # record_id -> its report's (its cluster's representative's) record_id
    for root in sorted(groups, key=lambda r: node_ids[representative[r]]):
        rep = representative[root]
        members = sorted(groups[root], key=lambda k: (k != rep, -norms[k].filled, -norms[k].size, node_ids[k]))
        member_rows = [rows[i] for k in members for i in node_rows[k]]
        report: dict[str, object] = dict(merge_rows([node_records[k] for k in members]))
        report["record_id"] = node_ids[rep]
        member_ids = sorted(node_ids[k] for k in members)
        report["member_ids"] = member_ids
        member_of.update(dict.fromkeys(member_ids, node_ids[rep]))
        report["databases"] = sorted({db for row in member_rows for db in split_list(row.get("database") or "")})
        report["n_members"] = len(member_rows)
        merged.append(report)

    def audit(edge: Edge, status: str) -> dict[str, object]:
        a, b = sorted((node_ids[edge.a], node_ids[edge.b]))
        return {"record_id_a": a, "record_id_b": b, "reason": edge.reason, "score": edge.score, "status": status}

    matches = [audit(edge, "merged") for edge in clustering.applied]
    matches += [audit(edge, "within") for edge in clustering.within]
    matches.sort(key=lambda m: (str(m["record_id_a"]), str(m["record_id_b"])))
    blocked = [{**audit(refusal.edge, "blocked"), "blocked_by": refusal.reason} for refusal in clustering.blocked]
    refused = [
        {
            "record_id_a": node_ids[refusal.edge.a],
            "record_id_b": node_ids[refusal.edge.b],
            "level": "report",
            "match": f"{refusal.edge.reason} {refusal.edge.score:.2f}",
            "refused_because": f"{refusal.reason}: {' and '.join(sorted((node_ids[refusal.a], node_ids[refusal.b])))}",
        }
        for refusal in clustering.blocked
    ]
    say(f"{len(groups)} clusters from {len(rows)} rows")
    # a report is compared by its representative's keys (its most complete copy), already normalised
    keys = [norms[node_of[str(record["record_id"])]] for record in merged]
    studies = link_studies(merged, links=study_links, member_ids=member_of, normalised=keys)
    say(f"{len({row['study_id'] for row in studies.rows})} studies from {len(merged)} reports")
    return DedupResult(
        ids,
        cluster_ids,
        reasons,
        merged,
        matches,
        blocked,
        ignored,
        studies.rows,
        refused + studies.refused,
        studies.ignored,
    )


def _identity_key(norm: Normalised) -> tuple:
    return (
        norm.title,
        tuple(sorted(norm.authors)),
        norm.year,
        norm.journal_text,
        norm.volume,
        norm.number,
        norm.page,
        norm.doi,
        norm.markers,
    )


def _attachment_reasons(n: int, applied: Sequence[Edge], roots: Iterable[int]) -> list[str]:
    """For each node, the reason of the merge that attached it, found walking out from the representative."""
    adjacent: dict[int, list[Edge]] = defaultdict(list)
    for edge in applied:
        adjacent[edge.a].append(edge)
        adjacent[edge.b].append(edge)
    reason = [""] * n
    for root in roots:
        seen = {root}
        queue = deque([root])
        while queue:
            node = queue.popleft()
            for edge in adjacent[node]:
                other = edge.b if edge.a == node else edge.a
                if other not in seen:
                    seen.add(other)
                    reason[other] = f"{edge.reason} {edge.score:.2f}"
                    queue.append(other)
    return reason


def _override_of(current: Mapping[tuple[str, str], Override], node_ids: Sequence[str], edge: Edge) -> Override:
    a, b = sorted((node_ids[edge.a], node_ids[edge.b]))
    return current[(a, b)]
