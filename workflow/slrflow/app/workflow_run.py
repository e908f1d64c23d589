"""Update the review from the browser: the workflow, run in the background on the app's review, one run at a time.

The command is always the one the app prints for building a review (views.build_argv: this installation's Python
running Snakemake on this installation's Snakefile, `-c2`), run in the review directory with this installation's
commands first on PATH (the rules call `python -m slrflow`). Nothing a request sends reaches the command. While it
runs the app keeps serving: decisions go on being written to screening/, which the workflow only reads. When it
ends, the app reads the records, studies and ranking again if the run changed them (Review.reload_results).

Snakemake's own lock (.snakemake/locks) refuses a second run started outside the app; that run fails here with
Snakemake's message among the error lines.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from slrflow.app.review import Review
from slrflow.app.views import build_argv
from slrflow.errors import InputFileError, WorkflowBusyError
from slrflow.summary import FAILURE_HEADING

__all__ = ["WorkflowRun", "reload_review", "workflow_run"]

TAIL = 40  # lines of output the page shows while the run goes on
MAX_ERROR_LINES = 120
_STEPS = re.compile(r"^(\d+) of (\d+) steps \(\d+%\) done")
# Where Snakemake's own message starts when the run stops before slrflow's failure report (a config that does
# not validate, a Snakefile error, a locked directory): its lines name an Error or an Exception first.
_ERROR_START = re.compile(r"^\S*(Error|Exception)\b")

_runs: dict[Path, WorkflowRun] = {}
_runs_lock = threading.Lock()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class WorkflowRun:
    """The workflow on one review directory: started at most once at a time, its output followed in a thread."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.argv = build_argv()  # the only command a run starts
        self._lock = threading.Lock()
        self._ended = threading.Event()
        self._ended.set()
        self._reset("idle")

    def _reset(self, state: str) -> None:
        self._state = state
        self._started = self._ended_at = ""
        self._returncode: int | None = None
        self._steps: dict[str, int] | None = None
        self._tail: deque[str] = deque(maxlen=TAIL)
        self._errors: list[str] = []
        self._message = ""

    def start(self, after: Callable[[], str]) -> dict[str, Any]:
        """Start the run; `after` is called once it has ended and returns what the app did then."""
        with self._lock:
            if self._state == "running":
                raise WorkflowBusyError(
                    f"the workflow is already running on this review (started {self._started}); "
                    "wait for it to finish, then update again if needed"
                )
            self._reset("running")
            self._started = _now()
            self._ended.clear()
            bin_dir = str(Path(sys.executable).parent)
            env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), "PYTHONUNBUFFERED": "1"}
            try:
                process = subprocess.Popen(
                    self.argv,
                    cwd=self.directory,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    encoding="utf-8",
                    errors="replace",
                )
            except OSError as error:
                self._finish(None, [f"the workflow could not be started: {error}"], "")
                return self._status()
        threading.Thread(target=self._follow, args=(process, after), daemon=True, name="slrflow-workflow").start()
        return self.status()

    def _follow(self, process: subprocess.Popen[str], after: Callable[[], str]) -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            with self._lock:
                self._add(raw.rstrip("\r\n"))
        returncode = process.wait()
        try:
            message = after()
        except Exception as error:  # the run must end, whatever the reload met
            message = f"The app could not read the review again ({error}); reload the page."
        with self._lock:
            self._finish(returncode, [], message)

    def _add(self, line: str) -> None:
        self._tail.append(line)
        steps = _STEPS.match(line)
        if steps:
            self._steps = {"done": int(steps.group(1)), "total": int(steps.group(2))}
        if line.startswith(FAILURE_HEADING):
            self._errors = [line]  # slrflow's own report of the failed steps' logs supersedes what came before
        elif (self._errors or _ERROR_START.match(line)) and len(self._errors) < MAX_ERROR_LINES:
            self._errors.append(line)

    def _finish(self, returncode: int | None, errors: list[str], message: str) -> None:
        self._returncode = returncode
        self._state = "finished" if returncode == 0 else "failed"
        self._errors = (errors or self._errors or list(self._tail)[-20:]) if self._state == "failed" else []
        self._message = message
        self._ended_at = _now()
        self._ended.set()

    def status(self) -> dict[str, Any]:
        with self._lock:
            return self._status()

    def _status(self) -> dict[str, Any]:
        return {
            "state": self._state,
            "command": shlex.join(self.argv),
            "started": self._started,
            "ended": self._ended_at,
            "returncode": self._returncode,
            "steps": self._steps,
            "lines": list(self._tail),
            "errors": self._errors,
            "message": self._message,
        }

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the current run has ended (tests and scripts); True if it has."""
        return self._ended.wait(timeout)


def workflow_run(directory: Path) -> WorkflowRun:
    """The one WorkflowRun of a review directory, shared by every app serving it in this process."""
    key = directory.resolve()
    with _runs_lock:
        return _runs.setdefault(key, WorkflowRun(key))


def reload_review(review: Review) -> str:
    """What the app does after a run: read the workflow's results again; what it did, for the page."""
    try:
        changed = review.reload_results()
    except (InputFileError, OSError, ValueError) as error:
        return f"The app kept the records it had, because the results cannot be read: {error}"
    if changed:
        return f"The app read the updated records ({len(review.records):,}), studies and ranking."
    return f"The records did not change ({len(review.records):,}); the app read the decisions again."
