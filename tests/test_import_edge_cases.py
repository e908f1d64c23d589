"""Imports that lose nothing silently (issue 12): one fixture per edge case, as rispy keeps them, plus properties.

Fixtures are in tests/fixtures/import/edge_cases/ (provenance in tests/fixtures/import/PROVENANCE.md): a real
EBSCOhost BibTeX export with scraped web-page text in one Keywords field, and real exports altered in one known
way (one closing quote removed, two records re-encoded as Windows-1252, the file cut mid-record).
"""

from __future__ import annotations

import csv
import os
import re
import stat
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slrflow import importers
from slrflow.cli import main
from slrflow.tables import read_table, write_table

EDGE = "import/edge_cases"


def test_ebsco_bibtex_with_unbalanced_keywords_keeps_every_entry(fixtures) -> None:
    result = importers.load(fixtures / EDGE / "colrev__ebsco_bib.bib")
    assert [r["title"] for r in result.records] == ["Paper title.", "When sharing fixes prices."]
    broken = result.records[1]
    # The broken entry keeps every field but the unreadable one, which is reported with entry key and line.
    assert (broken["authors"], broken["journal"], broken["abstract"]) == (
        ["Cruise, Tom"],
        "Journal of Technology",
        "While price-fixing",
    )
    assert broken["keywords"] == []
    [warning] = result.warnings
    assert warning.line == 15 and "13362467620181001" in warning.message and "line 19" in warning.message
    assert "Keywords" in warning.message and broken["import_warnings"] == [warning.message]
    assert not result.truncated


def test_bibtex_entry_swallowed_by_an_earlier_broken_one_is_read_whole() -> None:
    text = (
        "@article{a,\n title = {One {broken},\n year = {2001},\n}\n\n"
        "@article{b,\n title = {Two},\n author = {Smith, J and Doe, A},\n year = {2002},\n doi = {10.1000/xyz},\n}\n"
    )
    result = importers.loads(text)
    by_title = {r["title"]: r for r in result.records}
    assert by_title["Two"]["authors"] == ["Smith, J", "Doe, A"] and by_title["Two"]["doi"] == "10.1000/xyz"
    assert any(w.line == 1 and "entry a" in w.message and "title" in w.message for w in result.warnings)


def test_csv_unclosed_quote_reads_the_rows_after_it_and_names_the_line(fixtures) -> None:
    intact = importers.load(fixtures / "import/csv/citefmt___baseline.csv")
    broken_path = fixtures / EDGE / "citefmt__baseline_unclosed_quote.csv"
    # csv alone loses a row and says nothing: the broken abstract swallows the next line.
    with open(broken_path, encoding="utf-8", newline="") as handle:
        assert len(list(csv.reader(handle, strict=False))) - 1 == len(intact.records) - 1
    result = importers.load(broken_path)
    assert len(result.records) == len(intact.records) == 100
    assert [r["title"] for r in result.records] == [r["title"] for r in intact.records]
    assert [r["record_id"] for r in result.records][41:] == [r["record_id"] for r in intact.records][41:]
    [warning] = result.warnings
    assert warning.line == 41 and "never closed" in warning.message
    assert result.records[39]["import_warnings"] == [warning.message]


def test_unclosed_quote_that_would_swallow_the_rest_of_the_file() -> None:
    header = "Title,Authors,Abstract,Year,Journal\n"
    rows = [f"T{i},A{i},Abstract {i},{2000 + i},J{i}\n" for i in range(20)]
    rows[3] = 'T3,A3,"An abstract with a stray quote, 2003,J3\n'
    text = header + "".join(rows)
    assert len(list(csv.reader(text.splitlines(keepends=True)))) == 5  # csv alone: 16 rows lost, no word
    result = importers.loads(text)
    assert [r["title"] for r in result.records] == [f"T{i}" for i in range(20)]
    assert [w.line for w in result.warnings] == [5]


def test_a_field_over_128_kib_passes_import_dedup_and_every_table_reader(tmp_path) -> None:
    big = "word " * 60_000  # 300,000 characters
    source = tmp_path / "big.csv"
    source.write_text(f'Title,Authors,Abstract,Year,Journal\nA title,"Smith, J","{big}",2001,J\n', encoding="utf-8")
    records = tmp_path / "records.csv"
    assert main(["import", str(source), "--output", str(records)]) == 0
    assert len(read_table(records, required=("record_id", "abstract"))[0]["abstract"]) == len(big.strip())
    clusters = tmp_path / "clusters.csv"
    assert main(["dedup", str(records), "--output", str(clusters)]) == 0
    assert len(read_table(clusters)) == 1
    # A fresh interpreter that never imports slrflow.tables itself: a decision log with a 300 KB note is read.
    log = tmp_path / "ann.csv"
    write_table(
        log,
        [
            {
                "record_id": "r0123456789abcde",
                "decision": "include",
                "reviewer": "ann",
                "timestamp": "2024-01-01T10:00:00+00:00",
                "note": big,
            }
        ],
        ["record_id", "decision", "reason", "reviewer", "timestamp", "note"],
    )
    code = (
        "import sys; from slrflow.screening.decisions import read_log; "
        "print(len(read_log(sys.argv[1], stage='title_abstract')[0].note))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(log)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(big.strip())


def test_mixed_utf8_and_windows_1252_records_are_decoded_each_in_its_own_encoding(fixtures) -> None:
    reference = importers.load(fixtures / "import/ris/citefmt___baseline_scopus.ris")
    result = importers.load(fixtures / EDGE / "citefmt__baseline_scopus_mixed_cp1252.ris")
    assert result.encoding == "utf-8+cp1252"
    fields = ("record_id", "title", "abstract", "authors")
    assert [[r[f] for f in fields] for r in result.records] == [[r[f] for f in fields] for r in reference.records]
    [summary] = result.warnings
    assert summary.line == 79 and "mixes encodings" in summary.message
    flagged = [k for k, r in enumerate(result.records) if r["import_warnings"]]
    assert flagged == [1, 7]
    assert "Windows-1252" in result.records[1]["import_warnings"][0]


def test_truncated_export_marks_its_last_record(fixtures, tmp_path, capsys) -> None:
    path = fixtures / EDGE / "citefmt__baseline_scopus_truncated.ris"
    result = importers.load(path)
    assert len(result.records) == 6 and result.truncated
    last = result.records[-1]
    assert any("possibly truncated" in w for w in last["import_warnings"])
    assert not any(r["import_warnings"] for r in result.records[:-1])
    out = tmp_path / "records.csv"
    assert main(["import", str(path), "--output", str(out)]) == 0
    assert "last record possibly truncated" in capsys.readouterr().err
    assert "possibly truncated" in read_table(out)[-1]["import_warnings"]


def test_read_table_required_columns_names_file_line_and_column(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("record_id,title\nr1,x\n")
    assert read_table(path) == [{"record_id": "r1", "title": "x"}]
    try:
        read_table(path, required=("record_id", "cluster_id"))
    except ValueError as error:  # InputFileError is a ValueError
        assert str(error).startswith(f"{path}, line 1: missing column cluster_id")
    else:
        raise AssertionError("no error for a missing column")


def test_results_files_get_the_users_umask(tmp_path) -> None:
    old = os.umask(0o022)
    try:
        write_table(tmp_path / "a.csv", [{"x": 1}], ["x"])
        os.umask(0o077)
        write_table(tmp_path / "b.csv", [{"x": 1}], ["x"])
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "b.csv").stat().st_mode) == 0o600


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40).map(str.strip)
_record = st.fixed_dictionaries(
    {"title": _text.filter(bool), "abstract": _text, "year": st.integers(1900, 2030).map(str), "journal": _text}
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_record, min_size=1, max_size=8), st.sampled_from([",", ";", "\t"]))
def test_property_a_written_table_imports_whole(rows, delimiter) -> None:
    buffer = [delimiter.join(["Title", "Abstract", "Year", "Journal", "Authors"])]
    for row in rows:
        cells = [row["title"], row["abstract"], row["year"], row["journal"], "Smith, J"]
        buffer.append(delimiter.join('"' + c.replace('"', '""') + '"' for c in cells))
    result = importers.loads("\n".join(buffer) + "\n")
    assert len(result.records) == len(rows) and not result.truncated
    assert [r["year"] for r in result.records] == [row["year"] for row in rows]


@settings(max_examples=60, deadline=None)
@given(st.lists(_record, min_size=2, max_size=6), st.data())
def test_property_a_cut_ris_export_keeps_every_whole_record_and_flags_the_last(rows, data) -> None:
    text = "".join(
        f"TY  - JOUR\nTI  - {r['title']}\nPY  - {r['year']}\nAB  - {r['abstract'] or 'x'}\nER  - \n\n" for r in rows
    )
    cut = data.draw(st.integers(1, len(text) - 1))
    piece = text[:cut]
    if not piece.strip() or "TY  - " not in piece:
        return
    result = importers.loads(piece)
    whole = len(re.findall(r"^ER  -", piece, re.MULTILINE))
    assert len(result.records) in (whole, whole + 1)
    if len(result.records) > whole:
        assert result.truncated and any("possibly truncated" in w for w in result.records[-1]["import_warnings"])
