"""The exceptions slrflow raises on purpose.

    SlrflowError
    ├── InputFileError (ValueError)        a file a person provided cannot be used
    │   ├── ImportFormatError              a search export cannot be read
    │   ├── DecisionLogError               a screening/ log breaks the decision-log contract
    │   └── PdfError                       a PDF cannot be handled at all (bad PDFs are statuses, not errors)
    ├── ConfigError (ValueError)           config/config.yaml is invalid
    ├── ModelError (RuntimeError)          a ranking model cannot be built or trained
    ├── PrismaArithmeticError (ValueError) the PRISMA counts contradict each other
    └── WorkflowBusyError (RuntimeError)   the app is already running the workflow on this review

Messages say what is wrong, where (file, line, field) and what would be right.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ConfigError",
    "DecisionLogError",
    "ImportFormatError",
    "InputFileError",
    "ModelError",
    "PdfError",
    "PrismaArithmeticError",
    "SlrflowError",
    "WorkflowBusyError",
]


class SlrflowError(Exception):
    """Base class of every error slrflow raises on purpose."""


class InputFileError(SlrflowError, ValueError):
    """A file provided by a person cannot be used; the message names the file and, where known, the line."""

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None) -> None:
        self.path = None if path is None else str(path)
        self.line = line
        where = ""
        if self.path is not None:
            where = self.path if line is None else f"{self.path}, line {line}"
            where += ": "
        super().__init__(f"{where}{message}")


class ImportFormatError(InputFileError):
    """A search export cannot be read."""


class DecisionLogError(InputFileError):
    """A decision log in screening/ breaks the contract in ARCHITECTURE.md."""


class PdfError(InputFileError):
    """A PDF cannot be handled at all; unreadable PDFs are reported as a status instead."""


class ConfigError(SlrflowError, ValueError):
    """The review's configuration is invalid."""


class ModelError(SlrflowError, RuntimeError):
    """A ranking model cannot be built or trained."""


class PrismaArithmeticError(SlrflowError, ValueError):
    """The PRISMA counts contradict each other; the message names the boxes."""


class WorkflowBusyError(SlrflowError, RuntimeError):
    """The screening app is already running the workflow on this review; one run at a time."""
