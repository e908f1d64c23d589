"""slrflow.layout against workflow/DATAFLOW.md: every file and folder the layout names is one the data-flow table
lists, so the library, the app and the CLI defaults cannot drift from the documented results/ folder."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from slrflow.layout import RESULTS, ResultsLayout

REPO = Path(__file__).resolve().parents[1]
DATAFLOW = (REPO / "workflow" / "DATAFLOW.md").read_text(encoding="utf-8")
# The placeholders DATAFLOW.md writes in file names, for the layout's functions of one name.
EXAMPLES = {
    "stage_statuses": "title_abstract",
    "reviewer_queue": "<reviewer>",
    "pdf_record": "<pdf stem>",
    "fulltext_record": "<record_id>",
}
FOLDERS = {"dedup", "screening", "fulltext", "pdf_records", "fulltext_records", "prisma", "audit"}


def layout_paths() -> dict[str, str]:
    """Every path ResultsLayout() names, by attribute, as a POSIX path relative to the review."""
    layout = ResultsLayout()
    paths = {}
    for name, member in inspect.getmembers(ResultsLayout):
        if name.startswith("_") or name == "of_review":
            continue
        if isinstance(member, property):
            paths[name] = getattr(layout, name).as_posix()
        elif inspect.isfunction(member):
            paths[name] = getattr(layout, name)(EXAMPLES[name]).as_posix()
    return paths


def test_the_layout_names_every_kind_of_path() -> None:
    paths = layout_paths()
    assert set(EXAMPLES) <= set(paths)
    assert len(paths) >= 25
    assert all(path.startswith(f"{RESULTS.as_posix()}/") for path in paths.values())


@pytest.mark.parametrize(("name", "path"), sorted(layout_paths().items()))
def test_every_layout_path_is_in_dataflow(name: str, path: str) -> None:
    wanted = f"{path}/" if name in FOLDERS else path
    assert wanted in DATAFLOW, f"ResultsLayout.{name} = {path} is not in workflow/DATAFLOW.md"


def test_of_review_puts_results_under_the_review(tmp_path: Path) -> None:
    layout = ResultsLayout.of_review(tmp_path)
    assert layout.clusters == tmp_path / "results" / "dedup" / "clusters.csv"
    assert layout.fulltext_record("r1") == tmp_path / "results" / "fulltext" / "records" / "r1.json"


def test_no_module_of_the_package_is_over_400_lines() -> None:
    """Issue 15: a module a maintainer can read whole; split one along its seams before it grows past this."""
    package = REPO / "workflow" / "slrflow"
    long = {
        str(path.relative_to(package)): n
        for path in package.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
