"""Reading order from word boxes: lines, column detection, full-width lines cutting the page into bands."""

from __future__ import annotations

from slrflow.fulltext.layout import Word, find_gutter, group_lines, reading_order


def _line(text: str, x: float, top: float, *, size: float = 10.0, space: float = 3.0) -> list[Word]:
    """Words of `text` set from x at `top`, 5 pt per character, `space` pt between words."""
    words = []
    for token in text.split():
        width = 5.0 * len(token)
        words.append(Word(token, x, x + width, top, top + size, size))
        x += width + space
    return words


def _column(prefix: str, x: float, n: int, top: float = 100.0) -> list[Word]:
    words = []
    for i in range(n):
        words += _line(f"{prefix}{i} alpha beta gamma delta epsilon", x, top + 12.0 * i)
    return words


def _texts(lines) -> list[str]:
    return [line.text for line in lines]


def test_group_lines_orders_words_left_to_right_within_a_tolerance_of_tops() -> None:
    words = [Word("world", 40, 65, 100.5, 110), Word("hello", 10, 35, 100, 110), Word("next", 10, 30, 120, 130)]
    assert _texts(group_lines(words)) == ["hello world", "next"]


def test_single_column_page_has_no_gutter() -> None:
    words = []
    for i in range(30):
        words += _line(f"line{i} the quick brown fox jumps over the lazy dog again and again", 50, 100 + 12 * i)
    assert find_gutter(words) is None
    lines = reading_order(words)
    assert [line.column for line in lines] == [0] * 30
    assert lines[1].text.startswith("line1 ")


def test_two_columns_are_read_left_then_right_between_full_width_lines() -> None:
    title = _line("A Title That Runs Across Both Columns Of The Page And Then Some More", 50, 50, size=14)
    left = _column("L", 50, 20)
    right = _column("R", 320, 20)
    footer = _line("A full width footnote line that crosses the gutter of the page here", 50, 400)
    lower_left = _column("M", 50, 5, top=420)
    lower_right = _column("N", 320, 5, top=420)
    words = title + right + footer + lower_right + left + lower_left
    gutter = find_gutter(words)
    assert gutter is not None and 50 + 5 * 35 < gutter < 320
    order = [line.text.split()[0] for line in reading_order(words)]
    expected = ["A"] + [f"L{i}" for i in range(20)] + [f"R{i}" for i in range(20)] + ["A"]
    expected += [f"M{i}" for i in range(5)] + [f"N{i}" for i in range(5)]
    assert order == expected


def test_a_full_width_line_whose_space_falls_on_the_gutter_stays_one_line() -> None:
    left = _column("L", 50, 15, top=100)
    right = _column("R", 320, 15, top=100)
    # two words separated by an ordinary space exactly where the gutter is
    heading = [Word("Centred", 230, 290, 60, 70, 10), Word("heading", 294, 340, 60, 70, 10)]
    lines = reading_order(heading + left + right)
    assert lines[0].text == "Centred heading"
    assert lines[0].column == 0
    assert lines[1].text.startswith("L0") and lines[16].text.startswith("R0")


def test_offsets_index_each_line_in_the_page_text() -> None:
    lines = reading_order(_column("L", 50, 12) + _column("R", 320, 12))
    text = "\n".join(line.text for line in lines)
    for line in lines:
        assert text[line.offset : line.offset + len(line.text)] == line.text


def test_rotated_words_follow_the_page_text() -> None:
    words = [*_line("body text here", 50, 100), Word("arXiv:1234", 10, 20, 300, 400, 10, upright=False)]
    assert _texts(reading_order(words)) == ["body text here", "arXiv:1234"]
