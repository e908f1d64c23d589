"""What the corpus says about its records: series titles, and an issue column that holds record numbers."""

from __future__ import annotations

from slrflow.dedup import deduplicate
from slrflow.dedup.corpus import drop_record_numbers, mark_series
from slrflow.dedup.normalise import normalise_record

EDITORIAL = {"title": "Editor's Comments", "authors": "Rai, Arun", "journal": "MIS Quarterly", "year": "2020"}


def records(*rows: dict[str, str]):
    return [normalise_record({"record_id": f"r{k}", **row}) for k, row in enumerate(rows)]


def test_a_title_under_two_dois_is_a_series_title() -> None:
    found = records(
        {**EDITORIAL, "doi": "10.25300/MISQ/2020/44.1.e1"}, {**EDITORIAL, "doi": "10.25300/MISQ/2020/44.2.e2"}
    )
    assert mark_series(found) == 1
    assert all(record.series for record in found)


def test_a_title_in_two_issues_of_one_volume_is_a_series_title() -> None:
    # "Editors' Comments" and "Editor's comments" are one title
    found = records(
        {**EDITORIAL, "volume": "44", "number": "1"},
        {**EDITORIAL, "title": "Editors' comments", "volume": "44", "number": "2"},
    )
    assert mark_series(found) == 1


def test_copies_of_one_article_are_not_a_series() -> None:
    # one DOI in two forms, a version DOI, a missing issue, and the online-first year beside the print year
    found = records(
        {**EDITORIAL, "doi": "10.1101/2020.03.01.123456v1", "volume": "44", "number": "1"},
        {**EDITORIAL, "doi": "https://doi.org/10.1101/2020.03.01.123456V2", "volume": "44"},
        {**EDITORIAL, "year": "2019", "volume": "44", "number": "1"},
    )
    assert mark_series(found) == 0
    # nor are a meeting abstract and the article grown from it, years apart
    assert mark_series(records({**EDITORIAL, "year": "2010"}, {**EDITORIAL, "year": "2013"})) == 0


def test_a_long_title_is_never_a_series_title() -> None:
    title = "Gain-of-function mutations in complement factor B are associated with atypical hemolytic uremic syndrome"
    found = records({"title": title, "doi": "10.1/a"}, {"title": title, "doi": "10.1/b"})
    assert mark_series(found) == 0


def test_series_title_keeps_editorials_apart_in_deduplicate() -> None:
    rows = [
        {
            "record_id": "e1",
            **EDITORIAL,
            "volume": "44",
            "number": "1",
            "pages": "1-3",
            "doi": "10.25300/misq/2020/44.1.e1",
        },
        {
            "record_id": "e2",
            **EDITORIAL,
            "volume": "44",
            "number": "2",
            "pages": "1-3",
            "doi": "10.25300/misq/2020/44.2.e2",
        },
        {"record_id": "e3", **EDITORIAL, "volume": "44", "pages": "1-3"},  # which issue? nothing says
        {"record_id": "e4", **EDITORIAL, "volume": "44", "number": "1", "pages": "1-3"},  # e1's full address
    ]
    clusters = dict(zip(*(lambda r: (r.record_ids, r.cluster_ids))(deduplicate(rows)), strict=True))
    assert clusters["e1"] == clusters["e4"]
    assert len({clusters["e1"], clusters["e2"], clusters["e3"]}) == 3


def test_an_issue_column_of_record_numbers_is_ignored() -> None:
    # an EndNote library's 'number' is the record number: different on every record, never an issue
    found = records(*({"title": f"t{k}", "number": str(1000 + k)} for k in range(60)))
    assert drop_record_numbers(found) is True
    assert {record.number for record in found} == {""}
    # real issues repeat
    found = records(*({"title": f"t{k}", "number": str(k % 12 + 1)} for k in range(60)))
    assert drop_record_numbers(found) is False
    # too few records to tell
    assert drop_record_numbers(records(*({"title": f"t{k}", "number": str(k)} for k in range(10)))) is False


def test_an_article_and_its_erratum_in_another_issue_are_not_a_series() -> None:
    article = {"title": "Eculizumab for atypical hemolytic-uremic syndrome", "volume": "360", "number": "5"}
    found = records(article, {**article, "title": "Erratum: " + article["title"], "number": "23"})
    assert mark_series(found) == 0
