"""Everything `slrflow prisma` writes, from checked counts: the files named in DATAFLOW.md."""

from __future__ import annotations

from pathlib import Path

from slrflow.prisma.arithmetic import check_arithmetic
from slrflow.prisma.counts import PrismaResult, write_counts_json, write_records_by_box
from slrflow.prisma.package import template_boxtext, template_cells
from slrflow.prisma.template import write_prisma_csv

__all__ = ["OUTPUT_NAMES", "write_outputs"]

OUTPUT_NAMES: dict[str, str] = {
    "counts": "counts.json",
    "prisma_csv": "PRISMA.csv",
    "records_by_box": "records_by_box.csv",
    "svg": "flow_diagram.svg",
    "pdf": "flow_diagram.pdf",
    "png": "flow_diagram.png",
}


def write_outputs(result: PrismaResult, outdir: str | Path) -> dict[str, Path]:
    """Check the arithmetic first (nothing is written when it fails), then write every output file."""
    counts = check_arithmetic(result.counts)
    outdir = Path(outdir)
    paths = {key: outdir / name for key, name in OUTPUT_NAMES.items()}
    write_counts_json(paths["counts"], counts)
    write_prisma_csv(paths["prisma_csv"], template_cells(counts), template_boxtext(counts))
    write_records_by_box(paths["records_by_box"], result.members)
    from slrflow.prisma.diagram import draw_flow_diagram

    draw_flow_diagram(counts, outdir / "flow_diagram")
    return paths
