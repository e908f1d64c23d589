"""CSV for ASReview LAB: its column names (title, abstract, authors, year, doi, keywords, url) and its label
column `included` (1 relevant, 0 irrelevant, empty unlabelled), from the title/abstract decisions, so a project
made from the file starts with the review's labels as prior knowledge."""

from __future__ import annotations

import csv
import io

from slrflow.export.review import ExportRecord, databases

__all__ = ["COLUMNS", "dumps"]

COLUMNS: tuple[str, ...] = (
    "slrflow_id",
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "doi",
    "keywords",
    "url",
    "included",
    "slrflow_status",
    "slrflow_decisions",
    "notes",
    "databases",
)


def dumps(records: list[ExportRecord]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for entry in records:
        record = entry.record
        label = entry.title_abstract_label()
        writer.writerow(
            {
                # ASReview keeps its own integer record_id, so slrflow's id goes into a column of its own.
                "slrflow_id": entry.record_id,
                **{name: record.get(name, "") for name in ("title", "abstract", "authors", "year", "journal")},
                **{name: record.get(name, "") for name in ("doi", "keywords", "url")},
                "included": "" if label is None else label,
                "slrflow_status": entry.status,
                "slrflow_decisions": entry.summary(),
                "notes": " | ".join(entry.notes),
                "databases": "; ".join(databases(entry)),
            }
        )
    return buffer.getvalue()
