"""XML exports: EndNote XML ('<xml><records><record>', from EndNote, Mendeley, Bookends) and PubMed XML
('<PubmedArticleSet>', from E-utilities efetch or PubMed's XML download).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from slrflow.importers._base import Parsed, ParseError

__all__ = ["ENDNOTE_XML", "PUBMED_XML", "looks_like", "parse_endnote", "parse_pubmed"]

ENDNOTE_XML = "endnote_xml"
PUBMED_XML = "pubmed_xml"

_SPACE = re.compile(r"\s+")


def looks_like(text: str) -> str:
    head = text[:5000].lstrip()
    if not head.startswith("<"):
        return ""
    if "<PubmedArticleSet" in head or "<PubmedArticle>" in head or "<!DOCTYPE PubmedArticleSet" in head:
        return PUBMED_XML
    if "<records>" in head or "<record>" in head:
        return ENDNOTE_XML
    return ""


def _root(text: str) -> ET.Element:
    try:
        return ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as error:
        line, column = error.position
        raise ParseError(
            f"XML is not well formed ({error.msg if hasattr(error, 'msg') else error}, column {column})", line
        ) from error


def _text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    return _SPACE.sub(" ", "".join(element.itertext())).strip()


def _all(element: ET.Element, path: str) -> list[str]:
    return [t for t in (_text(e) for e in element.iterfind(path)) if t]


def _first(element: ET.Element, *paths: str) -> str:
    for path in paths:
        for found in element.iterfind(path):
            text = _text(found)
            if text:
                return text
    return ""


def parse_endnote(text: str) -> Parsed:
    root = _root(text)
    result = Parsed()
    for record in root.iter("record"):
        accession = _first(record, "accession-num")
        # Mendeley and PubMed-sourced EndNote libraries put the PMID in accession-num; other databases put
        # prefixed ids there ("WOS:000...", "L2029880245"), which are not all digits.
        pmid = accession if accession.isdigit() and len(accession) <= 8 else ""
        result.records.append(
            {
                "_line": None,
                "title": _first(record, "titles/title"),
                "abstract": _first(record, "abstract"),
                "authors": _all(record, "contributors/authors/author"),
                "year": _first(record, "dates/year", "dates/pub-dates/date"),
                "journal": _first(
                    record, "periodical/full-title", "titles/secondary-title", "periodical/abbr-1", "titles/alt-title"
                ),
                "volume": _first(record, "volume"),
                "number": _first(record, "number", "issue"),
                "pages": _first(record, "pages"),
                "doi": _first(record, "electronic-resource-num"),
                "pmid": pmid,
                "keywords": _all(record, "keywords/keyword"),
                "language": _first(record, "language"),
                "type": ref_type.get("name", "") if (ref_type := record.find("ref-type")) is not None else "",
                "url": _all(record, "urls/related-urls/url") + _all(record, "urls/web-urls/url"),
                "issn": _first(record, "isbn"),
                "publisher": _first(record, "publisher"),
            }
        )
    if not result.records:
        raise ParseError("EndNote XML without any <record> element", 1)
    return result


def parse_pubmed(text: str) -> Parsed:
    root = _root(text)
    result = Parsed()
    for article in root.iter("PubmedArticle"):
        citation = article.find("MedlineCitation")
        if citation is None:
            continue
        journal = citation.find("Article/Journal")
        authors = []
        for author in citation.iterfind("Article/AuthorList/Author"):
            surname, given = _first(author, "LastName"), _first(author, "ForeName", "Initials")
            collective = _first(author, "CollectiveName")
            authors.append(f"{surname}, {given}" if surname and given else surname or collective)
        abstract = " ".join(
            f"{part.get('Label')}: {_text(part)}" if part.get("Label") else _text(part)
            for part in citation.iterfind("Article/Abstract/AbstractText")
        )
        doi = _first(citation, "Article/ELocationID[@EIdType='doi']") or _first(
            article, "PubmedData/ArticleIdList/ArticleId[@IdType='doi']"
        )
        pub_date = journal.find("JournalIssue/PubDate") if journal is not None else None
        result.records.append(
            {
                "_line": None,
                "title": _first(citation, "Article/ArticleTitle", "Article/VernacularTitle"),
                "abstract": abstract,
                "authors": [a for a in authors if a],
                "year": _first(pub_date, "Year", "MedlineDate") if pub_date is not None else "",
                "journal": _first(journal, "Title", "ISOAbbreviation") if journal is not None else "",
                "volume": _first(journal, "JournalIssue/Volume") if journal is not None else "",
                "number": _first(journal, "JournalIssue/Issue") if journal is not None else "",
                "pages": _first(citation, "Article/Pagination/MedlinePgn", "Article/Pagination/StartPage"),
                "doi": doi,
                "pmid": _first(citation, "PMID"),
                "keywords": _all(citation, "KeywordList/Keyword")
                + _all(citation, "MeshHeadingList/MeshHeading/DescriptorName"),
                "language": _first(citation, "Article/Language"),
                "type": _first(citation, "Article/PublicationTypeList/PublicationType"),
                "url": [],
                "issn": _first(journal, "ISSN") if journal is not None else "",
                "publisher": "",
            }
        )
    if not result.records:
        raise ParseError("PubMed XML without any <PubmedArticle> element", 1)
    return result
