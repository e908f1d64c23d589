"""Reading order of one page: words grouped into lines, two-column pages read column by column.

The input is the page's words with their boxes (pdfplumber's `extract_words` output, reduced to `Word`), so the
characters are processed once; text, columns, headings and the title all come from these words.

Columns are found from the words' x positions: every word, widened by a quarter of its font size on each side so
that ordinary spaces are filled, adds one to an x-histogram. A gutter is the widest run of least-covered bins in
the middle half of the text; it is accepted when enough lines sit wholly on each side of it. Lines that cross
the gutter (titles, full-width abstracts, figures) cut the page into bands, and each band is read left column
first, then right column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["Line", "Word", "find_gutter", "group_lines", "reading_order"]

# Lines whose tops differ by no more than this (in points) are one line, as in pdfplumber's extract_text.
LINE_TOLERANCE = 3.0
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|cmbx|[,-]b$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 10.0
    bold: bool = False
    upright: bool = True

    @classmethod
    def from_fontname(
        cls,
        text: str,
        x0: float,
        x1: float,
        top: float,
        bottom: float,
        *,
        size: float,
        fontname: str,
        upright: bool = True,
    ) -> Word:
        name = fontname.rsplit("+", 1)[-1]
        return cls(text, x0, x1, top, bottom, size, bool(_BOLD_FONT.search(name)), upright)


@dataclass(slots=True)
class Line:
    """One line of text in reading order; `column` is 0 for full width, 1 left, 2 right; `offset` in page text."""

    words: list[Word]
    column: int = 0
    offset: int = 0
    _text: str | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = " ".join(word.text for word in self.words)
        return self._text

    @property
    def top(self) -> float:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> float:
        return max(word.bottom for word in self.words)

    @property
    def x0(self) -> float:
        return min(word.x0 for word in self.words)

    @property
    def x1(self) -> float:
        return max(word.x1 for word in self.words)

    @property
    def size(self) -> float:
        """The font size most of the line's characters have."""
        weights: dict[float, int] = {}
        for word in self.words:
            key = round(word.size, 1)
            weights[key] = weights.get(key, 0) + len(word.text)
        return max(sorted(weights), key=lambda size: weights[size])

    @property
    def bold(self) -> bool:
        return all(word.bold for word in self.words)


def group_lines(words: Iterable[Word], tolerance: float = LINE_TOLERANCE) -> list[Line]:
    """Cluster words into lines by their tops (chained, as pdfplumber does), each line ordered left to right."""
    ordered = sorted(words, key=lambda w: (w.top, w.x0))
    lines: list[list[Word]] = []
    last_top = None
    for word in ordered:
        if last_top is None or word.top - last_top > tolerance:
            lines.append([word])
        else:
            lines[-1].append(word)
        last_top = word.top
    return [Line(sorted(group, key=lambda w: (w.x0, w.top))) for group in lines]


def find_gutter(words: Sequence[Word]) -> float | None:
    """The x of the gap between two text columns, or None for a single-column page."""
    found = _columns(words)
    return None if found is None else found[0]


def _columns(words: Sequence[Word]) -> tuple[float, tuple[list[Line], list[Line], list[Line]]] | None:
    upright = [word for word in words if word.upright]
    if len(upright) < 20:
        return None
    left = min(word.x0 for word in upright)
    right = max(word.x1 for word in upright)
    width = right - left
    if width < 100:
        return None
    bins = int(width) + 2
    delta = [0] * (bins + 1)
    for word in upright:
        pad = 0.25 * word.size
        start = max(0, int(word.x0 - pad - left))
        end = min(bins, int(word.x1 + pad - left) + 1)
        delta[start] += 1
        delta[end] -= 1
    coverage = []
    running = 0
    for step in delta[:bins]:
        running += step
        coverage.append(running)
    lo, hi = int(0.25 * width), int(0.75 * width)
    zone = coverage[lo:hi]
    # A short full-width line (a centred heading) covering part of the gutter must not shift it, so candidates
    # are runs within a little of the least coverage; of the widest few, the one that leaves the most lines in
    # columns wins (a gap inside a table can be wider than the gutter).
    ceiling = min(zone) + max(1, int(0.05 * max(coverage)))
    runs: list[tuple[int, int]] = []
    run_start = None
    for i, value in enumerate([*zone, ceiling + 1]):
        if value <= ceiling and run_start is None:
            run_start = i
        elif value > ceiling and run_start is not None:
            runs.append((i - run_start, run_start))
            run_start = None
    best: tuple[int, float, tuple[list[Line], list[Line], list[Line]]] | None = None
    for length, start in sorted(runs, reverse=True)[:3]:
        gutter = left + lo + start + length / 2
        sides = _split(upright, gutter)
        if sides is not None and _is_columned(sides, width):
            columned = len(sides[0]) + len(sides[1])
            if best is None or columned > best[0]:
                best = (columned, gutter, sides)
    return None if best is None else (best[1], best[2])


def _is_columned(sides: tuple[list[Line], list[Line], list[Line]], width: float) -> bool:
    left_lines, right_lines, spanning = sides
    columned = len(left_lines) + len(right_lines)
    if len(left_lines) < 3 or len(right_lines) < 3 or columned < 0.4 * (columned + len(spanning)):
        return False
    for side in (left_lines, right_lines):
        extent = max(line.x1 for line in side) - min(line.x0 for line in side)
        if extent < 0.25 * width:
            return False
        # Prose fills its column; the ragged cells of a table beside other text do not.
        full = sum(1 for line in side if line.x1 - line.x0 >= 0.7 * extent)
        if full < 0.4 * len(side):
            return False
    return True


def reading_order(words: Sequence[Word]) -> list[Line]:
    """The page's lines in reading order, with `column` and `offset` (into '\\n'.join of the texts) set."""
    upright = [word for word in words if word.upright]
    found = _columns(upright)
    lines = group_lines(upright) if found is None else _interleave(*found[1])
    # Rotated text (margin stamps, rotated table headers) has no place in the flow; it follows the page's text.
    rotated = [word for word in words if not word.upright]
    if rotated:
        lines.extend(_rotated_lines(rotated))
    offset = 0
    for line in lines:
        line.offset = offset
        offset += len(line.text) + 1
    return lines


def _split(words: Sequence[Word], gutter: float) -> tuple[list[Line], list[Line], list[Line]] | None:
    """Left-column lines, right-column lines and full-width lines for a gutter at x."""
    left = group_lines(word for word in words if word.x1 <= gutter)
    right = group_lines(word for word in words if word.x0 >= gutter)
    crossing = group_lines(word for word in words if word.x0 < gutter < word.x1)
    if not left or not right:
        return None
    spanning: list[Line] = []
    # A full-width line whose space happens to fall on the gutter: its left and right halves sit at the same
    # height with no more than an ordinary space between them.
    right_by_top = sorted(right, key=lambda line: line.top)
    used_right: set[int] = set()
    kept_left: list[Line] = []
    for line in left:
        partner = None
        for index, candidate in enumerate(right_by_top):
            if index in used_right or abs(candidate.top - line.top) > LINE_TOLERANCE:
                continue
            if candidate.x0 - line.x1 <= 1.0 * max(line.size, candidate.size):
                partner = index
                break
        if partner is None:
            kept_left.append(line)
        else:
            used_right.add(partner)
            spanning.append(Line(line.words + right_by_top[partner].words))
    kept_right = [line for index, line in enumerate(right_by_top) if index not in used_right]
    # Column words beside a crossing word belong to that full-width line.
    for line in crossing:
        extra: list[Word] = []
        for side in (kept_left, kept_right):
            for other in list(side):
                if abs(other.top - line.top) <= LINE_TOLERANCE:
                    extra.extend(other.words)
                    side.remove(other)
        spanning.append(Line(sorted(line.words + extra, key=lambda w: w.x0)))
    for line in spanning:
        line.words.sort(key=lambda w: w.x0)
    for line in kept_left:
        line.column = 1
    for line in kept_right:
        line.column = 2
    return kept_left, kept_right, sorted(spanning, key=lambda line: line.top)


def _interleave(left: list[Line], right: list[Line], spanning: list[Line]) -> list[Line]:
    """Bands between full-width lines, each band read left column then right column."""
    cuts = [line.top for line in spanning]
    bands: list[tuple[list[Line], list[Line]]] = [([], []) for _ in range(len(spanning) + 1)]
    for column, side in ((0, left), (1, right)):
        for line in side:
            band = sum(1 for cut in cuts if cut < line.top)
            bands[band][column].append(line)
    heights = sorted(line.bottom - line.top for line in left + right)
    blank = 2.5 * heights[len(heights) // 2] if heights else 0.0
    ordered: list[Line] = []
    for index, (band_left, band_right) in enumerate(bands):
        for part_left, part_right in _cut_at_blank_rows(band_left, band_right, blank):
            ordered.extend(sorted(part_left, key=lambda line: line.top))
            ordered.extend(sorted(part_right, key=lambda line: line.top))
        if index < len(spanning):
            ordered.append(spanning[index])
    return ordered


def _cut_at_blank_rows(left: list[Line], right: list[Line], blank: float) -> list[tuple[list[Line], list[Line]]]:
    """Split a band where both columns are empty for more than `blank` points (a heading set below both
    columns, a sidebar ending above the body), so that what lies below is read after both columns above."""
    lines = sorted(left + right, key=lambda line: line.top)
    if not lines or blank <= 0:
        return [(left, right)]
    cuts = []
    reach = lines[0].bottom
    for line in lines[1:]:
        if line.top - reach > blank:
            cuts.append(line.top)
        reach = max(reach, line.bottom)
    if not cuts:
        return [(left, right)]
    parts: list[tuple[list[Line], list[Line]]] = [([], []) for _ in range(len(cuts) + 1)]
    for column, side in ((0, left), (1, right)):
        for line in side:
            parts[sum(1 for cut in cuts if cut <= line.top)][column].append(line)
    return parts


def _rotated_lines(words: Sequence[Word]) -> list[Line]:
    ordered = sorted(words, key=lambda w: (round(w.x0), w.top))
    lines: list[list[Word]] = []
    for word in ordered:
        if lines and abs(word.x0 - lines[-1][-1].x0) <= LINE_TOLERANCE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [Line(group) for group in lines]
