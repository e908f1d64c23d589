"""The full-text stage: read PDFs, match them to included records, extract study characteristics.

reader      one PDF -> the record `slrflow fulltext` writes (status, pages in reading order, metadata, ...)
layout      words -> lines in reading order, two-column pages read column by column
metadata    title, authors, DOI and year from the PDF's information dictionary and first pages
sections    section headings (abstract ... references) with page and offset
matching    PDFs <-> included records, by DOI, file name or title
extraction  configured fields and standard study characteristics, each value with page and snippet
"""

from __future__ import annotations

from slrflow.fulltext.reader import PDF_STATUSES, dump, dumps, load, read_pdf

__all__ = ["PDF_STATUSES", "dump", "dumps", "load", "read_pdf"]
