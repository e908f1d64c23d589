"""Data extraction from full texts: fields the review declares, plus standard study characteristics.

A declared field is a mapping in config (or a YAML/JSON file):

    - name: outcome_measure          # required; becomes the `field` column
      keywords: [quality of life, QoL]   # or
      patterns: ['follow-up of (?P<value>\\d+ (?:weeks|months))']   # regexes; group `value` (or 1) is the value
      section: methods               # optional: abstract, introduction, methods, results, discussion, conclusion
      max_values: 5                  # optional, default 5

Standard characteristics (design, country, sample_size, year, study_period) are always extracted. Every value
comes with the page it was found on and a snippet around it. The references are searched only by a field whose
section is `references`. `year` is the record's bibliographic (publication) year, shown where the first page
prints it; the years the text gives for the study itself ('data from 1997 to 2016') are its `study_period`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slrflow.errors import ConfigError
from slrflow.fulltext.characteristics import (
    Evidence,
    Piece,
    find_country,
    find_design,
    find_sample_size,
    find_study_period,
    snippet,
)
from slrflow.fulltext.sections import SECTION_NAMES, section_text

__all__ = [
    "EXTRACTION_COLUMNS",
    "STANDARD_FIELDS",
    "FieldSpec",
    "extract_record",
    "load_fields",
    "parse_fields",
]

STANDARD_FIELDS = ("design", "country", "sample_size", "year", "study_period")
# The columns of results/fulltext/extraction.csv.
EXTRACTION_COLUMNS = ("record_id", "pdf", "status", "field", "value", "page", "snippet")
# Extra weight of a mention by where it is: the title and abstract say what the study is, the methods how.
WEIGHTS = {"title": 5.0, "abstract": 3.0, "methods": 2.0, "body": 1.0}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    patterns: tuple[re.Pattern[str], ...]
    sections: tuple[str, ...] = ()
    max_values: int = 5


def load_fields(path: str | Path) -> list[FieldSpec]:
    """Field declarations from a YAML or JSON file: a list, {fields: [...]} or a config with fulltext.fields."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as error:  # OSError, JSON's ValueError, yaml.YAMLError
        raise ConfigError(f"{path}: cannot read the field declarations: {error}") from error
    if isinstance(data, Mapping) and isinstance(data.get("fulltext"), Mapping):
        data = data["fulltext"]
    if isinstance(data, Mapping):
        data = data.get("fields", [])
    return parse_fields(data or [], source=str(path))


def parse_fields(items: object, *, source: str = "config") -> list[FieldSpec]:
    """Validate field declarations; ConfigError names the field and what is wrong."""
    if not isinstance(items, list):
        raise ConfigError(f"{source}: fields must be a list of {{name, keywords or patterns, section}}")
    specs: list[FieldSpec] = []
    seen: set[str] = set()
    for index, item in enumerate(items, start=1):
        where = f"{source}: field {index}"
        if not isinstance(item, Mapping) or not str(item.get("name") or "").strip():
            raise ConfigError(f"{where}: each field needs a name")
        name = str(item["name"]).strip()
        where = f"{source}: field {name!r}"
        if name in seen or name in STANDARD_FIELDS:
            raise ConfigError(f"{where}: the name is already used (standard fields: {', '.join(STANDARD_FIELDS)})")
        seen.add(name)
        keywords = _as_list(item.get("keywords"), where, "keywords")
        raw_patterns = _as_list(item.get("patterns"), where, "patterns")
        if not keywords and not raw_patterns:
            raise ConfigError(f"{where}: give keywords or patterns")
        patterns = [re.compile(rf"(?<!\w){re.escape(keyword)}(?!\w)", re.IGNORECASE) for keyword in keywords]
        for pattern in raw_patterns:
            try:
                patterns.append(re.compile(pattern, re.IGNORECASE))
            except re.error as error:
                raise ConfigError(f"{where}: pattern {pattern!r} is not a valid regex: {error}") from error
        # "any" (the config schema's default) means the whole text, as an empty list does.
        sections = tuple(section for section in _as_list(item.get("section"), where, "section") if section != "any")
        unknown = [section for section in sections if section not in SECTION_NAMES]
        if unknown:
            raise ConfigError(f"{where}: unknown section {unknown[0]!r} (known: {', '.join(SECTION_NAMES)})")
        max_values = item.get("max_values", 5)
        if not isinstance(max_values, int) or max_values < 1:
            raise ConfigError(f"{where}: max_values must be a positive whole number")
        specs.append(FieldSpec(name, tuple(patterns), sections, max_values))
    return specs


def extract_record(
    fulltext: Mapping[str, Any], specs: Sequence[FieldSpec] = (), *, year: str = ""
) -> dict[str, list[dict[str, object]]]:
    """Each field's values with page and snippet: standard characteristics first, then the declared fields.

    `year` is the record's bibliographic year; without one, the publication year the PDF's first page prints.
    """
    pages: list[str] = list(fulltext.get("pages") or [])
    sections = {section["name"]: section for section in fulltext.get("sections") or []}
    body = _before_references(pages, sections.get("references"))
    weighted: list[Piece] = [(page, WEIGHTS["body"], text) for page, _, text in body]
    title = str((fulltext.get("metadata") or {}).get("title") or "")
    if title:
        weighted.append((1, WEIGHTS["title"], title))
    if "abstract" in sections:
        weighted += [(page, WEIGHTS["abstract"], text) for page, _, text in section_text(sections["abstract"], pages)]
    elif pages:
        weighted.append((1, WEIGHTS["methods"], pages[0]))
    if "methods" in sections:
        weighted += [(page, WEIGHTS["methods"], text) for page, _, text in section_text(sections["methods"], pages)]
    fields: dict[str, list[dict[str, object]]] = {}
    finders = (("design", find_design), ("country", find_country), ("sample_size", find_sample_size))
    for name, finder in finders:
        found = finder(weighted)
        fields[name] = [found.as_dict()] if found else []
    published = _year_evidence(year or str((fulltext.get("metadata") or {}).get("year") or ""), pages)
    fields["year"] = [published.as_dict()] if published else []
    period = find_study_period(weighted)
    fields["study_period"] = [period.as_dict()] if period else []
    for spec in specs:
        fields[spec.name] = _declared(spec, pages, sections, body)
    return fields


def _declared(
    spec: FieldSpec, pages: list[str], sections: Mapping[str, Any], body: list[tuple[int, int, str]]
) -> list[dict[str, object]]:
    pieces: list[tuple[int, int, str]] = []
    for name in spec.sections:
        if name in sections:
            pieces += section_text(sections[name], pages)
    if not pieces:
        # The section was not found in this PDF (or none was asked for): search the body rather than nothing.
        pieces = body
    values: list[dict[str, object]] = []
    seen: set[str] = set()
    for page, _, text in pieces:
        for pattern in spec.patterns:
            for match in pattern.finditer(text):
                value = " ".join(_value(match).split())
                if value and value.casefold() not in seen:
                    seen.add(value.casefold())
                    values.append({"value": value, "page": page, "snippet": snippet(text, match.start(), match.end())})
                    if len(values) >= spec.max_values:
                        return values
    return values


def _value(match: re.Match[str]) -> str:
    if "value" in match.re.groupindex:
        return match.group("value") or ""
    if match.re.groups:
        return match.group(1) or ""
    return match.group(0)


def _before_references(pages: list[str], references: Mapping[str, Any] | None) -> list[tuple[int, int, str]]:
    """(page, offset, text) of every page, cut where the references start."""
    pieces = []
    for number, text in enumerate(pages, start=1):
        if references is not None:
            if number > int(references["page"]):
                break
            if number == int(references["page"]):
                text = text[: int(references["offset"])]
        pieces.append((number, 0, text))
    return pieces


def _year_evidence(year: str, pages: list[str]) -> Evidence | None:
    """The year with the first page's mention of it as evidence (no page and no snippet when it prints none)."""
    year = year.strip()
    if not year:
        return None
    first_page = pages[0] if pages else ""
    match = re.search(rf"(?<!\d){re.escape(year)}(?!\d)", first_page)
    if match is None:
        return Evidence(year, None, "")
    return Evidence(year, 1, snippet(first_page, match.start(), match.end()))


def _as_list(value: object, where: str, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise ConfigError(f"{where}: {key} must be a string or a list of strings")
