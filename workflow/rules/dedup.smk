def study_link_overrides():
    path = "screening/study_links.csv"
    return [path] if Path(path).exists() else []


rule deduplicate:
    input:
        records="results/import/records.csv",
        overrides=duplicate_overrides(),
        study_links=study_link_overrides(),
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
