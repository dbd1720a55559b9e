# Data stages: raw BEE rows (fetched from the hub, or local) -> filtered chat rows -> token lengths
# -> audit -> train/val split.


# The hub dataset at its pinned revision: only the files of the splits used, into the Hugging Face
# cache (a rerun at the same revision downloads nothing); the manifest names each file and its sha256.
rule fetch_data:
    input:
        code=rule_code("fetch_data"),
    output:
        manifest="results/data/{dataset}/manifest.json",
        provenance="results/data/{dataset}/provenance.json",
    log:
        "results/data/logs/{dataset}/fetch_data.log",
    wildcard_constraints:
        dataset="hub/.+",
    conda:
        "../../envs/pipeline.yaml"
    params:
        settings=lambda w: as_json(
            projected(
                {"data": DATASETS[w.dataset]},
                "data.hub",
                "data.splits",
                "data.held_out_splits",
            )
        ),
    message:
        "fetching {wildcards.dataset} from the Hugging Face hub"
    shell:
        "python {input.code[0]} --settings {params.settings:q}"
        " --manifest {output.manifest} --provenance {output.provenance} --log {log}"


# A benchmark to decontaminate against (filter.decontaminate.hub), fetched as the data is.
rule fetch_benchmark:
    input:
        code=rule_code("fetch_benchmark"),
    output:
        manifest="results/data/benchmarks/{benchmark}@{revision}/manifest.json",
    log:
        "results/data/logs/benchmarks/{benchmark}@{revision}.log",
    conda:
        "../../envs/pipeline.yaml"
    params:
        settings=lambda w: as_json(
            {
                "filter": {
                    "decontaminate": {
                        "hub": {w.benchmark: HUB_BENCHMARKS[w.benchmark]}
                    }
                }
            }
        ),
    message:
        "fetching benchmark {wildcards.benchmark} from the Hugging Face hub"
    shell:
        "python {input.code[0]} --benchmark {wildcards.benchmark} --settings {params.settings:q}"
        " --manifest {output.manifest} --log {log}"


# Read raw BEE rows, reject bad and benchmark-contaminated ones with a reason, convert to chat.
rule filter_rows:
    input:
        raw=raw_files,
        benchmarks=lambda w: RUN_CONFIG[w.run]["filter"]["decontaminate"]["benchmarks"],
        hub_benchmarks=hub_benchmark_manifests,
        code=rule_code("filter_rows"),
    output:
        rows="results/{run}/filter/rows.parquet",
        rejected="results/{run}/filter/rows_rejected.parquet",
        report="results/{run}/filter/rows_report.json",
        provenance="results/{run}/provenance/filter_rows.json",
    log:
        "results/{run}/logs/filter_rows.log",
    conda:
        "../../envs/pipeline.yaml"
    # Worker processes; Snakemake scales them down to what -c grants (profiles/slurm: cpus_per_task).
    threads: 32
    params:
        settings=settings(
            "data.columns",
            "data.chat",
            "data.layout",
            "data.splits",
            "data.held_out_splits",
            *ROW_CHECK_KEYS,
        ),
        raw_flag=raw_flag,
    message:
        "[{wildcards.run}] filtering raw BEE rows"
    shell:
        "python {input.code[0]} {params.raw_flag} {input.raw:q} --settings {params.settings:q} --threads {threads}"
        " --benchmark-manifests {input.hub_benchmarks:q} --filtered {output.rows} --rejected {output.rejected} --report {output.report}"
        " --provenance {output.provenance} --log {log}"


# Near-duplicate solutions within each problem, and mirrored problems grouped for the split.
rule near_duplicates:
    input:
        rows="results/{run}/filter/rows.parquet",
        code=rule_code("near_duplicates"),
    output:
        near_duplicates="results/{run}/filter/near_duplicates.parquet",
        problem_groups="results/{run}/filter/problem_groups.parquet",
        provenance="results/{run}/provenance/near_duplicates.json",
    log:
        "results/{run}/logs/near_duplicates.log",
    conda:
        "../../envs/pipeline.yaml"
    threads: 32
    params:
        settings=settings("filter.near_duplicates"),
    message:
        "[{wildcards.run}] finding near-duplicate solutions and mirrored problems"
    shell:
        "python {input.code[0]} --rows {input.rows} --settings {params.settings:q} --threads {threads}"
        " --near-duplicates {output.near_duplicates} --problem-groups {output.problem_groups}"
        " --provenance {output.provenance} --log {log}"


# One shard of the execution check: the shard's Python 3 solutions run on their problems' tests.
# Shards are separate jobs, so -cN or the Slurm profile spreads them; verdicts are cached (not an
# output: a rerun or a killed job keeps them).
rule execute_solutions:
    input:
        rows="results/{run}/filter/rows.parquet",
        near_duplicates="results/{run}/filter/near_duplicates.parquet",
        tests=tests_files,
        code=rule_code("execute_solutions"),
    output:
        executions="results/{run}/filter/executions/{shard}-of-{shards}.parquet",
        report="results/{run}/filter/executions/{shard}-of-{shards}.json",
        provenance="results/{run}/provenance/execute_solutions/{shard}-of-{shards}.json",
    log:
        "results/{run}/logs/execute_solutions/{shard}-of-{shards}.log",
    conda:
        "../../envs/pipeline.yaml"
    # Programs run at once; each is one process, mostly waiting on its tests.
    threads: 32
    params:
        settings=settings("filter.verify"),
        tests_flag=tests_flag,
        cache=lambda w: f"results/{w.run}/filter/execution_cache",
    message:
        "[{wildcards.run}] executing solutions, shard {wildcards.shard} of {wildcards.shards}"
    shell:
        "python {input.code[0]} --rows {input.rows} --near-duplicates {input.near_duplicates}"
        " {params.tests_flag} {input.tests:q} --shard {wildcards.shard} --shards {wildcards.shards}"
        " --cache {params.cache} --settings {params.settings:q} --threads {threads}"
        " --executions {output.executions} --report {output.report}"
        " --provenance {output.provenance} --log {log}"


# The filter's last step: every step's rejections together, the kept rows with their problem group.
rule gather_filter:
    input:
        rows="results/{run}/filter/rows.parquet",
        rows_rejected="results/{run}/filter/rows_rejected.parquet",
        rows_report="results/{run}/filter/rows_report.json",
        near_duplicates="results/{run}/filter/near_duplicates.parquet",
        problem_groups="results/{run}/filter/problem_groups.parquet",
        executions=lambda w: execution_shards(w.run, "parquet"),
        shard_reports=lambda w: execution_shards(w.run, "json"),
        code=rule_code("gather_filter"),
    output:
        filtered="results/{run}/data/filtered.parquet",
        rejected="results/{run}/data/rejected.parquet",
        report="results/{run}/data/filter_report.json",
        provenance="results/{run}/provenance/gather_filter.json",
    log:
        "results/{run}/logs/gather_filter.log",
    conda:
        "../../envs/pipeline.yaml"
    params:
        settings=settings("filter.rejected_excerpt_chars"),
    message:
        "[{wildcards.run}] gathering the filter's verdicts"
    shell:
        "python {input.code[0]} --rows {input.rows} --rows-rejected {input.rows_rejected}"
        " --rows-report {input.rows_report} --near-duplicates {input.near_duplicates}"
        " --problem-groups {input.problem_groups} --executions {input.executions}"
        " --shard-reports {input.shard_reports} --settings {params.settings:q}"
        " --filtered {output.filtered} --rejected {output.rejected} --report {output.report}"
        " --provenance {output.provenance} --log {log}"


# Count every row's tokens with the run's tokenizer and chat template, as verl will.
rule count_tokens:
    input:
        filtered="results/{run}/data/filtered.parquet",
        model=model_manifest,
        code=rule_code("count_tokens"),
    output:
        lengths="results/{run}/audit/lengths.parquet",
        provenance="results/{run}/provenance/count_tokens.json",
    log:
        "results/{run}/logs/count_tokens.log",
    conda:
        "../../envs/pipeline.yaml"
    # The fast tokenizer's batch encoding runs on this many threads (RAYON_NUM_THREADS).
    threads: 32
    params:
        settings=settings("model.trust_remote_code"),
    message:
        "[{wildcards.run}] counting tokens"
    shell:
        "RAYON_NUM_THREADS={threads} python {input.code[0]} --filtered {input.filtered} --model-manifest {input.model}"
        " --settings {params.settings:q} --lengths {output.lengths} --provenance {output.provenance} --log {log}"


# Percentiles against max_length, the over-length policy's effect, and the training plan.
rule audit_lengths:
    input:
        lengths="results/{run}/audit/lengths.parquet",
        code=rule_code("audit_lengths"),
    output:
        report="results/{run}/audit/audit_report.json",
        histogram=report(
            "results/{run}/audit/length_hist.png",
            caption="../report/length_hist.rst",
            category="{run}",
            subcategory="data",
        ),
        provenance="results/{run}/provenance/audit_lengths.json",
    log:
        "results/{run}/logs/audit_lengths.log",
    conda:
        "../../envs/pipeline.yaml"
    params:
        settings=settings(*PLAN_KEYS),
    message:
        "[{wildcards.run}] auditing token lengths"
    shell:
        "python {input.code[0]} --lengths {input.lengths} --settings {params.settings:q}"
        " --report {output.report} --histogram {output.histogram} --provenance {output.provenance} --log {log}"


# Split by problem into the train and validation parquet files verl reads.
rule split_by_problem:
    input:
        filtered="results/{run}/data/filtered.parquet",
        lengths="results/{run}/audit/lengths.parquet",
        code=rule_code("split_by_problem"),
    output:
        train="results/{run}/data/sft_train.parquet",
        val="results/{run}/data/sft_val.parquet",
        report="results/{run}/data/split_report.json",
        provenance="results/{run}/provenance/split_by_problem.json",
    log:
        "results/{run}/logs/split_by_problem.log",
    conda:
        "../../envs/pipeline.yaml"
    params:
        settings=split_settings,
    message:
        "[{wildcards.run}] splitting train/val by problem"
    shell:
        "python {input.code[0]} --filtered {input.filtered} --lengths {input.lengths}"
        " --settings {params.settings:q} --train {output.train} --val {output.val}"
        " --report {output.report} --provenance {output.provenance} --log {log}"
