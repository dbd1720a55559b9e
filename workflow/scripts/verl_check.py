"""Rule verl_check (the seed's "verl patch check"): before any GPU time is spent, prove that the
installed verl is one the pipeline supports, that its SFT entry point imports, and that
`train/grad_norm` really reaches the logged metrics, by a two-step probe run of the tiny model
on the CPU through the same launch code the train rule uses."""

import hashlib
import importlib
import json
import logging
import math
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import cli
import verl_launch
import verl_legacy
from package_versions import installed_versions

log = logging.getLogger("pipeline")

REQUIRED_METRICS = ("train/loss", "train/grad_norm", "train/lr")
PROBE_STEPS = 2

PROBE_TRAIN = {
    "data": {"train_batch_size": 2, "micro_batch_size_per_gpu": 1, "use_dynamic_bsz": False,
             "max_token_len_per_gpu": 4096, "max_length": 256, "truncation": "right", "num_workers": 0,
             "balance_tokens_across_ranks": False},  # one rank: nothing to balance
    # The pipeline's own path: packed attention and verl's fused log-prob kernel.
    "model": {"enable_gradient_checkpointing": False, "lora_rank": 0, "use_remove_padding": True,
              "attn_implementation": "auto", "use_fused_kernels": True, "use_liger": False},
    "engine": {"strategy": "fsdp2", "model_dtype": "fp32"},
    "optim": {"lr": 1e-4, "betas": [0.9, 0.95], "weight_decay": 0.01, "lr_warmup_steps_ratio": 0.0,
              "clip_grad": 1.0, "lr_scheduler_type": "constant"},
    "trainer": {"total_epochs": 1, "total_training_steps": PROBE_STEPS, "save_freq": PROBE_STEPS,
                "test_freq": PROBE_STEPS, "max_ckpt_to_keep": 1, "project_name": "verl_check",
                "experiment_name": "probe", "logger": []},
    "checkpoint": {"save_contents": ["model", "optimizer", "extra"]},
    "extra_overrides": [],
}


def entry_point_file(trainer):
    """Import the trainer module (fails here, not on the GPU node, when its imports are broken)."""
    try:
        module = importlib.import_module(trainer)
    except Exception as e:
        raise cli.PipelineError(
            f"verl's SFT trainer {trainer} does not import: {type(e).__name__}: {e}. "
            "Install the pinned environment: pip install -r requirements.txt (requirements-legacy.txt for 0.6.x)"
        ) from None
    return Path(module.__file__)


def probe_conversations(n):
    return [
        [
            {"role": "user", "content": f"Print the sum of {i} and {i + 1}."},
            {"role": "assistant", "content": f"```python\nprint({i} + {i + 1})\n```"},
        ]
        for i in range(n)
    ]


def run_probe(model_dir, work, legacy):
    """Train the tiny model for PROBE_STEPS steps on the CPU; return the logged metrics per step."""
    probe = PROBE_TRAIN
    if legacy:  # the legacy trainer's path: its own log-probs, attention and cosine schedule
        probe = json.loads(json.dumps(PROBE_TRAIN))
        probe["model"].update(use_fused_kernels=False)
        probe["optim"].update(lr_scheduler_type="cosine")
        model_dir = verl_legacy.transformers4_model_dir(model_dir, work / "model")
    for name, n in (("train", 8), ("val", 4)):
        pq.write_table(pa.table({"messages": probe_conversations(n)}), work / f"{name}.parquet")
    metrics_file = work / "metrics.jsonl"
    cmd = verl_launch.torchrun_command(
        1,
        verl_launch.overrides(
            probe, train_files=work / "train.parquet", val_files=work / "val.parquet", model_dir=model_dir,
            trust_remote_code=False, ckpt_dir=work / "ckpt", hydra_dir=work / "hydra", nproc=1, device="cpu",
        ),
    )
    env = verl_launch.environment(device="cpu", nproc=1, metrics_file=metrics_file, work_dir=work)
    code, seconds, _ = verl_launch.launch(cmd, env, cwd=work, log_paths=[work / "probe.log"])
    if code != 0:
        tail = "".join((work / "probe.log").read_text(errors="replace").splitlines(True)[-40:])
        raise cli.PipelineError(f"the verl probe run failed (exit {code}); its output ends with:\n{tail}")
    return verl_launch.read_metrics(metrics_file), seconds


def check_metrics(steps):
    """Every probe step must log finite loss, grad_norm and lr."""
    missing = [s for s in range(1, PROBE_STEPS + 1) if s not in steps]
    if missing:
        raise cli.PipelineError(f"the verl probe logged no metrics for steps {missing}")
    for step in range(1, PROBE_STEPS + 1):
        for key in REQUIRED_METRICS:
            value = steps[step].get(key)
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                raise cli.PipelineError(
                    f"the verl probe's step {step} logged {key}={value!r}; the pipeline needs it finite "
                    f"(seed section 4: grad_norm must be logged). Installed verl does not report it: "
                    f"use the pinned verl (requirements.txt)"
                )


def main(args):
    versions = installed_versions()
    trainer = verl_legacy.trainer_module(versions["verl"])
    if trainer is None:
        supported = ", ".join(f"{v}x ({m})" for v, m in verl_legacy.TRAINERS.items())
        raise cli.PipelineError(
            f"verl {versions['verl']} is installed; the pipeline supports verl {supported}. Install the pinned "
            "environment: pip install -r requirements.txt (or requirements-legacy.txt for the legacy trainer)"
        )
    trainer_file = entry_point_file(trainer)
    model_dir = json.load(open(args.model_manifest))["path"]
    work = Path(tempfile.mkdtemp(prefix="verl_probe_", dir=Path(args.report).parent))
    try:
        steps, seconds = run_probe(Path(model_dir).resolve(), work, legacy=trainer == verl_legacy.TRAINER_MODULE)
        check_metrics(steps)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = {
        "versions": versions,
        "trainer_module": trainer,
        "trainer_file": str(trainer_file),
        "trainer_sha256": hashlib.sha256(trainer_file.read_bytes()).hexdigest(),
        "probe": {
            "device": "cpu",
            "steps": PROBE_STEPS,
            "seconds": round(seconds, 1),
            "metrics_seen": sorted({k for s in steps.values() for k in s}),
            "grad_norm": [steps[s]["train/grad_norm"] for s in range(1, PROBE_STEPS + 1)],
        },
    }
    cli.write_json(args.report, report)
    log.info("verl %s OK: %s logs %s", versions["verl"], trainer, ", ".join(REQUIRED_METRICS))


if __name__ == "__main__":
    p = cli.parser(__doc__)
    cli.inputs(p, "--model-manifest", required=True, help="the tiny model's manifest")
    cli.outputs(p, "--report", required=True)
    cli.run(main, p)
