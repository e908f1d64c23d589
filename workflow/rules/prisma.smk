rule prisma:
    input:
        config="config/config.yaml",
        records="results/import/records.csv",
        clusters="results/dedup/clusters.csv",
        dedup_records="results/dedup/records.csv",
        # reports linked into studies (results/dedup/studies.csv): an input when the dedup rule writes it or it
        # exists; otherwise none, and every report counts as a study of its own
        study_links=lambda wildcards: [
            path
            for path in ["results/dedup/studies.csv"]
            if path in {str(output) for output in rules.deduplicate.output}
            or Path(path).exists()
        ],
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
        study_links=lambda wildcards, input: (
            f"--study-links {input.study_links}" if input.study_links else ""
        ),
    shell:
        "python -m slrflow prisma --config {input.config:q} --import-records {input.records:q}"
        " --clusters {input.clusters:q} --dedup-records {input.dedup_records:q} {params.study_links}"
        " --title-abstract {input.title_abstract:q} --full-text {input.full_text:q} --stopping {input.stopping:q}"
        " --matches {input.matches:q} --pdf-status results/fulltext/pdf --outdir results/prisma 2> {log:q}"
