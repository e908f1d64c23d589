"""Shared test fixtures: paths to the repository, the shipped fixtures and the optional shared data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
# ../shared beside the clone holds the large and GPL-licensed data; CI has it, a bare clone does not.
SHARED = Path(os.environ.get("SLRFLOW_SHARED", REPO.parent / "shared"))
SHARED_DATA = SHARED / "data"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip the test when this clone has no shared folder beside it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent (tests on shared data run where it is, as in CI)")
    return SHARED_DATA


def run_snakemake(review: Path, *args: str) -> subprocess.CompletedProcess:
    """The repository's workflow on the review in `review`, with this venv's commands first on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    return subprocess.run(
        [f"{bin_dir}/snakemake", "-s", str(REPO / "workflow" / "Snakefile"), "--directory", str(review), "-c2", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
