"""PRISMA counts from fixture tables, PRISMA's arithmetic, the R package's CSV and the records behind each box."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from slrflow.errors import ConfigError, InputFileError, PrismaArithmeticError
from slrflow.prisma import (
    PrismaCounts,
    arithmetic_violations,
    check_arithmetic,
    count_prisma,
    format_pairs,
    parse_pairs,
    read_inputs,
    results_paths,
)
from slrflow.prisma.package import template_boxtext, template_cells
from slrflow.prisma.template import COLUMNS, prisma_csv_rows, write_prisma_csv

PRISMA = Path(__file__).parent / "fixtures" / "prisma"
DBR = {"MEDLINE", "Embase", "Scopus", "ClinicalTrials.gov"}
REGISTERS = {"ClinicalTrials.gov"}
OTHER = {"Citation searching": "citations", "Carers UK website": "websites"}


def config(name: str, **changes) -> dict:
    data = yaml.safe_load((PRISMA / name / "config.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    return data


def result(name: str, cfg: dict | None = None, results: Path | None = None):
    paths = results_paths(results or PRISMA / name / "results")
    return count_prisma(read_inputs(**paths), cfg or config(name))


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def expected_counts(name: str, *, stop: bool) -> dict[str, int]:
    """The flow recomputed straight from the fixture tables, without slrflow.prisma."""
    base = PRISMA / name / "results"
    imports = rows(base / "import" / "records.csv")
    cluster_of = {
        (r["record_id"], r["database"], r["source_file"], r["source_position"]): r["cluster_id"]
        for r in rows(base / "dedup" / "clusters.csv")
    }
    dbr_clusters, other_clusters = set(), set()
    for r in imports:
        cluster = cluster_of[r["record_id"], r["database"], r["source_file"], r["source_position"]]
        (dbr_clusters if r["database"] in DBR else other_clusters).add(cluster)
    other_clusters -= dbr_clusters
    ta = {r["record_id"]: r["status"] for r in rows(base / "screening" / "title_abstract.csv")}
    ft = {r["record_id"]: (r["status"], r["reason"]) for r in rows(base / "screening" / "full_text.csv")}
    pdf_statuses: dict[str, set[str]] = {}
    for m in rows(base / "fulltext" / "matches.csv"):
        status_file = base / "fulltext" / "pdf" / f"{Path(m['pdf']).stem}.json"
        if m["record_id"] and m["pdf"]:
            pdf_statuses.setdefault(m["record_id"], set()).add(json.loads(status_file.read_text())["status"])
    out: dict[str, int] = Counter()
    out["database_results"] = sum(r["database"] in DBR - REGISTERS for r in imports)
    out["register_results"] = sum(r["database"] in REGISTERS for r in imports)
    out["citations_results"] = sum(OTHER.get(r["database"]) == "citations" for r in imports)
    out["website_results"] = sum(OTHER.get(r["database"]) == "websites" for r in imports)
    out["duplicates"] = out["database_results"] + out["register_results"] - len(dbr_clusters)
    for column, clusters in (("dbr", dbr_clusters), ("other", other_clusters)):
        for cluster in clusters:
            status = ta[cluster]
            if status == "exclude" or (status == "pending" and stop):
                out[f"{column}_ta_excluded"] += 1
            elif status in {"pending", "conflict"}:
                out[f"{column}_ta_awaiting"] += 1
                continue  # not screened: awaiting screening is counted apart
            else:
                out[f"{column}_sought_reports"] += 1
                ft_status, _ = ft.get(cluster, ("pending", ""))
                pdfs = pdf_statuses.get(cluster, set())
                if ft_status == "pending" and not pdfs & {"ok", "no_text"}:
                    # a PDF that cannot be opened is a failed retrieval; no PDF yet is a retrieval still pending
                    out[f"{column}_notretrieved_reports" if pdfs else f"{column}_awaiting_retrieval"] += 1
                elif ft_status == "include":
                    out[f"{column}_assessed"] += 1
                    out["new_studies"] += 1
                elif ft_status == "exclude":
                    out[f"{column}_assessed"] += 1
                    out[f"{column}_excluded_total"] += 1
                else:
                    out[f"{column}_awaiting_decision"] += 1
            if column == "dbr":
                out["records_screened"] += 1
    return out


@pytest.mark.parametrize(("name", "stop"), [("full", True), ("simple", False)])
def test_counts_match_an_independent_count_of_the_fixture_tables(name: str, stop: bool) -> None:
    counts = result(name).counts
    want = expected_counts(name, stop=stop)
    for key in (
        "database_results",
        "register_results",
        "citations_results",
        "website_results",
        "duplicates",
        "records_screened",
        "dbr_sought_reports",
        "dbr_notretrieved_reports",
        "dbr_assessed",
        "dbr_awaiting_retrieval",
        "dbr_awaiting_decision",
        "other_sought_reports",
        "other_notretrieved_reports",
        "other_assessed",
        "other_awaiting_retrieval",
        "other_awaiting_decision",
        "new_studies",
    ):
        assert getattr(counts, key) == want[key], key
    assert counts.records_excluded == want["dbr_ta_excluded"]
    assert counts.records_awaiting == want["dbr_ta_awaiting"]
    assert counts.dbr_excluded_total == want["dbr_excluded_total"]
    assert counts.other_excluded_total == want["other_excluded_total"]
    assert counts.stopping_applied is stop


def test_full_fixture_numbers() -> None:
    c = result("full").counts
    assert c.database_specific_results == (("MEDLINE", 11), ("Embase", 8), ("Scopus", 7))
    assert c.register_specific_results == (("ClinicalTrials.gov", 2),)
    # 19 reports after deduplication; one (a conflict between reviewers) is not screened yet.
    assert (c.database_results, c.register_results, c.duplicates, c.records_screened) == (26, 2, 9, 18)
    # Wilson 2023 and Keller 2022 are pending; the rule has stopped screening, and config applies it.
    assert (c.records_excluded_human, c.records_excluded_stopping, c.records_excluded) == (4, 2, 6)
    assert (c.records_awaiting_unscreened, c.records_awaiting_conflict) == (0, 1)
    # Forder's PDF is encrypted: not retrieved. Nguyen has no PDF yet: awaiting retrieval, not "not retrieved".
    # Rossi (PDF ok, pending) and Tanaka (conflict) are retrieved and awaiting a decision, not assessed yet.
    assert (c.dbr_sought_reports, c.dbr_notretrieved_reports, c.dbr_assessed) == (12, 1, 8)
    assert (c.dbr_awaiting_retrieval, c.dbr_awaiting_decision, c.dbr_awaiting) == (1, 2, 3)
    assert c.dbr_excluded == (("wrong population", 2), ("wrong outcome", 1), ("wrong study design", 2))
    # Murphy 2014 was found by citation searching and in MEDLINE: it flows down the left column.
    assert (c.other_duplicates, c.other_sought_reports, c.other_notretrieved_reports) == (2, 3, 0)
    assert (c.other_awaiting_retrieval, c.other_assessed) == (1, 2)
    assert c.other_excluded == (("wrong outcome", 1),)
    assert (c.new_studies, c.new_reports, c.total_studies) == (4, 4, 4)
    assert c.other_methods and not c.previous_review


def test_pending_records_await_screening_unless_the_stopping_rule_is_applied(tmp_path: Path) -> None:
    not_applied = result("full", config("full", stopping={"apply": False})).counts
    assert not_applied.records_excluded_stopping == 0
    assert (not_applied.records_awaiting_unscreened, not_applied.records_awaiting) == (2, 3)
    assert not_applied.other_screening_awaiting == 1
    assert not_applied.records_screened - not_applied.records_excluded == not_applied.dbr_sought_reports
    assert not_applied.records_screened + not_applied.records_awaiting == 19  # every report after deduplication
    check_arithmetic(not_applied)

    results = tmp_path / "results"
    shutil.copytree(PRISMA / "full" / "results", results)
    (results / "screening" / "stopping.json").write_text('{"stop": false}\n', encoding="utf-8")
    not_stopped = result("full", results=results).counts
    assert not not_stopped.stopping_applied
    assert not_stopped.records_awaiting_unscreened == 2
    assert "stopping rule" not in template_boxtext(not_stopped).get("records_excluded", "")


def test_updated_review_adds_the_previous_studies() -> None:
    c = result("simple", config("simple", previous_review={"studies": 12, "reports": 15})).counts
    assert c.previous_review
    assert (c.previous_studies, c.previous_reports) == (12, 15)
    assert (c.total_studies, c.total_reports) == (12 + c.new_studies, 15 + c.new_reports)
    check_arithmetic(c)


def test_records_by_box_list_exactly_the_records_counted() -> None:
    res = result("full")
    c = res.counts
    by_box = Counter(member.box for member in res.members)
    for box in (
        "database_results",
        "register_results",
        "website_results",
        "citations_results",
        "duplicates",
        "records_screened",
        "records_excluded",
        "records_awaiting",
        "dbr_sought_reports",
        "dbr_notretrieved_reports",
        "dbr_assessed",
        "dbr_awaiting",
        "other_duplicates",
        "other_sought_reports",
        "other_notretrieved_reports",
        "other_assessed",
        "other_awaiting",
        "new_studies",
        "new_reports",
    ):
        assert by_box[box] == getattr(c, box), box
    assert by_box["dbr_excluded"] == c.dbr_excluded_total
    reasons = Counter(m.reason for m in res.box("dbr_excluded"))
    assert reasons == Counter(dict(c.dbr_excluded))
    stopped = [m for m in res.box("records_excluded") if m.reason == "by the stopping rule"]
    assert len(stopped) == c.records_excluded_stopping
    assert {m.database for m in res.box("database_results")} == {"MEDLINE", "Embase", "Scopus"}
    not_retrieved = {m.reason for m in res.box("dbr_notretrieved_reports")}
    assert not_retrieved == {"PDF forder2015.pdf: encrypted"}
    awaiting = {m.reason for m in res.box("dbr_awaiting")}
    assert awaiting == {
        "awaiting retrieval: no PDF yet",
        "awaiting a full-text decision: full text retrieved, not yet assessed",
        "awaiting a full-text decision: reviewers disagree, not yet resolved",
    }
    assert all(m.study_id for m in res.members)


def _bump(counts: PrismaCounts, **delta: int) -> PrismaCounts:
    return dataclasses.replace(counts, **{key: getattr(counts, key) + value for key, value in delta.items()})


def test_consistent_counts_pass_the_arithmetic() -> None:
    for name in ("full", "simple"):
        counts = result(name).counts
        assert arithmetic_violations(counts) == []
        assert check_arithmetic(counts) is counts


@pytest.mark.parametrize(
    ("delta", "boxes"),
    [
        ({"records_screened": 1}, ["records_screened = 19", "database_results 26", "duplicates 9"]),
        ({"duplicates": -2}, ["records_screened = 18", "duplicates 7", "records_awaiting 1"]),
        ({"dbr_notretrieved_reports": 1}, ["dbr_assessed = 8", "dbr_notretrieved_reports 2", "dbr_awaiting 3"]),
        ({"new_reports": 1, "total_reports": 1}, ["new_reports = 5", "dbr_included_reports 3"]),
        ({"database_results": 1}, ["database_results = 27", "database_specific_results_sum 26"]),
        ({"new_studies": 1}, ["new_studies = 5"]),
        ({"records_excluded": 1}, ["records_excluded = 7", "records_excluded_stopping 2"]),
    ],
)
def test_arithmetic_violations_name_the_boxes_and_numbers(delta: dict[str, int], boxes: list[str]) -> None:
    broken = _bump(result("full").counts, **delta)
    with pytest.raises(PrismaArithmeticError) as error:
        check_arithmetic(broken)
    for text in boxes:
        assert text in str(error.value)


def test_arithmetic_rejects_negative_counts_and_wrong_totals() -> None:
    counts = PrismaCounts(database_results=-1, database_specific_results=(("MEDLINE", -1),), records_screened=-1)
    problems = arithmetic_violations(counts)
    assert "database_results is negative (-1)" in problems
    assert any("'MEDLINE' has a negative count" in p for p in problems)
    updated = dataclasses.replace(result("simple").counts, previous_review=True, previous_studies=5)
    assert any(p.startswith("total_studies = 3") for p in arithmetic_violations(updated))


TEMPLATE_NODES = [
    "NA", "previous_studies", "previous_reports", "NA", "database_results", "database_specific_results",
    "register_results", "register_specific_results", "NA", "website_results", "organisation_results",
    "citations_results", "duplicates", "excluded_automatic", "excluded_other", "records_screened",
    "records_excluded", "dbr_sought_reports", "dbr_notretrieved_reports", "other_sought_reports",
    "other_notretrieved_reports", "dbr_assessed", "dbr_excluded", "other_assessed", "other_excluded",
    "new_studies", "new_reports", "total_studies", "total_reports", "identification", "screening", "included",
    "total_studies_ma", "total_reports_ma",
]  # fmt: skip
PAIRS = re.compile(r"^[^,;]+, \d+(; [^,;]+, \d+)*$")


def test_prisma_csv_follows_the_r_package_template(tmp_path: Path) -> None:
    counts = result("full").counts
    path = tmp_path / "PRISMA.csv"
    write_prisma_csv(path, template_cells(counts), template_boxtext(counts))
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"] == list(COLUMNS)
    table = rows(path)
    assert [r["data"] for r in table] == TEMPLATE_NODES
    assert [r["node"] for r in table][:5] == ["node4", "node5", "NA", "node6", "node7"]
    cells = {r["data"]: r for r in table}
    assert cells["database_specific_results"]["n"] == "MEDLINE, 11; Embase, 8; Scopus, 7"
    assert cells["register_specific_results"]["n"] == "ClinicalTrials.gov, 2"
    assert cells["dbr_excluded"]["n"] == "wrong population, 2; wrong outcome, 1; wrong study design, 2"
    for node in ("database_specific_results", "register_specific_results", "dbr_excluded", "other_excluded"):
        assert PAIRS.match(cells[node]["n"]), cells[node]["n"]
    for node in ("database_results", "duplicates", "records_screened", "records_excluded", "new_studies"):
        assert cells[node]["n"] == str(getattr(counts, node))
    assert cells["records_excluded"]["boxtext"] == "Records excluded\n(4 by a human, 2 by the stopping rule)"
    assert cells["records_screened"]["boxtext"] == "Records screened (1 more awaiting screening)"
    assert cells["dbr_sought_reports"]["boxtext"] == "Reports sought for retrieval\n(1 awaiting retrieval)"
    assert cells["dbr_assessed"]["boxtext"] == "Reports assessed for eligibility\n(2 more awaiting a decision)"
    assert cells["identification"]["n"] == "0"


def test_prisma_csv_without_exclusions_or_registers_writes_zero() -> None:
    table = {r["data"]: r for r in prisma_csv_rows(PrismaCounts().template_values())}
    assert table["dbr_excluded"]["n"] == "0"
    assert table["register_specific_results"]["n"] == "0"
    assert table["records_excluded"]["boxtext"] == "Records excluded"
    with pytest.raises(KeyError, match="not PRISMA2020 template nodes"):
        prisma_csv_rows({"records_awaiting": 3})


def test_pairs_format_round_trips_and_keeps_separators_out_of_labels() -> None:
    # the R package splits at ';' and ends a label at its first ',': both are written as look-alikes
    assert format_pairs([("wrong population", 2), ("no comparator; adults, older", 1)]) == (
        "wrong population, 2; no comparator\u037e adults\u201a older, 1"
    )
    assert parse_pairs("wrong population, 2; wrong outcome, 10") == [("wrong population", 2), ("wrong outcome", 10)]
    assert format_pairs([]) == "0" and parse_pairs("0") == []


def test_counts_json_round_trip() -> None:
    counts = result("full").counts
    data = json.loads(json.dumps(counts.as_dict()))
    assert data["dbr_excluded"][0] == {"reason": "wrong population", "n": 2}
    assert data["database_specific_results"][0] == {"name": "MEDLINE", "n": 11}
    assert PrismaCounts.from_dict(data) == counts


def test_unknown_database_label_is_a_config_error() -> None:
    cfg = config("full")
    cfg["other_sources"] = [s for s in cfg["other_sources"] if s["kind"] != "websites"]
    with pytest.raises(ConfigError, match=r"records\.csv, line \d+: database 'Carers UK website'"):
        result("full", cfg)


def test_one_label_for_two_kinds_is_a_config_error() -> None:
    cfg = config("simple")
    cfg["other_sources"] = [{"name": "MEDLINE", "kind": "citations", "file": "x.ris", "date": "2026-01-01"}]
    with pytest.raises(ConfigError, match="used for both databases and citations"):
        result("simple", cfg)


def _copy(tmp_path: Path, name: str = "full") -> Path:
    shutil.copytree(PRISMA / name / "results", tmp_path / "results")
    return tmp_path / "results"


def _rewrite(path: Path, change) -> None:
    table = rows(path)
    fieldnames = list(table[0])
    table = change(table)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)


def test_stale_dedup_output_is_reported(tmp_path: Path) -> None:
    results = _copy(tmp_path)
    _rewrite(results / "dedup" / "clusters.csv", lambda t: t[1:])
    with pytest.raises(InputFileError, match=r"clusters.csv: does not hold one row per import row \(1 missing"):
        result("full", results=results)


def test_unknown_status_names_the_line(tmp_path: Path) -> None:
    results = _copy(tmp_path)

    def change(table):
        table[2]["status"] = "included"
        return table

    _rewrite(results / "screening" / "title_abstract.csv", change)
    with pytest.raises(InputFileError, match=r"title_abstract\.csv, line 4: status 'included'"):
        result("full", results=results)


def test_full_text_decision_on_a_study_not_sent_to_full_text(tmp_path: Path) -> None:
    results = _copy(tmp_path)
    excluded = next(
        r["record_id"] for r in rows(results / "screening" / "title_abstract.csv") if r["status"] == "exclude"
    )

    def change(table):
        return [*table, {**table[0], "record_id": excluded}]

    _rewrite(results / "screening" / "full_text.csv", change)
    with pytest.raises(InputFileError, match="did not send to full text"):
        result("full", results=results)


def test_review_without_full_text_stage_yet(tmp_path: Path) -> None:
    results = _copy(tmp_path, "simple")
    for path in ("screening/full_text.csv", "fulltext/matches.csv", "screening/stopping.json"):
        (results / path).unlink()
    shutil.rmtree(results / "fulltext" / "pdf")
    c = result("simple", results=results).counts
    # nothing was sought and failed: every report sent to full text awaits retrieval
    assert c.dbr_notretrieved_reports == 0
    assert c.dbr_awaiting_retrieval == c.dbr_awaiting == c.dbr_sought_reports == 10
    assert c.dbr_assessed == c.new_studies == c.new_reports == 0
    check_arithmetic(c)
