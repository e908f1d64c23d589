"""The local screening app behind `slrflow serve`.

review     the review's records, decision logs and each reviewer's queue (the only state is screening/)
logfile    crash-safe appends to a decision log, and honest undo
reranker   the current ranking, retrained in a background thread after each decision
highlight  words from the eligibility criteria to highlight
progress   the recall-progress plot as inline SVG
server     the Flask app: one page and a small JSON API
team_routes  the Records and Conflicts views' API and the PDFs (listing, conflicts, pdfs)
"""

from __future__ import annotations

from slrflow.app.review import Review, ReviewNotBuiltError
from slrflow.app.server import create_app

__all__ = ["Review", "ReviewNotBuiltError", "create_app"]
