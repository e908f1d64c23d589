"""`slrflow dedup INPUT.csv --output CLUSTERS.csv [--records R.csv] [--matches M.csv] [--studies S.csv]
[--refused F.csv] [--overrides D.csv] [--study-links L.csv]`"""

from __future__ import annotations

import argparse
import sys
import time

__all__ = ["CLUSTER_FIELDS", "MATCH_FIELDS", "REFUSED_FIELDS", "add_parser", "run"]

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
REFUSED_FIELDS: tuple[str, ...] = ("record_id_a", "record_id_b", "level", "match", "refused_because")
# Inputs at least this large report their progress on stderr without being asked.
PROGRESS_FROM = 5000


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "dedup",
        help="merge copies of one report and link reports of one study",
        description="Find duplicate records: blocking, multi-field comparison, clustering that never joins "
        "conflicting records, and reviewer overrides from screening/duplicates.csv; then link the reports of one "
        "study (erratum, retraction, conference abstract, protocol, parts), with screening/study_links.csv.",
    )
    parser.add_argument("input", metavar="INPUT.csv", help="records with record_id,title,abstract,authors,...")
    parser.add_argument("--output", required=True, metavar="CLUSTERS.csv", help="record_id,cluster_id per row")
    parser.add_argument("--records", metavar="RECORDS.csv", help="one merged record per cluster")
    parser.add_argument("--matches", metavar="MATCHES.csv", help="every matched pair with its reason and score")
    parser.add_argument(
        "--studies", metavar="STUDIES.csv", help="record_id,study_id,relation,linked_to,reason per merged record"
    )
    parser.add_argument("--refused", metavar="REFUSED.csv", help="every link refused, with the conflict that did it")
    parser.add_argument(
        "--overrides", metavar="DUPLICATES.csv", help="reviewer decisions (same|different); may not exist"
    )
    parser.add_argument(
        "--study-links", metavar="STUDY_LINKS.csv", help="reviewer decisions (link|unlink); may not exist"
    )
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument("--verbose", action="store_true", help="report progress on stderr")
    noise.add_argument("--quiet", action="store_true", help="report nothing but errors")
    return parser


def run(args: argparse.Namespace) -> int:
    from slrflow.dedup import deduplicate, read_overrides, read_study_links
    from slrflow.dedup.studies import STUDY_FIELDS
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
    study_links = read_study_links(args.study_links)
    show = args.verbose or (len(rows) >= PROGRESS_FROM and not args.quiet)
    result = deduplicate(rows, overrides=overrides, study_links=study_links, progress=say if show else None)

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
    if args.studies:
        write_table(args.studies, result.studies, STUDY_FIELDS)
    if args.refused:
        write_table(args.refused, result.refused, REFUSED_FIELDS)
    if not args.quiet:
        for override, why in result.ignored_overrides:
            print(
                f"slrflow dedup: warning: override {override.record_id_a},{override.record_id_b},"
                f"{override.decision} ignored: {why}",
                file=sys.stderr,
            )
        for link, why in result.ignored_study_links:
            where = f"{args.study_links}, line {link.line}: " if link.line else ""
            print(
                f"slrflow dedup: warning: {where}study link {link.record_id_a},{link.record_id_b},{link.decision} "
                f"ignored: {why}",
                file=sys.stderr,
            )
        n_reports = len(result.records)
        n_studies = len({row["study_id"] for row in result.studies})
        print(
            f"slrflow dedup: {len(rows)} rows -> {n_reports} reports, {len(rows) - n_reports} duplicates removed; "
            f"{n_studies} studies; {len(result.refused)} links refused as contradicting a cluster or a reviewer",
            file=sys.stderr,
        )
    return 0
