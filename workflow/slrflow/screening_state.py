"""Moved to slrflow.screening.state (settle_review) and slrflow.screening.outputs (write_settlements). This alias
keeps the old import path working while branches written against it are merged; delete it once nothing uses it.
"""

from slrflow.screening.outputs import (
    CHANGE_COLUMNS,
    CONFLICT_COLUMNS,
    ORPHAN_COLUMNS,
    SOUGHT_COLUMNS,
    STUDY_COLUMNS,
    write_settlements,
)
from slrflow.screening.state import TO_FULL_TEXT, ReviewState, settle_review

__all__ = [
    "CHANGE_COLUMNS",
    "CONFLICT_COLUMNS",
    "ORPHAN_COLUMNS",
    "SOUGHT_COLUMNS",
    "STUDY_COLUMNS",
    "TO_FULL_TEXT",
    "ReviewState",
    "settle_review",
    "write_settlements",
]
