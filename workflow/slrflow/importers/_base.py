"""What every parser returns, and the error it raises before the file name is known."""

from __future__ import annotations

from dataclasses import dataclass, field

from slrflow.importers._fields import RawRecord

__all__ = ["ParseError", "Parsed"]


class ParseError(Exception):
    """A parser's complaint about its text; `load` adds the file name and raises ImportFormatError."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Parsed:
    records: list[RawRecord] = field(default_factory=list)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    # The file ends inside its last record (no end tag, an unclosed brace, a row cut short): that record may
    # have lost fields, and a reviewer is told so in the import summary and in the record's import_warnings.
    truncated: bool = False
