"""Adversarial suite, decision logs (issue 13): the line rule, hostile notes, names and sizes.

Each case was a way to lose or forge a decision on the code before the line rule; every bug found in the
decision logs becomes a case here. The property tests (hypothesis) check the reader against arbitrary notes and
arbitrary junk lines.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slrflow.errors import DecisionLogError
from slrflow.screening.decisions import LOG_COLUMNS, format_line, read_log, read_logs

HEADER = ",".join(LOG_COLUMNS) + "\n"
WHEN = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def rid(n: int) -> str:
    return f"r{n:015x}"


def line(n: int, decision: str = "include", note: str = "", reviewer: str = "asha") -> str:
    return format_line(rid(n), decision, "", reviewer, WHEN, note).decode("utf-8")


def write(path: Path, *lines: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def test_a_stray_quote_is_refused_with_file_and_line_and_does_not_swallow_later_lines(tmp_path: Path) -> None:
    # A note that opens a quote and never closes it, typed by hand; the csv module used to read every later line
    # into that note, and `slrflow decisions` reported those decisions as pending.
    path = write(
        tmp_path / "asha.csv",
        line(1),
        f'{rid(2)},exclude,,asha,2026-11-23T09:00:00+00:00,"unsure about the population\n',
        line(3),
        line(4),
    )
    with pytest.raises(DecisionLogError, match="unclosed quote") as error:
        read_log(path, stage="title_abstract")
    assert error.value.line == 3 and f"{path}, line 3" in str(error.value)


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path / "asha.csv",
        line(1),
        f"{rid(2)},perhaps,,asha,2026-11-23T09:00:00+00:00,\n",
        line(3),
        f"{rid(4)},include,,asha,yesterday,\n",
        f'{rid(5)},include,,asha,2026-11-23T09:00:00+00:00,"open\n',
    )
    with pytest.raises(DecisionLogError) as error:
        read_log(path, stage="title_abstract")
    message = str(error.value)
    assert "3 problems" in message
    for number, what in ((3, "'perhaps'"), (5, "'yesterday'"), (6, "unclosed quote")):
        assert f"{path}, line {number}: " in message and what in message


def test_problems_in_several_logs_are_reported_together(tmp_path: Path) -> None:
    write(tmp_path / "asha.csv", f"{rid(1)},yes,,asha,2026-11-23T09:00:00+00:00,\n")
    write(tmp_path / "ben.csv", f"{rid(2)},no,,ben,2026-11-23T09:00:00+00:00,\n")
    with pytest.raises(DecisionLogError) as error:
        read_logs(tmp_path, stage="title_abstract")
    assert "asha.csv, line 2" in str(error.value) and "ben.csv, line 2" in str(error.value)


def test_a_note_with_line_breaks_is_written_on_one_physical_line_and_read_back_whole(tmp_path: Path) -> None:
    note = 'first line\nsecond "quoted" line\r\nC:\\path\\n-not-a-break, end'
    path = write(tmp_path / "asha.csv", line(1, note=note), line(2))
    assert len(path.read_text(encoding="utf-8").splitlines()) == 3
    decisions = read_log(path, stage="title_abstract")
    assert [d.note for d in decisions] == [note, ""]
    assert [d.line for d in decisions] == [2, 3]


def test_a_very_long_note_written_by_hand_is_read(tmp_path: Path) -> None:
    # 140 KB in one field is over the csv module's default field limit (128 KiB).
    path = write(tmp_path / "asha.csv", line(1, note="x" * 140_000), line(2))
    assert [len(d.note) for d in read_log(path, stage="title_abstract")] == [140_000, 0]


def test_a_log_named_in_upper_case_is_refused_by_name(tmp_path: Path) -> None:
    # ASHA.CSV used to be skipped silently: its decisions counted nowhere.
    write(tmp_path / "title_abstract" / "ASHA.CSV", line(1, reviewer="ASHA"))
    with pytest.raises(DecisionLogError, match=r"refused.*rename it to ASHA\.csv") as error:
        read_logs(tmp_path / "title_abstract", stage="title_abstract", reviewers=["asha", "ASHA"])
    assert error.value.path.endswith("ASHA.CSV")


NOTES = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notes=st.lists(NOTES, min_size=1, max_size=8))
def test_property_any_note_round_trips_one_decision_per_physical_line(tmp_path: Path, notes: list[str]) -> None:
    path = write(tmp_path / "asha.csv", *(line(i, note=note) for i, note in enumerate(notes)))
    decisions = read_log(path, stage="title_abstract")
    assert [d.note for d in decisions] == [note.strip() for note in notes]
    assert [d.line for d in decisions] == list(range(2, len(notes) + 2))
    assert path.read_bytes().count(b"\n") == len(notes) + 1


JUNK = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=80)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.one_of(st.integers(0, 10_000), JUNK), min_size=1, max_size=12))
def test_property_junk_lines_are_named_never_swallowed(tmp_path: Path, rows: list[int | str]) -> None:
    """Between valid decisions, any line that is not one is refused by its number; a valid line is never lost."""
    path = write(tmp_path / "asha.csv", *(line(row) if isinstance(row, int) else row + "\n" for row in rows))
    junk = [number for number, row in enumerate(rows, start=2) if isinstance(row, str) and row.strip(" \t,")]
    valid = [rid(row) for row in rows if isinstance(row, int)]
    try:
        decisions = read_log(path, stage="title_abstract")
    except DecisionLogError as error:
        assert junk, f"refused a log of valid lines: {error}"
        for number in junk[:50]:
            assert f"line {number}:" in str(error) or error.line == number
        return
    assert not junk, f"junk on lines {junk} was read as decisions"
    assert [d.record_id for d in decisions] == valid
