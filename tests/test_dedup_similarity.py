"""Pairwise decisions on hand-written, realistic record pairs: conservative where studies differ."""

from __future__ import annotations

from slrflow.dedup.normalise import normalise_record
from slrflow.dedup.similarity import author_similarity, compare, conflict, journals_compatible, pages_agree

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


def test_erratum_joins_its_article() -> None:
    # Policy (benchmarks/README.md, Deduplication): an erratum is a report of the same study, so it joins its
    # article as PRISMA counts studies; its own pages, issue and DOI say nothing against that.
    a, b = pair(ARTICLE, title="Erratum: " + ARTICLE["title"], number="25", pages="19")
    assert conflict(a, b) is None
    assert compare(a, b).reason == "erratum+title+journal"
    a, b = pair(ARTICLE, title=ARTICLE["title"] + " (vol 104, pg 240, 2007)", authors="Goicoechea de Jorge, E.")
    assert compare(a, b) is not None
    # but only its own article: another title, journal, author list or a later year stays apart
    a, b = pair(ARTICLE, title="Erratum: Mutations in complement factor H in atypical hemolytic uremic syndrome")
    assert compare(a, b) is None
    a, b = pair(ARTICLE, title="Erratum: " + ARTICLE["title"], journal="Kidney International")
    assert conflict(a, b) == "erratum in another journal"
    a, b = pair(ARTICLE, title="Erratum: " + ARTICLE["title"], authors="Buddles, M. R.; Donne, R. L.")
    assert conflict(a, b) == "erratum by other authors"
    a, b = pair(ARTICLE, title="Erratum: " + ARTICLE["title"], year="2010")
    assert compare(a, b) is None
    # a retraction notice is not its article
    a, b = pair(ARTICLE, title="Retraction: " + ARTICLE["title"])
    assert conflict(a, b) == "one is an erratum, retraction, reply or comment"


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


def test_supplement_doi_and_wrong_doi() -> None:
    with_doi = {**ARTICLE, "doi": "10.1371/journal.pone.0012345"}
    a, b = pair(with_doi, doi="10.1371/journal.pone.0012345.s001")
    assert conflict(a, b) == "DOI of a supplement"
    # one DOI shared by unrelated conference abstracts (the supplement issue's DOI) does not merge them
    a, b = pair(with_doi, title="Linagliptin reduces ischaemic brain damage in diabetic mice", pages="S69")
    assert compare(a, b) is None
    # a wrong DOI on one of two records that agree on everything else is outweighed
    a, b = pair(with_doi, doi="10.1371/journal.pone.0099999")
    assert compare(a, b) is not None
    a, b = pair(with_doi, doi="10.1371/journal.pone.0099999", pages="")
    assert compare(a, b) is None


def test_different_pages_or_authors_conflict() -> None:
    # a one-page item with the article's title later in the volume: a reply or an unmarked correction
    a, b = pair(ARTICLE, number="12", pages="1721")
    assert conflict(a, b) == "different pages"
    a, b = pair(ARTICLE, pages="1721-1722", journal="Kidney International")
    assert conflict(a, b) == "different pages"
    # (with one title, volume and page range the authors may differ: test_one_volume_and_page_range_...)
    a, b = pair(ARTICLE, authors="Buddles, M. R.; Donne, R. L.; Richards, A.", pages="")
    assert conflict(a, b) == "different authors"


def test_same_report_on_other_pages_of_one_volume() -> None:
    # a meeting abstract in the journal's supplement before the article, or a mistyped first page
    a, b = pair(ARTICLE, number="Suppl 1", pages="S12")
    assert conflict(a, b) is None
    assert compare(a, b).reason.endswith("(pages differ)")
    a, b = pair(ARTICLE, pages="2240-2245")
    assert compare(a, b) is not None
    # never for a short title, which a series shares, nor in another year
    column = {**ARTICLE, "title": "Gateways to clinical trials", "pages": "473-503"}
    a, b = pair(column, number="3", pages="185-206")
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
