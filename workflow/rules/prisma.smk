rule prisma:
    input:
        config="config/config.yaml",
        records="results/import/records.csv",
        clusters="results/dedup/clusters.csv",
        studies="results/dedup/records.csv",
        title_abstract="results/screening/title_abstract.csv",
        full_text="results/screening/full_text.csv",
        stopping="results/screening/stopping.json",
        matches="results/fulltext/matches.csv",
        pdfs=expand("results/fulltext/pdf/{pdf}.json", pdf=pdf_stems()),
    output:
        counts="results/prisma/counts.json",
        csv="results/prisma/PRISMA.csv",
        records_by_box="results/prisma/records_by_box.csv",
        svg="results/prisma/flow_diagram.svg",
        pdf="results/prisma/flow_diagram.pdf",
        png=report(
            "results/prisma/flow_diagram.png",
            caption="../report/flow_diagram.rst",
            category="PRISMA 2020",
        ),
    log:
        "results/logs/prisma.log",
    conda:
        "../envs/slrflow.yaml"
    params:
        version=SLRFLOW_VERSION,
    shell:
        "python -m slrflow prisma --config {input.config:q} --results results --outdir results/prisma 2> {log:q}"
