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


rule extraction:
    input:
        config="config/config.yaml",
        matches="results/fulltext/matches.csv",
        pdfs=expand("results/fulltext/pdf/{pdf}.json", pdf=pdf_stems()),
    output:
        "results/fulltext/extraction.csv",
    log:
        "results/logs/extraction.log",
    conda:
        "../envs/slrflow.yaml"
    params:
        version=SLRFLOW_VERSION,
    shell:
        "python -m slrflow extraction --fields {input.config:q} --matches {input.matches:q} --pdfs {input.pdfs:q}"
        " --outdir results/fulltext 2> {log:q}"
