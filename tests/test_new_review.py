"""`slrflow init`: a new review folder whose config is valid as written and whose screening/README.md is the
decision format that config/README.md documents; and the README's cluster command keeps the profile's defaults."""

from __future__ import annotations

import re
import shlex
from datetime import date

import pytest
import yaml

from slrflow.cli import main
from slrflow.config import load_config
from slrflow.errors import ConfigError
from slrflow.new_review import REVIEW_FILES, create_review


def test_init_writes_a_valid_commented_config_and_the_folders(tmp_path, capsys):
    assert (
        main(["init", str(tmp_path / "rv"), "--reviewer", "asha", "--reviewer", "ben", "--title", 'A "quoted": title'])
        == 0
    )
    review = tmp_path / "rv"
    config = load_config(review / "config" / "config.yaml")
    assert config["screening"]["reviewers"] == ["asha", "ben"]
    assert config["review"]["title"] == 'A "quoted": title'
    assert [s["file"] for s in config["searches"]] == ["resources/searches/pubmed.txt", "resources/searches/scopus.ris"]
    text = (review / "config" / "config.yaml").read_text()
    assert text.count("\n#") + text.count(" # ") >= 10  # commented for a person
    for folder in ("resources/searches", "resources/fulltext", "screening/title_abstract", "screening/full_text"):
        assert (review / folder).is_dir()
    assert "results/" in (review / ".gitignore").read_text()
    # The next steps name the folder and a snakemake command with the workflow's Snakefile.
    err = capsys.readouterr().err
    assert "resources/searches/" in err and re.search(r"snakemake -c2 -s \S*workflow/Snakefile --directory \S*rv", err)


def test_init_never_overwrites_a_review(tmp_path):
    create_review(tmp_path, reviewers=["asha"], title="T", question="Q", today=date(2025, 1, 31))
    config = (tmp_path / "config" / "config.yaml").read_text()
    assert 'date: "2025-01-31"' in config
    with pytest.raises(ConfigError, match="exists already"):
        create_review(tmp_path, reviewers=["ben"], title="T", question="Q", today=date(2025, 1, 31))
    assert (tmp_path / "config" / "config.yaml").read_text() == config


def test_init_refuses_a_reviewer_name_that_cannot_be_a_file_name(tmp_path):
    with pytest.raises(ConfigError, match=r"screening\.reviewers\[0\] is 'asha k'; expected a short name"):
        create_review(tmp_path, reviewers=["asha k"], title="T", question="Q", today=date(2025, 1, 31))
    assert not (tmp_path / "config").exists()


def test_screening_readme_is_the_format_config_readme_documents(repo):
    template = (REVIEW_FILES / "screening_README.md").read_text()
    documented = (repo / "config" / "README.md").read_text()
    body = template[template.index("## Decision logs") :].replace("## ", "### ")
    assert body in documented
    # Its example lines are real decisions: the decision words and the time-zoned timestamp the reader accepts.
    for word in ("`include`", "`exclude`", "`maybe`", "2024-06-03T09:10:00+01:00", "record_id,decision,reason"):
        assert word in body


def test_readme_slurm_command_keeps_the_profiles_default_resources(repo):
    readme = (repo / "README.md").read_text()
    block = readme[readme.index("## On a cluster") :].split("```")[1]
    words = shlex.split(block.replace("\\\n", " "))
    given = words[words.index("--default-resources") + 1 :]
    given = {word.split("=")[0] for word in given if "=" in word}
    profile = yaml.safe_load((repo / "workflow/profiles/slurm/config.yaml").read_text())
    assert set(profile["default-resources"]) <= given
    assert {"slurm_account", "slurm_partition"} <= given
