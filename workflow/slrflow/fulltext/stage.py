"""The full-text stage as the command line and the rules run it: match PDFs to records, then extract.

    match_fulltext(records_csv, pdf_paths, output)                  -> results/fulltext/matches.csv
    extract_fulltexts(matches_csv, pdf_paths, output, records_dir)  -> results/fulltext/extraction.csv and
                                                                       records_dir/<record_id>.json

`pdf_paths` are full-text records written by `slrflow fulltext` (one JSON per PDF), or folders holding them.
Each function reads its inputs, checks them and writes its outputs atomically; it returns counts to report.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from slrflow.errors import InputFileError
from slrflow.fulltext.extraction import EXTRACTION_COLUMNS, FieldSpec, extract_record, load_fields
from slrflow.fulltext.matching import MATCHES_COLUMNS, TITLE_THRESHOLD, match_records
from slrflow.fulltext.reader import dump, load
from slrflow.tables import read_table, write_table

__all__ = ["extract_fulltexts", "extraction_rows", "load_fulltexts", "match_fulltext", "record_document"]


def load_fulltexts(paths: Iterable[str | Path]) -> dict[str, dict[str, Any]]:
    """Full-text records by name (file stem), from files and folders of *.json; two with one name is an error."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    records: dict[str, dict[str, Any]] = {}
    for file in files:
        if file.stem in records:
            raise InputFileError(f"a second full-text record named {file.stem!r}; PDF names must be unique", path=file)
        records[file.stem] = load(file)
    return records


def match_fulltext(
    records_csv: str | Path,
    pdf_paths: Iterable[str | Path],
    output: str | Path,
    *,
    title_threshold: float | None = None,
) -> dict[str, int]:
    """Write matches.csv for the sought records; counts of matched pairs, PDFs without record, records without PDF."""
    records = read_table(records_csv, required=("record_id", "title"))
    threshold = TITLE_THRESHOLD if title_threshold is None else title_threshold
    rows = match_records(records, load_fulltexts(pdf_paths), title_threshold=threshold)
    write_table(output, rows, MATCHES_COLUMNS)
    return {
        "matched": sum(1 for row in rows if row["record_id"] and row["pdf"]),
        "pdfs_without_record": sum(1 for row in rows if not row["record_id"]),
        "records_without_pdf": sum(1 for row in rows if not row["pdf"]),
    }


def extract_fulltexts(
    matches_csv: str | Path,
    pdf_paths: Iterable[str | Path],
    output: str | Path,
    records_dir: str | Path,
    *,
    fields: str | Path | None = None,
    records_csv: str | Path | None = None,
) -> dict[str, int]:
    """Write extraction.csv and one JSON per matched record into `records_dir`, which is replaced as a whole
    (a record no longer matched leaves no JSON behind). `records_csv` (sought.csv) gives each record's
    bibliographic year; `fields` the declared fields (YAML/JSON, or config.yaml)."""
    specs = load_fields(fields) if fields else []
    matches = read_table(matches_csv, required=("record_id", "pdf"))
    years: dict[str, str] = {}
    if records_csv is not None:
        years = {row["record_id"]: row.get("year", "") for row in read_table(records_csv, required=("record_id",))}
    fulltexts = load_fulltexts(pdf_paths)
    documents: dict[str, dict[str, Any]] = {}
    not_retrieved: list[str] = []
    for match in sorted(matches, key=lambda row: row["record_id"]):
        record_id, pdf = match["record_id"], match["pdf"]
        if not record_id:
            continue  # a PDF without a record: listed in matches.csv, nothing to extract for
        if not pdf:
            not_retrieved.append(record_id)
            continue
        if pdf not in fulltexts:
            raise InputFileError(
                f"matches name PDF {pdf!r}, which is not among the full-text records", path=matches_csv
            )
        documents[record_id] = record_document(record_id, pdf, fulltexts[pdf], match, specs, years.get(record_id, ""))
    rows = extraction_rows(documents, not_retrieved)
    _replace_folder(Path(records_dir), {f"{record_id}.json": document for record_id, document in documents.items()})
    write_table(output, rows, EXTRACTION_COLUMNS)
    return {"records": len(documents) + len(not_retrieved), "with_pdf": len(documents), "rows": len(rows)}


def record_document(
    record_id: str,
    pdf: str,
    fulltext: Mapping[str, Any],
    match: Mapping[str, str],
    specs: Sequence[FieldSpec] = (),
    year: str = "",
) -> dict[str, Any]:
    """results/fulltext/records/<record_id>.json: the PDF's status (with the reader's reason when it could not
    be read), pages, sections and every field's values with page and snippet."""
    status = str(fulltext["status"])
    return {
        "record_id": record_id,
        "pdf": pdf,
        "status": status,
        "reason": str(fulltext.get("reason") or ""),
        "match": {"method": match.get("method", ""), "score": match.get("score", "")},
        "metadata": fulltext.get("metadata", {}),
        "pages": fulltext.get("pages", []),
        "sections": fulltext.get("sections", []),
        "fields": extract_record(fulltext, specs, year=year) if status == "ok" else {},
    }


def extraction_rows(documents: Mapping[str, Mapping[str, Any]], not_retrieved: Collection[str] = ()) -> list[dict]:
    """Rows of extraction.csv: one per value, an empty value for a field not found, one row per record whose
    full text cannot be used (status `not_retrieved` or the PDF's status); sorted by record_id."""
    rows: list[dict[str, object]] = []
    for record_id in sorted({*documents, *not_retrieved}):
        if record_id not in documents:
            rows.append({"record_id": record_id, "status": "not_retrieved"})
            continue
        document = documents[record_id]
        base = {"record_id": record_id, "pdf": document["pdf"], "status": document["status"]}
        if not document["fields"]:
            rows.append(base)
        for field, values in document["fields"].items():
            for value in values or [{}]:
                rows.append({**base, "field": field, **value})
    return rows


def _replace_folder(folder: Path, documents: Mapping[str, Mapping[str, Any]]) -> None:
    """Make `folder` hold exactly `documents` (name -> JSON): written beside it, then swapped in, so a kill
    mid-write leaves the old folder or the new one, never a mixture."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    for left_over in [*folder.parent.glob(f".{folder.name}.new.*"), *folder.parent.glob(f".{folder.name}.old.*")]:
        shutil.rmtree(left_over)  # by a run killed mid-swap
    staging = folder.with_name(f".{folder.name}.new.{os.getpid()}")
    staging.mkdir()
    try:
        for name, document in documents.items():
            dump(document, staging / name)
        old = None
        if folder.exists():
            old = folder.with_name(f".{folder.name}.old.{os.getpid()}")
            folder.rename(old)
        staging.rename(folder)
        if old is not None:
            shutil.rmtree(old)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
