"""The PRISMA2020 R package's data template (inst/extdata/PRISMA.csv) and the cells slrflow fills in.

`PRISMA_flowdiagram()` in the PRISMA2020 R package (Haddaway et al. 2022, MIT licence) reads a CSV with the
columns `data,node,box,description,boxtext,tooltips,url,n`. TEMPLATE reproduces the package's template
(inst/extdata/PRISMA.csv of version 1.1.4, tag v1.1.4) row for row; a row missing is fatal to `PRISMA_data`.
slrflow changes only the `n` column and, where slrflow.prisma.package says so, a short `boxtext`.

Cells holding several "Label, n" pairs are joined as "Reason1, 12; Reason2, 3", the package's format; the
package splits them at ';' and takes the label up to the first ',' (package.list_label keeps both out of labels).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from slrflow.prisma.package import list_label
from slrflow.tables import write_table

__all__ = [
    "COLUMNS",
    "DATA_NODES",
    "TEMPLATE",
    "format_pairs",
    "parse_pairs",
    "prisma_csv_rows",
    "write_prisma_csv",
]

COLUMNS: tuple[str, ...] = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")

_REASONS_HINT = "[separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]"
_REASONS_EXAMPLE = "Reason1, xxx; Reason2, xxx; Reason3, xxx"

# fmt: off
TEMPLATE: tuple[tuple[str, ...], ...] = (
    ("NA", "node4", "prevstud", "Grey title box; Previous studies", "Previous studies",
     "Grey title box; Previous studies", "prevstud.html", "0"),
    ("previous_studies", "node5", "box1", "Studies included in previous version of review",
     "Studies included in previous version of review", "Studies included in previous version of review",
     "previous_studies.html", "0"),
    ("previous_reports", "NA", "box1", "Reports of studies included in previous version of review",
     "Reports of studies included in previous version of review", "NA", "previous_reports.html", "0"),
    ("NA", "node6", "newstud", "Yellow title box; Identification of new studies via databases and registers",
     "Identification of new studies via databases and registers",
     "Yellow title box; Identification of new studies via databases and registers", "newstud.html", "0"),
    ("database_results", "node7", "box2", "Records identified from: Databases", "Databases",
     "Records identified from: Databases and Registers", "database_results.html", "0"),
    ("database_specific_results", "NA", "box2", "Records identified from: specific databases",
     "Specific Databases", "NA", "database_results.html", "Database 1, xxx; Database 2, xxx; Database 3, xxx"),
    ("register_results", "NA", "box2", "Records identified from: Registers", "Registers", "NA", "NA", "0"),
    ("register_specific_results", "NA", "box2", "Records identified from: specific registers",
     "Specific Registers", "NA", "database_results.html", "Register 1, xxx; Register 2, xxx; Register 3, xxx"),
    ("NA", "node16", "othstud", "Grey title box; Identification of new studies via other methods",
     "Identification of new studies via other methods",
     "Grey title box; Identification of new studies via other methods", "othstud.html", "0"),
    ("website_results", "node17", "box11", "Records identified from: Websites", "Websites",
     "Records identified from: Websites, Organisations and Citation Searching", "website_results.html", "0"),
    ("organisation_results", "", "box11", "Records identified from: Organisations", "Organisations", "NA", "NA",
     "0"),
    ("citations_results", "NA", "box11", "Records identified from: Citation searching", "Citation searching",
     "NA", "NA", "0"),
    ("duplicates", "node8", "box3", "Duplicate records", "Duplicate records", "Duplicate records",
     "duplicates.html", "0"),
    ("excluded_automatic", "NA", "box3", "Records marked as ineligible by automation tools",
     "Records marked as ineligible by automation tools", "NA", "NA", "0"),
    ("excluded_other", "NA", "box3", "Records removed for other reasons", "Records removed for other reasons",
     "NA", "NA", "0"),
    ("records_screened", "node9", "box4", "Records screened (databases and registers)", "Records screened",
     "Records screened (databases and registers)", "records_screened.html", "0"),
    ("records_excluded", "node10", "box5", "Records excluded (databases and registers)", "Records excluded",
     "Records excluded (databases and registers)", "records_excluded.html", "0"),
    ("dbr_sought_reports", "node11", "box6", "Reports sought for retrieval (databases and registers)",
     "Reports sought for retrieval", "Reports sought for retrieval (databases and registers)",
     "dbr_sought_reports.html", "0"),
    ("dbr_notretrieved_reports", "node12", "box7", "Reports not retrieved (databases and registers)",
     "Reports not retrieved", "Reports not retrieved (databases and registers)", "dbr_notretrieved_reports.html",
     "0"),
    ("other_sought_reports", "node18", "box12", "Reports sought for retrieval (other)",
     "Reports sought for retrieval", "Reports sought for retrieval (other)", "other_sought_reports.html", "0"),
    ("other_notretrieved_reports", "node19", "box13", "Reports not retrieved (other)", "Reports not retrieved",
     "Reports not retrieved (other)", "other_notretrieved_reports.html", "0"),
    ("dbr_assessed", "node13", "box8", "Reports assessed for eligibility (databases and registers)",
     "Reports assessed for eligibility", "Reports assessed for eligibility (databases and registers)",
     "dbr_assessed.html", "0"),
    ("dbr_excluded", "node14", "box9", f"Reports excluded (databases and registers): {_REASONS_HINT}",
     "Reports excluded", "Reports excluded (databases and registers)", "dbrexcludedrecords.html",
     _REASONS_EXAMPLE),
    ("other_assessed", "node20", "box14", "Reports assessed for eligibility (other)",
     "Reports assessed for eligibility", "Reports assessed for eligibility (other)", "other_assessed.html", "0"),
    ("other_excluded", "node21", "box15", f"Reports excluded (other): {_REASONS_HINT}", "Reports excluded",
     "Reports excluded (other)", "other_excluded.html", _REASONS_EXAMPLE),
    ("new_studies", "node15", "box10", "New studies included in review", "New studies included in review",
     "New studies included in review", "new_studies.html", "0"),
    ("new_reports", "NA", "box10", "Reports of new included studies", "Reports of new included studies", "NA",
     "NA", "0"),
    ("total_studies", "node22", "box16", "Total studies included in review", "Total studies included in review",
     "Total studies included in review", "total_studies.html", "0"),
    ("total_reports", "NA", "box16", "Reports of total included studies", "Reports of total included studies",
     "NA", "NA", "0"),
    ("identification", "node1", "identification", "Blue identification box", "Identification",
     "Blue identification box", "identification.html", "0"),
    ("screening", "node2", "screening", "Blue screening box", "Screening", "Blue screening box",
     "screening.html", "0"),
    ("included", "node3", "included", "Blue included box", "Included", "Blue included box", "included.html",
     "0"),
    ("total_studies_ma", "node23", "box17", "Total studies included in meta-analysis",
     "Total studies included in meta-analysis", "Total studies included in meta-analysis",
     "total_studies_meta_analysis.html", "0"),
    ("total_reports_ma", "NA", "box17", "Reports of total included studies in meta-analysis",
     "Reports of total included studies in meta-analysis", "NA", "NA", "0"),
)
# fmt: on

# Rows that carry a count slrflow makes (the phase labels and title boxes reuse `data` for their name but count
# nothing; slrflow does no meta-analysis, so the two meta-analysis rows keep the template's 0, which the app
# reads as "no meta-analysis box").
DATA_NODES: tuple[str, ...] = tuple(
    row[0]
    for row in TEMPLATE
    if row[0] not in {"NA", "identification", "screening", "included", "total_studies_ma", "total_reports_ma"}
)

Cell = int | str | list[tuple[str, int]]


def format_pairs(pairs: Iterable[tuple[str, int]]) -> str:
    """'Label, n; Label, n' as the R package reads it; '0' when there are none (an empty cell reads as NA)."""
    cells = [f"{list_label(label)}, {int(n)}" for label, n in pairs]
    return "; ".join(cells) if cells else "0"


def parse_pairs(text: str) -> list[tuple[str, int]]:
    """The inverse of format_pairs: "Reason1, 3; Reason2, 1" -> [("Reason1", 3), ("Reason2", 1)]."""
    if text.strip() in {"", "0"}:
        return []
    pairs = []
    for part in text.split(";"):
        label, _, n = part.strip().rpartition(",")
        pairs.append((label.strip(), int(n)))
    return pairs


def prisma_csv_rows(values: Mapping[str, Cell], boxtext: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """The template's rows with `n` set from `values` (node -> number, pairs or the cell's text) and any boxtext
    overridden."""
    unknown = set(values) - set(DATA_NODES)
    if unknown:
        raise KeyError(f"not PRISMA2020 template nodes: {sorted(unknown)}; known: {list(DATA_NODES)}")
    boxtext = boxtext or {}
    rows = []
    for cells in TEMPLATE:
        row = dict(zip(COLUMNS, cells, strict=True))
        node = row["data"]
        if node in values:
            value = values[node]
            row["n"] = (
                value if isinstance(value, str) else format_pairs(value) if isinstance(value, list) else str(value)
            )
        if node in boxtext:
            row["boxtext"] = boxtext[node]
        rows.append(row)
    return rows


def write_prisma_csv(path: str | Path, values: Mapping[str, Cell], boxtext: Mapping[str, str] | None = None) -> None:
    write_table(path, prisma_csv_rows(values, boxtext), COLUMNS)
