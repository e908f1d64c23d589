import glob
import importlib.util
import shlex
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.settings.types import DeploymentMethod
from snakemake.utils import validate

# The workflow's own tree: workflow/ holds the slrflow package beside rules/ (an installed slrflow keeps it in
# site-packages instead). Parsing finds the package here first, so a plain Snakemake install can parse the
# workflow (--sdm conda) and the Snakefile, the rules and the library always come from the same tree.
WORKFLOW_DIR = Path(str(workflow.current_basedir)).parent
sys.path.insert(0, str(WORKFLOW_DIR))

import slrflow
from slrflow.config import check_source_files, dates_as_text, validate_config
from slrflow.errors import ConfigError
from slrflow.screening.decisions import log_files
from slrflow.screening.reattach import KEYS_FILE
from slrflow.summary import failure_report, run_summary

# The config is checked by slrflow first, for a message that names the key and the fix in one line; Snakemake's
# validate then fills the schema's defaults as usual.
CONFIG_FILE = (workflow.configfiles or ["config/config.yaml"])[-1]
try:
    config.update(validate_config(dates_as_text(config), source=CONFIG_FILE))
    check_source_files(config, source=CONFIG_FILE)
except ConfigError as error:
    raise WorkflowError(str(error)) from None
validate(config, schema="../schemas/config.schema.yaml")


def rule_python_dir():
    """The folder whose `python` the rules run, or None for the one first on PATH.

    Rules run `python -m slrflow`. Under --sdm conda that is the rule's environment; otherwise it is the
    interpreter running Snakemake when that one has slrflow's libraries (`.venv/bin/snakemake` without an
    activated venv), else whatever `python` is first on PATH (an activated venv beside a system Snakemake).
    """
    deployment = workflow.deployment_settings
    if (
        deployment is not None
        and DeploymentMethod.CONDA in deployment.deployment_method
    ):
        return None
    if all(
        importlib.util.find_spec(name) for name in ("sklearn", "pdfplumber", "rispy")
    ):
        return str(Path(sys.executable).parent)
    return None


PYTHON_DIR = rule_python_dir()
shell.prefix(
    # Snakemake formats the prefix too, hence the doubled braces around the shell's ${...}.
    "set -euo pipefail; "
    + (f"export PATH={shlex.quote(PYTHON_DIR)}:$PATH; " if PYTHON_DIR else "")
    + f"export PYTHONPATH={shlex.quote(str(WORKFLOW_DIR))}${{{{PYTHONPATH:+:$PYTHONPATH}}}}; "
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
        "results/export/included.ris",
        "results/export/included.bib",
        "results/export/included_asreview.csv",
    ]


def failed_job_logs():
    """The log files of this run's failed jobs, from Snakemake's scheduler (empty if it cannot tell)."""
    failed = getattr(getattr(workflow, "scheduler", None), "failed", None) or ()
    return sorted({str(path) for job in failed for path in job.log})
