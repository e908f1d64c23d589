"""What the app reads of the workflow's results: the deduplicated records, their studies and the ranking."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from slrflow.app.logfile import files_signature
from slrflow.app.reranker import Ranking, workflow_ranking
from slrflow.app.views import build_command
from slrflow.errors import InputFileError
from slrflow.layout import ResultsLayout
from slrflow.screening.reattach import Matcher
from slrflow.tables import read_table

__all__ = ["ReviewNotBuiltError", "WorkflowResults", "read_results", "results_files"]


class ReviewNotBuiltError(InputFileError):
    """The workflow has not produced the deduplicated records yet."""


@dataclass(frozen=True)
class WorkflowResults:
    records: list[dict[str, str]]
    position: dict[str, int]  # record_id -> its row in records
    study_of: dict[str, str]  # record_id -> the study (dedup cluster) it belongs to
    matcher: Matcher
    initial_ranking: Ranking | None  # the workflow's ranking, served until the app's model has trained
    signature: tuple  # of the files read, to tell whether a workflow run changed them


def results_files(layout: ResultsLayout) -> list[Path]:
    return [layout.dedup_records, layout.clusters, layout.ranking]


def read_results(directory: Path, layout: ResultsLayout) -> WorkflowResults:
    """Read the records, studies and ranking; ReviewNotBuiltError with the command to run if they are missing."""
    records_path, clusters_path, ranking_path = results_files(layout)
    missing = [p for p in (records_path, clusters_path) if not p.is_file()]
    if missing:
        raise ReviewNotBuiltError(
            f"{', '.join(str(p.relative_to(directory)) for p in missing)} not found: the searches are not "
            f"imported and deduplicated yet. In {directory}, run `{build_command()}`",
            path=directory,
        )
    signature = files_signature(results_files(layout))
    records = read_table(records_path)
    position = {row["record_id"]: i for i, row in enumerate(records)}
    study_of = {row["record_id"]: row["cluster_id"] for row in read_table(clusters_path)}
    for study in position:
        study_of.setdefault(study, study)
    return WorkflowResults(
        records, position, study_of, Matcher(records, study_of), workflow_ranking(ranking_path, position), signature
    )
