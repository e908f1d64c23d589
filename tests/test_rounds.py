"""Search rounds come from config (each search's `round`): "new since the previous round" survives rm -rf results/."""

from __future__ import annotations

import pytest

from slrflow.audit.history import compare_rounds, record_rounds
from slrflow.errors import ConfigError


def rid(n: int) -> str:
    return f"r{n:015x}"


def search(name: str, round_: int, date: str) -> dict:
    return {
        "name": name,
        "database": name.title(),
        "file": f"resources/searches/{name}.ris",
        "date": date,
        "query": "q",
        "round": round_,
    }


CONFIG = {
    "searches": [
        search("pubmed", 1, "2024-05-14"),
        search("scopus", 1, "2024-05-15"),
        # The update re-ran PubMed in full a year later.
        search("pubmed2025", 2, "2025-05-20"),
    ]
}


def row(n: int, name: str) -> dict:
    return {"record_id": rid(n), "source_file": f"resources/searches/{name}.ris", "database": name.title()}


ROWS = [
    row(1, "pubmed"),
    row(2, "pubmed"),
    row(3, "scopus"),
    row(1, "pubmed2025"),
    row(2, "pubmed2025"),
    row(4, "pubmed2025"),
    row(5, "pubmed2025"),
]


def test_a_record_belongs_to_the_earliest_round_that_found_it():
    assert record_rounds(CONFIG, ROWS) == {rid(1): 1, rid(2): 1, rid(3): 1, rid(4): 2, rid(5): 2}


def test_new_records_are_those_only_the_latest_round_found():
    study_of = {rid(n): rid(n) for n in range(1, 6)} | {rid(5): rid(1)}  # record 5 is a copy of study 1
    comparison = compare_rounds(CONFIG, ROWS, study_of, decided={rid(1), rid(3), rid(9)})
    assert comparison.round == 2
    assert comparison.previous_round == {
        "round": 1,
        "date": "2024-05-14",
        "first_run_at": "2024-05-14",
        "searches": ["pubmed", "scopus"],
        "records": 3,
        "studies": 3,
    }
    assert comparison.new_records == [rid(4), rid(5)]
    # A decided record that no export holds any more.
    assert comparison.gone_records == [rid(9)]
    # The same inputs give the same answer: nothing is remembered between calls.
    assert compare_rounds(CONFIG, ROWS, study_of, decided={rid(1), rid(3), rid(9)}) == comparison


def test_one_round_has_nothing_to_compare_with():
    config = {"searches": CONFIG["searches"][:2]}
    comparison = compare_rounds(config, ROWS[:3], {}, decided={rid(9)})
    assert not comparison.has_previous and comparison.new_records == [] and comparison.gone_records == []
    assert comparison.rounds[0]["records"] == 3


def test_a_record_from_an_undeclared_export_is_refused_when_rounds_differ():
    with pytest.raises(ConfigError, match="no search in config declares"):
        record_rounds(CONFIG, [{"record_id": rid(1), "source_file": "resources/searches/other.ris", "database": "X"}])
