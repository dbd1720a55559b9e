"""Launching verl 0.9.1's SFT trainer under torchrun: the Hydra overrides generated from the
pipeline's settings, the environment (CPU platform, file logger, W&B), and a supervised launch
that streams the trainer's output into logs and passes SIGTERM on.

Shared by the train rule, the verl check's probe run and the GPU benchmark."""

import importlib.util
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

log = logging.getLogger("pipeline")

# verl.trainer.sft_trainer's main(), run so that the project's modules can wrap the trainer (verl_sft.py).
ENTRY_POINT = "verl_sft"
SCRIPTS_DIR = Path(__file__).resolve().parent


def device_kind():
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def attention_implementation(setting, device):
    """`auto`: flash_attention_2 when the flash_attn package imports on a GPU, else the project's
    packed_varlen (packed_attention.py), which needs no package beyond torch."""
    if setting != "auto":
        return setting
    if device == "cuda" and importlib.util.find_spec("flash_attn") is not None:
        return "flash_attention_2"
    return "packed_varlen"


# Activation bytes per token, per layer, per unit of (hidden + intermediate) size, without
# gradient checkpointing: measured 75 kB per token-layer for the Qwen2.5-Coder-1.5B shape (bf16,
# fused loss, packed attention) on an H100, benchmarks/RESULTS.md.
ACTIVATION_BYTES_PER_WIDTH = 7.2
# Bytes per parameter held per rank: bf16 weights and gradients, two bf16 Adam moments (FSDP
# shards all of them).
STATE_BYTES_PER_PARAM = 8


def needs_checkpointing(model_config, parameters, nproc, tokens_per_gpu, gpu_bytes):
    """Whether the activations of a full micro-batch, kept for the backward, would not fit beside
    the sharded training state in 75% of the GPU's memory (a 1.5B model at 16k tokens per GPU
    fits; a 7B one does not)."""
    width = model_config["hidden_size"] + model_config["intermediate_size"]
    activations = tokens_per_gpu * model_config["num_hidden_layers"] * width * ACTIVATION_BYTES_PER_WIDTH
    state = parameters * STATE_BYTES_PER_PARAM / nproc
    return activations + state > 0.75 * gpu_bytes


def gradient_checkpointing(train, model_dir, nproc, device):
    """train.model.enable_gradient_checkpointing, with `auto` resolved: on only where needed, since
    off saves the recompute (about a third of the forward). Off on a CPU, where memory is not what
    checkpointing is for."""
    setting = train["model"]["enable_gradient_checkpointing"]
    if setting != "auto":
        return setting
    if device != "cuda":
        return False
    import torch

    from model_files import count_parameters

    d = train["data"]
    tokens = d["max_token_len_per_gpu"] if d["use_dynamic_bsz"] else d["micro_batch_size_per_gpu"] * d["max_length"]
    config = json.loads((Path(model_dir) / "config.json").read_text())
    return needs_checkpointing(config, count_parameters(model_dir), nproc, tokens,
                               torch.cuda.get_device_properties(0).total_memory)


def hydra_value(v):
    """A Python value as a Hydra override value."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(hydra_value(x) for x in v) + "]"
    return str(v)


def trainer_overrides(trainer, *, ckpt_dir, nproc, nnodes, device):
    """The trainer.* overrides, named alike by verl 0.9.1's trainer and the legacy one."""
    return {
        **{f"trainer.{k}": trainer[k] for k in ("total_epochs", "total_training_steps", "save_freq", "test_freq",
                                                 "max_ckpt_to_keep", "project_name", "experiment_name")},
        # The file logger feeds the pipeline's metrics.jsonl; the others are the user's choice.
        "trainer.logger": ["file"] + [x for x in trainer["logger"] if x != "file"],
        "trainer.default_local_dir": ckpt_dir,
        "trainer.resume_mode": "auto",
        "trainer.nnodes": nnodes,
        "trainer.n_gpus_per_node": nproc,
        "trainer.device": device,
    }


def overrides(train, *, train_files, val_files, model_dir, trust_remote_code, ckpt_dir, hydra_dir,
              nproc, device, nnodes=1):
    """Hydra overrides for verl.trainer.sft_trainer (`python -m verl_sft`), from the run's train settings
    (or, with verl 0.6.x installed, for the legacy trainer: verl_legacy.legacy_overrides).

    Keys under train.{data,model,engine,optim,trainer,checkpoint} keep verl's own names."""
    import verl_legacy

    if verl_legacy.is_legacy():
        return verl_legacy.legacy_overrides(
            train, train_files=train_files, val_files=val_files, model_dir=model_dir,
            trust_remote_code=trust_remote_code, ckpt_dir=ckpt_dir, hydra_dir=hydra_dir, nproc=nproc, device=device,
            nnodes=nnodes,
        )
    d, m, e, o, t = (train[k] for k in ("data", "model", "engine", "optim", "trainer"))
    # Absolute paths: the trainer runs in its own working directory.
    train_files, val_files, model_dir, ckpt_dir, hydra_dir = (
        Path(p).resolve() for p in (train_files, val_files, model_dir, ckpt_dir, hydra_dir)
    )
    model_dtype = e["model_dtype"] if device == "cuda" else "fp32"
    items = {
        "data.train_files": train_files,
        "data.val_files": val_files,
        "data.messages_key": "messages",
        "data.pad_mode": "no_padding",
        **{f"data.{k}": d[k] for k in ("train_batch_size", "micro_batch_size_per_gpu", "use_dynamic_bsz",
                                        "max_token_len_per_gpu", "max_length", "truncation", "num_workers")},
        # Read by dp_token_balance.py (verl has no such key).
        "+data.balance_tokens_across_ranks": d["balance_tokens_across_ranks"],
        "model.path": model_dir,
        "model.trust_remote_code": trust_remote_code,
        "model.enable_gradient_checkpointing": gradient_checkpointing(train, model_dir, nproc * nnodes, device),
        **{f"model.{k}": m[k] for k in ("lora_rank", "use_remove_padding", "use_fused_kernels")},
        # Liger's kernels are triton: GPU only.
        "model.use_liger": m["use_liger"] and device == "cuda",
        "+model.override_config.attn_implementation": attention_implementation(m["attn_implementation"], device),
        "engine.strategy": e["strategy"],
        "engine.model_dtype": model_dtype,
        **{f"optim.{k}": o[k] for k in ("lr", "betas", "weight_decay", "lr_warmup_steps_ratio", "clip_grad",
                                         "lr_scheduler_type")},
        **trainer_overrides(t, ckpt_dir=ckpt_dir, nproc=nproc, nnodes=nnodes, device=device),
        "checkpoint.save_contents": train["checkpoint"]["save_contents"],
        "hydra.run.dir": hydra_dir,
    }
    if device == "cpu":
        # fp32 end to end: verl's default mixed precision is bf16, far slower on a CPU.
        items.update({f"+engine.mixed_precision.{k}": "fp32" for k in ("param_dtype", "reduce_dtype", "buffer_dtype")})
        items["engine.use_torch_compile"] = False
    return [f"{k}={hydra_value(v)}" for k, v in items.items()] + list(train["extra_overrides"])


def environment(*, device, nproc, metrics_file, work_dir, wandb_run_id=None):
    """The workers' environment: the project's verl modules, the file logger, scratch dirs, W&B."""
    import verl_legacy

    env = dict(os.environ)
    metrics_file, work_dir = Path(metrics_file).resolve(), Path(work_dir).resolve()
    legacy = verl_legacy.is_legacy()  # its entry module does the legacy trainer's shims itself
    modules = ["verl_worker_guard"]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SCRIPTS_DIR), env.get("PYTHONPATH")]))
    if device == "cpu" and not legacy:
        modules.append("verl_cpu_platform")  # before any module that imports verl's engines
        # CUDA hidden too: a CPU run on a GPU machine (the verl check's probe) must not let
        # verl's own torch.cuda.is_available() checks pick the GPU behind the platform's back.
        env.update(VERL_PLATFORM="cpu", VERL_ENGINE_DEVICE="cuda", CUDA_VISIBLE_DEVICES="",
                   OMP_NUM_THREADS=str(max(1, (os.cpu_count() or 1) // nproc)))
    if not legacy:
        modules += ["packed_attention", "untied_lm_head", "dp_token_balance"]
    env.update(
        VERL_USE_EXTERNAL_MODULES=",".join(modules),
        VERL_FILE_LOGGER_PATH=str(metrics_file),
        # verl leaves lock files in TMPDIR at every save, torch its elastic scratch.
        TMPDIR=str(Path(work_dir) / "tmp"),
        HF_HUB_OFFLINE="1",
        WANDB_DIR=str(work_dir),
    )
    if wandb_run_id:
        # One W&B run across relaunches of the same training; offline unless a key is configured.
        env.update(WANDB_RUN_ID=wandb_run_id, WANDB_RESUME="allow")
        if not env.get("WANDB_API_KEY") and "WANDB_MODE" not in env:
            env["WANDB_MODE"] = "offline"
    Path(env["TMPDIR"]).mkdir(parents=True, exist_ok=True)
    return env


class Nodes:
    """Where this launch sits in a multi-node job: the number of nodes, this node's index, and
    the c10d rendezvous (host:port of the first node, and an id shared by the job's nodes).
    Under Slurm (srun, one task per node) these come from SLURM_NODEID and the job's node list;
    elsewhere from torchrun's usual NODE_RANK, MASTER_ADDR and MASTER_PORT."""

    def __init__(self, count, job_id):
        self.count = count
        self.rank = int(os.environ.get("SLURM_NODEID", os.environ.get("NODE_RANK", 0)))
        host = os.environ.get("MASTER_ADDR") or _first_slurm_host()
        self.rendezvous = f"{host}:{os.environ.get('MASTER_PORT', '29400')}" if count > 1 else None
        self.job_id = os.environ.get("SLURM_JOB_ID", job_id)


def _first_slurm_host():
    nodelist = os.environ.get("SLURM_JOB_NODELIST")
    if not nodelist:
        return "127.0.0.1"
    hosts = subprocess.run(["scontrol", "show", "hostnames", nodelist], capture_output=True, text=True, check=True)
    return hosts.stdout.split()[0]


def torchrun_command(nproc, hydra_overrides, nodes=None):
    """torchrun for one node (--standalone), or one node's agent of a multi-node job (c10d
    rendezvous on the first node)."""
    if nodes is None or nodes.count == 1:
        topology = ["--standalone", "--nnodes=1"]
    else:
        topology = [f"--nnodes={nodes.count}", "--rdzv-backend=c10d", f"--rdzv-endpoint={nodes.rendezvous}",
                    f"--rdzv-id={nodes.job_id}"]
    import verl_legacy

    entry = verl_legacy.ENTRY_MODULE if verl_legacy.is_legacy() else ENTRY_POINT
    return [sys.executable, "-m", "torch.distributed.run", *topology, f"--nproc_per_node={nproc}",
            "-m", entry, *hydra_overrides]


def watch_steps(metrics_file, stop, interval=0.2):
    """{step: wall-clock time its first metrics line appeared}: verl logs no step times, and its
    file logger writes unbuffered, so the arrival of a step's line marks the step's end."""
    arrivals, seen = {}, 0
    while not stop.wait(interval):
        if metrics_file.exists():
            lines = metrics_file.read_bytes().split(b"\n")
            for line in lines[seen:-1]:  # the last piece may be a line still being written
                try:
                    arrivals.setdefault(json.loads(line)["step"], time.time())
                except (json.JSONDecodeError, KeyError):
                    pass
            seen = max(seen, len(lines) - 1)
    return arrivals


def launch(cmd, env, cwd, log_paths, grace_seconds=120):
    """Run torchrun, copying its output to every file in log_paths; return (exit code, seconds,
    {step: wall time of its metrics line}).

    SIGTERM/SIGINT to this process are passed on (torchrun forwards them to its workers), so a
    scancel or a Snakemake kill stops the training cleanly instead of orphaning it."""
    entry = len(cmd) - cmd[::-1].index("-m") + 1  # after `-m <trainer module>`
    log.info("launch: %s", " ".join(cmd[:entry]) + " \\\n    " + " \\\n    ".join(cmd[entry:]))
    outs = [open(p, "a", buffering=1) for p in log_paths]
    start = time.time()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def pump():
        for line in proc.stdout:
            for f in outs:
                f.write(line)

    pumper = threading.Thread(target=pump, daemon=True)
    pumper.start()
    stop, arrivals = threading.Event(), {}
    watcher = threading.Thread(
        target=lambda: arrivals.update(watch_steps(Path(env["VERL_FILE_LOGGER_PATH"]), stop)), daemon=True
    )
    watcher.start()

    def forward(signum, _frame):
        log.warning("received signal %d: stopping the trainer (checkpoints stay)", signum)
        proc.send_signal(signal.SIGTERM)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        try:
            code = proc.wait()
        except BaseException:
            proc.kill()
            raise
        pumper.join(timeout=grace_seconds)
    finally:
        stop.set()
        watcher.join()
        for s, handler in previous.items():
            signal.signal(s, handler)
        for f in outs:
            f.close()
    return code, time.time() - start, arrivals


def read_metrics(path):
    """verl's file-logger lines ({"step": N, "data": {...}}) merged per step: {step: {key: value}}."""
    steps = {}
    path = Path(path)
    if not path.exists():
        return steps
    for line in path.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a kill
        steps.setdefault(int(record["step"]), {}).update(record["data"])
    return steps
