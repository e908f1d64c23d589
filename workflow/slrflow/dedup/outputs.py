"""The tables of results/dedup/ (DATAFLOW.md): what `slrflow dedup` writes from a DedupResult."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from slrflow.dedup.core import DedupResult
from slrflow.dedup.studies import STUDY_FIELDS
from slrflow.records import RECORD_FIELDS
from slrflow.tables import write_table

__all__ = ["CLUSTER_FIELDS", "MATCH_FIELDS", "REFUSED_FIELDS", "cluster_rows", "write_dedup_tables"]

CLUSTER_FIELDS: tuple[str, ...] = (
    "record_id",
    "cluster_id",
    "database",
    "source_file",
    "source_position",
    "is_representative",
    "match_reason",
)
MATCH_FIELDS: tuple[str, ...] = ("record_id_a", "record_id_b", "reason", "score", "status")
REFUSED_FIELDS: tuple[str, ...] = ("record_id_a", "record_id_b", "level", "match", "refused_because")


def cluster_rows(rows: Sequence[Mapping[str, str]], result: DedupResult) -> Iterator[dict[str, str]]:
    """One row of clusters.csv per input row, in input order; a cluster's id is its representative's record_id."""
    for row, rid, cid, reason in zip(rows, result.record_ids, result.cluster_ids, result.match_reasons, strict=True):
        yield {
            "record_id": rid,
            "cluster_id": cid,
            "database": row.get("database", ""),
            "source_file": row.get("source_file", ""),
            "source_position": row.get("source_position", ""),
            "is_representative": "true" if rid == cid else "false",
            "match_reason": reason,
        }


def write_dedup_tables(
    rows: Sequence[Mapping[str, str]],
    result: DedupResult,
    *,
    clusters: str | Path,
    records: str | Path | None = None,
    matches: str | Path | None = None,
    studies: str | Path | None = None,
    refused: str | Path | None = None,
) -> None:
    """clusters.csv, and each other table whose path is given. The merged records keep the input's extra
    columns after RECORD_FIELDS."""
    write_table(clusters, cluster_rows(rows, result), CLUSTER_FIELDS)
    if records is not None:
        extra = [name for name in (rows[0] if rows else {}) if name not in RECORD_FIELDS]
        write_table(records, result.records, [*RECORD_FIELDS, *extra, "member_ids", "databases", "n_members"])
    if matches is not None:
        write_table(matches, result.matches, MATCH_FIELDS)
    if studies is not None:
        write_table(studies, result.studies, STUDY_FIELDS)
    if refused is not None:
        write_table(refused, result.refused, REFUSED_FIELDS)
