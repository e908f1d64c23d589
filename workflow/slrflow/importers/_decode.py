"""Bytes to text: byte-order marks, UTF-16 without a mark, UTF-8, and a Windows-1252 fallback that is reported.

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
