"""The audit as one self-contained HTML page: inline CSS and SVG, no scripts, nothing fetched."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from html import escape
from typing import Any

from slrflow.audit.activity import ReviewerActivity
from slrflow.audit.agreement import PairAgreement
from slrflow.audit.report import AuditReport
from slrflow.decisions import DECISIONS

__all__ = ["render_page"]

STAGE_NAMES = {"title_abstract": "Title/abstract", "full_text": "Full text"}
COLOURS = {"include": "#2e7d32", "maybe": "#f9a825", "exclude": "#9e9e9e"}
SERIES = ("#1565c0", "#c62828", "#6a1b9a", "#00838f", "#ef6c00", "#4e342e", "#37474f", "#ad1457")
BOX_ROWS = 500  # rows shown per PRISMA box; the full lists are in records_by_box.csv

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;margin:0;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 8px;padding-top:8px;border-top:2px solid #e3e6ea}
h3{font-size:16px;margin:20px 0 6px}p.meta{color:#555;margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;margin:16px 0}
.card{border:1px solid #dde1e6;border-radius:6px;padding:10px 12px;background:#fafbfc}
.card b{display:block;font-size:22px}.card span{color:#555;font-size:13px}
.card.alert{border-color:#c62828;background:#fdecea}.card.ok{border-color:#2e7d32;background:#edf7ee}
.alert-box{border:2px solid #c62828;background:#fdecea;border-radius:6px;padding:10px 14px;margin:12px 0}
.note{border-left:4px solid #f9a825;background:#fff8e1;padding:8px 12px;margin:12px 0}
.muted{color:#666}
table{border-collapse:collapse;width:100%;margin:8px 0 14px;font-size:13.5px}
th,td{border-bottom:1px solid #e3e6ea;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5;font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.id{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;white-space:nowrap}
td.title{min-width:280px}td.same{background:#edf7ee}table.matrix{width:auto}
details{margin:6px 0}summary{cursor:pointer;font-weight:600}
nav a{margin-right:12px;font-size:14px}svg{max-width:100%;height:auto}
"""


def render_page(report: AuditReport) -> str:
    sections = [
        _summary(report),
        _orphans(report),
        _activity(report),
        _agreement(report),
        _model(report),
        _stopping(report),
        _changes(report),
        _new(report),
        _prisma(report),
    ]
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'><title>Audit: {escape(report.title)}"
        f"</title><style>{CSS}</style></head><body><main>{''.join(sections)}</main></body></html>\n"
    )


def _summary(report: AuditReport) -> str:
    ta = report.status_counts.get("title_abstract", {})
    ft = report.status_counts.get("full_text", {})
    unresolved = sum(1 for c in report.conflicts if not c["resolution"])
    cards = [
        _card(report.n_records, "distinct records imported (by record id)"),
        _card(report.n_studies, "studies after deduplication"),
        _card(_sum(ta, "include", "maybe"), "to full text (include or maybe)"),
        _card(ta.get("exclude", 0), "excluded at title/abstract"),
        _card(ta.get("pending", 0), "title/abstract still pending"),
        _card(ft.get("include", 0), "included after full text"),
    ]
    for stage, pairs in report.agreement.items():
        for pair in pairs:
            cards.append(_card(_fmt(pair.kappa), f"kappa {pair.reviewer_a}–{pair.reviewer_b}, {_stage(stage)}"))
    cards.append(_card(len(report.conflicts), f"conflicts ({unresolved} unresolved)", "alert" if unresolved else ""))
    cards.append(_card(len(report.orphans), "orphaned decisions", "alert" if report.orphans else "ok"))
    cards.append(_card(len(report.changes), "changed decisions"))
    if report.comparison.has_previous:
        cards.append(_card(len(report.comparison.new_records), "records new since the previous round"))
    stop = _stopping_value(report.stopping, ("stop",))
    if stop is not None:
        cards.append(_card(_fmt(stop), "stopping rule says stop"))
    recall = _stopping_value(report.stopping, ("claimable_recall", "recall_claimable", "claimed_recall"))
    if recall is not None:
        cards.append(_card(_fmt(recall), "recall that can be claimed"))
    reviewers = ", ".join(report.reviewers)
    head = (
        f"<h1>Screening audit: {escape(report.title)}</h1><p class='meta'>Review mode <b>{escape(report.mode)}</b>; "
        f"reviewers {escape(reviewers)}; "
        f"search round {report.comparison.round}.</p>"
    )
    nav = "<nav>" + "".join(
        f"<a href='#{anchor}'>{name}</a>"
        for anchor, name in [
            ("orphans", "Orphans"),
            ("reviewers", "Reviewers"),
            ("agreement", "Agreement"),
            ("model", "Model vs humans"),
            ("stopping", "Stopping rule"),
            ("changes", "Changes"),
            ("new", "New records"),
            ("prisma", "PRISMA boxes"),
        ]
    )
    nav += "</nav>"
    notes = ""
    if report.mode == "blind_dual":
        notes += (
            "<p class='note'>Blind dual screening: this page shows every reviewer's decisions. Reviewers should use "
            "their own queue (results/screening/queue_&lt;reviewer&gt;.csv) and not open this page before "
            "screening ends.</p>"
        )
    if report.missing:
        notes += "<p class='note'>Not available yet, so the sections that need them are empty: " + ", ".join(
            f"<code>{escape(m)}</code>" for m in report.missing
        )
        notes += ".</p>"
    return head + nav + f"<div class='cards'>{''.join(cards)}</div>" + notes


def _orphans(report: AuditReport) -> str:
    out = "<h2 id='orphans'>Orphaned decisions</h2>"
    if not report.orphans:
        return out + "<p>None: every decision names a record in the current searches.</p>"
    out += (
        f"<div class='alert-box'><b>{len(report.orphans)} decision(s) name a record that is in no current search "
        "export.</b> They are kept in screening/ and reported here, never dropped: check whether a search file "
        "went missing or a record changed so much that its id changed.</div>"
    )
    rows = [
        [
            _stage(o.stage),
            o.reviewer,
            _id(o.record_id),
            o.decision + (f" ({o.reason})" if o.reason else ""),
            _when(o.timestamp),
            f"{o.source}, line {o.line}",
        ]
        for o in report.orphans
    ]
    return out + _table(["stage", "reviewer", "record", "decision", "when", "where"], rows, raw={2})


def _activity(report: AuditReport) -> str:
    out = "<h2 id='reviewers'>Reviewers: decisions and time span</h2>"
    out += (
        "<p class='muted'>Include, exclude and maybe count each reviewer's current decision per study; "
        "log lines include earlier decisions they later changed.</p>"
    )
    for stage, acts in report.activity.items():
        out += f"<h3>{_stage(stage)}</h3>"
        if not any(a.log_lines for a in acts):
            out += "<p class='muted'>No decisions yet.</p>"
            continue
        rows = [
            [
                a.reviewer,
                a.studies_decided,
                a.include,
                a.exclude,
                a.maybe,
                a.log_lines,
                a.changed,
                _when(a.first_decision_at),
                _when(a.last_decision_at),
                a.active_days,
            ]
            for a in acts
        ]
        out += _table(
            [
                "reviewer",
                "studies decided",
                "include",
                "exclude",
                "maybe",
                "log lines",
                "changed",
                "first",
                "last",
                "days active",
            ],
            rows,
            numeric={1, 2, 3, 4, 5, 6, 9},
        )
        out += _bars(acts) + _timeline(acts)
    return out


def _agreement(report: AuditReport) -> str:
    out = "<h2 id='agreement'>Agreement between reviewers</h2>"
    out += (
        "<p class='muted'>On the studies both reviewers decided. Cohen's kappa corrects agreement for chance "
        "(1 perfect, 0 no better than chance); it is undefined when both gave every study the same decision.</p>"
    )
    pairs = [p for ps in report.agreement.values() for p in ps]
    if not pairs:
        out += "<p>No study has been decided by two reviewers yet.</p>"
    else:
        rows = [
            [
                _stage(p.stage),
                f"{p.reviewer_a} – {p.reviewer_b}",
                p.n_both,
                p.n_agree,
                _pct(p.agreement),
                _fmt(p.kappa),
                _kappa_words(p.kappa),
            ]
            for p in pairs
        ]
        out += _table(
            ["stage", "pair", "both decided", "agreed", "agreement", "kappa", "reading"], rows, numeric={2, 3, 4, 5}
        )
        out += "<div style='display:flex;flex-wrap:wrap;gap:24px'>" + "".join(_matrix(p) for p in pairs) + "</div>"
    out += "<h3>Conflicts and how they were resolved</h3>"
    if not report.conflicts:
        return out + "<p>No conflicts.</p>"
    rows = [
        [
            _stage(c["stage"]),
            _id(c["record_id"]),
            escape(c["title"]),
            escape(c["decisions"]).replace("; ", "<br>"),
            escape(c["resolution"] + (f" ({c['reason']})" if c["reason"] else "")) or "<b>unresolved</b>",
            escape(c["resolved_by"]),
            escape(c["resolved_at"][:16].replace("T", " ")),
        ]
        for c in report.conflicts
    ]
    return out + _table(
        ["stage", "study", "title", "decisions", "resolution", "by", "when"], rows, raw=set(range(7)), title_col=2
    )


def _model(report: AuditReport) -> str:
    out = "<h2 id='model'>Where the model and the humans disagree most</h2>"
    if not report.model_disagreements:
        return out + "<p class='muted'>No ranking yet, or no decided study is ranked.</p>"
    out += (
        "<p class='muted'>Title/abstract decisions against the ranking's score (results/screening/ranking.csv). "
        "Worth a second look: exclusions the model ranks among the most likely includes, and inclusions it "
        "ranks least likely.</p>"
    )
    for kind in dict.fromkeys(r["kind"] for r in report.model_disagreements):
        rows = [
            [
                _id(str(r["record_id"])),
                escape(str(r["title"])),
                _fmt(r["score"]),
                f"{r['rank']} of {r['ranked']}",
                escape(str(r["status"])),
                escape(str(r["decisions"])),
            ]
            for r in report.model_disagreements
            if r["kind"] == kind
        ]
        out += f"<h3>{escape(str(kind)).capitalize()}</h3>"
        out += _table(
            ["study", "title", "score", "rank", "status", "decisions"],
            rows,
            raw=set(range(6)),
            numeric={2, 3},
            title_col=1,
        )
    return out


def _stopping(report: AuditReport) -> str:
    out = "<h2 id='stopping'>Stopping rule</h2>"
    if report.stopping is None:
        return out + "<p class='muted'>No results/screening/stopping.json yet.</p>"
    rows = [[escape(key), escape(_fmt(value))] for key, value in _flatten(report.stopping)]
    out += "<p class='muted'>As written by the ranking (results/screening/stopping.json).</p>"
    return out + _table(["key", "value"], rows, raw={0, 1}, wide=False)


def _changes(report: AuditReport) -> str:
    out = "<h2 id='changes'>Changed decisions</h2>"
    if not report.changes:
        return out + "<p>No reviewer has changed a decision.</p>"
    rows = [
        [
            _when(c.changed_at),
            _stage(c.stage),
            c.reviewer,
            _id(c.record_id),
            escape(report.titles.get(c.record_id, "")),
            c.before,
            c.after,
        ]
        for c in sorted(report.changes, key=lambda c: c.changed_at)
    ]
    return out + _table(["when", "stage", "reviewer", "record", "title", "from", "to"], rows, raw={3, 4}, title_col=4)


def _new(report: AuditReport) -> str:
    comparison = report.comparison
    out = "<h2 id='new'>New since the previous search round</h2>"
    if not comparison.has_previous:
        return out + (
            "<p class='note'>No previous run to compare with: this is the first audit of this review's "
            "results (or results/ was deleted). The next audit after the searches change lists what is new.</p>"
        )
    prev = comparison.previous_round or {}
    new_studies = len({r["study_id"] for r in report.new_records if r["joins"] == "new study"})
    joined = sum(1 for r in report.new_records if r["joins"] != "new study")
    out += (
        f"<p>Compared with round {prev.get('round')} (first audited {escape(str(prev.get('first_run_at', ''))[:16])}"
        f", {prev.get('records')} records): <b>{len(comparison.new_records)} new records</b>, of which "
        f"{joined} are duplicates of earlier records (their study keeps its decisions) and the rest form "
        f"<b>{new_studies} new studies</b> that enter the queue. {len(comparison.gone_records)} records of the "
        "previous round are in no search now.</p>"
    )
    if report.new_records:
        rows = [
            [
                _id(r["record_id"]),
                escape(r["title"]),
                escape(r["database"]),
                escape(r["joins"]),
                escape(r["study_status"]),
            ]
            for r in report.new_records
        ]
        out += _details(
            f"{len(rows)} new records",
            _table(["record", "title", "database", "joins", "study status"], rows, raw=set(range(5)), title_col=1),
        )
    if comparison.gone_records:
        rows = [[_id(r), escape(report.titles.get(r, ""))] for r in comparison.gone_records]
        out += _details(
            f"{len(rows)} records no longer in any search", _table(["record", "title"], rows, raw={0, 1}, title_col=1)
        )
    return out


def _prisma(report: AuditReport) -> str:
    out = "<h2 id='prisma'>PRISMA boxes and the records behind them</h2>"
    if report.prisma_counts:
        rows = [[escape(k), escape(_fmt(v))] for k, v in _flatten(report.prisma_counts) if not isinstance(v, bool)]
        out += _details(
            "The counts (results/prisma/counts.json)",
            _table(["box", "count"], rows, raw={0, 1}, numeric={1}, wide=False),
        )
    if report.prisma_boxes is None:
        return out + "<p class='muted'>No results/prisma/records_by_box.csv yet.</p>"
    by_box: dict[str, list[dict[str, str]]] = {}
    for row in report.prisma_boxes:
        by_box.setdefault(row.get("box", ""), []).append(row)
    for box, rows in by_box.items():
        shown = rows[:BOX_ROWS]
        cells = [
            [
                _id(r.get("record_id", "")),
                escape(r.get("title", "")),
                escape(r.get("database", "")),
                escape(r.get("reason", "")),
            ]
            for r in shown
        ]
        more = (
            f"<p class='muted'>First {BOX_ROWS} of {len(rows)}; all are in records_by_box.csv.</p>"
            if len(rows) > BOX_ROWS
            else ""
        )
        out += _details(
            f"{escape(box)}: {len(rows)}",
            _table(["record", "title", "database", "reason"], cells, raw=set(range(4)), title_col=1) + more,
        )
    return out


# Charts


def _bars(acts: Sequence[ReviewerActivity]) -> str:
    acts = [a for a in acts if a.studies_decided]
    if not acts:
        return ""
    width, label, row = 760, 120, 26
    top = max(a.studies_decided for a in acts)
    height = row * len(acts) + 34
    parts = [
        f"<svg width='{width}' height='{height}' viewBox='0 0 {width} {height}' role='img' "
        "aria-label='current decisions per reviewer'>"
    ]
    for i, a in enumerate(acts):
        y = 6 + i * row
        parts.append(f"<text x='{label - 8}' y='{y + 15}' text-anchor='end' font-size='13'>{escape(a.reviewer)}</text>")
        x = float(label)
        for value, name in ((a.include, "include"), (a.maybe, "maybe"), (a.exclude, "exclude")):
            w = (width - label - 70) * value / top
            if value:
                parts.append(
                    f"<rect x='{x:.1f}' y='{y}' width='{w:.1f}' height='20' fill='{COLOURS[name]}'>"
                    f"<title>{name}: {value}</title></rect>"
                )
            x += w
        parts.append(f"<text x='{x + 6:.1f}' y='{y + 15}' font-size='12'>{a.studies_decided}</text>")
    legend_y = height - 8
    for j, name in enumerate(("include", "maybe", "exclude")):
        lx = label + j * 110
        parts.append(
            f"<rect x='{lx}' y='{legend_y - 10}' width='12' height='12' fill='{COLOURS[name]}'/>"
            f"<text x='{lx + 17}' y='{legend_y}' font-size='12'>{name}</text>"
        )
    return "".join(parts) + "</svg>"


def _timeline(acts: Sequence[ReviewerActivity]) -> str:
    """Cumulative log lines per reviewer over the days they screened."""
    days = sorted({day for a in acts for day in a.per_day})
    if len(days) < 2:
        return ""
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    span = max((last - first).days, 1)
    width, height, left, bottom = 760, 220, 60, 30
    top = max(sum(a.per_day.values()) for a in acts) or 1
    parts = [
        f"<svg width='{width}' height='{height}' viewBox='0 0 {width} {height}' role='img' "
        "aria-label='cumulative decisions over time'>",
        f"<line x1='{left}' y1='{height - bottom}' x2='{width - 10}' y2='{height - bottom}' stroke='#999'/>",
        f"<line x1='{left}' y1='10' x2='{left}' y2='{height - bottom}' stroke='#999'/>",
        f"<text x='{left - 6}' y='16' text-anchor='end' font-size='11'>{top}</text>",
        f"<text x='{left}' y='{height - 10}' font-size='11'>{first.isoformat()}</text>",
        f"<text x='{width - 10}' y='{height - 10}' text-anchor='end' font-size='11'>{last.isoformat()}</text>",
    ]
    for i, a in enumerate(acts):
        if not a.per_day:
            continue
        colour = SERIES[i % len(SERIES)]
        total, points = 0, []
        for day, n in a.per_day.items():
            total += n
            x = left + (width - 10 - left) * (date.fromisoformat(day) - first).days / span
            y = (height - bottom) - (height - bottom - 10) * total / top
            points.append(f"{x:.1f},{y:.1f}")
        parts.append(f"<polyline fill='none' stroke='{colour}' stroke-width='2' points='{' '.join(points)}'/>")
        parts.extend(f"<circle cx='{p.split(',')[0]}' cy='{p.split(',')[1]}' r='3.5' fill='{colour}'/>" for p in points)
        parts.append(
            f"<text x='{left + 10 + 120 * i}' y='26' font-size='12' fill='{colour}'>{escape(a.reviewer)}</text>"
        )
    return "<p class='muted'>Cumulative log lines per reviewer, by day.</p>" + "".join(parts) + "</svg>"


def _matrix(pair: PairAgreement) -> str:
    table = pair.table()
    head = "".join(f"<th class='num'>{escape(pair.reviewer_b)}: {d}</th>" for d in DECISIONS)
    body = "".join(
        f"<tr><th>{escape(pair.reviewer_a)}: {a}</th>"
        + "".join(f"<td class='{'num same' if a == b else 'num'}'>{table[(a, b)]}</td>" for b in DECISIONS)
        + "</tr>"
        for a in DECISIONS
    )
    return (
        f"<div><h3>{_stage(pair.stage)}: {escape(pair.reviewer_a)} – {escape(pair.reviewer_b)}</h3>"
        f"<table class='matrix'><tr><th></th>{head}</tr>{body}</table></div>"
    )


# Small helpers


def _table(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    raw: set[int] | frozenset[int] = frozenset(),
    numeric: set[int] | frozenset[int] = frozenset(),
    title_col: int | None = None,
    wide: bool = True,
) -> str:
    def cell(i: int, value: object) -> str:
        text = str(value) if i in raw else escape(str(value))
        cls = "num" if i in numeric else "title" if i == title_col else ""
        return f"<td class='{cls}'>{text}</td>" if cls else f"<td>{text}</td>"

    head = "".join(
        f"<th class='num'>{escape(h)}</th>" if i in numeric else f"<th>{escape(h)}</th>" for i, h in enumerate(header)
    )
    body = "".join("<tr>" + "".join(cell(i, v) for i, v in enumerate(row)) + "</tr>" for row in rows)
    style = "" if wide else " style='width:auto'"
    return f"<table{style}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _details(summary: str, body: str) -> str:
    return f"<details><summary>{summary}</summary>{body}</details>"


def _card(value: object, label: str, kind: str = "") -> str:
    cls = f"card {kind}".strip()
    return f"<div class='{cls}'><b>{escape(str(value))}</b><span>{escape(label)}</span></div>"


def _id(record_id: str) -> str:
    return f"<span class='id' style='font-family:ui-monospace,Menlo,Consolas,monospace'>{escape(record_id)}</span>"


def _stage(stage: str) -> str:
    return STAGE_NAMES.get(stage, stage)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _sum(counts: Mapping[str, int], *keys: str) -> int:
    return sum(counts.get(k, 0) for k in keys)


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, (list, tuple)) and len(v) == 2 for v in value):
            return "; ".join(f"{_fmt(a)}: {_fmt(b)}" for a, b in value)
        return "; ".join(_fmt(v) for v in value)
    return str(value)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


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


def _stopping_value(stopping: Mapping[str, Any] | None, names: Sequence[str]) -> Any:
    if not stopping:
        return None
    flat = dict(_flatten(stopping))
    for name in names:
        for key, value in flat.items():
            if key.rsplit(".", 1)[-1] == name:
                return value
    return None
