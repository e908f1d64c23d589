"""The review's studies as the exports need them: the merged record, its status at each stage, the reviewers'
notes and the databases it came from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from slrflow.errors import InputFileError
from slrflow.layout import ResultsLayout
from slrflow.screening.decisions import current_decisions, read_logs
from slrflow.tables import read_table, split_list

__all__ = ["STATUSES", "ExportRecord", "load_review", "overall_status"]

# What `--status` selects: a study is included when included at full text, excluded when excluded at either
# stage, and pending otherwise (still to screen, in conflict, or awaiting its full-text decision).
STATUSES: tuple[str, ...] = ("all", "included", "excluded", "pending")
STAGE_NAMES = {"title_abstract": "title/abstract", "full_text": "full text"}
_SETTLED = ("title_abstract", "full_text")


@dataclass
class ExportRecord:
    """One study: `record` holds RECORD_FIELDS as table text (lists '; '-joined)."""

    record: dict[str, str]
    status: str  # included, excluded or pending
    stages: dict[str, tuple[str, str]] = field(default_factory=dict)  # stage -> (status, reason)
    notes: list[str] = field(default_factory=list)  # "asha (full text): the note"

    @property
    def record_id(self) -> str:
        return self.record["record_id"]

    def summary(self) -> str:
        """`slrflow: include (title/abstract), exclude: wrong population (full text)`."""
        parts = []
        for stage in _SETTLED:
            status, reason = self.stages.get(stage, ("", ""))
            if status:
                parts.append(f"{status}{': ' + reason if reason else ''} ({STAGE_NAMES[stage]})")
        return "slrflow: " + (", ".join(parts) if parts else "pending (title/abstract)")

    def title_abstract_label(self) -> int | None:
        """1 for a title/abstract include, 0 for an exclude, None while undecided (pending, maybe, conflict)."""
        status = self.stages.get("title_abstract", ("", ""))[0]
        return {"include": 1, "exclude": 0}.get(status)


def overall_status(stages: dict[str, tuple[str, str]]) -> str:
    title_abstract = stages.get("title_abstract", ("pending", ""))[0]
    full_text = stages.get("full_text", ("", ""))[0]
    if title_abstract == "exclude" or full_text == "exclude":
        return "excluded"
    if full_text == "include":
        return "included"
    return "pending"


def load_review(directory: str | Path = ".", *, status: str = "all") -> list[ExportRecord]:
    """The studies of the review in `directory` whose overall status is `status` (or all), in record_id order.

    Reads results/dedup/records.csv and clusters.csv, results/screening/title_abstract.csv and full_text.csv (the
    workflow's settled statuses; a stage not settled yet counts as pending) and the notes in screening/<stage>/.
    """
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; known: {', '.join(STATUSES)}")
    root = Path(directory)
    layout = ResultsLayout.of_review(root)
    records_path = layout.dedup_records
    if not records_path.is_file():
        raise InputFileError("not found; run the workflow (snakemake -c2) before exporting", path=records_path)
    records = read_table(records_path, required=("record_id", "title"))
    stages: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for stage in _SETTLED:
        path = layout.stage_statuses(stage)
        if path.is_file():
            for row in read_table(path, required=("record_id", "status")):
                stages[row["record_id"]][stage] = (row["status"], row.get("reason") or "")
    notes = _notes(root)
    chosen = []
    for row in sorted(records, key=lambda r: r["record_id"]):
        study = row["record_id"]
        entry = ExportRecord(row, overall_status(stages[study]), dict(stages[study]), notes.get(study, []))
        if status in ("all", entry.status):
            chosen.append(entry)
    return chosen


def _notes(root: Path) -> dict[str, list[str]]:
    """study -> "reviewer (stage): note" for every reviewer's current decision that has a note."""
    clusters_path = ResultsLayout.of_review(root).clusters
    if not clusters_path.is_file():
        return {}
    study_of = {row["record_id"]: row["cluster_id"] for row in read_table(clusters_path, required=("cluster_id",))}
    found: dict[str, list[str]] = defaultdict(list)
    for stage in _SETTLED:
        decisions = read_logs(root / "screening" / stage, stage=stage)
        for decision in sorted(current_decisions(decisions).values(), key=lambda d: (d.reviewer, d.record_id)):
            study = study_of.get(decision.record_id)
            if study and decision.note.strip():
                found[study].append(f"{decision.reviewer} ({STAGE_NAMES[stage]}): {decision.note.strip()}")
    return found


def databases(entry: ExportRecord) -> list[str]:
    return split_list(entry.record.get("databases") or entry.record.get("database") or "")
