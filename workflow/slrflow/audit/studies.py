"""Reports linked into studies (results/dedup/studies.csv), as the audit lists them.

Deduplication writes one row per report: `record_id,study_id,relation,linked_to,reason`, where relation `main`
marks a report that is not linked to another (the study's main report, or a study of one report). Every other
row is a link a supervisor may want to check: an erratum, a conference abstract, a protocol joined to its study.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from slrflow.errors import InputFileError
from slrflow.tables import read_table

__all__ = ["STUDY_LINK_COLUMNS", "StudyLink", "read_study_links"]

STUDY_LINK_COLUMNS = ("record_id", "study_id", "relation", "linked_to", "reason")


@dataclass(frozen=True)
class StudyLink:
    study_id: str
    record_id: str
    title: str
    relation: str
    linked_to: str
    linked_title: str
    reason: str


def read_study_links(path: Path, titles: Mapping[str, str]) -> list[StudyLink]:
    """Every report linked into a study, grouped by study (in file order of their first link)."""
    # (not read_table's `required`: this error's wording is the audit's, and tests/test_audit_page.py pins it)
    rows = read_table(path)
    lacking = [column for column in STUDY_LINK_COLUMNS if rows and column not in rows[0]]
    if lacking:
        raise InputFileError(
            f"lacks the column(s) {', '.join(lacking)}; expected {','.join(STUDY_LINK_COLUMNS)}", path=path
        )
    links = [
        StudyLink(
            study_id=row["study_id"],
            record_id=row["record_id"],
            title=titles.get(row["record_id"], ""),
            relation=row["relation"],
            linked_to=row["linked_to"],
            linked_title=titles.get(row["linked_to"], ""),
            reason=row["reason"],
        )
        for row in rows
        if row["relation"] != "main"
    ]
    first: dict[str, int] = {}
    for i, link in enumerate(links):
        first.setdefault(link.study_id, i)
    return sorted(links, key=lambda link: first[link.study_id])
