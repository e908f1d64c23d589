"""`slrflow extraction --matches matches.csv --pdfs results/fulltext/pdf --records sought.csv --fields config.yaml
--output results/fulltext/extraction.csv --records-dir results/fulltext/records`

Writes RECORDS_DIR/<record_id>.json (the PDF's status and, if it could not be read, why; its pages, sections,
metadata and extracted fields, each value with page and snippet) for every matched record, replacing the folder
as a whole, and OUTPUT with record_id,pdf,status,field,value,page,snippet: one row per value, a row with an
empty value for a field not found, and one row with status `not_retrieved` (no PDF) or the PDF's status
(encrypted, unreadable, no_text) for records whose full text cannot be used. The `year` field is the record's
bibliographic year from --records; spans of years in the text are the `study_period`.
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
    parser.add_argument("--records", metavar="SOUGHT.csv", help="the sought records (record_id,year,...)")
    parser.add_argument("--fields", metavar="FIELDS.yaml", help="field declarations (YAML/JSON; or config.yaml)")
    parser.add_argument("--output", "-o", required=True, metavar="EXTRACTION.csv", help="one row per extracted field")
    parser.add_argument(
        "--records-dir", required=True, metavar="DIR", help="one JSON per record, e.g. results/fulltext/records"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from slrflow.fulltext.stage import extract_fulltexts

    counts = extract_fulltexts(
        args.matches, args.pdfs, args.output, args.records_dir, fields=args.fields, records_csv=args.records
    )
    print(
        f"slrflow extraction: {counts['records']} records ({counts['with_pdf']} with a PDF), {counts['rows']} rows",
        file=sys.stderr,
    )
    return 0
