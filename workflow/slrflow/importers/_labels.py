"""Screening labels that other tools write into their exports, kept in the record's TOOL_FIELDS.

- ASReview: a label column (`included`, `label_included` and the other names ASReview itself reads) holding 1, 0
  or empty, in CSV, TSV and XLSX; in RIS, `ASReview_relevant` / `ASReview_irrelevant` in the notes (N1).
- Rayyan: the notes field (CSV `notes`, RIS N1) holds `RAYYAN-INCLUSION: {"Name"=>"Included", ...} |
  RAYYAN-LABELS: ... | RAYYAN-EXCLUSION-REASONS: wrong population,foreign language`; one decision per reviewer.
- Covidence: the `Covidence #` column is the study id; the list a file was exported from (irrelevant, excluded,
  included, screen, full text review) is not in the file but in the name Covidence gives it
  (`review_123456_irrelevant_csv_20240101.csv`), so it is read from there when `tool_stage` is asked for.

tool_decision holds `include`, `exclude` or `maybe`, or `Name=decision; Other=decision` where the tool keeps one
per reviewer; `slrflow migrate` turns it into a decision log.
"""

from __future__ import annotations

import re

__all__ = ["ASREVIEW_LABEL_COLUMNS", "COVIDENCE_STAGES", "covidence_stage", "from_notes", "from_table"]

# The label columns ASReview reads (asreview.data.base.BaseReader), normalised, in its order of preference.
ASREVIEW_LABEL_COLUMNS: tuple[str, ...] = (
    "asreviewlabel",
    "included",
    "label",
    "finalincluded",
    "labelincluded",
    "includedlabel",
    "includedfinal",
    "includedflag",
    "include",
)
_LABEL_VALUES = {"1": "include", "0": "exclude", "yes": "include", "no": "exclude", "y": "include", "n": "exclude",
                 "true": "include", "false": "exclude", "1.0": "include", "0.0": "exclude"}  # fmt: skip
_RAYYAN_DECISIONS = {"included": "include", "excluded": "exclude", "maybe": "maybe"}
_RAYYAN_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"\s*=>\s*"((?:[^"\\]|\\.)*)"')
_ASREVIEW_NOTES = {"ASReview_relevant": "include", "ASReview_irrelevant": "exclude"}
# Covidence's lists, as they appear in its export file names, and what each says about a study.
COVIDENCE_STAGES: dict[str, str] = {
    "irrelevant": "title_abstract:exclude",
    "screen": "title_abstract:pending",
    "select": "full_text:pending",
    "fulltext": "full_text:pending",
    "excluded": "full_text:exclude",
    "included": "full_text:include",
    "extraction": "full_text:include",
}
_COVIDENCE_FILE = re.compile(r"review_\d+_([a-z_]+?)_(?:csv|ris|xml|txt)_\d+", re.IGNORECASE)


def from_table(values: dict[str, str]) -> dict[str, str]:
    """Tool fields from a table row's cells (`label`, `notes`, `covidence`, `key` as read by table.COLUMNS)."""
    found = from_notes(values.pop("notes", ""))
    label = (values.pop("asreview_label", "") or "").strip().casefold()
    rayyan_key = values.pop("rayyan_key", "")
    covidence = (values.pop("covidence", "") or "").strip()
    if not found and label in _LABEL_VALUES:
        found = {"tool": "asreview", "tool_decision": _LABEL_VALUES[label]}
    if found.get("tool") == "rayyan" and rayyan_key:
        found["tool_id"] = rayyan_key
    if covidence and not found:
        found = {"tool": "covidence", "tool_id": covidence}
    return found


def from_notes(notes: str) -> dict[str, str]:
    """Tool fields from a notes text (Rayyan's markers or ASReview's RIS labels); {} when it has none."""
    if not notes:
        return {}
    for marker, decision in _ASREVIEW_NOTES.items():
        if marker in notes:
            return {"tool": "asreview", "tool_decision": decision}
    if "RAYYAN-" not in notes:
        return {}
    parts = {}
    for part in notes.split("| "):
        name, _, value = part.partition(":")
        if name.strip().startswith("RAYYAN-"):
            parts[name.strip()] = value.strip()
    decisions = []
    for reviewer, decision in _RAYYAN_PAIR.findall(parts.get("RAYYAN-INCLUSION", "")):
        mapped = _RAYYAN_DECISIONS.get(decision.strip().casefold())
        if mapped:
            decisions.append(f"{reviewer.replace(';', ',').strip()}={mapped}")
    reasons = [r.strip() for r in parts.get("RAYYAN-EXCLUSION-REASONS", "").split(",") if r.strip()]
    if not decisions and not reasons:
        return {}
    return {"tool": "rayyan", "tool_decision": "; ".join(decisions), "tool_reason": "; ".join(reasons)}


def covidence_stage(file_name: str) -> str:
    """`stage:decision` for a Covidence export by its file name (see COVIDENCE_STAGES), or '' if not known."""
    match = _COVIDENCE_FILE.search(file_name)
    return COVIDENCE_STAGES.get(match.group(1).casefold().replace("_", ""), "") if match else ""
