"""Read one PDF into the full-text record `slrflow fulltext` writes (ARCHITECTURE.md, DATAFLOW.md).

    {"status": "ok" | "encrypted" | "unreadable" | "no_text", "reason": "...", "pages": ["page 1 text", ...],
     "page_count": N, "metadata": {...}, "pdf_info": {...}, "sections": [...], "tables": [...],
     "columns": [1 or 2 per page], "errors": [...], "encrypted": bool, "needs_ocr": bool,
     "pages_without_text": [...], "sha256": "...", "bytes": N, "extractor": {...versions}}

A PDF that cannot be read is a status with a reason, never an exception; only a path that is not a file raises
PdfError. Each page's characters are parsed once (pdfplumber caches them between `extract_words` and
`extract_tables`) and the page's caches are dropped before the next page, so memory stays flat on long PDFs.
The record holds nothing that depends on when or where it was made, so the same PDF gives the same bytes.

Memory. A PDF's streams are compressed, and a 1.5 MB file can hold a content stream that inflates to 1.5 GB.
pdfminer inflates each stream whole, so the only sure cap is on the reading process: each PDF is read in a
forked child whose address space may grow by at most `MEMORY_LIMIT` (resource.setrlimit); a PDF that needs more
gets the status `unreadable` with a reason that says so, and the caller's memory is untouched.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

from slrflow.errors import PdfError
from slrflow.fulltext.layout import Line, Word, reading_order
from slrflow.fulltext.metadata import clean_info, document_metadata
from slrflow.fulltext.sections import Heading, find_headings, section_spans
from slrflow.tables import atomic_open

__all__ = ["PDF_STATUSES", "dump", "dumps", "load", "read_pdf"]

PDF_STATUSES = ("ok", "encrypted", "unreadable", "no_text")
# Address space one PDF's reading may add to the process: ample for a 2,000-page article collection (read at flat
# memory, page by page), far below what a decompression bomb asks for.
MEMORY_LIMIT = 1 << 30
# How a refused allocation shows in a page's error once pdfplumber has wrapped it (MemoryError, or zlib's
# "Unable to allocate output buffer" inside a PdfminerException).
_OUT_OF_MEMORY = ("MemoryError", "Unable to allocate", "Cannot allocate memory")
# Pages searched for the title, authors and DOI.
FIRST_PAGES = 2
# Characters further apart than this fraction of their size are separate words. pdfplumber's fixed 3 pt glues
# the words of PDFs that position words without space characters (measured on the CERMINE and JabRef fixtures).
X_TOLERANCE_RATIO = 0.14


def read_pdf(
    path: str | Path, *, password: str = "", tables: bool = True, memory_limit: int | None = MEMORY_LIMIT
) -> dict[str, Any]:
    """The full-text record of the PDF at `path`; see the module docstring for its keys.

    With a `memory_limit` (bytes; the default) the PDF is read in a child process that may use that much memory
    beyond what this process already has; None reads it here, uncapped.
    """
    path = Path(path)
    if not path.is_file():
        raise PdfError("no such file (give the path of a PDF)", path=path)
    if memory_limit is not None and _can_cap():
        return _read_capped(path, password=password, tables=tables, memory_limit=memory_limit)
    return _read(path, password=password, tables=tables)


def _can_cap() -> bool:
    # RLIMIT_AS is enforced on Linux, where fork is also cheap; elsewhere the PDF is read uncapped.
    return sys.platform.startswith("linux")


def _read_capped(path: Path, *, password: str, tables: bool, memory_limit: int) -> dict[str, Any]:
    import multiprocessing
    import resource

    receiver, sender = multiprocessing.Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:  # the child: cap its address space, read, send the record, and leave without cleanup
        code = 0
        try:
            receiver.close()
            in_use = os.sysconf("SC_PAGE_SIZE") * int(Path("/proc/self/statm").read_text().split()[0])
            resource.setrlimit(resource.RLIMIT_AS, (in_use + memory_limit, resource.RLIM_INFINITY))
            try:
                record = _read(path, password=password, tables=tables)
            except MemoryError:
                record = None
            said = [record["reason"], *(str(e.get("error", "")) for e in record["errors"])] if record else []
            if record is None or any(sign in text for text in said for sign in _OUT_OF_MEMORY):
                record = {"memory_exceeded": True}
            sender.send(record)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    sender.close()
    try:
        record = receiver.recv()
    except EOFError:
        record = None
    finally:
        receiver.close()
        _, status = os.waitpid(pid, 0)
    if isinstance(record, dict) and "status" in record:
        return record
    fallback = _empty_record(*_digest(path))
    if isinstance(record, dict) and record.get("memory_exceeded"):
        return _fail(
            fallback,
            "unreadable",
            f"reading it needs more than {memory_limit / (1 << 30):.1f} GiB of memory (a compressed stream that "
            "inflates far beyond the file's size?); it was stopped",
        )
    return _fail(fallback, "unreadable", f"the process reading it ended abnormally (wait status {status})")


def _digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _read(path: Path, *, password: str, tables: bool) -> dict[str, Any]:
    digest = hashlib.sha256()
    size = 0
    head = tail = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            if not head:
                head = chunk[:1024]
            tail = (tail + chunk)[-1024:]
            digest.update(chunk)
            size += len(chunk)
    record = _empty_record(digest.hexdigest(), size)
    if size == 0:
        return _fail(record, "unreadable", "empty: the file has 0 bytes")

    import pdfplumber

    # pdfminer logs every odd operator it skips; a record's `errors` says what went wrong with a page instead.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = pdfplumber.open(path, password=password)
    except Exception as error:
        return _open_failure(record, error, head=head, complete=b"%%EOF" in tail)
    with pdf:
        record["encrypted"] = pdf.doc.encryption is not None
        try:
            info = clean_info(pdf.metadata or {})
            pages = pdf.pages
        except Exception as error:
            return _fail(record, "unreadable", f"damaged: the page tree cannot be read: {_describe(error)}")
        record["pdf_info"] = info
        _read_pages(record, pages, tables=tables, info=info)
    return record


def dumps(record: Mapping[str, Any]) -> str:
    """The record as JSON text: sorted keys, no ASCII escaping, one trailing newline."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False, indent=1) + "\n"


def dump(record: Mapping[str, Any], path: str | Path) -> None:
    """Write the record atomically to `path`."""
    with atomic_open(path) as handle:
        handle.write(dumps(record))


def load(path: str | Path) -> dict[str, Any]:
    """Read a record written by `dump`; raises PdfError naming the file if it is not one."""
    try:
        with open(path, encoding="utf-8") as handle:
            record = json.load(handle)
    except (OSError, ValueError) as error:
        raise PdfError(f"cannot read this full-text record: {error}", path=path) from error
    if not isinstance(record, dict) or record.get("status") not in PDF_STATUSES or "pages" not in record:
        raise PdfError("not a full-text record (expected the JSON written by `slrflow fulltext`)", path=path)
    return record


def _read_pages(record: dict[str, Any], pages: list, *, tables: bool, info: dict[str, str]) -> None:
    first_lines: list[list[Line]] = []
    headings: list[Heading] = []
    failed = 0
    for number, page in enumerate(pages, start=1):
        text = ""
        columns = 1
        try:
            words = _words(page)
            lines = reading_order(words)
            text = "\n".join(line.text for line in lines)
            columns = 2 if any(line.column for line in lines) else 1
            headings.extend(find_headings(lines, number))
            if number <= FIRST_PAGES:
                first_lines.append(lines)
            if not text.strip() and page.images:
                record["needs_ocr"] = True
        except Exception as error:
            failed += 1
            record["errors"].append({"page": number, "error": _describe(error)})
        if tables and not (record["errors"] and record["errors"][-1]["page"] == number):
            try:
                for index, rows in enumerate(_tables(page), start=1):
                    record["tables"].append({"page": number, "index": index, "rows": rows})
            except Exception as error:
                record["errors"].append({"page": number, "error": f"tables: {_describe(error)}"})
        page.close()
        record["pages"].append(text)
        record["columns"].append(columns)
        if not text.strip():
            record["pages_without_text"].append(number)
    record["page_count"] = len(record["pages"])
    record["metadata"] = document_metadata(info, first_lines)
    record["sections"] = section_spans(headings, record["pages"])
    if record["page_count"] == 0:
        _fail(record, "unreadable", "damaged: the PDF has no pages")
    elif failed == record["page_count"]:
        _fail(record, "unreadable", f"damaged: no page could be read: {record['errors'][0]['error']}")
    elif len(record["pages_without_text"]) == record["page_count"]:
        record["needs_ocr"] = True
        scanned = "every page is a scanned image" if record["needs_ocr"] else "no page has any text"
        _fail(record, "no_text", f"no text layer: {scanned} (it needs OCR)")


def _tables(page: Any) -> list[list[list[str | None]]]:
    """pdfplumber's tables; its default strategy builds them from ruling lines, so a page without any has none
    and the table finder is not run (it costs about a tenth of the page's time)."""
    objects = page.objects
    if not any(objects.get(kind) for kind in ("line", "rect", "curve")):
        return []
    return page.extract_tables()


def _words(page: Any) -> list[Word]:
    words = []
    for item in page.extract_words(return_chars=True, x_tolerance_ratio=X_TOLERANCE_RATIO):
        first = item["chars"][0]
        words.append(
            Word.from_fontname(
                item["text"],
                item["x0"],
                item["x1"],
                item["top"],
                item["bottom"],
                size=float(first.get("size") or 0.0),
                fontname=str(first.get("fontname") or ""),
                upright=bool(item.get("upright", True)),
            )
        )
    return words


def _open_failure(record: dict[str, Any], error: Exception, *, head: bytes, complete: bool) -> dict[str, Any]:
    """The record of a PDF that cannot be opened, with a reason a reviewer can act on."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    cause: BaseException = error
    while cause.__cause__ is not None or (cause.args and isinstance(cause.args[0], Exception)):
        cause = cause.__cause__ or cause.args[0]
    if isinstance(cause, PDFPasswordIncorrect):
        return _fail(record, "encrypted", "encrypted: it needs a password to open (slrflow fulltext --password)", True)
    if isinstance(cause, PDFEncryptionError):
        return _fail(record, "encrypted", f"encrypted with an unsupported method: {_describe(cause)}", True)
    if b"%PDF-" not in head:
        shown = "".join(char if char.isprintable() else "." for char in " ".join(head[:32].decode("latin-1").split()))
        return _fail(record, "unreadable", f"not a PDF: the file starts with {shown!r}")
    if not complete:
        return _fail(
            record, "unreadable", f"damaged: no end-of-file marker (an incomplete download?): {_describe(cause)}"
        )
    return _fail(record, "unreadable", f"damaged: the PDF cannot be opened: {_describe(cause)}")


def _fail(record: dict[str, Any], status: str, reason: str, encrypted: bool | None = None) -> dict[str, Any]:
    record["status"] = status
    record["reason"] = reason
    if encrypted is not None:
        record["encrypted"] = encrypted
    return record


def _describe(error: BaseException) -> str:
    message = str(error).strip()
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _empty_record(sha256: str, size: int) -> dict[str, Any]:
    from slrflow import __version__

    return {
        "status": "ok",
        "reason": "",
        "pages": [],
        "page_count": 0,
        "columns": [],
        "metadata": {
            "title": "",
            "authors": [],
            "doi": "",
            "year": "",
            "sources": dict.fromkeys(("title", "authors", "doi", "year"), ""),
        },
        "pdf_info": {},
        "sections": [],
        "tables": [],
        "errors": [],
        "encrypted": False,
        "needs_ocr": False,
        "pages_without_text": [],
        "sha256": sha256,
        "bytes": size,
        "extractor": {
            "slrflow": __version__,
            "pdfplumber": version("pdfplumber"),
            "pdfminer.six": version("pdfminer.six"),
        },
    }
