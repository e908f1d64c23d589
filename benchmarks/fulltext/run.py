"""Speed of `slrflow fulltext` against plain pdfplumber on the fixture PDFs, and its speed-up with 2 processes.

    .venv/bin/python benchmarks/fulltext/run.py [--repeats 3] [--output benchmarks/fulltext/speed.csv]

Per PDF, the best of --repeats runs of each, in CPU seconds of this process (the machine is shared: CPU time and
the minimum are the least disturbed by other work):
  pdfplumber   open, page.extract_text() and page.close() for every page: the baseline
  slrflow      slrflow.fulltext.read_pdf, as `slrflow fulltext` runs it (words, columns, sections, tables, metadata)
  no_tables    the same without table extraction (`--no-tables`)
Then all PDFs once serially and once over 2 worker processes (one job per PDF, as Snakemake runs them), in wall
seconds; the speed-up depends on how busy the other cores are, so the load average is printed with it.
Prints a table and writes a CSV.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SLRFLOW_SHARED", REPO.parent / "shared")) / "data" / "fixtures" / "pdf_scholarly"
LOCAL = REPO / "tests" / "fixtures" / "pdf"


def fixture_pdfs() -> list[Path]:
    if SHARED.is_dir():
        return sorted(SHARED.glob("*.pdf"))
    return sorted(LOCAL.glob("jabref__[A-Z]*.pdf"))


def plain(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
        return len(pdf.pages)


def ours(path: Path, tables: bool = True) -> int:
    from slrflow.fulltext import read_pdf

    return read_pdf(path, tables=tables)["page_count"]


def ours_no_tables(path: Path) -> int:
    return ours(path, tables=False)


def best_time(function, path: Path, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        function(path)
        times.append(time.process_time() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--output", default=str(Path(__file__).with_name("speed.csv")))
    args = parser.parse_args()
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    pdfs = fixture_pdfs()
    rows = []
    for path in pdfs:
        pages = plain(path)  # also warms the file cache
        row = {"pdf": path.name, "pages": pages}
        for name, function in (("pdfplumber", plain), ("slrflow", ours), ("no_tables", ours_no_tables)):
            row[f"{name}_s"] = round(best_time(function, path, args.repeats), 3)
        row["overhead_pct"] = round(100 * (row["slrflow_s"] / row["pdfplumber_s"] - 1), 1)
        row["overhead_no_tables_pct"] = round(100 * (row["no_tables_s"] / row["pdfplumber_s"] - 1), 1)
        rows.append(row)
        print(row, file=sys.stderr)
    total_pages = sum(row["pages"] for row in rows)
    total = {name: sum(row[f"{name}_s"] for row in rows) for name in ("pdfplumber", "slrflow", "no_tables")}
    rows.append(
        {
            "pdf": "TOTAL",
            "pages": total_pages,
            **{f"{name}_s": round(value, 3) for name, value in total.items()},
            "overhead_pct": round(100 * (total["slrflow"] / total["pdfplumber"] - 1), 1),
            "overhead_no_tables_pct": round(100 * (total["no_tables"] / total["pdfplumber"] - 1), 1),
        }
    )
    start = time.perf_counter()
    for path in pdfs:
        ours(path)
    serial = time.perf_counter() - start
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(plain, pdfs[:2]))  # start the workers and import pdfplumber before timing
        start = time.perf_counter()
        list(pool.map(ours, sorted(pdfs, key=lambda p: -p.stat().st_size)))
        parallel = time.perf_counter() - start
    fields = list(rows[0])
    with open(args.output, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=[*fields, "serial_s", "two_process_s", "speedup"], lineterminator="\n"
        )
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
        writer.writerow(
            {
                "pdf": "PARALLEL",
                "pages": total_pages,
                "serial_s": round(serial, 3),
                "two_process_s": round(parallel, 3),
                "speedup": round(serial / parallel, 2),
            }
        )
    print("| PDF | pages | pdfplumber s | slrflow s | overhead | no tables s | overhead |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| {row['pdf']} | {row['pages']} | {row['pdfplumber_s']:.2f} | {row['slrflow_s']:.2f} | "
            f"{row['overhead_pct']:+.1f}% | {row['no_tables_s']:.2f} | {row['overhead_no_tables_pct']:+.1f}% |"
        )
    print()
    print(
        f"pages/s: pdfplumber {total_pages / total['pdfplumber']:.1f}, slrflow {total_pages / total['slrflow']:.1f}, "
        f"slrflow --no-tables {total_pages / total['no_tables']:.1f}"
    )
    print(
        f"all {len(pdfs)} PDFs: serial {serial:.2f} s, 2 processes {parallel:.2f} s, speed-up {serial / parallel:.2f}x "
        f"({total_pages / parallel:.1f} pages/s); cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
