"""The audit as one self-contained HTML page (inline CSS and SVG, no scripts, nothing fetched), rendered from the
Jinja2 templates in templates/ with autoescaping on: every value from a review is escaped by the template engine,
never by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from slrflow.audit.charts import COLOURS, decision_bars, timeline
from slrflow.audit.prisma_boxes import BOXES, box_label, identified, prisma_rows
from slrflow.audit.report import AuditReport
from slrflow.ranking.stopping_words import ESTIMATE_CAVEAT, ESTIMATE_LABEL, estimate_words, percent
from slrflow.screening.decisions import DECISIONS
from slrflow.tables import atomic_open

__all__ = ["render_page", "write_page"]

STAGE_NAMES = {"title_abstract": "Title/abstract", "full_text": "Full text"}
BOX_ROWS = 500  # rows shown per PRISMA box; the full lists are in records_by_box.csv


def render_page(report: AuditReport) -> str:
    return _environment().get_template("page.html").render(_context(report))


def write_page(report: AuditReport, path: str | Path) -> None:
    """The page as `path` (results/audit/index.html), replaced only when complete."""
    with atomic_open(path) as handle:
        handle.write(render_page(report))


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("slrflow.audit", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        fmt=_fmt,
        pct=percent,
        estimate_words=estimate_words,
        when=_when,
        stage=_stage,
        kappa_words=_kappa_words,
        duration=_duration,
    )
    environment.globals.update(
        DECISIONS=DECISIONS, COLOURS=COLOURS, ESTIMATE_LABEL=ESTIMATE_LABEL, ESTIMATE_CAVEAT=ESTIMATE_CAVEAT
    )
    return environment


def _context(report: AuditReport) -> dict[str, Any]:
    ta = report.status_counts.get("title_abstract", {})
    return {
        "report": report,
        "unresolved": sum(1 for c in report.conflicts if not c["resolution"]),
        "identification": _identification(report),
        "to_full_text": ta.get("include", 0) + ta.get("maybe", 0),
        "pairs": [pair for pairs in report.agreement.values() for pair in pairs],
        "charts": {
            stage: {"bars": decision_bars(acts), "timeline": timeline(acts)} for stage, acts in report.activity.items()
        },
        "stopping": report.stopping_summary,
        "stopping_numbers": _flatten(report.stopping) if report.stopping else [],
        "prisma_rows": prisma_rows(report.prisma_counts) if report.prisma_counts else [],
        "boxes": _boxes(report.prisma_boxes),
        "box_rows": BOX_ROWS,
        "changes": sorted(report.changes, key=lambda c: c.changed_at),
        "links_by_study": _group(report.study_links or [], "study_id"),
        "new_studies": len({r["study_id"] for r in report.new_records if r["joins"] == "new study"}),
        "joined": sum(1 for r in report.new_records if r["joins"] != "new study"),
    }


def _identification(report: AuditReport) -> dict[str, Any]:
    """How the distinct record ids relate to PRISMA's "records identified" (one per row of every export)."""
    counts = report.prisma_counts
    if not counts:
        return {"identified": None}
    total = identified(counts)
    return {
        "identified": total,
        "duplicates": int(counts.get("duplicates") or 0) + int(counts.get("other_duplicates") or 0),
        "same_id": total - report.n_records,  # rows of an export whose record id another row already has
        "merged": report.n_records - report.n_studies,  # distinct records deduplication put into a cluster
    }


def _boxes(rows: list[dict[str, str]] | None) -> list[dict[str, Any]] | None:
    """records_by_box.csv grouped by box, in the diagram's order, each with the template's words."""
    if rows is None:
        return None
    order = {key: i for i, key in enumerate(BOXES)}
    groups = _group(rows, "box")
    return [
        {"key": key, "label": box_label(key), "rows": members}
        for key, members in sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))
    ]


def _group(rows: list[Any], key: str) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for row in rows:
        value = row[key] if isinstance(row, Mapping) else getattr(row, key)
        groups.setdefault(value, []).append(row)
    return groups


def _stage(stage: str) -> str:
    return STAGE_NAMES.get(stage, stage)


def _when(value: datetime | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        return value[:16].replace("T", " ")
    return value.strftime("%Y-%m-%d %H:%M")


def _duration(minutes: float) -> str:
    hours, rest = divmod(round(minutes), 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, (list, tuple)):
        return "; ".join(_fmt(v) for v in value)
    return str(value)


def _kappa_words(kappa: float | None) -> str:
    # Landis and Koch's (1977) bands, the reading most reviews report.
    if kappa is None:
        return "undefined"
    if kappa < 0:
        return "poor"
    for bound, words in ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
        if kappa <= bound:
            return words
    return "almost perfect"


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            items.extend(_flatten(value, name + "."))
        elif isinstance(value, list) and len(value) > 12:
            items.append((name, f"{len(value)} values, from {_fmt(value[0])} to {_fmt(value[-1])}"))
        else:
            items.append((name, value))
    return items
