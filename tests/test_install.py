"""The workflow runs however it is installed: from `pip install .` into another environment, and parsed by a plain
Snakemake (only snakemake installed) as `--sdm conda` needs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO

pytestmark = pytest.mark.workflow

VENV_PIP = [sys.executable, "-m", "pip"]


def make_venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    return path / "bin" / "python"


def site_packages(python: Path) -> Path:
    out = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(out.stdout.strip())


def clean_env(cwd: Path) -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != bin_dir)
    return {**os.environ, "PATH": path, "PWD": str(cwd)}


def test_pip_install_ships_the_workflow_and_runs_a_review(tmp_path):
    # Build the wheel from a copy of the sources (a build writes build/ beside them), as `pip install .` does.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "workflow", source / "workflow", ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    subprocess.run(
        [*VENV_PIP, "wheel", "-q", "--no-deps", "--no-build-isolation", str(source), "-w", str(wheels)], check=True
    )
    python = make_venv(tmp_path / "env")
    subprocess.run(
        [*VENV_PIP, "--python", str(python), "install", "-q", "--no-deps", *wheels.glob("*.whl")], check=True
    )
    # The libraries slrflow needs come from this test's environment; a .pth line does not run that environment's
    # own .pth files, so its editable slrflow stays invisible and only the installed copy can be imported.
    (site_packages(python) / "slrflow_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    where = subprocess.run(
        [str(python), "-c", "import slrflow.workflow_files as w; print(w.__file__); print(w.snakefile())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert str(tmp_path / "env") in where[0] and where[1] == str(tmp_path / "env/share/slrflow/workflow/Snakefile")

    work = tmp_path / "elsewhere"
    work.mkdir()
    init = subprocess.run(
        [str(tmp_path / "env/bin/slrflow"), "init", "rv", "--reviewer", "asha"],
        cwd=work,
        env=clean_env(work),
        capture_output=True,
        text=True,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    shutil.copyfile(
        FIXTURES / "import/medline_nbib/citefmt___baseline_pubmed.ris", work / "rv/resources/searches/pubmed.txt"
    )
    shutil.copyfile(FIXTURES / "import/ris/citefmt___baseline_scopus.ris", work / "rv/resources/searches/scopus.ris")
    (printed,) = [line.split() for line in init.stderr.splitlines() if "-c2 -s" in line]
    assert printed[3] == str(tmp_path / "env/share/slrflow/workflow/Snakefile")
    # This test environment has no snakemake script of its own (the library comes through the .pth file).
    result = subprocess.run(
        [str(python), "-m", "snakemake", *printed[1:]],
        cwd=work,
        env=clean_env(work),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (work / "rv/results/prisma/flow_diagram.png").stat().st_size > 0
    assert "records identified: 60" in result.stderr


def test_a_plain_snakemake_parses_the_workflow_for_sdm_conda(tmp_path):
    python = make_venv(tmp_path / "plain")
    install = subprocess.run(
        [*VENV_PIP, "--python", str(python), "install", "-q", f"snakemake=={version('snakemake')}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if install.returncode != 0:
        pytest.skip(f"cannot install snakemake into a fresh venv here: {install.stderr.strip()[-300:]}")
    review = tmp_path / "review"
    for folder in ("config", "resources", "screening"):
        shutil.copytree(REPO / folder, review / folder)
    result = subprocess.run(
        [
            str(tmp_path / "plain/bin/snakemake"),
            "-n",
            "--sdm",
            "conda",
            "-s",
            str(REPO / "workflow/Snakefile"),
            "--directory",
            str(review),
        ],
        cwd=tmp_path,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert "No module named" not in output and "Error" not in output.split("Building DAG of jobs")[0]
    assert "Building DAG of jobs" in output
    # Without conda on the machine, Snakemake stops where it would build the environments, after parsing.
    assert result.returncode == 0 or "conda" in output.split("Building DAG of jobs")[1]
