"""slrflow: a reproducible systematic literature review pipeline, and a library whose stages chain in memory.

    import slrflow

    records = slrflow.load("scopus.ris", "wos.txt")            # search exports -> records (dicts)
    dedup = slrflow.deduplicate(records)                         # -> DedupResult: .records (one per study)
    ranked = slrflow.rank(dedup.records, {study_id: "include"})  # -> RankResult: .ranking, .queue, .stopping
    counts = slrflow.count(records, dedup, {study_id: "include"})  # -> PrismaCounts (the flow diagram's numbers)

Each function is the library call behind a stage of the workflow (`slrflow import`, `dedup`, `rank`, `prisma`);
the stage packages (slrflow.importers, dedup, ranking, prisma, export) hold the rest. Records are dicts with the
keys of slrflow.records.RECORD_FIELDS; authors and keywords may be lists (as importers give them) or '; '-joined
text (as tables hold them): every function here accepts both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Imported for its effect too: csv's field size limit lifted for every table read in the process (tables.py).
from slrflow import tables as _tables  # noqa: F401

if TYPE_CHECKING:
    from slrflow.dedup import DedupResult
    from slrflow.prisma.counts import PrismaCounts
    from slrflow.ranking import RankResult

try:
    __version__ = version("slrflow")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["__version__", "count", "deduplicate", "load", "rank"]

Record = Mapping[str, Any]


def load(*paths: str | Path, database: str | None = None) -> list[dict[str, object]]:
    """The records of every export file, in order; the format of each is detected from its content.

    `database` names the source of every file (PRISMA counts records per database); without it each file's name
    without its extension is used. A file that cannot be read raises slrflow.errors.ImportFormatError naming
    the file and line; what was read with a warning is in each record's `import_warnings`.
    """
    from slrflow import importers

    records: list[dict[str, object]] = []
    for path in paths:
        records.extend(importers.load(path, database=database or Path(path).stem).records)
    return records


def deduplicate(records: Sequence[Record], **options: Any) -> DedupResult:
    """Cluster the records that are copies of one report (slrflow.dedup.deduplicate; `overrides=` as there)."""
    from slrflow.dedup import deduplicate as run

    return run(records, **options)


def rank(
    studies: Sequence[Record],
    statuses: Mapping[str, str] | None = None,
    *,
    query: str | None = None,
    seed: int = 0,
) -> RankResult:
    """Rank the deduplicated studies for title/abstract screening with the default model.

    `statuses` maps a study's record_id to include, exclude, maybe, conflict or pending (the default); the model
    learns from include and exclude and, before it has both, ranks by similarity to `query`.
    """
    from slrflow.ranking import rank_review

    return rank_review(studies, dict(statuses or {}), query=query, seed=seed)


def count(
    records: Sequence[Record],
    dedup: DedupResult,
    statuses: Mapping[str, str] | None = None,
    *,
    config: Mapping[str, Any] | None = None,
) -> PrismaCounts:
    """The PRISMA 2020 counts of identification and title/abstract screening (slrflow.prisma.count_prisma).

    `records` and `dedup` are what `load` and `deduplicate` returned; `statuses` as for `rank`. `config` is the
    review's configuration when there is one; by default every database in the records is a database search.
    """
    from slrflow.prisma import count_prisma
    from slrflow.prisma.inputs import PrismaInputs
    from slrflow.records import as_table_row

    rows = [as_table_row(record) for record in records]
    clusters = [
        {**{name: row.get(name, "") for name in ("record_id", "database", "source_file", "source_position")},
         "cluster_id": cluster_id}
        for row, cluster_id in zip(rows, dedup.cluster_ids, strict=True)
    ]  # fmt: skip
    studies = [as_table_row(record) for record in dedup.records]
    statuses = statuses or {}
    inputs = PrismaInputs(
        import_records=rows,
        clusters=clusters,
        dedup_records=studies,
        title_abstract=[
            {"record_id": s["record_id"], "status": statuses.get(s["record_id"], "pending")} for s in studies
        ],
    )
    if config is None:
        config = {"searches": [{"database": name} for name in _databases(rows)]}
    return count_prisma(inputs, config).counts


def _databases(rows: Iterable[Mapping[str, str]]) -> list[str]:
    return sorted({row.get("database") or "" for row in rows} - {""})
