# Training stages: verl check -> SFT under torchrun -> hf_model export.


# Prove the installed verl runs and logs train/grad_norm: a 2-step CPU probe with the tiny model.
rule verl_check:
    input:
        model="results/models/tiny/manifest.json",
        code=scripts(
            "check_verl.py",
            "cli.py",
            "verl_launch.py",
            "verl_cpu_platform.py",
            "verl_worker_guard.py",
            "package_versions.py",
        ),
    output:
        report="results/verl_check.json",
    log:
        "results/logs/verl_check.log",
    conda:
        "../../envs/pipeline.yaml"
    params:
        # Reruns when an installed version changes, and only then (besides code edits).
        versions=json.dumps(installed_versions(), sort_keys=True),
    message:
        "checking verl: entry point, grad_norm logging (CPU probe)"
    shell:
        "python {input.code[0]} --model-manifest {input.model} --report {output.report} --log {log}"


# SFT with verl's trainer under torchrun. Checkpoints live in a fingerprinted directory passed
# by params, never declared as an output, so no failure or kill can delete them.
rule train_sft:
    input:
        train="results/{run}/data/sft_train.parquet",
        val="results/{run}/data/sft_val.parquet",
        model=model_manifest,
        verl_check="results/verl_check.json",
        code=scripts(
            "train_sft.py",
            "cli.py",
            "verl_launch.py",
            "verl_cpu_platform.py",
            "verl_worker_guard.py",
            "training_plan.py",
            "model_files.py",
        ),
    output:
        done="results/{run}/train/done.json",
        metrics="results/{run}/train/metrics.jsonl",
        curves=report(
            "results/{run}/train/curves.png",
            caption="../report/curves.rst",
            category="{run}",
            subcategory="training",
        ),
    log:
        "results/{run}/logs/train.log",
    conda:
        "../../envs/pipeline.yaml"
    resources:
        gpu=lambda w: RUN_CONFIG[w.run]["train"]["gpus"],
    params:
        settings=train_settings,
        checkpoint_root="results/{run}/checkpoints",
        trust_remote_code=trust_remote_code_flag,
    message:
        "[{wildcards.run}] training with verl on {resources.gpu} ranks (log: {log})"
    shell:
        "python {input.code[0]} --run {wildcards.run} --train-files {input.train}"
        " --val-files {input.val} --model-manifest {input.model} {params.trust_remote_code}"
        " --settings {params.settings:q} --nproc {resources.gpu}"
        " --checkpoint-root {params.checkpoint_root} --done {output.done}"
        " --metrics {output.metrics} --curves {output.curves} --log {log}"


# The final checkpoint as a verified Hugging Face model directory.
rule export:
    input:
        done="results/{run}/train/done.json",
        model=model_manifest,
        val="results/{run}/data/sft_val.parquet",
        code=scripts("export_hf.py", "cli.py"),
    output:
        model=directory("results/{run}/hf_model"),
        report="results/{run}/export.json",
    log:
        "results/{run}/logs/export.log",
    conda:
        "../../envs/pipeline.yaml"
    params:
        dtype=lambda w: RUN_CONFIG[w.run]["export"]["dtype"],
    message:
        "[{wildcards.run}] exporting the final checkpoint to {output.model}"
    shell:
        "python {input.code[0]} --done {input.done} --model-manifest {input.model}"
        " --val-files {input.val} --dtype {params.dtype} --out-dir {output.model}"
        " --report {output.report} --log {log}"
