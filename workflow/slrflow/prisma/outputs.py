"""Everything `slrflow prisma` writes, from checked counts: the files named in DATAFLOW.md."""

from __future__ import annotations

from pathlib import Path

from slrflow.prisma.arithmetic import check_arithmetic
from slrflow.prisma.counts import PrismaCounts, PrismaResult, write_counts_json, write_records_by_box
from slrflow.prisma.template import write_prisma_csv

__all__ = ["OUTPUT_NAMES", "template_boxtext", "write_outputs"]

OUTPUT_NAMES: dict[str, str] = {
    "counts": "counts.json",
    "prisma_csv": "PRISMA.csv",
    "records_by_box": "records_by_box.csv",
    "svg": "flow_diagram.svg",
    "pdf": "flow_diagram.pdf",
    "png": "flow_diagram.png",
}


def template_boxtext(counts: PrismaCounts) -> dict[str, str]:
    """Box texts for PRISMA.csv that say what the R package's single number cannot: who excluded the records,
    and how many are awaiting a decision (without which screened - excluded != sought)."""
    boxtext: dict[str, str] = {}
    records = "Records excluded"
    if counts.stopping_applied or counts.records_excluded_stopping:
        records += (
            f" (by a human, n = {counts.records_excluded_human}; "
            f"by the stopping rule, n = {counts.records_excluded_stopping})"
        )
    if counts.records_awaiting:
        records += (
            f". Awaiting screening, not excluded: n = {counts.records_awaiting} (not yet screened, "
            f"n = {counts.records_awaiting_unscreened}; reviewers disagree, n = {counts.records_awaiting_conflict})"
        )
    if records != "Records excluded":
        boxtext["records_excluded"] = records
    for column in ("dbr", "other"):
        awaiting = getattr(counts, f"{column}_awaiting")
        if awaiting:
            boxtext[f"{column}_excluded"] = (
                f"Reports excluded. Awaiting a full-text decision, not excluded: n = {awaiting}"
            )
    return boxtext


def write_outputs(result: PrismaResult, outdir: str | Path) -> dict[str, Path]:
    """Check the arithmetic first (nothing is written when it fails), then write every output file."""
    counts = check_arithmetic(result.counts)
    outdir = Path(outdir)
    paths = {key: outdir / name for key, name in OUTPUT_NAMES.items()}
    write_counts_json(paths["counts"], counts)
    write_prisma_csv(paths["prisma_csv"], counts.template_values(), template_boxtext(counts))
    write_records_by_box(paths["records_by_box"], result.members)
    from slrflow.prisma.diagram import draw_flow_diagram

    draw_flow_diagram(counts, outdir / "flow_diagram")
    return paths
