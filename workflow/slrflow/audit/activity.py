"""What each reviewer did at each stage: decisions made, their current split, and when they screened."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slrflow.screening.decisions import Decision, changes
from slrflow.screening.state import Settlement

__all__ = ["ACTIVITY_COLUMNS", "SESSION_GAP", "ReviewerActivity", "Session", "reviewer_activity", "sessions"]

# A pause longer than this between two log lines ends a screening session: reading one abstract takes minutes,
# so an hour without a decision is a break, not work.
SESSION_GAP = timedelta(hours=1)

ACTIVITY_COLUMNS = (
    "stage",
    "reviewer",
    "studies_decided",
    "include",
    "exclude",
    "maybe",
    "log_lines",
    "changed",
    "first_decision_at",
    "last_decision_at",
    "active_days",
    "sessions",
    "minutes_screening",
)


@dataclass(frozen=True)
class Session:
    """A run of log lines with no pause longer than SESSION_GAP."""

    start: datetime
    end: datetime
    lines: int

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60


def sessions(times: list[datetime], gap: timedelta = SESSION_GAP) -> list[Session]:
    """Split sorted timestamps into sessions at every pause longer than `gap`."""
    found: list[Session] = []
    for moment in times:
        if found and moment - found[-1].end <= gap:
            found[-1] = Session(found[-1].start, moment, found[-1].lines + 1)
        else:
            found.append(Session(moment, moment, 1))
    return found


@dataclass
class ReviewerActivity:
    stage: str
    reviewer: str
    studies_decided: int  # studies with a current decision by this reviewer (orphans not counted)
    include: int
    exclude: int
    maybe: int
    log_lines: int  # every line in the log, history included
    changed: int  # lines that replaced an earlier, different decision
    first_decision_at: datetime | None
    last_decision_at: datetime | None
    active_days: int  # distinct calendar days (in the timestamps' own zones) with at least one line
    per_day: dict[str, int]
    times: list[datetime] = field(default_factory=list)  # every log line's timestamp, in order

    @property
    def sessions(self) -> list[Session]:
        return sessions(self.times)

    @property
    def minutes_screening(self) -> float:
        """Time spent in sessions: from each session's first log line to its last."""
        return sum(session.minutes for session in self.sessions)

    def row(self) -> dict[str, object]:
        return {
            "stage": self.stage,
            "reviewer": self.reviewer,
            "studies_decided": self.studies_decided,
            "include": self.include,
            "exclude": self.exclude,
            "maybe": self.maybe,
            "log_lines": self.log_lines,
            "changed": self.changed,
            "first_decision_at": self.first_decision_at.isoformat() if self.first_decision_at else "",
            "last_decision_at": self.last_decision_at.isoformat() if self.last_decision_at else "",
            "active_days": self.active_days,
            "sessions": len(self.sessions),
            "minutes_screening": round(self.minutes_screening, 1),
        }


def reviewer_activity(
    logs: Iterable[Decision], settlement: Settlement, reviewers: Iterable[str] = ()
) -> list[ReviewerActivity]:
    """One entry per reviewer (configured or seen in a log) at the settlement's stage, in name order.

    The include/exclude/maybe split counts each reviewer's current decision per study, so a decision on two
    duplicates of one study counts once; the log lines and time span count everything they wrote.
    """
    lines: dict[str, list[Decision]] = defaultdict(list)
    for decision in logs:
        lines[decision.reviewer].append(decision)
    current: dict[str, Counter[str]] = defaultdict(Counter)
    for study in settlement.studies.values():
        for reviewer, decision in study.decisions.items():
            current[reviewer][decision.decision] += 1
    changed = Counter(change.reviewer for change in changes(d for ds in lines.values() for d in ds))
    result = []
    for reviewer in sorted(set(reviewers) | set(lines) | set(current)):
        own = lines.get(reviewer, [])
        times = sorted(d.timestamp for d in own)
        per_day = Counter(t.date().isoformat() for t in times)
        counts = current.get(reviewer, Counter())
        result.append(
            ReviewerActivity(
                stage=settlement.stage,
                reviewer=reviewer,
                studies_decided=sum(counts.values()),
                include=counts["include"],
                exclude=counts["exclude"],
                maybe=counts["maybe"],
                log_lines=len(own),
                changed=changed[reviewer],
                first_decision_at=times[0] if times else None,
                last_decision_at=times[-1] if times else None,
                active_days=len(per_day),
                per_day=dict(sorted(per_day.items())),
                times=times,
            )
        )
    return result
