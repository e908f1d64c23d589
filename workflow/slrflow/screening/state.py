"""The state of a review's screening: one settle, and both stages settled over the current deduplicated studies.

`settle` gives every study its status at one stage from the reviewers' current decisions; `settle_review`
settles title/abstract over every study and full text over the studies that reached it. The workflow (`slrflow
decisions`), the app and the audit all call these two, so a study has one status wherever it is shown.
`write_settlements` writes the tables in results/screening/ that ranking, full text, PRISMA and the audit read
(see workflow/DATAFLOW.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from slrflow.screening.decisions import (
    MODES,
    STAGES,
    Change,
    Decision,
    changes,
    current_decisions,
    read_logs,
    read_resolutions,
)
from slrflow.screening.reattach import KEYS_FILE, REATTACHED_COLUMNS, Matcher, Reattached, read_record_keys, reattach
from slrflow.tables import read_table, write_table

__all__ = [
    "CHANGE_COLUMNS",
    "CONFLICT_COLUMNS",
    "ORPHAN_COLUMNS",
    "SOUGHT_COLUMNS",
    "STUDY_COLUMNS",
    "TO_FULL_TEXT",
    "ReviewState",
    "Settlement",
    "StudyStatus",
    "decisions_by_study",
    "decisions_needed",
    "reasons_by_stage",
    "settle",
    "settle_review",
    "study_status",
    "write_settlements",
]

STUDY_COLUMNS = (
    "record_id",
    "status",
    "reason",
    "decided_by",
    "decisions",
    "n_decisions",
    "first_decided_at",
    "resolved",
    "resolved_by",
)
CONFLICT_COLUMNS = ("stage", "record_id", "reviewers", "decisions", "resolution", "resolved_by", "resolved_at")
ORPHAN_COLUMNS = ("stage", "reviewer", "record_id", "decision", "reason", "timestamp", "source", "line")
CHANGE_COLUMNS = ("stage", "reviewer", "record_id", "before", "after", "changed_at", "source", "line")
SOUGHT_COLUMNS = ("record_id", "title", "authors", "year", "journal", "doi", "member_ids")
# Studies that go on to full text: uncertainty at title/abstract is settled by reading the paper.
TO_FULL_TEXT = frozenset({"include", "maybe"})


@dataclass
class StudyStatus:
    """Where one study (a dedup cluster) stands at one stage."""

    record_id: str
    status: str  # include, exclude, maybe, conflict or pending
    decisions: dict[str, Decision] = field(default_factory=dict)  # reviewer -> current decision
    resolution: Decision | None = None
    reason: str = ""

    @property
    def first_decided_at(self) -> datetime | None:
        times = [d.timestamp for d in self.decisions.values()]
        return min(times) if times else None


@dataclass
class Settlement:
    """The outcome of settling one stage: statuses per study, the conflicts, and decisions on no known record."""

    stage: str
    studies: dict[str, StudyStatus]
    conflicts: list[StudyStatus]
    orphans: list[Decision]


@dataclass
class ReviewState:
    title_abstract: Settlement
    full_text: Settlement
    changes: list[Change]
    mode: str = "single"
    reattached: list[Reattached] = field(default_factory=list)


def decisions_needed(mode: str) -> int:
    """How many reviewers must decide a study before it is settled: one in single mode, two otherwise."""
    if mode not in MODES:
        raise ValueError(f"unknown review mode {mode!r}; known: {', '.join(MODES)}")
    return 1 if mode == "single" else 2


def reasons_by_stage(config: Mapping[str, Any]) -> dict[str, list[str]]:
    """The exclusion reasons config allows at each stage."""
    options = config["screening"]
    return {stage: list(options.get(f"{stage}_reasons", [])) for stage in STAGES}


def decisions_by_study(
    decisions: Iterable[Decision], study_of: Mapping[str, str]
) -> tuple[dict[str, dict[str, Decision]], list[Decision]]:
    """Each study's current decision per reviewer, and the decisions on records `study_of` does not know.

    The latest line per (reviewer, record) counts; across members of a cluster the later timestamp is the
    reviewer's view of the study.
    """
    by_study: dict[str, dict[str, Decision]] = defaultdict(dict)
    orphans = []
    for decision in current_decisions(decisions).values():
        study = study_of.get(decision.record_id)
        if study is None:
            orphans.append(decision)
            continue
        held = by_study[study].get(decision.reviewer)
        if held is None or decision.timestamp >= held.timestamp:
            by_study[study][decision.reviewer] = decision
    return by_study, orphans


def study_status(decisions: Iterable[Decision], *, needed: int, maybe_is_conflict: bool = False) -> tuple[str, str]:
    """(status, reason) of one study from its reviewers' current decisions.

    Fewer than `needed` decisions: pending. Include against exclude is a conflict; maybe against a decision is
    a conflict only when `maybe_is_conflict`, and otherwise the study goes on as include (with an include) or
    maybe (with an exclude), so that uncertainty always reaches full text.
    """
    decisions = list(decisions)
    values = {d.decision for d in decisions}
    if len(decisions) < needed or not decisions:
        return "pending", ""
    if "include" in values and "exclude" in values:
        return "conflict", ""
    if "maybe" in values and len(values) > 1:
        if maybe_is_conflict:
            return "conflict", ""
        if "include" in values:
            return "include", ""
        return "maybe", ""
    (value,) = values
    reasons = [d.reason for d in sorted(decisions, key=lambda d: (d.timestamp, d.reviewer)) if d.reason]
    return value, reasons[0] if reasons else ""


def settle(
    decisions: Iterable[Decision],
    *,
    stage: str,
    study_of: Mapping[str, str],
    studies: Iterable[str],
    mode: str = "single",
    maybe_is_conflict: bool = False,
    resolutions: Iterable[Decision] = (),
) -> Settlement:
    """Give every study in `studies` its status at `stage` from the reviewers' current decisions.

    `study_of` maps every known record_id to its study (the dedup cluster id); a decision on a record_id it does
    not know is an orphan: reported, never dropped. `mode` is single (one reviewer decides), dual or blind_dual
    (two reviewers must decide); see `study_status` for how decisions combine. A resolution line settles a study
    whatever the reviewers said.
    """
    needed = decisions_needed(mode)
    by_study, orphans = decisions_by_study(decisions, study_of)
    settled_by = {}
    for resolution in resolutions:
        if resolution.stage != stage:
            continue
        study = study_of.get(resolution.record_id)
        if study is None:
            orphans.append(resolution)
        else:
            settled_by[study] = resolution
    result: dict[str, StudyStatus] = {}
    conflicts = []
    for study in sorted(set(studies)):
        current = dict(sorted(by_study.get(study, {}).items()))
        status, reason = study_status(current.values(), needed=needed, maybe_is_conflict=maybe_is_conflict)
        resolution = settled_by.get(study)
        entry = StudyStatus(study, status, current, resolution, reason)
        if status == "conflict":
            conflicts.append(entry)
        if resolution is not None:
            entry.status, entry.reason = resolution.decision, resolution.reason
        result[study] = entry
    orphans.sort(key=lambda d: (d.source, d.line))
    return Settlement(stage, result, conflicts, orphans)


def settle_review(
    config: Mapping[str, Any],
    *,
    screening: str | Path,
    clusters: str | Path | None = None,
    study_of: Mapping[str, str] | None = None,
    matcher: Matcher | None = None,
) -> ReviewState:
    """Settle title/abstract over every study, then full text over the studies that reached it.

    The studies come from `study_of` (record_id -> cluster_id) or are read from `clusters`. With a `matcher`
    over the current records, decisions on records that left the inputs are re-attached to their report's
    surviving copies (slrflow.screening.reattach).
    """
    screening = Path(screening)
    if study_of is None:
        if clusters is None:
            raise ValueError("settle_review needs clusters= or study_of=")
        study_of = {row["record_id"]: row["cluster_id"] for row in read_table(clusters)}
    options = config["screening"]
    reviewers = options["reviewers"]
    studies = sorted(set(study_of.values()))
    reasons = reasons_by_stage(config)
    resolutions = read_resolutions(screening / "resolutions.csv", reasons_by_stage=reasons)
    logs = {
        stage: read_logs(screening / stage, stage=stage, reviewers=reviewers, reasons=reasons[stage])
        for stage in STAGES
    }
    every = [*logs["title_abstract"], *logs["full_text"], *resolutions]
    found = reattach(every, study_of, read_record_keys(screening / KEYS_FILE), matcher)
    known = {**study_of, **{record_id: study for record_id, (study, _) in found.items()}}
    common = {
        "study_of": known,
        "mode": options.get("mode", "single"),
        "maybe_is_conflict": options.get("maybe_is_conflict", False),
        "resolutions": resolutions,
    }
    title_abstract = settle(logs["title_abstract"], stage="title_abstract", studies=studies, **common)
    reached = [s.record_id for s in title_abstract.studies.values() if s.status in TO_FULL_TEXT]
    full_text = settle(logs["full_text"], stage="full_text", studies=reached, **common)
    reattached = [
        Reattached(decision, *found[decision.record_id])
        for settlement in (title_abstract, full_text)
        for study in settlement.studies.values()
        for decision in [*study.decisions.values(), *([study.resolution] if study.resolution else [])]
        if decision.record_id in found
    ]
    return ReviewState(
        title_abstract,
        full_text,
        changes(logs["title_abstract"]) + changes(logs["full_text"]),
        common["mode"],
        sorted(reattached, key=lambda r: (r.decision.source, r.decision.line)),
    )


def write_settlements(state: ReviewState, outdir: str | Path, *, records: str | Path | None = None) -> None:
    """Write the tables of DATAFLOW.md; with the dedup `records`, also sought.csv: the studies sought in full text."""
    outdir = Path(outdir)
    if records is not None:
        sought = {s.record_id for s in state.title_abstract.studies.values() if s.status in TO_FULL_TEXT}
        rows = [row for row in read_table(records) if row["record_id"] in sought]
        write_table(outdir / "sought.csv", rows, SOUGHT_COLUMNS)
    conflicts = []
    orphans = []
    for settlement in (state.title_abstract, state.full_text):
        write_table(
            outdir / f"{settlement.stage}.csv", _study_rows(settlement, blind=state.mode == "blind_dual"), STUDY_COLUMNS
        )
        conflicts.extend(_conflict_rows(settlement))
        orphans.extend(
            {
                "stage": o.stage,
                "reviewer": o.reviewer,
                "record_id": o.record_id,
                "decision": o.decision,
                "reason": o.reason,
                "timestamp": o.timestamp.isoformat(),
                "source": o.source,
                "line": o.line,
            }
            for o in settlement.orphans
        )
    write_table(outdir / "conflicts.csv", conflicts, CONFLICT_COLUMNS)
    write_table(outdir / "orphans.csv", orphans, ORPHAN_COLUMNS)
    write_table(outdir / "reattached.csv", (r.row() for r in state.reattached), REATTACHED_COLUMNS)
    write_table(
        outdir / "changes.csv",
        (
            {
                "stage": c.stage,
                "reviewer": c.reviewer,
                "record_id": c.record_id,
                "before": c.before,
                "after": c.after,
                "changed_at": c.changed_at.isoformat(),
                "source": c.source,
                "line": c.line,
            }
            for c in state.changes
        ),
        CHANGE_COLUMNS,
    )


def _study_rows(settlement: Settlement, *, blind: bool = False) -> list[dict[str, object]]:
    rows = []
    for study in settlement.studies.values():
        first = study.first_decided_at
        rows.append(
            {
                "record_id": study.record_id,
                "status": study.status,
                "reason": study.reason,
                "decided_by": sorted(study.decisions),
                # Blind dual screening: what one reviewer said stays hidden until the study needs no more.
                "decisions": []
                if blind and study.status == "pending"
                else [f"{reviewer}: {d.decision}" for reviewer, d in study.decisions.items()],
                "n_decisions": len(study.decisions),
                "first_decided_at": first.isoformat() if first else "",
                "resolved": "yes" if study.resolution else "",
                "resolved_by": study.resolution.reviewer if study.resolution else "",
            }
        )
    return rows


def _conflict_rows(settlement: Settlement) -> list[dict[str, object]]:
    return [
        {
            "stage": settlement.stage,
            "record_id": study.record_id,
            "reviewers": sorted(study.decisions),
            "decisions": [f"{reviewer}: {d.decision}" for reviewer, d in study.decisions.items()],
            "resolution": study.resolution.decision if study.resolution else "",
            "resolved_by": study.resolution.reviewer if study.resolution else "",
            "resolved_at": study.resolution.timestamp.isoformat() if study.resolution else "",
        }
        for study in settlement.conflicts
    ]
