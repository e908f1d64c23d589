"""The importers on small texts: detection by content, encodings, line endings, errors and field shapes."""

from __future__ import annotations

import pytest

from slrflow import importers
from slrflow.errors import ImportFormatError, InputFileError
from slrflow.importers._fields import first_year, join_pages, normalise_author, split_authors

RIS = (
    "TY  - JOUR\n"
    "TI  - Cash for care schemes\n"
    "AU  - Carr, Sarah\n"
    "AU  - Smith, J.\n"
    "PY  - 2019/03/01/\n"
    "T2  - Journal of Care\n"
    "VL  - 12\n"
    "IS  - 3\n"
    "SP  - 101\n"
    "EP  - 9\n"
    "DO  - https://doi.org/10.1000/ABC.123\n"
    "KW  - care; payments\n"
    "KW  - Care\n"
    "AB  - First line of the abstract\n"
    "  continued here.\n"
    "ER  - \n"
    "\n"
    "TY  - BOOK\n"
    "TI  - A book\n"
    "ER  - \n"
)


def test_ris_fields() -> None:
    result = importers.loads(RIS, database="Scopus", source_file="a.ris")
    assert result.format == "ris" and len(result) == 2 and result.warnings == []
    first = result.records[0]
    assert first["authors"] == ["Carr, Sarah", "Smith, J."]
    assert (first["year"], first["journal"], first["volume"], first["number"]) == ("2019", "Journal of Care", "12", "3")
    assert first["pages"] == "101-109"
    assert first["doi"] == "10.1000/abc.123"
    assert first["keywords"] == ["care", "payments"]
    assert first["abstract"] == "First line of the abstract continued here."
    assert (first["database"], first["source_file"], first["source_position"]) == ("Scopus", "a.ris", 1)
    assert result.records[1]["source_position"] == 2 and result.records[1]["type"] == "BOOK"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
    ],
)
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_encodings_and_line_endings_give_the_same_records(encoding: str, bom: bytes, newline: str) -> None:
    text = RIS.replace("Carr", "Cárr").replace("\n", newline)
    result = importers.loads(bom + text.encode(encoding))
    assert result.encoding == encoding and result.warnings == []
    reference = importers.loads(RIS.replace("Carr", "Cárr"))
    assert result.records == reference.records


def test_mixed_line_endings() -> None:
    lines = RIS.split("\n")
    mixed = "".join(line + ("\r\n", "\r", "\n")[i % 3] for i, line in enumerate(lines))
    assert importers.loads(mixed.encode()).records == importers.loads(RIS + "\n").records


def test_windows_1252_fallback_is_a_warning_with_the_line() -> None:
    data = RIS.replace("Carr", "Carré").encode("cp1252")
    result = importers.loads(data)
    assert result.encoding == "cp1252"
    assert result.records[0]["authors"][0] == "Carré, Sarah"
    assert len(result.warnings) == 1 and result.warnings[0].line == 3
    assert "not valid UTF-8" in str(result.warnings[0])


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("TY  - JOUR\nTI  - A title\nER  - \n", "ris"),
        ("PMID- 1\nTI  - A title\nDP  - 2001\nFAU - Smith, John\n", "medline"),
        ("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Smith, J\nTI A title\nER\nEF\n", "wos"),
        ("@article{k1,\n title = {A title},\n year = 2001\n}\n", "bibtex"),
        ("Title,Authors,Year\nA title,Smith J,2001\n", "csv"),
        ("Title\tAuthors\tYear\nA title\tSmith J\t2001\n", "tsv"),
        ('[{"title": "A title", "year": 2001}]', "json"),
        ("%0 Journal Article\n%T A title\n%A Smith, John\n%D 2001\n", "endnote_tagged"),
        ("<1>\nTitle\n  A title\nAuthor\n  Smith, John\n", "ovid"),
        (
            "<?xml version='1.0'?><xml><records><record><titles><title>A</title></titles></record></records></xml>",
            "endnote_xml",
        ),
    ],
)
def test_detect_format_by_content(text: str, name: str) -> None:
    assert importers.detect_format(text) == name
    assert importers.detect_format(text.encode("utf-8")) == name
    result = importers.loads(text)
    assert result.format == name and len(result) == 1
    assert result.records[0]["title"] == "A title" or name in {"endnote_xml"}


def test_wrong_extension_does_not_matter(tmp_path) -> None:
    path = tmp_path / "pubmed.ris"
    path.write_text("PMID- 12345\nTI  - A title\nDP  - 2001 Jan\nFAU - Smith, John\nAU  - Smith J\n")
    result = importers.load(path)
    assert result.format == "medline"
    assert result.records[0]["pmid"] == "12345" and result.records[0]["authors"] == ["Smith, John"]


def test_unknown_format_names_the_file(tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Just some notes\nabout nothing in particular\n")
    with pytest.raises(ImportFormatError, match=r"notes\.txt: format not recognised"):
        importers.load(path)
    with pytest.raises(ImportFormatError, match="empty"):
        importers.detect_format("")


def test_missing_file_is_an_input_file_error(tmp_path) -> None:
    with pytest.raises(InputFileError, match="cannot be read"):
        importers.load(tmp_path / "absent.ris")


def test_ris_errors_name_the_line() -> None:
    with pytest.raises(ImportFormatError) as caught:
        importers.loads("TY  - JOUR\nTI  - ok\nER  - \nER  - \n", source_file="x.ris")
    assert caught.value.line == 4 and str(caught.value).startswith("x.ris, line 4: ")


def test_ris_missing_er_is_read_with_a_warning() -> None:
    result = importers.loads("TY  - JOUR\nTI  - one\nTY  - JOUR\nTI  - two\n")
    assert [r["title"] for r in result.records] == ["one", "two"]
    assert [w.line for w in result.warnings] == [1, 3, 3]
    # The file ends inside the second record: it is marked as possibly truncated, in the summary and the record.
    assert result.truncated and "possibly truncated" in result.warnings[-1].message
    assert result.records[-1]["import_warnings"] == [result.warnings[1].message, result.warnings[2].message]


def test_bibtex_entry_that_cannot_be_parsed_is_a_warning_and_the_others_are_read() -> None:
    text = "@article{a,\n title = {One}\n}\n\n@article{b,\n title = {Two\n}\n\n@article{c,\n title = {Three}\n}\n"
    result = importers.loads(text, source_file="x.bib")
    assert [r["title"] for r in result.records][::2] == ["One", "Three"]
    assert any(w.line == 5 and "entry b" in w.message for w in result.warnings)


def test_bibtex_file_with_no_readable_entry_is_an_error() -> None:
    with pytest.raises(ImportFormatError) as caught:
        importers.loads("@article{a,\n title = {One\n", source_file="x.bib")
    assert caught.value.line == 1


def test_broken_xml_and_json_name_the_line() -> None:
    with pytest.raises(ImportFormatError) as caught:
        importers.loads("<xml><records>\n<record>\n<title>A</titl>\n</record></records></xml>")
    assert caught.value.line == 3
    with pytest.raises(ImportFormatError) as caught:
        importers.loads('[\n{"title": "A"},\n{"title": }\n]')
    assert caught.value.line == 3


def test_csv_header_below_a_preamble_and_cells_by_name() -> None:
    text = (
        '"SEARCH QUERY","x"\n----\n\n'
        "Authors,Title,Source title,Year,Volume,Issue,Page start,Page end,DOI,PubMed ID\n"
        '"Wilson L.N.; Gardner J.D.",A title,Nature,2024,15,1,10,19,10.1000/X,123\n'
    )
    record = importers.loads(text).records[0]
    assert record["authors"] == ["Wilson, L.N.", "Gardner, J.D."]
    assert (record["journal"], record["pages"], record["doi"], record["pmid"]) == (
        "Nature",
        "10-19",
        "10.1000/x",
        "123",
    )


def test_csv_without_a_title_column_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="format not recognised"):
        importers.loads("a,b,c\n1,2,3\n")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Smith, John", "Smith, John"),
        ("Griffin DK", "Griffin, DK"),
        ("Wilson L.N.", "Wilson, L.N."),
        ("Sarah Carr", "Carr, Sarah"),
        ("Max Van Kleek", "Van Kleek, Max"),
        ("Ludwig van Beethoven", "van Beethoven, Ludwig"),
        ("Wilson, Lauren N. (58975547800)", "Wilson, Lauren N."),
        ("WHO Collaborating Group", "WHO Collaborating Group"),
        ("Plato", "Plato"),
    ],
)
def test_normalise_author(name: str, expected: str) -> None:
    assert normalise_author(name) == expected


def test_split_authors() -> None:
    assert split_authors("Smith J, Jones K") == ["Smith, J", "Jones, K"]
    assert split_authors("Smith, J. and Jones, K.") == ["Smith, J.", "Jones, K."]
    assert split_authors("Massimo Aria|Corrado Cuccurullo") == ["Aria, Massimo", "Cuccurullo, Corrado"]
    assert split_authors("Smith, John") == ["Smith, John"]
    assert split_authors("Andy SmithTom Weber") == ["Smith, Andy", "Weber, Tom"]
    assert split_authors("Mary Jane McNamara") == ["McNamara, Mary Jane"]
    # A surname of two words keeps its initials (Scopus writes one author per AU line).
    assert split_authors("Da Roit, B.") == ["Da Roit, B."]
    assert split_authors("Da Roit, B., Le Bihan, B.") == ["Da Roit, B.", "Le Bihan, B."]
    assert split_authors("null van den Hoven; Marnix G.E.H. Mann") == ["van den Hoven", "Mann, Marnix G.E.H."]
    assert split_authors(["van den Hoven"]) == ["van den Hoven"]
    # Lower-case name particles belong to the surname (found re-reading slrflow's own RIS export of Lens records).
    assert split_authors("van der Kallen, Carla J. H.") == ["van der Kallen, Carla J. H."]
    assert split_authors(["de Ritter, Rianneke", "van der Kallen, Carla J. H."]) == [
        "de Ritter, Rianneke",
        "van der Kallen, Carla J. H.",
    ]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("454", "81", "454-481"),
        ("1309--1348", None, "1309-1348"),
        ("e0815", None, "e0815"),
        ("12", "12", "12"),
        ("S105", None, "S105"),
        ("100", "150", "100-150"),
    ],
)
def test_join_pages(start, end, expected) -> None:
    assert join_pages(start, end) == expected


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2020 Feb", "2020"),
        ("4/3/2024", "2024"),
        ("2014//", "2014"),
        ("Start date: 20170812", "2017"),
        ("10 15", ""),
        ("", ""),
    ],
)
def test_first_year(text: str, year: str) -> None:
    assert first_year(text) == year
