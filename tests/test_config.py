import pytest
import yaml

from slrflow.config import load_config
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
    ("change", "named"),
    [
        (lambda c: c.update(unknown_key=1), "unknown_key"),
        (lambda c: c["screening"].update(mode="triple"), "screening.mode"),
        (lambda c: c["searches"][0].update(date="14/05/2024"), "searches.0.date"),
        (lambda c: c["searches"][0].pop("query"), "query"),
    ],
)
def test_a_wrong_key_or_value_is_named(tmp_path, change, named):
    config = yaml.safe_load(yaml.safe_dump(MINIMAL))
    change(config)
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        load_config(write(tmp_path, config))


def test_unquoted_dates_are_read_as_iso_text(tmp_path):
    path = write(tmp_path, MINIMAL)
    path.write_text(path.read_text().replace("'2024-05-14'", "2024-05-14"))
    assert "date: 2024-05-14\n" in path.read_text()
    assert load_config(path)["searches"][0]["date"] == "2024-05-14"
