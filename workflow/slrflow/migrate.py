"""Bring an in-progress review in: another tool's screening labels become one reviewer's decision log.

`slrflow import` keeps the labels ASReview, Rayyan and Covidence export (slrflow.records.TOOL_FIELDS); screening/
is written only by reviewers, never by a rule, so turning those labels into decisions is a command the reviewer
runs on purpose: `slrflow migrate FILE --reviewer NAME [--stage title_abstract]`. Each decision is appended to
screening/<stage>/<NAME>.csv by the app's own writer (slrflow.app.logfile), with a note saying where it came
from ("migrated from rayyan: FILE, Emily"), which the audit shows with every decision. Running it twice adds
nothing: a record whose current decision in the log is already the migrated one is skipped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from slrflow.errors import InputFileError
from slrflow.layout import ResultsLayout
from slrflow.tables import read_table, split_list

__all__ = ["Migration", "migrate", "planned_decisions"]


@dataclass
class Migration:
    """What `migrate` wrote and what it left out, with why."""

    log: Path
    written: int = 0
    already: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> records


def planned_decisions(
    records: list[dict[str, object]], *, stage: str, source_reviewer: str | None, reasons: list[str]
) -> tuple[list[tuple[str, str, str, str]], Counter]:
    """(record_id, decision, reason, note-detail) per record that carries a label for `stage`, and why others
    were left out. Free-text reasons that are not one of the review's `reasons` go into the note."""
    planned: list[tuple[str, str, str, str]] = []
    skipped: Counter = Counter()
    known_reasons = {reason.casefold(): reason for reason in reasons}
    for record in records:
        tool = str(record.get("tool") or "")
        if not tool:
            skipped["no screening label"] += 1
            continue
        decision, who = _decision(record, stage=stage, source_reviewer=source_reviewer)
        if not decision:
            skipped[f"no {stage} decision in {tool}'s label"] += 1
            continue
        tool_reasons = split_list(str(record.get("tool_reason") or ""))
        reason = next((known_reasons[r.casefold()] for r in tool_reasons if r.casefold() in known_reasons), "")
        if decision != "exclude":
            reason = ""
        if decision == "exclude" and stage == "full_text" and not reason:
            skipped["full-text exclusion without one of the review's full_text_reasons"] += 1
            continue
        detail = ", ".join(
            part
            for part in (who, f"id {record.get('tool_id')}" if record.get("tool_id") else "", "; ".join(tool_reasons))
            if part
        )
        planned.append((str(record["record_id"]), decision, reason, detail))
    return planned, skipped


def _decision(record: dict[str, object], *, stage: str, source_reviewer: str | None) -> tuple[str, str]:
    tool = record.get("tool")
    value = str(record.get("tool_decision") or "")
    if tool == "covidence":
        # Covidence's list says how far the study got: a study in a full-text list passed title/abstract.
        list_stage, _, outcome = str(record.get("tool_stage") or "").partition(":")
        if stage == "title_abstract":
            if list_stage == "full_text":
                return "include", ""
            return ("exclude", "") if (list_stage, outcome) == ("title_abstract", "exclude") else ("", "")
        return (outcome, "") if list_stage == "full_text" and outcome in ("include", "exclude") else ("", "")
    tool_stage = str(record.get("tool_stage") or "title_abstract")
    if tool_stage != stage:
        return "", ""
    pairs = [item.partition("=") for item in split_list(value)]
    by_reviewer = {name: decision for name, sep, decision in pairs if sep}
    if not by_reviewer:
        return value, ""
    if source_reviewer is None:
        if len(set(by_reviewer)) > 1:
            raise InputFileError(
                f"the file holds the decisions of several {tool} reviewers ({', '.join(sorted(by_reviewer))}); "
                "say whose to migrate with --from NAME"
            )
        source_reviewer = next(iter(by_reviewer))
    return by_reviewer.get(source_reviewer, ""), source_reviewer if source_reviewer in by_reviewer else ""


def migrate(
    path: str | Path,
    *,
    reviewer: str,
    stage: str = "title_abstract",
    directory: str | Path = ".",
    source_reviewer: str | None = None,
    now: datetime | None = None,
) -> Migration:
    """Append the labels in the export at `path` to `directory`/screening/<stage>/<reviewer>.csv."""
    from slrflow.app.logfile import append_line
    from slrflow.config import load_config
    from slrflow.importers import load
    from slrflow.records import as_table_row
    from slrflow.screening.decisions import LOG_COLUMNS, STAGES, current_decisions, format_line, read_log
    from slrflow.screening.reattach import KEY_COLUMNS, KEYS_FILE, format_key_line, read_record_keys

    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; known: {', '.join(STAGES)}")
    root = Path(directory)
    config_path = root / "config/config.yaml"
    options = load_config(config_path).get("screening", {}) if config_path.is_file() else {}
    reviewers = options.get("reviewers")
    if reviewers and reviewer not in reviewers:
        raise InputFileError(
            f"reviewer {reviewer!r} is not in screening.reviewers ({', '.join(reviewers)}); add them there first",
            path=config_path,
        )
    result = load(path)
    if not any(record["tool"] for record in result.records):
        raise InputFileError(
            f"no screening labels found in this {result.format} file (ASReview's included/label_included column, "
            "Rayyan's RAYYAN-INCLUSION notes, Covidence's 'Covidence #' column or an ASReview project)",
            path=path,
        )
    planned, skipped = planned_decisions(
        result.records, stage=stage, source_reviewer=source_reviewer, reasons=options.get(f"{stage}_reasons", [])
    )
    known = _review_record_ids(root)
    log = root / "screening" / stage / f"{reviewer}.csv"
    migration = Migration(log, skipped=skipped)
    current = (
        {rid: d.decision for (_, rid), d in current_decisions(read_log(log, stage=stage)).items()}
        if (log.is_file())
        else {}
    )
    timestamp = now or datetime.now(UTC).replace(microsecond=0)
    tool = next(str(r["tool"]) for r in result.records if r["tool"])
    # Each decided record's bibliographic key, as the app keeps it, so the decision can follow its report.
    by_id = {str(record["record_id"]): record for record in result.records}
    keys_path = root / "screening" / KEYS_FILE
    kept = set(read_record_keys(keys_path))
    for record_id, decision, reason, detail in planned:
        if known is not None and record_id not in known:
            migration.skipped["record not in the review's imported records (results/import/records.csv)"] += 1
            continue
        if current.get(record_id) == decision:
            migration.already += 1
            continue
        note = f"migrated from {tool}: {Path(path).name}" + (f" ({detail})" if detail else "")
        if record_id not in kept:
            append_line(keys_path, format_key_line(as_table_row(by_id[record_id])), header=KEY_COLUMNS)
            kept.add(record_id)
        append_line(log, format_line(record_id, decision, reason, reviewer, timestamp, note), header=LOG_COLUMNS)
        current[record_id] = decision
        migration.written += 1
    return migration


def _review_record_ids(root: Path) -> set[str] | None:
    path = ResultsLayout.of_review(root).import_records
    return {row["record_id"] for row in read_table(path, required=("record_id",))} if path.is_file() else None
