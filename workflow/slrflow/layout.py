"""The results/ folder as workflow/DATAFLOW.md lays it out: one name per file the stages hand to each other.

    layout = ResultsLayout(Path("results"))   # or ResultsLayout.of_review(review_directory)
    layout.clusters        -> results/dedup/clusters.csv
    layout.pdf_record(stem) -> results/fulltext/pdf/<stem>.json

The library, the app and the command-line defaults take their paths from here, so moving a file is one change
(and DATAFLOW.md's table, which tests/test_layout.py checks against this module).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["RESULTS", "ResultsLayout"]

# The results folder of a review, relative to the review's directory (the workflow's working directory).
RESULTS = Path("results")


@dataclass(frozen=True)
class ResultsLayout:
    root: Path = RESULTS

    @classmethod
    def of_review(cls, directory: str | Path) -> ResultsLayout:
        return cls(Path(directory) / RESULTS)

    # import
    @property
    def import_records(self) -> Path:
        return self.root / "import" / "records.csv"

    # dedup
    @property
    def dedup(self) -> Path:
        return self.root / "dedup"

    @property
    def clusters(self) -> Path:
        return self.dedup / "clusters.csv"

    @property
    def dedup_records(self) -> Path:
        return self.dedup / "records.csv"

    @property
    def dedup_matches(self) -> Path:
        return self.dedup / "matches.csv"

    @property
    def studies(self) -> Path:
        return self.dedup / "studies.csv"

    @property
    def refused(self) -> Path:
        return self.dedup / "refused.csv"

    # screening
    @property
    def screening(self) -> Path:
        return self.root / "screening"

    def stage_statuses(self, stage: str) -> Path:
        """results/screening/title_abstract.csv or full_text.csv."""
        return self.screening / f"{stage}.csv"

    @property
    def title_abstract(self) -> Path:
        return self.stage_statuses("title_abstract")

    @property
    def full_text(self) -> Path:
        return self.stage_statuses("full_text")

    @property
    def ranking(self) -> Path:
        return self.screening / "ranking.csv"

    @property
    def queue(self) -> Path:
        return self.screening / "queue.csv"

    def reviewer_queue(self, reviewer: str) -> Path:
        return self.screening / f"queue_{reviewer}.csv"

    @property
    def model_card(self) -> Path:
        return self.screening / "model.json"

    @property
    def stopping(self) -> Path:
        return self.screening / "stopping.json"

    # full text
    @property
    def fulltext(self) -> Path:
        return self.root / "fulltext"

    @property
    def pdf_records(self) -> Path:
        """results/fulltext/pdf: one <pdf stem>.json per PDF (`slrflow fulltext`)."""
        return self.fulltext / "pdf"

    def pdf_record(self, stem: str) -> Path:
        return self.pdf_records / f"{stem}.json"

    @property
    def fulltext_matches(self) -> Path:
        return self.fulltext / "matches.csv"

    @property
    def extraction(self) -> Path:
        return self.fulltext / "extraction.csv"

    @property
    def fulltext_records(self) -> Path:
        """results/fulltext/records: one <record_id>.json per matched record (`slrflow extraction`)."""
        return self.fulltext / "records"

    def fulltext_record(self, record_id: str) -> Path:
        return self.fulltext_records / f"{record_id}.json"

    # PRISMA, audit
    @property
    def prisma(self) -> Path:
        return self.root / "prisma"

    @property
    def prisma_counts(self) -> Path:
        return self.prisma / "counts.json"

    @property
    def records_by_box(self) -> Path:
        return self.prisma / "records_by_box.csv"

    @property
    def audit(self) -> Path:
        return self.root / "audit"
