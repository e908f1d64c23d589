"""Gather what a supervisor audits from screening/ and results/, and write it as tables beside the HTML page.

Decisions are settled afresh from screening/ with the same code as `slrflow decisions` (so the per-reviewer
detail is at hand); everything else is read from what the other stages wrote. A missing optional input (no
ranking yet, no PRISMA yet) leaves its section empty and is named in `missing`, never an error.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slrflow.audit.activity import ACTIVITY_COLUMNS, ReviewerActivity, reviewer_activity
from slrflow.audit.agreement import PairAgreement, pairwise_agreement
from slrflow.audit.disagreements import model_disagreements
from slrflow.audit.history import RoundComparison, compare_rounds
from slrflow.audit.stopping import StoppingSummary, summarise_stopping
from slrflow.audit.studies import StudyLink, read_study_links
from slrflow.errors import InputFileError
from slrflow.layout import ResultsLayout
from slrflow.screening.decisions import STAGES, Change, Decision, read_logs
from slrflow.screening.reattach import Matcher
from slrflow.screening.state import ReviewState, settle_review
from slrflow.tables import atomic_open, read_table, write_table

__all__ = [
    "AGREEMENT_COLUMNS",
    "AUDIT_CONFLICT_COLUMNS",
    "DISAGREEMENT_COLUMNS",
    "NEW_RECORD_COLUMNS",
    "AuditReport",
    "build_audit",
    "write_audit_tables",
]

AGREEMENT_COLUMNS = ("stage", "reviewer_a", "reviewer_b", "both_decided", "agreed", "agreement", "kappa")
# results/audit/conflicts.csv: every conflict with its title and resolution, for the supervisor (the workflow's
# results/screening/conflicts.csv, screening.outputs.CONFLICT_COLUMNS, lists them per reviewer).
AUDIT_CONFLICT_COLUMNS = (
    "stage",
    "record_id",
    "title",
    "decisions",
    "resolution",
    "reason",
    "resolved_by",
    "resolved_at",
)
DISAGREEMENT_COLUMNS = ("kind", "record_id", "title", "score", "surprise", "rank", "ranked", "status", "decisions")
NEW_RECORD_COLUMNS = ("record_id", "study_id", "title", "database", "source_file", "joins", "study_status")


@dataclass
class AuditReport:
    title: str
    mode: str
    reviewers: list[str]
    n_records: int
    n_studies: int
    status_counts: dict[str, dict[str, int]]
    activity: dict[str, list[ReviewerActivity]]
    agreement: dict[str, list[PairAgreement]]
    conflicts: list[dict[str, str]]
    model_disagreements: list[dict[str, object]]
    stopping: dict[str, Any] | None
    stopping_summary: StoppingSummary | None
    changes: list[Change]
    orphans: list[Decision]
    prisma_counts: dict[str, Any] | None
    prisma_boxes: list[dict[str, str]] | None
    comparison: RoundComparison
    new_records: list[dict[str, str]]
    titles: dict[str, str]
    study_links: list[StudyLink] | None = None  # None: deduplication wrote no results/dedup/studies.csv
    missing: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The headline numbers, as written to summary.json."""
        return {
            "review": self.title,
            "mode": self.mode,
            "records": self.n_records,
            "studies": self.n_studies,
            "status": self.status_counts,
            "agreement": [_agreement_row(pair) for pairs in self.agreement.values() for pair in pairs],
            "conflicts": len(self.conflicts),
            "conflicts_unresolved": sum(1 for c in self.conflicts if not c["resolution"]),
            "changed_decisions": len(self.changes),
            "orphaned_decisions": len(self.orphans),
            "round": self.comparison.round,
            "previous_round": self.comparison.previous_round,
            "new_records": len(self.comparison.new_records) if self.comparison.has_previous else None,
            "new_studies": len({r["study_id"] for r in self.new_records if r["joins"] == "new study"})
            if self.comparison.has_previous
            else None,
            "gone_records": len(self.comparison.gone_records) if self.comparison.has_previous else None,
            "stopping": self.stopping,
            "missing_inputs": self.missing,
        }


def build_audit(
    config: Mapping[str, Any],
    *,
    results: str | Path,
    screening: str | Path,
    top: int = 20,
) -> AuditReport:
    """Collect the audit of a review."""
    layout, screening = ResultsLayout(Path(results)), Path(screening)
    clusters_path = layout.clusters
    if not clusters_path.exists():
        raise InputFileError(
            "not found; run deduplication first (the audit needs to know the studies)", path=clusters_path
        )
    clusters = read_table(clusters_path)
    study_of = {row["record_id"]: row["cluster_id"] for row in clusters}
    missing: list[str] = []
    records_path = layout.dedup_records
    matcher = Matcher(read_table(records_path), study_of) if records_path.exists() else None
    state = settle_review(config, study_of=study_of, screening=screening, matcher=matcher)
    options = config["screening"]
    reviewers = list(options["reviewers"])
    logs = {stage: read_logs(screening / stage, stage=stage, reviewers=reviewers, reasons=None) for stage in STAGES}
    titles = _titles(layout, missing)
    record_rows = {row["record_id"]: row for row in clusters}
    settlements = {"title_abstract": state.title_abstract, "full_text": state.full_text}

    stopping = _json(layout.stopping, missing)
    studies_path = layout.studies
    decided = {decision.record_id for stage_logs in logs.values() for decision in stage_logs}
    comparison = compare_rounds(config, clusters, study_of, decided=decided)

    return AuditReport(
        title=config["review"]["title"],
        mode=options.get("mode", "single"),
        reviewers=reviewers,
        n_records=len(study_of),
        n_studies=len(set(study_of.values())),
        status_counts={
            stage: dict(Counter(s.status for s in settlement.studies.values()).most_common())
            for stage, settlement in settlements.items()
        },
        activity={
            stage: reviewer_activity(logs[stage], settlement, reviewers) for stage, settlement in settlements.items()
        },
        agreement={stage: pairwise_agreement(settlement) for stage, settlement in settlements.items()},
        conflicts=_conflicts(state, titles),
        model_disagreements=_model_disagreements(layout, state, titles, top, missing),
        stopping=stopping,
        stopping_summary=summarise_stopping(stopping, state.title_abstract),
        changes=state.changes,
        orphans=state.title_abstract.orphans + state.full_text.orphans,
        prisma_counts=_json(layout.prisma_counts, missing),
        prisma_boxes=_prisma_boxes(layout, titles, missing),
        comparison=comparison,
        new_records=_new_records(comparison, record_rows, study_of, state, titles),
        titles=titles,
        study_links=read_study_links(studies_path, titles) if studies_path.exists() else None,
        missing=missing,
    )


def write_audit_tables(report: AuditReport, outdir: str | Path) -> dict[str, Path]:
    """Write the data behind the page: summary.json and one CSV per section; returns the paths by name."""
    outdir = Path(outdir)
    paths = {
        "reviewers": outdir / "reviewers.csv",
        "agreement": outdir / "agreement.csv",
        "conflicts": outdir / "conflicts.csv",
        "model_disagreements": outdir / "model_disagreements.csv",
        "new_records": outdir / "new_records.csv",
        "summary": outdir / "summary.json",
    }
    write_table(paths["reviewers"], (a.row() for acts in report.activity.values() for a in acts), ACTIVITY_COLUMNS)
    write_table(
        paths["agreement"],
        (_agreement_row(pair) for pairs in report.agreement.values() for pair in pairs),
        AGREEMENT_COLUMNS,
    )
    write_table(paths["conflicts"], report.conflicts, AUDIT_CONFLICT_COLUMNS)
    write_table(paths["model_disagreements"], report.model_disagreements, DISAGREEMENT_COLUMNS)
    write_table(paths["new_records"], report.new_records, NEW_RECORD_COLUMNS)
    with atomic_open(paths["summary"]) as handle:
        json.dump(report.summary(), handle, indent=2, ensure_ascii=False, default=str)
        handle.write("\n")
    return paths


def _agreement_row(pair: PairAgreement) -> dict[str, object]:
    return {
        "stage": pair.stage,
        "reviewer_a": pair.reviewer_a,
        "reviewer_b": pair.reviewer_b,
        "both_decided": pair.n_both,
        "agreed": pair.n_agree,
        "agreement": _round(pair.agreement),
        "kappa": _round(pair.kappa),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _titles(layout: ResultsLayout, missing: list[str]) -> dict[str, str]:
    """Titles by record_id: every imported record's, then each study's merged title over its id."""
    titles: dict[str, str] = {}
    for path in (layout.import_records, layout.dedup_records):
        if path.exists():
            titles.update({row["record_id"]: row.get("title", "") for row in read_table(path)})
        else:
            missing.append(str(path))
    return titles


def _json(path: Path, missing: list[str]) -> dict[str, Any] | None:
    if not path.exists():
        missing.append(str(path))
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise InputFileError(f"not valid JSON ({error})", path=path) from error
    return data if isinstance(data, dict) else {"value": data}


def _decisions_text(decisions: Mapping[str, Decision]) -> str:
    return "; ".join(f"{who}: {d.decision}" + (f" ({d.reason})" if d.reason else "") for who, d in decisions.items())


def _conflicts(state: ReviewState, titles: Mapping[str, str]) -> list[dict[str, str]]:
    rows = []
    for settlement in (state.title_abstract, state.full_text):
        for study in settlement.conflicts:
            resolution = study.resolution
            rows.append(
                {
                    "stage": settlement.stage,
                    "record_id": study.record_id,
                    "title": titles.get(study.record_id, ""),
                    "decisions": _decisions_text(study.decisions),
                    "resolution": resolution.decision if resolution else "",
                    "reason": resolution.reason if resolution else "",
                    "resolved_by": resolution.reviewer if resolution else "",
                    "resolved_at": resolution.timestamp.isoformat() if resolution else "",
                }
            )
    return rows


def _model_disagreements(
    layout: ResultsLayout, state: ReviewState, titles: Mapping[str, str], top: int, missing: list[str]
) -> list[dict[str, object]]:
    """Settled exclusions the model ranks in its top tier and inclusions in its bottom tier (see disagreements)."""
    path = layout.ranking
    if not path.exists():
        missing.append(str(path))
        return []
    scores: dict[str, float] = {}
    ranks: dict[str, str] = {}
    for row in read_table(path):
        try:
            score = float(row["score"])
        except (KeyError, ValueError):
            continue
        if math.isfinite(score):
            scores[row["record_id"]] = score
            ranks[row["record_id"]] = row.get("rank", "")
    studies = state.title_abstract.studies
    statuses = {rid: study.status for rid, study in studies.items()}
    return [
        {
            "kind": found.kind,
            "record_id": found.record_id,
            "title": titles.get(found.record_id, ""),
            "score": round(found.score, 4),
            "surprise": round(found.surprise, 4),
            "rank": ranks[found.record_id],
            "ranked": len(scores),
            "status": statuses[found.record_id],
            "decisions": _decisions_text(studies[found.record_id].decisions),
        }
        for found in model_disagreements(scores, statuses, top)
    ]


def _prisma_boxes(layout: ResultsLayout, titles: Mapping[str, str], missing: list[str]) -> list[dict[str, str]] | None:
    path = layout.records_by_box
    if not path.exists():
        missing.append(str(path))
        return None
    rows = read_table(path)
    for row in rows:
        if not row.get("title"):
            row["title"] = titles.get(row.get("record_id", ""), "") or titles.get(row.get("study_id", ""), "")
    return rows


def _new_records(
    comparison: RoundComparison,
    records: Mapping[str, Mapping[str, str]],
    study_of: Mapping[str, str],
    state: ReviewState,
    titles: Mapping[str, str],
) -> list[dict[str, str]]:
    """Each record new in this round: whether it starts a new study or joins (and inherits) an earlier one."""
    new = set(comparison.new_records)
    members: dict[str, list[str]] = {}
    for rid, study in study_of.items():
        members.setdefault(study, []).append(rid)
    rows = []
    for rid in comparison.new_records:
        study = study_of[rid]
        earlier = [m for m in members[study] if m not in new]
        status = state.title_abstract.studies[study].status if study in state.title_abstract.studies else ""
        rows.append(
            {
                "record_id": rid,
                "study_id": study,
                "title": titles.get(rid) or titles.get(study, ""),
                "database": records[rid].get("database", ""),
                "source_file": records[rid].get("source_file", ""),
                "joins": f"earlier study ({len(earlier)} earlier record(s))" if earlier else "new study",
                "study_status": status,
            }
        )
    return rows
