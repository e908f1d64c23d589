"""The supervisor's audit: kappa against hand-computed values, agreement per pair, rounds, queues, the page."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from slrflow.audit import cohen_kappa, pairwise_agreement, percent_agreement, reviewer_queue
from slrflow.audit.report import build_audit
from slrflow.cli import main
from slrflow.config import load_config
from slrflow.screening.decisions import read_logs
from slrflow.screening.state import settle
from slrflow.tables import read_table, write_table

HEADER = "record_id,decision,reason,reviewer,timestamp,note\n"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def repeat(*groups: tuple[str, str, int]) -> list[tuple[str, str]]:
    return [(a, b) for a, b, n in groups for _ in range(n)]


def test_kappa_two_categories_textbook_case():
    # p_o = 35/50 = 0.7; p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4
    data = repeat(("yes", "yes", 20), ("yes", "no", 5), ("no", "yes", 10), ("no", "no", 15))
    assert percent_agreement(data) == pytest.approx(0.7)
    assert cohen_kappa(data) == pytest.approx(0.4)


def test_kappa_three_categories():
    # p_o = 8/10; a: include 4, exclude 5, maybe 1; b: include 3, exclude 5, maybe 2;
    # p_e = (4*3 + 5*5 + 1*2) / 100 = 0.39; kappa = 0.41 / 0.61
    data = repeat(("include", "include", 3), ("exclude", "exclude", 4), ("maybe", "maybe", 1))
    data += [("include", "exclude"), ("exclude", "maybe")]
    assert percent_agreement(data) == pytest.approx(0.8)
    assert cohen_kappa(data) == pytest.approx(0.41 / 0.61)


def test_kappa_edges():
    assert cohen_kappa(repeat(("include", "exclude", 5), ("exclude", "include", 5))) == pytest.approx(-1.0)
    assert cohen_kappa(repeat(("include", "include", 4), ("exclude", "exclude", 6))) == pytest.approx(1.0)
    # One decision for everything: no variation, so chance agreement is 1 and kappa is undefined, not 1.
    assert cohen_kappa(repeat(("exclude", "exclude", 7))) is None
    assert cohen_kappa([]) is None and percent_agreement([]) is None


# A small review built by hand: records, clusters, decision logs.


def rid(n: int) -> str:
    return f"r{n:015x}"


def write_review(root, *, mode="dual", reviewers=("asha", "ben")):
    config = {
        "review": {"title": "Exercise for low back pain", "question": "Does exercise reduce pain?"},
        "searches": [
            {
                "name": "pubmed",
                "database": "PubMed",
                "file": "resources/searches/pubmed.ris",
                "date": "2026-01-01",
                "query": "exercise AND back pain",
            }
        ],
        "screening": {"mode": mode, "reviewers": list(reviewers)},
    }
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "config" / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return load_config(root / "config" / "config.yaml")


def write_clusters(root, clusters: dict[int, list[int]], *, update: tuple[int, ...] = ()):
    """Clusters of records; those in `update` come from the round-2 search's export (pubmed2.ris)."""
    rows, records = [], []
    for study, members in clusters.items():
        for member in members:
            source = "resources/searches/pubmed2.ris" if member in update else "resources/searches/pubmed.ris"
            rows.append(
                {"record_id": rid(member), "cluster_id": rid(study), "database": "PubMed", "source_file": source}
            )
        records.append({"record_id": rid(study), "title": f"Study {study}"})
    columns = ["record_id", "cluster_id", "database", "source_file"]
    write_table(root / "results" / "dedup" / "clusters.csv", rows, columns)
    write_table(root / "results" / "dedup" / "records.csv", records, ["record_id", "title"])


def write_log(root, reviewer, lines, stage="title_abstract"):
    path = root / "screening" / stage / f"{reviewer}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(
        f"{rid(n)},{decision},{reason},{reviewer},{(T0 + timedelta(hours=i * 7)).isoformat()},\n"
        for i, (n, decision, reason) in enumerate(lines)
    )
    path.write_text(HEADER + body, encoding="utf-8")


def test_pairwise_agreement_uses_studies_both_decided_through_clusters(tmp_path):
    write_clusters(tmp_path, {1: [1, 11], 2: [2], 3: [3], 4: [4], 5: [5]})
    # asha decides study 1 through its duplicate 11; study 5 only ben decided, so it is not compared.
    write_log(tmp_path, "asha", [(11, "include", ""), (2, "exclude", ""), (3, "exclude", ""), (4, "include", "")])
    write_log(
        tmp_path,
        "ben",
        [(1, "include", ""), (2, "exclude", ""), (3, "include", ""), (4, "include", ""), (5, "exclude", "")],
    )
    logs = read_logs(tmp_path / "screening" / "title_abstract", stage="title_abstract")
    study_of = {r["record_id"]: r["cluster_id"] for r in read_table(tmp_path / "results/dedup/clusters.csv")}
    settlement = settle(logs, stage="title_abstract", study_of=study_of, studies=set(study_of.values()), mode="dual")
    (pair,) = pairwise_agreement(settlement)
    assert (pair.reviewer_a, pair.reviewer_b, pair.n_both, pair.n_agree) == ("asha", "ben", 4, 3)
    # a: include 2, exclude 2; b: include 3, exclude 1; p_e = (2*3 + 2*1)/16 = 0.5; kappa = (0.75-0.5)/0.5
    assert pair.kappa == pytest.approx(0.5)
    assert pair.table()[("exclude", "include")] == 1


def test_reviewer_queue_in_blind_dual_hides_other_decisions(tmp_path):
    write_review(tmp_path, mode="blind_dual")
    write_clusters(tmp_path, {1: [1, 11], 2: [2], 3: [3]})
    write_log(tmp_path, "asha", [(11, "include", "")])
    write_log(tmp_path, "ben", [(2, "exclude", "")])
    queue = [
        {"rank": "1", "record_id": rid(1), "score": "0.9", "title": "Study 1", "status": "pending"},
        {"rank": "2", "record_id": rid(2), "score": "0.5", "title": "Study 2", "status": "pending"},
        {"rank": "3", "record_id": rid(3), "score": "0.1", "title": "Study 3", "status": "pending"},
    ]
    write_table(tmp_path / "results/screening/queue.csv", queue, list(queue[0]))
    assert (
        main(
            [
                "audit",
                "--config",
                str(tmp_path / "config/config.yaml"),
                "--screening",
                str(tmp_path / "screening"),
                "queues",
                "--queue",
                str(tmp_path / "results/screening/queue.csv"),
                "--clusters",
                str(tmp_path / "results/dedup/clusters.csv"),
                "--queues-outdir",
                str(tmp_path / "results/screening"),
            ]
        )
        == 0
    )
    asha = read_table(tmp_path / "results/screening/queue_asha.csv")
    ben = read_table(tmp_path / "results/screening/queue_ben.csv")
    # asha decided study 1 through its duplicate; study 2, decided by ben only, is still hers to decide.
    assert [r["record_id"] for r in asha] == [rid(2), rid(3)]
    assert [r["record_id"] for r in ben] == [rid(1), rid(3)]
    assert list(asha[0]) == ["rank", "record_id", "score", "title"]
    logs = read_logs(tmp_path / "screening/title_abstract", stage="title_abstract")
    assert reviewer_queue(queue, logs, {rid(1): rid(1)}, "carl") == [
        {k: v for k, v in row.items() if k != "status"} for row in queue
    ]


def test_audit_report_on_a_small_dual_review(tmp_path):
    config = write_review(tmp_path)
    write_clusters(tmp_path, {n: [n] for n in range(1, 9)} | {9: [9, 19]})
    write_log(
        tmp_path,
        "asha",
        [
            (1, "include", ""),
            (2, "exclude", ""),
            (3, "exclude", ""),
            (4, "include", ""),
            (5, "exclude", ""),
            (2, "include", ""),
            (99, "include", ""),
        ],
    )
    write_log(
        tmp_path,
        "ben",
        [
            (1, "include", ""),
            (2, "include", ""),
            (3, "include", ""),
            (4, "include", ""),
            (5, "exclude", ""),
            (19, "exclude", ""),
        ],
    )
    (tmp_path / "screening" / "resolutions.csv").write_text(
        "stage,record_id,decision,reason,reviewer,timestamp,note\n"
        f"title_abstract,{rid(3)},exclude,,sup,2026-03-05T10:00:00+00:00,checked\n",
        encoding="utf-8",
    )
    ranking = [
        {"record_id": rid(n), "score": s, "rank": i + 1}
        for i, (n, s) in enumerate(
            [(5, 2.5), (1, 2.0), (3, 1.0), (4, 0.5), (2, -0.5), (9, -1.0), (6, -2), (7, -3), (8, -4)]
        )
    ]
    write_table(tmp_path / "results/screening/ranking.csv", ranking, ["record_id", "score", "rank"])
    (tmp_path / "results/screening/stopping.json").write_text(
        json.dumps(
            {"recall_target": 0.95, "confidence": 0.95, "stop": False, "claimable_recall": 0.8, "unscreened": 4}
        ),
        encoding="utf-8",
    )
    report = build_audit(
        config,
        results=tmp_path / "results",
        screening=tmp_path / "screening",
    )
    ta = report.status_counts["title_abstract"]
    # 1, 2, 4 include; 3 exclude by resolution, 5 exclude; 6, 7, 8 undecided and 9 decided by ben only.
    assert ta == {"include": 3, "exclude": 2, "pending": 4}
    (pair,) = report.agreement["title_abstract"]
    # Studies both decided: 1 (i,i), 2 (i,i after asha's change), 3 (e,i), 4 (i,i), 5 (e,e).
    # a: include 3, exclude 2; b: include 4, exclude 1; p_o = 0.8; p_e = (12 + 2)/25 = 0.56; kappa = 0.24/0.44
    assert (pair.n_both, pair.agreement) == (5, 0.8)
    assert pair.kappa == pytest.approx(0.24 / 0.44)
    (conflict,) = report.conflicts
    assert (conflict["record_id"], conflict["resolution"], conflict["resolved_by"]) == (rid(3), "exclude", "sup")
    assert [(c.reviewer, c.record_id, c.before, c.after) for c in report.changes] == [
        ("asha", rid(2), "exclude", "include")
    ]
    assert [(o.reviewer, o.record_id) for o in report.orphans] == [("asha", rid(99))]
    # Tiers: includes 1, 2, 4 score 2.0, -0.5, 0.5 (median 0.5); exclusions 3, 5 score 1.0, 2.5 (median 1.75).
    # Exclusions at or above 0.5: 5 (beyond 3 of 3 includes), 3 (beyond 2 of 3); includes at or below 1.75: 2 and
    # 4 (each beyond both exclusions). Study 9 (pending: only ben decided) and include 1 are no disagreement.
    assert [(r["record_id"], r["status"], r["surprise"]) for r in report.model_disagreements] == [
        (rid(2), "include", 1.0),
        (rid(4), "include", 1.0),
        (rid(5), "exclude", 1.0),
        (rid(3), "exclude", 0.6667),
    ]
    (asha, ben) = report.activity["title_abstract"]
    assert (asha.log_lines, asha.studies_decided, asha.include, asha.exclude, asha.changed) == (7, 5, 3, 2, 1)
    assert asha.first_decision_at == T0 and asha.last_decision_at == T0 + timedelta(hours=42)
    assert (ben.studies_decided, ben.exclude) == (6, 2)
    assert not report.comparison.has_previous


def test_audit_command_writes_page_and_tables_and_compares_rounds(tmp_path, monkeypatch):
    write_review(tmp_path, mode="single", reviewers=("asha",))
    write_clusters(tmp_path, {1: [1], 2: [2]})
    write_log(tmp_path, "asha", [(1, "include", ""), (2, "exclude", "")])
    monkeypatch.chdir(tmp_path)
    assert main(["audit"]) == 0
    page = (tmp_path / "results/audit/index.html").read_text(encoding="utf-8")
    assert "No previous run to compare with" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "<script" not in page
    assert '<h2 id="orphans">' in page and "None: every decision names a record" in page
    # Round 2: an update search (round 2 in config) finds a duplicate of study 1 and a new study.
    config = yaml.safe_load((tmp_path / "config/config.yaml").read_text())
    update = {"name": "pubmed2", "file": "resources/searches/pubmed2.ris", "date": "2026-06-01", "round": 2}
    config["searches"].append(config["searches"][0] | update)
    (tmp_path / "config/config.yaml").write_text(yaml.safe_dump(config))
    write_clusters(tmp_path, {1: [1, 21], 2: [2], 3: [3]}, update=(21, 3))
    assert main(["audit"]) == 0
    new = read_table(tmp_path / "results/audit/new_records.csv")
    assert [(r["record_id"], r["study_status"]) for r in new] == [(rid(3), "pending"), (rid(21), "include")]
    assert new[1]["joins"].startswith("earlier study")
    summary = json.loads((tmp_path / "results/audit/summary.json").read_text())
    assert (summary["round"], summary["new_records"], summary["new_studies"]) == (2, 2, 1)
    page = (tmp_path / "results/audit/index.html").read_text(encoding="utf-8")
    assert "2 new records" in page and "1 new studies" in page


@pytest.mark.parametrize(("mode", "hidden"), [("blind_dual", True), ("dual", False)])
def test_settled_table_hides_a_lone_decision_only_in_blind_dual(tmp_path, mode, hidden):
    from slrflow.screening.outputs import write_settlements
    from slrflow.screening.state import settle_review

    config = write_review(tmp_path, mode=mode)
    write_clusters(tmp_path, {1: [1], 2: [2]})
    write_log(tmp_path, "asha", [(1, "exclude", ""), (2, "include", "")])
    write_log(tmp_path, "ben", [(2, "include", "")])
    state = settle_review(config, clusters=tmp_path / "results/dedup/clusters.csv", screening=tmp_path / "screening")
    write_settlements(state, tmp_path / "results/screening")
    rows = {r["record_id"]: r for r in read_table(tmp_path / "results/screening/title_abstract.csv")}
    assert rows[rid(1)]["status"] == "pending"
    if hidden:
        assert "exclude" not in ",".join(rows[rid(1)].values())
    else:
        assert rows[rid(1)]["decisions"] == "asha: exclude"
    # Once both have decided, the study is settled and nothing is left to hide.
    assert rows[rid(2)]["decisions"] == "asha: include; ben: include"
