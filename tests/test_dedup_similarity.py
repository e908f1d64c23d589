"""Pairwise decisions on hand-written, realistic record pairs: conservative where studies differ."""

from __future__ import annotations

from slrflow.dedup.normalise import normalise_record
from slrflow.dedup.similarity import (
    DOI_CONFLICT,
    ISSUE_CONFLICT,
    NOTICE_CONFLICT,
    SERIES_CONFLICT,
    author_similarity,
    compare,
    conflict,
    different_issues,
    journals_compatible,
    pages_agree,
)

ARTICLE = {
    "record_id": "a",
    "title": "Gain-of-function mutations in complement factor B are associated with atypical hemolytic uremic syndrome",
    "authors": "Goicoechea de Jorge, E.; Harris, C. L.; Esparza-Gordillo, J.; Carreras, L.",
    "year": "2007",
    "journal": "Proceedings of the National Academy of Sciences of the United States of America",
    "volume": "104",
    "number": "1",
    "pages": "240-245",
    "doi": "",
}


def pair(a: dict, **changes: str):
    b = {**a, "record_id": "b", **changes}
    return normalise_record(a), normalise_record(b)


def test_same_article_from_two_databases_matches() -> None:
    a, b = pair(
        ARTICLE,
        title=ARTICLE["title"].upper() + ".",
        authors="de Jorge EG, Harris CL, Esparza-Gordillo J, Carreras L",
        journal="Proc Natl Acad Sci U S A",
        pages="240-5",
    )
    found = compare(a, b)
    assert found is not None
    assert found.reason.startswith("title+authors+year")
    assert "pages" in found.reason
    assert 0.9 <= found.score <= 1.0


def test_same_doi_matches_despite_formatting() -> None:
    a, b = pair({**ARTICLE, "doi": "10.1073/pnas.0606685104"}, doi="https://doi.org/10.1073/PNAS.0606685104")
    assert compare(a, b).reason == "doi"


def test_a_notice_is_never_the_article_it_corrects() -> None:
    # An erratum, a retraction notice, a reply or a comment is another item than the article it is titled after
    # (its own page, issue and often DOI): never one report with it, however alike the rest (studies links them).
    for title in (
        "Erratum: " + ARTICLE["title"],
        "Retraction: " + ARTICLE["title"],
        ARTICLE["title"] + " (vol 104, pg 240, 2007)",
    ):
        a, b = pair(ARTICLE, title=title)
        assert conflict(a, b) == NOTICE_CONFLICT
        assert compare(a, b) is None
    # two copies of one notice are one report; a notice citing its article is an erratum of unstated kind
    a, b = pair(
        {**ARTICLE, "title": "Erratum: " + ARTICLE["title"]}, title=ARTICLE["title"] + " (vol 104, pg 240, 2007)"
    )
    assert conflict(a, b) is None


def test_reply_is_not_the_letter() -> None:
    a, b = pair(ARTICLE, title="Reply: " + ARTICLE["title"], pages="246")
    assert compare(a, b) is None


def test_part_one_is_not_part_two() -> None:
    part = {
        **ARTICLE,
        "title": "Diagnostic methods and techniques in preventing cervical carcinoma. Part I: Conventional cytology",
        "authors": "Bolanca, I. K.; Vranes, J.",
        "journal": "Medicinski Glasnik",
        "volume": "7",
        "pages": "",
    }
    a, b = pair(part, title=part["title"].replace("Part I:", "Part II:"))
    assert conflict(a, b) == "different numbers in titles"
    assert compare(a, b) is None


def test_conference_abstract_is_not_the_journal_article() -> None:
    a, b = pair(
        ARTICLE,
        journal="Molecular Immunology. Conference: XXII International Complement Workshop",
        volume="44",
        number="16",
        pages="3922",
    )
    assert compare(a, b) is None
    # without volume and pages the venue alone must decide, and a different venue is a different record
    a, b = pair({**ARTICLE, "volume": "", "pages": ""}, journal="European Journal of Immunology. Conference")
    assert compare(a, b) is None


def test_same_title_in_another_year_is_another_paper() -> None:
    column = {**ARTICLE, "title": "Gateways to clinical trials", "authors": "Bayes, M.; Rabasseda, X."}
    a, b = pair(column, year="2006", volume="106", pages="185-206")
    assert conflict(a, b) == "different years"
    a, b = pair(column, year="2010")
    assert compare(a, b) is None  # two years apart, even with nothing else to tell them apart


def test_online_first_year_tolerated_only_with_same_volume_and_pages() -> None:
    a, b = pair(ARTICLE, year="2006")
    assert compare(a, b) is not None
    a, b = pair(ARTICLE, year="2006", volume="", pages="")
    assert compare(a, b) is None
    # one volume of one journal, and a long title, where one record has no pages (online first)
    a, b = pair(ARTICLE, year="2006", pages="")
    assert compare(a, b) is not None
    a, b = pair(ARTICLE, year="2006", pages="", journal="Kidney International")
    assert compare(a, b) is None


def test_short_generic_title_needs_bibliographic_detail() -> None:
    short = {**ARTICLE, "title": "Eculizumab", "pages": "515-516", "volume": "6", "journal": "Nat Rev Drug Discov"}
    a, b = pair(short, pages="", volume="", journal="Nature Reviews Drug Discovery")
    assert compare(a, b) is None
    a, b = pair(short, journal="Nature Reviews Drug Discovery")
    assert compare(a, b) is not None


def test_supplement_or_version_doi_and_wrong_doi() -> None:
    with_doi = {**ARTICLE, "doi": "10.1371/journal.pone.0012345"}
    # a supplement's or a version's DOI says nothing against one report: the other fields decide
    a, b = pair(with_doi, doi="10.1371/journal.pone.0012345.s001")
    assert conflict(a, b) is None
    a, b = pair({**with_doi, "doi": "10.1101/2020.03.01.123456v1"}, doi="10.1101/2020.03.01.123456v2")
    assert conflict(a, b) is None
    # one DOI shared by unrelated conference abstracts (the supplement issue's DOI) does not merge them
    a, b = pair(with_doi, title="Linagliptin reduces ischaemic brain damage in diabetic mice", pages="S69")
    assert compare(a, b) is None
    # a wrong DOI on one of two records that agree on every other field, issue included, is outweighed
    a, b = pair(with_doi, doi="10.1371/journal.pone.0099999")
    assert compare(a, b) is not None
    # anything less is two items with two DOIs
    for change in ({"pages": ""}, {"number": "2"}, {"journal": ""}, {"volume": ""}):
        a, b = pair(with_doi, doi="10.1371/journal.pone.0099999", **change)
        assert conflict(a, b) in (DOI_CONFLICT, ISSUE_CONFLICT), change


def test_different_issues_of_one_volume_conflict_whatever_else_agrees() -> None:
    # A journal prints an article once: one title in two issues of a volume is two items (a recurring section,
    # an unmarked correction, two papers by one author), even with the same first page and authors.
    a, b = pair(ARTICLE, number="12")
    assert conflict(a, b) == ISSUE_CONFLICT
    assert compare(a, b) is None
    # unless the DOI is the same (the DOI names the article), or one 'issue' is the other's article number
    a, b = pair({**ARTICLE, "doi": "10.1073/pnas.0606685104"}, number="12")
    assert conflict(a, b) is None
    a, b = pair({**ARTICLE, "number": "11", "pages": "e0143396"}, number="143396", pages="")
    assert conflict(a, b) is None
    # an issue missing on one side, or other volumes, is not this rule
    a, b = pair(ARTICLE, number="")
    assert conflict(a, b) is None
    assert different_issues(*pair(ARTICLE, volume="105", number="2")) is False


def test_series_title_merges_only_on_same_doi_or_address() -> None:
    editorial = {**ARTICLE, "title": "Editor's comments", "authors": "Rai, A.", "pages": "1-4", "number": "1"}
    a, b = pair(editorial, number="")
    assert conflict(a, b) is None  # nothing says these differ ...
    a.series = b.series = True  # ... until the corpus shows the title recurring (slrflow.dedup.corpus)
    assert conflict(a, b) == SERIES_CONFLICT
    a, b = pair(editorial)  # the same volume, issue and pages: one item
    a.series = b.series = True
    assert conflict(a, b) is None
    a, b = pair({**editorial, "doi": "10.25300/misq/2020/44.1.e1"}, number="", pages="")
    a.series = b.series = True
    assert conflict(a, b) is None


def test_different_pages_or_authors_conflict() -> None:
    # a one-page item with the article's title later in the volume: a reply or an unmarked correction
    a, b = pair(ARTICLE, number="", pages="1721")
    assert conflict(a, b) == "different pages"
    a, b = pair(ARTICLE, pages="1721-1722", journal="Kidney International")
    assert conflict(a, b) == "different pages"
    # (with one title, volume and page range the authors may differ: test_one_volume_and_page_range_...)
    a, b = pair(ARTICLE, authors="Buddles, M. R.; Donne, R. L.; Richards, A.", pages="")
    assert conflict(a, b) == "different authors"


def test_same_report_on_other_pages_of_one_volume() -> None:
    # a mistyped first page, or one meeting abstract printed twice in a supplement
    a, b = pair(ARTICLE, pages="2240-2245")
    assert compare(a, b).reason.endswith("(pages differ)")
    abstract = {**ARTICLE, "number": "Suppl 3", "pages": "S51"}
    a, b = pair(abstract, number="", pages="S52")
    assert compare(a, b) is not None
    # a meeting abstract in the supplement and the article are two reports of one study (studies links them)
    a, b = pair(ARTICLE, number="", pages="S12")
    assert conflict(a, b) == "different pages"
    # never for a short title, which a series shares
    column = {**ARTICLE, "title": "Gateways to clinical trials", "pages": "473-503", "number": ""}
    a, b = pair(column, pages="185-206")
    assert conflict(a, b) == "different pages"


def test_one_volume_and_page_range_is_one_article_in_any_language() -> None:
    a, b = pair(
        ARTICLE,
        title="[Mutations activatrices du facteur B du complement dans le syndrome hemolytique et uremique]",
        journal="Proc Natl Acad Sci U S A",
    )
    assert conflict(a, b) is None
    assert compare(a, b).reason == "authors+year+journal+volume+pages"
    # author names spelled otherwise (transliterated, or a study group) beside one title and address
    a, b = pair(ARTICLE, authors="ALTS Group")
    assert compare(a, b).reason == "title+year+journal+volume+pages"
    # no authors on one side: the address and a title above the floor
    a, b = pair(
        ARTICLE, title="Gain-of-function mutations of factor B in atypical hemolytic uremic syndrome", authors=""
    )
    assert compare(a, b).reason == "title+year+journal+volume+pages"
    # a supplement's whole range, given to each of its abstracts, is not one article's address
    a, b = pair({**ARTICLE, "pages": "S1-S480"}, title="Complement genes in a cohort of 120 patients with aHUS")
    assert compare(a, b) is None
    # one page only, or no title to read, is not an address of one article
    a, b = pair({**ARTICLE, "pages": "240"}, title="Another abstract of the same meeting", authors="X, Y")
    assert compare(a, b) is None
    a, b = pair(ARTICLE, title="")
    assert compare(a, b) is None


def test_helpers() -> None:
    assert author_similarity(frozenset({"chen", "yang"}), frozenset({"che", "yang"})) == 1.0
    assert author_similarity(frozenset({"shin"}), frozenset({"shin", "lee"})) == 1.0
    assert author_similarity(frozenset(), frozenset({"x"})) == -1.0
    a, b = pair(ARTICLE, journal="Proc Natl Acad Sci U S A")
    assert journals_compatible(a, b) is True
    a, b = pair(ARTICLE, journal="Cancer Research")
    assert journals_compatible(a, b) is False
    a, b = pair(ARTICLE, pages="245")
    assert pages_agree(a, b) is True
    a, b = pair(ARTICLE, pages="c240-c245")
    assert pages_agree(a, b) is True
