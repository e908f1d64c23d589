"""The review as the screening app sees it: records, studies, the settled decision logs and each reviewer's queue.

Everything is read from the review directory: config/config.yaml, results/dedup/{records,clusters}.csv (written
by the workflow), screening/<stage>/<reviewer>.csv and screening/resolutions.csv. The logs are the only state:
the app appends to them and settles them again (slrflow.screening.state.settle_review, as `slrflow decisions`
does) whenever a file changed on disk, so a line typed into a log by hand and a key pressed in the app are the
same data. A decision is reported saved only once a re-read of the log returns it.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from slrflow.app import logfile
from slrflow.app.highlight import criteria_terms
from slrflow.app.progress import recall_svg
from slrflow.app.reranker import Labels, Reranker, SessionRanker, training_labels
from slrflow.app.results import ReviewNotBuiltError, read_results, results_files
from slrflow.app.views import decision_view, fulltext_view, record_fields, settings_view, stopping_file
from slrflow.config import load_config
from slrflow.errors import DecisionLogError
from slrflow.layout import ResultsLayout
from slrflow.ranking.pipeline import stopping_figures
from slrflow.ranking.stopping_words import in_words
from slrflow.screening.decisions import DECISIONS, LOG_COLUMNS, STAGES, Decision, checked_decision, format_line
from slrflow.screening.model import build_model, build_stopper, query_text
from slrflow.screening.queues import awaits
from slrflow.screening.reattach import KEY_COLUMNS, KEYS_FILE, format_key_line, read_record_keys
from slrflow.screening.state import (
    TO_FULL_TEXT,
    ReviewState,
    StudyStatus,
    decisions_needed,
    reasons_by_stage,
    resettle_full_text,
    resettle_study,
    settle_review,
)

__all__ = ["MAX_NOTE", "Review", "ReviewNotBuiltError"]

TEAM = ""  # the ranking key shared by all reviewers in single screening
MAX_NOTE = 10_000  # characters in a note; a longer one is refused, not cut


class Review:
    """Thread-safe state of one review for the app; every public method takes the lock."""

    def __init__(self, directory: str | Path, *, config_path: str | Path | None = None) -> None:
        self.directory = Path(directory).resolve()
        self.config = load_config(config_path or self.directory / "config" / "config.yaml")
        options = self.config["screening"]
        self.mode: str = options.get("mode", "single")
        self.reviewers: list[str] = list(options["reviewers"])
        self.reasons = reasons_by_stage(self.config)
        self.needed = decisions_needed(self.mode)
        self.blind = self.mode == "blind_dual"
        self.terms = criteria_terms(self.config)
        self.results = ResultsLayout.of_review(self.directory)
        self.screening = self.directory / "screening"
        self._read_results()
        self._lock = threading.RLock()
        self._version = 0
        self._signature: tuple = ()
        self._undo: dict[tuple[str, str], list[logfile.UndoStep]] = defaultdict(list)
        self._rerankers: dict[str, Reranker] = {}
        self._kept: set[str] | None = None  # record ids whose key screening/ keeps
        self.load_error = ""
        self.state: ReviewState | None = None
        self._decided_ids: dict[str, set[str]] = {stage: set() for stage in STAGES}
        self._reload()

    # ---------------------------------------------------------------- reading the workflow's results

    def _read_results(self) -> None:
        # Assigned only once all is read, so that a file that cannot be read leaves the app as it was.
        results = read_results(self.directory, self.results)
        self.records, self.position = results.records, results.position
        self.study_of, self.matcher = results.study_of, results.matcher
        self._initial, self._results_signature = results.initial_ranking, results.signature

    def reload_results(self) -> bool:
        """After a workflow run: read the records, studies and ranking again if the run changed them (new search
        results, new duplicates), start the rankers afresh on them, and settle the logs again. True if re-read."""
        with self._lock:
            if logfile.files_signature(results_files(self.results)) == self._results_signature:
                self.refresh()
                return False
            self._read_results()  # raises, keeping what the app had, if the run left no records
            for reranker in self._rerankers.values():
                reranker.close()
            self._rerankers = {}
            self._reload()
            return True

    # ---------------------------------------------------------------- reading the logs

    def _log_path(self, stage: str, reviewer: str) -> Path:
        return self.screening / stage / f"{reviewer}.csv"

    def _disk_signature(self) -> tuple:
        folders = [self.screening / stage for stage in STAGES]
        files = [self.screening / "resolutions.csv", self.screening / KEYS_FILE]
        return logfile.files_signature(
            files + [path for folder in folders if folder.is_dir() for path in sorted(folder.iterdir())]
        )

    def _reload(self) -> None:
        """Read every log again and settle them, with the one settle the workflow uses."""
        self._signature = self._disk_signature()
        try:
            state = settle_review(self.config, study_of=self.study_of, screening=self.screening, matcher=self.matcher)
        except DecisionLogError as error:
            self.load_error = str(error)
            return
        self.load_error = ""
        self.state = state
        self._decided_ids = {
            settlement.stage: {study for study, entry in settlement.studies.items() if entry.decisions}
            for settlement in (state.title_abstract, state.full_text)
        }
        self._bump()

    def refresh(self) -> None:
        """Re-read the logs if any changed on disk since the app last read or wrote them."""
        with self._lock:
            if self._disk_signature() != self._signature:
                self._reload()

    def _loaded(self) -> ReviewState:
        if self.load_error or self.state is None:
            raise DecisionLogError(self.load_error or "the decision logs have not been read")
        return self.state

    def _decided(self, stage: str) -> list[StudyStatus]:
        """The studies someone decided at `stage` (a few, among thousands pending), without scanning them all."""
        studies = self._loaded().stage(stage).studies
        return [studies[study] for study in sorted(self._decided_ids[stage]) if study in studies]

    def _decisions(self, stage: str, study: str) -> dict[str, Decision]:
        entry = self._loaded().stage(stage).studies.get(study)
        return entry.decisions if entry is not None else {}

    def _bump(self) -> None:
        self._version += 1
        for reranker in self._rerankers.values():
            reranker.request(self._version)

    # ---------------------------------------------------------------- statuses and queues

    def ta_status(self, study: str) -> str:
        """The settled title/abstract status of a study."""
        return self._loaded().title_abstract.studies[study].status

    def _pending_for(self, stage: str, study: str, reviewer: str) -> bool:
        entry = self._loaded().stage(stage).studies.get(study)
        return entry is not None and awaits(entry, reviewer, needed=self.needed)

    def _ranker_key(self, reviewer: str) -> str:
        # In dual modes each reviewer's model learns from their own decisions only: in blind mode so that the
        # order cannot betray the other's decisions, in open dual mode so that a record the other reviewer
        # labelled is not pushed to the end of this reviewer's queue.
        return TEAM if self.mode == "single" else reviewer

    def reranker(self, reviewer: str) -> Reranker:
        key = self._ranker_key(reviewer)
        with self._lock:
            if key not in self._rerankers:
                model = SessionRanker.for_review(self.records, query_text(self.config), build_model(self.config))
                # Blind mode: the workflow's ranking learnt from both reviewers, so each starts from input order.
                initial = None if self.blind else self._initial
                reranker = Reranker(
                    model, lambda: self._labels(key), stopper=self._stopping, name=key or "team", initial=initial
                )
                self._rerankers[key] = reranker
                reranker.request(self._version)
            return self._rerankers[key]

    def _labels(self, key: str) -> Labels:
        with self._lock:
            if self.state is None:
                return Labels(self._version, {}, [])
            maybe_is_conflict = self.config["screening"].get("maybe_is_conflict", False)
            return training_labels(
                self._decided("title_abstract"),
                self.position,
                key,
                version=self._version,
                maybe_is_conflict=maybe_is_conflict,
            )

    def _stopping(self, screened: Sequence[int], n_total: int) -> dict[str, Any]:
        # The claim and the estimate from the same labels in screening order, as `slrflow rank` writes them.
        return in_words(stopping_figures(build_stopper(self.config), screened, n_total))

    def next_record(self, reviewer: str, stage: str) -> str | None:
        """The reviewer's next study: the first pending one in the current ranking."""
        self._check(reviewer, stage)
        self.refresh()
        ranking = self.reranker(reviewer).current
        with self._lock:
            pending = (
                self.records[position]["record_id"]
                for position in ranking.order.tolist()
                if self._pending_for(stage, self.records[position]["record_id"], reviewer)
            )
            if stage == "title_abstract":
                return next(pending, None)
            # Full text: the few studies that reached it, those with an extracted PDF first.
            studies = list(pending)
        retrieved = [study for study in studies if self.results.fulltext_record(study).is_file()]
        return (retrieved or studies or [None])[0]

    # ---------------------------------------------------------------- deciding and undoing

    def decide(
        self, reviewer: str, stage: str, record_id: str, decision: str, reason: str = "", note: str = ""
    ) -> Decision:
        """Append the decision to the reviewer's log, re-read it, and return it as the log now reads."""
        self._check(reviewer, stage)
        decision, reason = checked_decision(decision, reason, stage=stage, allowed=self.reasons[stage])
        note = note.strip()
        if record_id not in self.study_of:
            raise ValueError(f"record {record_id!r} is not in results/dedup/clusters.csv")
        if len(note) > MAX_NOTE:
            raise ValueError(f"the note has {len(note):,} characters; a note holds at most {MAX_NOTE:,}")
        self.refresh()
        with self._lock:
            study = self.study_of[record_id]
            previous = self._decisions(stage, study).get(reviewer)  # refuses while a log cannot be read
            self._keep_key(record_id)
            written, line = self._append(stage, reviewer, record_id, decision, reason, note)
            self._undo[(reviewer, stage)].append(logfile.UndoStep(written, line, previous))
            return line

    def _keep_key(self, record_id: str) -> None:
        """Keep the decided record's bibliographic key in screening/, so the decision can follow its report."""
        path = self.screening / KEYS_FILE
        if self._kept is None:
            self._kept = set(read_record_keys(path))
        if record_id in self._kept or record_id not in self.position:
            return
        logfile.append_line(path, format_key_line(self.records[self.position[record_id]]), header=KEY_COLUMNS)
        self._kept.add(record_id)

    def _append(
        self, stage: str, reviewer: str, record_id: str, decision: str, reason: str, note: str
    ) -> tuple[logfile.WrittenLine, Decision]:
        """Append, read the reviewer's log back, and settle the decided study again from what was read."""
        timestamp = datetime.now().astimezone().replace(microsecond=0)
        path = self._log_path(stage, reviewer)
        written = logfile.append_line(
            path, format_line(record_id, decision, reason, reviewer, timestamp, note), header=LOG_COLUMNS
        )
        study = self.study_of[record_id]
        try:
            held = logfile.read_back(
                written, stage, study, self.study_of, reviewers=self.reviewers, reasons=self.reasons
            )
        except DecisionLogError:
            self._reload()
            raise
        settlement = self._loaded().stage(stage)
        if study not in settlement.studies or self._others_wrote(written):
            self._reload()
            return written, held
        before = settlement.studies[study].status
        decisions = {**settlement.studies[study].decisions, reviewer: held}
        maybe_is_conflict = self.config["screening"].get("maybe_is_conflict", False)
        entry = resettle_study(settlement, study, decisions, mode=self.mode, maybe_is_conflict=maybe_is_conflict)
        self._decided_ids[stage].add(study)
        if stage == "title_abstract" and (before in TO_FULL_TEXT) != (entry.status in TO_FULL_TEXT):
            # The study joins or leaves full text: settle that stage again from its logs.
            state = self._loaded()
            resettle_full_text(self.config, state, screening=self.screening, study_of=self.study_of)
            self._decided_ids["full_text"] = {s for s, e in state.full_text.studies.items() if e.decisions}
        self._signature = self._disk_signature()
        self._bump()
        return written, held

    def _others_wrote(self, written: logfile.WrittenLine) -> bool:
        """Whether anyone but this append changed screening/ since the app last read it (then it reads it all)."""
        mine = {str(written.path), str(self.screening / KEYS_FILE)}
        changed = {entry[0] for entry in set(self._disk_signature()) ^ set(self._signature)}
        return bool(changed - mine) or written.path.stat().st_size != written.offset + len(written.data)

    def undo(self, reviewer: str, stage: str) -> logfile.UndoResult:
        """Undo the reviewer's last decision of this session (see slrflow.app.logfile for how)."""
        self._check(reviewer, stage)
        self.refresh()
        with self._lock:
            stack = self._undo[(reviewer, stage)]
            if not stack:
                return logfile.UndoResult(None, "Nothing to undo in this session.", "refused")
            entry = stack.pop()
            record_id = entry.decision.record_id
            if logfile.truncate_if_last(entry.written):
                self._reload()
                return logfile.UndoResult(
                    record_id, f"Undone: {entry.decision.decision} removed from the log.", "removed"
                )
            if entry.previous is None:
                return logfile.UndoResult(
                    record_id,
                    "The log changed after that decision, so it cannot be removed, and there was no earlier "
                    "decision to go back to: decide the record again to replace it.",
                    "refused",
                )
            before = entry.previous
            self._append(
                stage,
                reviewer,
                record_id,
                before.decision,
                before.reason,
                f"undo of {entry.decision.decision} at {entry.decision.timestamp.isoformat()}; restores the "
                f"decision of {before.timestamp.isoformat()}",
            )
            return logfile.UndoResult(record_id, f"Undone: back to {before.decision} (a correcting line).", "corrected")

    # ---------------------------------------------------------------- what the screen shows

    def record_view(self, record_id: str, reviewer: str, stage: str) -> dict[str, Any]:
        view = record_fields(self.records[self.position[record_id]])
        with self._lock:
            decided = self._decisions(stage, record_id)
            view["my_decision"] = decision_view(decided.get(reviewer))
            # Blind dual screening: another reviewer's decision is never sent to the browser.
            if not self.blind:
                view["others"] = {name: decision_view(d) for name, d in sorted(decided.items()) if name != reviewer}
            if stage == "full_text":
                view["title_abstract"] = self.ta_status(record_id)
        if stage == "full_text":
            view["fulltext"] = self.fulltext(record_id)
        return view

    def fulltext(self, record_id: str) -> dict[str, Any]:
        return fulltext_view(self.results.fulltext_record(record_id), self.directory)

    def progress(self, reviewer: str, stage: str) -> dict[str, Any]:
        self._check(reviewer, stage)
        ranking = self.reranker(reviewer).current
        with self._lock:
            settlement = self._loaded().stage(stage)
            mine = sorted(
                (s.decisions[reviewer] for s in self._decided(stage) if reviewer in s.decisions),
                key=lambda d: d.timestamp,
            )
            counts = {value: sum(d.decision == value for d in mine) for value in DECISIONS}
            total = len(settlement.studies)
            result: dict[str, Any] = {
                "stage": stage,
                "mode": self.mode,
                "total": total,
                "screened": len(mine),
                "counts": counts,
                "undo_available": bool(self._undo[(reviewer, stage)]),
                "model": ranking.model,
                "model_error": ranking.error,
                "model_trained_on": ranking.n_train,
                "model_up_to_date": ranking.version >= self._version,
            }
            if stage == "title_abstract":
                result["stopping"] = ranking.stopping or stopping_file(self.directory)
                result["plot"] = recall_svg([d.decision for d in mine], total=total)
            if not self.blind:
                result["team_screened"] = sum(1 for s in self._decided(stage) if s.decisions)
            return result

    def settings(self) -> dict[str, Any]:
        return settings_view(
            self.config, mode=self.mode, reasons=self.reasons, terms=self.terms, n_records=len(self.records)
        )

    def close(self) -> None:
        for reranker in self._rerankers.values():
            reranker.close()

    def wait_for_model(self, reviewer: str, timeout: float = 60.0) -> bool:
        """Block until the reviewer's ranking has been trained on every decision so far."""
        return self.reranker(reviewer).wait(self._version, timeout)

    def _check(self, reviewer: str, stage: str) -> None:
        if reviewer not in self.reviewers:
            raise ValueError(
                f"reviewer {reviewer!r} is not in config screening.reviewers ({', '.join(self.reviewers)})"
            )
        if stage not in STAGES:
            raise ValueError(f"stage {stage!r} is not one of {', '.join(STAGES)}")
