"""`slrflow dedup INPUT.csv --output CLUSTERS.csv [--records R.csv] [--matches M.csv] [--overrides D.csv]`"""

from __future__ import annotations

import argparse
import sys
import time

__all__ = ["CLUSTER_FIELDS", "MATCH_FIELDS", "add_parser", "run"]

CLUSTER_FIELDS: tuple[str, ...] = (
    "record_id",
    "cluster_id",
    "database",
    "source_file",
    "source_position",
    "is_representative",
    "match_reason",
)
MATCH_FIELDS: tuple[str, ...] = ("record_id_a", "record_id_b", "reason", "score", "status")
# Inputs at least this large report their progress on stderr without being asked.
PROGRESS_FROM = 5000


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "dedup",
        help="cluster records that describe the same study",
        description="Find duplicate records: blocking, multi-field comparison, clustering that never joins "
        "conflicting records, and reviewer overrides from screening/duplicates.csv.",
    )
    parser.add_argument("input", metavar="INPUT.csv", help="records with record_id,title,abstract,authors,...")
    parser.add_argument("--output", required=True, metavar="CLUSTERS.csv", help="record_id,cluster_id per row")
    parser.add_argument("--records", metavar="RECORDS.csv", help="one merged record per cluster")
    parser.add_argument("--matches", metavar="MATCHES.csv", help="every matched pair with its reason and score")
    parser.add_argument(
        "--overrides", metavar="DUPLICATES.csv", help="reviewer decisions (same|different); may not exist"
    )
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument("--verbose", action="store_true", help="report progress on stderr")
    noise.add_argument("--quiet", action="store_true", help="report nothing but errors")
    return parser


def run(args: argparse.Namespace) -> int:
    from slrflow.dedup import deduplicate, read_overrides
    from slrflow.errors import InputFileError
    from slrflow.records import RECORD_FIELDS
    from slrflow.tables import read_table, write_table

    start = time.perf_counter()

    def say(message: str) -> None:
        print(f"slrflow dedup: {message} ({time.perf_counter() - start:.1f} s)", file=sys.stderr)

    try:
        rows = read_table(args.input)
    except FileNotFoundError as error:
        raise InputFileError("file not found", path=args.input) from error
    except (UnicodeDecodeError, ValueError) as error:
        raise InputFileError(f"not a UTF-8 CSV table ({error})", path=args.input) from error
    if rows and "record_id" not in rows[0]:
        raise InputFileError("no record_id column; expected record_id,title,abstract,authors,...", path=args.input)
    overrides = read_overrides(args.overrides)
    show = args.verbose or (len(rows) >= PROGRESS_FROM and not args.quiet)
    result = deduplicate(rows, overrides=overrides, progress=say if show else None)

    write_table(
        args.output,
        (
            {
                "record_id": rid,
                "cluster_id": cid,
                "database": row.get("database", ""),
                "source_file": row.get("source_file", ""),
                "source_position": row.get("source_position", ""),
                "is_representative": "true" if rid == cid else "false",
                "match_reason": reason,
            }
            for row, rid, cid, reason in zip(
                rows, result.record_ids, result.cluster_ids, result.match_reasons, strict=True
            )
        ),
        CLUSTER_FIELDS,
    )
    if args.records:
        extra = [name for name in (rows[0] if rows else {}) if name not in RECORD_FIELDS]
        fields = [*RECORD_FIELDS, *extra, "member_ids", "databases", "n_members"]
        write_table(args.records, result.records, fields)
    if args.matches:
        write_table(args.matches, result.matches, MATCH_FIELDS)
    if not args.quiet:
        for override, why in result.ignored_overrides:
            print(
                f"slrflow dedup: warning: override {override.record_id_a},{override.record_id_b},"
                f"{override.decision} ignored: {why}",
                file=sys.stderr,
            )
        n_clusters = len(result.records)
        print(
            f"slrflow dedup: {len(rows)} rows -> {n_clusters} studies, {len(rows) - n_clusters} duplicates removed; "
            f"{len(result.blocked)} matches refused as contradicting a cluster",
            file=sys.stderr,
        )
    return 0
