"""slrflow's own PRISMA 2020 flow diagram, laid out: which boxes, with which lines, where.

Columns, left to right: the previous review (updated reviews only), databases and registers with their exclusion
boxes, and other methods with theirs (when config declares such sources). Box texts follow the template; slrflow
adds the per-database counts, the split of excluded records between humans and the stopping rule, and dashed
boxes for records and reports still pending (awaiting screening, retrieval or a full-text decision), so every
number adds up and nothing pending is shown as excluded or not retrieved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from slrflow.prisma.counts import PrismaCounts

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = ["RC", "Box", "Layout", "flow_boxes", "layout_diagram"]

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
        assessed = getattr(c, f"{col}_assessed")
        awaiting_retrieval, awaiting_decision = (
            getattr(c, f"{col}_awaiting_retrieval"),
            getattr(c, f"{col}_awaiting_decision"),
        )
        reasons: Sequence[tuple[str, int]] = getattr(c, f"{col}_excluded")
        cells["sought", col] = [Box(f"{col}_sought_reports", [("Reports sought for retrieval", 0), (_n(sought), 0)])]
        cells["sought", f"{col}_right"] = [
            Box(f"{col}_notretrieved_reports", [("Reports not retrieved", 0), (_n(notretrieved), 0)])
        ]
        if awaiting_retrieval:
            cells["sought", f"{col}_right"].append(
                Box(f"{col}_awaiting_retrieval", [(f"Reports awaiting retrieval {_n(awaiting_retrieval)}", 0)], True)
            )
        cells["assessed", col] = [Box(f"{col}_assessed", [("Reports assessed for eligibility", 0), (_n(assessed), 0)])]
        total = sum(n for _, n in reasons)
        lines = [(f"Reports excluded {_n(total)}:", 0)] + [(f"{reason} {_n(n)}", 1) for reason, n in reasons]
        cells["assessed", f"{col}_right"] = [
            Box(f"{col}_excluded", lines if reasons else [("Reports excluded", 0), (_n(0), 0)])
        ]
        if awaiting_decision:
            cells["assessed", f"{col}_right"].append(
                Box(
                    f"{col}_awaiting_decision",
                    [(f"Reports awaiting a full-text decision {_n(awaiting_decision)}", 0)],
                    dashed=True,
                )
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

    with matplotlib.rc_context(RC):
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


RC: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "svg.hashsalt": "slrflow-prisma",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,  # embedded TrueType, which journals accept (Type 3 they often reject)
    "path.simplify": False,
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


def _note(counts: PrismaCounts) -> str:
    parts = []
    if counts.stopping_applied:
        parts.append(
            "Records excluded by the stopping rule were not screened by a human: screening stopped when the "
            "review's stopping rule was met."
        )
    if counts.pending:
        parts.append(
            "Dashed boxes: records and reports still awaiting screening, retrieval or a decision; they are counted "
            "in no other box below the one they wait after."
        )
    return " ".join(parts)
