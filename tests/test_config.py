import pytest
import yaml

from slrflow.config import check_source_files, load_config
from slrflow.errors import ConfigError

MINIMAL = {
    "review": {"title": "Peer support", "question": "What helps?"},
    "searches": [
        {"name": "scopus", "database": "Scopus", "file": "s.ris", "date": "2024-05-14", "query": "personal budget*"}
    ],
    "screening": {"reviewers": ["asha"]},
}


def write(tmp_path, config):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_defaults_are_filled(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert config["screening"]["mode"] == "single"
    assert config["stopping"] == {"recall_target": 0.95, "confidence": 0.95, "apply": False}
    assert config["fulltext"]["directory"] == "resources/fulltext"
    assert config["other_sources"] == []


def test_shipped_example_config_is_valid(repo):
    config = load_config(repo / "config" / "config.yaml")
    assert len(config["searches"]) >= 3


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c.update(unknown_key=1), "unknown key 'unknown_key' at the top level; the keys allowed there are"),
        (lambda c: c["screening"].update(mode="triple"), "screening.mode is 'triple'; expected one of single, dual"),
        (
            lambda c: c["searches"][0].update(date="14/05/2024"),
            "searches[0] (scopus).date is '14/05/2024'; expected a date written YYYY-MM-DD, e.g. 2024-05-14",
        ),
        (lambda c: c["searches"][0].pop("query"), "searches[0] (scopus) lacks the key 'query' (the search string"),
        (lambda c: c["searches"][0].update(name="my search"), "expected a short name of letters, digits"),
        (lambda c: c["screening"].update(reviewers=[]), "screening.reviewers is empty; it needs at least 1"),
    ],
)
def test_a_config_error_names_the_key_and_the_fix_in_one_line(tmp_path, change, expected):
    config = yaml.safe_load(yaml.safe_dump(MINIMAL))
    change(config)
    path = write(tmp_path, config)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ") and expected in message
    assert "\n" not in message and len(message) < 300 and "schema[" not in message


def test_every_problem_is_counted(tmp_path):
    config = yaml.safe_load(yaml.safe_dump(MINIMAL))
    config["searches"][0]["date"] = "soon"
    config["screening"]["mode"] = "triple"
    with pytest.raises(ConfigError, match=r"\(1 more problem\(s\) after this one\)"):
        load_config(write(tmp_path, config))


def test_a_missing_export_is_named_with_its_search(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    with pytest.raises(ConfigError, match=r"searches\[0\] \(scopus\): file s.ris does not exist"):
        check_source_files(config, root=tmp_path, source="config.yaml")
    (tmp_path / "s.ris").write_text("TY  - JOUR\nER  - \n")
    check_source_files(config, root=tmp_path, source="config.yaml")


def test_unquoted_dates_are_read_as_iso_text(tmp_path):
    path = write(tmp_path, MINIMAL)
    path.write_text(path.read_text().replace("'2024-05-14'", "2024-05-14"))
    assert "date: 2024-05-14\n" in path.read_text()
    assert load_config(path)["searches"][0]["date"] == "2024-05-14"
