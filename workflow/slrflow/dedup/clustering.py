"""Constrained clustering: matched pairs joined strongest first, never across a contradiction.

Plain connected components chain records: A matches B, B matches C, and A and C end together even when they
are different studies. Here clusters grow by agglomeration over the matched pairs, best score first, and two
clusters merge only if no pair across them conflicts (`similarity.conflict`, or a reviewer's 'different').
The result does not depend on row order: pairs are processed in (score, ids) order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["Clustering", "Edge", "Refusal", "cluster"]


@dataclass(frozen=True, slots=True)
class Edge:
    a: int
    b: int
    reason: str
    score: float
    forced: bool = False  # a reviewer's 'same': needs no compatibility check


class Refusal(NamedTuple):
    """A match not applied: `reason` is why records `a` and `b` (one from each side of it) cannot be together;
    they are the edge's own records when the edge itself conflicts, other members of the two clusters when not."""

    edge: Edge
    reason: str
    a: int
    b: int


@dataclass(slots=True)
class Clustering:
    labels: list[int]  # node index -> root node index
    applied: list[Edge] = field(default_factory=list)  # edges that joined two clusters
    within: list[Edge] = field(default_factory=list)  # matches between records already clustered together
    blocked: list[Refusal] = field(default_factory=list)  # matches refused, with the reason


def cluster(
    n: int,
    edges: Iterable[Edge],
    *,
    order_key: Sequence[str],
    conflict: Callable[[int, int], str | None],
    cannot_link: Iterable[tuple[int, int]] = (),
) -> Clustering:
    """Agglomerate n nodes over `edges`; `order_key[i]` breaks score ties so the result is order-free."""
    parent = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    forbidden: dict[int, set[int]] = {}
    for a, b in cannot_link:
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    result = Clustering(labels=[])

    def ordered(edge: Edge) -> tuple:
        ka, kb = sorted((order_key[edge.a], order_key[edge.b]))
        return (not edge.forced, -edge.score, ka, kb)

    for edge in sorted(edges, key=ordered):
        ra, rb = find(edge.a), find(edge.b)
        if ra == rb:
            result.within.append(edge)
            continue
        small_root, large_root = (ra, rb) if len(members[ra]) <= len(members[rb]) else (rb, ra)
        refusal = _refusal(members[small_root], members[large_root], forbidden, None if edge.forced else conflict)
        if refusal is not None:
            result.blocked.append(Refusal(edge, *refusal))
            continue
        parent[small_root] = large_root
        members[large_root].extend(members.pop(small_root))
        result.applied.append(edge)
    result.labels = [find(i) for i in range(n)]
    return result


def _refusal(
    small: list[int],
    large: list[int],
    forbidden: dict[int, set[int]],
    conflict: Callable[[int, int], str | None] | None,
) -> tuple[str, int, int] | None:
    """Why the two clusters cannot merge, and the two members that say so; every pair across them is checked."""
    if forbidden:
        large_set = set(large)
        for i in small:
            against = forbidden.get(i, set()) & large_set
            if against:
                return "a reviewer asserted 'different'", i, min(against)
    if conflict is not None:
        for i in small:
            for j in large:
                reason = conflict(i, j)
                if reason is not None:
                    return reason, i, j
    return None
