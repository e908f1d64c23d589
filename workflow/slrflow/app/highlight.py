"""Words from the review question and eligibility criteria, for highlighting in titles and abstracts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = ["criteria_terms", "terms_from"]

_WORD = re.compile(r"[^\W\d_][\w-]*[^\W_]", re.UNICODE)
# Words that say how a criterion is phrased rather than what it is about, on top of English stop words.
_PHRASING = ENGLISH_STOP_WORDS | {
    "study", "studies", "paper", "papers", "article", "articles", "report", "reports", "reported",
    "include", "includes", "included", "including", "exclude", "excludes", "excluded", "excluding",
    "record", "records", "review", "reviews", "question", "criteria", "criterion", "eligible", "eligibility",
    "published", "publication", "publications", "english", "language", "languages",
}  # fmt: skip


def terms_from(texts: Iterable[str], *, min_length: int = 4) -> list[str]:
    """Distinct lower-case stems of the content words in `texts`, longest first (so regex alternation prefers them).

    A plural 's' is dropped so that 'children' and 'child' stay apart but 'trials' matches 'trial' and 'trials'.
    """
    stems: set[str] = set()
    for text in texts:
        for match in _WORD.finditer(text or ""):
            word = match.group(0).casefold()
            if len(word) < min_length or word in _PHRASING:
                continue
            if word.endswith("s") and not word.endswith("ss") and len(word) > min_length:
                word = word[:-1]
            stems.add(word)
    return sorted(stems, key=lambda w: (-len(w), w))


def criteria_terms(config: Mapping[str, Any]) -> dict[str, list[str]]:
    """Terms of the inclusion criteria (with the question) and of the exclusion criteria; shared words count as
    inclusion terms."""
    review = config.get("review", {})
    eligibility = review.get("eligibility", {}) or {}
    include = terms_from([review.get("question", ""), *eligibility.get("include", [])])
    exclude = [term for term in terms_from(eligibility.get("exclude", [])) if term not in set(include)]
    return {"include": include, "exclude": exclude}
