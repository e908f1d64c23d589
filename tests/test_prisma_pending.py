"""A review in the middle of screening: the counts say only what happened, and show what is pending as pending.

Before: a review still screening showed "Records screened (n = 60)" beside "not yet screened (n = 60)", and with no
fulltext folder every report sent to full text showed as "Reports not retrieved".
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from slrflow.prisma import PrismaCounts, check_arithmetic, count_prisma, read_inputs, results_paths
from slrflow.prisma import boxes as B
from slrflow.prisma.layout import flow_boxes

PRISMA = Path(__file__).parent / "fixtures" / "prisma"


def _early(tmp_path: Path, decided: int, *, full_text: bool) -> Path:
    """The `full` fixture with only the first `decided` title/abstract decisions, optionally no full-text stage."""
    results = tmp_path / "results"
    shutil.copytree(PRISMA / "full" / "results", results)
    path = results / "screening" / "title_abstract.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    for row in table[decided:]:
        row.update(status="pending", decided_by="", n_decisions="0", first_decided_at="", reason="")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    sought = {row["record_id"] for row in table if row["status"] in {"include", "maybe"}}
    full_text_path = results / "screening" / "full_text.csv"
    if full_text:
        with open(full_text_path, encoding="utf-8", newline="") as handle:
            kept = [row for row in csv.DictReader(handle) if row["record_id"] in sought]
        with open(full_text_path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(kept[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(kept)
    else:
        full_text_path.unlink()
        (results / "fulltext" / "matches.csv").unlink()
        shutil.rmtree(results / "fulltext" / "pdf")
    return results


def _counts(results: Path, **config_changes) -> PrismaCounts:
    config = yaml.safe_load((PRISMA / "full" / "config.yaml").read_text(encoding="utf-8"))
    config.update(config_changes)
    return check_arithmetic(count_prisma(read_inputs(**results_paths(results)), config).counts)


@pytest.mark.parametrize("decided", [0, 3, 10])
def test_records_screened_counts_only_settled_decisions(tmp_path: Path, decided: int) -> None:
    c = _counts(_early(tmp_path, decided, full_text=False), stopping={"apply": False})
    # the 19 left-column reports after deduplication: screened ones and awaiting ones, never both
    assert c.records_screened + c.records_awaiting == 19
    assert c.records_screened <= decided
    assert c.records_screened == c.records_excluded + c.dbr_sought_reports
    if decided == 0:
        assert c.records_screened == 0 and c.records_awaiting == 19


def test_without_a_fulltext_folder_nothing_is_not_retrieved(tmp_path: Path) -> None:
    c = _counts(_early(tmp_path, 10, full_text=False), stopping={"apply": False})
    assert c.dbr_sought_reports > 0
    assert c.dbr_notretrieved_reports == c.other_notretrieved_reports == 0
    assert c.dbr_awaiting_retrieval == c.dbr_sought_reports
    assert c.dbr_assessed == c.new_reports == c.new_studies == 0


def test_stopping_rule_applied_excludes_what_is_pending_and_says_so(tmp_path: Path) -> None:
    c = _counts(_early(tmp_path, 10, full_text=True))
    assert c.stopping_applied and c.records_excluded_stopping > 0
    assert c.records_awaiting == c.records_awaiting_conflict  # only a disagreement is left waiting


def test_own_diagram_shows_pending_in_dashed_boxes_beside_what_happened(tmp_path: Path) -> None:
    c = _counts(_early(tmp_path, 10, full_text=False), stopping={"apply": False})
    cells = flow_boxes(c)
    screened = cells["screened", "dbr"][0]
    assert [text for text, _ in screened.lines] == ["Records screened", f"(n\u00a0=\u00a0{c.records_screened})"]
    excluded, awaiting = cells["screened", "dbr_right"]
    assert not excluded.dashed and awaiting.dashed
    assert awaiting.lines[0][0] == f"Records awaiting screening (n\u00a0=\u00a0{c.records_awaiting}):"
    not_retrieved, awaiting_retrieval = cells["sought", "dbr_right"]
    assert not_retrieved.lines[1][0] == "(n\u00a0=\u00a00)"
    assert awaiting_retrieval.dashed
    assert awaiting_retrieval.lines[0][0] == f"Reports awaiting retrieval (n\u00a0=\u00a0{c.dbr_sought_reports})"


def test_a_finished_review_has_nothing_pending() -> None:
    c = _counts(PRISMA / "simple" / "results")
    assert c.records_awaiting == 0
    assert not PrismaCounts(records_screened=3, records_excluded=3).pending


def test_every_count_key_is_a_field_of_prisma_counts() -> None:
    names = {item.name for item in fields(PrismaCounts)}
    keys = {value for name, value in vars(B).items() if name.isupper() and isinstance(value, str)}
    assert keys - names == {B.OTHER_SCREENING_EXCLUDED}  # a box of records_by_box.csv, not a count
    for column in B.COLUMN_KEYS.values():
        assert set(column) - {column.excluded_box} <= names


def test_a_report_without_pdf_is_not_retrieved_once_retrieval_is_complete(tmp_path: Path) -> None:
    results = _early(tmp_path, 10, full_text=False)
    open_ = _counts(results, stopping={"apply": False})
    closed = _counts(results, stopping={"apply": False}, fulltext={"retrieval_complete": True})
    assert closed.dbr_notretrieved_reports == open_.dbr_awaiting_retrieval > 0
    assert closed.dbr_awaiting_retrieval == 0
