"""Section headings of a scholarly article: abstract, introduction, methods, results, discussion, conclusion,
references, found line by line with their page and offset in that page's text.

A heading is a short capitalised line whose words (after numbering such as '2.', '3.1' or 'IV.') name a section,
e.g. 'Materials and Methods', '4 RESULTS', 'A B S T R A C T'. A run-in heading ('Abstract—We ...', or a bold
'Methods. We ...') counts only where no stand-alone heading of that name exists, since structured abstracts use
the same words for their own parts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from slrflow.fulltext.layout import Line

__all__ = ["SECTION_NAMES", "Heading", "find_headings", "section_spans", "section_text"]

SECTION_NAMES: dict[str, tuple[str, ...]] = {
    "abstract": ("abstract", "summary"),
    "introduction": ("introduction", "background"),
    "methods": (
        "methods",
        "method",
        "materials and methods",
        "material and methods",
        "methods and materials",
        "patients and methods",
        "subjects and methods",
        "methodology",
        "research method",
        "research methodology",
        "research design",
        "study design",
        "experimental setup",
        "experimental design",
    ),
    "results": ("results", "findings", "results and discussion", "experimental results", "evaluation"),
    "discussion": ("discussion", "general discussion", "discussion and conclusions", "discussion and conclusion"),
    "conclusion": ("conclusion", "conclusions", "concluding remarks", "summary and conclusions"),
    "references": ("references", "bibliography", "literature cited", "works cited", "reference list"),
}
_CANONICAL = {synonym: name for name, synonyms in SECTION_NAMES.items() for synonym in synonyms}
_NUMBERING = r"(?:(?:\d+(?:\.\d+)*|[IVX]+|[A-H])[.)]?\s+)?"
_STANDALONE = re.compile(rf"^{_NUMBERING}(?P<name>[A-Za-z][A-Za-z &]*?)\s*[:.]?$")
_RUN_IN = re.compile(rf"^{_NUMBERING}(?P<name>[A-Z][A-Za-z]+)\s*(?P<sep>[.:—–-])\s*\S")
_LETTER_SPACED = re.compile(r"^(?:[A-Za-z] )+[A-Za-z]$")


@dataclass(frozen=True, slots=True)
class Heading:
    name: str  # canonical: a key of SECTION_NAMES
    text: str  # the line as printed
    page: int  # 1-based
    offset: int  # character offset of the line in the page's text
    run_in: bool = False


def find_headings(lines: Iterable[Line], page: int) -> list[Heading]:
    """Every line on a page that reads as a section heading."""
    found = []
    for line in lines:
        text = line.text.strip()
        if not text or len(line.words) > 8:
            continue
        if _LETTER_SPACED.match(text):
            text = text.replace(" ", "")
        match = _STANDALONE.match(text)
        if match and match.group("name")[0].isupper():
            name = _CANONICAL.get(" ".join(match.group("name").lower().replace("&", "and").split()))
            if name is not None:
                found.append(Heading(name, line.text, page, line.offset))
                continue
        run_in = _RUN_IN.match(text)
        if run_in:
            name = _CANONICAL.get(run_in.group("name").lower())
            # 'Abstract' may run in with any separator; other words only in a bold lead-in.
            if name == "abstract" or (name is not None and line.words[0].bold):
                found.append(Heading(name, line.text, page, line.offset, run_in=True))
    return found


def section_spans(headings: Sequence[Heading], pages: Sequence[str]) -> list[dict[str, object]]:
    """One section per canonical name (its first stand-alone heading, else its first run-in heading), ordered by
    position, each running to the start of the next: name, heading, page, offset, end_page, end_offset."""
    chosen: dict[str, Heading] = {}
    for heading in headings:
        current = chosen.get(heading.name)
        if current is None or (current.run_in and not heading.run_in):
            chosen[heading.name] = heading
    ordered = sorted(chosen.values(), key=lambda h: (h.page, h.offset))
    spans: list[dict[str, object]] = []
    for index, heading in enumerate(ordered):
        if index + 1 < len(ordered):
            end_page, end_offset = ordered[index + 1].page, ordered[index + 1].offset
        else:
            end_page, end_offset = len(pages), len(pages[-1]) if pages else 0
        spans.append(
            {
                "name": heading.name,
                "heading": heading.text,
                "page": heading.page,
                "offset": heading.offset,
                "end_page": end_page,
                "end_offset": end_offset,
            }
        )
    return spans


def section_text(section: dict[str, object], pages: Sequence[str]) -> list[tuple[int, int, str]]:
    """The text of a section as (page, offset of the piece in that page, text) pieces, one per page it covers."""
    first, start = int(section["page"]), int(section["offset"])  # type: ignore[call-overload]
    last, end = int(section["end_page"]), int(section["end_offset"])  # type: ignore[call-overload]
    pieces = []
    for page in range(first, min(last, len(pages)) + 1):
        text = pages[page - 1]
        lo = start if page == first else 0
        hi = end if page == last else len(text)
        if hi > lo:
            pieces.append((page, lo, text[lo:hi]))
    return pieces
