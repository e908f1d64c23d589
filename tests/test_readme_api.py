"""The README's "Use from Python" example runs as written, from the repository, and its pieces chain."""

from __future__ import annotations

import re

from conftest import REPO


def test_readme_python_example_runs(monkeypatch, capsys) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use from Python", 1)[1].split("\n## ", 1)[0]
    [code] = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    monkeypatch.chdir(REPO)
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    records, studies = map(int, re.match(r"(\d+) records, (\d+) studies", out[0]).groups())
    assert records > studies > 0
    assert out[1].startswith("screen next: ") and len(out[1]) > len("screen next: ")
    identified, duplicates, screened, awaiting = map(int, re.findall(r"\d+", out[2]))
    assert (identified, duplicates) == (records, records - studies)
    # PRISMA counts as screened only the studies with a decision (one here); the others await screening
    assert (screened, awaiting) == (1, studies - 1)


def test_importer_output_goes_straight_into_dedup() -> None:
    import slrflow
    from slrflow.records import as_table_row

    records = slrflow.load(REPO / "resources/searches/scopus.ris", REPO / "resources/searches/savedrecs.txt")
    assert isinstance(records[0]["authors"], list)
    from_lists = slrflow.deduplicate(records)
    from_text = slrflow.deduplicate([as_table_row(r) for r in records])
    assert from_lists.cluster_ids == from_text.cluster_ids and from_lists.match_reasons == from_text.match_reasons
    assert len(from_lists.records) < len(records)
