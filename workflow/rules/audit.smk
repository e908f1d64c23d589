rule reviewer_queues:
    input:
        config="config/config.yaml",
        queue="results/screening/queue.csv",
        clusters="results/dedup/clusters.csv",
        logs=decision_logs("title_abstract"),
    output:
        expand(
            "results/screening/queue_{reviewer}.csv",
            reviewer=config["screening"]["reviewers"],
        ),
    log:
        "results/logs/reviewer_queues.log",
    conda:
        "../envs/slrflow.yaml"
    params:
        version=SLRFLOW_VERSION,
    shell:
        "python -m slrflow audit --config {input.config:q} --screening screening queues --queue {input.queue:q}"
        " --clusters {input.clusters:q} --queues-outdir results/screening 2> {log:q}"


# "New since the previous round" comes from each search's `round` in config and the exports themselves
# (slrflow.audit.history), so deleting results/ loses nothing.
rule audit:
    input:
        config="config/config.yaml",
        logs=screening_inputs(),
        clusters="results/dedup/clusters.csv",
        studies="results/dedup/records.csv",
        study_links="results/dedup/studies.csv",
        title_abstract="results/screening/title_abstract.csv",
        full_text="results/screening/full_text.csv",
        ranking="results/screening/ranking.csv",
        stopping="results/screening/stopping.json",
        counts="results/prisma/counts.json",
        records_by_box="results/prisma/records_by_box.csv",
    output:
        page=report(
            "results/audit/index.html",
            caption="../report/audit.rst",
            category="Audit",
        ),
        summary="results/audit/summary.json",
        reviewers="results/audit/reviewers.csv",
        agreement="results/audit/agreement.csv",
        conflicts="results/audit/conflicts.csv",
        disagreements="results/audit/model_disagreements.csv",
        new_records="results/audit/new_records.csv",
    log:
        "results/logs/audit.log",
    conda:
        "../envs/slrflow.yaml"
    params:
        version=SLRFLOW_VERSION,
    shell:
        "python -m slrflow audit --config {input.config:q} --results results --screening screening"
        " --outdir results/audit 2> {log:q}"
