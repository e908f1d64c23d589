"""Reports linked into studies (slrflow.dedup.studies): each relation on its own general fact, and the reviewer's
screening/study_links.csv, which wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_dedup_similarity import ARTICLE as SIMILARITY_ARTICLE

from slrflow.cli import main
from slrflow.dedup import StudyLink, deduplicate, link_studies, read_study_links
from slrflow.dedup.studies import RELATIONS, STUDY_FIELDS, registry_ids
from slrflow.errors import DecisionLogError
from slrflow.tables import read_table

# the article of test_dedup_similarity, with a DOI of its own
ARTICLE = {**SIMILARITY_ARTICLE, "record_id": "art", "doi": "10.1073/pnas.0606685104", "abstract": ""}


def studies(*records: dict[str, str], links: list[StudyLink] | None = None) -> dict[str, dict[str, str]]:
    result = link_studies([{**ARTICLE, **record} for record in records], links=links or [])
    assert [row["record_id"] for row in result.rows] == [record["record_id"] for record in records]
    assert all(list(row) == list(STUDY_FIELDS) and row["relation"] in RELATIONS for row in result.rows)
    return {row["record_id"]: row for row in result.rows}


def test_an_erratum_is_linked_to_the_article_it_corrects() -> None:
    # an erratum is titled after its article, in its journal, by its authors, with its own page, issue and DOI
    erratum = {
        "record_id": "err",
        "title": "Erratum: " + ARTICLE["title"],
        "number": "25",
        "pages": "19",
        "doi": "10.1073/pnas.0710104104",
    }
    found = studies({"record_id": "art"}, erratum)
    assert found["art"] == {"record_id": "art", "study_id": "art", "relation": "main", "linked_to": "", "reason": ""}
    assert found["err"]["relation"] == "erratum"
    assert found["err"]["study_id"] == found["err"]["linked_to"] == "art"
    assert found["err"]["reason"]
    # a notice that only cites the article ('(vol 104, pg 240, 2007)') is an erratum too; a retraction says so
    cited = {"record_id": "wos", "title": ARTICLE["title"] + " (vol 104, pg 240, 2007)", "number": "25", "pages": "19"}
    assert studies({"record_id": "art"}, cited)["wos"]["relation"] == "erratum"
    retraction = {"record_id": "ret", "title": "Retraction notice: " + ARTICLE["title"], "year": "2012", "pages": "1"}
    assert studies({"record_id": "art"}, retraction)["ret"]["relation"] == "retraction"


def test_notices_of_other_articles_or_by_others_are_not_linked() -> None:
    for other in (
        {"title": "Erratum: Mutations in complement factor H in atypical hemolytic uremic syndrome"},
        {"title": "Erratum: " + ARTICLE["title"], "journal": "Kidney International"},
        {"title": "Erratum: " + ARTICLE["title"], "authors": "Buddles, M. R.; Donne, R. L."},
        {"title": "Erratum: " + ARTICLE["title"], "year": "2001"},  # before the article
        {"title": "Reply: " + ARTICLE["title"], "pages": "246"},  # a reply answers, it reports nothing
    ):
        found = studies({"record_id": "art"}, {"record_id": "x", **other})
        assert found["x"]["relation"] == "main", other


def test_a_meeting_abstract_is_linked_to_the_later_article() -> None:
    abstract = {
        "record_id": "abs",
        "year": "2006",
        "journal": "Molecular Immunology",
        "volume": "43",
        "number": "Suppl 1",
        "pages": "S12",
        "doi": "",
    }
    found = studies({"record_id": "art"}, abstract)
    assert found["abs"]["relation"] == "conference_abstract" and found["abs"]["study_id"] == "art"
    # not to an article published before it, nor by other authors
    assert studies({"record_id": "art"}, {**abstract, "year": "2009"})["abs"]["relation"] == "main"
    assert studies({"record_id": "art"}, {**abstract, "authors": "Smith, J.; Jones, K."})["abs"]["relation"] == "main"


def test_a_protocol_is_linked_to_its_results_by_the_trial_registration_number() -> None:
    protocol = {
        "record_id": "prot",
        "title": "Peer support for people using personal budgets: study protocol for a randomised controlled trial",
        "abstract": "Trial registration: ISRCTN12345678.",
        "year": "2018",
        "journal": "Trials",
        "doi": "10.1186/s13063-018-0001-1",
    }
    results = {
        "record_id": "res",
        "title": "Effectiveness of peer support for personal budget holders: a randomised controlled trial",
        "abstract": "Registered as ISRCTN12345678.",
        "year": "2021",
        "journal": "BMJ Open",
        "doi": "10.1136/bmjopen-2021-000001",
    }
    found = studies(protocol, results)
    assert found["prot"]["relation"] == "protocol" and found["prot"]["study_id"] == "res"
    assert "ISRCTN12345678" in found["prot"]["reason"]
    # a review naming many trials is no report of any of them
    assert registry_ids("NCT00000001 NCT00000002 NCT00000003") == frozenset()
    assert registry_ids("(NCT01234567)") == {"NCT01234567"}
    assert registry_ids("EudraCT number: 2011-001234-56") == {"2011-001234-56"}


def test_parts_of_one_work_are_linked() -> None:
    one = {
        "record_id": "p1",
        "title": "Complement in disease. Part 1: mechanisms of atypical haemolytic uraemic syndrome",
        "doi": "",
    }
    two = {
        **one,
        "record_id": "p2",
        "title": "Complement in disease. Part 2: mechanisms of atypical haemolytic uraemic syndrome",
        "pages": "246-250",
    }
    found = studies(one, two)
    assert found["p2"]["relation"] == "part" and found["p2"]["study_id"] == "p1"
    # 'type 1' and 'type 2' are other diseases, not parts
    type1 = {
        "record_id": "t1",
        "title": "Factor B mutations in type 1 diabetes with atypical haemolytic uraemic syndrome",
        "doi": "",
    }
    type2 = {**type1, "record_id": "t2", "title": type1["title"].replace("type 1", "type 2")}
    assert studies(type1, type2)["t2"]["relation"] == "main"


def test_an_unmarked_item_with_the_article_title_in_another_issue_is_a_companion() -> None:
    later = {"record_id": "later", "number": "25", "pages": "19", "doi": ""}
    found = studies({"record_id": "art"}, later)
    assert found["later"]["relation"] == "companion" and found["later"]["study_id"] == "art"


def test_the_reviewer_links_and_unlinks_and_wins() -> None:
    erratum = {"record_id": "err", "title": "Erratum: " + ARTICLE["title"], "number": "25", "pages": "19", "doi": ""}
    unrelated = {"record_id": "oth", "title": "A different paper on factor H autoantibodies in children", "doi": ""}
    found = studies({"record_id": "art"}, erratum, unrelated, links=[StudyLink("art", "err", "unlink", "ana")])
    assert found["err"]["relation"] == "main"
    found = studies(
        {"record_id": "art"}, erratum, unrelated, links=[StudyLink("oth", "art", "link", "ben", "same cohort")]
    )
    assert found["oth"]["study_id"] == "art"
    assert found["oth"]["reason"] == "reviewer: link by ben (same cohort)"
    # the last line about a pair is the current one
    links = [StudyLink("art", "err", "unlink", "ana"), StudyLink("err", "art", "link", "ana")]
    assert studies({"record_id": "art"}, erratum, links=links)["err"]["study_id"] == "art"


def test_deduplicate_writes_one_study_row_per_report_and_accepts_member_ids() -> None:
    rows = [
        {**ARTICLE, "record_id": "pm"},
        {**ARTICLE, "record_id": "em", "doi": "", "journal": "Proc Natl Acad Sci U S A", "pages": "240-5"},
        {
            **ARTICLE,
            "record_id": "err",
            "title": "Erratum: " + ARTICLE["title"],
            "number": "25",
            "pages": "19",
            "doi": "",
        },
    ]
    result = deduplicate(rows, study_links=[StudyLink("em", "err", "unlink", "ana")])
    assert [row["record_id"] for row in result.studies] == [str(record["record_id"]) for record in result.records]
    assert {row["record_id"]: row["relation"] for row in result.studies} == {"pm": "main", "err": "main"}
    assert [row["level"] for row in result.refused] == ["study"]


def test_read_study_links_refuses_a_malformed_line_with_file_and_line(tmp_path: Path) -> None:
    assert read_study_links(tmp_path / "absent.csv") == []
    path = tmp_path / "study_links.csv"
    path.write_text(
        'record_id_a,record_id_b,decision,reviewer,note\na,b,link,ana,"same trial,\nsee note"\nb,c,UNLINK,ben,\n',
        encoding="utf-8",
    )
    links = read_study_links(path)
    assert [(x.decision, x.line) for x in links] == [("link", 2), ("unlink", 4)]
    for body, line, message in (
        ("a,b,link,ana,note,extra\n", 2, "6 fields"),
        ("a,b,merge,ana,\n", 2, "not 'link' or 'unlink'"),
        ("a,a,link,ana,\n", 2, "itself"),
        (",b,link,ana,\n", 2, "must both be given"),
    ):
        path.write_text("record_id_a,record_id_b,decision,reviewer,note\n" + body, encoding="utf-8")
        with pytest.raises(DecisionLogError, match=rf"study_links.csv, line {line}: .*{message}"):
            read_study_links(path)
    path.write_text("a,b,decision\n", encoding="utf-8")
    with pytest.raises(DecisionLogError, match="line 1: missing column"):
        read_study_links(path)


def test_cli_writes_studies_and_refused(fixtures: Path, tmp_path: Path) -> None:
    links = tmp_path / "study_links.csv"
    links.write_text("record_id_a,record_id_b,decision,reviewer,note\npm1,gone,link,ana,\n", encoding="utf-8")
    out = {name: tmp_path / f"{name}.csv" for name in ("clusters", "records", "studies", "refused")}
    code = main(
        [
            "dedup", str(fixtures / "dedup" / "records.csv"), "--output", str(out["clusters"]),
            "--records", str(out["records"]), "--studies", str(out["studies"]), "--refused", str(out["refused"]),
            "--study-links", str(links), "--quiet",
        ]
    )  # fmt: skip
    assert code == 0
    studies_rows = read_table(out["studies"])
    assert [row["record_id"] for row in studies_rows] == [row["record_id"] for row in read_table(out["records"])]
    assert list(studies_rows[0]) == list(STUDY_FIELDS)
    assert {row["relation"] for row in studies_rows} >= {"main", "erratum"}
    header = out["refused"].read_text(encoding="utf-8").splitlines()[0]
    assert header == "record_id_a,record_id_b,level,match,refused_because"
