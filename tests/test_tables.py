import pytest

from slrflow.tables import atomic_open, read_table, split_list, write_table


def test_round_trip_joins_lists_and_is_byte_stable(tmp_path):
    rows = [{"record_id": "r1", "authors": ["Carr, S.", "Robbins, D."], "year": 2009}]
    path = tmp_path / "t.csv"
    write_table(path, rows, ["record_id", "authors", "year"])
    first = path.read_bytes()
    assert first == b'record_id,authors,year\nr1,"Carr, S.; Robbins, D.",2009\n'
    assert split_list(read_table(path)[0]["authors"]) == ["Carr, S.", "Robbins, D."]
    write_table(path, rows, ["record_id", "authors", "year"])
    assert path.read_bytes() == first


def test_failed_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_open(path) as handle:
        handle.write("half")
        raise RuntimeError("crash mid-write")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_read_table_names_the_file_and_the_missing_columns_even_without_rows(tmp_path):
    from slrflow.errors import DecisionLogError, InputFileError

    path = tmp_path / "duplicates.csv"
    path.write_text("record_id_a,note\n", encoding="utf-8")
    missing = r"duplicates\.csv, line 1: missing columns record_id_b, decision in the header"
    with pytest.raises(DecisionLogError, match=missing):
        read_table(path, required=("record_id_a", "record_id_b", "decision"), error=DecisionLogError)
    assert read_table(path, required=("record_id_a",)) == []
    with pytest.raises(InputFileError, match=r"absent\.csv: file not found"):
        read_table(tmp_path / "absent.csv")
    (tmp_path / "latin1.csv").write_bytes("record_id,title\nr1,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputFileError, match=r"latin1\.csv: not UTF-8 text"):
        read_table(tmp_path / "latin1.csv", required=("record_id",))
