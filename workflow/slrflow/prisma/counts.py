"""PRISMA 2020 counts from the stage tables, and the records behind every box.

How each study (a dedup cluster) flows, in the left column (databases and registers) when any of its records
came from a search or a register, otherwise in the other-methods column:

- identified: one record per import row, in the box of its source's kind; duplicates are the rows of a cluster
  beyond the one kept (other-methods rows of a left-column cluster are duplicates in the other column).
- title/abstract: include and maybe are sought for retrieval; exclude is excluded by a human; pending is
  excluded by the stopping rule when config `stopping.apply` is true and stopping.json says stop, otherwise it
  awaits screening, as do unresolved conflicts. Awaiting records are counted apart, never hidden: screened -
  excluded - awaiting = sought.
- full text: a sought study with no full-text decision and no matched PDF of status `ok` is not retrieved; the
  rest are assessed, and their full-text status makes them included, excluded (with reason) or awaiting.

One study is one report here: slrflow has no link between several reports of the same study.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from slrflow.errors import ConfigError, InputFileError
from slrflow.prisma.inputs import PrismaInputs
from slrflow.prisma.sources import Source, SourceMap, source_map
from slrflow.tables import atomic_open, split_list, write_table

__all__ = [
    "MEMBER_COLUMNS",
    "Member",
    "PrismaCounts",
    "PrismaResult",
    "count_prisma",
    "write_counts_json",
    "write_records_by_box",
]

Pairs = tuple[tuple[str, int], ...]

STATUSES = frozenset({"include", "exclude", "maybe", "conflict", "pending"})
NO_REASON = "Reason not stated"


@dataclass(frozen=True, kw_only=True)
class PrismaCounts:
    """Every number in the diagram; the first block is named after the PRISMA2020 R package's nodes."""

    previous_studies: int = 0
    previous_reports: int = 0
    database_results: int = 0
    database_specific_results: Pairs = ()
    register_results: int = 0
    register_specific_results: Pairs = ()
    website_results: int = 0
    organisation_results: int = 0
    citations_results: int = 0
    duplicates: int = 0
    excluded_automatic: int = 0
    excluded_other: int = 0
    records_screened: int = 0
    records_excluded: int = 0
    dbr_sought_reports: int = 0
    dbr_notretrieved_reports: int = 0
    other_sought_reports: int = 0
    other_notretrieved_reports: int = 0
    dbr_assessed: int = 0
    dbr_excluded: Pairs = ()
    other_assessed: int = 0
    other_excluded: Pairs = ()
    new_studies: int = 0
    new_reports: int = 0
    total_studies: int = 0
    total_reports: int = 0
    # slrflow's additions: how the boxes above break down, and what is still awaiting a decision.
    previous_review: bool = False
    other_methods: bool = False
    stopping_applied: bool = False
    other_specific_results: Pairs = ()
    records_excluded_human: int = 0
    records_excluded_stopping: int = 0
    records_awaiting: int = 0
    records_awaiting_unscreened: int = 0
    records_awaiting_conflict: int = 0
    dbr_awaiting: int = 0
    other_duplicates: int = 0
    other_screening_excluded_human: int = 0
    other_screening_excluded_stopping: int = 0
    other_screening_awaiting: int = 0
    other_awaiting: int = 0

    @property
    def records_identified(self) -> int:
        return self.database_results + self.register_results

    @property
    def other_identified(self) -> int:
        return self.website_results + self.organisation_results + self.citations_results

    @property
    def dbr_excluded_total(self) -> int:
        return sum(n for _, n in self.dbr_excluded)

    @property
    def other_excluded_total(self) -> int:
        return sum(n for _, n in self.other_excluded)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: pairs become lists of {"name"|"reason": label, "n": count}."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, tuple):
                key = "reason" if item.name.endswith("excluded") else "name"
                value = [{key: label, "n": n} for label, n in value]
            out[item.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PrismaCounts:
        kwargs: dict[str, Any] = {}
        for item in fields(cls):
            if item.name not in data:
                continue
            value = data[item.name]
            if isinstance(value, list):
                value = tuple((entry.get("reason", entry.get("name")), int(entry["n"])) for entry in value)
            kwargs[item.name] = value
        return cls(**kwargs)

    def template_values(self) -> dict[str, int | list[tuple[str, int]]]:
        """The `n` cells of the R package's PRISMA.csv."""
        from slrflow.prisma.template import DATA_NODES

        data = asdict(self)
        return {node: list(data[node]) if isinstance(data[node], tuple) else data[node] for node in DATA_NODES}


MEMBER_COLUMNS: tuple[str, ...] = (
    "box",
    "record_id",
    "study_id",
    "database",
    "source_file",
    "source_position",
    "reason",
    "title",
)


@dataclass(frozen=True)
class Member:
    """One record (identification boxes) or study (later boxes) behind a box's number."""

    box: str
    record_id: str
    study_id: str = ""
    database: str = ""
    source_file: str = ""
    source_position: str = ""
    reason: str = ""
    title: str = ""


@dataclass(frozen=True)
class PrismaResult:
    counts: PrismaCounts
    members: list[Member] = field(default_factory=list)

    def box(self, name: str) -> list[Member]:
        return [member for member in self.members if member.box == name]


def count_prisma(inputs: PrismaInputs, config: Mapping[str, Any]) -> PrismaResult:
    """Count every PRISMA box from the stage tables; raise InputFileError when the tables disagree."""
    sources = source_map(config)
    stopping = config.get("stopping") or {}
    stop = bool(stopping.get("apply", False)) and inputs.stop
    members: list[Member] = []
    n: dict[str, Any] = Counter()

    rows = _import_rows(inputs, sources)
    cluster_of = _clusters(inputs, rows)
    studies = _studies(inputs, set(cluster_of.values()))
    member_to_study = {row["record_id"]: cluster_of[_key(row)] for row, _ in rows}
    for study_id, study in studies.items():
        for member_id in split_list(study.get("member_ids")):
            member_to_study.setdefault(member_id, study_id)

    # Identification, and which column each study flows down.
    by_study: dict[str, list[tuple[dict[str, str], Source]]] = defaultdict(list)
    per_label: Counter[str] = Counter()
    for row, source in rows:
        by_study[cluster_of[_key(row)]].append((row, source))
        per_label[source.label] += 1
        n[source.node] += 1
        members.append(_row_member(source.node, row, cluster_of[_key(row)]))
    column: dict[str, str] = {}
    for study_id in studies:
        study_rows = by_study[study_id]
        column[study_id] = "dbr" if any(source.column == "dbr" for _, source in study_rows) else "other"
        kept = _kept_row(study_rows, column[study_id])
        for row, source in study_rows:
            if row is kept:
                continue
            if source.column == "dbr":
                n["duplicates"] += 1
                members.append(_row_member("duplicates", row, study_id, "duplicate record"))
            else:
                n["other_duplicates"] += 1
                reason = (
                    "also identified via databases or registers"
                    if column[study_id] == "dbr"
                    else "duplicate of another record from other methods"
                )
                members.append(_row_member("other_duplicates", row, study_id, reason))

    # Title and abstract screening.
    title_abstract = _statuses(inputs, "title_abstract", studies)
    sought: dict[str, list[str]] = {"dbr": [], "other": []}
    for study_id, study in studies.items():
        col = column[study_id]
        status, reason = title_abstract.get(study_id, ("pending", ""))
        if col == "dbr":
            n["records_screened"] += 1
            members.append(_study_member("records_screened", study_id, study))
        prefix = "records" if col == "dbr" else "other_screening"
        if status in {"include", "maybe"}:
            sought[col].append(study_id)
        elif status == "exclude":
            n[f"{prefix}_excluded_human"] += 1
            members.append(_study_member(f"{prefix}_excluded", study_id, study, _by("a human", reason)))
        elif status == "pending" and stop:
            n[f"{prefix}_excluded_stopping"] += 1
            members.append(_study_member(f"{prefix}_excluded", study_id, study, "by the stopping rule"))
        else:
            awaiting = "conflict" if status == "conflict" else "unscreened"
            if col == "dbr":
                n[f"records_awaiting_{awaiting}"] += 1
            else:
                n["other_screening_awaiting"] += 1
            why = (
                "reviewers disagree, not yet resolved"
                if status == "conflict"
                else "not yet screened"
                if study_id in title_abstract
                else "not in the title/abstract decisions table"
            )
            members.append(_study_member(f"{prefix}_awaiting", study_id, study, why))
    n["records_excluded"] = n["records_excluded_human"] + n["records_excluded_stopping"]
    n["records_awaiting"] = n["records_awaiting_unscreened"] + n["records_awaiting_conflict"]

    # Retrieval and full-text eligibility.
    full_text = _statuses(inputs, "full_text", studies)
    sent = set(sought["dbr"]) | set(sought["other"])
    stray = sorted(set(full_text) - sent)
    if stray:
        raise InputFileError(
            f"lists {len(stray)} studies that title/abstract screening did not send to full text "
            f"(first: {stray[0]}); re-run `slrflow decisions` so both stages agree",
            path=inputs.path("full_text"),
        )
    pdfs = _pdfs_by_study(inputs, member_to_study)
    excluded: dict[str, Counter[str]] = {"dbr": Counter(), "other": Counter()}
    included = 0
    for col in ("dbr", "other"):
        for study_id in sought[col]:
            study = studies[study_id]
            n[f"{col}_sought_reports"] += 1
            members.append(_study_member(f"{col}_sought_reports", study_id, study))
            status, reason = full_text.get(study_id, ("pending", ""))
            statuses = [status for _, status in pdfs.get(study_id, [])]
            if status == "pending" and "ok" not in statuses:
                n[f"{col}_notretrieved_reports"] += 1
                why = (
                    "; ".join(f"PDF {pdf}: {status or 'not processed'}" for pdf, status in pdfs[study_id])
                    if study_id in pdfs
                    else "no PDF matched"
                )
                members.append(_study_member(f"{col}_notretrieved_reports", study_id, study, why))
                continue
            n[f"{col}_assessed"] += 1
            members.append(_study_member(f"{col}_assessed", study_id, study))
            if status == "include":
                included += 1
                members.append(_study_member("new_studies", study_id, study))
            elif status == "exclude":
                label = reason.strip() or NO_REASON
                excluded[col][label] += 1
                members.append(_study_member(f"{col}_excluded", study_id, study, label))
            else:
                n[f"{col}_awaiting"] += 1
                why = {
                    "pending": "full text retrieved, not yet assessed",
                    "conflict": "reviewers disagree, not yet resolved",
                    "maybe": "marked maybe at full text",
                }[status]
                members.append(_study_member(f"{col}_awaiting", study_id, study, why))

    previous = config.get("previous_review") or {}
    if previous and not all(isinstance(previous.get(key), int) for key in ("studies", "reports")):
        raise ConfigError("config: previous_review: needs whole numbers `studies` and `reports`")
    order = _reason_order(config)
    counts = PrismaCounts(
        previous_studies=int(previous.get("studies", 0)),
        previous_reports=int(previous.get("reports", 0)),
        database_results=n["database_results"],
        database_specific_results=_per_label(sources, "databases", per_label),
        register_results=n["register_results"],
        register_specific_results=_per_label(sources, "registers", per_label),
        website_results=n["website_results"],
        organisation_results=n["organisation_results"],
        citations_results=n["citations_results"],
        duplicates=n["duplicates"],
        records_screened=n["records_screened"],
        records_excluded=n["records_excluded"],
        dbr_sought_reports=n["dbr_sought_reports"],
        dbr_notretrieved_reports=n["dbr_notretrieved_reports"],
        other_sought_reports=n["other_sought_reports"],
        other_notretrieved_reports=n["other_notretrieved_reports"],
        dbr_assessed=n["dbr_assessed"],
        dbr_excluded=_ordered(excluded["dbr"], order),
        other_assessed=n["other_assessed"],
        other_excluded=_ordered(excluded["other"], order),
        new_studies=included,
        new_reports=included,
        total_studies=int(previous.get("studies", 0)) + included,
        total_reports=int(previous.get("reports", 0)) + included,
        previous_review=bool(previous),
        other_methods=sources.has_other_methods,
        stopping_applied=stop,
        other_specific_results=tuple(
            pair for kind in ("websites", "organisations", "citations") for pair in _per_label(sources, kind, per_label)
        ),
        records_excluded_human=n["records_excluded_human"],
        records_excluded_stopping=n["records_excluded_stopping"],
        records_awaiting=n["records_awaiting"],
        records_awaiting_unscreened=n["records_awaiting_unscreened"],
        records_awaiting_conflict=n["records_awaiting_conflict"],
        dbr_awaiting=n["dbr_awaiting"],
        other_duplicates=n["other_duplicates"],
        other_screening_excluded_human=n["other_screening_excluded_human"],
        other_screening_excluded_stopping=n["other_screening_excluded_stopping"],
        other_screening_awaiting=n["other_screening_awaiting"],
        other_awaiting=n["other_awaiting"],
    )
    return PrismaResult(counts, members)


def write_counts_json(path: str | Path, counts: PrismaCounts) -> None:
    with atomic_open(path) as handle:
        json.dump(counts.as_dict(), handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def write_records_by_box(path: str | Path, members: Iterable[Member]) -> None:
    write_table(path, (asdict(member) for member in members), MEMBER_COLUMNS)


def _key(row: Mapping[str, str]) -> tuple[str, str, str, str]:
    return (row["record_id"], row["database"], row["source_file"], row["source_position"])


def _import_rows(inputs: PrismaInputs, sources: SourceMap) -> list[tuple[dict[str, str], Source]]:
    path = inputs.path("import_records")
    _require_columns(inputs.import_records, ("record_id", "database", "source_file", "source_position"), path)
    return [
        (row, sources.get(row["database"], where=f"{path}, line {line}"))
        for line, row in enumerate(inputs.import_records, start=2)
    ]


def _clusters(inputs: PrismaInputs, rows: list[tuple[dict[str, str], Source]]) -> dict[tuple, str]:
    """Import row key -> cluster_id; every import row must be in clusters.csv and nothing else."""
    path = inputs.path("clusters")
    _require_columns(inputs.clusters, ("record_id", "cluster_id", "database", "source_file", "source_position"), path)
    cluster_of = {_key(row): row["cluster_id"] for row in inputs.clusters}
    imported = Counter(_key(row) for row, _ in rows)
    clustered = Counter(_key(row) for row in inputs.clusters)
    if imported != clustered:
        missing = sorted((imported - clustered).elements())
        extra = sorted((clustered - imported).elements())
        example = f"missing {missing[0]}" if missing else f"not imported {extra[0]}"
        raise InputFileError(
            f"does not hold one row per import row ({len(missing)} missing, {len(extra)} extra; {example}); "
            "re-run `slrflow dedup` on the current import",
            path=path,
        )
    return cluster_of


def _studies(inputs: PrismaInputs, cluster_ids: set[str]) -> dict[str, dict[str, str]]:
    path = inputs.path("dedup_records")
    _require_columns(inputs.dedup_records, ("record_id",), path)
    studies = {row["record_id"]: row for row in inputs.dedup_records}
    if set(studies) != cluster_ids:
        only_clusters = sorted(cluster_ids - set(studies))
        only_records = sorted(set(studies) - cluster_ids)
        raise InputFileError(
            f"its record_ids are not the cluster_ids of clusters.csv ({len(only_clusters)} clusters without a "
            f"record, {len(only_records)} records without a cluster; e.g. "
            f"{(only_clusters or only_records)[0]}); re-run `slrflow dedup`",
            path=path,
        )
    return studies


def _statuses(inputs: PrismaInputs, stage: str, studies: Mapping[str, object]) -> dict[str, tuple[str, str]]:
    path = inputs.path(stage)
    table = getattr(inputs, stage)
    _require_columns(table, ("record_id", "status"), path)
    out: dict[str, tuple[str, str]] = {}
    for line, row in enumerate(table, start=2):
        status = row["status"].strip().lower()
        if status not in STATUSES:
            raise InputFileError(
                f"status {row['status']!r} is not one of {', '.join(sorted(STATUSES))}", path=path, line=line
            )
        if row["record_id"] not in studies:
            raise InputFileError(
                f"study {row['record_id']} is not in dedup/records.csv; re-run `slrflow decisions`",
                path=path,
                line=line,
            )
        out[row["record_id"]] = (status, row.get("reason") or "")
    return out


def _pdfs_by_study(inputs: PrismaInputs, member_to_study: Mapping[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Study id -> [(pdf name, status)] for every matched PDF; a PDF without a status JSON has status ''."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in inputs.matches:
        record_id, pdf = (row.get("record_id") or "").strip(), (row.get("pdf") or "").strip()
        if not record_id or not pdf:
            continue
        study_id = member_to_study.get(record_id, record_id)
        name = Path(pdf).name
        out[study_id].append((name, inputs.pdf_status.get(Path(pdf).stem, "")))
    return out


def _kept_row(rows: list[tuple[dict[str, str], Source]], column: str) -> dict[str, str] | None:
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


def _row_member(box: str, row: Mapping[str, str], study_id: str = "", reason: str = "") -> Member:
    return Member(
        box=box,
        record_id=row["record_id"],
        study_id=study_id,
        database=row["database"],
        source_file=row["source_file"],
        source_position=row["source_position"],
        reason=reason,
        title=row.get("title", ""),
    )


def _study_member(box: str, study_id: str, study: Mapping[str, str], reason: str = "") -> Member:
    return Member(
        box=box,
        record_id=study_id,
        study_id=study_id,
        database=study.get("databases", ""),
        reason=reason,
        title=study.get("title", ""),
    )


def _require_columns(rows: list[dict[str, str]], columns: Iterable[str], path: str) -> None:
    if not rows:
        return
    missing = [column for column in columns if column not in rows[0]]
    if missing:
        raise InputFileError(f"lacks the column(s) {', '.join(missing)} (see workflow/DATAFLOW.md)", path=path)
