"""`slrflow prisma` as the workflow rule calls it."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import pytest

import slrflow.prisma
from slrflow.cli import main

PRISMA = Path(__file__).parent / "fixtures" / "prisma"
OUTPUTS = [
    "PRISMA.csv",
    "counts.json",
    "flow_diagram.pdf",
    "flow_diagram.png",
    "flow_diagram.svg",
    "records_by_box.csv",
]


def test_writes_every_output_from_named_inputs(tmp_path: Path, capsys) -> None:
    results = PRISMA / "full" / "results"
    out = tmp_path / "prisma"
    code = main(
        [
            "prisma",
            "--config", str(PRISMA / "full" / "config.yaml"),
            "--import-records", str(results / "import" / "records.csv"),
            "--clusters", str(results / "dedup" / "clusters.csv"),
            "--dedup-records", str(results / "dedup" / "records.csv"),
            "--title-abstract", str(results / "screening" / "title_abstract.csv"),
            "--full-text", str(results / "screening" / "full_text.csv"),
            "--matches", str(results / "fulltext" / "matches.csv"),
            "--pdf-status", str(results / "fulltext" / "pdf"),
            "--stopping", str(results / "screening" / "stopping.json"),
            "--results", str(tmp_path / "nowhere"),
            "--outdir", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS
    counts = json.loads((out / "counts.json").read_text(encoding="utf-8"))
    assert counts["records_screened"] == 18 and counts["records_awaiting"] == 1 and counts["new_studies"] == 4
    assert counts["dbr_excluded"] == [
        {"reason": "wrong population", "n": 2},
        {"reason": "wrong outcome", "n": 1},
        {"reason": "wrong study design", "n": 2},
    ]
    with open(out / "records_by_box.csv", encoding="utf-8", newline="") as handle:
        boxes = list(csv.DictReader(handle))
    assert list(boxes[0]) == [
        "box",
        "record_id",
        "report_id",
        "study_id",
        "database",
        "source_file",
        "source_position",
        "reason",
        "title",
    ]
    assert sum(row["box"] == "duplicates" for row in boxes) == counts["duplicates"]
    assert "18 screened" in capsys.readouterr().out


def test_results_folder_defaults(tmp_path: Path) -> None:
    out = tmp_path / "prisma"
    args = [
        "prisma",
        "--config",
        str(PRISMA / "simple" / "config.yaml"),
        "--results",
        str(PRISMA / "simple" / "results"),
    ]
    assert main([*args, "--outdir", str(out)]) == 0
    counts = json.loads((out / "counts.json").read_text(encoding="utf-8"))
    assert counts["database_specific_results"] == [
        {"name": "MEDLINE", "n": 8},
        {"name": "Embase", "n": 7},
        {"name": "Scopus", "n": 6},
    ]
    assert counts["other_methods"] is False


def test_arithmetic_violation_exits_non_zero_and_writes_nothing(tmp_path: Path, monkeypatch, capsys) -> None:
    real = slrflow.prisma.count_prisma

    def broken(inputs, config):
        result = real(inputs, config)
        return dataclasses.replace(result, counts=dataclasses.replace(result.counts, records_screened=99))

    monkeypatch.setattr(slrflow.prisma, "count_prisma", broken)
    out = tmp_path / "prisma"
    args = ["prisma", "--config", str(PRISMA / "full" / "config.yaml"), "--results", str(PRISMA / "full" / "results")]
    assert main([*args, "--outdir", str(out)]) == 2
    error = capsys.readouterr().err
    assert "records_screened = 99" in error and "database_results 26" in error
    assert not out.exists()


def test_missing_required_input_exits_non_zero(tmp_path: Path, capsys) -> None:
    args = ["prisma", "--config", str(PRISMA / "full" / "config.yaml"), "--results", str(tmp_path)]
    assert main(args) == 2
    assert "records.csv: does not exist" in capsys.readouterr().err


def test_unreadable_config_exits_non_zero(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "config.yaml"
    bad.write_text("searches: [unclosed\n", encoding="utf-8")
    assert main(["prisma", "--config", str(bad), "--results", str(PRISMA / "full" / "results")]) == 2
    assert "not valid YAML" in capsys.readouterr().err


def test_config_is_required(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["prisma"])
    assert "--config" in capsys.readouterr().err
