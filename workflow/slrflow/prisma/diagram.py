"""The PRISMA 2020 flow diagram, drawn with matplotlib after the template for new and updated reviews.

Columns, left to right: the phase labels (blue bars), the previous review (updated reviews only), databases and
registers with their exclusion boxes, and other methods with theirs (when config declares such sources). Box
texts follow the template; slrflow adds the per-database counts, the split of excluded records between humans
and the stopping rule, and dashed boxes for records still awaiting a decision, so every number adds up.

Output is deterministic: no dates in SVG or PDF metadata and a fixed SVG hash salt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from slrflow.prisma.counts import PrismaCounts

__all__ = ["FORMATS", "Box", "Layout", "draw_flow_diagram", "flow_boxes", "layout_diagram"]

FORMATS: tuple[str, ...] = ("svg", "pdf", "png")

FONT_SIZE = 8.5  # points
LINE = FONT_SIZE * 1.3 / 72  # line height, inches
PAD_X, PAD_Y = 0.09, 0.08  # inches inside a box
INDENT = 0.14  # inches per indent level
ROW_GAP = 0.34  # vertical space between rows, where the arrows run
STACK_GAP = 0.12  # between stacked boxes in one cell
MARGIN = 0.18
PHASE_WIDTH = 0.34
HEADER_HEIGHT = 0.46
BLUE, YELLOW, GREY = "#BDD7EE", "#FFD966", "#D9D9D9"
INK = "#000000"
CITATION = (
    "After the PRISMA 2020 flow diagram template: Page MJ, McKenzie JE, Bossuyt PM, et al. The PRISMA 2020 "
    "statement: an updated guideline for reporting systematic reviews. BMJ 2021;372:n71. doi:10.1136/bmj.n71"
)


@dataclass
class Box:
    """A box: lines of (text, indent level); `dashed` marks records that are awaiting a decision."""

    key: str
    lines: list[tuple[str, int]]
    dashed: bool = False
    x: float = 0.0
    y: float = 0.0  # bottom
    w: float = 0.0
    h: float = 0.0
    wrapped: list[tuple[str, int]] = field(default_factory=list)

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w


def _n(value: int) -> str:
    # no-break spaces keep "(n = 12)" on one line when a box's text wraps
    return f"(n\u00a0=\u00a0{value:,})"


def flow_boxes(counts: PrismaCounts) -> dict[tuple[str, str], list[Box]]:
    """The boxes in each (row, column) cell, before layout; rows id, screened, sought, assessed, included."""
    c = counts
    cells: dict[tuple[str, str], list[Box]] = {}
    identified = [("Records identified from:", 0), (f"Databases {_n(c.database_results)}", 1)]
    identified += [(f"{name} {_n(n)}", 2) for name, n in c.database_specific_results]
    identified += [(f"Registers {_n(c.register_results)}", 1)]
    identified += [(f"{name} {_n(n)}", 2) for name, n in c.register_specific_results]
    cells["id", "dbr"] = [Box("database_results", identified)]
    cells["id", "dbr_right"] = [
        Box(
            "duplicates",
            [
                ("Records removed before screening:", 0),
                (f"Duplicate records removed {_n(c.duplicates)}", 1),
                (f"Records marked as ineligible by automation tools {_n(c.excluded_automatic)}", 1),
                (f"Records removed for other reasons {_n(c.excluded_other)}", 1),
            ],
        )
    ]
    cells["screened", "dbr"] = [Box("records_screened", [("Records screened", 0), (_n(c.records_screened), 0)])]
    excluded = [("Records excluded", 0), (_n(c.records_excluded), 0)]
    if c.stopping_applied or c.records_excluded_stopping:
        excluded = [
            (f"Records excluded {_n(c.records_excluded)}:", 0),
            (f"by a human {_n(c.records_excluded_human)}", 1),
            (f"by the stopping rule {_n(c.records_excluded_stopping)}", 1),
        ]
    cells["screened", "dbr_right"] = [Box("records_excluded", excluded)]
    if c.records_awaiting:
        cells["screened", "dbr_right"].append(
            Box(
                "records_awaiting",
                [
                    (f"Records awaiting screening {_n(c.records_awaiting)}:", 0),
                    *_nonzero(
                        ("not yet screened", c.records_awaiting_unscreened),
                        ("reviewers disagree, not yet resolved", c.records_awaiting_conflict),
                    ),
                ],
                dashed=True,
            )
        )
    for col in ("dbr", "other") if c.other_methods else ("dbr",):
        sought, notretrieved = getattr(c, f"{col}_sought_reports"), getattr(c, f"{col}_notretrieved_reports")
        assessed, awaiting = getattr(c, f"{col}_assessed"), getattr(c, f"{col}_awaiting")
        reasons: Sequence[tuple[str, int]] = getattr(c, f"{col}_excluded")
        cells["sought", col] = [Box(f"{col}_sought_reports", [("Reports sought for retrieval", 0), (_n(sought), 0)])]
        cells["sought", f"{col}_right"] = [
            Box(f"{col}_notretrieved_reports", [("Reports not retrieved", 0), (_n(notretrieved), 0)])
        ]
        cells["assessed", col] = [Box(f"{col}_assessed", [("Reports assessed for eligibility", 0), (_n(assessed), 0)])]
        total = sum(n for _, n in reasons)
        lines = [(f"Reports excluded {_n(total)}:", 0)] + [(f"{reason} {_n(n)}", 1) for reason, n in reasons]
        cells["assessed", f"{col}_right"] = [
            Box(f"{col}_excluded", lines if reasons else [("Reports excluded", 0), (_n(0), 0)])
        ]
        if awaiting:
            cells["assessed", f"{col}_right"].append(
                Box(f"{col}_awaiting", [(f"Reports awaiting a full-text decision {_n(awaiting)}", 0)], dashed=True)
            )
    if c.other_methods:
        cells["id", "other"] = [
            Box(
                "other_results",
                [
                    ("Records identified from:", 0),
                    (f"Websites {_n(c.website_results)}", 1),
                    (f"Organisations {_n(c.organisation_results)}", 1),
                    (f"Citation searching {_n(c.citations_results)}", 1),
                ],
            )
        ]
        removed = _nonzero(
            ("duplicate records", c.other_duplicates),
            ("excluded on title and abstract by a human", c.other_screening_excluded_human),
            ("excluded by the stopping rule", c.other_screening_excluded_stopping),
            ("awaiting title and abstract screening", c.other_screening_awaiting),
        )
        if removed:
            cells["id", "other_right"] = [Box("other_removed", [("Records not sought for retrieval:", 0), *removed])]
    if c.previous_review:
        cells["id", "previous"] = [
            Box(
                "previous_studies",
                [
                    ("Studies included in previous version of review", 0),
                    (_n(c.previous_studies), 0),
                    ("", 0),
                    ("Reports of studies included in previous version of review", 0),
                    (_n(c.previous_reports), 0),
                ],
            )
        ]
        cells["included", "previous"] = [
            Box(
                "total_studies",
                [
                    ("Total studies included in review", 0),
                    (_n(c.total_studies), 0),
                    ("Reports of total included studies", 0),
                    (_n(c.total_reports), 0),
                ],
            )
        ]
        new = [
            ("New studies included in review", 0),
            (_n(c.new_studies), 0),
            ("Reports of new included studies", 0),
            (_n(c.new_reports), 0),
        ]
    else:
        new = [
            ("Studies included in review", 0),
            (_n(c.new_studies), 0),
            ("Reports of included studies", 0),
            (_n(c.new_reports), 0),
        ]
    cells["included", "dbr"] = [Box("new_studies", new)]
    return cells


@dataclass
class Layout:
    """Placed boxes and the geometry around them, in inches from the figure's bottom left."""

    cells: dict[tuple[str, str], list[Box]]
    columns: dict[str, tuple[float, float]]  # column -> (x, width)
    tops: dict[str, float]  # row -> top
    heights: dict[str, float]  # row -> height
    footer: list[tuple[str, int]]
    width: float
    height: float

    @property
    def boxes(self) -> list[Box]:
        return [box for boxes in self.cells.values() for box in boxes]


ROWS: tuple[str, ...] = ("id", "screened", "sought", "assessed", "included")
FOOTER_SIZE = FONT_SIZE - 1.5
FOOTER_LINE = FOOTER_SIZE * 1.3 / 72
FOOTER_GAP = 0.16  # between the last row and the footnote


def layout_diagram(counts: PrismaCounts) -> Layout:
    """Wrap every box's text to its column and stack the rows; rows are as tall as their fullest cell."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        cells = flow_boxes(counts)
        x = MARGIN + PHASE_WIDTH + 0.16
        columns: dict[str, tuple[float, float]] = {}
        for name, (gap_before, width) in _column_widths(counts).items():
            x += gap_before
            columns[name] = (x, width)
            x += width
        fig_w = x + MARGIN
        for (_, col), boxes in cells.items():
            for box in boxes:
                box.x, box.w = columns[col]
                box.wrapped = _wrap(box.lines, box.w - 2 * PAD_X)
        heights = {row: _row_height(row, cells) for row in ROWS}
        note = _note(counts)
        footer = _wrap([(CITATION, 0)] + ([(note, 0)] if note else []), fig_w - 2 * MARGIN, size=FOOTER_SIZE)
        fig_h = (
            MARGIN
            + HEADER_HEIGHT
            + sum(heights.values())
            + ROW_GAP * len(ROWS)
            + FOOTER_GAP
            + len(footer) * FOOTER_LINE
            + MARGIN
        )
        tops: dict[str, float] = {}
        y = fig_h - MARGIN - HEADER_HEIGHT - ROW_GAP
        for row in ROWS:
            tops[row] = y
            _place_row(row, cells, y, heights[row])
            y -= heights[row] + ROW_GAP
    return Layout(cells, columns, tops, heights, footer, fig_w, fig_h)


def draw_flow_diagram(counts: PrismaCounts, stem: str | Path, *, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write stem.svg, stem.pdf and stem.png (300 dpi); return the paths written."""
    import matplotlib
    from matplotlib.figure import Figure

    layout = layout_diagram(counts)
    written = []
    with matplotlib.rc_context(_RC):
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


_RC = {
    "font.family": "DejaVu Sans",
    "svg.hashsalt": "slrflow-prisma",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,  # embedded TrueType, which journals accept (Type 3 they often reject)
    "path.simplify": False,
}
_METADATA: dict[str, dict[str, str | None]] = {
    "svg": {"Date": None, "Creator": "slrflow"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": "slrflow", "Producer": "slrflow"},
    "png": {"Software": "slrflow"},
}


def _nonzero(*items: tuple[str, int]) -> list[tuple[str, int]]:
    return [(f"{label} {_n(n)}", 1) for label, n in items if n]


def _column_widths(counts: PrismaCounts) -> dict[str, tuple[float, float]]:
    """Column name -> (space before it, width), inches."""
    widths: dict[str, tuple[float, float]] = {}
    if counts.previous_review:
        widths["previous"] = (0.0, 2.2)
    widths["dbr"] = (0.45 if counts.previous_review else 0.0, 2.3)
    widths["dbr_right"] = (0.45, 2.6)
    if counts.other_methods:
        widths["other"] = (0.5, 2.2)
        widths["other_right"] = (0.45, 2.3)
    return widths


def _text_width(text: str, size: float) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    width, _, _ = text_to_path.get_text_width_height_descent(text, FontProperties(size=size), ismath=False)
    return width / 72


def _wrap(lines: list[tuple[str, int]], width: float, *, size: float = FONT_SIZE) -> list[tuple[str, int]]:
    """Break lines at spaces so each fits `width` inches; list items (indent > 0) continue with a hanging indent."""
    out: list[tuple[str, int]] = []
    for text, indent in lines:
        hang = indent + 1 if indent else indent
        current, level = "", indent
        for word in text.split(" "):
            trial = f"{current} {word}" if current else word
            if current and _text_width(trial, size) > width - level * INDENT:
                out.append((current, level))
                current, level = word, hang
            else:
                current = trial
        out.append((current, level))
    return out


def _natural_height(box: Box) -> float:
    return len(box.wrapped) * LINE + 2 * PAD_Y


def _row_height(row: str, cells: dict[tuple[str, str], list[Box]]) -> float:
    needed = 0.0
    for (cell_row, _), boxes in cells.items():
        if cell_row == row:
            needed = max(needed, sum(_natural_height(b) for b in boxes) + STACK_GAP * (len(boxes) - 1))
    return needed


def _place_row(row: str, cells: dict[tuple[str, str], list[Box]], top: float, height: float) -> None:
    """Single boxes fill the row; in a stack the first box takes the room the others leave."""
    for (cell_row, _), boxes in cells.items():
        if cell_row != row:
            continue
        rest = [_natural_height(b) for b in boxes[1:]]
        sizes = [height - sum(rest) - STACK_GAP * len(rest), *rest]
        y = top
        for box, size in zip(boxes, sizes, strict=True):
            box.h = size
            box.y = y - size
            y -= size + STACK_GAP


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


def _arrow(ax, points: Sequence[tuple[float, float]]) -> None:
    """A line through `points` with an arrowhead at the last one."""
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path as MplPath

    codes = [MplPath.MOVETO] + [MplPath.LINETO] * (len(points) - 1)
    ax.add_patch(
        FancyArrowPatch(
            path=MplPath(points, codes),
            arrowstyle="-|>,head_length=5,head_width=2.6",
            color=INK,
            linewidth=0.9,
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
        _arrow(ax, [(a.right, b.cy), (b.x, b.cy)])

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


def _note(counts: PrismaCounts) -> str:
    parts = []
    if counts.stopping_applied:
        parts.append(
            "Records excluded by the stopping rule were not screened by a human: screening stopped when the "
            "review's stopping rule was met."
        )
    if counts.records_awaiting or counts.dbr_awaiting or counts.other_awaiting or counts.other_screening_awaiting:
        parts.append("Dashed boxes: records still awaiting a decision, neither excluded nor included.")
    return " ".join(parts)
