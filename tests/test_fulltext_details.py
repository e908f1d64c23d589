"""What a reviewer reads of a full text: why a PDF could not be read, whole-word snippets, the record's year."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from slrflow.fulltext import read_pdf
from slrflow.fulltext.characteristics import find_study_period, snippet
from slrflow.fulltext.extraction import extract_record
from slrflow.fulltext.metadata import find_year
from slrflow.fulltext.stage import record_document

PDFS = Path(__file__).parent / "fixtures" / "pdf"
EXAMPLE_PDFS = Path(__file__).parents[1] / "resources" / "fulltext"


@pytest.mark.parametrize(
    "name, status, reason",
    [
        ("colrev__broken-pdf.pdf", "unreadable", r"^not a PDF: the file starts with '.+'$"),
        ("pdfplumber__empty.pdf", "unreadable", r"^empty: the file has 0 bytes$"),
        ("jabref__encrypted.pdf", "encrypted", r"^encrypted: it needs a password"),
        ("pdfplumber__password-example.pdf", "encrypted", r"^encrypted: it needs a password"),
        ("pdfminer__encrypted_doc_no_id.pdf", "no_text", r"^no text layer: every page is a scanned image"),
    ],
)
def test_an_unusable_pdf_says_why_in_words(name: str, status: str, reason: str) -> None:
    record = read_pdf(PDFS / name, tables=False)
    assert record["status"] == status
    assert re.search(reason, record["reason"]), record["reason"]


def test_a_file_that_is_not_a_pdf_shows_how_it_starts(tmp_path: Path) -> None:
    page = tmp_path / "paper.pdf"
    page.write_bytes(b"<!DOCTYPE html>\n<html><body>Access denied</body></html>")  # a paywall saved as .pdf
    record = read_pdf(page)
    assert (record["status"], record["reason"]) == (
        "unreadable",
        "not a PDF: the file starts with '<!DOCTYPE html> <html><body>Acce'",
    )


def test_a_truncated_download_is_called_incomplete() -> None:
    record = read_pdf(EXAMPLE_PDFS / "10.1111_j.1475-6773.2006.00673.x.pdf")
    assert record["status"] == "unreadable"
    assert record["reason"].startswith("damaged: no end-of-file marker (an incomplete download?)")


def test_the_per_record_json_carries_the_reason() -> None:
    fulltext = read_pdf(PDFS / "jabref__encrypted.pdf")
    document = record_document("r1", "jabref__encrypted", fulltext, {"method": "title", "score": "95.0"})
    assert document["status"] == "encrypted" and document["reason"] == fulltext["reason"] != ""
    assert document["fields"] == {}


@pytest.mark.parametrize("width", [5, 12, 30, 80])
def test_snippets_start_and_end_between_words(width: int) -> None:
    text = "The participants (n = 24) were interviewed twice, in spring and autumn of the following year."
    start = text.index("n = 24")
    cut = snippet(text, start, start + len("n = 24"), width)
    assert "n = 24" in cut
    assert f" {cut} " in f" {' '.join(text.split())} "  # a run of whole words of the text


def test_snippets_of_a_real_article_are_whole_words() -> None:
    fulltext = read_pdf(PDFS / "jabref__Bogner2019.pdf", tables=False)
    fields = extract_record(fulltext)
    page_words = {page: set(text.split()) for page, text in enumerate(fulltext["pages"], start=1)}
    snippets = [(value["page"], value["snippet"]) for values in fields.values() for value in values if value["snippet"]]
    assert len(snippets) >= 4
    for page, text in snippets:
        assert text.split()[0] in page_words[page] and text.split()[-1] in page_words[page], text


def test_year_is_the_records_year_and_the_study_period_is_apart() -> None:
    """Hyslop et al. (2020) analyse data 'between 1997 and 2016': 2020 is its year, 1997-2016 its period."""
    fulltext = read_pdf(EXAMPLE_PDFS / "r01b1742d05f84f4.pdf", tables=False)
    assert "1997 and 2016" in " ".join(" ".join(fulltext["pages"]).split())
    assert fulltext["metadata"]["year"] == "2020"  # from the running head, not from the span of years
    fields = extract_record(fulltext, year="2020")
    assert [value["value"] for value in fields["year"]] == ["2020"]
    assert [value["value"] for value in fields["study_period"]] == ["1997-2016"]
    assert "1997" in fields["study_period"][0]["snippet"]


def test_a_year_the_text_does_not_print_has_no_page() -> None:
    fields = extract_record({"pages": ["An article without dates."], "sections": [], "metadata": {}}, year="2011")
    assert fields["year"] == [{"value": "2011", "page": None, "snippet": ""}]


@pytest.mark.parametrize(
    "text, period",
    [
        ("Data were collected between 1997 and 2016 in four regions.", "1997-2016"),
        ("between the launch of direct payments in 1997 and 2016", "1997-2016"),
        ("We searched from January 2010 to March 2014.", "2010-2014"),
        ("a national survey (2001\u20132005) of carers", "2001-2005"),
        ("records from 2003 until 2008 were kept", "2003-2008"),
        ("Published 2020. Received 12 May 2019.", None),
        ("doi:10.1000/2001-2005", None),
        ("between 2016 and 1997", None),
    ],
)
def test_a_study_period_is_a_span_of_years(text: str, period: str | None) -> None:
    found = find_study_period([(1, 1.0, text)])
    assert (found.value if found else None) == period


def test_the_heaviest_piece_names_the_study_period() -> None:
    pieces = [(3, 1.0, "earlier work from 1980 to 1990"), (1, 3.0, "we followed carers from 2005 to 2009")]
    found = find_study_period(pieces)
    assert found is not None and (found.value, found.page) == ("2005-2009", 1)


@pytest.mark.parametrize(
    "first_page, year",
    [
        ("Personal budgets between 1997 and 2016: a review. Published online 2020", "2020"),
        ("A study of carers, 1997\u20132016", ""),
        ("© 2018 The Authors. Data from 2001 to 2005 and again 2009.", "2018"),
        ("DISABILITY & SOCIETY 2020, VOL. 35, NO. 1, 25-51\nHow peer networks ... in 1997 and 2016", "2020"),
        ("as Smith 2012 and Jones 2014 found; BMC Health 2019; 12(3):45", "2019"),
    ],
)
def test_the_publication_year_is_never_taken_from_a_span(first_page: str, year: str) -> None:
    assert find_year(first_page) == year
