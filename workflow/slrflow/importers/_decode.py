"""Bytes to text: byte-order marks, UTF-16 without a mark, UTF-8, and a Windows-1252 fallback that is reported.

A file that mixes UTF-8 and Windows-1252 (records pasted together from two exports, or a reference manager that
wrote some records in each) is decoded line by line: a line that is valid UTF-8 is UTF-8, any other line is
Windows-1252. Decoding the whole file as one encoding would garble one kind of record and so change its title and
record id. `Decoded.fallback_lines` lists the lines read as Windows-1252, so each record can be told.

Line endings are unified to '\\n' here (CRLF, lone CR and mixes of them all occur in real exports), so every
parser counts lines the same way and a line number in a message is the line a text editor shows.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

__all__ = ["Decoded", "decode"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass
class Decoded:
    text: str
    encoding: str
    # (line, message) pairs: how the bytes were read when that was not plain UTF-8.
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    # 1-based lines decoded as Windows-1252 in a file whose other lines are UTF-8 (empty unless mixed).
    fallback_lines: list[int] = field(default_factory=list)


def decode(data: bytes) -> Decoded:
    """Decode an export's bytes; a BOM wins, then UTF-16 by its zero bytes, then UTF-8, then Windows-1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding)
    guessed = _guess_utf16(data)
    if guessed:
        return _strict(data, guessed)
    try:
        return Decoded(_unify(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start : error.start + 1].hex()
        mixed = _mixed(data)
        if mixed is not None:
            return mixed
        try:
            text = data.decode("cp1252")
            encoding = "cp1252"
        except UnicodeDecodeError:
            # cp1252 leaves five bytes undefined; latin-1 maps every byte, so this cannot fail.
            text = data.decode("latin-1")
            encoding = "latin-1"
        message = (
            f"not valid UTF-8 (byte 0x{bad} is the first bad one); read as {encoding}, so check accented "
            "characters, or re-export the file as UTF-8"
        )
        return Decoded(_unify(text), encoding, [(line, message)])


def _mixed(data: bytes) -> Decoded | None:
    """Line-by-line decoding when some non-ASCII lines are valid UTF-8 and others are not; None otherwise."""
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    texts: list[str] = []
    fallback: list[int] = []
    utf8_lines = 0
    for number, raw in enumerate(lines, 1):
        try:
            text = raw.decode("utf-8")
            utf8_lines += not raw.isascii()
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
            fallback.append(number)
        texts.append(text)
    if not utf8_lines:
        return None
    message = (
        f"the file mixes encodings: {utf8_lines} non-ASCII lines are UTF-8 and {len(fallback)} lines are not "
        f"(first at line {fallback[0]}); those lines were read as Windows-1252, each record in its own encoding"
    )
    return Decoded(_unify("\n".join(texts)), "utf-8+cp1252", [(fallback[0], message)], fallback)


def _strict(data: bytes, encoding: str) -> Decoded:
    try:
        return Decoded(_unify(data.decode(encoding)), encoding)
    except UnicodeDecodeError as error:
        # A BOM that lies about the rest of the file: keep the records, replace the bad bytes, and say so.
        text = _unify(data.decode(encoding, errors="replace"))
        line = _unify(data[: error.start].decode(encoding, errors="replace")).count("\n") + 1
        return Decoded(text, encoding, [(line, f"invalid {encoding} bytes replaced by U+FFFD")])


def _guess_utf16(data: bytes) -> str:
    """'utf-16-le' or 'utf-16-be' when ASCII text was written as UTF-16 without a BOM, else ''."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return ""
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zeros > 0.4 * half and even_zeros < 0.05 * half:
        return "utf-16-le"
    if even_zeros > 0.4 * half and odd_zeros < 0.05 * half:
        return "utf-16-be"
    return ""


def _unify(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
