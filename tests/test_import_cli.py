"""`slrflow import`: one table from several files, a per-file summary, and nothing written on failure."""

from __future__ import annotations

from slrflow.cli import main
from slrflow.records import RECORD_FIELDS
from slrflow.tables import read_table

RIS = "TY  - JOUR\nTI  - First\nAU  - Carr, S\nPY  - 2019\nER  - \n\nTY  - JOUR\nTI  - Second\nER  - \n"
MEDLINE = "PMID- 42\nTI  - Third\nDP  - 2001\nFAU - Smith, John\n"


def test_import_writes_one_row_per_record(tmp_path, capsys) -> None:
    (tmp_path / "a.ris").write_text(RIS)
    (tmp_path / "b.txt").write_text(MEDLINE)
    out = tmp_path / "results" / "records.csv"
    code = main(
        [
            "import",
            str(tmp_path / "a.ris"),
            f"PubMed={tmp_path / 'b.txt'}",
            "--database",
            "Scopus",
            "--output",
            str(out),
        ]
    )
    assert code == 0
    rows = read_table(out)
    assert list(rows[0]) == list(RECORD_FIELDS)
    assert [r["title"] for r in rows] == ["First", "Second", "Third"]
    assert [r["database"] for r in rows] == ["Scopus", "Scopus", "PubMed"]
    assert [r["source_position"] for r in rows] == ["1", "2", "1"]
    assert rows[0]["authors"] == "Carr, S" and rows[2]["source_format"] == "medline"
    err = capsys.readouterr().err
    assert "a.ris (Scopus): ris, 2 records, 0 warnings" in err
    assert "b.txt (PubMed): medline, 1 records" in err


def test_import_failure_names_file_and_line_and_writes_nothing(tmp_path, capsys) -> None:
    (tmp_path / "good.ris").write_text(RIS)
    (tmp_path / "bad.ris").write_text("TY  - JOUR\nTI  - x\nER  - \nER  - \n")
    out = tmp_path / "records.csv"
    code = main(["import", str(tmp_path / "good.ris"), str(tmp_path / "bad.ris"), "--output", str(out)])
    assert code != 0
    assert not out.exists()
    err = capsys.readouterr().err
    assert f"{tmp_path / 'bad.ris'}, line 4:" in err and "was not written" in err


def test_import_prints_warnings(tmp_path, capsys) -> None:
    (tmp_path / "a.ris").write_text("TY  - JOUR\nTI  - No end\n")
    assert main(["import", str(tmp_path / "a.ris"), "--output", str(tmp_path / "o.csv")]) == 0
    assert "warning:" in capsys.readouterr().err
