"""The stage tables as the PRISMA counts need them, checked against each other (DATAFLOW.md).

Each reader raises InputFileError naming the file, and the line where there is one, when a table is stale or
malformed: counting from tables that disagree would give numbers that look right and are not.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from slrflow.errors import InputFileError
from slrflow.prisma.inputs import PrismaInputs
from slrflow.prisma.sources import Source, SourceMap
from slrflow.screening.state import STUDY_STATUSES

__all__ = [
    "ImportRow",
    "clusters",
    "import_rows",
    "pdfs_by_report",
    "reports",
    "row_key",
    "statuses",
    "study_of",
]

ImportRow = tuple[dict[str, str], Source]
RowKey = tuple[str, str, str, str]


def row_key(row: Mapping[str, str]) -> RowKey:
    """An import row's identity: the same record from two files or positions is two rows."""
    return (row["record_id"], row["database"], row["source_file"], row["source_position"])


def import_rows(inputs: PrismaInputs, sources: SourceMap) -> list[ImportRow]:
    path = inputs.path("import_records")
    _require_columns(inputs.import_records, ("record_id", "database", "source_file", "source_position"), path)
    return [
        (row, sources.get(row["database"], where=f"{path}, line {line}"))
        for line, row in enumerate(inputs.import_records, start=2)
    ]


def clusters(inputs: PrismaInputs, rows: list[ImportRow]) -> dict[RowKey, str]:
    """Import row key -> cluster_id; every import row must be in clusters.csv and nothing else."""
    path = inputs.path("clusters")
    _require_columns(inputs.clusters, ("record_id", "cluster_id", "database", "source_file", "source_position"), path)
    cluster_of = {row_key(row): row["cluster_id"] for row in inputs.clusters}
    imported = Counter(row_key(row) for row, _ in rows)
    clustered = Counter(row_key(row) for row in inputs.clusters)
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


def reports(inputs: PrismaInputs, cluster_ids: set[str]) -> dict[str, dict[str, str]]:
    """Dedup record id -> its row; one report per duplicate cluster."""
    path = inputs.path("dedup_records")
    _require_columns(inputs.dedup_records, ("record_id",), path)
    by_id = {row["record_id"]: row for row in inputs.dedup_records}
    if set(by_id) != cluster_ids:
        only_clusters = sorted(cluster_ids - set(by_id))
        only_records = sorted(set(by_id) - cluster_ids)
        raise InputFileError(
            f"its record_ids are not the cluster_ids of clusters.csv ({len(only_clusters)} clusters without a "
            f"record, {len(only_records)} records without a cluster; e.g. "
            f"{(only_clusters or only_records)[0]}); re-run `slrflow dedup`",
            path=path,
        )
    return by_id


def study_of(inputs: PrismaInputs, report_ids: Iterable[str]) -> dict[str, str]:
    """Report id -> the study it belongs to, from results/dedup/studies.csv (`record_id,study_id,...`).

    A report without a row, or without the table, is a study of its own. Both ids must be dedup records.
    """
    known = set(report_ids)
    out = {report_id: report_id for report_id in known}
    path = inputs.path("study_links")
    _require_columns(inputs.study_links, ("record_id", "study_id"), path)
    for line, row in enumerate(inputs.study_links, start=2):
        report_id, study_id = row["record_id"].strip(), (row["study_id"] or "").strip() or row["record_id"].strip()
        for name, value in (("record_id", report_id), ("study_id", study_id)):
            if value not in known:
                raise InputFileError(
                    f"{name} {value} is not a record of dedup/records.csv; re-run `slrflow dedup`",
                    path=path,
                    line=line,
                )
        out[report_id] = study_id
    return out


def statuses(inputs: PrismaInputs, stage: str, known: Mapping[str, object]) -> dict[str, tuple[str, str]]:
    """Report id -> (status, reason) from results/screening/<stage>.csv."""
    path = inputs.path(stage)
    table = getattr(inputs, stage)
    _require_columns(table, ("record_id", "status"), path)
    out: dict[str, tuple[str, str]] = {}
    for line, row in enumerate(table, start=2):
        status = row["status"].strip().lower()
        if status not in STUDY_STATUSES:
            raise InputFileError(
                f"status {row['status']!r} is not one of {', '.join(sorted(STUDY_STATUSES))}", path=path, line=line
            )
        if row["record_id"] not in known:
            raise InputFileError(
                f"study {row['record_id']} is not in dedup/records.csv; re-run `slrflow decisions`",
                path=path,
                line=line,
            )
        out[row["record_id"]] = (status, row.get("reason") or "")
    return out


def pdfs_by_report(inputs: PrismaInputs, report_of: Mapping[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Report id -> [(pdf name, status)] for every matched PDF; the status is its status JSON's (else matches.csv's
    `pdf_status`, else '': not processed yet).

    matches.csv may name any record of a duplicate cluster (`report_of` maps it); it counts for the report.
    """
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in inputs.matches:
        record_id, pdf = (row.get("record_id") or "").strip(), (row.get("pdf") or "").strip()
        if not record_id or not pdf:
            continue
        name = Path(pdf).name
        stem = name[:-4] if name.lower().endswith(".pdf") else name  # "10.1000_x.2020.pdf" and "10.1000_x.2020"
        status = inputs.pdf_status.get(stem, (row.get("pdf_status") or "").strip())
        out[report_of.get(record_id, record_id)].append((name, status))
    return out


def _require_columns(rows: list[dict[str, str]], columns: Iterable[str], path: str) -> None:
    if not rows:
        return
    missing = [column for column in columns if column not in rows[0]]
    if missing:
        raise InputFileError(f"lacks the column(s) {', '.join(missing)} (see workflow/DATAFLOW.md)", path=path)
