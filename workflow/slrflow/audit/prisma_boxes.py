"""The PRISMA boxes in the PRISMA 2020 flow diagram template's words, in the diagram's order.

results/prisma/counts.json and records_by_box.csv name boxes by the PRISMA2020 R package's data keys
(`dbr_sought_reports`) and slrflow's additions (`records_awaiting`); a supervisor reads the template's words
("Reports sought for retrieval"). The words follow Page et al. (2021), BMJ 372:n71, Figure 1 (the template for new
reviews with databases, registers and other sources); boxes the template has no word for are slrflow's and say so.
Boxes of the other-methods column carry "(other methods)", as the template puts them in a column of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["BOXES", "BoxCount", "box_label", "identified", "prisma_rows"]

OTHER = " (other methods)"
REMOVED = "Records removed before screening: "

# key -> (phase, label, indent). Order is the diagram's: identification, screening, included; left column first.
BOXES: dict[str, tuple[str, str, int]] = {
    "previous_studies": ("Previous studies", "Studies included in previous version of review", 0),
    "previous_reports": ("Previous studies", "Reports of studies included in previous version of review", 0),
    "database_results": ("Identification", "Records identified from: Databases", 0),
    "database_specific_results": ("Identification", "Records identified from each database", 1),
    "register_results": ("Identification", "Records identified from: Registers", 0),
    "register_specific_results": ("Identification", "Records identified from each register", 1),
    "website_results": ("Identification", "Records identified from: Websites" + OTHER, 0),
    "organisation_results": ("Identification", "Records identified from: Organisations" + OTHER, 0),
    "citations_results": ("Identification", "Records identified from: Citation searching" + OTHER, 0),
    "other_specific_results": ("Identification", "Records identified from each other source" + OTHER, 1),
    "duplicates": ("Identification", REMOVED + "duplicate records", 0),
    "excluded_automatic": ("Identification", REMOVED + "records marked as ineligible by automation tools", 0),
    "excluded_other": ("Identification", REMOVED + "records removed for other reasons", 0),
    "other_duplicates": ("Identification", REMOVED + "duplicate records" + OTHER + " (slrflow)", 0),
    "records_screened": ("Screening", "Records screened", 0),
    "records_excluded": ("Screening", "Records excluded", 0),
    "records_excluded_human": ("Screening", "excluded by a reviewer", 1),
    "records_excluded_stopping": ("Screening", "excluded by the stopping rule, unscreened", 1),
    "records_awaiting": ("Screening", "Records awaiting screening (slrflow; not a template box)", 0),
    "records_awaiting_unscreened": ("Screening", "not yet screened", 1),
    "records_awaiting_conflict": ("Screening", "reviewers disagree, not yet resolved", 1),
    "other_screening_excluded": ("Screening", "Records excluded" + OTHER + " (slrflow)", 0),
    "other_screening_excluded_human": ("Screening", "Records excluded by a reviewer" + OTHER + " (slrflow)", 0),
    "other_screening_excluded_stopping": (
        "Screening",
        "Records excluded by the stopping rule" + OTHER + " (slrflow)",
        0,
    ),
    "other_screening_awaiting": ("Screening", "Records awaiting screening" + OTHER + " (slrflow)", 0),
    "dbr_sought_reports": ("Screening", "Reports sought for retrieval", 0),
    "dbr_notretrieved_reports": ("Screening", "Reports not retrieved", 0),
    "dbr_assessed": ("Screening", "Reports assessed for eligibility", 0),
    "dbr_excluded": ("Screening", "Reports excluded", 0),
    "dbr_awaiting": ("Screening", "Reports awaiting assessment (slrflow; not a template box)", 0),
    "other_sought_reports": ("Screening", "Reports sought for retrieval" + OTHER, 0),
    "other_notretrieved_reports": ("Screening", "Reports not retrieved" + OTHER, 0),
    "other_assessed": ("Screening", "Reports assessed for eligibility" + OTHER, 0),
    "other_excluded": ("Screening", "Reports excluded" + OTHER, 0),
    "other_awaiting": ("Screening", "Reports awaiting assessment" + OTHER + " (slrflow)", 0),
    "new_studies": ("Included", "Studies included in review", 0),
    "new_reports": ("Included", "Reports of included studies", 0),
    "total_studies": ("Included", "Total studies included in review", 0),
    "total_reports": ("Included", "Reports of total included studies", 0),
}
# Boxes for sources a review may not have (registers, automation tools): shown only when non-zero. The boxes of
# the previous-review and other-methods columns are shown when counts.json says the review has that column.
OPTIONAL = frozenset({"register_results", "excluded_automatic", "excluded_other"})
PREVIOUS = frozenset({"previous_studies", "previous_reports", "total_studies", "total_reports"})
# Identification boxes: one row per record per source, in PRISMA's count of records identified.
IDENTIFIED = ("database_results", "register_results", "website_results", "organisation_results", "citations_results")


@dataclass(frozen=True)
class BoxCount:
    key: str
    phase: str
    label: str
    indent: int
    n: int | str


def box_label(key: str) -> str:
    """The template's words for a box key; an unknown key is shown as it is."""
    return BOXES[key][1] if key in BOXES else key


def identified(counts: Mapping[str, Any]) -> int:
    """Records identified, in every source: the sum of PRISMA's identification boxes."""
    return sum(int(counts.get(key) or 0) for key in IDENTIFIED)


def _pairs(value: Iterable[Mapping[str, Any]]) -> list[tuple[str, int]]:
    return [(str(entry.get("reason", entry.get("name", ""))), int(entry.get("n", 0))) for entry in value]


def prisma_rows(counts: Mapping[str, Any]) -> list[BoxCount]:
    """Every box of counts.json with a number, in the diagram's order; lists become one indented row per entry.

    Boxes of a column the review does not have, and breakdowns that are zero, are left out.
    """
    rows: list[BoxCount] = []
    for key, (phase, label, indent) in BOXES.items():
        value = counts.get(key)
        if value is None or isinstance(value, bool):
            continue
        pairs = _pairs(value) if isinstance(value, list) else []
        total = sum(n for _, n in pairs) if isinstance(value, list) else int(value)
        if not total and (key in OPTIONAL or indent > 0):
            continue
        if key in PREVIOUS and not counts.get("previous_review", bool(total)):
            continue
        if OTHER in label and not counts.get("other_methods", bool(total)):
            continue
        if not isinstance(value, list):
            rows.append(BoxCount(key, phase, label, indent, total))
        elif key.endswith("_excluded"):  # a box of its own, with its reasons beneath
            rows.append(BoxCount(key, phase, label, indent, total))
            rows.extend(BoxCount(key, phase, name, indent + 1, n) for name, n in pairs)
        else:  # the breakdown of the box above by source
            rows.extend(BoxCount(key, phase, name, indent, n) for name, n in pairs)
    return rows
