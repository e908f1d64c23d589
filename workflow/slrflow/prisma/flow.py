"""count_prisma: the PRISMA 2020 counts from the stage tables, phase by phase, with the records behind every box.

A report (one dedup cluster) flows down the left column (databases and registers) when any of its records came
from a search or a register, otherwise down the other-methods column. Only what happened is counted; what is
still pending is counted apart, never hidden and never called excluded or not retrieved:

- identification: one record per import row, in the box of its source's kind; duplicates are the rows of a
  cluster beyond the one kept (other-methods rows of a left-column cluster are duplicates in the other column).
- screening (title/abstract): include and maybe are screened and sought; exclude is screened and excluded by a
  human; pending is excluded by the stopping rule when config `stopping.apply` is true and stopping.json says
  stop, otherwise it awaits screening, as do unresolved conflicts: screened = excluded + sought.
- retrieval: a sought report with a full-text decision, or a matched PDF a person can read (status `ok` or
  `no_text`, a scan), is retrieved; one whose matched PDFs all failed (`encrypted`, `unreadable`) is not
  retrieved; one with no PDF yet is awaiting retrieval, until config `fulltext.retrieval_complete` says the
  search for full texts is over: then it is not retrieved.
- eligibility: a retrieved report with a settled full-text decision is assessed (included, or excluded with its
  reason); pending, maybe and conflict await a full-text decision.
- inclusion: included reports count as reports; the studies they belong to (results/dedup/studies.csv) as
  studies, so new_studies <= new_reports.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from slrflow.errors import ConfigError, InputFileError
from slrflow.prisma import boxes as B
from slrflow.prisma import stage_tables as tables
from slrflow.prisma.boxes import COLUMN_KEYS, COLUMNS
from slrflow.prisma.counts import Member, Pairs, PrismaCounts, PrismaResult
from slrflow.prisma.inputs import PrismaInputs
from slrflow.prisma.sources import SourceMap, source_map
from slrflow.tables import split_list

__all__ = ["NO_REASON", "RETRIEVED_PDF_STATUSES", "count_prisma"]

NO_REASON = "Reason not stated"
# PDF statuses (slrflow fulltext) of a report a person can read; the other known statuses mean retrieval failed.
RETRIEVED_PDF_STATUSES = frozenset({"ok", "no_text"})
FAILED_PDF_STATUSES = frozenset({"encrypted", "unreadable"})
AWAITING_DECISION = {
    "pending": "full text retrieved, not yet assessed",
    "conflict": "reviewers disagree, not yet resolved",
    "maybe": "marked maybe at full text",
}


@dataclass
class _Tally:
    """The counts so far and the members behind them."""

    n: Counter[str] = field(default_factory=Counter)
    members: list[Member] = field(default_factory=list)

    def add(self, key: str, member: Member | None = None) -> None:
        self.n[key] += 1
        if member is not None:
            self.members.append(member)


@dataclass
class _Reports:
    """What identification learns about the reports: their rows, columns and where their records point."""

    rows: dict[str, dict[str, str]]
    column: dict[str, str]
    report_of: dict[str, str]  # any record id (import or cluster member) -> its report
    study: dict[str, str]  # report id -> the study it belongs to
    per_label: Counter[str]

    def ids(self, column: str) -> list[str]:
        return [report_id for report_id in self.rows if self.column[report_id] == column]

    def member(self, box: str, report_id: str, reason: str = "") -> Member:
        row = self.rows[report_id]
        return Member(
            box=box,
            record_id=report_id,
            report_id=report_id,
            study_id=self.study[report_id],
            database=row.get("databases", ""),
            reason=reason,
            title=row.get("title", ""),
        )


def count_prisma(inputs: PrismaInputs, config: Mapping[str, Any]) -> PrismaResult:
    """Count every PRISMA box from the stage tables; raise InputFileError when the tables disagree."""
    sources = source_map(config)
    stop = bool((config.get("stopping") or {}).get("apply", False)) and inputs.stop
    tally = _Tally()
    reports = _identification(inputs, sources, tally)
    sought = _screening(inputs, reports, stop, tally)
    full_text = tables.statuses(inputs, "full_text", reports.rows)
    closed = bool((config.get("fulltext") or {}).get("retrieval_complete", False))
    retrieved = _retrieval(inputs, reports, sought, full_text, closed, tally)
    included, excluded = _eligibility(reports, retrieved, full_text, tally)
    studies = _inclusion(reports, included, tally)
    return PrismaResult(_counts(config, sources, tally, reports, excluded, studies, stop), tally.members)


def _identification(inputs: PrismaInputs, sources: SourceMap, tally: _Tally) -> _Reports:
    rows = tables.import_rows(inputs, sources)
    cluster_of = tables.clusters(inputs, rows)
    report_rows = tables.reports(inputs, set(cluster_of.values()))
    study = tables.study_of(inputs, report_rows)
    by_report: dict[str, list[tables.ImportRow]] = defaultdict(list)
    per_label: Counter[str] = Counter()
    report_of: dict[str, str] = {}
    for row, source in rows:
        report_id = cluster_of[tables.row_key(row)]
        by_report[report_id].append((row, source))
        report_of.setdefault(row["record_id"], report_id)
        per_label[source.label] += 1
        tally.add(source.node, _row_member(source.node, row, report_id, study[report_id]))
    column: dict[str, str] = {}
    for report_id in report_rows:
        report_rows_here = by_report[report_id]
        column[report_id] = "dbr" if any(source.column == "dbr" for _, source in report_rows_here) else "other"
        kept = _kept_row(report_rows_here, column[report_id])
        for row, source in report_rows_here:
            if row is kept:
                continue
            if source.column == "dbr":
                member = _row_member(B.DUPLICATES, row, report_id, study[report_id], "duplicate record")
                tally.add(B.DUPLICATES, member)
            else:
                reason = (
                    "also identified via databases or registers"
                    if column[report_id] == "dbr"
                    else "duplicate of another record from other methods"
                )
                member = _row_member(B.OTHER_DUPLICATES, row, report_id, study[report_id], reason)
                tally.add(B.OTHER_DUPLICATES, member)
    for report_id, row in report_rows.items():
        for member_id in split_list(row.get("member_ids")):
            report_of.setdefault(member_id, report_id)
    return _Reports(report_rows, column, report_of, study, per_label)


def _screening(inputs: PrismaInputs, reports: _Reports, stop: bool, tally: _Tally) -> dict[str, list[str]]:
    """Title/abstract screening; returns each column's reports sought for retrieval."""
    decided = tables.statuses(inputs, "title_abstract", reports.rows)
    sought: dict[str, list[str]] = {column: [] for column in COLUMNS}
    for report_id in reports.rows:
        column = reports.column[report_id]
        keys = COLUMN_KEYS[column]
        status, reason = decided.get(report_id, ("pending", ""))
        if status in {"include", "maybe"}:
            sought[column].append(report_id)
        elif status == "exclude":
            tally.add(keys.excluded_human, reports.member(keys.excluded_box, report_id, _by("a human", reason)))
        elif status == "pending" and stop:
            tally.add(keys.excluded_stopping, reports.member(keys.excluded_box, report_id, "by the stopping rule"))
        else:
            if status == "conflict":
                why, key = "reviewers disagree, not yet resolved", B.RECORDS_AWAITING_CONFLICT
            elif report_id in decided:
                why, key = "not yet screened", B.RECORDS_AWAITING_UNSCREENED
            else:
                why, key = "not in the title/abstract decisions table", B.RECORDS_AWAITING_UNSCREENED
            tally.add(keys.awaiting_screening, reports.member(keys.awaiting_screening, report_id, why))
            if column == "dbr":
                tally.n[key] += 1
            continue
        if column == "dbr":
            tally.add(B.RECORDS_SCREENED, reports.member(B.RECORDS_SCREENED, report_id))
    tally.n[B.RECORDS_EXCLUDED] = tally.n[B.RECORDS_EXCLUDED_HUMAN] + tally.n[B.RECORDS_EXCLUDED_STOPPING]
    return sought


def _retrieval(
    inputs: PrismaInputs,
    reports: _Reports,
    sought: dict[str, list[str]],
    full_text: Mapping[str, tuple[str, str]],
    closed: bool,
    tally: _Tally,
) -> dict[str, list[str]]:
    """Reports sought for retrieval; returns each column's retrieved reports. `closed`: the search for full texts
    is over (config `fulltext.retrieval_complete`), so a report with no PDF yet is not retrieved."""
    sent = {report_id for ids in sought.values() for report_id in ids}
    stray = sorted(set(full_text) - sent)
    if stray:
        raise InputFileError(
            f"lists {len(stray)} studies that title/abstract screening did not send to full text "
            f"(first: {stray[0]}); re-run `slrflow decisions` so both stages agree",
            path=inputs.path("full_text"),
        )
    pdfs = tables.pdfs_by_report(inputs, reports.report_of)
    retrieved: dict[str, list[str]] = {column: [] for column in COLUMNS}
    for column in COLUMNS:
        keys = COLUMN_KEYS[column]
        for report_id in sought[column]:
            tally.add(keys.sought, reports.member(keys.sought, report_id))
            statuses = {status for _, status in pdfs.get(report_id, [])}
            decided = full_text.get(report_id, ("pending", ""))[0] != "pending"
            if decided or statuses & RETRIEVED_PDF_STATUSES:
                retrieved[column].append(report_id)
            elif (statuses and statuses <= FAILED_PDF_STATUSES) or (closed and not statuses):
                why = "; ".join(f"PDF {pdf}: {status}" for pdf, status in pdfs.get(report_id, [])) or (
                    "no PDF found before retrieval was closed"
                )
                tally.add(keys.notretrieved, reports.member(keys.notretrieved, report_id, why))
            else:
                why = (
                    "; ".join(f"PDF {pdf}: {status or 'not processed yet'}" for pdf, status in pdfs[report_id])
                    if report_id in pdfs
                    else "no PDF yet"
                )
                tally.add(
                    keys.awaiting_retrieval, reports.member(keys.awaiting, report_id, f"awaiting retrieval: {why}")
                )
    return retrieved


def _eligibility(
    reports: _Reports, retrieved: dict[str, list[str]], full_text: Mapping[str, tuple[str, str]], tally: _Tally
) -> tuple[list[str], dict[str, Counter[str]]]:
    """Full-text assessment; returns the included reports and each column's exclusion reasons."""
    included: list[str] = []
    excluded: dict[str, Counter[str]] = {column: Counter() for column in COLUMNS}
    for column in COLUMNS:
        keys = COLUMN_KEYS[column]
        for report_id in retrieved[column]:
            status, reason = full_text.get(report_id, ("pending", ""))
            if status == "include":
                tally.add(keys.assessed, reports.member(keys.assessed, report_id))
                tally.n[keys.included_reports] += 1
                included.append(report_id)
            elif status == "exclude":
                label = reason.strip() or NO_REASON
                tally.add(keys.assessed, reports.member(keys.assessed, report_id))
                excluded[column][label] += 1
                tally.members.append(reports.member(keys.excluded, report_id, label))
            else:
                why = f"awaiting a full-text decision: {AWAITING_DECISION[status]}"
                tally.add(keys.awaiting_decision, reports.member(keys.awaiting, report_id, why))
        tally.n[keys.awaiting] = tally.n[keys.awaiting_retrieval] + tally.n[keys.awaiting_decision]
    return included, excluded


def _inclusion(reports: _Reports, included: list[str], tally: _Tally) -> set[str]:
    """Included reports and the studies they report; returns the studies."""
    study = reports.study
    studies: set[str] = set()
    for report_id in included:
        tally.add(B.NEW_REPORTS, reports.member(B.NEW_REPORTS, report_id))
        if study[report_id] not in studies:
            studies.add(study[report_id])
            linked = [other for other in included if study[other] == study[report_id]]
            tally.members.append(
                Member(
                    box=B.NEW_STUDIES,
                    record_id=study[report_id],
                    report_id="; ".join(linked),
                    study_id=study[report_id],
                    database=reports.rows[report_id].get("databases", ""),
                    reason=f"{len(linked)} included report(s)",
                    title=reports.rows.get(study[report_id], reports.rows[report_id]).get("title", ""),
                )
            )
    return studies


def _counts(
    config: Mapping[str, Any],
    sources: SourceMap,
    tally: _Tally,
    reports: _Reports,
    excluded: dict[str, Counter[str]],
    studies: set[str],
    stop: bool,
) -> PrismaCounts:
    previous = config.get("previous_review") or {}
    if previous and not all(isinstance(previous.get(key), int) for key in ("studies", "reports")):
        raise ConfigError("config: previous_review: needs whole numbers `studies` and `reports`")
    n = tally.n
    order = _reason_order(config)
    new_reports = n[B.DBR_INCLUDED_REPORTS] + n[B.OTHER_INCLUDED_REPORTS]
    other_kinds = ("websites", "organisations", "citations")
    return PrismaCounts(
        previous_studies=int(previous.get("studies", 0)),
        previous_reports=int(previous.get("reports", 0)),
        database_results=n[B.DATABASE_RESULTS],
        database_specific_results=_per_label(sources, "databases", reports.per_label),
        register_results=n[B.REGISTER_RESULTS],
        register_specific_results=_per_label(sources, "registers", reports.per_label),
        website_results=n[B.WEBSITE_RESULTS],
        organisation_results=n[B.ORGANISATION_RESULTS],
        citations_results=n[B.CITATIONS_RESULTS],
        duplicates=n[B.DUPLICATES],
        records_screened=n[B.RECORDS_SCREENED],
        records_excluded=n[B.RECORDS_EXCLUDED],
        dbr_sought_reports=n[B.DBR_SOUGHT_REPORTS],
        dbr_notretrieved_reports=n[B.DBR_NOTRETRIEVED_REPORTS],
        other_sought_reports=n[B.OTHER_SOUGHT_REPORTS],
        other_notretrieved_reports=n[B.OTHER_NOTRETRIEVED_REPORTS],
        dbr_assessed=n[B.DBR_ASSESSED],
        dbr_excluded=_ordered(excluded["dbr"], order),
        other_assessed=n[B.OTHER_ASSESSED],
        other_excluded=_ordered(excluded["other"], order),
        new_studies=len(studies),
        new_reports=new_reports,
        total_studies=int(previous.get("studies", 0)) + len(studies),
        total_reports=int(previous.get("reports", 0)) + new_reports,
        previous_review=bool(previous),
        other_methods=sources.has_other_methods,
        stopping_applied=stop,
        other_specific_results=tuple(
            pair for kind in other_kinds for pair in _per_label(sources, kind, reports.per_label)
        ),
        records_excluded_human=n[B.RECORDS_EXCLUDED_HUMAN],
        records_excluded_stopping=n[B.RECORDS_EXCLUDED_STOPPING],
        records_awaiting=n[B.RECORDS_AWAITING],
        records_awaiting_unscreened=n[B.RECORDS_AWAITING_UNSCREENED],
        records_awaiting_conflict=n[B.RECORDS_AWAITING_CONFLICT],
        dbr_awaiting=n[B.DBR_AWAITING],
        dbr_awaiting_retrieval=n[B.DBR_AWAITING_RETRIEVAL],
        dbr_awaiting_decision=n[B.DBR_AWAITING_DECISION],
        dbr_included_reports=n[B.DBR_INCLUDED_REPORTS],
        other_duplicates=n[B.OTHER_DUPLICATES],
        other_screening_excluded_human=n[B.OTHER_SCREENING_EXCLUDED_HUMAN],
        other_screening_excluded_stopping=n[B.OTHER_SCREENING_EXCLUDED_STOPPING],
        other_screening_awaiting=n[B.OTHER_SCREENING_AWAITING],
        other_awaiting=n[B.OTHER_AWAITING],
        other_awaiting_retrieval=n[B.OTHER_AWAITING_RETRIEVAL],
        other_awaiting_decision=n[B.OTHER_AWAITING_DECISION],
        other_included_reports=n[B.OTHER_INCLUDED_REPORTS],
    )


def _kept_row(rows: list[tables.ImportRow], column: str) -> dict[str, str] | None:
    """The row a cluster keeps in its column: the representative if it is from that column, else the first."""
    candidates = [row for row, source in rows if source.column == column]
    for row in candidates:
        if row.get("is_representative", "").strip().lower() in {"true", "1", "yes"}:
            return row
    return candidates[0] if candidates else None


def _per_label(sources: SourceMap, kind: str, per_label: Counter[str]) -> Pairs:
    return tuple((label, per_label[label]) for label in sources.labels(kind))


def _reason_order(config: Mapping[str, Any]) -> list[str]:
    reasons = (config.get("screening") or {}).get("full_text_reasons") or []
    return [str(reason).strip() for reason in reasons]


def _ordered(counter: Counter[str], order: list[str]) -> Pairs:
    """Configured reasons first, in config order; others after, most frequent first, then alphabetical."""
    known = [(reason, counter[reason]) for reason in order if counter[reason]]
    rest = sorted(((r, c) for r, c in counter.items() if r not in order), key=lambda pair: (-pair[1], pair[0]))
    return tuple(known + rest)


def _by(who: str, reason: str) -> str:
    return f"by {who}: {reason.strip()}" if reason.strip() else f"by {who}"


def _row_member(box: str, row: Mapping[str, str], report_id: str, study_id: str, reason: str = "") -> Member:
    return Member(
        box=box,
        record_id=row["record_id"],
        report_id=report_id,
        study_id=study_id,
        database=row["database"],
        source_file=row["source_file"],
        source_position=row["source_position"],
        reason=reason,
        title=row.get("title", ""),
    )
