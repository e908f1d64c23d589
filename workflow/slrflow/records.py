"""The bibliographic record: the fields every importer fills and every later stage reads."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["CONTRACT_FIELDS", "LIST_FIELDS", "RECORD_FIELDS", "SOURCE_FIELDS", "TOOL_FIELDS", "as_table_row"]

# The columns `slrflow import` and `slrflow dedup` promise in ARCHITECTURE.md, in order.
CONTRACT_FIELDS: tuple[str, ...] = (
    "record_id",
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "doi",
    "volume",
    "number",
    "pages",
)
# Where a row came from: database name from config, file, 1-based position in that file, detected format.
SOURCE_FIELDS: tuple[str, ...] = ("database", "source_file", "source_position", "source_format")
# Screening labels another tool exported with the record (ASReview, Rayyan, Covidence), kept so that
# `slrflow migrate` can turn them into a reviewer's decision log: the tool, the record's id in it, its decision
# ("include", or "Name=include; Other=exclude" where the tool keeps one per reviewer), the reasons and the stage.
TOOL_FIELDS: tuple[str, ...] = ("tool", "tool_id", "tool_decision", "tool_reason", "tool_stage")
RECORD_FIELDS: tuple[str, ...] = (
    *CONTRACT_FIELDS,
    "pmid",
    "keywords",
    "language",
    "type",
    "url",
    "issn",
    "publisher",
    *SOURCE_FIELDS,
    *TOOL_FIELDS,
    # What looked wrong with this record on import (a possibly truncated last record, a line read as
    # Windows-1252, a field that could not be read), so a reviewer sees it beside the record.
    "import_warnings",
)
# Held as lists in memory, written '; '-joined in tables.
LIST_FIELDS: frozenset[str] = frozenset({"authors", "keywords", "import_warnings"})


def as_table_row(record: Mapping[str, object]) -> dict[str, str]:
    """A record as a table row: list fields '; '-joined, None as '', everything else as text. Importer output
    (lists) and rows read back from a table (strings) both come out the same."""
    from slrflow.tables import join_list

    return {
        key: join_list([str(v) for v in value])
        if isinstance(value, (list, tuple))
        else ""
        if value is None
        else str(value)
        for key, value in record.items()
    }
