"""What the PRISMA2020 R package (1.1.4) and its Shiny app read from PRISMA.csv: safe text, short box texts.

Facts about the package (R/PRISMA_data.R, R/PRISMA_format.R, R/PRISMA_flowdiagram.R; DiagrammeR's grViz) that
this module answers:

- Every label goes into Graphviz DOT inside single quotes, and DiagrammeR turns each `'` into `"`: one plain
  apostrophe or double quote in a label breaks the drawing, a backslash starts a DOT escape, and `@_{`, `@^{`
  and `@@` are DiagrammeR substitution directives. SAFE_CHARACTERS maps them to typographic look-alikes.
- A "Label, n; Label, n" cell is split at every `;`, and a label is the text before its first `,`: a comma in a
  reason ("1,000+ participants") would cut it and a semicolon split it. Those two are written as look-alike
  characters (U+201A, U+037E) that the package leaves alone and that print the same; counts.json and slrflow's own
  diagram keep the reviewer's text unchanged.
- Boxes are 3.5 in (252 pt) wide. List labels (reasons, database names) are wrapped with str_wrap(35) and
  " (n = k)" is appended to the last line; `records_screened`, `records_excluded` and the report boxes are not
  wrapped at all. At the app's font size (12 pt Helvetica) a text wider than the box makes Graphviz grow it over
  its neighbours. Every line slrflow writes is therefore measured in Helvetica (Adobe's metrics, the ones the
  check in ../shared/r uses) against FIT_PT, and a list label that could be wrapped into a too wide line is
  shortened with an ellipsis; the whole label stays in counts.json and in slrflow's own diagram.
- The app lists registers in detail whenever register_specific_results differs from the template's placeholder,
  printing an empty "(n = 0)" line for "0": a review without registers keeps the placeholder. The package drops
  the other-methods column when its three counts are NA, so a review without other methods writes NA there.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from slrflow.prisma.counts import PrismaCounts

__all__ = [
    "FIT_PT",
    "LIST_WRAP",
    "SAFE_CHARACTERS",
    "fit_list_label",
    "list_label",
    "n_text",
    "possible_lines",
    "safe_text",
    "template_boxtext",
    "template_cells",
    "text_width_pt",
]

APP_FONT_SIZE = 12.0  # what the Shiny app draws with; the package's default is 7
BOX_PT = 252.0  # 3.5 in
# Graphviz's own estimate of a text runs up to about 1% wider than Adobe's metrics on ordinary text: keep that much
# room so neither the check's text measure nor Graphviz's box growth can find a line too wide.
FIT_PT = BOX_PT * 0.99 - 0.5
LIST_WRAP = 35  # str_wrap width the package applies to reasons and database names
ELLIPSIS = "\u2026"
REGISTER_PLACEHOLDER = "Register 1, xxx; Register 2, xxx; Register 3, xxx"
OTHER_METHOD_NODES = ("website_results", "organisation_results", "citations_results")

SAFE_CHARACTERS: dict[str, str] = {
    "\\": "\u2216",  # set minus, looks like a backslash
    "@": "\uff20",  # fullwidth commercial at: no DiagrammeR directive can start with it
}
LIST_CHARACTERS: dict[str, str] = {
    ",": "\u201a",  # single low-9 quotation mark, drawn like a comma
    ";": "\u037e",  # Greek question mark, drawn like a semicolon (NFC would undo it; nothing on the way applies NFC)
}
_QUOTE = re.compile(r"(^|[\s(\[{])(['\"])|(['\"])")


def safe_text(text: str) -> str:
    """`text` on one line, without the characters that break the package's DOT: quotes become typographic ones."""
    text = " ".join(str(text).split())

    def quote(match: re.Match[str]) -> str:
        if match.group(2):  # at the start of a word: opening quote
            return match.group(1) + ("\u2018" if match.group(2) == "'" else "\u201c")
        return "\u2019" if match.group(3) == "'" else "\u201d"

    text = _QUOTE.sub(quote, text)
    return "".join(SAFE_CHARACTERS.get(char, char) for char in text)


def list_label(text: str) -> str:
    """A label for a "Label, n; ..." cell: safe, with no comma or semicolon the package would split at."""
    return "".join(LIST_CHARACTERS.get(char, char) for char in safe_text(text)) or "Not stated"


def n_text(n: int) -> str:
    """How the package prints a count (scales::comma)."""
    return f"(n = {n:,})"


@functools.cache
def _helvetica() -> dict[str, int]:
    """Glyph name -> advance width (1/1000 em) from Adobe's Helvetica AFM, which matplotlib ships."""
    import matplotlib

    afm = Path(matplotlib.get_data_path()) / "fonts" / "pdfcorefonts" / "Helvetica.afm"
    widths: dict[str, int] = {}
    for line in afm.read_text(encoding="latin-1").splitlines():
        match = re.match(r"C -?\d+ ; WX (\d+) ; N (\S+) ;", line)
        if match:
            widths[match.group(2)] = int(match.group(1))
    return widths


# Glyph names of the characters in slrflow's labels that are not plain ASCII letters and digits.
_GLYPHS = {
    " ": "space", "!": "exclam", '"': "quotedbl", "#": "numbersign", "$": "dollar", "%": "percent",
    "&": "ampersand", "'": "quotesingle", "(": "parenleft", ")": "parenright", "*": "asterisk", "+": "plus",
    ",": "comma", "-": "hyphen", ".": "period", "/": "slash", ":": "colon", ";": "semicolon", "<": "less",
    "=": "equal", ">": "greater", "?": "question", "@": "at", "[": "bracketleft", "\\": "backslash",
    "]": "bracketright", "^": "asciicircum", "_": "underscore", "`": "grave", "{": "braceleft", "|": "bar",
    "}": "braceright", "~": "asciitilde", "\u00a0": "space", "\u2018": "quoteleft", "\u2019": "quoteright",
    "\u201a": "quotesinglbase", "\u201c": "quotedblleft", "\u201d": "quotedblright", "\u2013": "endash",
    "\u2014": "emdash", "\u2026": "ellipsis", "\u037e": "semicolon", "\uff20": "at", "\u2216": "backslash",
    "0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six", "7": "seven",
    "8": "eight", "9": "nine",
}  # fmt: skip


def _char_width(char: str) -> int:
    widths = _helvetica()
    name = _GLYPHS.get(char, char)
    if name in widths:
        return widths[name]
    base = unicodedata.normalize("NFD", char)[:1]  # an accented letter is as wide as its letter
    if base != char and base in widths:
        return widths[base]
    return 1000 if unicodedata.east_asian_width(char) in {"W", "F"} else 667


def text_width_pt(text: str, size: float = APP_FONT_SIZE) -> float:
    """Width of one line of text in Helvetica at `size` points, without kerning."""
    return sum(_char_width(char) for char in text) * size / 1000


def possible_lines(text: str, width: int, suffix: str = "") -> list[str]:
    """Every line that wrapping `text` at `width` characters could give, `suffix` added to the possible last ones.

    The package wraps with stringi's minimum-raggedness algorithm; whatever it chooses, each line is a run of
    whole words no longer than `width` (or one longer word), and the last line ends the text. Measuring all such
    runs bounds the widest line without depending on where the algorithm breaks.
    """
    words = text.split()
    lines = []
    for start in range(len(words)):
        for end in range(start + 1, len(words) + 1):
            line = " ".join(words[start:end])
            if end > start + 1 and len(line) > width:
                break
            lines.append(line + suffix if end == len(words) else line)
    return lines or [suffix.strip()]


def _widest(text: str, suffix: str) -> float:
    return max(text_width_pt(line) for line in possible_lines(text, LIST_WRAP, suffix))


def fit_list_label(label: str, n: int) -> str:
    """`label` as the package can draw it in a list with its count; shortened with an ellipsis if it cannot fit."""
    label = list_label(label)
    suffix = " " + n_text(n)
    if _widest(label, suffix) <= FIT_PT:
        return label
    words = label.split()
    while len(words) > 1 and _widest(" ".join(words) + ELLIPSIS, suffix) > FIT_PT:
        words.pop()
    text = " ".join(words)
    while len(text) > 1 and _widest(text + ELLIPSIS, suffix) > FIT_PT:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def _noted(title: str, *parts: str) -> str:
    """A box title with a note in brackets: on one line when it fits the box, else on the lines after it, broken
    between the note's parts (each kept whole)."""
    note = " ".join(parts)
    if text_width_pt(f"{title} ({note})") <= FIT_PT:
        return f"{title} ({note})"
    pieces = [f"({parts[0]}", *parts[1:-1], f"{parts[-1]})"] if len(parts) > 1 else [f"({note})"]
    lines = [title, ""]
    for piece in pieces:
        trial = f"{lines[-1]} {piece}".strip()
        if lines[-1] and text_width_pt(trial) > FIT_PT:
            lines.append(piece)
        else:
            lines[-1] = trial
    return "\n".join(lines)


def template_boxtext(counts: PrismaCounts) -> dict[str, str]:
    """Short box texts for PRISMA.csv that say what the package's single numbers cannot: records and reports still
    pending (the package's boxes count only what happened) and who excluded records when a stopping rule did."""
    c = counts
    boxtext: dict[str, str] = {}
    if c.records_awaiting:
        boxtext["records_screened"] = _noted("Records screened", f"{c.records_awaiting:,} more awaiting screening")
    if c.stopping_applied or c.records_excluded_stopping:
        boxtext["records_excluded"] = _noted(
            "Records excluded",
            f"{c.records_excluded_human:,} by a human,",
            f"{c.records_excluded_stopping:,} by the stopping rule",
        )
    for column in ("dbr", "other"):
        retrieval, decision = getattr(c, f"{column}_awaiting_retrieval"), getattr(c, f"{column}_awaiting_decision")
        if retrieval:
            boxtext[f"{column}_sought_reports"] = _noted(
                "Reports sought for retrieval", f"{retrieval:,} awaiting retrieval"
            )
        if decision:
            boxtext[f"{column}_assessed"] = _noted(
                "Reports assessed for eligibility", f"{decision:,} more awaiting a decision"
            )
    return boxtext


def template_cells(counts: PrismaCounts) -> dict[str, int | str | list[tuple[str, int]]]:
    """The `n` cell of every template row slrflow fills: numbers, fitted "Label, n" pairs, NA or a placeholder."""
    cells: dict[str, int | str | list[tuple[str, int]]] = dict(counts.template_values())
    for node, value in cells.items():
        if isinstance(value, list):
            cells[node] = [(fit_list_label(label, n), n) for label, n in value]
    if not counts.register_specific_results:
        cells["register_specific_results"] = REGISTER_PLACEHOLDER
    if not counts.other_methods:
        cells.update(dict.fromkeys(OTHER_METHOD_NODES, "NA"))
    return cells
