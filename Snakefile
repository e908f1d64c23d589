# slrflow: `snakemake -c2` here runs the example review; `snakemake -c2 --directory MYREVIEW` runs another review.
# The workflow itself is workflow/Snakefile (the Snakemake workflow catalog's layout); this file only includes it.


include: "workflow/Snakefile"


# Snakemake takes its default target from the Snakefile it was given, so name the workflow's here.
rule default:
    default_target: True
    input:
        rules.all.input,
