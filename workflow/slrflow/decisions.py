"""Moved to `slrflow.screening.decisions`; this alias stays only while audit/page.py, rewritten on another branch,
still imports it. Import from slrflow.screening.decisions.
"""

from slrflow.screening.decisions import *  # noqa: F403
from slrflow.screening.decisions import __all__  # noqa: F401
