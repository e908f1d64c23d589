"""The recall-progress plot: includes found against records screened, with where the stopping rule stops."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from slrflow.tables import atomic_open

__all__ = ["plot_recall_progress"]


def plot_recall_progress(
    labels: Sequence[int],
    n_total: int,
    paths: Sequence[str | Path],
    *,
    stop_at: int | None = None,
    title: str = "Title/abstract screening progress",
    note: str = "",
) -> None:
    """Write the plot to every path in `paths` (format from the suffix: .png, .svg, .pdf), reproducibly."""
    found = np.cumsum(np.asarray(labels, dtype=int))
    screened = np.arange(1, len(found) + 1)
    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=120)
    axes.step(np.r_[0, screened], np.r_[0, found], where="post", color="#1f5f99", label="includes found")
    if len(found) and n_total:
        # What screening in random order would find on average, given the includes found so far.
        axes.plot([0, n_total], [0, found[-1]], linestyle=":", color="grey", label="random order (expected)")
    if stop_at is not None:
        axes.axvline(stop_at, color="#b03a2e", linestyle="--", label=f"stopping rule: stop at {stop_at}")
    axes.set_xlim(0, max(n_total, 1))
    axes.set_xlabel(f"records screened (of {n_total})")
    axes.set_ylabel("included records found")
    axes.set_title(title)
    if note:
        axes.text(0.99, 0.02, note, transform=axes.transAxes, ha="right", va="bottom", fontsize=8)
    axes.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    for path in paths:
        path = Path(path)
        fmt = path.suffix.lstrip(".").lower() or "png"
        metadata = {"Date": None} if fmt in {"svg", "pdf"} else {}
        if fmt == "svg":
            plt.rcParams["svg.hashsalt"] = "slrflow"
        with atomic_open(path, "wb") as handle:
            figure.savefig(handle, format=fmt, metadata=metadata)
    plt.close(figure)
