"""Normalisation: the keys duplicate detection compares."""

from __future__ import annotations

import pytest

from slrflow.dedup.normalise import (
    SURNAME,
    author_tokens,
    clean_title,
    doi_is_suffix_variant,
    doi_is_version_variant,
    first_page,
    journal_segments,
    last_page,
    normalise_record,
    series_key,
    title_markers,
    title_numbers,
    volume_key,
    year_of,
)
from slrflow.dedup.similarity import author_similarity


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Eculizumab for aHUS.[Erratum appears in N Engl J Med. 2009 Jun 4;360(23):2487]", "eculizumab for ahus"),
        (
            "Current aspects of hemolytic uremic syndrome in children. [Romanian]",
            "current aspects of hemolytic uremic syndrome in children",
        ),
        ("Mechanisms of disease: renal injury. [Review] [88 refs]", "mechanisms of disease renal injury"),
        (
            "[Indications of living-donor kidney transplantation]. [Spanish] [",
            "indications of living donor kidney transplantation",
        ),
        ("[A study on the use of mycobacterium vaccine]", "a study on the use of mycobacterium vaccine"),
        # notices: the notice word and the citation of the original are not part of the title
        (
            "Eculizumab for Atypical Hemolytic-Uremic Syndrome (vol 360, pg 542, 2009)",
            "eculizumab for atypical hemolytic uremic syndrome",
        ),
        ("Erratum: Eculizumab for aHUS (New England Journal of Medicine (2009) 360 (542-544))", "eculizumab for ahus"),
        ("More on eculizumab for aHUS... N Engl J Med. 2009 Jan 29;360(5):544-6", "more on eculizumab for ahus"),
        # but a bracketed tail without a citation's shape stays
        (
            "Diabetes in 1990 and 2000 (a cohort of 1999 patients)",
            "diabetes in 1990 and 2000 a cohort of 1999 patients",
        ),
        ("Trends in obesity (NHANES 1999-2010)", "trends in obesity nhanes 1999 2010"),
        ("Cervical neoplasia among 10 000 women", "cervical neoplasia among 10000 women"),
    ],
)
def test_clean_title_drops_database_notes_but_keeps_translated_titles(raw: str, expected: str) -> None:
    assert clean_title(raw) == expected


@pytest.mark.parametrize(
    ("title", "markers"),
    [
        ("Erratum: Gain-of-function mutations in complement factor B", {"erratum"}),
        ("Eculizumab for Atypical Hemolytic-Uremic Syndrome (vol 360, pg 542, 2009)", {"erratum"}),
        ("Correction: Liraglutide and renal outcomes", {"erratum"}),
        ("Reply to: Liraglutide and renal outcomes", {"reply"}),
        ("Comment on: Liraglutide and renal outcomes", {"comment"}),
        ("RETRACTED ARTICLE: Liraglutide and renal outcomes", {"retraction"}),
        ("Eculizumab for aHUS.[Erratum appears in N Engl J Med. 2009]", set()),
        ("Correction of hypoglycaemia with glucagon", set()),
    ],
)
def test_title_markers(title: str, markers: set[str]) -> None:
    assert title_markers(title) == markers


def test_title_numbers_read_roman_numerals_in_context() -> None:
    assert title_numbers(clean_title("Cervical carcinoma. Part II: cytology")) == ("2",)
    assert title_numbers(clean_title("Type II diabetes")) == title_numbers(clean_title("Type 2 diabetes"))
    assert title_numbers(clean_title("Vitamin D and bone")) == ()


def test_author_tokens_agree_across_formats() -> None:
    bibtex = author_tokens("Zuna, R E and Wang, S S and Schiffman, M")
    slrflow = author_tokens("Zuna, Rosemary E.; Wang, Sophia S.; Schiffman, Mark")
    asysd = author_tokens("Zuna R. E.Wang S. S.Schiffman M.")
    assert {w for w in bibtex if not w.startswith(SURNAME)} == asysd == {"zuna", "wang", "schiffman"}
    assert {w for w in slrflow if w.startswith(SURNAME)} == {SURNAME + w for w in asysd}
    assert author_similarity(bibtex, slrflow) == author_similarity(bibtex, asysd) == 1.0


@pytest.mark.parametrize(
    ("pages", "first", "last"),
    [
        ("202-30", "202", "230"),
        ("974-7", "974", "977"),
        ("S251-S261", "s251", "s261"),
        ("e001469", "e1469", ""),
        ("143", "143", ""),
        ("12-May", "", ""),
        ("Suppl-29", "", ""),
        ("t-71", "", ""),
        ("", "", ""),
    ],
)
def test_pages(pages: str, first: str, last: str) -> None:
    assert first_page(pages) == first
    assert last_page(pages) == last


def test_volume_year_journal() -> None:
    assert volume_key("16 (1) (no pagination)") == "16"
    assert volume_key("30A") == "30a"
    assert year_of("2009 Jun") == 2009
    assert year_of("") is None
    assert journal_segments("International journal of cancer.Journal international du cancer")[0] == (
        "international",
        "journal",
        "cancer",
    )


def test_doi_suffix_variant() -> None:
    assert doi_is_suffix_variant("10.1371/journal.pone.0012345", "10.1371/journal.pone.0012345.s001")
    assert doi_is_suffix_variant("10.1000/abc", "10.1000/abc/suppl_file")
    assert not doi_is_suffix_variant("10.1000/abc1", "10.1000/abc12")
    assert not doi_is_suffix_variant("10.1000/abc", "10.1000/abc")


def test_normalise_record() -> None:
    record = normalise_record(
        {"record_id": "a", "title": "Title", "doi": "https://doi.org/10.1000/XYZ", "pages": "5-9", "year": "2001"}
    )
    assert record.doi == "10.1000/xyz"
    assert (record.page, record.last_page, record.year) == ("5", "9", 2001)
    assert record.filled == 4


def test_notice_keys() -> None:
    # a title that only cites its article is a notice of unstated kind; stacked notice words are all cut
    cited = normalise_record({"title": "Eculizumab for atypical hemolytic-uremic syndrome (vol 360, pg 542, 2009)"})
    assert cited.markers == {"erratum"}
    embase = normalise_record(
        {
            "title": "Eculizumab for atypical hemolytic-uremic syndrome "
            "(New England Journal of Medicine (2009) 360 (542-544))"
        }
    )
    assert embase.markers == {"notice"} and embase.title == "eculizumab for atypical hemolytic uremic syndrome"
    stacked = normalise_record({"title": "Erratum: Author Correction: A remarkable assemblage of petroglyphs"})
    assert stacked.title == "a remarkable assemblage of petroglyphs" and stacked.markers == {"erratum"}
    assert normalise_record({"title": "Retraction notice: A trial of X"}).title == "a trial of x"
    assert normalise_record({"title": "A trial of X (the ABC trial)"}).markers == frozenset()


def test_doi_and_issue_keys() -> None:
    # a DOI in a URL is percent-encoded; preprint versions are versions of one DOI
    encoded = normalise_record({"doi": "http://dx.doi.org/10.1016/S0025-7753%2817%2930624-3"})
    assert encoded.doi == normalise_record({"doi": "10.1016/s0025-7753(17)30624-3"}).doi
    assert doi_is_version_variant("10.1101/2020.03.01.123456v1", "10.1101/2020.03.01.123456v2")
    assert not doi_is_version_variant("10.1371/journal.pone.0012345", "10.1371/journal.pone.0012346")
    # only the digits of an issue compare ('1 Supplement 1' and '1'); the supplement is kept as a flag
    supplement = normalise_record({"number": "1 Supplement 1"})
    assert supplement.number == "1" and supplement.supplement
    assert normalise_record({"pages": "S12-S13"}).supplement
    assert not normalise_record({"number": "3", "pages": "240-245"}).supplement
    assert series_key("editor s comments") == series_key("editors comments") == series_key("editor s comment")
