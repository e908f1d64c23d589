"""The name of every PRISMA count: a field of PrismaCounts, a key of counts.json and a `box` of records_by_box.csv.

The first block are the PRISMA2020 R package's node names; the rest are slrflow's additions, which say what the
package's boxes cannot (who excluded a record, what is still pending). Code counts with these constants, never
with names built from pieces, so `grep DBR_AWAITING_RETRIEVAL` finds every place that count is made or read.
Each flow column ("dbr": databases and registers; "other": other methods) has its own keys, mapped by COLUMN_KEYS.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["COLUMNS", "COLUMN_KEYS", "ColumnKeys"]

# Identification (template nodes)
DATABASE_RESULTS = "database_results"
REGISTER_RESULTS = "register_results"
WEBSITE_RESULTS = "website_results"
ORGANISATION_RESULTS = "organisation_results"
CITATIONS_RESULTS = "citations_results"
DUPLICATES = "duplicates"
# Title/abstract screening (template nodes): records with a settled decision
RECORDS_SCREENED = "records_screened"
RECORDS_EXCLUDED = "records_excluded"
# Retrieval and eligibility (template nodes)
DBR_SOUGHT_REPORTS = "dbr_sought_reports"
DBR_NOTRETRIEVED_REPORTS = "dbr_notretrieved_reports"
DBR_ASSESSED = "dbr_assessed"
DBR_EXCLUDED = "dbr_excluded"
OTHER_SOUGHT_REPORTS = "other_sought_reports"
OTHER_NOTRETRIEVED_REPORTS = "other_notretrieved_reports"
OTHER_ASSESSED = "other_assessed"
OTHER_EXCLUDED = "other_excluded"
# Inclusion (template nodes)
NEW_STUDIES = "new_studies"
NEW_REPORTS = "new_reports"

# slrflow's additions: the split of excluded records, and what is pending
RECORDS_EXCLUDED_HUMAN = "records_excluded_human"
RECORDS_EXCLUDED_STOPPING = "records_excluded_stopping"
RECORDS_AWAITING = "records_awaiting"  # not screened yet, or reviewers disagree: neither screened nor excluded
RECORDS_AWAITING_UNSCREENED = "records_awaiting_unscreened"
RECORDS_AWAITING_CONFLICT = "records_awaiting_conflict"
OTHER_DUPLICATES = "other_duplicates"
OTHER_SCREENING_EXCLUDED_HUMAN = "other_screening_excluded_human"
OTHER_SCREENING_EXCLUDED_STOPPING = "other_screening_excluded_stopping"
OTHER_SCREENING_AWAITING = "other_screening_awaiting"
# Sought reports that are neither assessed nor not retrieved yet
DBR_AWAITING = "dbr_awaiting"
DBR_AWAITING_RETRIEVAL = "dbr_awaiting_retrieval"  # no PDF yet and no full-text decision
DBR_AWAITING_DECISION = "dbr_awaiting_decision"  # retrieved; no settled full-text decision (pending, maybe, conflict)
OTHER_AWAITING = "other_awaiting"
OTHER_AWAITING_RETRIEVAL = "other_awaiting_retrieval"
OTHER_AWAITING_DECISION = "other_awaiting_decision"
DBR_INCLUDED_REPORTS = "dbr_included_reports"
OTHER_INCLUDED_REPORTS = "other_included_reports"

# records_by_box.csv boxes that are not counts of their own
OTHER_SCREENING_EXCLUDED = "other_screening_excluded"  # the other column's records excluded at title/abstract


class ColumnKeys(NamedTuple):
    """The keys of one flow column, from screening to inclusion."""

    excluded_human: str
    excluded_stopping: str
    excluded_box: str
    awaiting_screening: str
    sought: str
    notretrieved: str
    assessed: str
    excluded: str
    awaiting: str
    awaiting_retrieval: str
    awaiting_decision: str
    included_reports: str


COLUMNS: tuple[str, ...] = ("dbr", "other")
COLUMN_KEYS: dict[str, ColumnKeys] = {
    "dbr": ColumnKeys(
        excluded_human=RECORDS_EXCLUDED_HUMAN,
        excluded_stopping=RECORDS_EXCLUDED_STOPPING,
        excluded_box=RECORDS_EXCLUDED,
        awaiting_screening=RECORDS_AWAITING,
        sought=DBR_SOUGHT_REPORTS,
        notretrieved=DBR_NOTRETRIEVED_REPORTS,
        assessed=DBR_ASSESSED,
        excluded=DBR_EXCLUDED,
        awaiting=DBR_AWAITING,
        awaiting_retrieval=DBR_AWAITING_RETRIEVAL,
        awaiting_decision=DBR_AWAITING_DECISION,
        included_reports=DBR_INCLUDED_REPORTS,
    ),
    "other": ColumnKeys(
        excluded_human=OTHER_SCREENING_EXCLUDED_HUMAN,
        excluded_stopping=OTHER_SCREENING_EXCLUDED_STOPPING,
        excluded_box=OTHER_SCREENING_EXCLUDED,
        awaiting_screening=OTHER_SCREENING_AWAITING,
        sought=OTHER_SOUGHT_REPORTS,
        notretrieved=OTHER_NOTRETRIEVED_REPORTS,
        assessed=OTHER_ASSESSED,
        excluded=OTHER_EXCLUDED,
        awaiting=OTHER_AWAITING,
        awaiting_retrieval=OTHER_AWAITING_RETRIEVAL,
        awaiting_decision=OTHER_AWAITING_DECISION,
        included_reports=OTHER_INCLUDED_REPORTS,
    ),
}
