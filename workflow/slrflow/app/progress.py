"""The recall-progress plot: includes found against records screened, as an inline SVG (no plotting library)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["recall_svg"]

WIDTH, HEIGHT = 320, 180
LEFT, RIGHT, TOP, BOTTOM = 38, 10, 12, 30
MAX_POINTS = 400


def recall_svg(decisions: Sequence[str], *, total: int) -> str:
    """Cumulative includes (maybe counts half-visible as its own line) over decisions in screening order.

    The dashed diagonal is what screening in random order would find at the same final rate, so a curve that
    climbs early and flattens is the ranking doing its job.
    """
    n = len(decisions)
    includes = [0]
    maybes = [0]
    for decision in decisions:
        includes.append(includes[-1] + (decision == "include"))
        maybes.append(maybes[-1] + (decision in ("include", "maybe")))
    x_max = max(n, 1)
    y_max = max(maybes[-1], 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def point(i: int, value: int) -> str:
        return f"{LEFT + plot_w * i / x_max:.1f},{TOP + plot_h * (1 - value / y_max):.1f}"

    step = max(1, n // MAX_POINTS)
    indices = list(range(0, n + 1, step))
    if indices[-1] != n:
        indices.append(n)
    found = " ".join(point(i, includes[i]) for i in indices)
    found_or_maybe = " ".join(point(i, maybes[i]) for i in indices)
    random_end = TOP + plot_h * (1 - includes[-1] / y_max)
    label = f"{includes[-1]} included in {n} screened of {total}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" class="recall-plot">'
        f"<title>{escape(label)}</title>"
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" class="axis"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" class="axis"/>'
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{random_end:.1f}" class="random"/>'
        f'<polyline points="{found_or_maybe}" class="maybe"/>'
        f'<polyline points="{found}" class="found"/>'
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">{y_max}</text>'
        f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end">0</text>'
        f'<text x="{LEFT + plot_w}" y="{HEIGHT - 14}" text-anchor="end">{n}</text>'
        f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 2}" text-anchor="middle">records screened</text>'
        "</svg>"
    )
