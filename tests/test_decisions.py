"""Decision logs: the contract in ARCHITECTURE.md, the review modes, conflicts, resolutions and orphans."""

import pytest

from slrflow.errors import DecisionLogError
from slrflow.screening.decisions import changes, read_log, read_logs, read_resolutions
from slrflow.screening.state import settle

HEADER = "record_id,decision,reason,reviewer,timestamp,note\n"
A, B, C, D = "r0123456789abcde", "r111111111111111", "r222222222222222", "r333333333333333"
FT_REASONS = ["wrong population", "wrong study design"]


def log(tmp_path, name, *lines, stage="title_abstract"):
    path = tmp_path / stage / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_latest_line_wins_and_history_is_kept(tmp_path):
    path = log(
        tmp_path,
        "asha",
        f"{A},exclude,,asha,2024-06-03T10:15:00+01:00,",
        f"{A},include,,asha,2024-06-04T09:00:00+01:00,second look",
    )
    decisions = read_log(path, stage="title_abstract", reviewers=["asha"])
    settlement = settle(decisions, stage="title_abstract", study_of={A: A}, studies=[A])
    assert settlement.studies[A].status == "include"
    (change,) = changes(decisions)
    assert (change.before, change.after, change.line) == ("exclude", "include", 3)


@pytest.mark.parametrize(
    ("line", "message", "line_no"),
    [
        ("not-an-id,include,,asha,2024-06-03T10:15:00+01:00,", "not an slrflow record id", 2),
        (f"{A},yes,,asha,2024-06-03T10:15:00+01:00,", "decision 'yes' is not one of", 2),
        (f"{A},include,,asha,2024-06-03 10:15,", "not ISO 8601 with a time zone", 2),
        (f"{A},include,,asha,03/06/2024,", "not ISO 8601", 2),
        (f"{A},include,,ben,2024-06-03T10:15:00+01:00,", "belongs to 'asha'", 2),
        ("record_id,decision,reason,reviewer,timestamp,note", "a second header row", 2),
        (f"{A},include,asha,2024-06-03T10:15:00+01:00,", "5 fields where the header has 6", 2),
    ],
)
def test_bad_lines_are_refused_with_file_and_line(tmp_path, line, message, line_no):
    path = log(tmp_path, "asha", line)
    with pytest.raises(DecisionLogError, match=message) as error:
        read_log(path, stage="title_abstract", reviewers=["asha", "ben"])
    assert error.value.path == str(path)
    assert error.value.line == line_no
    assert f"{path}, line {line_no}" in str(error.value)


def test_full_text_exclusion_needs_a_configured_reason(tmp_path):
    missing = log(tmp_path, "asha", f"{A},exclude,,asha,2024-06-03T10:15:00+00:00,", stage="full_text")
    with pytest.raises(DecisionLogError, match="needs a reason"):
        read_log(missing, stage="full_text", reasons=FT_REASONS)
    unknown = log(tmp_path, "asha", f"{A},exclude,too long,asha,2024-06-03T10:15:00+00:00,", stage="full_text")
    with pytest.raises(DecisionLogError, match="not in the configured list"):
        read_log(unknown, stage="full_text", reasons=FT_REASONS)


def test_unknown_reviewer_file_is_refused(tmp_path):
    path = log(tmp_path, "zoe", f"{A},include,,zoe,2024-06-03T10:15:00+00:00,")
    with pytest.raises(DecisionLogError, match=r"not in config screening\.reviewers"):
        read_log(path, stage="title_abstract", reviewers=["asha", "ben"])


def test_duplicate_header_column_is_refused(tmp_path):
    path = tmp_path / "asha.csv"
    path.write_text("record_id,decision,reason,reviewer,timestamp,note,note\n")
    with pytest.raises(DecisionLogError, match="names note twice"):
        read_log(path, stage="title_abstract")


def test_dual_mode_conflicts_pending_and_resolution(tmp_path):
    log(
        tmp_path,
        "asha",
        f"{A},include,,asha,2024-06-03T10:00:00+01:00,",
        f"{B},exclude,,asha,2024-06-03T10:01:00+01:00,",
        f"{C},maybe,,asha,2024-06-03T10:02:00+01:00,",
        f"{D},include,,asha,2024-06-03T10:03:00+01:00,",
    )
    log(
        tmp_path,
        "ben",
        f"{A},exclude,,ben,2024-06-05T10:00:00+01:00,",
        f"{B},exclude,,ben,2024-06-05T10:01:00+01:00,",
        f"{C},exclude,,ben,2024-06-05T10:02:00+01:00,",
    )
    decisions = read_logs(tmp_path / "title_abstract", stage="title_abstract", reviewers=["asha", "ben"])
    ids = {x: x for x in (A, B, C, D)}
    settlement = settle(decisions, stage="title_abstract", study_of=ids, studies=ids, mode="dual")
    status = {k: v.status for k, v in settlement.studies.items()}
    assert status == {A: "conflict", B: "exclude", C: "maybe", D: "pending"}
    assert [c.record_id for c in settlement.conflicts] == [A]

    strict = settle(decisions, stage="title_abstract", study_of=ids, studies=ids, mode="dual", maybe_is_conflict=True)
    assert strict.studies[C].status == "conflict"

    resolutions_file = tmp_path / "resolutions.csv"
    resolutions_file.write_text(
        "stage,record_id,decision,reason,reviewer,timestamp,note\n"
        f"title_abstract,{A},include,,carol,2024-06-07T12:00:00+01:00,discussed\n"
    )
    resolved = settle(
        decisions,
        stage="title_abstract",
        study_of=ids,
        studies=ids,
        mode="dual",
        resolutions=read_resolutions(resolutions_file),
    )
    assert resolved.studies[A].status == "include"
    assert resolved.studies[A].resolution.reviewer == "carol"
    assert [c.record_id for c in resolved.conflicts] == [A], "a resolved conflict is still listed, with its resolution"


def test_decision_on_a_duplicate_applies_to_the_cluster_and_unknown_ids_are_orphans(tmp_path):
    path = log(
        tmp_path,
        "asha",
        f"{B},include,,asha,2024-06-03T10:00:00+01:00,",
        f"{D},exclude,,asha,2024-06-03T10:01:00+01:00,",
    )
    decisions = read_log(path, stage="title_abstract")
    study_of = {A: A, B: A, C: C}  # B is a duplicate of A; D is in no input any more
    settlement = settle(decisions, stage="title_abstract", study_of=study_of, studies=[A, C])
    assert settlement.studies[A].status == "include"
    assert settlement.studies[C].status == "pending"
    assert [(o.record_id, o.line) for o in settlement.orphans] == [(D, 3)]
