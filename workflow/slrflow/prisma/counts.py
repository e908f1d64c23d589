"""PrismaCounts (every number in the diagram), the records behind each box, and the files that hold them.

The names of the counts are the constants in slrflow.prisma.boxes; `slrflow.prisma.flow.count_prisma` makes them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from slrflow.tables import atomic_open, write_table

__all__ = [
    "MEMBER_COLUMNS",
    "Member",
    "Pairs",
    "PrismaCounts",
    "PrismaResult",
    "write_counts_json",
    "write_records_by_box",
]

Pairs = tuple[tuple[str, int], ...]


@dataclass(frozen=True, kw_only=True)
class PrismaCounts:
    """Every number in the diagram; the first block is named after the PRISMA2020 R package's nodes.

    Only what happened is counted: records_screened holds records with a settled title/abstract decision,
    dbr_notretrieved_reports reports whose retrieval failed, dbr_assessed reports with a settled full-text
    decision. What is still pending is counted apart (records_awaiting, dbr_awaiting, ...), never hidden.
    Reports and studies: new_reports counts included reports, new_studies the studies they belong to.
    """

    previous_studies: int = 0
    previous_reports: int = 0
    database_results: int = 0
    database_specific_results: Pairs = ()
    register_results: int = 0
    register_specific_results: Pairs = ()
    website_results: int = 0
    organisation_results: int = 0
    citations_results: int = 0
    duplicates: int = 0
    excluded_automatic: int = 0
    excluded_other: int = 0
    records_screened: int = 0
    records_excluded: int = 0
    dbr_sought_reports: int = 0
    dbr_notretrieved_reports: int = 0
    other_sought_reports: int = 0
    other_notretrieved_reports: int = 0
    dbr_assessed: int = 0
    dbr_excluded: Pairs = ()
    other_assessed: int = 0
    other_excluded: Pairs = ()
    new_studies: int = 0
    new_reports: int = 0
    total_studies: int = 0
    total_reports: int = 0
    # slrflow's additions: how the boxes above break down, and what is still awaiting a decision.
    previous_review: bool = False
    other_methods: bool = False
    stopping_applied: bool = False
    other_specific_results: Pairs = ()
    records_excluded_human: int = 0
    records_excluded_stopping: int = 0
    records_awaiting: int = 0
    records_awaiting_unscreened: int = 0
    records_awaiting_conflict: int = 0
    dbr_awaiting: int = 0
    dbr_awaiting_retrieval: int = 0
    dbr_awaiting_decision: int = 0
    dbr_included_reports: int = 0
    other_duplicates: int = 0
    other_screening_excluded_human: int = 0
    other_screening_excluded_stopping: int = 0
    other_screening_awaiting: int = 0
    other_awaiting: int = 0
    other_awaiting_retrieval: int = 0
    other_awaiting_decision: int = 0
    other_included_reports: int = 0

    @property
    def records_identified(self) -> int:
        return self.database_results + self.register_results

    @property
    def other_identified(self) -> int:
        return self.website_results + self.organisation_results + self.citations_results

    @property
    def dbr_excluded_total(self) -> int:
        return sum(n for _, n in self.dbr_excluded)

    @property
    def other_excluded_total(self) -> int:
        return sum(n for _, n in self.other_excluded)

    @property
    def pending(self) -> bool:
        """Whether any record or report is still awaiting screening, retrieval or a decision."""
        return bool(self.records_awaiting or self.other_screening_awaiting or self.dbr_awaiting or self.other_awaiting)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: pairs become lists of {"name"|"reason": label, "n": count}."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, tuple):
                key = "reason" if item.name.endswith("excluded") else "name"
                value = [{key: label, "n": n} for label, n in value]
            out[item.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PrismaCounts:
        kwargs: dict[str, Any] = {}
        for item in fields(cls):
            if item.name not in data:
                continue
            value = data[item.name]
            if isinstance(value, list):
                value = tuple((entry.get("reason", entry.get("name")), int(entry["n"])) for entry in value)
            kwargs[item.name] = value
        return cls(**kwargs)

    def template_values(self) -> dict[str, int | list[tuple[str, int]]]:
        """The `n` cells of the R package's PRISMA.csv."""
        from slrflow.prisma.template import DATA_NODES

        data = asdict(self)
        return {node: list(data[node]) if isinstance(data[node], tuple) else data[node] for node in DATA_NODES}


MEMBER_COLUMNS: tuple[str, ...] = (
    "box",
    "record_id",
    "report_id",
    "study_id",
    "database",
    "source_file",
    "source_position",
    "reason",
    "title",
)


@dataclass(frozen=True)
class Member:
    """One record (identification boxes), report (later boxes) or study (new_studies) behind a box's number.

    record_id is the import record (identification) or the report; report_id the dedup record; study_id the
    study the report belongs to (its own id unless results/dedup/studies.csv links it to another report).
    """

    box: str
    record_id: str
    report_id: str = ""
    study_id: str = ""
    database: str = ""
    source_file: str = ""
    source_position: str = ""
    reason: str = ""
    title: str = ""


@dataclass(frozen=True)
class PrismaResult:
    counts: PrismaCounts
    members: list[Member] = field(default_factory=list)

    def box(self, name: str) -> list[Member]:
        return [member for member in self.members if member.box == name]


def write_counts_json(path: str | Path, counts: PrismaCounts) -> None:
    with atomic_open(path) as handle:
        json.dump(counts.as_dict(), handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def write_records_by_box(path: str | Path, members: Iterable[Member]) -> None:
    write_table(path, (asdict(member) for member in members), MEMBER_COLUMNS)
