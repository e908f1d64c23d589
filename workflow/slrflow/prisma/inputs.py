"""The tables PRISMA counts are computed from, read once and kept with the paths they came from."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard

from slrflow.errors import InputFileError
from slrflow.layout import ResultsLayout
from slrflow.tables import read_table

__all__ = ["PrismaInputs", "read_inputs", "results_paths"]

Rows = list[dict[str, str]]


@dataclass(frozen=True)
class PrismaInputs:
    """Rows of every input table; `paths` names where each came from, for error messages."""

    import_records: Rows
    clusters: Rows
    dedup_records: Rows
    title_abstract: Rows
    full_text: Rows = field(default_factory=list)
    matches: Rows = field(default_factory=list)
    study_links: Rows = field(default_factory=list)  # results/dedup/studies.csv; empty: each report is a study
    pdf_status: dict[str, str] = field(default_factory=dict)  # PDF file stem -> status ("ok", "encrypted", ...)
    stop: bool = False  # results/screening/stopping.json says the stopping rule is met
    paths: dict[str, str] = field(default_factory=dict)

    def path(self, name: str) -> str:
        return self.paths.get(name, name)


def results_paths(results: str | Path) -> dict[str, Path]:
    """Where each input sits under a results/ folder laid out as in DATAFLOW.md."""
    layout = ResultsLayout(Path(results))
    return {
        "import_records": layout.import_records,
        "clusters": layout.clusters,
        "dedup_records": layout.dedup_records,
        "study_links": layout.studies,
        "title_abstract": layout.title_abstract,
        "full_text": layout.full_text,
        "matches": layout.fulltext_matches,
        "pdf_status": layout.pdf_records,
        "stopping": layout.stopping,
    }


def read_inputs(
    *,
    import_records: str | Path,
    clusters: str | Path,
    dedup_records: str | Path,
    title_abstract: str | Path,
    full_text: str | Path | None = None,
    matches: str | Path | None = None,
    pdf_status: str | Path | None = None,
    stopping: str | Path | None = None,
    study_links: str | Path | None = None,
) -> PrismaInputs:
    """Read the inputs; the last five are optional (None or absent: no full-text stage, no stopping rule yet,
    no links between reports of one study)."""
    required = {
        "import_records": import_records,
        "clusters": clusters,
        "dedup_records": dedup_records,
        "title_abstract": title_abstract,
    }
    optional = {"full_text": full_text, "matches": matches, "study_links": study_links}
    tables = {name: _read(path) for name, path in required.items()}
    tables.update({name: _read(path) if _exists(path) else [] for name, path in optional.items()})
    paths = {name: str(path) for name, path in {**required, **optional}.items() if path is not None}
    return PrismaInputs(
        **tables,
        pdf_status=_pdf_status(pdf_status),
        stop=_stop(stopping),
        paths=paths,
    )


def _exists(path: str | Path | None) -> TypeGuard[str | Path]:
    return path is not None and Path(path).is_file()


def _read(path: str | Path) -> Rows:
    if not Path(path).exists():
        raise InputFileError("does not exist; run the stage that writes it first", path=path)
    return read_table(path)


def _load_json(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as error:
        raise InputFileError(f"is not readable JSON ({error})", path=path) from None
    if not isinstance(data, dict):
        raise InputFileError("must hold a JSON object", path=path)
    return data


def _pdf_status(folder: str | Path | None) -> dict[str, str]:
    if folder is None or not Path(folder).is_dir():
        return {}
    return {path.stem: str(_load_json(path).get("status", "")) for path in sorted(Path(folder).glob("*.json"))}


def _stop(path: str | Path | None) -> bool:
    if not _exists(path):
        return False
    stop = _load_json(Path(path)).get("stop", False)
    if not isinstance(stop, bool):
        raise InputFileError(f'"stop" must be true or false, not {stop!r}', path=path)
    return stop
