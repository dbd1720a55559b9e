"""Rule train: SFT with verl 0.9.1 under torchrun, safe to kill.

Checkpoints go to results/<run>/checkpoints/<fingerprint>/, a directory named by a hash of the
settings that change what is learned, the data and the base model. It is passed to the rule by
`params`, never declared as an output, so a failure, SIGTERM or SIGKILL never deletes it. A rerun
with the same fingerprint resumes from the newest complete checkpoint (verified first, a damaged
one moved aside: pipeline/trainer/checkpoints.py; then verl's resume_mode=auto); a rerun after
completion trains nothing (verl would train one more step). A stop signal (SIGTERM, SIGINT,
SIGUSR1) has the trainer save the step in flight and exit; the rule then fails as "preempted", and
the rerun resumes from that step. The rule's only outputs are small files written at the end:
done.json, metrics.jsonl and curves.png."""

import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.common import cli
from pipeline.common.model_files import sha256_file
from pipeline.trainer import checkpoints, launch, memory, metrics, select
from pipeline.trainer.plan import training_plan

log = logging.getLogger("pipeline")

# Settings that do not change what is learned: changing them resumes the same checkpoints.
NOT_FINGERPRINTED = {
    ("device",),  # the device it resolves to is fingerprinted
    ("gpus",),  # a changed world size is caught by the preflight, not silently restarted
    ("nodes",),
    ("data", "num_workers"),
    ("trainer", "save_freq"),
    ("trainer", "test_freq"),
    ("trainer", "max_ckpt_to_keep"),
    ("trainer", "project_name"),
    ("trainer", "experiment_name"),
    ("trainer", "logger"),
    ("checkpoint", "save_contents"),
    ("checkpoint", "verify"),
}
BYTES = {"bf16": 2, "fp32": 4}


def fingerprint(train, inputs, device, trainer_module):
    """Hash of what determines the trained weights: settings, data and model files, device, and
    the verl trainer (the legacy and current trainers' checkpoints are not interchangeable)."""
    learned = json.loads(json.dumps(train))
    for section, *rest in NOT_FINGERPRINTED:
        if rest:
            learned[section].pop(rest[0])
        else:
            learned.pop(section)
    payload = {
        "train": learned,
        "inputs": {name: sha256_file(path) for name, path in sorted(inputs.items())},
        "device": device,
        "trainer": trainer_module,
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    return digest[:16], payload


def checkpoint_bytes(parameters, train, device):
    """Disk per checkpoint: model shards + Adam's two moments (same dtype as the weights) + the
    hf_model copy (written in the weights' dtype)."""
    width = BYTES[train["engine"]["model_dtype"] if device == "cuda" else "fp32"]
    contents = train["checkpoint"]["save_contents"]
    per_param = width * (("model" in contents) + 2 * ("optimizer" in contents) + ("hf_model" in contents))
    return parameters * per_param


def preflight(plan, train, nproc, ckpt_dir, free_bytes, parameters, device):
    """Every way a launch would fail late or lie silently, as one clear error before torchrun."""
    d, t, o = train["data"], train["trainer"], train["optim"]
    problems = []
    if d["train_batch_size"] % nproc:
        problems.append(f"train.data.train_batch_size {d['train_batch_size']} is not divisible by {nproc} ranks")
    elif not d["use_dynamic_bsz"] and (d["train_batch_size"] // nproc) % d["micro_batch_size_per_gpu"]:
        problems.append(
            f"train.data.train_batch_size {d['train_batch_size']} is not divisible by {nproc} ranks x "
            f"micro_batch_size_per_gpu {d['micro_batch_size_per_gpu']}"
        )
    if d["use_dynamic_bsz"] and d["max_token_len_per_gpu"] < d["max_length"]:
        problems.append(
            f"train.data.max_token_len_per_gpu {d['max_token_len_per_gpu']} is below max_length {d['max_length']}: "
            "a full-length row would not fit in any micro-batch"
        )
    if plan["val_rows"] < d["train_batch_size"]:
        problems.append(
            f"validation has {plan['val_rows']} rows, fewer than train.data.train_batch_size "
            f"{d['train_batch_size']}: verl would log val/loss NaN (raise split.val_ratio)"
        )
    if plan["steps_per_epoch"] == 0:
        problems.append(f"{plan['train_rows']} training rows do not fill one batch of {d['train_batch_size']}")
    if t["total_training_steps"] and t["total_training_steps"] > plan["steps_within_epochs"]:
        problems.append(
            f"train.trainer.total_training_steps {t['total_training_steps']} exceeds total_epochs x steps per "
            f"epoch = {t['total_epochs']} x {plan['steps_per_epoch']}: verl would stop early, exit 0, and save "
            "no final checkpoint (raise total_epochs or lower total_training_steps)"
        )
    if o["lr_warmup_steps_ratio"] > 0 and plan["warmup_steps"] < 1:
        problems.append(
            f"train.optim.lr_warmup_steps_ratio {o['lr_warmup_steps_ratio']} x {plan['total_steps']} steps gives "
            "0 warmup steps (verl floors it): raise the ratio or set it to 0"
        )
    saved = Path(ckpt_dir) / f"global_step_{checkpoints.tracked_step(ckpt_dir)}" / "fsdp_config.json"
    if saved.exists():
        world = json.loads(saved.read_text())["world_size"]
        if world != nproc:
            problems.append(
                f"the checkpoint {saved.parent} was saved by {world} ranks and this launch has {nproc}: "
                f"resume with {world} (train.gpus / --resources gpu={world}) or move the directory away"
            )
    per_ckpt = checkpoint_bytes(parameters, train, device)
    keep = t["max_ckpt_to_keep"] or plan["checkpoints_saved"]
    # verl writes a new checkpoint before it prunes the oldest one.
    needed = min(keep + 1, plan["checkpoints_saved"]) * per_ckpt - _dir_bytes(ckpt_dir)
    if needed > free_bytes:
        problems.append(
            f"{ckpt_dir} needs ~{needed / 1e9:.1f} GB free for {min(keep + 1, plan['checkpoints_saved'])} "
            f"checkpoints of ~{per_ckpt / 1e9:.1f} GB ({parameters / 1e9:.2f}B parameters; save_contents "
            f"{train['checkpoint']['save_contents']}); {free_bytes / 1e9:.1f} GB are free. Free space or lower "
            "train.trainer.max_ckpt_to_keep"
        )
    if problems:
        raise cli.PipelineError("preflight failed:\n  - " + "\n  - ".join(problems))


# How long a launch waits for another process to release the checkpoint directory: a job stopped
# by a signal is still saving when Slurm (or the profile's retry) starts the next one.
LOCK_WAIT_SECONDS = 900


def wait_for_lock(lock, ckpt_dir, wait=LOCK_WAIT_SECONDS):
    """Hold the checkpoint directory's lock, waiting up to `wait` s for another holder to finish."""
    deadline = time.time() + wait
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        log.warning("another training process is using %s (a stopped job still saving?): waiting up to %d s",
                    ckpt_dir, wait)
    while time.time() < deadline:
        time.sleep(2)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
    raise cli.PipelineError(f"another training process has been using {ckpt_dir} for over {wait} s: stop it first")


def _dir_bytes(path):
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) if Path(path).exists() else 0


def read_launches(ckpt_dir):
    """The launch records of a checkpoint directory. A launch killed together with this process
    has no end record: its duration is read from its log's last write."""
    path = Path(ckpt_dir) / "launches.jsonl"
    launches = [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []
    for record in launches:
        if "seconds" not in record:
            log_file = Path(ckpt_dir) / "logs" / f"launch-{record['launch']}.log"
            end = log_file.stat().st_mtime if log_file.exists() else record["started"]
            record.update(exit="killed", seconds=round(end - record["started"], 1))
    return launches


def write_launches(ckpt_dir, launches):
    path = Path(ckpt_dir) / "launches.jsonl"
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(x, sort_keys=True) + "\n" for x in launches))
    tmp.replace(path)


def plot_curves(rows, path, title):
    panels = [("train/loss", "val/loss"), ("train/lr",), ("train/grad_norm",)]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for ax, keys in zip(axes, panels):
        for key in keys:
            points = [(r["step"], r[key]) for r in rows if key in r]
            if points:
                ax.plot(*zip(*points), marker="o" if len(points) < 30 else None, ms=3, label=key)
        ax.set_xlabel("step")
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def summarise(rows, launches, ckpt_dir, final, fp, verify):
    last = lambda key: next((r[key] for r in reversed(rows) if key in r), None)  # noqa: E731
    return {
        "final_step": final,
        "checkpoint": str(Path(ckpt_dir) / f"global_step_{final}"),
        "checkpoint_dir": str(ckpt_dir),
        # What the checkpoint's manifest holds (None: the trainer writes none): the export checks it.
        "checkpoint_verify": verify,
        "fingerprint": fp,
        "train_loss": last("train/loss"),
        "val_loss": last("val/loss"),
        "tokens": int(sum(r.get("train/global_tokens", 0) for r in rows)) or None,
        "wall_seconds": round(sum(record["seconds"] for record in launches), 1),
        "launches": launches,
        "throughput": metrics.throughput(rows, launches[-1].get("nproc") or 1) if launches else None,
        "nodes": launches[-1].get("nodes", 1) if launches else None,
        # What trained the final step (a rerun with other settings may have launched nothing).
        "device": launches[-1].get("device") if launches else None,
        "nproc": launches[-1].get("nproc") if launches else None,
    }


def row_token_stats(train_file):
    """(mean, standard deviation) of the training rows' tokens (count_tokens' n_tokens)."""
    n_tokens = pq.read_table(train_file, columns=["n_tokens"])["n_tokens"]
    return pc.mean(n_tokens).as_py(), pc.stddev(n_tokens).as_py()


def engine_record(engine_train, engine, throughput):
    """done.json's `engine`: the settings the launch used, and where chosen, the plan's
    prediction beside the peak verl measured (GiB)."""
    record = {"max_token_len_per_gpu": engine_train["data"]["max_token_len_per_gpu"],
              "enable_gradient_checkpointing": engine_train["model"]["enable_gradient_checkpointing"],
              "checkpointed_layers": engine_train["model"]["checkpointed_layers"],
              "reshard_after_forward": engine_train["engine"]["reshard_after_forward"],
              "pad_to_length": engine_train["engine"]["pad_to_length"],
              "fused_kernel_backend": engine_train["model"]["fused_kernel_backend"]}
    if engine:
        record.update({k: engine[k] for k in ("chosen", "predicted_peak_gib", "predicted_peak_balanced_gib",
                                              "gpu_memory_gib", "fits", "tokens_per_rank_per_step")})
        record["measured_peak_gib"] = (throughput or {}).get("peak_memory_gb")
    return record


def main(args):
    train = json.loads(args.settings)["train"]
    trainer = select.installed()
    device = "cpu" if train["device"] == "cpu" else launch.device_kind()
    if device == "cuda":
        import torch

        if args.nproc > torch.cuda.device_count():
            raise cli.PipelineError(
                f"{args.nproc} GPUs asked for (train.gpus / --resources gpu), {torch.cuda.device_count()} visible "
                f"(CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES', 'unset')})"
            )
    model = json.load(open(args.model_manifest))
    inputs = {"train": args.train_files, "val": args.val_files, "model_manifest": args.model_manifest}
    fp, payload = fingerprint(train, inputs, device, trainer.module)
    ckpt_dir = Path(args.checkpoint_root) / fp
    nodes = launch.Nodes(args.nnodes, job_id=fp)
    n_train = pq.read_metadata(args.train_files).num_rows
    n_val = pq.read_metadata(args.val_files).num_rows
    plan = training_plan(n_train, n_val, train, dp_size=args.nproc * nodes.count)

    model_dir = trainer.loadable_model_dir(model["path"], ckpt_dir / "model-transformers4")
    engine_train, engine = memory.resolve(train, trainer, model_dir, args.nproc * nodes.count, device,
                                          row_token_stats(args.train_files))
    if engine:
        log.info("engine: %s", json.dumps(engine))
        if not engine["fits"]:
            log.warning("the predicted peak, %.1f GiB per GPU, leaves less than %d%% of the GPU's %.1f GiB free: "
                        "the launch may run out of memory (lower train.data.max_length or add GPUs)",
                        engine["predicted_peak_gib"], 100 * engine["free_margin"], engine["gpu_memory_gib"])

    def torchrun(hydra_dir, metrics_file, log_paths):
        hydra_overrides = trainer.overrides(
            engine_train, train_files=args.train_files, val_files=args.val_files, model_dir=model_dir,
            trust_remote_code=args.trust_remote_code, ckpt_dir=ckpt_dir, hydra_dir=hydra_dir, nproc=args.nproc,
            device=device, nnodes=nodes.count,
        )
        env = launch.environment(trainer, device=device, nproc=args.nproc, metrics_file=metrics_file,
                                 work_dir=ckpt_dir, wandb_run_id=f"{args.run}-{fp}",
                                 checkpointed_layers=engine_train["model"]["checkpointed_layers"])
        env["PIPELINE_CHECKPOINT_VERIFY"] = train["checkpoint"]["verify"]
        return launch.launch(launch.torchrun_command(trainer, args.nproc, hydra_overrides, nodes), env,
                             cwd=ckpt_dir, log_paths=log_paths, stop_file=stop_file)

    stop_file = ckpt_dir / checkpoints.STOP_FILE if trainer.preemption_safe else None
    # Whichever node hosts global rank 0 writes verl's file log; every node names the same file, and
    # node 0 files it under the launch's number once the launch has ended.
    current_metrics = ckpt_dir / "metrics" / "current.jsonl"
    if nodes.rank > 0:
        # Another node of a multi-node job: its agent joins the rendezvous; node 0 keeps the books.
        (ckpt_dir / "logs").mkdir(parents=True, exist_ok=True)
        code, _, _ = torchrun(ckpt_dir / "hydra" / f"node-{nodes.rank}", current_metrics,
                              [args.log, ckpt_dir / "logs" / f"node-{nodes.rank}.log"])
        if code != 0:
            raise cli.PipelineError(f"torchrun on node {nodes.rank} exited {code}")
        return
    ckpt_dir.mkdir(parents=True, exist_ok=True)
    cli.write_json(ckpt_dir / "fingerprint.json", payload)
    log.info("checkpoints: %s (fingerprint of settings, data and model)", ckpt_dir)
    log.info("plan: %s", json.dumps(plan))
    lock = open(ckpt_dir / ".lock", "w")
    wait_for_lock(lock, ckpt_dir)

    launches = read_launches(ckpt_dir)
    if trainer.preemption_safe:
        done_steps = checkpoints.resume_point(ckpt_dir, log)
    else:
        log.warning("the legacy verl trainer writes no checkpoint manifests: its checkpoints are resumed unverified")
        done_steps = checkpoints.tracked_step(ckpt_dir)
    if done_steps >= plan["total_steps"]:
        log.info("already trained: checkpoint at step %d of %d; nothing to launch", done_steps, plan["total_steps"])
    else:
        world = args.nproc * nodes.count
        preflight(plan, engine_train, world, ckpt_dir, shutil.disk_usage(ckpt_dir).free, model["parameters"], device)
        k = len(launches)
        if done_steps:
            log.info("resuming from step %d of %d (launch %d)", done_steps, plan["total_steps"], k)
        (ckpt_dir / "metrics").mkdir(exist_ok=True)
        (ckpt_dir / "logs").mkdir(exist_ok=True)
        if current_metrics.exists():  # left by a launch killed together with this process
            current_metrics.rename(ckpt_dir / "metrics" / f"launch-{launches[-1]['launch']}.jsonl")
        preempted = ckpt_dir / checkpoints.PREEMPTED_FILE
        for stale in (stop_file, preempted):  # a stop asked of an earlier launch
            if stale is not None:
                stale.unlink(missing_ok=True)
        # Recorded before the launch, so that a launch killed with this process still counts.
        launches.append({"launch": k, "nproc": world, "nodes": nodes.count, "device": device,
                         "from_step": done_steps, "started": time.time()})
        write_launches(ckpt_dir, launches)
        code, seconds, arrivals = torchrun(ckpt_dir / "hydra" / f"launch-{k}", current_metrics,
                                           [args.log, ckpt_dir / "logs" / f"launch-{k}.log"])
        if current_metrics.exists():
            current_metrics.rename(ckpt_dir / "metrics" / f"launch-{k}.jsonl")
        launches[-1].update(to_step=checkpoints.tracked_step(ckpt_dir), exit=code, seconds=round(seconds, 1))
        stopped = json.loads(preempted.read_text()) if preempted.exists() else None
        if stop_file is not None:
            stop_file.unlink(missing_ok=True)
        if stopped:
            launches[-1].update(exit="preempted", preempted=stopped)
        try:
            cli.write_json(ckpt_dir / "metrics" / f"launch-{k}.times.json", arrivals)
            write_launches(ckpt_dir, launches)
        except OSError as e:  # a full disk: say what failed, not this
            log.warning("could not record launch %d in %s (%s)", k, ckpt_dir, e)
        if stopped:
            raise cli.PipelineError(
                f"preempted ({stopped['asked_by']}) after step {stopped['step']}, which is saved in {ckpt_dir}: "
                "rerun the same command (as the Slurm profile's retries do) to resume from it"
            )
        if code != 0:
            free, per_ckpt = shutil.disk_usage(ckpt_dir).free, checkpoint_bytes(model["parameters"], train, device)
            full = (f"; the file system of {ckpt_dir} has {free / 1e9:.2f} GB free, less than one checkpoint "
                    f"(~{per_ckpt / 1e9:.2f} GB): a save probably failed for lack of space, free some first"
                    if free < per_ckpt else "")
            raise cli.PipelineError(
                f"torchrun exited {code} (see the log above){full}; checkpoints up to step "
                f"{checkpoints.tracked_step(ckpt_dir)} are kept in {ckpt_dir}: rerun the same command to resume "
                "from the newest complete one"
            )
        if checkpoints.tracked_step(ckpt_dir) < plan["total_steps"]:
            raise cli.PipelineError(
                f"verl exited 0 but the last checkpoint is step {checkpoints.tracked_step(ckpt_dir)} of {plan['total_steps']}"
            )
    rows = metrics.merge_launch_metrics(ckpt_dir / "metrics")
    with open(args.metrics, "w") as f:
        for row in rows:
            f.write(json.dumps(row, sort_keys=True) + "\n")
    plot_curves(rows, args.curves, f"{args.run}: {ckpt_dir.name}")
    summary = summarise(rows, launches, ckpt_dir, checkpoints.tracked_step(ckpt_dir), fp,
                        train["checkpoint"]["verify"] if trainer.preemption_safe else None)
    summary["engine"] = engine_record(engine_train, engine, summary["throughput"])
    cli.write_json(args.done, summary)
    log.info("trained to step %d: train loss %s, val loss %s", summary["final_step"], summary["train_loss"],
             summary["val_loss"])


if __name__ == "__main__":
    p = cli.parser(__doc__)
    p.add_argument("--run", required=True)
    cli.inputs(p, "--train-files", "--val-files", "--model-manifest", required=True)
    p.add_argument("--trust-remote-code", action="store_true")
    p.add_argument("--settings", required=True, help="JSON: {train: the run's train settings}")
    p.add_argument("--nproc", type=int, required=True, help="GPUs per node (CPU ranks without CUDA)")
    p.add_argument("--nnodes", type=int, default=1, help="nodes of the job (torchrun agents, one per node)")
    p.add_argument("--checkpoint-root", required=True)
    cli.outputs(p, "--done", "--metrics", "--curves", required=True)
    cli.run(main, p)
