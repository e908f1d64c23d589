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
        overrides=lambda wildcards, input: (
            f"--overrides {input.overrides}" if input.overrides else ""
        ),
        version=SLRFLOW_VERSION,
    shell:
        "{SLRFLOW} dedup {input.records:q} --output {output.clusters:q} --records {output.records:q}"
        " --matches {output.matches:q} {params.overrides} 2> {log:q}"
