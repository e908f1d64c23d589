"""`slrflow fulltext`: statuses for broken PDFs, reading order on a generated two-column PDF, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slrflow.cli import main
from slrflow.errors import PdfError
from slrflow.fulltext import dumps, load, read_pdf

PDFS = Path(__file__).parent / "fixtures" / "pdf"

# Every file of ../shared/data/fixtures/pdf_malformed (copied to tests/fixtures/pdf) and the status it must get.
MALFORMED = {
    "colrev__broken-pdf.pdf": "unreadable",
    "jabref__encrypted.pdf": "encrypted",
    "pdfminer__aes-128.pdf": "encrypted",
    "pdfminer__encrypted_doc_no_id.pdf": "no_text",
    "pdfminer__issue-1113-evil-xobjects.pdf": "ok",
    "pdfminer__rc4-40.pdf": "encrypted",
    "pdfminer__zen_of_python_corrupted.pdf": "ok",
    "pdfplumber__empty.pdf": "unreadable",
    "pdfplumber__malformed-from-issue-932.pdf": "ok",
    "pdfplumber__password-example.pdf": "encrypted",
    "pypdf__libreoffice-writer-password.pdf": "encrypted",
    "pypdf__r2-owner-password.pdf": "ok",
}
PASSWORDS = {
    "jabref__encrypted.pdf": "world",
    "pdfminer__aes-128.pdf": "foo",
    "pdfminer__rc4-40.pdf": "foo",
    "pdfplumber__password-example.pdf": "test",
    "pypdf__libreoffice-writer-password.pdf": "openpassword",
}


def make_pdf(path: Path, pages: list[list[tuple]], *, size: float = 10.0) -> Path:
    """A minimal US-letter PDF in Helvetica; each page a list of (x, top, text) or (x, top, text, size), with
    top measured from the top of the page."""
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: page tree, filled in below
    font = len(objects) + 1
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for items in pages:
        ops = []
        for x, top, text, *rest in items:
            font_size = rest[0] if rest else size
            escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"BT /F1 {font_size} Tf {x} {792 - top - font_size} Td ({escaped}) Tj ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (content, font)
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    refs = " ".join(f"{kid} 0 R" for kid in kids).encode()
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    body = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(body))
    return path


def two_column_page() -> list[tuple]:
    items: list[tuple] = [(72, 60, "A Randomised Trial of Something Important Across Two Columns", 14)]
    items.append((72, 90, "Abstract"))
    for i in range(25):
        items.append((72, 110 + 13 * i, f"left{i} words in the left column of the page"))
        items.append((320, 110 + 13 * i, f"right{i} words in the right column here"))
    items.append((72, 480, "1 Methods"))
    return items


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_each_malformed_pdf_gets_its_status_without_a_crash(name: str) -> None:
    record = read_pdf(PDFS / name)
    assert record["status"] == MALFORMED[name]
    assert (record["reason"] == "") == (record["status"] == "ok")
    assert record["page_count"] == len(record["pages"]) == len(record["columns"])
    json.loads(dumps(record))


def test_the_malformed_list_covers_every_shared_malformed_pdf(shared_data: Path) -> None:
    assert {p.name for p in (shared_data / "fixtures" / "pdf_malformed").glob("*.pdf")} == set(MALFORMED)


@pytest.mark.parametrize("name", sorted(PASSWORDS))
def test_encrypted_pdfs_open_with_their_password(name: str) -> None:
    record = read_pdf(PDFS / name, password=PASSWORDS[name])
    assert record["status"] in ("ok", "no_text")
    assert record["encrypted"] is True
    assert record["page_count"] >= 1


def test_a_wrong_password_is_still_a_status() -> None:
    assert read_pdf(PDFS / "pdfminer__aes-128.pdf", password="nope")["status"] == "encrypted"


def test_a_pdf_without_text_is_flagged_for_ocr() -> None:
    record = read_pdf(PDFS / "pdfminer__encrypted_doc_no_id.pdf")
    assert record["needs_ocr"] is True
    assert record["pages_without_text"] == list(range(1, record["page_count"] + 1))


def test_a_blank_generated_pdf_is_no_text(tmp_path: Path) -> None:
    record = read_pdf(make_pdf(tmp_path / "blank.pdf", [[], []]))
    assert record["status"] == "no_text"
    assert record["page_count"] == 2


def test_a_missing_file_is_an_error_not_a_status(tmp_path: Path) -> None:
    with pytest.raises(PdfError, match="no such file"):
        read_pdf(tmp_path / "absent.pdf")


def test_generated_two_column_pdf_reads_column_by_column(tmp_path: Path) -> None:
    record = read_pdf(make_pdf(tmp_path / "paper.pdf", [two_column_page()]))
    assert record["status"] == "ok"
    assert record["columns"] == [2]
    lines = record["pages"][0].split("\n")
    assert lines[0].startswith("A Randomised Trial")
    assert lines[1] == "Abstract"
    assert [line.split()[0] for line in lines[2:52]] == [f"left{i}" for i in range(25)] + [
        f"right{i}" for i in range(25)
    ]
    assert lines[52] == "1 Methods"
    sections = {s["name"]: s for s in record["sections"]}
    assert sections["abstract"]["offset"] == record["pages"][0].index("Abstract")
    assert sections["methods"]["page"] == 1
    assert record["metadata"]["title"].startswith("A Randomised Trial of Something Important")


def test_output_is_byte_identical_for_the_same_pdf(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    pdf = PDFS / "pdfminer__zen_of_python_corrupted.pdf"
    assert main(["fulltext", str(pdf), "--output", str(first)]) == 0
    assert main(["fulltext", str(pdf), "--output", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    record = load(first)
    assert record["status"] == "ok"
    assert "Beautiful is better than ugly." in record["pages"][0]


def test_cli_exits_zero_and_says_why_for_an_unreadable_pdf(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out.json"
    assert main(["fulltext", str(PDFS / "jabref__encrypted.pdf"), "--output", str(out)]) == 0
    assert "encrypted" in capsys.readouterr().err
    assert load(out)["status"] == "encrypted"


def test_cli_exits_non_zero_when_called_wrongly(tmp_path: Path) -> None:
    assert main(["fulltext", str(tmp_path / "absent.pdf"), "--output", str(tmp_path / "o.json")]) == 2
    with pytest.raises(SystemExit) as raised:
        main(["fulltext", str(PDFS / "pdfplumber__empty.pdf")])
    assert raised.value.code != 0


def test_load_rejects_a_file_that_is_not_a_record(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"pages": []}', encoding="utf-8")
    with pytest.raises(PdfError, match="not a full-text record"):
        load(path)
