"""A new review folder, as `slrflow init` writes it: the four folders of ARCHITECTURE.md's flow, ready to fill.

config/config.yaml is a commented copy of review_files/config.yaml, valid against the schema as written;
screening/README.md explains the decision-log format (config/README.md holds the same text).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from string import Template

import yaml

from slrflow.config import validate_config
from slrflow.errors import ConfigError

__all__ = ["REVIEW_FILES", "create_review", "render_config"]

REVIEW_FILES = Path(__file__).resolve().parent / "review_files"
FOLDERS = ("config", "resources/searches", "resources/fulltext", "screening/title_abstract", "screening/full_text")
GITIGNORE = (
    "# Everything here is rebuilt by the workflow from config/, resources/ and screening/.\nresults/\n.snakemake/\n"
)


def render_config(*, reviewers: list[str], title: str, question: str, today: date) -> str:
    """The commented config with the given values; raises ConfigError when a value breaks the schema."""
    text = Template((REVIEW_FILES / "config.yaml").read_text(encoding="utf-8")).substitute(
        # JSON strings are YAML double-quoted scalars, so any title or question is written safely.
        title=json.dumps(title, ensure_ascii=False),
        question=json.dumps(question, ensure_ascii=False),
        reviewers=", ".join(json.dumps(name) for name in reviewers),
        today=today.isoformat(),
    )
    validate_config(yaml.safe_load(text), source="the new config/config.yaml")
    return text


def create_review(directory: str | Path, *, reviewers: list[str], title: str, question: str, today: date) -> list[Path]:
    """Create the review folder (or complete an empty one); returns the files written. Never overwrites."""
    directory = Path(directory)
    config_path = directory / "config" / "config.yaml"
    if config_path.exists():
        raise ConfigError(f"{config_path} exists already: {directory} is a review; edit its config instead")
    config_text = render_config(reviewers=reviewers, title=title, question=question, today=today)
    for folder in FOLDERS:
        (directory / folder).mkdir(parents=True, exist_ok=True)
    written = []
    for path, text in (
        (config_path, config_text),
        (directory / "screening" / "README.md", (REVIEW_FILES / "screening_README.md").read_text(encoding="utf-8")),
        (directory / ".gitignore", GITIGNORE),
    ):
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
