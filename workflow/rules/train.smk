# Training stages: verl check -> SFT under torchrun -> hf_model export.


# Prove the installed verl runs and logs train/grad_norm: a 2-step CPU probe with the tiny model.
rule verl_check:
    input:
        model="results/models/tiny/manifest.json",
        code=rule_code("verl_check"),
    output:
        report="results/verl_check.json",
        provenance="results/provenance/verl_check.json",
    log:
        "results/logs/verl_check.log",
    conda:
        "../../envs/pipeline.yaml"
    params:
        settings=verl_check_settings(),
        # Reruns when an installed version changes, and only then (besides code and settings edits).
        versions=as_json(installed_versions()),
    message:
        "checking verl: entry point, grad_norm logging (CPU probe)"
    shell:
        "python {input.code[0]} --model-manifest {input.model} --settings {params.settings:q}"
        " --report {output.report} --provenance {output.provenance} --log {log}"


# Slurm's warning to a training job, this many seconds before its time limit: SIGTERM, on which the
# trainer saves the step in flight and exits, and the profile's retries resume it. A 7B checkpoint
# (61 GB written, then hashed) takes a few minutes on a parallel file system at 0.5-1 GB/s.
STOP_WARNING_SECONDS = 600


# SFT with verl's trainer under torchrun. Checkpoints live in a fingerprinted directory passed
# by params, never declared as an output, so no failure or kill can delete them.
rule train_sft:
    input:
        train="results/{run}/data/sft_train.parquet",
        val="results/{run}/data/sft_val.parquet",
        model=model_manifest,
        verl_check="results/verl_check.json",
        code=rule_code("train_sft"),
    output:
        done="results/{run}/train/done.json",
        metrics="results/{run}/train/metrics.jsonl",
        curves=report(
            "results/{run}/train/curves.png",
            caption="../report/curves.rst",
            category="{run}",
            subcategory="training",
        ),
        provenance="results/{run}/provenance/train_sft.json",
    log:
        "results/{run}/logs/train.log",
    conda:
        "../../envs/pipeline.yaml"
    resources:
        # One node: `gpu` GPUs (scaled down by --resources gpu=M). Several nodes (Slurm): one task per
        # node, launched by srun, each with train.gpus GPUs (profiles/slurm).
        # A run that trains on the CPU asks for none.
        gpu=lambda w: (
            RUN_CONFIG[w.run]["train"]["gpus"]
            if nodes(w) == 1 and not on_cpu(w)
            else 0
        ),
        nodes=nodes,
        # One srun task per node (0: unset, so a one-node GPU job gets no per-GPU tasks).
        tasks=lambda w: nodes(w) if nodes(w) > 1 else 0,
        mpi=lambda w: "srun --kill-on-bad-exit=1" if nodes(w) > 1 else "",
        slurm_extra=lambda w: (
            f"--signal=TERM@{STOP_WARNING_SECONDS}"
            + (
                f" --gpus-per-node={RUN_CONFIG[w.run]['train']['gpus']} --exclusive"
                if nodes(w) > 1 and not on_cpu(w)
                else ""
            )
        ),
    params:
        settings=settings("train", "model.trust_remote_code"),
        checkpoint_root="results/{run}/checkpoints",
        gpus_per_node=gpus_per_node,
    message:
        "[{wildcards.run}] training with verl on {resources.nodes} node(s) x {params.gpus_per_node} (log: {log})"
    shell:
        "{resources.mpi} python {input.code[0]} --run {wildcards.run} --train-files {input.train}"
        " --val-files {input.val} --model-manifest {input.model}"
        " --settings {params.settings:q} --nproc {params.gpus_per_node} --nnodes {resources.nodes}"
        " --checkpoint-root {params.checkpoint_root} --done {output.done}"
        " --metrics {output.metrics} --curves {output.curves}"
        " --provenance {output.provenance} --log {log}"


# The final checkpoint as a verified Hugging Face model directory.
rule export:
    input:
        done="results/{run}/train/done.json",
        model=model_manifest,
        val="results/{run}/data/sft_val.parquet",
        code=rule_code("export"),
    output:
        model=directory("results/{run}/hf_model"),
        report="results/{run}/export.json",
        provenance="results/{run}/provenance/export.json",
    log:
        "results/{run}/logs/export.log",
    conda:
        "../../envs/pipeline.yaml"
    # The check runs on the GPU where there is one.
    resources:
        gpu=lambda w: 1 if RUN_CONFIG[w.run]["model"]["source"] != "tiny" else 0,
    params:
        settings=settings("export"),
    message:
        "[{wildcards.run}] exporting the final checkpoint to {output.model}"
    shell:
        "python {input.code[0]} --done {input.done} --model-manifest {input.model}"
        " --val-files {input.val} --settings {params.settings:q} --out-dir {output.model}"
        " --report {output.report} --provenance {output.provenance} --log {log}"
