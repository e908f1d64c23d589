"""Export a review's records, with their decisions, to reference managers (RIS, BibTeX) and to ASReview (CSV).

    >>> from slrflow import export
    >>> records = export.load_review(".", status="included")
    >>> export.write("included.ris", records, format="ris")

`load_review` joins the deduplicated records (results/dedup/records.csv) with the statuses the `decisions` stage
settled (results/screening/title_abstract.csv and full_text.csv) and with the reviewers' notes in screening/; it
never settles the logs again. Each format module has `dumps(records) -> str`. Where each client keeps what:

- RIS: keywords (KW) `slrflow: included` and the like, notes (N1) with the decision summary, the reviewers' notes
  and the databases, label (LB) the status, ID the record id, DB the databases.
- BibTeX: `keywords`, `note` (the same summary and notes), the entry key is the record id.
- ASReview CSV: `included` 1 (title/abstract include), 0 (exclude) or empty (not decided), which ASReview reads
  as its labels, plus `slrflow_status`, `slrflow_decisions` and `notes` columns.
"""

from __future__ import annotations

from pathlib import Path

from slrflow.export import asreview, bibtex, ris
from slrflow.export.review import STATUSES, ExportRecord, load_review
from slrflow.tables import atomic_open

__all__ = ["FORMATS", "STATUSES", "ExportRecord", "dumps", "load_review", "write"]

FORMATS = {"ris": ris.dumps, "bibtex": bibtex.dumps, "asreview": asreview.dumps}


def dumps(records: list[ExportRecord], *, format: str) -> str:
    try:
        writer = FORMATS[format]
    except KeyError:
        raise ValueError(f"unknown export format {format!r}; known: {', '.join(FORMATS)}") from None
    return writer(records)


def write(path: str | Path, records: list[ExportRecord], *, format: str) -> None:
    """Write the records in `format` to `path`, atomically (a crash leaves the old file)."""
    text = dumps(records, format=format)
    with atomic_open(path) as handle:
        handle.write(text)
