"""Match full-text records (one per PDF, from `slrflow fulltext`) to the included bibliographic records.

Evidence, strongest first; each pair is one (record, PDF) with a method and a score out of 100:

    filename_id   the PDF's file name carries the record_id                          score 100
    doi_metadata  the DOI found in the PDF's metadata or first pages equals the record's  score 100
    filename_doi  the PDF's file name carries the record's DOI ('10.1002_spe.3169.pdf')   score 100
    doi_text      the record's DOI is printed somewhere on the PDF's first pages          score 100
    title         the record's title against the PDF's title and its first page           rapidfuzz score

Pairs are taken strongest method first, then highest score, each record and each PDF at most once, so the
result does not depend on input order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rapidfuzz import fuzz

from slrflow.identity import normalise_doi, normalise_text

__all__ = ["MATCHES_COLUMNS", "METHODS", "TITLE_THRESHOLD", "match_records"]

METHODS = ("filename_id", "doi_metadata", "filename_doi", "doi_text", "title")
# The columns of results/fulltext/matches.csv.
MATCHES_COLUMNS = ("record_id", "pdf", "method", "score", "pdf_status", "title")
# Characters of the first page a title is looked for in: the title sits near the top.
FIRST_PAGE_CHARS = 2000
TITLE_THRESHOLD = 90.0


def match_records(
    records: Sequence[Mapping[str, str]],
    pdfs: Mapping[str, Mapping[str, Any]],
    *,
    title_threshold: float = TITLE_THRESHOLD,
) -> list[dict[str, object]]:
    """Rows of matches.csv: matched pairs (by record_id), then PDFs without a record, then records without PDF.

    `records` are rows with record_id, title, doi; `pdfs` maps a PDF's name (its file stem) to its full-text
    record. Every record and every PDF appears in exactly one row.
    """
    pdf_keys = {name: _pdf_keys(name, record) for name, record in pdfs.items()}
    candidates: list[tuple[int, float, str, str]] = []
    for row in records:
        record_id = row["record_id"]
        doi = normalise_doi(row.get("doi"))
        title = normalise_text(row.get("title"))
        for name, keys in pdf_keys.items():
            found = _best_evidence(record_id, doi, title, keys, title_threshold)
            if found is not None:
                rank, score = found
                candidates.append((rank, -score, record_id, name))
    candidates.sort()
    matched_records: dict[str, tuple[str, str, float]] = {}
    matched_pdfs: set[str] = set()
    for rank, negative_score, record_id, name in candidates:
        if record_id in matched_records or name in matched_pdfs:
            continue
        matched_records[record_id] = (name, METHODS[rank], -negative_score)
        matched_pdfs.add(name)
    titles = {row["record_id"]: row.get("title", "") for row in records}
    rows: list[dict[str, object]] = []
    for record_id in sorted(matched_records):
        name, method, score = matched_records[record_id]
        rows.append(_row(record_id, name, method, round(score, 1), pdfs[name], titles[record_id]))
    for name in sorted(set(pdfs) - matched_pdfs):
        rows.append(_row("", name, "", "", pdfs[name], pdfs[name].get("metadata", {}).get("title", "")))
    for record_id in sorted(set(titles) - set(matched_records)):
        rows.append(_row(record_id, "", "", "", None, titles[record_id]))
    return rows


def _row(record_id: str, pdf: str, method: str, score: object, record: Mapping[str, Any] | None, title: str):
    status = "" if record is None else record.get("status", "")
    return {"record_id": record_id, "pdf": pdf, "method": method, "score": score, "pdf_status": status, "title": title}


def _contains_doi(text: str, doi: str) -> bool:
    """Whether `doi` occurs in `text` as a whole DOI (10.1/12 is not in '10.1/123')."""
    start = text.find(doi)
    while start >= 0:
        end = start + len(doi)
        if end == len(text) or not (text[end].isalnum() or text[end] in "/-_"):
            return True
        start = text.find(doi, start + 1)
    return False


def _pdf_keys(name: str, record: Mapping[str, Any]) -> dict[str, str]:
    metadata = record.get("metadata") or {}
    pages = record.get("pages") or []
    first = "\n".join(pages[:2])
    return {
        "name": name.lower(),
        "name_text": normalise_text(name),
        "doi": normalise_doi(metadata.get("doi")),
        "first_pages": first.lower(),
        "title": normalise_text(metadata.get("title")),
        "first_page": normalise_text(pages[0][:FIRST_PAGE_CHARS]) if pages else "",
    }


def _best_evidence(
    record_id: str, doi: str, title: str, keys: Mapping[str, str], threshold: float
) -> tuple[int, float] | None:
    if record_id and record_id.lower() in keys["name"]:
        return 0, 100.0
    if doi:
        if doi == keys["doi"]:
            return 1, 100.0
        if normalise_text(doi) in keys["name_text"]:
            return 2, 100.0
        if _contains_doi(keys["first_pages"], doi):
            return 3, 100.0
    if not title or len(title) < 10:
        return None
    score = fuzz.ratio(title, keys["title"]) if keys["title"] else 0.0
    if score < threshold and keys["first_page"]:
        # partial_ratio finds the title inside the first page's text; the cutoff lets rapidfuzz stop early.
        score = max(score, fuzz.partial_ratio(title, keys["first_page"], score_cutoff=threshold))
    return (4, score) if score >= threshold else None
