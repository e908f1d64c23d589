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
        databases=" ".join(f"--database {shlex.quote(db)}" for db in source_databases()),
        version=SLRFLOW_VERSION,
    shell:
        "{SLRFLOW} import {input:q} {params.databases} --output {output:q} 2> {log:q}"
