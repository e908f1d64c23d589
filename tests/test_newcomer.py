"""A newcomer's own review, exactly as the README says, with two real exports: init, copy, run; then decisions
written by hand in the README's format; errors where the user looks; and rm -rf results/ keeps "new this round".

The exports are real CC0 files from asreview/citation-file-formatting (tests/fixtures/import/PROVENANCE.md): a
PubMed export in PubMed (MEDLINE) format and a Scopus RIS export.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, REPO

from slrflow.config import load_config
from slrflow.tables import read_table

pytestmark = pytest.mark.workflow

BIN = Path(sys.executable).parent
EXPORTS = {
    "pubmed.txt": FIXTURES / "import/medline_nbib/citefmt___baseline_pubmed.ris",
    "scopus.ris": FIXTURES / "import/ris/citefmt___baseline_scopus.ris",
}
README_HEADING = "## Your own review, in three commands"


def readme_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index(README_HEADING) :].split("```")[1]
    return [line for line in block.splitlines() if line.strip()]


def newcomer_env(home: Path, cwd: Path) -> dict[str, str]:
    """A fresh shell: the venv not activated (its bin/ is not on PATH), HOME where the downloads are."""
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if Path(p) != BIN)
    return {**os.environ, "PATH": path, "HOME": str(home), "PWD": str(cwd)}


def run(command: str, *, home: Path, cwd: Path) -> subprocess.CompletedProcess:
    # The README says .venv/bin/; these tests run in that venv, wherever it is.
    command = re.sub(r"(?<![\w/])\.venv/bin/", f"{BIN}/", command)
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=newcomer_env(home, cwd), capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("home")
    (home / "Downloads").mkdir()
    for name, source in EXPORTS.items():
        shutil.copyfile(source, home / "Downloads" / name)
    return home


@pytest.fixture(scope="module")
def readme_run(home):
    """The README's three commands, run in the repository as written, the review in ~/myreview."""
    commands = readme_commands()
    assert len(commands) == 3 and commands[0].startswith(".venv/bin/slrflow init")
    results = [run(command, home=home, cwd=REPO) for command in commands]
    for command, result in zip(commands, results, strict=True):
        assert result.returncode == 0, f"{command}\n{result.stderr[-3000:]}"
    return home / "myreview", results


def test_the_readme_commands_build_the_review_from_both_exports(readme_run):
    review, (_, _, snakemake) = readme_run
    config = load_config(review / "config" / "config.yaml")
    assert (review / "screening" / "README.md").is_file()
    imported = read_table(review / "results/import/records.csv")
    per_database = {}
    for row in imported:
        per_database[row["database"]] = per_database.get(row["database"], 0) + 1
    assert per_database == {"PubMed": 50, "Scopus": 10}
    assert {s["database"] for s in config["searches"]} == set(per_database)
    # The run ends with the PRISMA summary, where to look and the command that starts the screening app.
    tail = snakemake.stderr[-2500:]
    assert "records identified: 60 (PubMed 50, Scopus 10)" in tail
    assert "results/prisma/flow_diagram.png" in tail
    assert f"{BIN}/slrflow serve --directory {review}" in tail or "slrflow serve --directory" in tail


def test_decisions_written_by_hand_give_a_screened_review(readme_run, home):
    review, (init, _, _) = readme_run
    config = load_config(review / "config" / "config.yaml")
    reviewer = config["screening"]["reviewers"][0]
    queue = read_table(review / "results/screening/queue.csv")
    assert queue, "nothing to screen"
    # The README's format, written as a person would: header, one line per decision, a quoted note with a comma.
    lines = ["record_id,decision,reason,reviewer,timestamp,note"]
    for i, row in enumerate(queue):
        decision = "include" if i < 2 else "exclude"
        lines.append(f'{row["record_id"]},{decision},,{reviewer},2025-02-03T09:{i % 60:02d}:00+01:00,"read, decided"')
    log = review / "screening" / "title_abstract" / f"{reviewer}.csv"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert list(csv.reader(log.open()))[1][-1] == "read, decided"
    # Rerun from the review's parent folder with the command `slrflow init` printed.
    printed = [line.strip() for line in init.stderr.splitlines() if "snakemake -c2 -s" in line]
    assert len(printed) == 1
    again = run(printed[0], home=home, cwd=home)
    assert again.returncode == 0, again.stderr[-3000:]
    counts = json.loads((review / "results/prisma/counts.json").read_text())
    assert counts["records_screened"] == len(queue)
    assert counts["records_excluded"] == len(queue) - 2
    assert counts["dbr_sought_reports"] == 2
    assert read_table(review / "results/screening/queue.csv") == []


def copy_review(review: Path, to: Path) -> Path:
    for folder in ("config", "resources", "screening"):
        shutil.copytree(review / folder, to / folder)
    return to


def test_a_failing_step_prints_its_message_last(readme_run, home, tmp_path):
    review = copy_review(readme_run[0], tmp_path / "broken")
    reviewer = load_config(review / "config" / "config.yaml")["screening"]["reviewers"][0]
    log = review / "screening" / "title_abstract" / f"{reviewer}.csv"
    n_lines = len(log.read_text().splitlines())
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"r0123456789abcde,include,,{reviewer},yesterday,\n")
    result = run(f".venv/bin/snakemake -c2 --directory {review}", home=home, cwd=REPO)
    assert result.returncode != 0
    tail = "\n".join(result.stderr.splitlines()[-12:])
    assert f"line {n_lines + 1}" in tail and f"{reviewer}.csv" in tail and "ISO 8601 with a time zone" in tail


def test_a_config_error_names_the_key_and_the_fix_before_anything_else(readme_run, home, tmp_path):
    review = copy_review(readme_run[0], tmp_path / "badconfig")
    path = review / "config" / "config.yaml"
    path.write_text(path.read_text().replace('date: "', 'date: "31/01/', 1))
    result = run(f".venv/bin/snakemake -c2 --directory {review}", home=home, cwd=REPO)
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    where = next(i for i, line in enumerate(lines) if "searches[0] (pubmed).date is" in line)
    assert "expected a date written YYYY-MM-DD, e.g. 2024-05-14" in lines[where]
    assert where <= 2 and "Failed validating" not in result.stderr and "schema[" not in result.stderr


def test_deleting_results_gives_the_same_new_since_last_round_report(readme_run, home, tmp_path):
    review = copy_review(readme_run[0], tmp_path / "update")
    # An update search a year later (round 2): another real export, declared beside the first round's.
    shutil.copyfile(FIXTURES / "import/ris/citefmt___baseline_embase.ris", review / "resources/searches/embase.ris")
    path = review / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text())
    config["searches"].append(
        {
            "name": "embase",
            "database": "Embase",
            "file": "resources/searches/embase.ris",
            "date": "2026-02-01",
            "query": "the update search",
            "round": 2,
        }
    )
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    command = f".venv/bin/snakemake -c2 --directory {review}"
    assert run(command, home=home, cwd=REPO).returncode == 0
    reports = ("results/audit/new_records.csv", "results/audit/summary.json")
    before = {name: (review / name).read_bytes() for name in reports}
    summary = json.loads(before["results/audit/summary.json"])
    assert summary["round"] == 2 and summary["new_records"] > 0
    assert summary["previous_round"]["searches"] == ["pubmed", "scopus"]
    shutil.rmtree(review / "results")
    assert run(command, home=home, cwd=REPO).returncode == 0
    assert {name: (review / name).read_bytes() for name in reports} == before
