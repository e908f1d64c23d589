"""Agreement with the expected text and metadata of the scholarly fixture PDFs (floors measured 2026-11-23).

The comparisons are those of benchmarks/fulltext/agreement.py, which prints the full table; measured then:
text similarity 99.57 on cermine__test2 (plain pdfplumber 62.73), every expected line found, titles 8/8,
DOIs 8/8 (four present, four correctly absent), author recall 0.86 on average.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

import pytest

from slrflow.fulltext import read_pdf
from slrflow.identity import normalise_doi, normalise_text

REPO = Path(__file__).resolve().parents[1]
LOCAL = REPO / "tests" / "fixtures" / "pdf"


def _read(path: Path) -> dict:
    # The JabRef PDFs are also copied here: read each file once whichever folder names it.
    local = LOCAL / path.name
    return _read_once(local if local.is_file() else path)


@cache
def _read_once(path: Path) -> dict:
    return read_pdf(path)


def _agreement_module():
    spec = importlib.util.spec_from_file_location(
        "fulltext_agreement", REPO / "benchmarks" / "fulltext" / "agreement.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_jabref_pdfs_title_and_doi_agree_with_their_bibtex() -> None:
    bib = (LOCAL / "jabref__pdfContentImporterTest-pdfs.bib").read_text("utf-8")
    checked = 0
    for entry in re.split(r"\n@", bib):
        file = re.search(r"file\s*=\s*\{(.*?)\}", entry)
        if not file or not (LOCAL / f"jabref__{file.group(1)}").is_file():
            continue
        metadata = _read(LOCAL / f"jabref__{file.group(1)}")["metadata"]
        assert normalise_text(metadata["title"]) == normalise_text(re.search(r"title\s*=\s*\{(.*?)\},", entry).group(1))
        assert metadata["doi"] == normalise_doi(re.search(r"doi\s*=\s*\{(.*?)\}", entry).group(1))
        checked += 1
    assert checked == 2


def test_scholarly_pdfs_agree_with_expected_text_and_metadata(shared_data: Path) -> None:
    agreement = _agreement_module()
    data = shared_data / "fixtures" / "pdf_scholarly"
    agreement.DATA = data
    rows = [agreement.compare(pdf, _read(data / pdf), want) for pdf, want in sorted(agreement.expected().items())]
    assert len(rows) == 8
    assert all(row["status"] == "ok" for row in rows)
    (text_row,) = [row for row in rows if "text_similarity" in row]
    assert text_row["text_similarity"] >= 99.0
    assert text_row["text_similarity"] >= text_row["pdfplumber_similarity"] + 30  # reading order of two columns
    assert all(row["lines_found"] == 1.0 for row in rows if "lines_found" in row)
    assert sum(row["title"] for row in rows) == 8
    assert sum(row["doi"] for row in rows) == 8
    recalls = [row["authors"] for row in rows if "authors" in row]
    assert sum(recalls) / len(recalls) >= 0.8


@pytest.mark.parametrize("name", ["cermine__test2.pdf", "scienceparse__P14-1059.pdf"])
def test_two_column_articles_are_detected_and_sectioned(shared_data: Path, name: str) -> None:
    record = _read(shared_data / "fixtures" / "pdf_scholarly" / name)
    assert record["columns"].count(2) >= len(record["columns"]) - 1
    names = [section["name"] for section in record["sections"]]
    assert {"introduction", "references"} <= set(names)
    for section in record["sections"]:
        page = record["pages"][section["page"] - 1]
        assert page[section["offset"] :].startswith(section["heading"])
