"""Read search exports into slrflow records, whatever database or reference manager wrote them.

    >>> from slrflow import importers
    >>> result = importers.load("resources/searches/scopus.ris", database="Scopus")
    >>> result.format, len(result.records), result.records[0]["title"]

The API mirrors the json module: `load(path)` reads a file, `loads(text_or_bytes)` reads what is in memory,
and `detect_format(text_or_bytes)` says which format the content is in. Formats are told apart by content,
never by file name, because real exports carry the wrong extension (PubMed files named .ris, Web of Science
plain text named .txt or .ris). A file that cannot be read raises ImportFormatError naming the file and line;
what could be read but looked odd (a missing 'ER' line, a fallback encoding) is in `ImportResult.warnings`.

Nothing is lost without a word: a BibTeX entry with a broken field loses that field, a CSV field opened by a
quote that never closes stops at its line's end, a file mixing UTF-8 and Windows-1252 is decoded line by line,
and a file cut inside its last record marks it (`ImportResult.truncated`). Each such warning is also in the
record's `import_warnings`. Screening labels of other tools (ASReview, Rayyan, Covidence) are kept in the
record's tool fields (see _labels.py); ASReview project files (.asreview) are read or refused with a reason.

Every record has exactly the keys of slrflow.records.RECORD_FIELDS: authors, keywords and import_warnings are
lists, the rest strings, source_position is the record's 1-based position in its file, record_id comes from
slrflow.identity.record_id.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from slrflow.errors import ImportFormatError
from slrflow.importers import (
    asreview_project,
    bibtex,
    jsonfile,
    medline,
    ovid,
    proquest,
    refer,
    ris,
    table,
    wos,
    xml_formats,
)
from slrflow.importers._base import Parsed, ParseError
from slrflow.importers._decode import decode
from slrflow.importers._fields import finish
from slrflow.importers._labels import covidence_stage

__all__ = ["FORMATS", "FileWarning", "ImportResult", "detect_format", "load", "loads"]

_XLSX_MAGIC = b"PK\x03\x04"

# format name -> parser of decoded text, in the order detection tries them (most distinctive first).
_TEXT_PARSERS: dict[str, Callable[[str], Parsed]] = {
    xml_formats.PUBMED_XML: xml_formats.parse_pubmed,
    xml_formats.ENDNOTE_XML: xml_formats.parse_endnote,
    jsonfile.NAME: jsonfile.parse,
    bibtex.NAME: bibtex.parse,
    ris.NAME: ris.parse,
    ovid.NAME: ovid.parse,
    medline.NAME: medline.parse,
    wos.NAME: wos.parse,
    proquest.NAME: proquest.parse,
    refer.NAME: refer.parse,
    table.CSV: table.parse,
    table.TSV: table.parse,
    table.WOS_TAB: table.parse,
}
FORMATS: tuple[str, ...] = (*_TEXT_PARSERS, table.XLSX, asreview_project.NAME)


@dataclass(frozen=True)
class FileWarning:
    """Something odd that did not stop the import; `line` is None when it concerns the whole file."""

    message: str
    line: int | None = None

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    """The records of one file, the format they were read as, and what looked odd on the way."""

    records: list[dict[str, object]]
    format: str
    encoding: str
    source_file: str = ""
    warnings: list[FileWarning] = field(default_factory=list)
    # The file ends inside its last record, which may therefore be incomplete (its import_warnings say so too).
    truncated: bool = False

    def __len__(self) -> int:
        return len(self.records)


def detect_format(data: str | bytes) -> str:
    """The name of the format `data` is in (one of FORMATS); ImportFormatError if it is none of them."""
    if isinstance(data, bytes):
        if asreview_project.looks_like(data):
            return asreview_project.NAME
        if data.startswith(_XLSX_MAGIC):
            return table.XLSX
        data = decode(data).text
    name = _detect_text(data)
    if not name:
        raise ImportFormatError(_unknown_format_message(data))
    return name


def _detect_text(text: str) -> str:
    found = xml_formats.looks_like(text)
    if found:
        return found
    checks: tuple[tuple[str, Callable[[str], bool]], ...] = (
        (jsonfile.NAME, jsonfile.looks_like),
        (bibtex.NAME, bibtex.looks_like),
        (ris.NAME, ris.looks_like),
        (ovid.NAME, ovid.looks_like),
        (medline.NAME, medline.looks_like),
        (wos.NAME, wos.looks_like),
        (proquest.NAME, proquest.looks_like),
        (refer.NAME, refer.looks_like),
    )
    for name, looks_like in checks:
        if looks_like(text):
            return name
    return table.looks_like(text)


def _unknown_format_message(text: str) -> str:
    if not text.strip():
        return "the file is empty"
    first = next((line for line in text.split("\n") if line.strip()), "")[:60]
    return (
        f"format not recognised (first line {first!r}); slrflow reads RIS, BibTeX, PubMed/MEDLINE, Web of Science "
        "plain text and tab-delimited, CSV/TSV/XLSX with a title column, EndNote XML and tagged, Ovid, ProQuest "
        "text, PubMed XML and JSON"
    )


def load(path: str | Path, *, database: str | None = None, format: str | None = None) -> ImportResult:
    """Read one export file. `database` is recorded in every record; `format` skips detection."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFormatError(f"cannot be read: {error.strerror or error}", path=path) from error
    return loads(data, database=database, format=format, source_file=str(path))


def loads(
    data: str | bytes,
    *,
    database: str | None = None,
    format: str | None = None,
    source_file: str = "",
) -> ImportResult:
    """Read an export held in memory; `source_file` names it in records and messages."""
    where = source_file or "<data>"
    warnings: list[tuple[int | None, str]] = []
    encoding = "utf-8"
    fallback_lines: list[int] = []
    n_decoding = 0  # warnings about the whole file's decoding, not about one record
    if isinstance(data, bytes) and (
        format == asreview_project.NAME
        or (format is None and (source_file.endswith(".asreview") or asreview_project.looks_like(data)))
    ):
        # A zip like XLSX, told apart by its project.json; a file named .asreview is one whatever its content.
        name = asreview_project.NAME
        encoding = "zip"
        run: Callable[[], Parsed] = lambda: asreview_project.parse(data)  # noqa: E731
    elif isinstance(data, bytes) and (format == table.XLSX or (format is None and data.startswith(_XLSX_MAGIC))):
        name = table.XLSX
        encoding = "xlsx"
        run = lambda: table.parse_xlsx(data)  # noqa: E731
    else:
        if isinstance(data, bytes):
            decoded = decode(data)
            text, encoding = decoded.text, decoded.encoding
            warnings.extend(decoded.warnings)
            fallback_lines = decoded.fallback_lines
            n_decoding = len(decoded.warnings)
        else:
            text = data[1:] if data.startswith("\ufeff") else data
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
        name = format or _detect_text(text)
        if not name:
            raise ImportFormatError(_unknown_format_message(text), path=where)
        if name not in _TEXT_PARSERS:
            raise ImportFormatError(f"unknown format {name!r}; known formats: {', '.join(FORMATS)}", path=where)
        parser = _TEXT_PARSERS[name]
        run = lambda: parser(text)  # noqa: E731
    try:
        parsed = run()
    except ParseError as error:
        raise ImportFormatError(f"{error.message} (read as {name})", path=where, line=error.line) from None
    warnings.extend(parsed.warnings)
    records = [
        finish(raw, position=position, source_format=name, source_file=source_file, database=database, warn=warnings)
        for position, raw in enumerate(parsed.records, 1)
    ]
    starts = [raw.get("_line") for raw in parsed.records]
    stage = covidence_stage(Path(source_file).name) if source_file else ""
    for record in records:
        if record["tool"] == "covidence" and not record["tool_stage"]:
            record["tool_stage"] = stage
    if parsed.truncated and records:
        line = starts[-1] if isinstance(starts[-1], int) else None
        warnings.append(
            (
                line,
                f"record {len(records)} is possibly truncated: the file ends inside it; check the export is complete",
            )
        )
    _attach_warnings(records, starts, warnings[n_decoding:], fallback_lines)
    return ImportResult(
        records=records,
        format=name,
        encoding=encoding,
        source_file=source_file,
        warnings=[FileWarning(message, line) for line, message in warnings],
        truncated=parsed.truncated and bool(records),
    )


def _attach_warnings(
    records: list[dict[str, object]],
    starts: list[object],
    warnings: list[tuple[int | None, str]],
    fallback_lines: list[int],
) -> None:
    """Copy into each record's import_warnings the warnings about it: those given at its first line, and the
    lines of it that were read as Windows-1252 in a file of mixed encodings."""
    if not records or not all(isinstance(start, int) for start in starts):
        return
    index_of = {start: k for k, start in enumerate(starts)}
    for line, message in warnings:
        if line in index_of:
            cast(list, records[index_of[line]]["import_warnings"]).append(message)
    ordered = sorted((cast(int, start), k) for k, start in enumerate(starts))
    lines_of: dict[int, list[int]] = {}
    for line in fallback_lines:
        at = bisect.bisect_right(ordered, (line, len(records))) - 1
        if at >= 0:
            lines_of.setdefault(ordered[at][1], []).append(line)
    for k, lines in lines_of.items():
        shown = ", ".join(map(str, lines[:5])) + (" ..." if len(lines) > 5 else "")
        cast(list, records[k]["import_warnings"]).append(
            f"line{'s' if len(lines) > 1 else ''} {shown} read as Windows-1252 (the rest of the file is UTF-8)"
        )
