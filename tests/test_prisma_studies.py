"""Reports and studies: results/dedup/studies.csv links reports of one study, and PRISMA counts both.

PRISMA 2020 reports "Studies included in review" and "Reports of included studies" apart: an erratum, a
conference abstract and the later article, a protocol and its results paper are several reports of one study.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml

from slrflow.errors import InputFileError
from slrflow.prisma import check_arithmetic, count_prisma, read_inputs, results_paths, write_outputs
from slrflow.prisma.boxes import NEW_REPORTS, NEW_STUDIES

PRISMA = Path(__file__).parent / "fixtures" / "prisma"
# The `simple` fixture's reports included at full text, and one excluded there (wrong population).
BERGMANN, LINDQVIST, ROSSI = "r4ba9e668ef90080", "rebba7dda1756a85", "r7b6ebca17d0161b"
CARR = "rc830c137280455c"
COLUMNS = ["record_id", "study_id", "relation", "linked_to", "reason"]


def _config() -> dict:
    return yaml.safe_load((PRISMA / "simple" / "config.yaml").read_text(encoding="utf-8"))


def _review(tmp_path: Path, links: list[dict[str, str]] | None) -> Path:
    """The `simple` fixture's results with a studies.csv holding one row per dedup record (None: no file)."""
    results = tmp_path / "results"
    shutil.copytree(PRISMA / "simple" / "results", results)
    if links is not None:
        with open(results / "dedup" / "records.csv", encoding="utf-8", newline="") as handle:
            report_ids = [row["record_id"] for row in csv.DictReader(handle)]
        linked = {link["record_id"]: link for link in links}
        rows = [
            linked.get(rid, {"record_id": rid, "study_id": rid, "relation": "", "linked_to": "", "reason": ""})
            for rid in report_ids
        ]
        rows += [link for link in links if link["record_id"] not in report_ids]
        with open(results / "dedup" / "studies.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return results


def _link(report: str, study: str, relation: str = "erratum") -> dict[str, str]:
    return {"record_id": report, "study_id": study, "relation": relation, "linked_to": study, "reason": "test"}


def _count(results: Path):
    return count_prisma(read_inputs(**results_paths(results)), _config())


def test_without_studies_csv_each_report_is_a_study(tmp_path: Path) -> None:
    counts = _count(_review(tmp_path, None)).counts
    assert counts.new_reports == counts.new_studies == 3


def test_studies_csv_without_links_changes_nothing(tmp_path: Path) -> None:
    counts = _count(_review(tmp_path, [])).counts
    assert counts.new_reports == counts.new_studies == 3


def test_two_included_reports_of_one_study_count_as_one_study(tmp_path: Path) -> None:
    result = _count(_review(tmp_path, [_link(LINDQVIST, BERGMANN, "conference abstract")]))
    c = check_arithmetic(result.counts)
    assert (c.new_reports, c.new_studies, c.total_reports, c.total_studies) == (3, 2, 3, 2)
    studies = {m.record_id: m for m in result.box(NEW_STUDIES)}
    assert set(studies) == {BERGMANN, ROSSI}
    assert studies[BERGMANN].report_id == f"{BERGMANN}; {LINDQVIST}"
    reports = {m.record_id: m.study_id for m in result.box(NEW_REPORTS)}
    assert reports == {BERGMANN: BERGMANN, LINDQVIST: BERGMANN, ROSSI: ROSSI}
    # every box before inclusion still counts reports, and names each report's study
    assert c.dbr_sought_reports == 10
    assert {m.study_id for m in result.members if m.report_id == LINDQVIST} == {BERGMANN}


def test_an_excluded_report_of_an_included_study_is_not_a_report_of_an_included_study(tmp_path: Path) -> None:
    c = _count(_review(tmp_path, [_link(CARR, BERGMANN)])).counts
    assert (c.new_reports, c.new_studies) == (3, 3)
    assert c.dbr_excluded_total == 5  # Carr is still excluded at full text, with its reason


def test_a_study_whose_main_report_was_not_included_is_named_by_its_main_report(tmp_path: Path) -> None:
    # Bergmann (included) reports the study whose main report is Carr (excluded at full text): one study
    result = _count(_review(tmp_path, [_link(BERGMANN, CARR, "protocol")]))
    assert result.counts.new_studies == 3
    assert {m.record_id for m in result.box(NEW_STUDIES)} == {CARR, LINDQVIST, ROSSI}


def test_prisma_outputs_carry_reports_and_studies(tmp_path: Path) -> None:
    results = _review(tmp_path, [_link(LINDQVIST, BERGMANN), _link(ROSSI, BERGMANN)])
    write_outputs(_count(results), tmp_path / "prisma")
    counts = json.loads((tmp_path / "prisma" / "counts.json").read_text(encoding="utf-8"))
    assert (counts["new_reports"], counts["new_studies"]) == (3, 1)
    with open(tmp_path / "prisma" / "PRISMA.csv", encoding="utf-8", newline="") as handle:
        cells = {row["data"]: row["n"] for row in csv.DictReader(handle)}
    assert (cells["new_reports"], cells["new_studies"], cells["total_reports"], cells["total_studies"]) == (
        "3",
        "1",
        "3",
        "1",
    )


@pytest.mark.parametrize(
    ("link", "message"),
    [
        (_link("rnotarecord00000", BERGMANN), r"studies\.csv, line \d+: record_id rnotarecord00000 is not a record"),
        (_link(LINDQVIST, "rnotarecord00000"), r"studies\.csv, line \d+: study_id rnotarecord00000 is not a record"),
    ],
)
def test_a_stale_studies_csv_is_refused_with_its_line(tmp_path: Path, link: dict[str, str], message: str) -> None:
    with pytest.raises(InputFileError, match=message):
        _count(_review(tmp_path, [link]))


def test_studies_csv_needs_its_columns(tmp_path: Path) -> None:
    results = _review(tmp_path, [])
    (results / "dedup" / "studies.csv").write_text("record_id,linked_to\nr4ba9e668ef90080,\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="lacks the column"):
        _count(results)
