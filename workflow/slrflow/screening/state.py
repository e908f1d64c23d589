"""The state of a review's screening: one settle, and both stages settled over the current deduplicated studies.

`settle` gives every study its status at one stage from the reviewers' current decisions; `settle_review`
settles title/abstract over every study and full text over the studies that reached it. The workflow (`slrflow
decisions`), the app and the audit all call these two, so a study has one status wherever it is shown.
slrflow.screening.outputs writes them as the tables of results/screening/.
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
from slrflow.screening.reattach import KEYS_FILE, Matcher, Reattached, read_record_keys, reattach
from slrflow.tables import read_table

__all__ = [
    "STUDY_STATUSES",
    "TO_FULL_TEXT",
    "ReviewState",
    "Settlement",
    "StudyStatus",
    "decisions_by_study",
    "decisions_needed",
    "reached_full_text",
    "reasons_by_stage",
    "resettle_full_text",
    "resettle_study",
    "settle",
    "settle_review",
    "study_status",
]

# Every status settle gives a study at one stage (the status column of results/screening/*.csv, DATAFLOW.md).
STUDY_STATUSES = frozenset({"include", "exclude", "maybe", "conflict", "pending"})
# Studies that go on to full text: uncertainty at title/abstract is settled by reading the paper.
TO_FULL_TEXT = frozenset({"include", "maybe"})


@dataclass
class StudyStatus:
    """Where one study (a dedup cluster) stands at one stage."""

    record_id: str
    status: str  # one of STUDY_STATUSES
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

    def stage(self, stage: str) -> Settlement:
        """The settlement of `stage` (title_abstract or full_text)."""
        return self.title_abstract if stage == "title_abstract" else self.full_text


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
        entry, disagreed = _entry(study, by_study.get(study), settled_by.get(study), needed, maybe_is_conflict)
        if disagreed:
            conflicts.append(entry)
        result[study] = entry
    orphans.sort(key=lambda d: (d.source, d.line))
    return Settlement(stage, result, conflicts, orphans)


def resettle_study(
    settlement: Settlement,
    study: str,
    decisions: Mapping[str, Decision],
    *,
    mode: str = "single",
    maybe_is_conflict: bool = False,
) -> StudyStatus:
    """Settle one study of `settlement` again, in place, after its reviewers' current decisions changed.

    The app calls this after it appended a line and read it back, instead of settling every study again.
    """
    previous = settlement.studies[study]
    entry, disagreed = _entry(study, decisions, previous.resolution, decisions_needed(mode), maybe_is_conflict)
    settlement.studies[study] = entry
    conflicts = [c for c in settlement.conflicts if c.record_id != study]
    if disagreed:
        conflicts.append(entry)
    settlement.conflicts = sorted(conflicts, key=lambda c: c.record_id)
    return entry


def _entry(
    study: str,
    held: Mapping[str, Decision] | None,
    resolution: Decision | None,
    needed: int,
    maybe_is_conflict: bool,
) -> tuple[StudyStatus, bool]:
    """The study's status, and whether its reviewers disagree (a conflict, listed even once resolved)."""
    if held:
        current = dict(sorted(held.items()))
        status, reason = study_status(current.values(), needed=needed, maybe_is_conflict=maybe_is_conflict)
    else:  # most studies, most of the time: nobody has decided them yet
        current, status, reason = {}, "pending", ""
    entry = StudyStatus(study, status, current, resolution, reason)
    if resolution is not None:
        entry.status, entry.reason = resolution.decision, resolution.reason
    return entry, status == "conflict"


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
    full_text = settle(logs["full_text"], stage="full_text", studies=reached_full_text(title_abstract), **common)
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


def reached_full_text(title_abstract: Settlement) -> list[str]:
    """The studies that go on to full text: included, or uncertain (maybe), at title/abstract."""
    return [study for study, entry in title_abstract.studies.items() if entry.status in TO_FULL_TEXT]


def resettle_full_text(
    config: Mapping[str, Any], state: ReviewState, *, screening: str | Path, study_of: Mapping[str, str]
) -> None:
    """Settle full text again, in place, after a study joined or left it at title/abstract; reads only the
    full-text logs and resolutions (the app calls this instead of settling every study again)."""
    screening = Path(screening)
    options = config["screening"]
    reasons = reasons_by_stage(config)
    logs = read_logs(
        screening / "full_text", stage="full_text", reviewers=options["reviewers"], reasons=reasons["full_text"]
    )
    state.full_text = settle(
        logs,
        stage="full_text",
        study_of={**study_of, **{r.decision.record_id: r.study for r in state.reattached}},
        studies=reached_full_text(state.title_abstract),
        mode=options.get("mode", "single"),
        maybe_is_conflict=options.get("maybe_is_conflict", False),
        resolutions=read_resolutions(screening / "resolutions.csv", reasons_by_stage=reasons),
    )
