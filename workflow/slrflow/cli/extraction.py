"""`slrflow extraction --matches matches.csv --pdfs results/fulltext/pdf --fields FIELDS.yaml --outdir results/fulltext`

Writes OUTDIR/<record_id>.json (the PDF's pages, sections, metadata and extracted fields, each value with page and
snippet) for every matched record, and OUTDIR/extraction.csv with record_id,pdf,status,field,value,page,snippet:
one row per value, a row with an empty value for a field not found, and one row with status `not_retrieved` (no
PDF) or the PDF's status (encrypted, unreadable, no_text) for records whose full text cannot be used.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "extraction",
        help="extract declared fields and study characteristics from matched full texts",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--matches", required=True, metavar="MATCHES.csv", help="written by match-fulltext")
    parser.add_argument(
        "--pdfs", nargs="*", default=[], metavar="JSON", help="full-text records or folders (none: no PDFs)"
    )
    parser.add_argument("--fields", metavar="FIELDS.yaml", help="field declarations (YAML/JSON; or config.yaml)")
    parser.add_argument("--outdir", required=True, metavar="DIR", help="e.g. results/fulltext")
    return parser


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from slrflow.cli.match_fulltext import pdf_records, read_rows
    from slrflow.errors import InputFileError
    from slrflow.fulltext import dump
    from slrflow.fulltext.extraction import EXTRACTION_FIELDS, extract_record, load_fields
    from slrflow.tables import write_table

    specs = load_fields(args.fields) if args.fields else []
    matches = read_rows(args.matches, {"record_id", "pdf"}, "the record_id,pdf,... columns of match-fulltext")
    pdfs = pdf_records(args.pdfs)
    outdir = Path(args.outdir)
    rows: list[dict[str, object]] = []
    for match in sorted(matches, key=lambda row: row["record_id"]):
        record_id, pdf = match["record_id"], match["pdf"]
        if not record_id:
            continue  # a PDF without a record: listed in matches.csv, nothing to extract for
        if not pdf:
            rows.append({"record_id": record_id, "status": "not_retrieved"})
            continue
        if pdf not in pdfs:
            raise InputFileError(f"matches name PDF {pdf!r}, which is not among --pdfs", path=args.matches)
        fulltext = pdfs[pdf]
        status = fulltext["status"]
        fields = extract_record(fulltext, specs) if status == "ok" else {}
        dump(
            {
                "record_id": record_id,
                "pdf": pdf,
                "status": status,
                "match": {"method": match.get("method", ""), "score": match.get("score", "")},
                "metadata": fulltext.get("metadata", {}),
                "pages": fulltext.get("pages", []),
                "sections": fulltext.get("sections", []),
                "fields": fields,
            },
            outdir / f"{record_id}.json",
        )
        if not fields:
            rows.append({"record_id": record_id, "pdf": pdf, "status": status})
        for field, values in fields.items():
            for value in values or [{}]:
                rows.append({"record_id": record_id, "pdf": pdf, "status": status, "field": field, **value})
    write_table(outdir / "extraction.csv", rows, EXTRACTION_FIELDS)
    print(f"slrflow extraction: {len({row['record_id'] for row in rows})} records, {len(rows)} rows", file=sys.stderr)
    return 0
