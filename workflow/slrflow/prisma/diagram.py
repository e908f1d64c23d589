"""Drawing slrflow's PRISMA 2020 flow diagram (laid out by slrflow.prisma.layout) with matplotlib.

Output is deterministic: no dates in SVG or PDF metadata and a fixed SVG hash salt.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

from slrflow.prisma.counts import PrismaCounts
from slrflow.prisma.layout import (
    BLUE,
    FONT_SIZE,
    FOOTER_LINE,
    FOOTER_SIZE,
    GREY,
    HEADER_HEIGHT,
    INDENT,
    INK,
    LINE,
    MARGIN,
    PAD_X,
    PHASE_WIDTH,
    RC,
    YELLOW,
    Box,
    layout_diagram,
)

__all__ = ["FORMATS", "draw_flow_diagram"]

FORMATS: tuple[str, ...] = ("svg", "pdf", "png")


def draw_flow_diagram(counts: PrismaCounts, stem: str | Path, *, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write stem.svg, stem.pdf and stem.png (300 dpi); return the paths written."""
    import matplotlib
    from matplotlib.figure import Figure

    layout = layout_diagram(counts)
    written = []
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(layout.width, layout.height))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, layout.width)
        ax.set_ylim(0, layout.height)
        ax.set_axis_off()
        _headers(ax, counts, layout.columns, layout.height)
        _phases(ax, layout.tops, layout.heights)
        for box in layout.boxes:
            _draw_box(ax, box)
        _arrows(ax, counts, layout.cells)
        for i, (text, _) in enumerate(layout.footer):
            y = MARGIN + (len(layout.footer) - i - 0.5) * FOOTER_LINE
            ax.text(MARGIN, y, text, fontsize=FOOTER_SIZE, va="center", ha="left", color="#333333")
        stem = Path(stem)
        stem.parent.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            path = stem.with_suffix(f".{fmt}")
            fig.savefig(path, format=fmt, dpi=300, metadata=_METADATA[fmt], facecolor="white")
            written.append(path)
    return written


_METADATA: dict[str, dict[str, str | None]] = {
    "svg": {"Date": None, "Creator": "slrflow"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": "slrflow", "Producer": "slrflow"},
    "png": {"Software": "slrflow"},
}


def _draw_box(ax, box: Box) -> None:
    from matplotlib.patches import Rectangle

    ax.add_patch(
        Rectangle(
            (box.x, box.y),
            box.w,
            box.h,
            facecolor="white",
            edgecolor=INK,
            linewidth=0.9,
            linestyle=(0, (4, 2)) if box.dashed else "solid",
            zorder=2,
        )
    )
    text_h = len(box.wrapped) * LINE
    y = box.cy + text_h / 2 - LINE / 2
    for text, indent in box.wrapped:
        ax.text(
            box.x + PAD_X + indent * INDENT,
            y,
            text,
            fontsize=FONT_SIZE,
            ha="left",
            va="center_baseline",
            color=INK,
            zorder=3,
        )
        y -= LINE


def _headers(ax, counts: PrismaCounts, columns: dict[str, tuple[float, float]], fig_h: float) -> None:
    y = fig_h - MARGIN - HEADER_HEIGHT
    spans = [("dbr", "dbr_right", YELLOW, "Identification of new studies via databases and registers")]
    if counts.other_methods:
        spans.append(("other", "other_right", GREY, "Identification of new studies via other methods"))
    if counts.previous_review:
        spans.append(("previous", "previous", GREY, "Previous studies"))
    for first, last, colour, text in spans:
        x0 = columns[first][0]
        x1 = columns[last][0] + columns[last][1]
        _rounded(ax, x0, y, x1 - x0, HEADER_HEIGHT, colour)
        ax.text(
            (x0 + x1) / 2,
            y + HEADER_HEIGHT / 2,
            text,
            fontsize=FONT_SIZE + 0.5,
            fontweight="bold",
            ha="center",
            va="center",
            zorder=3,
            wrap=False,
        )


def _phases(ax, tops: dict[str, float], heights: dict[str, float]) -> None:
    x = MARGIN
    for label, first, last in (
        ("Identification", "id", "id"),
        ("Screening", "screened", "assessed"),
        ("Included", "included", "included"),
    ):
        top = tops[first]
        bottom = tops[last] - heights[last]
        _rounded(ax, x, bottom, PHASE_WIDTH, top - bottom, BLUE)
        ax.text(
            x + PHASE_WIDTH / 2,
            (top + bottom) / 2,
            label,
            rotation=90,
            fontsize=FONT_SIZE + 0.5,
            fontweight="bold",
            ha="center",
            va="center",
            zorder=3,
        )


def _rounded(ax, x: float, y: float, w: float, h: float, colour: str) -> None:
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(
        FancyBboxPatch(
            (x, y), w, h, boxstyle="round,pad=0,rounding_size=0.06", facecolor=colour, edgecolor="none", zorder=1
        )
    )


def _arrow(ax, points: Sequence[tuple[float, float]], *, dashed: bool = False) -> None:
    """A line through `points` with an arrowhead at the last one; dashed towards what is still pending."""
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path as MplPath

    codes = [MplPath.MOVETO] + [MplPath.LINETO] * (len(points) - 1)
    ax.add_patch(
        FancyArrowPatch(
            path=MplPath(points, codes),
            arrowstyle="-|>,head_length=5,head_width=2.6",
            color=INK,
            linewidth=0.9,
            linestyle=(0, (4, 2)) if dashed else "solid",
            shrinkA=0,
            shrinkB=0,
            zorder=2,
        )
    )


def _arrows(ax, counts: PrismaCounts, cells: dict[tuple[str, str], list[Box]]) -> None:
    def one(row: str, col: str) -> Box:
        return cells[row, col][0]

    def down(a: Box, b: Box) -> None:
        _arrow(ax, [(a.x + a.w / 2, a.y), (b.x + b.w / 2, b.top)])

    def across(a: Box, b: Box) -> None:
        _arrow(ax, [(a.right, b.cy), (b.x, b.cy)], dashed=b.dashed)

    chain = ["id", "screened", "sought", "assessed", "included"]
    for upper, lower in pairwise(chain):
        down(one(upper, "dbr"), one(lower, "dbr"))
    for row in ("id", "screened", "sought", "assessed"):
        for box in cells[row, "dbr_right"]:
            across(one(row, "dbr"), box)
    if counts.other_methods:
        down(one("id", "other"), one("sought", "other"))
        down(one("sought", "other"), one("assessed", "other"))
        for row in ("id", "sought", "assessed"):
            for box in cells.get((row, "other_right"), []):
                across(one(row, "other"), box)
        start, target = one("assessed", "other"), one("included", "dbr")
        x = start.x + start.w / 2
        _arrow(ax, [(x, start.y), (x, target.cy), (target.right, target.cy)])
    if counts.previous_review:
        down(one("id", "previous"), one("included", "previous"))
        new, total = one("included", "dbr"), one("included", "previous")
        _arrow(ax, [(new.x, new.cy), (total.right, total.cy)])
