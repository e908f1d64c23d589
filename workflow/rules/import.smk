rule import_searches:
    input:
        source_files(),
    output:
        "results/import/records.csv",
    log:
        "results/logs/import.log",
    conda:
        "../envs/slrflow.yaml"
    params:
        sources=database_file_args(),
        version=SLRFLOW_VERSION,
    shell:
        "python -m slrflow import {params.sources} --output {output:q} 2> {log:q}"
