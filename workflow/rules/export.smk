# The included studies for reference managers (RIS, BibTeX) and ASReview (CSV), with decisions and notes.
rule export_included:
    input:
        records="results/dedup/records.csv",
        clusters="results/dedup/clusters.csv",
        title_abstract="results/screening/title_abstract.csv",
        full_text="results/screening/full_text.csv",
        logs=decision_logs("title_abstract") + decision_logs("full_text"),
    output:
        ris="results/export/included.ris",
        bibtex="results/export/included.bib",
        asreview="results/export/included_asreview.csv",
    log:
        "results/logs/export.log",
    conda:
        "../envs/slrflow.yaml"
    params:
        version=SLRFLOW_VERSION,
    shell:
        "(python -m slrflow export --format ris --status included --output {output.ris:q}"
        " && python -m slrflow export --format bibtex --status included --output {output.bibtex:q}"
        " && python -m slrflow export --format asreview --status included --output {output.asreview:q})"
        " 2> {log:q}"
