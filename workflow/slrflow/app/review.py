"""The review as the screening app sees it: records, studies, decision logs and each reviewer's queue.

Everything is read from the review directory: config/config.yaml, results/dedup/{records,clusters}.csv (written
by the workflow), screening/<stage>/<reviewer>.csv and screening/resolutions.csv. The logs are the only state:
the app appends to them and re-reads them whenever a file changed on disk, so a line typed into a log by hand and
a key pressed in the app are the same data.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from slrflow.app.highlight import criteria_terms
from slrflow.app.logfile import WrittenLine, append_line, format_line, truncate_if_last
from slrflow.app.progress import recall_svg
from slrflow.app.reranker import Labels, Reranker, SessionRanker
from slrflow.config import load_config
from slrflow.decisions import DECISIONS, STAGES, Decision, read_logs, read_resolutions, settle
from slrflow.errors import DecisionLogError, InputFileError
from slrflow.screening_state import TO_FULL_TEXT
from slrflow.tables import read_table, split_list

__all__ = ["Review", "ReviewNotBuiltError", "UndoResult"]

TEAM = ""  # the ranking key shared by all reviewers in single screening


class ReviewNotBuiltError(InputFileError):
    """The workflow has not produced the deduplicated records yet."""


@dataclass
class _Undo:
    written: WrittenLine
    decision: Decision
    previous: Decision | None


@dataclass(frozen=True)
class UndoResult:
    record_id: str | None
    message: str
    how: str  # removed, corrected or refused


class Review:
    """Thread-safe state of one review for the app; every public method takes the lock."""

    def __init__(self, directory: str | Path, *, config_path: str | Path | None = None) -> None:
        self.directory = Path(directory).resolve()
        self.config = load_config(config_path or self.directory / "config" / "config.yaml")
        options = self.config["screening"]
        self.mode: str = options.get("mode", "single")
        self.reviewers: list[str] = list(options["reviewers"])
        self.reasons: dict[str, list[str]] = {
            "title_abstract": list(options.get("title_abstract_reasons", [])),
            "full_text": list(options.get("full_text_reasons", [])),
        }
        self.needed = 1 if self.mode == "single" else 2
        self.blind = self.mode == "blind_dual"
        self.terms = criteria_terms(self.config)
        self.screening = self.directory / "screening"
        records_path = self.directory / "results" / "dedup" / "records.csv"
        clusters_path = self.directory / "results" / "dedup" / "clusters.csv"
        missing = [p for p in (records_path, clusters_path) if not p.is_file()]
        if missing:
            raise ReviewNotBuiltError(
                f"{', '.join(str(p.relative_to(self.directory)) for p in missing)} not found: run `snakemake -c2` "
                "in the review directory first, so that the searches are imported and deduplicated",
                path=self.directory,
            )
        self.records: list[dict[str, str]] = read_table(records_path)
        self.position = {row["record_id"]: i for i, row in enumerate(self.records)}
        self.study_of: dict[str, str] = {row["record_id"]: row["cluster_id"] for row in read_table(clusters_path)}
        for study in self.position:
            self.study_of.setdefault(study, study)
        self._lock = threading.RLock()
        self._version = 0
        self._signature: tuple = ()
        self._undo: dict[tuple[str, str], list[_Undo]] = defaultdict(list)
        self._rerankers: dict[str, Reranker] = {}
        self.load_error = ""
        self._logs: dict[str, list[Decision]] = {stage: [] for stage in STAGES}
        self._resolved: dict[str, dict[str, Decision]] = {stage: {} for stage in STAGES}
        self._current: dict[str, dict[str, dict[str, Decision]]] = {stage: {} for stage in STAGES}
        self._reload()

    # ---------------------------------------------------------------- reading the logs

    def _log_path(self, stage: str, reviewer: str) -> Path:
        return self.screening / stage / f"{reviewer}.csv"

    def _disk_signature(self) -> tuple:
        files = [self.screening / "resolutions.csv"]
        for stage in STAGES:
            folder = self.screening / stage
            if folder.is_dir():
                files.extend(sorted(folder.glob("*.csv")))
        signature = []
        for path in files:
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            signature.append((str(path), stat.st_size, stat.st_mtime_ns))
        return tuple(signature)

    def _reload(self) -> None:
        """Read every log again and rebuild the per-study decisions, as slrflow.decisions.settle reads them."""
        self._signature = self._disk_signature()
        try:
            resolutions = read_resolutions(self.screening / "resolutions.csv", reasons_by_stage=self.reasons)
            logs = {
                stage: read_logs(
                    self.screening / stage, stage=stage, reviewers=self.reviewers, reasons=self.reasons[stage]
                )
                for stage in STAGES
            }
        except DecisionLogError as error:
            self.load_error = str(error)
            return
        self.load_error = ""
        self._logs = logs
        self._resolved = {stage: {} for stage in STAGES}
        for resolution in resolutions:
            study = self.study_of.get(resolution.record_id)
            if study is not None:
                self._resolved[resolution.stage][study] = resolution
        self._current = {}
        for stage in STAGES:
            self._current[stage] = self._by_study(logs[stage])
        self._bump()

    def _by_study(self, decisions: list[Decision]) -> dict[str, dict[str, Decision]]:
        # The same rules as slrflow.decisions.settle: the latest line per (reviewer, record); across members of a
        # cluster the later timestamp is the reviewer's view of the study.
        latest: dict[tuple[str, str], Decision] = {}
        for decision in decisions:
            latest[(decision.reviewer, decision.record_id)] = decision
        by_study: dict[str, dict[str, Decision]] = defaultdict(dict)
        for decision in latest.values():
            study = self.study_of.get(decision.record_id)
            if study is None:
                continue
            held = by_study[study].get(decision.reviewer)
            if held is None or decision.timestamp >= held.timestamp:
                by_study[study][decision.reviewer] = decision
        return by_study

    def refresh(self) -> None:
        """Re-read the logs if any changed on disk since the app last read or wrote them."""
        with self._lock:
            if self._disk_signature() != self._signature:
                self._reload()

    def _bump(self) -> None:
        self._version += 1
        for reranker in self._rerankers.values():
            reranker.request(self._version)

    # ---------------------------------------------------------------- statuses and queues

    def ta_status(self, study: str) -> str:
        """The title/abstract status of a study, by slrflow.decisions.settle's rules."""
        resolution = self._resolved["title_abstract"].get(study)
        if resolution is not None:
            return resolution.decision
        decisions = list(self._current["title_abstract"].get(study, {}).values())
        result = settle(
            decisions,
            stage="title_abstract",
            study_of={d.record_id: study for d in decisions} or {study: study},
            studies=[study],
            mode=self.mode,
            maybe_is_conflict=self.config["screening"].get("maybe_is_conflict", False),
        )
        return result.studies[study].status

    def _pending_for(self, stage: str, study: str, reviewer: str) -> bool:
        if study in self._resolved[stage]:
            return False
        decided = self._current[stage].get(study, {})
        if reviewer in decided or len(decided) >= self.needed:
            return False
        if stage == "title_abstract":
            return True
        reached = study in self._current["title_abstract"] or study in self._resolved["title_abstract"]
        return reached and self.ta_status(study) in TO_FULL_TEXT

    def _ranker_key(self, reviewer: str) -> str:
        # In dual modes each reviewer's model learns from their own decisions only: in blind mode so that the
        # order cannot betray the other's decisions, in open dual mode so that a record the other reviewer
        # labelled is not pushed to the end of this reviewer's queue.
        return TEAM if self.mode == "single" else reviewer

    def reranker(self, reviewer: str) -> Reranker:
        key = self._ranker_key(reviewer)
        with self._lock:
            if key not in self._rerankers:
                from slrflow.ranking.features import record_text

                model = SessionRanker(
                    [row["record_id"] for row in self.records],
                    [record_text(row) for row in self.records],
                    query_text=_query_text(self.config),
                    seed=int(self.config.get("ranking", {}).get("seed", 42)),
                    components={
                        name: value
                        for name, value in self.config.get("ranking", {}).items()
                        if name in ("classifier", "feature_extractor")
                    },
                )
                self._rerankers[key] = Reranker(
                    model, lambda: self._labels(key), stopper=self._stopping, name=key or "team"
                )
                self._rerankers[key].request(self._version)
            return self._rerankers[key]

    def _labels(self, key: str) -> Labels:
        """What the model for `key` may learn from: in blind mode only that reviewer's own decisions."""
        with self._lock:
            train: dict[int, int] = {}
            screened: list[tuple[datetime, int]] = []
            for study, decisions in self._current["title_abstract"].items():
                position = self.position.get(study)
                if position is None:
                    continue
                mine = list(decisions.values()) if not key else [decisions[key]] if key in decisions else []
                if not mine:
                    continue
                values = {d.decision for d in mine}
                if {"include", "exclude"} <= values:
                    continue  # a conflict: neither a label to learn from nor screened, as `slrflow rank` counts
                if values == {"include"}:
                    train[position] = 1
                elif values == {"exclude"}:
                    train[position] = 0
                # The stopping rule counts maybe as relevant (it goes on to full text), as `slrflow rank` does.
                screened.append((min(d.timestamp for d in mine), 0 if values == {"exclude"} else 1))
            screened.sort(key=lambda item: item[0])  # stable: ties keep the order the logs gave them
            return Labels(self._version, train, [label for _, label in screened])

    def _stopping(self, screened: list[int], n_total: int) -> dict[str, Any]:
        from slrflow.ranking.stopping import BuscarStopper

        options = self.config.get("stopping", {})
        stopper = BuscarStopper(
            recall_target=options.get("recall_target", 0.95), confidence=options.get("confidence", 0.95)
        )
        return stopper.evaluate(screened, n_total).to_dict()

    def next_record(self, reviewer: str, stage: str) -> str | None:
        """The reviewer's next study: the first pending one in the current ranking."""
        self._check(reviewer, stage)
        self.refresh()
        ranking = self.reranker(reviewer).current
        with self._lock:
            if self.load_error:
                raise DecisionLogError(self.load_error)
            pending = (
                self.records[position]["record_id"]
                for position in ranking.order.tolist()
                if self._pending_for(stage, self.records[position]["record_id"], reviewer)
            )
            if stage == "title_abstract":
                return next(pending, None)
            # Full text: the few studies that reached it, those with an extracted PDF first.
            studies = list(pending)
        retrieved = [study for study in studies if self._fulltext_path(study).is_file()]
        return (retrieved or studies or [None])[0]

    def _fulltext_path(self, record_id: str) -> Path:
        return self.directory / "results" / "fulltext" / "records" / f"{record_id}.json"

    # ---------------------------------------------------------------- deciding and undoing

    def decide(
        self, reviewer: str, stage: str, record_id: str, decision: str, reason: str = "", note: str = ""
    ) -> Decision:
        """Append the decision to the reviewer's log at once; the ranking retrains in the background."""
        self._check(reviewer, stage)
        decision = decision.strip().lower()
        reason = reason.strip()
        note = " ".join(note.split())
        if decision not in DECISIONS:
            raise ValueError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
        if record_id not in self.study_of:
            raise ValueError(f"record {record_id!r} is not in results/dedup/clusters.csv")
        allowed = self.reasons[stage]
        if stage == "full_text" and decision == "exclude" and not reason:
            raise ValueError(f"a full-text exclusion needs a reason, one of: {'; '.join(allowed)}")
        if reason and allowed and reason not in allowed:
            raise ValueError(f"reason {reason!r} is not in the configured list: {'; '.join(allowed)}")
        self.refresh()
        with self._lock:
            if self.load_error:
                raise DecisionLogError(self.load_error)
            study = self.study_of[record_id]
            previous = self._current[stage].get(study, {}).get(reviewer)
            written, line = self._append(stage, reviewer, record_id, decision, reason, note)
            self._undo[(reviewer, stage)].append(_Undo(written, line, previous))
            return line

    def _append(
        self, stage: str, reviewer: str, record_id: str, decision: str, reason: str, note: str
    ) -> tuple[WrittenLine, Decision]:
        timestamp = datetime.now().astimezone().replace(microsecond=0)
        path = self._log_path(stage, reviewer)
        written = append_line(path, format_line(record_id, decision, reason, reviewer, timestamp, note))
        line = Decision(record_id, decision, reason, reviewer, timestamp, note, str(path), 0, stage)
        self._logs[stage].append(line)
        self._current[stage][self.study_of[record_id]][reviewer] = line
        self._signature = self._disk_signature()
        self._bump()
        return written, line

    def undo(self, reviewer: str, stage: str) -> UndoResult:
        """Undo the reviewer's last decision of this session (see slrflow.app.logfile for how)."""
        self._check(reviewer, stage)
        self.refresh()
        with self._lock:
            stack = self._undo[(reviewer, stage)]
            if not stack:
                return UndoResult(None, "Nothing to undo in this session.", "refused")
            entry = stack.pop()
            record_id = entry.decision.record_id
            if truncate_if_last(entry.written):
                self._reload()
                return UndoResult(record_id, f"Undone: {entry.decision.decision} removed from the log.", "removed")
            if entry.previous is None:
                return UndoResult(
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
            return UndoResult(record_id, f"Undone: back to {before.decision} (a correcting line).", "corrected")

    # ---------------------------------------------------------------- what the screen shows

    def record_view(self, record_id: str, reviewer: str, stage: str) -> dict[str, Any]:
        row = self.records[self.position[record_id]]
        view: dict[str, Any] = {
            "record_id": record_id,
            "title": row.get("title", ""),
            "abstract": row.get("abstract", ""),
            "authors": split_list(row.get("authors")),
            "year": row.get("year", ""),
            "journal": row.get("journal", ""),
            "doi": row.get("doi", ""),
            "url": row.get("url", ""),
            "keywords": split_list(row.get("keywords")),
            "databases": split_list(row.get("databases")),
            "n_members": row.get("n_members", ""),
        }
        with self._lock:
            mine = self._current[stage].get(record_id, {}).get(reviewer)
            view["my_decision"] = _decision_view(mine)
            # Blind dual screening: another reviewer's decision is never sent to the browser.
            if not self.blind:
                view["others"] = {
                    name: _decision_view(d)
                    for name, d in sorted(self._current[stage].get(record_id, {}).items())
                    if name != reviewer
                }
            if stage == "full_text":
                view["title_abstract"] = self.ta_status(record_id)
        if stage == "full_text":
            view["fulltext"] = self.fulltext(record_id)
        return view

    def fulltext(self, record_id: str) -> dict[str, Any]:
        """results/fulltext/records/<record_id>.json as the extraction step wrote it: pages and extracted fields."""
        path = self._fulltext_path(record_id)
        if not path.is_file():
            return {
                "status": "not retrieved",
                "message": f"no {path.relative_to(self.directory)}: no PDF matched this record yet. Put its PDF in "
                "resources/fulltext/ and run `snakemake -c2` again, or exclude it as full text not available.",
                "pages": [],
                "fields": [],
            }
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            return {"status": "unreadable", "message": f"{path.name}: {error}", "pages": []}
        return {
            "status": data.get("status", "ok"),
            "pdf": data.get("pdf", data.get("source", "")),
            "pages": [_page_text(page) for page in data.get("pages", [])],
            "fields": _fields(data),
        }

    def progress(self, reviewer: str, stage: str) -> dict[str, Any]:
        self._check(reviewer, stage)
        ranking = self.reranker(reviewer).current
        with self._lock:
            mine = sorted(
                (d for decisions in self._current[stage].values() for name, d in decisions.items() if name == reviewer),
                key=lambda d: d.timestamp,
            )
            counts = {value: sum(d.decision == value for d in mine) for value in DECISIONS}
            if stage == "title_abstract":
                total = len(self.records)
            else:
                decided = set(self._current["title_abstract"]) | set(self._resolved["title_abstract"])
                total = sum(self.ta_status(study) in TO_FULL_TEXT for study in decided)
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
                result["stopping"] = ranking.stopping or self._stopping_file()
                result["plot"] = recall_svg([d.decision for d in mine], total=total)
            if not self.blind:
                result["team_screened"] = sum(1 for decisions in self._current[stage].values() if decisions)
            return result

    def _stopping_file(self) -> dict[str, Any] | None:
        path = self.directory / "results" / "screening" / "stopping.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def settings(self) -> dict[str, Any]:
        review = self.config["review"]
        eligibility = review.get("eligibility", {}) or {}
        return {
            "title": review["title"],
            "question": review["question"],
            "include": eligibility.get("include", []),
            "exclude": eligibility.get("exclude", []),
            "reviewers": self.reviewers,
            "mode": self.mode,
            "reasons": self.reasons,
            "terms": self.terms,
            "n_records": len(self.records),
        }

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


def _query_text(config: Mapping[str, Any]) -> str:
    """The text the ranking starts from, as the workflow's rank rule builds it (rules/common.smk)."""
    review = config["review"]
    eligibility = review.get("eligibility", {}) or {}
    return " ".join([review["title"], review["question"], *eligibility.get("include", [])])


def _decision_view(decision: Decision | None) -> dict[str, str] | None:
    if decision is None:
        return None
    return {
        "decision": decision.decision,
        "reason": decision.reason,
        "note": decision.note,
        "timestamp": decision.timestamp.isoformat(),
    }


def _page_text(page: Any) -> str:
    if isinstance(page, str):
        return page
    if isinstance(page, Mapping):
        return str(page.get("text", ""))
    return str(page)


def _fields(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Extracted fields as a list of {field, value, page, snippet}, from a mapping or a list."""
    raw = data.get("fields", data.get("extracted", {}))
    items: list[dict[str, Any]] = []
    if isinstance(raw, Mapping):
        for name, value in raw.items():
            values = value if isinstance(value, list) else [value]
            for item in values:
                entry = dict(item) if isinstance(item, Mapping) else {"value": item}
                entry.setdefault("field", name)
                items.append(entry)
    elif isinstance(raw, list):
        items = [dict(item) for item in raw if isinstance(item, Mapping)]
    return [
        {
            "field": str(item.get("field", item.get("name", ""))),
            "value": "" if item.get("value") is None else str(item.get("value")),
            "page": item.get("page"),
            "snippet": str(item.get("snippet", "") or ""),
        }
        for item in items
    ]
