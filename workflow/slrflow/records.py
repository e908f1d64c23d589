"""The bibliographic record: the fields every importer fills and every later stage reads."""

from __future__ import annotations

__all__ = ["CONTRACT_FIELDS", "LIST_FIELDS", "RECORD_FIELDS", "SOURCE_FIELDS"]

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
)
# Held as lists in memory, written '; '-joined in tables.
LIST_FIELDS: frozenset[str] = frozenset({"authors", "keywords"})
