"""Duplicate detection (copies of one report merged) and study linking (reports of one study linked).

normalise    each record reduced to comparison keys (DOI, title, markers, numbers, authors, ...)
corpus       what the whole corpus says: titles that recur as series titles, an issue column of record numbers
blocking     candidate pairs that share a key
similarity   conflict(a, b) and compare(a, b): why two records differ or agree
clustering   agglomeration over matches that never joins conflicting records
overrides    screening/duplicates.csv: a reviewer's 'same' or 'different'
merge        the representative record and field filling
studies      reports linked into studies (erratum, retraction, conference abstract, protocol, part, companion)
core         deduplicate(rows, overrides=..., study_links=...) -> DedupResult
"""

from __future__ import annotations

from slrflow.dedup.core import DedupResult, deduplicate
from slrflow.dedup.overrides import Override, read_overrides
from slrflow.dedup.studies import StudyLink, link_studies, read_study_links

__all__ = ["DedupResult", "Override", "StudyLink", "deduplicate", "link_studies", "read_overrides", "read_study_links"]
