"""Reports linked into studies: the second level, after duplicate removal and separate from it.

PRISMA 2020 counts reports and studies apart. Copies of one report are merged by deduplication; different reports
of one study are kept, and linked here, each link with its reason:

erratum / retraction   a notice titled after the article it corrects or retracts (same journal and authors)
conference_abstract    a meeting abstract and the article with its title, by the same authors, published later
protocol               a protocol and a results report that name one trial registration number
part                   'Part 1' and 'Part 2' of one title by the same authors
companion              another report of the same study: reports sharing a trial registration number, or an
                       unmarked item with the article's long title and authors in another issue (a correction or
                       reply that does not say so)

A reviewer's word wins: screening/study_links.csv (`record_id_a,record_id_b,decision,reviewer,note`, decision
`link` or `unlink`, the last line about a pair is the current one) asserts or denies a link. Links never join two
records a reviewer unlinked, directly or through others.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from slrflow.dedup.blocking import MAX_BLOCK, candidate_pairs
from slrflow.dedup.normalise import NOTICE, Normalised, normalise_record
from slrflow.dedup.overrides import STUDY_LINK_FIELDS, StudyLink, read_study_links
from slrflow.dedup.similarity import (
    AUTHORS_AGREE,
    SHORT_TITLE,
    TITLE_STRONG,
    author_similarity,
    journals_compatible,
    meeting_abstract,
    title_similarity,
)

__all__ = [
    "RELATIONS",
    "STUDY_FIELDS",
    "STUDY_LINK_FIELDS",
    "StudyLink",
    "StudyResult",
    "link_studies",
    "read_study_links",
    "registry_ids",
]

STUDY_FIELDS: tuple[str, ...] = ("record_id", "study_id", "relation", "linked_to", "reason")
RELATIONS = ("main", "erratum", "retraction", "conference_abstract", "protocol", "part", "companion")

# Trial and review registries give each study one number, cited by every report of it (ICMJE requires it in the
# abstract of trial reports): ClinicalTrials.gov, ISRCTN, ANZCTR, ChiCTR, DRKS, EudraCT, PROSPERO.
# (Registries print their prefixes in capitals, and so do the reports that cite them: matching them as written
# lets a substring test skip the regular expression for nearly every abstract.)
_REGISTRY_PREFIXES = ("NCT", "ISRCTN", "ACTRN", "ChiCTR", "DRKS", "CRD", "EudraCT")
_REGISTRY = re.compile(
    r"\b(?:(?:NCT|ISRCTN|DRKS)\d{8}|ACTRN\d{14}|ChiCTR[-\w]*\d{6,}|CRD\d{11})\b|\bEudraCT\D{0,12}(\d{4}-\d{6}-\d{2})\b"
)
# A record naming more registry numbers than this is about many trials (a review), not a report of one.
MAX_REGISTRY_IDS = 2
_PROTOCOL = re.compile(
    r"\b(?:study protocol|trial protocol|protocol for|protocol of|a protocol|protocol)\b|"
    r"\b(?:design and rationale|rationale and design|design and methods|rationale, design)\b",
    re.IGNORECASE,
)
_PART = re.compile(r"\bpart\s+(\d+|[ivx]{1,4})\b")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
# A meeting abstract is presented up to a few years before its article appears.
ABSTRACT_TO_ARTICLE_YEARS = 4
# An erratum or retraction follows its article within a few years (retractions can take longer).
NOTICE_YEARS = {"erratum": 2, "retraction": 15}


@dataclass(frozen=True, slots=True)
class _Link:
    child: int  # the record that is linked (the erratum, the abstract, the protocol, part 2)
    parent: int  # the record it is linked to
    relation: str
    reason: str
    score: float
    forced: bool = False


@dataclass(slots=True)
class StudyResult:
    """`rows` has one row per report (STUDY_FIELDS); `refused` the links not made, with why."""

    rows: list[dict[str, str]]
    refused: list[dict[str, str]] = field(default_factory=list)
    ignored: list[tuple[StudyLink, str]] = field(default_factory=list)


def registry_ids(*texts: str) -> frozenset[str]:
    """Trial or review registration numbers named in the texts (an EudraCT number without its prefix)."""
    found = {
        match.group(1) or match.group(0)
        for text in texts
        if text and any(prefix in text for prefix in _REGISTRY_PREFIXES)
        for match in _REGISTRY.finditer(text)
    }
    return frozenset(found) if len(found) <= MAX_REGISTRY_IDS else frozenset()


def link_studies(
    records: Sequence[Mapping[str, object]],
    *,
    links: Sequence[StudyLink] = (),
    member_ids: Mapping[str, str] | None = None,
    normalised: Sequence[Normalised | None] | None = None,
) -> StudyResult:
    """Link the reports in `records` (one per dedup cluster, with `record_id`) into studies.

    `member_ids` maps any member record_id to its report's record_id, so a reviewer may name either;
    `normalised` holds each record's normalise_record() where the caller has it already (None where not)."""
    ids = [str(record.get("record_id") or "") for record in records]
    index_of = {rid: k for k, rid in enumerate(ids)}
    report_of = dict(member_ids or {})
    known = list(normalised) if normalised is not None else [None] * len(records)
    norms = [
        norm if norm is not None else normalise_record({k: str(v or "") for k, v in record.items()})
        for record, norm in zip(records, known, strict=True)
    ]
    texts = [(str(record.get("title") or ""), str(record.get("abstract") or "")) for record in records]
    registries = [registry_ids(*text) for text in texts]
    protocol = [bool(_PROTOCOL.search(title)) for title, _ in texts]

    current: dict[tuple[str, str], StudyLink] = {}
    ignored: list[tuple[StudyLink, str]] = []
    for link in links:
        a = report_of.get(link.record_id_a, link.record_id_a)
        b = report_of.get(link.record_id_b, link.record_id_b)
        if a not in index_of or b not in index_of:
            ignored.append((link, "record_id not in the input"))
            continue
        if a == b:
            ignored.append((link, "both are copies of one report (use screening/duplicates.csv to split them)"))
            continue
        current[(a, b) if a <= b else (b, a)] = StudyLink(a, b, link.decision, link.reviewer, link.note, link.line)

    found: list[_Link] = []
    for link in current.values():
        if link.decision == "link":
            who = f" by {link.reviewer}" if link.reviewer else ""
            note = f" ({link.note})" if link.note else ""
            first, second = index_of[link.record_id_a], index_of[link.record_id_b]
            found.append(_Link(second, first, "companion", f"reviewer: link{who}{note}", 2.0, forced=True))
    unlinked = [(index_of[x.record_id_a], index_of[x.record_id_b]) for x in current.values() if x.decision == "unlink"]

    pairs = set(candidate_pairs(norms))
    by_registry: dict[str, list[int]] = defaultdict(list)
    for k, numbers in enumerate(registries):
        for number in numbers:
            by_registry[number].append(k)
    for members in by_registry.values():
        if len(members) > MAX_BLOCK:
            continue  # a number cited by hundreds of records is a landmark trial they discuss, not their study
        pairs.update((i, j) for x, i in enumerate(members) for j in members[x + 1 :])
    best: dict[tuple[int, str], _Link] = {}
    for i, j in sorted(pairs):
        found_link = study_link(norms[i], norms[j], registries[i] & registries[j], protocol[i], protocol[j])
        if found_link is None:
            continue
        side, relation, reason, score = found_link
        child, parent = (i, j) if side == "a" else (j, i)
        candidate = _Link(child, parent, relation, reason, score)
        key = (child, candidate.relation)
        # a notice, an abstract or a part belongs to one report: its best match (then the smallest id)
        if candidate.relation in ("companion", "protocol"):
            key = (child, f"{candidate.relation}:{parent}")
        held = best.get(key)
        if held is None or (-candidate.score, ids[candidate.parent]) < (-held.score, ids[held.parent]):
            best[key] = candidate
    found.extend(best.values())
    return _assemble(ids, norms, found, unlinked, ignored)


def study_link(
    a: Normalised, b: Normalised, shared_registry: frozenset[str], protocol_a: bool, protocol_b: bool
) -> tuple[str, str, str, float] | None:
    """('a' or 'b' for the linked report, relation, reason, score) if the two reports belong to one study."""
    if shared_registry:
        number = sorted(shared_registry)[0]
        if protocol_a != protocol_b:
            return ("a" if protocol_a else "b", "protocol", f"protocol and report of trial {number}", 1.0)
        later = "a" if (a.year or 0, a.record_id) > (b.year or 0, b.record_id) else "b"
        return (later, "companion", f"both report trial {number}", 0.9)
    if not a.title or not b.title or a.series or b.series:
        return None
    notice_a, notice_b = bool(a.markers), bool(b.markers)
    if notice_a != notice_b:
        notice, article = (a, b) if notice_a else (b, a)
        found = _notice_of(notice, article)
        return None if found is None else ("a" if notice is a else "b", *found)
    if notice_a:
        return None  # two notices: copies are duplicates (dedup), different ones are not one report
    part = _parts(a, b)
    if part is not None:
        return part
    title = title_similarity(a.title, b.title)
    if title < TITLE_STRONG or a.numbers != b.numbers or min(len(a.title), len(b.title)) < SHORT_TITLE:
        return None
    authors = author_similarity(a.authors, b.authors)
    if authors < AUTHORS_AGREE:
        return None  # (including no authors on one side: a long title alone is not a study)
    meeting_a, meeting_b = meeting_abstract(a), meeting_abstract(b)
    if meeting_a != meeting_b:
        abstract, article = (a, b) if meeting_a else (b, a)
        if _years_apart(abstract, article) not in range(0, ABSTRACT_TO_ARTICLE_YEARS + 1):
            return None
        reason = "meeting abstract with the article's title and authors"
        return ("a" if abstract is a else "b", "conference_abstract", reason, title)
    if journals_compatible(a, b) is True and a.year is not None and b.year is not None and abs(a.year - b.year) <= 1:
        later = "a" if _address(a) > _address(b) else "b"
        reason = "the article's title and authors in another issue or on other pages of the journal"
        return (later, "companion", reason, 0.9 * title)
    return None


def _notice_of(notice: Normalised, article: Normalised) -> tuple[str, str, float] | None:
    """(relation, reason, score) if `notice` corrects or retracts `article`: told by the corrected title, journal
    and authors; the notice's own pages, issue and DOI say nothing."""
    if "retraction" in notice.markers:
        relation = "retraction"
    elif "erratum" in notice.markers or notice.markers == {NOTICE}:
        relation = "erratum"
    else:
        return None  # a reply or a comment is another author's report, not one of this study
    # (an online-first article may carry the year after its printed erratum's)
    if _years_apart(article, notice) not in range(-1, NOTICE_YEARS[relation] + 1):
        return None
    if notice.numbers != article.numbers or min(len(notice.title), len(article.title)) < SHORT_TITLE:
        return None
    title = title_similarity(notice.title, article.title)
    if title < TITLE_STRONG or journals_compatible(notice, article) is False:
        return None
    if 0 <= author_similarity(notice.authors, article.authors) < AUTHORS_AGREE:
        return None
    return relation, f"{relation} notice titled after the article, in its journal", title


def _parts(a: Normalised, b: Normalised) -> tuple[str, str, str, float] | None:
    """'Part 1' and 'Part 2' of one title by the same authors: two reports of one piece of work."""
    part_a, part_b = _PART.search(a.title), _PART.search(b.title)
    if part_a is None or part_b is None:
        return None
    number_a, number_b = _part_number(part_a.group(1)), _part_number(part_b.group(1))
    if number_a == number_b:
        return None
    rest_a = a.title[: part_a.start()] + a.title[part_a.end() :]
    rest_b = b.title[: part_b.start()] + b.title[part_b.end() :]
    if title_similarity(rest_a, rest_b) < TITLE_STRONG or author_similarity(a.authors, b.authors) < AUTHORS_AGREE:
        return None
    later = "a" if number_a > number_b else "b"
    first, second = sorted((number_a, number_b))
    return (later, "part", f"part {second} of the work whose part {first} it follows", 0.9)


def _years_apart(earlier: Normalised, later: Normalised) -> int:
    """later.year - earlier.year; 0 when either is unknown (then the years say nothing)."""
    return 0 if earlier.year is None or later.year is None else later.year - earlier.year


def _part_number(token: str) -> int:
    return int(token) if token.isdigit() else _ROMAN.get(token, 0)


def _address(record: Normalised) -> tuple:
    def number(text: str) -> int:
        digits = text.lstrip("abcdefghijklmnopqrstuvwxyz")
        return int(digits) if digits.isdigit() else 0

    return (record.year or 0, number(record.volume), number(record.number), number(record.page), record.record_id)


def _assemble(
    ids: Sequence[str],
    norms: Sequence[Normalised],
    links: Sequence[_Link],
    unlinked: Sequence[tuple[int, int]],
    ignored: list[tuple[StudyLink, str]],
) -> StudyResult:
    """Join links strongest first (a reviewer's first), never across a reviewer's 'unlink'; the main report of each
    study is one that no link made subordinate, the earliest such by (year, record_id) as the tie-break."""
    n = len(ids)
    parent = list(range(n))
    members: dict[int, list[int]] = {k: [k] for k in range(n)}
    forbidden: dict[int, set[int]] = defaultdict(set)
    for a, b in unlinked:
        forbidden[a].add(b)
        forbidden[b].add(a)

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    applied: list[_Link] = []
    refused: list[dict[str, str]] = []
    for link in sorted(links, key=lambda x: (not x.forced, -x.score, ids[x.child], ids[x.parent])):
        ra, rb = find(link.child), find(link.parent)
        if ra == rb:
            applied.append(link)
            continue
        large = set(members[rb])
        if any(forbidden[k] & large for k in members[ra]):
            refused.append(
                {
                    "record_id_a": ids[link.child],
                    "record_id_b": ids[link.parent],
                    "level": "study",
                    "match": f"{link.relation}: {link.reason}",
                    "refused_because": "a reviewer asserted 'unlink'",
                }
            )
            if link.forced:
                ignored.append((StudyLink(ids[link.child], ids[link.parent], "link"), "not applied: unlinked"))
            continue
        parent[ra] = rb
        members[rb].extend(members.pop(ra))
        applied.append(link)

    adjacent: dict[int, list[_Link]] = defaultdict(list)
    subordinate = set()
    for link in applied:
        adjacent[link.child].append(link)
        adjacent[link.parent].append(link)
        if not link.forced:
            subordinate.add(link.child)
    rows: list[dict[str, str]] = [{} for _ in range(n)]
    for group in members.values():
        main = min(group, key=lambda k: (k in subordinate, norms[k].year or 9999, ids[k]))
        rows[main] = {"record_id": ids[main], "study_id": ids[main], "relation": "main", "linked_to": "", "reason": ""}
        seen = {main}
        queue = deque([main])
        while queue:
            node = queue.popleft()
            for link in sorted(adjacent[node], key=lambda x: (ids[x.child], ids[x.parent])):
                other = link.parent if link.child == node else link.child
                if other in seen:
                    continue
                seen.add(other)
                queue.append(other)
                if other == link.child or link.forced:
                    relation, reason = link.relation, link.reason
                else:
                    relation, reason = "companion", f"linked from its {link.relation}: {link.reason}"
                rows[other] = {
                    "record_id": ids[other],
                    "study_id": ids[main],
                    "relation": relation,
                    "linked_to": ids[node],
                    "reason": reason,
                }
    return StudyResult(rows, refused, ignored)
