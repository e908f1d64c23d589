"""Merging a cluster: the most complete record leads, and its empty fields are filled from the others."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from slrflow.records import CONTRACT_FIELDS

__all__ = ["completeness", "merge_rows", "rank_key"]

Value = TypeVar("Value")


def completeness(row: Mapping[str, object]) -> tuple[int, int]:
    """(non-empty contract fields, characters in them): more is more complete."""
    values = [str(row.get(name) or "").strip() for name in CONTRACT_FIELDS if name != "record_id"]
    return sum(1 for value in values if value), sum(len(value) for value in values)


def rank_key(row: Mapping[str, object]) -> tuple:
    """Sort key putting the most complete row first, with a content tie-break so input order never matters."""
    filled, size = completeness(row)
    return (-filled, -size, tuple(str(row.get(name) or "") for name in CONTRACT_FIELDS))


def merge_rows(rows: Sequence[Mapping[str, Value]]) -> dict[str, Value]:
    """The first row, with each empty field taken from the first later row that has it."""
    merged: dict[str, Value] = dict(rows[0])
    for row in rows[1:]:
        for name, value in row.items():
            if (merged.get(name) in (None, "")) and value not in (None, ""):
                merged[name] = value
    return merged
