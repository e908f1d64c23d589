"""Every record of the review as one list: search, filters, sort, and one record's decisions with their history.

The statuses come from `slrflow.screening.state.settle_review`, the same settlement the workflow writes to
results/screening/, read fresh from screening/ on each request (a few milliseconds for thousands of lines), so a
line typed into a log by hand shows at once. Blind dual screening: another reviewer's decision on a record is
shown only once the reviewer asking and enough others have decided it, so the list never betrays a decision
before the asking reviewer has made theirs.
"""

from __future__ import annotations

import unicodedata
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slrflow.app.review import Review
from slrflow.app.views import decision_view
from slrflow.screening.decisions import Decision, read_log
from slrflow.screening.state import ReviewState, StudyStatus, settle_review
from slrflow.tables import split_list

__all__ = [
    "SORTS",
    "ListQuery",
    "UnknownRecordError",
    "decision_history",
    "list_records",
    "record_detail",
    "review_state",
    "visible",
]

SORTS = ("rank", "year", "title")
STATUS_FILTERS = ("pending", "include", "exclude", "maybe", "conflict", "resolved")
MINE_FILTERS = ("undecided", "decided", "include", "exclude", "maybe")
CONFLICT_FILTERS = ("open", "resolved", "any", "none")
PAGE = 200
# Each review's searchable text, folded once: its records do not change while the app runs.
_SEARCH_TEXT: weakref.WeakKeyDictionary[Review, dict[str, str]] = weakref.WeakKeyDictionary()


class UnknownRecordError(LookupError):
    """A record id that is not in results/dedup/records.csv."""


@dataclass(frozen=True)
class ListQuery:
    """What the list is asked for; every filter is optional and they combine with AND."""

    text: str = ""  # words that must all occur in title, abstract, authors or keywords
    status: str = ""  # the study's settled status at the stage (STATUS_FILTERS)
    mine: str = ""  # the asking reviewer's own decision (MINE_FILTERS)
    conflict: str = ""  # CONFLICT_FILTERS
    database: str = ""  # one of the databases the record was found in
    label: str = ""  # words in a visible decision's reason or note
    sort: str = "rank"
    offset: int = 0
    limit: int = PAGE

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ListQuery:
        def choice(name: str, allowed: tuple[str, ...]) -> str:
            value = (args.get(name) or "").strip()
            if value and value not in allowed:
                raise ValueError(f"{name}={value!r} is not one of {', '.join(allowed)}")
            return value

        def number(name: str, default: int) -> int:
            text = (args.get(name) or "").strip()
            if not text:
                return default
            if not text.isdigit():
                raise ValueError(f"{name}={text!r} is not a whole number")
            return int(text)

        return cls(
            text=(args.get("q") or "").strip(),
            status=choice("status", STATUS_FILTERS),
            mine=choice("mine", MINE_FILTERS),
            conflict=choice("conflict", CONFLICT_FILTERS),
            database=(args.get("database") or "").strip(),
            label=(args.get("label") or "").strip(),
            sort=choice("sort", SORTS) or "rank",
            offset=number("offset", 0),
            limit=max(1, min(number("limit", PAGE), 1000)),
        )


def review_state(review: Review) -> ReviewState:
    """Both stages settled from screening/ as it is on disk now."""
    return settle_review(review.config, clusters=review.results.clusters, screening=review.screening)


def visible(review: Review, reviewer: str, study: StudyStatus | None) -> dict[str, Decision]:
    """The decisions on a study that `reviewer` may see: their own, and others' unless blindness hides them."""
    if study is None:
        return {}
    decisions = study.decisions
    if review.blind and (reviewer not in decisions or len(decisions) < review.needed):
        return {name: d for name, d in decisions.items() if name == reviewer}
    return dict(decisions)


def list_records(review: Review, reviewer: str, stage: str, query: ListQuery) -> dict[str, Any]:
    """One page of the records that match `query`, sorted, with the counts the filters offer."""
    _check(review, reviewer, stage)
    review.refresh()
    state = review_state(review)
    settlement = state.stage(stage)
    conflicts = {entry.record_id for entry in settlement.conflicts}
    rank = _ranks(review, reviewer)
    words = _fold(query.text).split()
    label_words = _fold(query.label).split()
    rows = []
    databases: dict[str, int] = {}
    for record in review.records:
        record_id = record["record_id"]
        study = settlement.studies.get(record_id)
        if study is None:  # full text: the study did not reach it
            continue
        record_databases = split_list(record.get("databases"))
        for name in record_databases:
            databases[name] = databases.get(name, 0) + 1
        shown = visible(review, reviewer, study)
        mine = shown.get(reviewer)
        row = {
            "record_id": record_id,
            "rank": rank.get(record_id),
            "title": record.get("title", ""),
            "authors": split_list(record.get("authors")),
            "year": record.get("year", ""),
            "journal": record.get("journal", ""),
            "databases": record_databases,
            "status": study.status,
            "conflict": ("resolved" if study.resolution else "open") if record_id in conflicts else "",
            "mine": decision_view(mine),
            "others": {name: decision_view(d) for name, d in sorted(shown.items()) if name != reviewer},
            "n_decided": len(study.decisions),
            "resolution": decision_view(study.resolution) if study.resolution else None,
        }
        if words and not all(word in _search_text(review)[record_id] for word in words):
            continue
        if label_words and not _matches_label(label_words, [*shown.values(), study.resolution]):
            continue
        if not _keep(row, query):
            continue
        rows.append(row)
    rows.sort(key=_sort_key(query.sort))
    return {
        "stage": stage,
        "mode": review.mode,
        "total": len(rows),
        "offset": query.offset,
        "rows": rows[query.offset : query.offset + query.limit],
        "databases": sorted(databases),
        "n_conflicts_open": sum(1 for entry in settlement.conflicts if entry.resolution is None),
    }


def record_detail(review: Review, reviewer: str, stage: str, record_id: str) -> dict[str, Any]:
    """A record as the screen shows it, with every decision the reviewer may see and their own history."""
    _check(review, reviewer, stage)
    record_id = review.study_of.get(record_id, record_id)  # a duplicate's id opens its study
    if record_id not in review.position:
        raise UnknownRecordError(f"record {record_id!r} is not in results/dedup/records.csv")
    review.refresh()
    view = review.record_view(record_id, reviewer, stage)
    state = review_state(review)
    settlement = state.stage(stage)
    study = settlement.studies.get(record_id)
    shown = visible(review, reviewer, study)
    view["others"] = {name: decision_view(d) for name, d in sorted(shown.items()) if name != reviewer}
    view["status"] = study.status if study else "not at this stage"
    view["resolution"] = decision_view(study.resolution) if study and study.resolution else None
    view["history"] = decision_history(review, reviewer, stage, record_id)
    view["reached"] = study is not None
    return view


def decision_history(review: Review, reviewer: str, stage: str, record_id: str) -> list[dict[str, str]]:
    """Every line of the reviewer's own log on this record, oldest first (the history a change keeps)."""
    path = review.screening / stage / f"{reviewer}.csv"
    if not path.is_file():
        return []
    lines = read_log(path, stage=stage, reviewers=review.reviewers, reasons=review.reasons[stage])
    return [{**(decision_view(d) or {}), "line": str(d.line)} for d in lines if d.record_id == record_id]


def _ranks(review: Review, reviewer: str) -> dict[str, int]:
    """Each record's place in the reviewer's current ranking (1 = screen first)."""
    order = review.reranker(reviewer).current.order.tolist()
    return {review.records[position]["record_id"]: place for place, position in enumerate(order, start=1)}


def _sort_key(sort: str):
    if sort == "year":
        # Newest first; records without a year last, then by title.
        return lambda row: (-int(row["year"]) if str(row["year"]).isdigit() else 1, _fold(row["title"]))
    if sort == "title":
        return lambda row: (_fold(row["title"]) or "\uffff", row["record_id"])
    return lambda row: (row["rank"] if row["rank"] is not None else float("inf"), row["record_id"])


def _keep(row: dict[str, Any], query: ListQuery) -> bool:
    status = row["status"]
    if query.status == "resolved":
        if row["resolution"] is None:
            return False
    elif query.status and status != query.status:
        return False
    mine = row["mine"]["decision"] if row["mine"] else ""
    if query.mine == "undecided" and mine:
        return False
    if query.mine == "decided" and not mine:
        return False
    if query.mine in ("include", "exclude", "maybe") and mine != query.mine:
        return False
    conflict = row["conflict"]
    if query.conflict == "none" and conflict:
        return False
    if query.conflict == "any" and not conflict:
        return False
    if query.conflict in ("open", "resolved") and conflict != query.conflict:
        return False
    return not (query.database and query.database not in row["databases"])


def _fold(text: str) -> str:
    """Lower case without accents, so 'Bénéficiaires' is found by 'beneficiaires'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _search_text(review: Review) -> dict[str, str]:
    if review not in _SEARCH_TEXT:
        fields = ("title", "abstract", "authors", "keywords")
        _SEARCH_TEXT[review] = {
            row["record_id"]: _fold(" ".join(row.get(field, "") or "" for field in fields)) for row in review.records
        }
    return _SEARCH_TEXT[review]


def _matches_label(words: list[str], decisions: list[Decision | None]) -> bool:
    haystack = _fold(" ".join(f"{d.reason} {d.note}" for d in decisions if d is not None))
    return all(word in haystack for word in words)


def _check(review: Review, reviewer: str, stage: str) -> None:
    if reviewer not in review.reviewers:
        raise ValueError(f"reviewer {reviewer!r} is not in config screening.reviewers ({', '.join(review.reviewers)})")
    if stage not in review.reasons:
        raise ValueError(f"stage {stage!r} is not one of {', '.join(review.reasons)}")
