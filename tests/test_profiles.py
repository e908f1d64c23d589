"""The SLURM profile: it parses, names real rules, and a dry run plans one full-text job per PDF."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

PROFILE = Path(__file__).resolve().parents[1] / "workflow" / "profiles" / "slurm"


def rule_names(repo: Path) -> set[str]:
    names = set()
    for path in (repo / "workflow" / "rules").glob("*.smk"):
        names.update(re.findall(r"^rule (\w+):", path.read_text(), flags=re.MULTILINE))
    return names


def test_profile_parses_and_names_existing_rules(repo):
    profile = yaml.safe_load((PROFILE / "config.yaml").read_text())
    assert profile["executor"] == "slurm"
    for key in ("set-resources", "set-threads"):
        unknown = set(profile.get(key, {})) - rule_names(repo)
        assert not unknown, f"{key} names rules the workflow does not have: {unknown}"


def test_dry_run_plans_one_fulltext_job_per_pdf(repo):
    pytest.importorskip("snakemake_executor_plugin_slurm")
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "snakemake"),
            "-n",
            "--forceall",
            "--profile",
            str(PROFILE),
            "--directory",
            str(repo),
            "-s",
            str(repo / "workflow" / "Snakefile"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    output = result.stdout + result.stderr
    pdfs = sorted((repo / "resources" / "fulltext").glob("*.pdf"))
    planned = re.search(r"^extract_pdf\s+(\d+)$", output, flags=re.MULTILINE)
    assert planned and int(planned.group(1)) == len(pdfs) > 0
    assert "Using profile" in output and "slurm" in output
