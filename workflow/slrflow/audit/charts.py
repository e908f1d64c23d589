"""Geometry of the audit's two charts; templates/charts.html draws them as inline SVG.

The activity chart shows each reviewer's screening sessions on a time axis that adapts to the span of the work: a
review screened in one sitting gets hour ticks (09:00, 10:00, ...), one screened over weeks day ticks, so one-day
work reads as blocks of hours rather than a single dot over a date.
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
    axis_y: int
    caption: str
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (x, label)
    lanes: list[dict[str, object]] = field(default_factory=list)  # reviewer, y, colour, blocks


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
    """One lane per reviewer, one block per screening session, on a time axis in the first decision's zone."""
    stamped = [a for a in acts if a.times]
    if not stamped:
        return None
    zone = min(t for a in stamped for t in a.times).tzinfo
    by_reviewer = {
        a.reviewer: [(s.start.astimezone(zone), s.end.astimezone(zone), s.lines) for s in a.sessions] for a in stamped
    }
    first = min(runs[0][0] for runs in by_reviewer.values())
    last = max(runs[-1][1] for runs in by_reviewer.values())
    step = _tick_step(max(last - first, timedelta(hours=1)))
    start = _floor(first, step)
    end = start
    while end < last:
        end += step
    end = max(end, start + step)
    span = (end - start).total_seconds()
    left, right, lane = 120, WIDTH - 20, 34

    def x_of(moment: datetime) -> float:
        return round(left + (right - left) * (moment - start).total_seconds() / span, 1)

    lanes = []
    for i, (reviewer, runs) in enumerate(by_reviewer.items()):
        blocks, label_end = [], -1e9
        for begin, finish, lines in runs:
            x, width = x_of(begin), max(x_of(finish) - x_of(begin), 3.0)
            centre = x + width / 2
            # A count is written above its block unless it would run into the previous one.
            show = centre - label_end >= 8 * len(str(lines))
            if show:
                label_end = centre + 4 * len(str(lines))
            title = f"{begin:%d %b %H:%M}–{finish:%H:%M}: {lines} log line{'s' if lines != 1 else ''}"
            blocks.append(
                {
                    "x": x,
                    "width": round(width, 1),
                    "centre": round(centre, 1),
                    "lines": lines if show else None,
                    "title": title,
                }
            )
        lanes.append(
            {"reviewer": reviewer, "y": 10 + i * (lane + 14), "colour": SERIES[i % len(SERIES)], "blocks": blocks}
        )
    axis_y = 10 + len(lanes) * (lane + 14)
    ticks, tick = [], start
    while tick <= end:
        # Hour ticks read as times of day; a tick at midnight names the day instead.
        hourly = step < timedelta(days=1) and tick.hour != 0
        ticks.append((x_of(tick), tick.strftime("%H:%M") if hourly else tick.strftime("%d %b")))
        tick += step
    zone_name = first.strftime("%Z") or "UTC" + first.strftime("%z")
    if first.date() == last.date():
        when = f"on {first:%d %b %Y}, {first:%H:%M} to {last:%H:%M}"
    else:
        when = f"from {first:%d %b %Y} to {last:%d %b %Y}"
    caption = (
        f"When each reviewer screened, {when} ({zone_name}): one block per session (a pause of over an hour "
        "starts a new one), with the number of log lines written in it"
    )
    return Timeline(WIDTH, axis_y + 30, left, axis_y, caption, ticks, lanes)
