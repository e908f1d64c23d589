# slrflow: the systematic review workflow. `snakemake -c2` runs the review in this directory;
# `snakemake -c2 --directory MYREVIEW` runs another review with the same code.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/import.smk"
include: "workflow/rules/dedup.smk"
include: "workflow/rules/screening.smk"
include: "workflow/rules/fulltext.smk"
include: "workflow/rules/prisma.smk"
include: "workflow/rules/audit.smk"
include: "workflow/rules/export.smk"


rule all:
    input:
        all_outputs(),
