"""Standard study characteristics found in a full text: design, country, sample size, study period.

Each finder takes the text pieces to search, as (page, weight, text) with a larger weight for the title and
abstract than for the body, and returns Evidence or None. The caller leaves the references out: they name other
studies' designs and countries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "COUNTRIES",
    "DESIGNS",
    "YEAR_RANGE",
    "Evidence",
    "Piece",
    "find_country",
    "find_design",
    "find_sample_size",
    "find_study_period",
    "snippet",
]

# (page, weight, text)
Piece = tuple[int, float, str]
SNIPPET_CHARS = 80


@dataclass(frozen=True, slots=True)
class Evidence:
    value: str
    page: int | None  # None: the value is known but not printed in the text (a record's year)
    snippet: str

    def as_dict(self) -> dict[str, object]:
        return {"value": self.value, "page": self.page, "snippet": self.snippet}


# Most specific first: on a tie of weighted mentions the earlier design wins.
DESIGNS: dict[str, str] = {
    "systematic review": r"systematic(?:al)?\s+(?:literature\s+)?reviews?|meta-?\s?analys[ie]s|rapid\s+review|"
    r"scoping\s+review|mapping\s+study",
    "randomised controlled trial": r"randomi[sz]ed\s+(?:controlled\s+|clinical\s+)?trials?|\bRCTs?\b",
    "cohort": r"cohort\s+stud(?:y|ies)",
    "case-control": r"case[-\s]control\s+stud(?:y|ies)",
    "cross-sectional": r"cross[-\s]sectional",
    "mixed methods": r"mixed[-\s]methods?",
    "qualitative": r"qualitative(?:\s+stud(?:y|ies)|\s+research|ly)|focus\s+groups?|semi-?\s?structured\s+interviews?|"
    r"thematic\s+analysis|grounded\s+theory",
    "controlled experiment": r"controlled\s+experiments?|quasi-?\s?experiment(?:al|s)?",
    "case study": r"case\s+stud(?:y|ies)",
    "survey": r"questionnaire\s+survey|online\s+survey|survey\s+stud(?:y|ies)",
    "case report": r"case\s+reports?|case\s+series",
}
_DESIGN_PATTERNS = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in DESIGNS.items()}

_COUNTRY_WORDS = """Afghanistan Albania Algeria Andorra Angola Argentina Armenia Australia Austria Azerbaijan Bahamas
Bahrain Bangladesh Barbados Belarus Belgium Belize Benin Bhutan Bolivia Bosnia_and_Herzegovina Botswana Brazil
Brunei Bulgaria Burkina_Faso Burundi Cambodia Cameroon Canada Cape_Verde Chile China Colombia Comoros Congo
Costa_Rica Croatia Cuba Cyprus Czech_Republic Czechia Denmark Djibouti Dominican_Republic Ecuador Egypt
El_Salvador England Eritrea Estonia Eswatini Ethiopia Fiji Finland France Gabon Gambia Germany Ghana Greece
Guatemala Guyana Haiti Honduras Hong_Kong Hungary Iceland India Indonesia Iran Iraq Ireland Israel Italy Jamaica
Japan Jordan Kazakhstan Kenya Kosovo Kuwait Kyrgyzstan Laos Latvia Lebanon Lesotho Liberia Libya Lithuania
Luxembourg Madagascar Malawi Malaysia Maldives Mali Malta Mauritania Mauritius Mexico Moldova Monaco Mongolia
Montenegro Morocco Mozambique Myanmar Namibia Nepal Netherlands New_Zealand Nicaragua Nigeria North_Korea
North_Macedonia Northern_Ireland Norway Oman Pakistan Palestine Panama Papua_New_Guinea Paraguay Peru Philippines
Poland Portugal Qatar Romania Russia Rwanda Saudi_Arabia Scotland Senegal Serbia Sierra_Leone Singapore Slovakia
Slovenia Somalia South_Africa South_Korea South_Sudan Spain Sri_Lanka Sudan Suriname Sweden Switzerland Syria
Taiwan Tajikistan Tanzania Thailand Togo Trinidad_and_Tobago Tunisia Turkey Türkiye Turkmenistan Uganda Ukraine
United_Arab_Emirates United_Kingdom United_States Uruguay Uzbekistan Venezuela Vietnam Wales Yemen Zambia Zimbabwe"""
# Names that are also ordinary words or people (Chad, Georgia, Guinea, Niger, Jordan) are left out.
COUNTRIES: tuple[str, ...] = tuple(word.replace("_", " ") for word in _COUNTRY_WORDS.split())
_ALIASES = {"USA": "United States", "U.S.A.": "United States", "UK": "United Kingdom", "U.K.": "United Kingdom"}
_COUNTRY = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(name) for name in sorted([*COUNTRIES, *_ALIASES], key=len, reverse=True))
    + r")(?![\w-])"
)

_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90})
_PEOPLE = (
    r"participants|patients|subjects|respondents|individuals|people|persons|children|adolescents|adults|women|men|"
    r"students|residents|nurses|physicians|clinicians|professionals|practitioners|developers|employees|workers|"
    r"volunteers|infants|mothers|households|interviewees|cases"
)
_COUNT_OF_PEOPLE = re.compile(
    rf"(?<![\w.,])(\d{{1,3}}(?:,\d{{3}})+|\d+|{'|'.join(_NUMBER_WORDS)})\s+(?:[a-z-]+\s+){{0,2}}?({_PEOPLE})\b",
    re.IGNORECASE,
)
_N_EQUALS = re.compile(r"(?<![\w])[Nn]\s*=\s*(\d{1,3}(?:,\d{3})+|\d+)(?![\d.])")
_YEAR = r"(?:19|20)\d\d"
_MONTH = r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+)?"
# A span of years ('between 1997 and 2016', 'between the launch of X in 1997 and 2016', 'from May 2010 to
# 2012', '2001-2005'): when a study's data were collected or what it covers. A publication date is one year, so
# a year inside a range is not one.
YEAR_RANGE = re.compile(
    rf"(?<![\w:./-])(?:between\s+(?:[^\d.;()]{{0,60}}?\s)?{_MONTH}(?P<from1>{_YEAR})\s+and\s+{_MONTH}(?P<to1>{_YEAR})"
    rf"|(?:from\s+)?{_MONTH}(?P<from2>{_YEAR})\s*(?:-|\u2013|\u2014|to|until|through)\s*{_MONTH}(?P<to2>{_YEAR}))"
    r"(?![\w/-])",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s")


def snippet(text: str, start: int, end: int, width: int = SNIPPET_CHARS) -> str:
    """The match with about `width` characters either side, cut only between words, whitespace collapsed."""
    left, right = max(0, start - width), min(len(text), end + width)
    if left > 0 and not text[left - 1].isspace():  # `left` is inside a word: start at the next word instead
        space = _SPACE.search(text, left, start)
        left = space.end() if space else _word_start(text, start)
    if right < len(text) and not text[right].isspace():  # likewise at the end, back to the last whole word
        spaces = [match.start() for match in _SPACE.finditer(text, end, right)]
        right = spaces[-1] if spaces else _word_end(text, end)
    return " ".join(text[left:right].split())


def _word_start(text: str, index: int) -> int:
    while index > 0 and not text[index - 1].isspace():
        index -= 1
    return index


def _word_end(text: str, index: int) -> int:
    while index < len(text) and not text[index].isspace():
        index += 1
    return index


def find_design(pieces: Iterable[Piece]) -> Evidence | None:
    """The design mentioned most (weighted by where), with its first mention in the heaviest piece."""
    scores: dict[str, float] = {}
    first: dict[str, tuple[float, int, str]] = {}
    for page, weight, text in pieces:
        for name, pattern in _DESIGN_PATTERNS.items():
            for match in pattern.finditer(text):
                scores[name] = scores.get(name, 0.0) + weight
                if name not in first or weight > first[name][0]:
                    first[name] = (weight, page, snippet(text, match.start(), match.end()))
    if not scores:
        return None
    order = list(DESIGNS)
    best = max(scores, key=lambda name: (scores[name], -order.index(name)))
    _, page, text = first[best]
    return Evidence(best, page, text)


def find_country(pieces: Iterable[Piece]) -> Evidence | None:
    """The country named most (weighted by where), as its common name."""
    scores: dict[str, float] = {}
    first: dict[str, tuple[float, int, str]] = {}
    for page, weight, text in pieces:
        for match in _COUNTRY.finditer(text):
            name = _ALIASES.get(match.group(1), match.group(1))
            scores[name] = scores.get(name, 0.0) + weight
            if name not in first or weight > first[name][0]:
                first[name] = (weight, page, snippet(text, match.start(), match.end()))
    if not scores:
        return None
    best = max(sorted(scores), key=lambda name: scores[name])
    _, page, text = first[best]
    return Evidence(best, page, text)


def find_sample_size(pieces: Iterable[Piece]) -> Evidence | None:
    """The study's sample size: the largest 'N participants' (or 'n = N') in the heaviest pieces that have one.

    Subgroups ('men, n = 12') are smaller than the whole sample, hence the largest; the heaviest pieces (the
    abstract, the methods) describe the sample, the results may count other things.
    """
    found: list[tuple[float, int, int, str]] = []
    for page, weight, text in pieces:
        for pattern in (_COUNT_OF_PEOPLE, _N_EQUALS):
            for match in pattern.finditer(text):
                value = _number(match.group(1))
                if value is not None and 2 <= value <= 10_000_000:
                    found.append((weight, value, page, snippet(text, match.start(), match.end())))
    if not found:
        return None
    heaviest = max(weight for weight, *_ in found)
    _, value, page, text = max((item for item in found if item[0] == heaviest), key=lambda item: item[1])
    return Evidence(str(value), page, text)


def find_study_period(pieces: Iterable[Piece]) -> Evidence | None:
    """The span of years the study covers ('1997-2016'), first named in the heaviest piece that names one."""
    best: tuple[float, Evidence] | None = None
    for page, weight, text in pieces:
        if best is not None and weight <= best[0]:
            continue
        for match in YEAR_RANGE.finditer(text):
            first, last = match.group("from1") or match.group("from2"), match.group("to1") or match.group("to2")
            if first < last:
                best = (weight, Evidence(f"{first}-{last}", page, snippet(text, match.start(), match.end())))
                break
    return best[1] if best else None


def _number(text: str) -> int | None:
    text = text.lower().replace(",", "")
    if text.isdigit():
        return int(text)
    return _NUMBER_WORDS.get(text)
