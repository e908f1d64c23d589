"""Fill the benchmark's embedding cache (all-MiniLM-L6-v2) ahead of the dense-model runs, dataset by dataset.

    .venv/bin/python benchmarks/ranker/embed_minilm.py [--half tune|held_out|all] [--reverse]   # ONNX
    .venv/bin/python benchmarks/ranker/embed_minilm.py --runtime torch     # tfidf_minilm (slrflow[embeddings])

The vectors go where run.py and tune.py point slrflow's cache (SLRFLOW_CACHE): benchmarks/ranker/work/embeddings/.
With torch, two processes, one with --reverse, share the work on two cores; ONNX uses every core itself.
Without this, the first simulation of each dataset embeds it and the later ones read the cache.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from protocol import DATA, datasets, prepare, split  # noqa: E402

from slrflow.ranking.embeddings import MiniLMEmbedder, OnnxMiniLMEmbedder  # noqa: E402
from slrflow.ranking.features import record_text  # noqa: E402

CACHE = HERE / "work" / "embeddings"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--half", choices=["tune", "held_out", "all"], default="all")
    parser.add_argument("--reverse", action="store_true", help="last dataset first (for a second process)")
    parser.add_argument("--runtime", choices=["onnx", "torch"], default="onnx")
    parser.add_argument("--max-tokens", type=int, default=256, help="ONNX only: tokens read per record")
    args = parser.parse_args()
    embedder: MiniLMEmbedder | OnnxMiniLMEmbedder
    if args.runtime == "torch":
        import torch

        torch.set_num_threads(1)
        embedder = MiniLMEmbedder(CACHE)
    else:
        embedder = OnnxMiniLMEmbedder(CACHE, max_tokens=args.max_tokens)
    tune, held_out = split(datasets())
    names = {"tune": tune, "held_out": held_out, "all": tune + held_out}[args.half]
    for name in reversed(names) if args.reverse else names:
        prepared = prepare(name, 1, HERE / "work", DATA)
        with open(prepared.path, encoding="utf-8", newline="") as handle:
            texts = [record_text(row) for row in csv.DictReader(handle)]
        start = time.perf_counter()
        embedder.embed(texts)
        print(f"{name}: {len(texts)} records in {time.perf_counter() - start:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
