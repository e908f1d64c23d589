"""Moved to the slrflow.screening package (decisions: the logs; state: settle). This alias keeps the old import
path working while branches written against it (the audit page and its tests) are merged; import from
slrflow.screening.decisions and slrflow.screening.state instead, and delete this module once nothing uses it.
"""

from slrflow.screening.decisions import (
    DECISIONS,
    LOG_COLUMNS,
    RESOLUTION_COLUMNS,
    STAGES,
    Change,
    Decision,
    changes,
    current_decisions,
    read_log,
    read_logs,
    read_resolutions,
)
from slrflow.screening.state import Settlement, StudyStatus, settle

__all__ = [
    "DECISIONS",
    "LOG_COLUMNS",
    "RESOLUTION_COLUMNS",
    "STAGES",
    "Change",
    "Decision",
    "Settlement",
    "StudyStatus",
    "changes",
    "current_decisions",
    "read_log",
    "read_logs",
    "read_resolutions",
    "settle",
]
