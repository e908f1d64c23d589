"""What the terminal shows when a run ends: the PRISMA summary and where to look, or what went wrong.

The workflow's onsuccess and onerror handlers print these, and `slrflow summary` prints the first on demand. Only
the standard library is used: Snakemake imports this module while parsing, also from a plain Snakemake install.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path

__all__ = ["failure_report", "run_summary", "shown_path", "tool_command"]

# What a reviewer looks at after a run, relative to the review directory.
WHERE_TO_LOOK: tuple[tuple[str, str], ...] = (
    ("results/prisma/flow_diagram.png", "the PRISMA 2020 flow diagram (counts: results/prisma/counts.json)"),
    ("results/screening/queue.csv", "what to screen next, most relevant first"),
    ("results/screening/stopping.json", "the stopping rule: may screening stop yet?"),
    ("results/audit/index.html", "the audit page: conflicts, agreement, orphaned decisions, new records"),
)
_ERROR_TAIL = 12


def run_summary(results: str | Path = "results") -> str:
    """The PRISMA counts in words, the files to open and the command that starts the screening app."""
    results = Path(results)
    review = shown_path(results.resolve().parent)
    lines = ["", "slrflow: the review is up to date."]
    counts_path = results / "prisma" / "counts.json"
    if counts_path.is_file():
        lines += ["", "PRISMA 2020:", *(f"  {line}" for line in _prisma_lines(json.loads(counts_path.read_text())))]
    lines += ["", "Where to look:"]
    for path, what in WHERE_TO_LOOK:
        if (results.parent / path).exists():
            lines.append(f"  {_join(review, path):<44} {what}")
    directory = "" if review == "." else f" --directory {review}"
    lines += [
        "",
        "Screen in the browser (then open http://127.0.0.1:5000):",
        f"  {tool_command('slrflow')} serve{directory}",
        "",
    ]
    return "\n".join(lines)


def failure_report(logs: Iterable[str | Path]) -> str:
    """The error lines of each failed step's log, so the reason is where the user is looking: at the end."""
    logs = list(logs)
    if not logs:
        return "\nslrflow: a step failed; its message is above.\n"
    lines = ["", "slrflow: the run stopped. What went wrong:"]
    for log in logs:
        lines.append(f"  {log}:")
        lines += [f"    {line}" for line in _error_lines(Path(log))]
    lines += ["Correct it and run the same command again: finished steps are kept.", ""]
    return "\n".join(lines)


def _prisma_lines(counts: dict) -> list[str]:
    by_database = ", ".join(f"{d['name']} {d['n']}" for d in counts.get("database_specific_results", []))
    lines = [f"records identified: {counts.get('database_results', 0)}" + (f" ({by_database})" if by_database else "")]
    lines.append(f"duplicates removed: {counts.get('duplicates', 0)}")
    screened = f"records screened: {counts.get('records_screened', 0)}, excluded: {counts.get('records_excluded', 0)}"
    if counts.get("records_awaiting"):
        screened += f", not yet screened: {counts['records_awaiting']}"
    lines.append(screened)
    lines.append(
        f"reports sought: {counts.get('dbr_sought_reports', 0)}, not retrieved: "
        f"{counts.get('dbr_notretrieved_reports', 0)}, assessed: {counts.get('dbr_assessed', 0)}, excluded: "
        f"{sum(item.get('n', 0) for item in counts.get('dbr_excluded', []))}"
    )
    lines.append(f"studies included: {counts.get('total_studies', 0)} (reports: {counts.get('total_reports', 0)})")
    return lines


def _error_lines(log: Path) -> list[str]:
    """slrflow's own `error:` lines where there are any, else the log's last lines (a traceback's end)."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return [f"(no log: {log} was not written)"]
    lines = [line for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("slrflow ") and ": error: " in line]
    return errors or lines[-_ERROR_TAIL:] or ["(the log is empty)"]


def shown_path(path: str | Path) -> str:
    """A path as the user would type it from where they started: relative below their folder, else absolute."""
    start = Path(os.environ.get("PWD") or os.getcwd()).resolve()
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(start)) or "."
    except ValueError:
        return str(resolved)


def _join(review: str, path: str) -> str:
    return path if review == "." else f"{review}/{path}"


def tool_command(name: str, *, absolute: bool = False) -> str:
    """A command beside the Python running this (the project's .venv/bin/NAME), else NAME as found on PATH."""
    beside = Path(sys.executable).parent / name
    if not beside.exists():
        return name
    return str(beside) if absolute else shown_path(beside)
