rule deduplicate:
    input:
        records="results/import/records.csv",
        overrides=duplicate_overrides(),
        # optional, like screening/duplicates.csv: a reviewer's link or unlink of two reports
        study_links=lambda wildcards: [
            path for path in ["screening/study_links.csv"] if Path(path).exists()
        ],
    output:
        clusters="results/dedup/clusters.csv",
        records="results/dedup/records.csv",
        matches="results/dedup/matches.csv",
        studies="results/dedup/studies.csv",
        refused="results/dedup/refused.csv",
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
        " --matches {output.matches:q} --studies {output.studies:q} --refused {output.refused:q}"
        " --overrides screening/duplicates.csv --study-links screening/study_links.csv 2> {log:q}"
