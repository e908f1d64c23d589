"""PRISMA 2020 reporting: counts from the stage tables, their arithmetic, the R package's CSV and the diagram.

inputs        read the stage tables (DATAFLOW.md) into PrismaInputs
stage_tables  the tables checked against each other: import rows, clusters, reports, decisions, PDFs, studies
sources       which PRISMA box a `database` label's records go to, from config
boxes         the name of every count, as constants, and each flow column's keys
counts        PrismaCounts, the records behind each box (Member), counts.json and records_by_box.csv
flow          count_prisma, phase by phase: identification, screening, retrieval, eligibility, inclusion
arithmetic    check_arithmetic: PRISMA's sums, or PrismaArithmeticError naming the boxes
template      the PRISMA2020 R package's PRISMA.csv template and its "Label, n; Label, n" cells
package       what the R package can read: safe characters, short box texts within its boxes
layout        slrflow's own flow diagram: its boxes and their places
diagram       drawing the layout as SVG, PDF and PNG (matplotlib, imported only when drawing)
outputs       write_outputs: every file `slrflow prisma` writes
"""

from __future__ import annotations

from slrflow.prisma.arithmetic import arithmetic_violations, check_arithmetic
from slrflow.prisma.counts import Member, PrismaCounts, PrismaResult
from slrflow.prisma.flow import count_prisma
from slrflow.prisma.inputs import PrismaInputs, read_inputs, results_paths
from slrflow.prisma.outputs import OUTPUT_NAMES, write_outputs
from slrflow.prisma.template import format_pairs, parse_pairs

__all__ = [
    "OUTPUT_NAMES",
    "Member",
    "PrismaCounts",
    "PrismaInputs",
    "PrismaResult",
    "arithmetic_violations",
    "check_arithmetic",
    "count_prisma",
    "format_pairs",
    "parse_pairs",
    "read_inputs",
    "results_paths",
    "write_outputs",
]
