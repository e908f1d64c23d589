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
