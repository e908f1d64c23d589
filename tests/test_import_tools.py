"""Another tool's screening labels on import (ASReview, Rayyan, Covidence), `slrflow migrate` into a decision log,
ASReview project files, and `slrflow simulate` on ASReview's `included` column."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import REPO, run_snakemake

from slrflow import importers
from slrflow.cli import main
from slrflow.errors import ImportFormatError
from slrflow.screening.decisions import read_log
from slrflow.tables import read_table

TOOLS = REPO / "tests/fixtures/import/tools"
CSV_DIR = REPO / "tests/fixtures/import/csv"


@pytest.fixture(scope="module")
def review(tmp_path_factory) -> Path:
    """The example review imported, with a third reviewer 'carol' who screened in another tool."""
    review = tmp_path_factory.mktemp("migrate_review")
    for folder in ("config", "resources", "screening"):
        shutil.copytree(REPO / folder, review / folder)
    config = yaml.safe_load((review / "config/config.yaml").read_text())
    config["screening"]["reviewers"].append("carol")
    (review / "config/config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    result = run_snakemake(review, "results/screening/title_abstract.csv")
    assert result.returncode == 0, result.stderr[-4000:]
    return review


def _asreview_csv(review: Path, tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """slrflow's own ASReview export of the review: ASReview's column names and labels."""
    path = tmp_path / "asreview_export.csv"
    assert main(["export", "--format", "asreview", "--output", str(path), "--directory", str(review)]) == 0
    labels = {row["slrflow_id"]: int(row["included"]) for row in read_table(path) if row["included"]}
    return path, labels


def test_asreview_labels_are_kept_from_csv_tsv_and_xlsx(review, tmp_path) -> None:
    import openpyxl

    path, labels = _asreview_csv(review, tmp_path)
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[0][rows[0].index("included")] = "label_included"  # the benchmark datasets' name for the same column
    tsv = tmp_path / "export.tsv"
    with tsv.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter="\t", lineterminator="\n").writerows(rows)
    xlsx = tmp_path / "export.xlsx"
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(xlsx)
    expected = {rid: {1: "include", 0: "exclude"}[label] for rid, label in labels.items()}
    for file, name in ((path, "csv"), (tsv, "tsv"), (xlsx, "xlsx")):
        result = importers.load(file)
        assert result.format == name
        found = {r["record_id"]: r["tool_decision"] for r in result.records if r["tool"] == "asreview"}
        assert found == expected, name


def test_rayyan_decisions_and_reasons_from_its_real_export() -> None:
    for name in ("csv/citefmt___baseline_rayyan.csv", "ris/citefmt___baseline_rayyan.ris"):
        result = importers.load(REPO / "tests/fixtures/import" / name)
        decisions = [r["tool_decision"] for r in result.records]
        # Six records screened by Emily in Rayyan, four not screened yet (no RAYYAN-INCLUSION note).
        assert decisions == ["Emily=include"] * 2 + ["Emily=maybe"] * 2 + ["Emily=exclude"] * 2 + [""] * 4
        assert [r["tool_id"] for r in result.records[:6]] == [f"rayyan-4292418{i}" for i in range(9, 10)] + [
            f"rayyan-4292419{i}" for i in range(5)
        ]


RAYYAN_TWO = (
    "key,title,authors,year,journal,notes\n"
    'rayyan-1,First title,"Smith, J",2001,J,"RAYYAN-INCLUSION: {""Kofi""=>""Included"", ""Ama""=>""Excluded""} '
    '| RAYYAN-LABELS: pilot | RAYYAN-EXCLUSION-REASONS: not adult social care,foreign language"\n'
    'rayyan-2,Second title,"Doe, A",2002,J,"RAYYAN-INCLUSION: {""Kofi""=>""Maybe"", ""Ama""=>""Included""}"\n'
)


def test_rayyan_several_reviewers_need_from(tmp_path, capsys) -> None:
    path = tmp_path / "rayyan.csv"
    path.write_text(RAYYAN_TWO)
    [first, second] = importers.load(path).records
    assert first["tool_decision"] == "Kofi=include; Ama=exclude"
    assert first["tool_reason"] == "not adult social care; foreign language"
    assert main(["migrate", str(path), "--reviewer", "ama", "--directory", str(tmp_path)]) == 2
    assert "--from" in capsys.readouterr().err
    assert main(["migrate", str(path), "--reviewer", "ama", "--from", "Ama", "--directory", str(tmp_path)]) == 0
    log = read_log(tmp_path / "screening/title_abstract/ama.csv", stage="title_abstract")
    assert [(d.record_id, d.decision) for d in log] == [
        (first["record_id"], "exclude"),
        (second["record_id"], "include"),
    ]
    assert log[0].note.startswith("migrated from rayyan: rayyan.csv (Ama, id rayyan-1")
    assert "foreign language" in log[0].note


def test_migrate_asreview_export_into_a_reviewers_log(review, tmp_path, capsys) -> None:
    path, labels = _asreview_csv(review, tmp_path)
    args = ["migrate", str(path), "--reviewer", "carol", "--directory", str(review)]
    assert main(args) == 0
    log = review / "screening/title_abstract/carol.csv"
    decisions = read_log(log, stage="title_abstract", reviewers=["asha", "ben", "carol"])
    assert {d.record_id: d.decision for d in decisions} == {
        rid: {1: "include", 0: "exclude"}[label] for rid, label in labels.items()
    }
    assert all(d.note == "migrated from asreview: asreview_export.csv" for d in decisions)
    before = log.read_bytes()
    assert main(args) == 0  # a second run adds nothing
    assert log.read_bytes() == before
    assert f"0 decisions appended to {log}; {len(labels)} already there" in capsys.readouterr().err
    # The workflow reads the migrated log like any other.
    result = run_snakemake(review, "results/screening/title_abstract.csv")
    assert result.returncode == 0, result.stderr[-3000:]


def test_migrate_refuses_a_reviewer_not_in_config(review, tmp_path, capsys) -> None:
    path, _ = _asreview_csv(review, tmp_path)
    assert main(["migrate", str(path), "--reviewer", "zoe", "--directory", str(review)]) == 2
    assert "'zoe' is not in screening.reviewers" in capsys.readouterr().err


def test_covidence_ids_and_the_list_from_its_file_name(tmp_path) -> None:
    path = tmp_path / "review_123456_irrelevant_csv_20240515101010.csv"
    shutil.copy(CSV_DIR / "citefmt___baseline_covidence.csv", path)
    records = importers.load(path).records
    assert [r["tool_id"] for r in records][:3] == ["#1", "#2", "#6"]
    assert {r["tool_stage"] for r in records} == {"title_abstract:exclude"}
    assert main(["migrate", str(path), "--reviewer", "kim", "--directory", str(tmp_path)]) == 0
    log = read_log(tmp_path / "screening/title_abstract/kim.csv", stage="title_abstract")
    assert len(log) == len(records) and {d.decision for d in log} == {"exclude"}
    # Without the list in the name there is no decision to migrate, and nothing is written.
    plain = importers.load(CSV_DIR / "citefmt___baseline_covidence.csv").records
    assert {r["tool_stage"] for r in plain} == {""}


def test_asreview_project_file_is_read_with_its_labels() -> None:
    path = TOOLS / "example_review_simulate.asreview"
    data = path.read_bytes()
    assert importers.detect_format(data) == "asreview_project"
    result = importers.load(path)
    assert result.format == "asreview_project" and len(result.records) == 27
    with zipfile.ZipFile(path) as archive:
        dataset = list(csv.DictReader(io.StringIO(archive.read("data/labelled.csv").decode("utf-8"))))
    assert [r["title"] for r in result.records] == [row["title"] for row in dataset]
    labelled = [r for r in result.records if r["tool_decision"]]
    assert len(labelled) == 10  # the simulation stopped after 10 records
    by_title = {row["title"]: row["included"] for row in dataset}
    assert all({"include": "1", "exclude": "0"}[r["tool_decision"]] == by_title[r["title"]] for r in labelled)


def test_older_or_broken_asreview_project_is_refused_with_what_to_export(tmp_path) -> None:
    old = io.BytesIO()
    with zipfile.ZipFile(old, "w") as archive:
        archive.writestr("project.json", json.dumps({"version": "1.5", "reviews": []}))
        archive.writestr("data/records.csv", "title\nA\n")
    for name, data in (("old.asreview", old.getvalue()), ("fake.asreview", b"not a zip at all")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ImportFormatError, match=r"ASReview .*project.*export the dataset") as caught:
            importers.load(path)
        assert str(caught.value).startswith(str(path))


def test_simulate_accepts_asreviews_included_column(tmp_path) -> None:
    rows = [
        {"record_id": f"r{i}", "title": f"peer support budget {i}" if i % 3 == 0 else f"unrelated topic {i}",
         "abstract": "", "included": "1" if i % 3 == 0 else "0"}
        for i in range(30)
    ]  # fmt: skip
    data = tmp_path / "asreview.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "order.csv"
    assert main(["simulate", str(data), "--prior", "r0", "--prior", "r1", "--output", str(out)]) == 0
    order = read_table(out)
    assert [r["record_id"] for r in order[:2]] == ["r0", "r1"]
    assert {r["record_id"] for r in order if r["label"] == "1"} == {f"r{i}" for i in range(0, 30, 3)}
