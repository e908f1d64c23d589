"""Run bib-dedupe on an slrflow dedup INPUT.csv and write CLUSTERS.csv (record_id,cluster_id).

Runs inside benchmarks/dedup/.venv-bibdedupe (made by run.py), not in slrflow's environment:
    .venv-bibdedupe/bin/python bibdedupe_runner.py INPUT.csv CLUSTERS.csv
"""

from __future__ import annotations

import csv
import sys

import pandas as pd
from bib_dedupe.bib_dedupe import block, cluster, match, prep


def main(source: str, target: str) -> int:
    df = pd.read_csv(source, dtype=str, keep_default_na=False)
    records = pd.DataFrame(
        {
            "ID": df["record_id"],
            "ENTRYTYPE": "article",
            "title": df["title"],
            "author": df["authors"],
            "year": df["year"],
            "journal": df["journal"],
            "volume": df["volume"],
            "number": df["number"],
            "pages": df["pages"],
            "doi": df["doi"],
            "abstract": df["abstract"],
        }
    )
    prepared = prep(records, verbosity_level=0)
    matched = match(block(prepared, verbosity_level=0), verbosity_level=0)
    cluster_of = {rid: rid for rid in records["ID"]}
    for members in cluster(matched, verbosity_level=0):
        head = min(members)
        for rid in members:
            cluster_of[rid] = head
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["record_id", "cluster_id"])
        for rid in records["ID"]:
            writer.writerow([rid, cluster_of[rid]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
