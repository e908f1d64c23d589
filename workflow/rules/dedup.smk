rule deduplicate:
    input:
        records="results/import/records.csv",
        overrides=duplicate_overrides(),
    output:
        clusters="results/dedup/clusters.csv",
        records="results/dedup/records.csv",
        matches="results/dedup/matches.csv",
    log:
        "results/logs/dedup.log",
    benchmark:
        "results/benchmarks/dedup.tsv"
    conda:
        "../envs/slrflow.yaml"
    params:
        version=SLRFLOW_VERSION,
    shell:
        "python -m slrflow dedup {input.records:q} --output {output.clusters:q} --records {output.records:q}"
        " --matches {output.matches:q} --overrides screening/duplicates.csv 2> {log:q}"
