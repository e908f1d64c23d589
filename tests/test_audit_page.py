"""The audit page's parts: disagreement tiers, the stopping rule in words, PRISMA box names, study links, the
activity chart's time axis, and escaping by the template engine."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import pytest
from test_audit import T0, rid, write_clusters, write_log, write_review

from slrflow.audit.activity import ReviewerActivity, sessions
from slrflow.audit.charts import timeline
from slrflow.audit.disagreements import model_disagreements, tiers
from slrflow.audit.page import render_page
from slrflow.audit.prisma_boxes import box_label, identified, prisma_rows
from slrflow.audit.report import build_audit
from slrflow.audit.stopping import more_to_screen, summarise_stopping
from slrflow.cli import main
from slrflow.errors import InputFileError
from slrflow.prisma.template import TEMPLATE
from slrflow.ranking.stopping import BuscarStopper, buscar_p_value
from slrflow.screening.decisions import Decision
from slrflow.screening.state import Settlement, StudyStatus
from slrflow.tables import write_table

# Disagreements


def test_only_settled_exclusions_and_inclusions_in_the_other_tier_are_disagreements():
    scores = {"a": 0.9, "b": 0.8, "c": 0.7, "d": 0.6, "e": 0.2, "f": 0.1, "g": 0.95, "h": 0.05, "i": 0.85}
    statuses = {
        "a": "include",
        "b": "exclude",  # above the median include (0.6): disagreement
        "c": "include",
        "d": "include",
        "e": "exclude",
        "f": "exclude",
        "g": "pending",  # the model's favourite, but undecided: no disagreement
        "h": "include",  # below the median exclusion (0.2): disagreement
        "i": "conflict",  # reviewers disagree with each other, not with the model
    }
    assert tiers(scores, statuses).top == pytest.approx(0.65) and tiers(scores, statuses).bottom == 0.2
    found = model_disagreements(scores, statuses, top=10)
    # b outscores 3 of the 4 includes (0.6, 0.7 and 0.05); h scores at or below all 3 exclusions.
    assert [(d.record_id, d.surprise) for d in found] == [("h", 1.0), ("b", 0.75)]
    assert [d.record_id for d in model_disagreements(scores, statuses, top=1)] == ["h"]


def test_tiers_depend_only_on_the_order_of_scores():
    # A general fact the rule must keep: probabilities, log-odds and similarities rank alike, so they must give
    # the same disagreements.
    scores = {f"r{i}": (i * 37 % 101) / 101 for i in range(60)}
    statuses = {rid: ("include" if i % 7 == 0 else "exclude" if i % 3 else "pending") for i, rid in enumerate(scores)}
    logit = {rid: math.log(s / (1 - s)) if 0 < s < 1 else (s - 0.5) * 99 for rid, s in scores.items()}
    as_probability = model_disagreements(scores, statuses, top=100)
    as_log_odds = model_disagreements(logit, statuses, top=100)
    assert as_probability and [(d.record_id, d.surprise) for d in as_probability] == [
        (d.record_id, d.surprise) for d in as_log_odds
    ]


def test_a_model_that_separates_the_decisions_disagrees_with_nobody():
    scores = {f"i{n}": 100 + n for n in range(5)} | {f"e{n}": n for n in range(50)}
    statuses = {rid: "include" if rid.startswith("i") else "exclude" for rid in scores}
    assert model_disagreements(scores, statuses, top=10) == []
    # Without includes there is no top tier, so no exclusion can disagree.
    assert model_disagreements(scores, dict.fromkeys(scores, "exclude"), top=10) == []


# Stopping


def test_more_to_screen_is_the_first_point_where_the_rule_is_met():
    labels = [1, 1, 0, 1, 0, 1, 0, 0, 1, 0] + [0] * 30
    n_total = 400
    more = more_to_screen(labels, n_total, 0.95, 0.95)
    alpha = 0.05
    assert 0 < more <= n_total - len(labels)
    assert buscar_p_value(labels + [0] * more, n_total, 0.95) < alpha
    assert buscar_p_value(labels + [0] * (more - 1), n_total, 0.95) >= alpha
    # Agrees with the rule's own check, run after every record.
    first = BuscarStopper(0.95, 0.95).first_stop(labels + [0] * (n_total - len(labels)), n_total)
    assert first == len(labels) + more
    assert more_to_screen(labels + [0] * more, n_total, 0.95, 0.95) == 0


def study(record_id: str, status: str, minutes: int) -> StudyStatus:
    when = T0 + timedelta(minutes=minutes)
    decision = Decision(record_id, status, "", "asha", when, "", "asha.csv", minutes + 2)
    return StudyStatus(record_id, status, {"asha": decision} if status != "pending" else {})


def test_stopping_summary_from_stopping_json_and_the_decisions():
    decided = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0]
    studies = {f"s{i:03d}": study(f"s{i:03d}", "include" if d else "exclude", i) for i, d in enumerate(decided)}
    studies |= {f"s{i:03d}": study(f"s{i:03d}", "pending", 0) for i in range(len(decided), 300)}
    settlement = Settlement("title_abstract", studies, [], [])
    state = BuscarStopper(0.95, 0.95).evaluate(decided, 300).to_dict()
    summary = summarise_stopping(state, settlement)
    assert summary is not None and not summary.target_met and not summary.stale
    assert (summary.n_left, summary.n_included) == (288, 4)
    assert summary.more_to_screen == more_to_screen(decided, 300, 0.95, 0.95) > 0
    assert summary.estimate is None
    # A decision made after the ranking ran: the file is stale, and no figure is worked out from it.
    studies["s299"] = study("s299", "exclude", 500)
    assert summarise_stopping(state, settlement).stale
    # An estimate another stage adds is passed on as it is; a file without the rule's state gives no summary.
    with_estimate = summarise_stopping(state | {"estimate": {"method": "knee", "recall": 0.97}}, settlement)
    assert with_estimate.estimate == {"method": "knee", "recall": 0.97}
    assert summarise_stopping({"stop": False}, settlement) is None


# PRISMA boxes


def test_prisma_boxes_in_the_template_words():
    template_words = {row[0]: row[3] for row in TEMPLATE}
    assert box_label("duplicates") == "Records removed before screening: duplicate records"
    assert box_label("dbr_sought_reports") == "Reports sought for retrieval"
    assert box_label("database_results") == template_words["database_results"]
    assert box_label("unknown_box") == "unknown_box"
    counts = {
        "database_results": 120,
        "database_specific_results": [{"name": "PubMed", "n": 70}, {"name": "Scopus", "n": 50}],
        "register_results": 0,
        "citations_results": 3,
        "duplicates": 30,
        "records_screened": 93,
        "dbr_excluded": [{"reason": "Wrong population", "n": 4}, {"reason": "Not a study", "n": 2}],
        "stopping_applied": False,
    }
    rows = [(row.label, row.indent, row.n) for row in prisma_rows(counts)]
    assert rows[:3] == [("Records identified from: Databases", 0, 120), ("PubMed", 1, 70), ("Scopus", 1, 50)]
    assert ("Records identified from: Citation searching (other methods)", 0, 3) in rows
    assert ("Reports excluded", 0, 6) in rows and ("Wrong population", 1, 4) in rows
    assert not any(label.startswith("Records identified from: Registers") for label, _, _ in rows)  # 0: optional
    assert identified(counts) == 123
    # A column the review does not have is left out, even where counts.json holds its (empty) boxes.
    labels = [row.label for row in prisma_rows(counts | {"other_methods": False, "other_excluded": []})]
    assert "Reports excluded (other methods)" not in labels
    assert "Records identified from: Citation searching (other methods)" not in labels
    labels = [row.label for row in prisma_rows(counts | {"other_methods": True, "other_excluded": []})]
    assert "Reports excluded (other methods)" in labels


# The page


def small_review(tmp_path, *, title="Study 1"):
    config = write_review(tmp_path, mode="single", reviewers=("asha",))
    write_clusters(tmp_path, {1: [1, 11], 2: [2], 3: [3], 4: [4]})
    write_table(tmp_path / "results/dedup/records.csv", [{"record_id": rid(1), "title": title}], ["record_id", "title"])
    write_log(tmp_path, "asha", [(1, "include", ""), (2, "exclude", ""), (3, "exclude", "")])
    return config


def audit(config, tmp_path):
    return build_audit(
        config,
        results=tmp_path / "results",
        screening=tmp_path / "screening",
    )


def test_study_links_are_listed_with_their_reasons(tmp_path):
    config = small_review(tmp_path)
    page = render_page(audit(config, tmp_path))
    assert "no results/dedup/studies.csv" in page
    rows = [
        {"record_id": rid(1), "study_id": rid(1), "relation": "main", "linked_to": "", "reason": ""},
        {"record_id": rid(2), "study_id": rid(1), "relation": "erratum", "linked_to": rid(1), "reason": "Erratum to"},
        {"record_id": rid(3), "study_id": rid(3), "relation": "main", "linked_to": "", "reason": ""},
        {"record_id": rid(4), "study_id": rid(1), "relation": "protocol", "linked_to": rid(1), "reason": "same trial"},
    ]
    write_table(tmp_path / "results/dedup/studies.csv", rows, list(rows[0]))
    report = audit(config, tmp_path)
    assert [(link.record_id, link.relation, link.reason) for link in report.study_links] == [
        (rid(2), "erratum", "Erratum to"),
        (rid(4), "protocol", "same trial"),
    ]
    page = render_page(report)
    assert "2 reports are linked into 1 study" in page and "same trial" in page and "erratum" in page
    write_table(
        tmp_path / "results/dedup/studies.csv", [{"record_id": rid(1), "study_id": rid(1)}], ["record_id", "study_id"]
    )
    with pytest.raises(InputFileError, match=r"studies\.csv: lacks the column\(s\) relation, linked_to, reason"):
        audit(config, tmp_path)


def test_values_from_the_review_are_escaped_by_the_template(tmp_path):
    config = small_review(tmp_path, title="<script>alert('x')</script> & <b>bold</b>")
    write_table(
        tmp_path / "results/screening/ranking.csv",
        [
            {"record_id": rid(n), "score": s, "rank": i + 1}
            for i, (n, s) in enumerate([(1, 0.1), (2, 0.9), (3, 0.05), (4, 0.5)])
        ],
        ["record_id", "score", "rank"],
    )
    report = audit(config, tmp_path)
    page = render_page(report)
    assert "<script>" not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold" in page
    # Study 2 (excluded) outscores the only include; study 1 (included) scores below one of the two exclusions.
    assert [(r["record_id"], r["status"], r["surprise"]) for r in report.model_disagreements] == [
        (rid(2), "exclude", 1.0),
        (rid(1), "include", 0.5),
    ]


def test_stopping_rule_in_plain_words_on_the_page(tmp_path):
    config = small_review(tmp_path)
    state = BuscarStopper(0.95, 0.95).evaluate([1, 0, 0], 4).to_dict()
    (tmp_path / "results/screening").mkdir(parents=True, exist_ok=True)
    (tmp_path / "results/screening/stopping.json").write_text(json.dumps(state | {"estimate": {"recall": 0.9}}))
    page = render_page(audit(config, tmp_path))
    assert "The target, 95 % recall at 95 % confidence, is <b>not met yet</b>. 1 of 4 records are left" in page
    assert "An estimate, not a claim:</b> recall 90 %." in page
    assert "<details><summary>The numbers behind it" in page


def test_identification_card_explains_records_sharing_an_id(tmp_path, monkeypatch):
    small_review(tmp_path)
    counts = {"database_results": 7, "duplicates": 3, "records_screened": 4}
    (tmp_path / "results/prisma").mkdir(parents=True)
    (tmp_path / "results/prisma/counts.json").write_text(json.dumps(counts))
    monkeypatch.chdir(tmp_path)
    assert main(["audit"]) == 0
    page = (tmp_path / "results/audit/index.html").read_text(encoding="utf-8")
    # 5 distinct record ids (clusters.csv) against 7 records identified: 2 rows repeat an id from another export;
    # deduplication put record 11 into study 1, so PRISMA's 3 duplicates are those 2 and 1.
    assert "<b>7</b><span>records identified (PRISMA)" in page
    assert (
        "PRISMA counts 7 records identified, one per record in each export. 2 of them repeat a record of another "
        "export (same DOI, or same title, year and first author) and share its record id, so 5 distinct records "
        "were imported; deduplication put 1 more into duplicate clusters, leaving 4. PRISMA's 3 duplicate records "
        "are these 2 and 1." in page
    )


# The activity chart


def activity(reviewer: str, times: list[datetime]) -> ReviewerActivity:
    days = {t.date().isoformat() for t in times}
    return ReviewerActivity(
        "title_abstract",
        reviewer,
        len(times),
        0,
        len(times),
        0,
        len(times),
        0,
        times[0],
        times[-1],
        len(days),
        {},
        times,
    )


def test_sessions_split_at_pauses_of_over_an_hour():
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    times = [start, start + timedelta(minutes=50), start + timedelta(minutes=110), start + timedelta(minutes=171)]
    assert [(s.lines, s.minutes) for s in sessions(times)] == [(3, 110.0), (1, 0.0)]
    assert sessions([]) == []


def test_one_day_of_screening_gets_an_hour_axis():
    start = datetime(2026, 3, 2, 9, 12, tzinfo=UTC)
    morning = [start + timedelta(minutes=4 * i) for i in range(30)]  # 09:12 to 11:08
    afternoon = [start + timedelta(hours=5, minutes=3 * i) for i in range(20)]  # 14:12 to 15:09
    chart = timeline([activity("asha", morning + afternoon), activity("ben", afternoon)])
    labels = [label for _, label in chart.ticks]
    assert labels[0] == "09:00" and "15:00" in labels and len(labels) <= 9
    assert "on 02 Mar 2026, 09:12 to 15:09 (UTC)" in chart.caption
    asha, ben = chart.lanes
    assert [block["lines"] for block in asha["blocks"]] == [30, 20] and [b["lines"] for b in ben["blocks"]] == [20]
    # Two hours of a six-hour day: the morning block spans about a third of the axis.
    width = chart.ticks[-1][0] - chart.ticks[0][0]
    assert 0.25 < asha["blocks"][0]["width"] / width < 0.4
    weeks = timeline([activity("ben", [start + timedelta(days=3 * i) for i in range(15)])])
    assert all(label[:2].isdigit() and label[3:].isalpha() for _, label in weeks.ticks) and len(weeks.ticks) <= 9
    assert "from 02 Mar 2026 to 13 Apr 2026" in weeks.caption
