import glob
import shlex
from pathlib import Path

from snakemake.utils import validate

import slrflow
from slrflow.config import dates_as_text
from slrflow.screening.decisions import log_files
from slrflow.screening.reattach import KEYS_FILE

config.update(dates_as_text(config))
validate(config, schema="../schemas/config.schema.yaml")

# Rules run `python -m slrflow` from this workflow's own tree, in the project's venv or a conda env alike.
WORKFLOW_DIR = Path(workflow.basedir).parent


shell.prefix(
    # Snakemake formats the prefix too, hence the doubled braces around the shell's ${...}.
    f"set -euo pipefail; export PYTHONPATH={shlex.quote(str(WORKFLOW_DIR))}${{{{PYTHONPATH:+:$PYTHONPATH}}}}; "
)
# Library changes alone do not make Snakemake rerun a rule; the version in params does.
SLRFLOW_VERSION = slrflow.__version__
SEARCHES = {search["name"]: search for search in config["searches"]}
OTHER_SOURCES = {source["name"]: source for source in config["other_sources"]}
SOURCES = {**SEARCHES, **OTHER_SOURCES}
FULLTEXT_DIR = config["fulltext"]["directory"]


# Rules that only read and write small tables run where Snakemake runs, not as cluster jobs.
localrules:
    all,
    settle_decisions,
    match_fulltext,
    extraction,
    prisma,
    audit,
    reviewer_queues,


def source_files():
    return [SOURCES[name]["file"] for name in SOURCES]


def database_file_args():
    """`DATABASE=FILE` per source, so every imported row carries the database PRISMA counts it under."""
    return " ".join(
        shlex.quote(f"{source.get('database', name)}={source['file']}")
        for name, source in SOURCES.items()
    )


def decision_logs(stage):
    """Every reviewer's log for a stage (ASHA.CSV too, which the library refuses by name);
    the rule reruns when a log changes or a new one appears."""
    return [str(path) for path in log_files(f"screening/{stage}")]


def screening_inputs():
    files = decision_logs("title_abstract") + decision_logs("full_text")
    return files + [
        path
        for path in ["screening/resolutions.csv", f"screening/{KEYS_FILE}"]
        if Path(path).exists()
    ]


def duplicate_overrides():
    path = "screening/duplicates.csv"
    return [path] if Path(path).exists() else []


def pdf_stems():
    return sorted(Path(path).stem for path in glob.glob(f"{FULLTEXT_DIR}/*.pdf"))


def all_outputs():
    return [
        "results/screening/queue.csv",
        *expand(
            "results/screening/queue_{reviewer}.csv",
            reviewer=config["screening"]["reviewers"],
        ),
        "results/fulltext/extraction.csv",
        "results/prisma/flow_diagram.png",
        "results/audit/index.html",
    ]
