"""Build the example review's full-text PDFs from the seed texts (see resources/README.md).

The PDFs stand in for downloaded articles. Their text is the real text of the seed web pages in
../shared/seeds/ (abstracts, points of interest, reference list, news report), laid out as an article's pages:
title, authors, source, DOI where the seed gives one, an Abstract heading and, where the seed's sentences
support them, Methods / Results / Discussion headings. Nothing is added that the seeds do not say.

File names exercise the three ways slrflow matches a PDF to a record:
  10.3280_SP2013-003004.pdf           by DOI (slash replaced)                Carr 2013
  <record_id>.pdf                     by record id                           Hyslop et al. 2020
  Notice.pdf                          by title only (the repository's name)  Slasberg, Beresford, Schofield 2012
  personalisation-works-well-if-done-well.pdf   a news item that matches no record
  10.1111_j.1475-6773.2006.00673.x.pdf          a truncated download that cannot be read (Carlson et al. 2007)

Run from the repository root:  .venv/bin/python resources/fulltext/make_pdfs.py
The output is deterministic (fixed creation date, no random ids), so re-running changes no bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SEEDS = Path(REPO.parent / "shared" / "seeds")
sys.path.insert(0, str(REPO / "workflow"))
from slrflow.identity import record_id  # noqa: E402

plt.rcParams["pdf.fonttype"] = 42  # TrueType, so the text layer extracts as words
plt.rcParams["font.family"] = "DejaVu Sans"
CREATED = dt.datetime(2024, 6, 12, 10, 0, 0, tzinfo=dt.UTC)
PAGE_W, PAGE_H = 8.27, 11.69  # A4, inches
LEFT, TOP, BOTTOM = 0.9, 0.9, 0.9  # margins, inches


class Document:
    """A very small page layout engine: wrapped paragraphs and headings, top to bottom, page after page."""

    def __init__(self, path: Path, title: str, author: str, running_head: str):
        self.path, self.running_head = path, running_head
        self.pdf = PdfPages(
            path,
            metadata={
                "Title": title,
                "Author": author,
                "Creator": "slrflow make_pdfs.py",
                "CreationDate": CREATED,
                "ModDate": CREATED,
            },
        )
        self.page_no = 0
        self.fig = None
        self._new_page()

    def _new_page(self):
        if self.fig is not None:
            self.pdf.savefig(self.fig)
            plt.close(self.fig)
        self.page_no += 1
        self.fig = plt.figure(figsize=(PAGE_W, PAGE_H))
        self.y = PAGE_H - TOP
        self.fig.text(LEFT / PAGE_W, 1 - 0.5 / PAGE_H, self.running_head, fontsize=7.5, color="0.35", va="top")
        self.fig.text(1 - LEFT / PAGE_W, 0.45 / PAGE_H, str(self.page_no), fontsize=8, ha="right", color="0.35")

    def text(
        self,
        text: str,
        size: float = 10,
        weight: str = "normal",
        width: int | None = None,
        space_after: float = 0.08,
        indent: str = "",
    ):
        width = width or int(88 * 10 / size)
        lines = textwrap.wrap(text, width, subsequent_indent=indent) or [""]
        height = size * 1.38 / 72
        for line in lines:
            if self.y - height < BOTTOM:
                self._new_page()
            self.fig.text(LEFT / PAGE_W, self.y / PAGE_H, line, fontsize=size, weight=weight, va="top")
            self.y -= height
        self.y -= space_after

    def heading(self, text: str):
        if self.y < BOTTOM + 1.0:
            self._new_page()
        self.y -= 0.08
        self.text(text, size=12, weight="bold", space_after=0.05)

    def close(self):
        self.pdf.savefig(self.fig)
        plt.close(self.fig)
        self.pdf.close()


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def paragraphs(block: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", block.strip()) if p.strip()]


# ------------------------------------------------------------------------------------------------ the articles
def hyslop() -> Path:
    """Seed 000: abstract and points of interest of Hyslop, Aveyard, de Abreu and Appleton (2020)."""
    text = seed("000")
    abstract = paragraphs(text.split("Abstract", 1)[1].split("Points of interest", 1)[0])
    points = [" ".join(p.split()) for p in re.findall(r"•\s*(.+)", text)]
    title = (
        "How do peer networks support people with personal budgets? A review of the research evidence "
        "from the United Kingdom"
    )
    rid = record_id({"title": title, "year": "2020", "authors": ["Hyslop, J."]})
    doc = Document(
        HERE / f"{rid}.pdf",
        title,
        "Jon Hyslop; Helen Aveyard; Guida de Abreu; Jane V. Appleton",
        "DISABILITY & SOCIETY 2020, VOL. 35, NO. 1, 25-51",
    )
    doc.text(title, size=16, weight="bold", space_after=0.15)
    doc.text("Jon Hyslop, Helen Aveyard, Guida de Abreu and Jane V. Appleton", size=11)
    doc.text("Oxford Brookes University, UK", size=9, space_after=0.3)
    doc.heading("Abstract")
    doc.text(" ".join(abstract))
    doc.heading("Points of interest")
    for point in points:
        doc.text("\u2022 " + point, indent="  ")
    # The abstract's own sentences, under the headings they belong to.
    doc.heading("Methods")
    doc.text(" ".join(abstract[:2]))
    doc.heading("Results")
    doc.text(" ".join(abstract[2:4]))
    doc.heading("Discussion")
    doc.text(" ".join(abstract[4:]))
    doc.close()
    return doc.path


def carr() -> Path:
    """Seed 004: Carr (2013), Sociologia e Politiche Sociali, with its abstract, keywords and 127 references."""
    text = seed("004")
    title = (
        "Implementing Personal budgets for Adult Social Care: Some Key Lessons from English and "
        "International Evidence and Experience"
    )
    abstract = text.split("This paper examines", 1)[1].split("Keywords:", 1)[0]
    abstract = "This paper examines" + " ".join(abstract.split())
    keywords = text.split("Keywords:", 1)[1].splitlines()[0].strip()
    references = re.findall(r"^\s+(\d+)\.\s+(.+)$", text, flags=re.MULTILINE)
    italian = text.strip().splitlines()[-1].strip()
    doc = Document(
        HERE / "10.3280_SP2013-003004.pdf",
        title,
        "Sarah Carr",
        "Sociologia e Politiche Sociali, 3/2013, pp. 79-109 - DOI: 10.3280/SP2013-003004",
    )
    doc.text(title, size=16, weight="bold", space_after=0.15)
    doc.text("Sarah Carr", size=11)
    doc.text("Sociologia e Politiche Sociali, Issue 2013/3 (published 2014), pp. 79-109. Language: Italian.", size=9)
    doc.text("DOI 10.3280/SP2013-003004", size=9, space_after=0.3)
    doc.heading("Abstract")
    doc.text(abstract)
    doc.text("Keywords: " + keywords, space_after=0.2)
    doc.text(italian, size=9, space_after=0.2)
    doc.heading("References")
    for number, reference in references:
        doc.text(f"{number}. {' '.join(reference.split())}", size=8.5, indent="    ", space_after=0.02)
    doc.close()
    return doc.path


def slasberg() -> Path:
    """Seed 002: the repository record of Slasberg, Beresford and Schofield (2012); BURA names the file Notice.pdf."""
    text = seed("002")
    title = text.split("Title:", 1)[1].splitlines()[0].strip()
    keywords = text.split("Keywords:", 1)[1].splitlines()[0].strip().replace(";", "; ")
    citation = text.split("Citation:", 1)[1].splitlines()[0].strip()
    abstract = " ".join(text.split("Abstract:", 1)[1].split("Description:", 1)[0].split())
    rights = text.split("Description:", 1)[1].split(".", 1)[0].strip() + "."
    doc = Document(
        HERE / "Notice.pdf",
        title,
        "C. Slasberg; P. Beresford; P. Schofield",
        "Research, Policy and Planning (2012) 29(3), 161-177",
    )
    doc.text(title, size=16, weight="bold", space_after=0.15)
    doc.text("C. Slasberg, P. Beresford and P. Schofield", size=11)
    doc.text(citation + " ISSN 0264-519X. Social Services Research Group.", size=9, space_after=0.3)
    doc.heading("Abstract")
    doc.text(abstract)
    doc.text("Keywords: " + keywords, space_after=0.2)
    doc.text(rights, size=8.5)
    doc.close()
    return doc.path


def news_item() -> Path:
    """Seed 001: a 2010 news report on the Richmond / RUILS research, saved as PDF; it is no database record."""
    text = seed("001")
    parts = paragraphs(text)
    title, body = parts[0], [p for p in parts[1:] if p not in ("Share this post:",)]
    doc = Document(HERE / "personalisation-works-well-if-done-well.pdf", title, "", "15 March 2010")
    doc.text(title, size=16, weight="bold", space_after=0.2)
    for paragraph in body:
        doc.text(paragraph, space_after=0.12)
    doc.close()
    return doc.path


def carlson_truncated() -> Path:
    """A download of Carlson et al. (2007) that broke off: the first part of a PDF, no page tree, no xref."""
    path = HERE / "10.1111_j.1475-6773.2006.00673.x.pdf"
    title = "Effects of Cash and Counseling on Personal Care and Well-Being"
    doc = Document(
        path,
        title,
        "B. Carlson; L. Foster; S.B. Dale; R. Brown",
        "Health Services Research 42:1, Part II (February 2007)",
    )
    doc.text(title, size=16, weight="bold", space_after=0.15)
    doc.text("B. Carlson, L. Foster, S.B. Dale and R. Brown", size=11)
    doc.text("Health Services Research 42(1), Part II, pp. 467-487. DOI 10.1111/j.1475-6773.2006.00673.x", size=9)
    doc.close()
    data = path.read_bytes()
    path.write_bytes(data[: min(len(data), 2048)])  # the connection dropped after 2 KB
    return path


if __name__ == "__main__":
    for build in (hyslop, carr, slasberg, news_item, carlson_truncated):
        made = build()
        print(f"{made.relative_to(REPO)}  {made.stat().st_size} bytes")
