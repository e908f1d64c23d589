"""The supervisor's audit: who decided what and when, agreement, conflicts, model disagreements, the stopping
rule, changed and orphaned decisions, the records behind each PRISMA box, and what is new since the last round.
"""

from __future__ import annotations

from slrflow.audit.agreement import PairAgreement, cohen_kappa, pairwise_agreement, percent_agreement
from slrflow.audit.history import RoundComparison, compare_rounds
from slrflow.audit.report import AuditReport, build_audit, write_audit_tables
from slrflow.screening.queues import reviewer_queue, write_reviewer_queues

__all__ = [
    "AuditReport",
    "PairAgreement",
    "RoundComparison",
    "build_audit",
    "cohen_kappa",
    "compare_rounds",
    "pairwise_agreement",
    "percent_agreement",
    "reviewer_queue",
    "write_audit_tables",
    "write_reviewer_queues",
]
