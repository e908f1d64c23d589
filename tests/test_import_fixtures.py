"""Every bibliographic export in ../shared/data/fixtures imports with its record count, or fails saying where.

Permissively licensed files are also copied to tests/fixtures/import/ (PROVENANCE.md there) and run without
../shared; GPL and unlicensed files are read from ../shared only and skip without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from slrflow import importers
from slrflow.errors import ImportFormatError
from slrflow.identity import record_id
from slrflow.records import RECORD_FIELDS

LOCAL = Path(__file__).parent / "fixtures" / "import"

# (path under fixtures/, detected format, records). Counts are SOURCES.md's unless a comment says why not.
EXPECTED: list[tuple[str, str, int]] = [
    ("bibtex/asysd__zotero_export.bib", "bibtex", 1000),
    ("bibtex/bibtexparser__gbk_test.bib", "bibtex", 1),
    ("bibtex/colrev__abi_inform_proquest_bib.bib", "bibtex", 2),
    ("bibtex/colrev__acm_bib.bib", "bibtex", 2),
    ("bibtex/colrev__crossref_bib.bib", "bibtex", 1),
    ("bibtex/colrev__dblp_bib.bib", "bibtex", 2),
    ("bibtex/colrev__europe_pmc_bib.bib", "bibtex", 2),
    ("bibtex/colrev__scopus_bib.bib", "bibtex", 11),  # one key has a space, which bibtexparser alone drops
    ("bibtex/colrev__taylor_and_francis_bib.bib", "bibtex", 2),
    ("bibtex/colrev__wiley_bib.bib", "bibtex", 2),
    ("bibtex/jabref__encoding-utf-16BE-without-header.bib", "bibtex", 1),
    ("bibtex/jabref__encoding-windows-1252-but-utf-8-declared--decoding-fails.bib", "bibtex", 1),
    ("bibtex/jabref__encoding-windows-1252-with-header.bib", "bibtex", 1),
    ("bibtex/jabref__tiny-LE-withBOM.bib", "bibtex", 1),
    ("bibtex/pybibx__wos_m.bib", "bibtex", 29),
    ("csv/asreview__embase.csv", "csv", 6),
    ("csv/bibliometrix__lens_sample.csv", "csv", 8),
    ("csv/bibliometrix__openalex_sample.csv", "csv", 8),
    ("csv/citefmt___baseline.csv", "csv", 100),
    # SOURCES.md flags 5 rows with 1 or 8 fields; they are quoted fields with embedded newlines, and the
    # CSV holds 11 whole records.
    ("csv/citefmt___baseline_abstrackr.csv", "csv", 11),
    ("csv/citefmt___baseline_cinahl.csv", "csv", 10),
    ("csv/citefmt___baseline_cochrane.csv", "csv", 3),
    ("csv/citefmt___baseline_covidence.csv", "csv", 10),
    ("csv/citefmt___baseline_embase.csv", "csv", 10),
    # SOURCES.md says 12: it counted the "SEARCH QUERY" line, the dashes and an empty ';;;' row as data.
    # The header is line 4 and 10 data rows follow, the same 10 records as every other _baseline_embase file.
    ("csv/citefmt___baseline_excel.csv", "csv", 10),
    ("csv/citefmt___baseline_googlescholar.csv", "csv", 10),
    ("csv/citefmt___baseline_openalex.csv", "csv", 9),
    ("csv/citefmt___baseline_pubmed.csv", "csv", 10),
    ("csv/citefmt___baseline_rayyan.csv", "csv", 10),
    ("csv/citefmt___baseline_scopus.csv", "csv", 10),
    ("csv/citefmt___baseline_zotero.csv", "csv", 10),
    ("csv/colrev__ieee_csv.csv", "csv", 2),
    ("csv/colrev__pubmed-chatbot.csv", "csv", 6),
    ("csv/colrev__pubmed_csv.csv", "csv", 1),
    ("csv/colrev__springer_csv.csv", "csv", 1),
    ("csv/litstudy__ieee.csv", "csv", 10),
    ("csv/litstudy__springer.csv", "csv", 18),
    # SOURCES.md says 2 (it counted '%0' lines); the file has 6 blank-line-separated records, 4 without a
    # '%0' type line, and CoLRev's own expected output (ais_enl_result.bib) holds all 6.
    ("endnote_tagged/colrev__ais_enl.txt", "endnote_tagged", 6),
    # SOURCES.md says 13 (it counted '%0' lines); 8 of them are type-only lines with no field, and JabRef's
    # EndnoteImporterTest, whose file this is, expects 5 entries.
    ("endnote_tagged/jabref__Endnote.entries.enw", "endnote_tagged", 5),
    ("endnote_xml/asysd__mendeley_export.xml", "endnote_xml", 1233),
    ("endnote_xml/jabref__EndnoteXmlImporterTestArticle.xml", "endnote_xml", 1),
    ("endnote_xml/jabref__EndnoteXmlImporterTestArticle2.xml", "endnote_xml", 2),
    ("json/colrev__google_scholar.json", "json", 7),
    ("medline_nbib/citefmt___baseline_pubmed.ris", "medline", 50),  # MEDLINE despite the .ris name
    ("medline_nbib/colrev__eric_nbib.nbib", "medline", 1),
    ("medline_nbib/colrev__nbib_data.nbib", "medline", 1),
    # SOURCES.md says 5 (it counted 'PMID- ' with a space); two records start 'PMC -' and 'PMCR-', three
    # 'PMID-' without the space, and JabRef's MedlinePlainImporterTest expects 7 entries from this file.
    ("medline_nbib/jabref__MedlinePlainImporterTestMultipleEntries.txt", "medline", 7),
    ("medline_nbib/jabref__NbibImporterTest.nbib", "medline", 1),
    ("medline_nbib/metaknowledge__medline_test.medline", "medline", 175),
    ("medline_nbib/rayyanplugins__example1.nbib", "medline", 10),
    ("ovid/jabref__OvidImporterTest1.txt", "ovid", 5),
    ("ovid/jabref__OvidImporterTest3.txt", "ovid", 1),
    ("ovid/knh11545__Embase_citavi_r3001-3002.ovd", "ovid", 2),
    ("ovid/knh11545__Embase_endnote_r3001-3002.cgi", "ovid", 2),
    ("proquest_text/metaknowledge__ProQuest_TestFile.testtxt", "proquest_text", 100),
    ("pubmed_xml/pubmedparser__pubmed-29768149.xml", "pubmed_xml", 1),
    ("ris/asreview__embase.ris", "ris", 6),
    ("ris/asreview__faulty_year.ris", "ris", 1),
    ("ris/asreview__ovid_psycinfo.ris", "ris", 6),
    ("ris/asreview__ovid_zotero.ris", "ris", 6),
    ("ris/asreview__proquest.ris", "ris", 6),
    ("ris/asreview__pubmed_endnote.txt", "ris", 6),
    ("ris/asreview__pubmed_zotero.ris", "ris", 6),
    ("ris/asreview__ris_issue_1099.txt", "ris", 7),
    ("ris/asreview__ris_issue_992.txt", "ris", 19),
    ("ris/asreview__ris_many_authors.ris", "ris", 1),
    ("ris/asreview__web_of_science.txt", "ris", 10),
    ("ris/asysd__ris_export.txt", "ris", 69),
    ("ris/asysd__scopus.ris", "ris", 10),
    ("ris/asysd__wos_test.ris", "ris", 50),
    ("ris/citefmt___baseline.ris", "ris", 100),
    ("ris/citefmt___baseline_cinahl.ris", "ris", 9),
    ("ris/citefmt___baseline_citavi.ris", "ris", 100),
    ("ris/citefmt___baseline_cochrane_endnote.ris", "ris", 3),
    ("ris/citefmt___baseline_cochrane_refman.ris", "ris", 3),
    ("ris/citefmt___baseline_covidence_endnote.ris", "ris", 10),
    ("ris/citefmt___baseline_covidence_mendeley.ris", "ris", 10),
    ("ris/citefmt___baseline_covidence_refworks.ris", "ris", 10),
    ("ris/citefmt___baseline_covidence_zotero.ris", "ris", 10),
    ("ris/citefmt___baseline_embase.ris", "ris", 10),
    ("ris/citefmt___baseline_endnote.ris", "ris", 10),
    ("ris/citefmt___baseline_eppireviewer.ris", "ris", 10),
    ("ris/citefmt___baseline_eric_ovid.ris", "ris", 10),
    ("ris/citefmt___baseline_googlescholar.ris", "ris", 10),
    ("ris/citefmt___baseline_mdpi.ris", "ris", 11),
    ("ris/citefmt___baseline_mendeley.ris", "ris", 10),
    ("ris/citefmt___baseline_openalex.ris", "ris", 9),
    ("ris/citefmt___baseline_psychInfo_ovid.ris", "ris", 10),
    ("ris/citefmt___baseline_rayyan.ris", "ris", 10),
    ("ris/citefmt___baseline_refworks.ris", "ris", 10),
    ("ris/citefmt___baseline_scopus.ris", "ris", 10),
    ("ris/citefmt___baseline_webofscience.ris", "ris", 10),
    ("ris/citefmt___baseline_zotero.ris", "ris", 10),
    ("ris/colrev__abi_inform_proquest_ris.ris", "ris", 2),
    ("ris/colrev__ieee_ris.ris", "ris", 2),
    ("ris/colrev__psycinfo_ris.ris", "ris", 1),
    ("ris/colrev__ris_data.ris", "ris", 2),  # first record lacks ER: read, with a warning
    ("ris/colrev__trid_ris.ris", "ris", 3),
    ("ris/jabref__RisImporterTestScience.ris", "ris", 1),
    ("ris/jabref__RisImporterTestScopus.ris", "ris", 1),
    ("ris/jabref__RisImporterTestWithEmptyER.ris", "ris", 1),
    ("ris/litstudy__example.ris", "ris", 25),
    ("ris/revtools__avian_ecology_bibliography.ris", "ris", 20),
    ("ris/revtools__restoration_scopus.ris", "ris", 286),
    ("ris/rispy__example_bom.ris", "ris", 1),
    ("ris/rispy__example_empty_tag.ris", "ris", 1),
    ("ris/rispy__example_extraneous_data.ris", "ris", 2),
    ("ris/rispy__example_full_without_whitespace.ris", "ris", 2),
    ("ris/rispy__example_multi_unknown_tags.ris", "ris", 1),
    ("ris/rispy__example_multiline.ris", "ris", 3),
    ("ris/rispy__example_starting_newlines.ris", "ris", 1),
    ("ris/rispy__example_utf_chars.ris", "ris", 1),
    ("ris/synthesisr__scopus.ris", "ris", 92),
    ("tsv/citefmt___baseline_refworks.tsv", "tsv", 100),
    ("wos_plaintext/bibx__single-article.txt", "wos", 1),
    ("wos_plaintext/jabref__IsiImporterTestInspec.isi", "wos", 2),
    ("wos_plaintext/jabref__IsiImporterTestMedline.isi", "wos", 2),
    ("wos_plaintext/jabref__IsiImporterTestWOS.isi", "wos", 2),
    ("wos_plaintext/knh11545__WoS_other_reference_software_r4001-4012.txt", "wos", 12),
    ("wos_plaintext/metaknowledge__OnePaper.isi", "wos", 1),
    ("wos_plaintext/metaknowledge__TwoPaper.isi", "wos", 2),
    # "Deliberately broken" for metaknowledge, which rejects it for lacking the closing 'EF' line; all 32
    # records are whole (32 PT, 32 ER), so they are read and the missing EF is a warning.
    ("wos_plaintext/metaknowledge__badFile.isi", "wos", 32),
    ("wos_plaintext/refsplitr__BITR_test.txt", "wos", 10),
    # Broken header ('XX' instead of 'FN'); the 10 records are whole, the header line is a warning.
    ("wos_plaintext/refsplitr__BadHeader.txt", "wos", 10),
    ("wos_plaintext/refsplitr__ISItop.txt", "wos", 2),
    ("wos_plaintext/rispy__example_wos.ris", "wos", 2),  # Web of Science plain text despite the .ris name
    ("wos_plaintext/wosfile__wos_plaintext.txt", "wos", 50),
    ("wos_tab_delimited/wosfile__wos_tab_delimited_win_utf16.txt", "wos_tab", 50),
    ("wos_tab_delimited/wosfile__wos_tab_delimited_win_utf8.txt", "wos_tab", 50),
    # SOURCES.md says 12 (14 rows less 2); the sheet has a search-query row, a dashes row and an empty row
    # above the header, and 10 data rows below it, the same 10 records as the other _baseline_embase files.
    ("xlsx/citefmt___baseline_embase.xlsx", "xlsx", 10),
    ("xlsx/citefmt___baseline_eppireviewer.xlsx", "xlsx", 10),
    ("xlsx/colrev__xlsx_data.xlsx", "xlsx", 3),
]

# Files broken on purpose: (path, words the message must contain, line it must name).
BROKEN: list[tuple[str, str, int]] = [
    ("ris/jabref__RisImporterCorrupted.ris", "without a 'TY  - ' line", 2),
    ("ovid/jabref__OvidImporterTest2Invalid.txt", "without record markers", 2),
]


def _fixture(relative: str, request: pytest.FixtureRequest) -> Path:
    local = LOCAL / relative
    if local.is_file():
        return local
    shared = request.getfixturevalue("shared_data") / "fixtures" / relative
    assert shared.is_file(), f"{relative} is neither in tests/fixtures/import nor in ../shared"
    return shared


@pytest.mark.parametrize(("relative", "name", "count"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_fixture_imports_with_expected_count(relative: str, name: str, count: int, request) -> None:
    path = _fixture(relative, request)
    result = importers.load(path, database="Test")
    assert result.format == name
    assert len(result.records) == count
    assert [r["source_position"] for r in result.records] == list(range(1, count + 1))
    for record in result.records:
        assert tuple(record) == RECORD_FIELDS
        assert record["record_id"] == record_id(record)
        assert record["source_format"] == name and record["database"] == "Test"
        assert record["source_file"] == str(path)
        assert isinstance(record["authors"], list) and isinstance(record["keywords"], list)
        assert record["year"] == "" or (len(record["year"]) == 4 and record["year"].isdigit())


@pytest.mark.parametrize(("relative", "words", "line"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_fixture_fails_naming_file_and_line(relative: str, words: str, line: int, request) -> None:
    path = _fixture(relative, request)
    with pytest.raises(ImportFormatError) as caught:
        importers.load(path)
    assert caught.value.path == str(path) and caught.value.line == line
    assert words in str(caught.value) and f"{path}, line {line}" in str(caught.value)


def test_every_bibliographic_fixture_is_in_a_table(request) -> None:
    fixtures = request.getfixturevalue("shared_data") / "fixtures"
    listed = {e[0] for e in EXPECTED} | {b[0] for b in BROKEN}
    present = {f"{p.parent.name}/{p.name}" for p in fixtures.glob("*/*") if not p.parent.name.startswith("pdf_")}
    assert present == listed


# (path, position, title start, first author, year, doi) checked field by field.
FIELDS: list[tuple[str, int, str, str, str, str]] = [
    (
        "ris/citefmt___baseline_scopus.ris",
        1,
        "Global latitudinal gradients",
        "Wilson, L.N.",
        "2024",
        "10.1038/s41467-024-46843-2",
    ),
    ("ris/asreview__embase.ris", 1, "Duplication cysts", "Liu, R.", "2014", "10.4103/2303-9027.138783"),
    (
        "ris/asreview__ovid_psycinfo.ris",
        1,
        "The influence of self-criticism",
        "Trindade, Ines A",
        "2019",
        "10.1002/cpp.2398",
    ),
    ("ris/rispy__example_extraneous_data.ris", 2, "The title of the reference", "Marxus, Karlus", "2006", ""),
    (
        "medline_nbib/citefmt___baseline_pubmed.ris",
        1,
        "Time lapse",
        "Griffin, Darren K",
        "2020",
        "10.1016/j.ejmg.2019.03.004",
    ),
    (
        "wos_plaintext/wosfile__wos_plaintext.txt",
        1,
        "Knowledge networks as channels",
        "Owen-Smith, J",
        "2004",
        "10.1287/orsc.1030.0054",
    ),
    (
        "wos_tab_delimited/wosfile__wos_tab_delimited_win_utf16.txt",
        1,
        "Knowledge networks as channels",
        "Owen-Smith, J",
        "2004",
        "10.1287/orsc.1030.0054",
    ),
    (
        "bibtex/jabref__tiny-LE-withBOM.bib",
        1,
        "Investigation of the best suture",
        "Verwilghen, D.",
        "2011",
        "10.1136/vr.d6221",
    ),
    (
        "csv/citefmt___baseline_scopus.csv",
        1,
        "Global latitudinal gradients",
        "Wilson, Lauren N.",
        "2024",
        "10.1038/s41467-024-46843-2",
    ),
    (
        "csv/bibliometrix__lens_sample.csv",
        1,
        "Dynamic real-time risk",
        "Radanliev, Petar",
        "2020",
        "10.1007/s10669-020-09792-x",
    ),
    ("csv/colrev__springer_csv.csv", 1, "Publication tilte", "Smith, Andy", "2000", "10.1007/11111"),
    (
        "tsv/citefmt___baseline_refworks.tsv",
        1,
        "The effect of intra-arterial angiotensin",
        "van den Hoven",
        "2014",
        "10.1016/j.jvir.2013.12.293",
    ),
    (
        "xlsx/citefmt___baseline_embase.xlsx",
        1,
        "Cellular structure of dinosaur scales",
        "Yang, Z.",
        "2024",
        "10.1038/s41467-024-48400-3",
    ),
    (
        "endnote_xml/jabref__EndnoteXmlImporterTestArticle2.xml",
        1,
        "An ecological basis for reforestation",
        "Chapman, A. G.",
        "1937",
        "",
    ),
    ("endnote_tagged/colrev__ais_enl.txt", 1, "How Trust Leads to Commitment", "Guo, Wenbo", "2021", ""),
    (
        "pubmed_xml/pubmedparser__pubmed-29768149.xml",
        1,
        "Inhaled Combined Budesonide",
        "O'Byrne, Paul M",
        "2018",
        "10.1056/nejmoa1715274",
    ),
    (
        "ovid/knh11545__Embase_endnote_r3001-3002.cgi",
        1,
        "Quality of life in patients with primary ciliary",
        "Behan, L.",
        "2018",
        "10.1186/s12919-018-0099-8",
    ),
    (
        "proquest_text/metaknowledge__ProQuest_TestFile.testtxt",
        1,
        "Entrenchment and the Kripke-Wittgenstein",
        "Dorst, Chris",
        "2014",
        "",
    ),
    ("json/colrev__google_scholar.json", 1, "How Trust Leads to Commitment", "Guo, W", "2021", ""),
]


@pytest.mark.parametrize(("relative", "position", "title", "author", "year", "doi"), FIELDS, ids=[f[0] for f in FIELDS])
def test_fields_are_mapped(relative, position, title, author, year, doi, request) -> None:
    record = importers.load(_fixture(relative, request)).records[position - 1]
    assert record["title"].startswith(title)
    assert record["authors"][0] == author
    assert record["year"] == year
    assert record["doi"] == doi


def test_same_paper_gets_the_same_id_from_ris_csv_and_xlsx(request) -> None:
    ids = [
        {r["doi"]: r["record_id"] for r in importers.load(_fixture(p, request)).records}
        for p in (
            "ris/citefmt___baseline_embase.ris",
            "csv/citefmt___baseline_embase.csv",
            "xlsx/citefmt___baseline_embase.xlsx",
        )
    ]
    assert ids[0] == ids[1] == ids[2]


def test_pages_volume_issue_and_keywords(request) -> None:
    medline = importers.load(_fixture("medline_nbib/jabref__MedlinePlainImporterTestMultipleEntries.txt", request))
    first = medline.records[0]
    assert (first["volume"], first["number"], first["pages"], first["pmid"]) == ("20", "4", "454-481", "20481061")
    bib = importers.load(_fixture("bibtex/colrev__crossref_bib.bib", request)).records[0]
    assert bib["pages"] == "1275-1299"
    rayyan = importers.load(_fixture("ris/asreview__ris_issue_992.txt", request)).records[0]
    # Rayyan writes one keyword per untagged line after a single KW tag.
    assert rayyan["keywords"][:3] == ["Health Facility Administration", "Joint Commission", "Standards"]


def test_odd_but_readable_files_warn(request) -> None:
    cases = {
        "ris/colrev__ris_data.ris": "no 'ER  -' line",
        "ris/asreview__faulty_year.ris": "has no four-digit year",
        "bibtex/jabref__encoding-windows-1252-with-header.bib": "not valid UTF-8",
        "endnote_tagged/jabref__Endnote.entries.enw": "only a '%0' type line",
    }
    for relative, words in cases.items():
        result = importers.load(_fixture(relative, request))
        assert any(words in str(w) for w in result.warnings), (relative, result.warnings)
