rule extract_pdf:
    input:
        f"{FULLTEXT_DIR}/{{pdf}}.pdf",
    output:
        "results/fulltext/pdf/{pdf}.json",
    log:
        "results/logs/fulltext/{pdf}.log",
    benchmark:
        "results/benchmarks/fulltext/{pdf}.tsv"
    conda:
        "../envs/slrflow.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        version=SLRFLOW_VERSION,
    shell:
        "python -m slrflow fulltext {input:q} --output {output:q} 2> {log:q}"


rule match_fulltext:
    input:
        sought="results/screening/sought.csv",
        pdfs=expand("results/fulltext/pdf/{pdf}.json", pdf=pdf_stems()),
    output:
        "results/fulltext/matches.csv",
    log:
        "results/logs/match_fulltext.log",
    conda:
        "../envs/slrflow.yaml"
    params:
        version=SLRFLOW_VERSION,
    shell:
        "python -m slrflow match-fulltext --records {input.sought:q}"
        " --pdfs {input.pdfs:q} --output {output:q} 2> {log:q}"


# The per-record JSONs are one directory() output: the folder is replaced as a whole at every run, so a record
# that is no longer matched (or no longer sought) leaves no JSON behind for the app to mistake for a full text.
rule extraction:
    input:
        config="config/config.yaml",
        sought="results/screening/sought.csv",
        matches="results/fulltext/matches.csv",
        pdfs=expand("results/fulltext/pdf/{pdf}.json", pdf=pdf_stems()),
    output:
        table="results/fulltext/extraction.csv",
        records=directory("results/fulltext/records"),
    log:
        "results/logs/extraction.log",
    conda:
        "../envs/slrflow.yaml"
    params:
        version=SLRFLOW_VERSION,
    shell:
        "python -m slrflow extraction --fields {input.config:q} --matches {input.matches:q} --pdfs {input.pdfs:q}"
        " --records {input.sought:q} --output {output.table:q} --records-dir {output.records:q} 2> {log:q}"
