"""Agreement of `slrflow fulltext` with the expected text and metadata shipped beside the scholarly fixture PDFs.

    .venv/bin/python benchmarks/fulltext/agreement.py [--output benchmarks/fulltext/agreement.csv]

For each PDF in ../shared/data/fixtures/pdf_scholarly (SOURCES.md lists which file holds what):
  text_similarity   rapidfuzz ratio (0-100, normalised Indel distance) of the whole text, whitespace collapsed,
                    against cermine__test2-fulltext.txt; plain pdfplumber extract_text() alongside
  lines_found       share of the `line` entries of science-parse's *.extraction.json found in the text
  title, doi        equal after normalisation (identity.normalise_text / normalise_doi); a DOI expected absent
                    counts as agreeing when none is found
  authors           share of the expected authors found (names compared without spaces and case)
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("SLRFLOW_SHARED", REPO.parent / "shared")) / "data" / "fixtures" / "pdf_scholarly"


def expected() -> dict[str, dict]:
    """Expected title, doi, authors, lines and full text per PDF file name."""
    out: dict[str, dict] = {}
    for name in ("cermine__test1", "cermine__test2"):
        xml = (DATA / (f"{name}-metadata.xml" if name.endswith("1") else f"{name}-content.xml")).read_text("utf-8")
        out[f"{name}.pdf"] = {
            "title": re.search(r"<article-title>(.*?)</article-title>", xml, re.S).group(1),
            "doi": re.search(r'pub-id-type="doi">(.*?)<', xml).group(1),
            "authors": re.findall(r"<string-name>(.*?)</string-name>", xml),
        }
    out["cermine__test2.pdf"]["text"] = (DATA / "cermine__test2-fulltext.txt").read_text("utf-8")
    bib = (DATA / "jabref__pdfContentImporterTest-pdfs.bib").read_text("utf-8")
    for entry in re.split(r"\n@", bib):
        file = re.search(r"file\s*=\s*\{(.*?)\}", entry)
        if file and (DATA / f"jabref__{file.group(1)}").is_file():
            out[f"jabref__{file.group(1)}"] = {
                "title": re.search(r"title\s*=\s*\{(.*?)\},", entry).group(1),
                "doi": re.search(r"doi\s*=\s*\{(.*?)\}", entry).group(1),
                "authors": re.search(r"author\s*=\s*\{(.*?)\},", entry).group(1).split(" and "),
            }
    for labels in DATA.glob("scienceparse__*-labels.txt"):
        pdf = labels.name.replace("-labels.txt", ".pdf")
        entry = out.setdefault(pdf, {"doi": ""})
        for line in labels.read_text("utf-8").splitlines():
            key, _, value = line.partition("\t")
            if key == "TITLE":
                entry["title"] = value.strip()
            elif key == "AUTHOR":
                entry.setdefault("authors", []).append(value.strip())
    for extraction in DATA.glob("scienceparse__*.extraction.json"):
        pdf = extraction.name.replace(".extraction.json", ".pdf")
        entry = out.setdefault(pdf, {"doi": ""})
        for key, value in json.loads(extraction.read_text("utf-8")):
            if key == "title":
                entry["title"] = value
            elif key == "line":
                entry.setdefault("lines", []).append(value)
    return out


def squash(text: str) -> str:
    return " ".join(text.split())


def author_key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def compare(pdf: str, record: dict, want: dict) -> dict:
    from rapidfuzz import fuzz

    from slrflow.identity import normalise_doi, normalise_text

    text = squash("\n".join(record["pages"]))
    row: dict = {"pdf": pdf, "status": record["status"]}
    if "text" in want:
        import pdfplumber

        with pdfplumber.open(DATA / pdf) as document:
            baseline = squash("\n".join(page.extract_text() or "" for page in document.pages))
        row["text_similarity"] = round(fuzz.ratio(text, squash(want["text"])), 2)
        row["pdfplumber_similarity"] = round(fuzz.ratio(baseline, squash(want["text"])), 2)
    if want.get("lines"):
        found = sum(1 for line in want["lines"] if squash(line) in text)
        row["lines_found"] = round(found / len(want["lines"]), 3)
    metadata = record["metadata"]
    if "title" in want:
        row["title"] = int(normalise_text(metadata["title"]) == normalise_text(want["title"]))
    row["doi"] = int(normalise_doi(metadata["doi"]) == normalise_doi(want.get("doi", "")))
    if want.get("authors"):
        got = {author_key(name) for name in metadata["authors"]}
        row["authors"] = round(sum(1 for name in want["authors"] if author_key(name) in got) / len(want["authors"]), 3)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=str(Path(__file__).with_name("agreement.csv")))
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"{DATA} is absent", file=sys.stderr)
        return 1
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    from slrflow.fulltext import read_pdf

    rows = [compare(pdf, read_pdf(DATA / pdf), want) for pdf, want in sorted(expected().items())]
    fields = ["pdf", "status", "text_similarity", "pdfplumber_similarity", "lines_found", "title", "doi", "authors"]
    with open(args.output, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print("| PDF | text similarity (pdfplumber) | lines found | title | DOI | authors found |")
    print("| --- | ---: | ---: | :---: | :---: | ---: |")
    for row in rows:
        similarity = f"{row['text_similarity']} ({row['pdfplumber_similarity']})" if "text_similarity" in row else ""
        print(
            f"| {row['pdf']} | {similarity} | {row.get('lines_found', '')} | {'yes' if row.get('title') else 'no'} | "
            f"{'yes' if row['doi'] else 'no'} | {row.get('authors', '')} |"
        )
    titles = [row["title"] for row in rows if "title" in row]
    authors = [row["authors"] for row in rows if "authors" in row]
    print(
        f"\ntitles {sum(titles)}/{len(titles)}, DOIs {sum(row['doi'] for row in rows)}/{len(rows)}, "
        f"mean author recall {sum(authors) / len(authors):.2f} over {len(authors)} PDFs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
