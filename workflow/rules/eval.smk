# Smoke eval: base vs fine-tuned, validation loss, HumanEval and contest problems.


# Evaluate the exported model and its base with the same settings. The training split is an input
# for the contest problems' leak check.
rule smoke_eval:
    input:
        finetuned="results/{run}/hf_model",
        export="results/{run}/export.json",
        base=model_manifest,
        val="results/{run}/data/sft_val.parquet",
        train="results/{run}/data/sft_train.parquet",
        contests=contest_files,
        code=rule_code("smoke_eval"),
    output:
        report="results/{run}/eval/smoke.json",
        samples="results/{run}/eval/samples.jsonl",
        provenance="results/{run}/provenance/smoke_eval.json",
    log:
        "results/{run}/logs/smoke_eval.log",
    conda:
        "../../envs/pipeline.yaml"
    # Judge processes for the contest replies.
    threads: 8
    resources:
        gpu=lambda w: 1 if RUN_CONFIG[w.run]["model"]["source"] != "tiny" else 0,
    params:
        settings=settings(
            "eval",
            "train.data.max_length",
            "data.chat",
            "filter.verify",
            "filter.decontaminate.ngram",
            "filter.decontaminate.statement_min_overlap",
        ),
        contests_flag=contests_flag,
    message:
        "[{wildcards.run}] evaluating base vs fine-tuned (val loss, HumanEval, contest problems)"
    shell:
        "python {input.code[0]} --base-manifest {input.base} --finetuned {input.finetuned}"
        " --val-files {input.val} --train-files {input.train} {params.contests_flag} {input.contests:q}"
        " --settings {params.settings:q} --threads {threads} --report {output.report}"
        " --samples {output.samples} --provenance {output.provenance} --log {log}"


# One page per run for `snakemake --report`: data, training, export and eval numbers and pictures.
rule summarise_run:
    input:
        filter_report="results/{run}/data/filter_report.json",
        audit_report="results/{run}/audit/audit_report.json",
        split_report="results/{run}/data/split_report.json",
        done="results/{run}/train/done.json",
        export_report="results/{run}/export.json",
        eval_report="results/{run}/eval/smoke.json",
        eval_samples="results/{run}/eval/samples.jsonl",
        curves="results/{run}/train/curves.png",
        length_hist="results/{run}/audit/length_hist.png",
        provenance=provenance_records,
        code=rule_code("summarise_run"),
    output:
        report(
            "results/{run}/summary.html",
            caption="../report/summary.rst",
            category="{run}",
            subcategory="summary",
        ),
    log:
        "results/{run}/logs/summarise_run.log",
    conda:
        "../../envs/pipeline.yaml"
    message:
        "[{wildcards.run}] summarising the run"
    shell:
        "python {input.code[0]} --run {wildcards.run}"
        " --filter-report {input.filter_report} --audit-report {input.audit_report}"
        " --split-report {input.split_report} --done {input.done}"
        " --export-report {input.export_report} --eval-report {input.eval_report} --eval-samples {input.eval_samples}"
        " --curves {input.curves} --length-hist {input.length_hist}"
        " --provenance-records {input.provenance:q}"
        " --out {output} --log {log}"
