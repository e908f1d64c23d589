"""workflow/DATAFLOW.md against the rules: every file its table lists is some rule's output, and every rule output
under results/ is listed. The rules are read by Snakemake itself (a Snakefile that includes the repository's and
prints each rule's outputs), so any rule another engineer adds is seen the way Snakemake sees it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATAFLOW = REPO / "workflow" / "DATAFLOW.md"
# A row whose "written by" cell says so documents a file on purpose left out of the rules (Snakemake deletes
# outputs before a job runs, so state that must survive a rerun cannot be one).
NOT_A_RULE_OUTPUT = "not a rule output"
_BRACES = re.compile(r"\{([^{}]*,[^{}]*)\}")
_PLACEHOLDER = re.compile(r"<[^<>]+>|\{[^{}]+\}")


def expand_braces(path: str) -> list[str]:
    """'a.{svg,png}' -> ['a.svg', 'a.png'] (shell-style; a wildcard '{name}' has no comma and stays)."""
    match = _BRACES.search(path)
    if match is None:
        return [path]
    head, tail = path[: match.start()], path[match.end() :]
    return [expanded for option in match.group(1).split(",") for expanded in expand_braces(head + option + tail)]


def listed_files(cell: str) -> list[str]:
    """The paths of a DATAFLOW.md file cell: 'results/a/x.csv, y.{svg,png} and z.json' names three files (four
    paths) in results/a; later names without a folder are in the first one's folder."""
    cell = cell.replace("`", "").strip()
    names = [name.strip() for name in re.split(r"(?:,\s*|\s+and\s+)(?![^{]*\})", cell) if name.strip()]
    folder = names[0].rsplit("/", 1)[0] if "/" in names[0] else ""
    paths = [name if "/" in name else f"{folder}/{name}" for name in names]
    return [expanded for path in paths for expanded in expand_braces(path)]


def pattern(path: str) -> str:
    """A path with its wildcards ('{pdf}', '{pdf,[^/]+}', '<record_id>', '<pdf stem>') all written '*'."""
    return _PLACEHOLDER.sub("*", path)


def dataflow_files(text: str) -> dict[str, bool]:
    """Each file pattern DATAFLOW.md's table lists -> whether a rule must write it."""
    files: dict[str, bool] = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].lstrip("`").startswith("results/"):
            continue
        for path in listed_files(cells[0]):
            files[pattern(path)] = NOT_A_RULE_OUTPUT not in cells[1]
    return files


def rule_outputs(tmp_path: Path) -> dict[str, list[tuple[str, bool]]]:
    """Each rule's outputs as (path pattern, is a directory()), as Snakemake parses the repository's rules."""
    dump = tmp_path / "outputs.json"
    snakefile = tmp_path / "Snakefile"
    snakefile.write_text(
        f"include: {str(REPO / 'workflow' / 'Snakefile')!r}\n\n\n"
        "import json\n\n"
        f"with open({str(dump)!r}, 'w') as handle:\n"
        "    json.dump({rule.name: [(str(f), bool(f.is_directory)) for f in rule.output] for rule in workflow.rules},"
        " handle)\n",
        encoding="utf-8",
    )
    snakemake = Path(sys.executable).parent / "snakemake"
    result = subprocess.run(
        [str(snakemake), "-s", str(snakefile), "--directory", str(REPO), "--list-rules"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return {
        name: [(pattern(path), is_dir) for path, is_dir in outputs]
        for name, outputs in json.loads(dump.read_text()).items()
    }


def matches(path: str, listed: str) -> bool:
    """Whether a rule output (a pattern, or a file expand() made) is the file or files a listed pattern names."""
    if path == listed:
        return True
    return re.fullmatch(r"[^/]+".join(re.escape(part) for part in listed.split("*")), path) is not None


def declared_by(listed: str, outputs: list[tuple[str, bool]]) -> bool:
    return any(
        matches(listed, output) or matches(output, listed) or (is_dir and listed.startswith(output.rstrip("/") + "/"))
        for output, is_dir in outputs
    )


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> list[tuple[str, bool]]:
    per_rule = rule_outputs(tmp_path_factory.mktemp("rules"))
    assert {"extract_pdf", "match_fulltext", "extraction"} <= set(per_rule)
    return [output for outputs in per_rule.values() for output in outputs if output[0].startswith("results/")]


def test_every_file_in_dataflow_is_written_by_a_rule(outputs) -> None:
    files = dataflow_files(DATAFLOW.read_text(encoding="utf-8"))
    assert len(files) >= 20
    undeclared = [path for path, by_rule in files.items() if by_rule and not declared_by(path, outputs)]
    assert not undeclared, f"listed in DATAFLOW.md but no rule's output: {undeclared}"


def test_every_rule_output_under_results_is_in_dataflow(outputs) -> None:
    files = dataflow_files(DATAFLOW.read_text(encoding="utf-8"))
    missing = [
        output
        for output, is_dir in outputs
        if not any(matches(output, listed) for listed in files)
        and not (is_dir and any(listed.startswith(output.rstrip("/") + "/") for listed in files))
    ]
    assert not missing, f"rule outputs missing from DATAFLOW.md's table: {missing}"


def test_the_per_record_fulltext_jsons_are_a_declared_folder(outputs) -> None:
    assert ("results/fulltext/records", True) in outputs
    assert declared_by("results/fulltext/records/*.json", outputs)


def test_the_table_parser_reads_the_forms_the_table_uses() -> None:
    text = "\n".join(
        [
            "| file | written by | columns |",
            "| --- | --- | --- |",
            "| results/import/<search>.csv | `slrflow import` | x |",
            "| results/prisma/PRISMA.csv, flow_diagram.{svg,pdf,png} | `slrflow prisma` | y |",
            "| results/audit/index.html and summary.json, reviewers.csv | `slrflow audit` | z |",
            "| results/audit/history.json | `slrflow audit` (not a rule output: kept) | w |",
            "| `results/new/{name}.tsv` | a rule someone adds | v |",
        ]
    )
    assert dataflow_files(text) == {
        "results/import/*.csv": True,
        "results/prisma/PRISMA.csv": True,
        "results/prisma/flow_diagram.svg": True,
        "results/prisma/flow_diagram.pdf": True,
        "results/prisma/flow_diagram.png": True,
        "results/audit/index.html": True,
        "results/audit/summary.json": True,
        "results/audit/reviewers.csv": True,
        "results/audit/history.json": False,
        "results/new/*.tsv": True,
    }
    assert pattern("results/fulltext/pdf/{pdf,[^/]+}.json") == "results/fulltext/pdf/*.json"
    assert matches("results/screening/queue_asha.csv", "results/screening/queue_*.csv")  # expand()ed by the rule
    assert not matches("results/screening/a/queue_b.csv", "results/screening/*.csv")
