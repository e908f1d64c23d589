"""PRISMA 2020's arithmetic: each box follows from the boxes before it.

Counts computed by `count_prisma` satisfy these by construction; the check guards against a bug there and
against counts edited by hand, and names the boxes and numbers that disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from slrflow.errors import PrismaArithmeticError
from slrflow.prisma.counts import PrismaCounts

__all__ = ["arithmetic_violations", "check_arithmetic"]

# (total box, [(sign, term box), ...]): total == sum(sign * term). *_sum is the sum of a list of pairs;
# other_identified is website_results + organisation_results + citations_results.
EQUATIONS: tuple[tuple[str, tuple[tuple[int, str], ...]], ...] = (
    ("database_results", ((1, "database_specific_results_sum"),)),
    ("register_results", ((1, "register_specific_results_sum"),)),
    (
        "records_screened",
        (
            (1, "database_results"),
            (1, "register_results"),
            (-1, "duplicates"),
            (-1, "excluded_automatic"),
            (-1, "excluded_other"),
            (-1, "records_awaiting"),
        ),
    ),
    ("records_excluded", ((1, "records_excluded_human"), (1, "records_excluded_stopping"))),
    ("records_awaiting", ((1, "records_awaiting_unscreened"), (1, "records_awaiting_conflict"))),
    ("dbr_sought_reports", ((1, "records_screened"), (-1, "records_excluded"))),
    ("dbr_awaiting", ((1, "dbr_awaiting_retrieval"), (1, "dbr_awaiting_decision"))),
    ("dbr_assessed", ((1, "dbr_sought_reports"), (-1, "dbr_notretrieved_reports"), (-1, "dbr_awaiting"))),
    ("dbr_included_reports", ((1, "dbr_assessed"), (-1, "dbr_excluded_total"))),
    ("other_identified", ((1, "other_specific_results_sum"),)),
    (
        "other_sought_reports",
        (
            (1, "other_identified"),
            (-1, "other_duplicates"),
            (-1, "other_screening_excluded_human"),
            (-1, "other_screening_excluded_stopping"),
            (-1, "other_screening_awaiting"),
        ),
    ),
    ("other_awaiting", ((1, "other_awaiting_retrieval"), (1, "other_awaiting_decision"))),
    ("other_assessed", ((1, "other_sought_reports"), (-1, "other_notretrieved_reports"), (-1, "other_awaiting"))),
    ("other_included_reports", ((1, "other_assessed"), (-1, "other_excluded_total"))),
    ("new_reports", ((1, "dbr_included_reports"), (1, "other_included_reports"))),
    ("total_studies", ((1, "previous_studies"), (1, "new_studies"))),
    ("total_reports", ((1, "previous_reports"), (1, "new_reports"))),
)


def _values(counts: PrismaCounts) -> dict[str, int]:
    values: dict[str, int] = {}
    for item in fields(counts):
        value = getattr(counts, item.name)
        if isinstance(value, tuple):
            values[f"{item.name}_sum"] = sum(n for _, n in value)
        elif not isinstance(value, bool):
            values[item.name] = value
    values["dbr_excluded_total"] = counts.dbr_excluded_total
    values["other_excluded_total"] = counts.other_excluded_total
    values["other_identified"] = counts.other_identified
    return values


def arithmetic_violations(counts: PrismaCounts) -> list[str]:
    """Every broken equation, e.g. 'records_screened = 90, but database_results 100 - duplicates 12 ... = 88'."""
    values = _values(counts)
    problems = [
        f"{name} is negative ({value})" for name, value in values.items() if value < 0 and not name.endswith("_sum")
    ]
    for item in fields(counts):
        value = getattr(counts, item.name)
        if isinstance(value, tuple):
            problems += [f"{item.name}: {label!r} has a negative count ({n})" for label, n in value if n < 0]
    for total, terms in EQUATIONS:
        expected = sum(sign * values[name] for sign, name in terms)
        if values[total] != expected:
            problems.append(f"{total} = {values[total]}, but {_spell(terms, values)} = {expected}")
    if counts.new_reports < counts.new_studies:
        problems.append(
            f"new_reports = {counts.new_reports} is fewer than new_studies = {counts.new_studies}; "
            "every included study has at least one report"
        )
    if counts.new_reports and not counts.new_studies:
        problems.append(f"new_studies = 0, but new_reports = {counts.new_reports}: an included report is a study's")
    return problems


def check_arithmetic(counts: PrismaCounts) -> PrismaCounts:
    """Return the counts unchanged, or raise PrismaArithmeticError listing every broken equation."""
    problems = arithmetic_violations(counts)
    if problems:
        raise PrismaArithmeticError("the PRISMA counts do not add up:\n  " + "\n  ".join(problems))
    return counts


def _spell(terms: Sequence[tuple[int, str]], values: dict[str, int]) -> str:
    text = ""
    for i, (sign, name) in enumerate(terms):
        operator = ("" if sign > 0 else "-") if i == 0 else (" + " if sign > 0 else " - ")
        text += f"{operator}{name} {values[name]}"
    return text
