"""Tables of records: CSV and TSV exports (Scopus, Embase, Lens, OpenAlex, IEEE, Springer, PubMed, Cochrane,
CINAHL, Covidence, Rayyan, Zotero, RefWorks, abstrackr ...), Web of Science tab-delimited files and XLSX sheets.

Columns are matched by name, not position: each field has a list of header names in order of preference,
compared case- and punctuation-insensitively. The header row need not be the first (Embase puts the search
query above it); it is the first row in which a title column and one other known column appear.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence

from slrflow.importers._base import Parsed, ParseError
from slrflow.importers._fields import RawRecord
from slrflow.importers._labels import ASREVIEW_LABEL_COLUMNS, from_table

__all__ = ["CSV", "TSV", "WOS_TAB", "XLSX", "looks_like", "parse", "parse_xlsx", "record_from_mapping"]

CSV = "csv"
TSV = "tsv"
WOS_TAB = "wos_tab"
XLSX = "xlsx"

# field -> header names (normalised: lower case, letters and digits only), best first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": (
        "title",
        "documenttitle",
        "articletitle",
        "itemtitle",
        "titleprimary",
        "primarytitle",
        "displayname",
        "ti",
    ),
    "abstract": ("abstract", "abstractnote", "ab", "summary"),
    "authors": (
        "authorfullnames",
        "authors",
        "author",
        "authornames",
        "authorsprimary",
        "authorshipsauthordisplayname",
        "authorsfullnames",
        "creators",
        "af",
        "au",
        "firstauthor",
    ),
    "year": (
        "publicationyear",
        "year",
        "pubyear",
        "publishedyear",
        "py",
        "yearofpublication",
        "publicationdate",
        "datepublished",
        "date",
        "pubdate",
        "publisheddate",
    ),
    "journal": (
        "sourcetitle",
        "journal",
        "journaltitle",
        "publicationtitle",
        "journalbook",
        "periodicalfull",
        "publication",
        "primarylocationsourcedisplayname",
        "journalname",
        "so",
        "secondarytitle",
        "source",
    ),
    "volume": ("volume", "journalvolume", "vl", "vol"),
    "number": ("issue", "number", "issuenumber", "journalissue", "is"),
    "pages": ("pages", "pagerange"),
    "start_page": ("pagestart", "startpage", "firstpage", "bp", "spage"),
    "end_page": ("pageend", "endpage", "lastpage", "ep", "epage"),
    "doi": ("doi", "itemdoi", "di", "doinumber", "idsdoi"),
    "pmid": ("pmid", "pubmedid", "idspmid", "pm", "medlinepmid"),
    "keywords": (
        "authorkeywords",
        "keywords",
        "keyword",
        "de",
        "manualtags",
        "subjects",
        "indexkeywords",
        "emtreemedicalindexterms",
        "meshterms",
    ),
    "language": ("language", "languageoforiginaldocument", "la", "lang"),
    "type": (
        "documenttype",
        "publicationtype",
        "itemtype",
        "type",
        "contenttype",
        "referencetype",
        "doctype",
        "dt",
        "category",
    ),
    "url": (
        "url",
        "link",
        "articleurl",
        "pdflink",
        "primarylocationlandingpageurl",
        "plink",
        "links",
        "sourceurls",
        "openurllink",
        "externalurl",
    ),
    "issn": ("issn", "issns", "sn", "primarylocationsourceissnl", "issnisbn", "eissn", "ei"),
    "publisher": ("publisher", "pu", "primarylocationsourcehostorganizationname"),
    "citation": ("citation",),
    # Screening labels of other tools (see _labels.py).
    "asreview_label": ASREVIEW_LABEL_COLUMNS,
    "notes": ("notes",),
    "covidence": ("covidence",),
    "rayyan_key": ("key",),
}
# Web of Science tab-delimited files use the two-letter tags of its plain-text format as headers.
WOS_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("ti",),
    "abstract": ("ab",),
    "authors": ("af", "au", "ca"),
    "year": ("py", "pd", "ea"),
    "journal": ("so", "ji", "j9"),
    "volume": ("vl",),
    "number": ("is",),
    "start_page": ("bp",),
    "end_page": ("ep",),
    "pages": ("ar",),
    "doi": ("di", "d2"),
    "pmid": ("pm",),
    "keywords": ("de", "id"),
    "language": ("la",),
    "type": ("dt",),
    "issn": ("sn", "ei"),
    "publisher": ("pu",),
}
_TITLE_NAMES = frozenset({"title", "documenttitle", "articletitle", "itemtitle", "titleprimary", "displayname", "ti"})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# "Eur J Med Genet. 2020 Feb;63(2):103640." (PubMed) and "Journal (2014) 3:3 (152-160)" (Embase).
_PUBMED_CITATION = re.compile(r";\s*([\w-]+)(?:\(([^)]*)\))?(?::\s*([\w-]+))?")
_EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.+?)\s+\((?P<year>\d{4})\)\s+(?P<volume>[\w-]+)(?::(?P<number>[\w-]+))?"
    r"(?:\s+\((?P<pages>[^)]*)\))?"
)


def normalise_header(name: object) -> str:
    return _NON_ALNUM.sub("", str(name or "").casefold())


def looks_like(text: str) -> str:
    """CSV, TSV or WOS_TAB when one of the first lines is a header naming a title column, else ''."""
    for line in text[:50000].split("\n")[:30]:
        for delimiter in _delimiters(line):
            cells = [normalise_header(c) for c in next(csv.reader([line], delimiter=delimiter), [])]
            if _is_header(cells):
                if delimiter == "\t":
                    return WOS_TAB if cells[:1] == ["pt"] and "ut" in cells else TSV
                return CSV
    return ""


def _delimiters(line: str) -> list[str]:
    counts = {d: line.count(d) for d in ("\t", ",", ";", "|")}
    return [d for d, n in sorted(counts.items(), key=lambda item: -item[1]) if n]


def _is_header(cells: Sequence[str]) -> bool:
    known = {name for names in COLUMNS.values() for name in names}
    return any(c in _TITLE_NAMES for c in cells) and sum(c in known for c in cells) >= 2


def parse(text: str) -> Parsed:
    for offset, line in enumerate(text.split("\n")[:30]):
        for delimiter in _delimiters(line):
            cells = next(csv.reader([line], delimiter=delimiter), [])
            if _is_header([normalise_header(c) for c in cells]):
                body = text.split("\n", offset)[-1] if offset else text
                notes: list[tuple[int | None, str]] = []
                rows = _resynchronised(body, delimiter, offset, len(cells), notes)
                result = _rows_to_records(rows, wos=delimiter == "\t" and cells[:1] == ["PT"])
                result.warnings[:0] = notes
                # A file cut mid-row: no final line break and a last row shorter than the header.
                last_cells = result.records[-1].get("_cells", 0) if result.records else None
                result.truncated = isinstance(last_cells, int) and not text.endswith("\n") and last_cells < len(cells)
                return result
    raise ParseError("no header row with a title column in the first 30 lines", 1)


def _resynchronised(
    body: str, delimiter: str, offset: int, width: int, notes: list[tuple[int | None, str]]
) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) per row. A quote that opens a field and is never closed makes csv read every later line
    into that field (rows lost without a word). A row that spans several lines is checked: if one of the lines
    it swallowed is a complete row on its own, its first line is read as
    the row (the broken field ends at that line's end), a warning names the line, and reading goes on at the
    next line."""
    lines = body.split("\n")
    start = 0  # index into lines where the current reader began
    while True:
        reader = csv.reader(io.StringIO("\n".join(lines[start:]), newline=""), delimiter=delimiter, strict=False)
        first = start  # index of the current row's first line
        restart = None
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise ParseError(f"CSV cannot be read: {error}", offset + first + 1) from error
            last = start + reader.line_num - 1
            if last > first and first > 0 and _swallowed(lines[first + 1 : last + 1], delimiter, width):
                cells = next(csv.reader([lines[first]], delimiter=delimiter, strict=False), [])
                notes.append(
                    (
                        offset + first + 1,
                        f"a quote opened in a field of this row is never closed, so it ran on over lines "
                        f"{offset + first + 2}-{offset + last + 1}; the row was read up to its line end and "
                        "the following lines as rows of their own",
                    )
                )
                yield offset + first + 1, [c.rstrip("\n") for c in cells]
                restart = first + 1
                break
            yield offset + first + 1, row
            first = last + 1
        start = restart


def _swallowed(later_lines: list[str], delimiter: str, width: int) -> bool:
    """A legitimate multi-line field holds prose; a line it took in that is by itself a row of the header's width
    is data. (Five columns or more: in a narrow table a sentence with commas can have that width by chance; and
    a cell count that differs from the header's proves nothing, as some exports append a second table.)"""
    return width >= 5 and any(len(next(csv.reader([line], delimiter=delimiter), [])) == width for line in later_lines)


def parse_xlsx(data: bytes) -> Parsed:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError and its own errors for broken files
        raise ParseError(f"XLSX workbook cannot be opened: {error}") from error
    try:
        sheet = book.worksheets[0]
        rows = (
            (number, ["" if v is None else str(v) for v in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), 1)
        )
        for number, row in rows:
            cells = [normalise_header(c) for c in row]
            if _is_header(cells):
                return _rows_to_records(_prepend((number, row), rows), wos=cells[:1] == ["pt"] and "ut" in cells)
            if number >= 30:
                break
        raise ParseError("no header row with a title column in the first 30 rows of the first sheet", 1)
    finally:
        book.close()


def _prepend(first: tuple[int, list[str]], rest: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    yield first
    yield from rest


def _rows_to_records(rows: Iterator[tuple[int, list[str]]], *, wos: bool) -> Parsed:
    result = Parsed()
    _, header = next(rows)
    columns = _column_map([normalise_header(c) for c in header], WOS_COLUMNS if wos else COLUMNS)
    width = len(header)
    for number, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            result.warnings.append((number, f"row has {len(row)} cells, the header {width}; extra cells ignored"))
        record = _record(row, columns)
        record["_line"] = number
        record["_cells"] = len(row)
        result.records.append(record)
    return result


def _column_map(cells: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, list[int]]:
    """field -> indexes of the columns that may hold it, best first."""
    found: dict[str, list[int]] = {}
    for name, candidates in aliases.items():
        indexes = [cells.index(c) for c in candidates if c in cells]
        if indexes:
            found[name] = indexes
    return found


def _cell(row: list[str], indexes: list[int]) -> str:
    for index in indexes:
        if index < len(row):
            value = _unformula(row[index])
            if value.strip():
                return value
    return ""


def _unformula(value: str) -> str:
    # Excel-safe exports (CINAHL) write ="19326203" so a spreadsheet keeps leading zeros.
    if value.startswith('="') and value.endswith('"'):
        return value[2:-1]
    return value


def _record(row: list[str], columns: dict[str, list[int]]) -> RawRecord:
    values = {name: _cell(row, indexes) for name, indexes in columns.items()}
    return record_from_mapping(values)


def record_from_mapping(values: dict[str, str]) -> RawRecord:
    """A raw record from field -> text, filling volume, issue, pages and year from a citation string."""
    values.update(from_table(values))
    start, end = values.pop("start_page", ""), values.pop("end_page", "")
    if not values.get("pages"):
        values["pages"] = f"{start}-{end}" if start and end else start
    citation = values.pop("citation", "")
    if citation:
        _fill_from_citation(values, citation)
    elif _EMBASE_SOURCE.match(values.get("journal", "")) and not values.get("volume"):
        # Embase's "Source" column is a whole citation: "Endoscopic Ultrasound (2014) 3:3 (152-160)".
        journal = values.pop("journal")
        _fill_from_citation(values, journal)
    values["keywords"] = values.get("keywords", "")
    return dict(values)


def _fill_from_citation(values: dict[str, str], citation: str) -> None:
    embase = _EMBASE_SOURCE.match(citation)
    if embase and not values.get("volume"):
        for name in ("journal", "year", "volume", "number", "pages"):
            if embase.group(name) and not values.get(name):
                values[name] = embase.group(name)
        return
    pubmed = _PUBMED_CITATION.search(citation)
    if pubmed:
        for name, value in zip(("volume", "number", "pages"), pubmed.groups(), strict=True):
            if value and not values.get(name):
                values[name] = value
    if not values.get("journal") and "." in citation:
        values["journal"] = citation.split(".", 1)[0]
