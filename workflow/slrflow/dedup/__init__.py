"""Duplicate detection: blocking, multi-field comparison, constrained clustering, merging, reviewer overrides.

normalise    each record reduced to comparison keys (DOI, title, markers, numbers, authors, ...)
blocking     candidate pairs that share a key
similarity   conflict(a, b) and compare(a, b): why two records differ or agree
clustering   agglomeration over matches that never joins conflicting records
overrides    screening/duplicates.csv: a reviewer's 'same' or 'different'
merge        the representative record and field filling
core         deduplicate(rows, overrides=...) -> DedupResult
"""

from __future__ import annotations

from slrflow.dedup.core import DedupResult, deduplicate
from slrflow.dedup.overrides import Override, read_overrides

__all__ = ["DedupResult", "Override", "deduplicate", "read_overrides"]
