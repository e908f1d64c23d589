"""Where the workflow's own files are (Snakefile, rules/, schemas/, envs/, profiles/).

In a source tree they sit beside the package, in workflow/; `pip install .` puts them under the environment's
data directory, share/slrflow/workflow (pyproject.toml's data-files), because they are not Python modules.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

__all__ = ["snakefile", "workflow_directory"]

_SOURCE_TREE = Path(__file__).resolve().parents[1]


def workflow_directory() -> Path:
    """workflow/ of the source tree this package was imported from, else the installed copy."""
    if (_SOURCE_TREE / "Snakefile").is_file():
        return _SOURCE_TREE
    installed = Path(sysconfig.get_path("data")) / "share" / "slrflow" / "workflow"
    if (installed / "Snakefile").is_file():
        return installed
    raise FileNotFoundError(
        f"slrflow's workflow files are neither in {_SOURCE_TREE} nor in {installed}; reinstall slrflow"
    )


def snakefile() -> Path:
    return workflow_directory() / "Snakefile"
