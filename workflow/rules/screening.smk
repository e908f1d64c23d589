rule settle_decisions:
    input:
        config="config/config.yaml",
        clusters="results/dedup/clusters.csv",
        records="results/dedup/records.csv",
        logs=screening_inputs(),
    output:
        title_abstract="results/screening/title_abstract.csv",
        full_text="results/screening/full_text.csv",
        conflicts="results/screening/conflicts.csv",
        orphans="results/screening/orphans.csv",
        changes="results/screening/changes.csv",
        sought="results/screening/sought.csv",
        reattached="results/screening/reattached.csv",
    log:
        "results/logs/decisions.log",
    conda:
        "../envs/slrflow.yaml"
    params:
        version=SLRFLOW_VERSION,
    shell:
        "python -m slrflow decisions --config {input.config:q} --clusters {input.clusters:q} --records {input.records:q}"
        " --screening screening"
        " --outdir results/screening 2> {log:q}"


rule rank:
    input:
        config="config/config.yaml",
        records="results/dedup/records.csv",
        decisions="results/screening/title_abstract.csv",
    output:
        ranking="results/screening/ranking.csv",
        queue="results/screening/queue.csv",
        model="results/screening/model.json",
        stopping="results/screening/stopping.json",
        plot=report(
            "results/screening/recall_progress.png",
            caption="../report/recall_progress.rst",
            category="Screening",
        ),
        plot_svg="results/screening/recall_progress.svg",
    log:
        "results/logs/rank.log",
    benchmark:
        "results/benchmarks/rank.tsv"
    conda:
        "../envs/slrflow.yaml"
    params:
        version=SLRFLOW_VERSION,
    shell:
        "python -m slrflow rank {input.records:q} --config {input.config:q} --decisions {input.decisions:q}"
        " --output {output.ranking:q} --queue {output.queue:q} --model-card {output.model:q}"
        " --stopping {output.stopping:q} --plot {output.plot:q} 2> {log:q}"
