"""`slrflow dedup INPUT.csv --output CLUSTERS.csv [--records R.csv] [--matches M.csv] [--studies S.csv]
[--refused F.csv] [--overrides D.csv] [--study-links L.csv]`"""

from __future__ import annotations

import argparse
import sys
import time

__all__ = ["add_parser", "run"]

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
    from slrflow.dedup.outputs import write_dedup_tables
    from slrflow.tables import read_table

    start = time.perf_counter()

    def say(message: str) -> None:
        print(f"slrflow dedup: {message} ({time.perf_counter() - start:.1f} s)", file=sys.stderr)

    rows = read_table(args.input, required=("record_id",))
    overrides = read_overrides(args.overrides)
    study_links = read_study_links(args.study_links)
    show = args.verbose or (len(rows) >= PROGRESS_FROM and not args.quiet)
    result = deduplicate(rows, overrides=overrides, study_links=study_links, progress=say if show else None)
    write_dedup_tables(
        rows,
        result,
        clusters=args.output,
        records=args.records,
        matches=args.matches,
        studies=args.studies,
        refused=args.refused,
    )
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
