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

ENTRY_POINT = "verl.trainer.sft_trainer"
SCRIPTS_DIR = Path(__file__).resolve().parent


def device_kind():
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def attention_implementation(setting, device):
    """`auto`: flash_attention_2 when the flash_attn package imports on a GPU, else sdpa."""
    if setting != "auto":
        return setting
    if device == "cuda" and importlib.util.find_spec("flash_attn") is not None:
        return "flash_attention_2"
    return "sdpa"


def _value(v):
    """A Python value as a Hydra override value."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(_value(x) for x in v) + "]"
    return str(v)


def overrides(train, *, train_files, val_files, model_dir, trust_remote_code, ckpt_dir, hydra_dir,
              nproc, device):
    """Hydra overrides for `python -m verl.trainer.sft_trainer`, from the run's train settings.

    Keys under train.{data,model,engine,optim,trainer,checkpoint} keep verl's own names."""
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
        "model.path": model_dir,
        "model.trust_remote_code": trust_remote_code,
        **{f"model.{k}": m[k] for k in ("enable_gradient_checkpointing", "lora_rank", "use_remove_padding")},
        "+model.override_config.attn_implementation": attention_implementation(m["attn_implementation"], device),
        "engine.strategy": e["strategy"],
        "engine.model_dtype": model_dtype,
        **{f"optim.{k}": o[k] for k in ("lr", "betas", "weight_decay", "lr_warmup_steps_ratio", "clip_grad",
                                         "lr_scheduler_type")},
        **{f"trainer.{k}": t[k] for k in ("total_epochs", "total_training_steps", "save_freq", "test_freq",
                                           "max_ckpt_to_keep", "project_name", "experiment_name")},
        # The file logger feeds the pipeline's metrics.jsonl; the others are the user's choice.
        "trainer.logger": ["file"] + [x for x in t["logger"] if x != "file"],
        "trainer.default_local_dir": ckpt_dir,
        "trainer.resume_mode": "auto",
        "trainer.nnodes": 1,
        "trainer.n_gpus_per_node": nproc,
        "trainer.device": device,
        "checkpoint.save_contents": train["checkpoint"]["save_contents"],
        "hydra.run.dir": hydra_dir,
    }
    if device == "cpu":
        # fp32 end to end: verl's default mixed precision is bf16, far slower on a CPU.
        items.update({f"+engine.mixed_precision.{k}": "fp32" for k in ("param_dtype", "reduce_dtype", "buffer_dtype")})
        items["engine.use_torch_compile"] = False
    return [f"{k}={_value(v)}" for k, v in items.items()] + list(train["extra_overrides"])


def environment(*, device, nproc, metrics_file, work_dir, wandb_run_id=None):
    """The workers' environment: the project's verl modules, the file logger, scratch dirs, W&B."""
    env = dict(os.environ)
    metrics_file, work_dir = Path(metrics_file).resolve(), Path(work_dir).resolve()
    modules = ["verl_worker_guard"]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SCRIPTS_DIR), env.get("PYTHONPATH")]))
    if device == "cpu":
        modules.append("verl_cpu_platform")
        env.update(VERL_PLATFORM="cpu", VERL_ENGINE_DEVICE="cuda",
                   OMP_NUM_THREADS=str(max(1, (os.cpu_count() or 1) // nproc)))
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


def torchrun_command(nproc, hydra_overrides):
    return [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nnodes=1",
            f"--nproc_per_node={nproc}", "-m", ENTRY_POINT, *hydra_overrides]


def launch(cmd, env, cwd, log_paths, grace_seconds=120):
    """Run torchrun, copying its output to every file in log_paths; return (exit code, seconds).

    SIGTERM/SIGINT to this process are passed on (torchrun forwards them to its workers), so a
    scancel or a Snakemake kill stops the training cleanly instead of orphaning it."""
    log.info("launch: %s", " ".join(cmd[:8]) + " \\\n    " + " \\\n    ".join(cmd[8:]))
    outs = [open(p, "a", buffering=1) for p in log_paths]
    start = time.time()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def pump():
        for line in proc.stdout:
            for f in outs:
                f.write(line)

    pumper = threading.Thread(target=pump, daemon=True)
    pumper.start()

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
        for s, handler in previous.items():
            signal.signal(s, handler)
        for f in outs:
            f.close()
    return code, time.time() - start


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
