"""Geometry of the audit's two charts; templates/charts.html draws them as inline SVG.

The activity chart is cumulative log lines against time. Its time axis adapts to the span of the work: a review
screened in one sitting gets hour ticks (09:00, 10:00, ...), a review screened over weeks gets day or week ticks,
so one-day work is a readable curve rather than a single dot over a date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slrflow.audit.activity import ReviewerActivity

__all__ = ["COLOURS", "SERIES", "Bars", "Timeline", "decision_bars", "timeline"]

COLOURS = {"include": "#2e7d32", "maybe": "#f9a825", "exclude": "#9e9e9e"}
SERIES = ("#1565c0", "#c62828", "#6a1b9a", "#00838f", "#ef6c00", "#4e342e", "#37474f", "#ad1457")
WIDTH = 760

# Tick steps from an hour to four weeks; the first that gives at most MAX_TICKS ticks over the span is used.
STEPS = tuple(timedelta(hours=h) for h in (1, 2, 3, 6, 12)) + tuple(timedelta(days=d) for d in (1, 2, 7, 14, 28))
MAX_TICKS = 8


@dataclass
class Bars:
    width: int
    height: int
    label_width: int
    rows: list[dict[str, object]] = field(default_factory=list)  # reviewer, y, total, segments [(x, w, name, n)]
    legend: list[tuple[float, str, str]] = field(default_factory=list)  # (x, colour, name)


@dataclass
class Timeline:
    width: int
    height: int
    left: int
    bottom: int  # y of the time axis
    top_count: int
    caption: str
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (x, label)
    lines: list[dict[str, object]] = field(default_factory=list)  # reviewer, colour, points "x,y x,y", last (x, y)


def decision_bars(acts: Sequence[ReviewerActivity]) -> Bars | None:
    """One stacked bar per reviewer: their current include, maybe and exclude decisions."""
    acts = [a for a in acts if a.studies_decided]
    if not acts:
        return None
    label_width, row = 120, 26
    top = max(a.studies_decided for a in acts)
    bars = Bars(WIDTH, row * len(acts) + 34, label_width)
    scale = (WIDTH - label_width - 70) / top
    for i, act in enumerate(acts):
        x, segments = float(label_width), []
        for name, n in (("include", act.include), ("maybe", act.maybe), ("exclude", act.exclude)):
            if n:
                segments.append((x, n * scale, COLOURS[name], name, n))
            x += n * scale
        bars.rows.append(
            {"reviewer": act.reviewer, "y": 6 + i * row, "end": x, "total": act.studies_decided, "segments": segments}
        )
    bars.legend = [(label_width + j * 110, COLOURS[name], name) for j, name in enumerate(COLOURS)]
    return bars


def _tick_step(span: timedelta) -> timedelta:
    for step in STEPS:
        if span / step <= MAX_TICKS:
            return step
    return STEPS[-1] * (span // (STEPS[-1] * MAX_TICKS) + 1)


def _floor(moment: datetime, step: timedelta) -> datetime:
    if step < timedelta(days=1):
        hour = moment.hour - moment.hour % int(step.total_seconds() // 3600)
        return moment.replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def timeline(acts: Sequence[ReviewerActivity]) -> Timeline | None:
    """Cumulative log lines per reviewer over time, in the time zone of the first decision."""
    stamped = [a for a in acts if a.times]
    if not stamped:
        return None
    zone = min(t for a in stamped for t in a.times).tzinfo
    times = {a.reviewer: [t.astimezone(zone) for t in a.times] for a in stamped}
    first = min(ts[0] for ts in times.values())
    last = max(ts[-1] for ts in times.values())
    step = _tick_step(max(last - first, timedelta(hours=1)))
    start = _floor(first, step)
    end = max(last, start + step)
    span = (end - start).total_seconds()
    left, right, height, bottom = 56, WIDTH - 16, 230, 196
    top_count = max(len(ts) for ts in times.values())
    one_day = first.date() == last.date()

    def x_of(moment: datetime) -> float:
        return left + (right - left) * (moment - start).total_seconds() / span

    def y_of(count: int) -> float:
        return bottom - (bottom - 24) * count / top_count

    ticks, tick = [], start
    while tick <= end:
        label = tick.strftime("%H:%M") if step < timedelta(days=1) else tick.strftime("%d %b")
        ticks.append((round(x_of(tick), 1), label))
        tick += step
    lines = []
    for i, (reviewer, ts) in enumerate(times.items()):
        # Decisions closer than a tenth of a pixel share a point (a large review stays a small page).
        points: dict[float, float] = {}
        for count, moment in enumerate(ts, start=1):
            points[round(x_of(moment), 1)] = round(y_of(count), 1)
        path = " ".join(f"{x},{y}" for x, y in points.items())
        lines.append({"reviewer": reviewer, "colour": SERIES[i % len(SERIES)], "points": path, "n": len(ts)})
    day = first.strftime("%d %b %Y")
    zone_name = first.strftime("%Z") or first.strftime("UTC%z")
    caption = (
        f"Log lines per reviewer through the day, {day} ({zone_name})"
        if one_day
        else f"Log lines per reviewer, {day} to {last.strftime('%d %b %Y')} ({zone_name})"
    )
    return Timeline(WIDTH, height, left, bottom, top_count, caption, ticks, lines)
