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

from pipeline.common import cli
from pipeline.common.settings import merged
from pipeline.common.versions import installed_versions
from pipeline.trainer import launch, memory, metrics, select

log = logging.getLogger("pipeline")

REQUIRED_METRICS = ("train/loss", "train/grad_norm", "train/lr")


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


def run_probe(trainer, probe, model_dir, work):
    """Train the tiny model with the probe's settings on the CPU; return the logged metrics per step."""
    # On the CPU nothing is left to the memory model: no GPU, no row statistics needed.
    probe, _ = memory.resolve(merged(probe, trainer.probe_overlay), trainer, model_dir, 1, "cpu", None)
    model_dir = trainer.loadable_model_dir(model_dir, work / "model")
    for name, n in (("train", 8), ("val", 4)):
        pq.write_table(pa.table({"messages": probe_conversations(n)}), work / f"{name}.parquet")
    metrics_file = work / "metrics.jsonl"
    cmd = launch.torchrun_command(
        trainer,
        1,
        trainer.overrides(
            probe, train_files=work / "train.parquet", val_files=work / "val.parquet", model_dir=model_dir,
            trust_remote_code=False, ckpt_dir=work / "ckpt", hydra_dir=work / "hydra", nproc=1, device="cpu",
        ),
    )
    env = launch.environment(trainer, device="cpu", nproc=1, metrics_file=metrics_file, work_dir=work)
    code, seconds, _ = launch.launch(cmd, env, cwd=work, log_paths=[work / "probe.log"])
    if code != 0:
        tail = "".join((work / "probe.log").read_text(errors="replace").splitlines(True)[-40:])
        raise cli.PipelineError(f"the verl probe run failed (exit {code}); its output ends with:\n{tail}")
    return metrics.read_metrics(metrics_file), seconds


def check_metrics(steps, n_steps):
    """Every probe step must log finite loss, grad_norm and lr."""
    missing = [s for s in range(1, n_steps + 1) if s not in steps]
    if missing:
        raise cli.PipelineError(f"the verl probe logged no metrics for steps {missing}")
    for step in range(1, n_steps + 1):
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
    trainer = select.installed()
    probe = json.loads(args.settings)["verl_check"]["train"]
    n_steps = probe["trainer"]["total_training_steps"]
    trainer_file = entry_point_file(trainer.module)
    model_dir = json.load(open(args.model_manifest))["path"]
    work = Path(tempfile.mkdtemp(prefix="verl_probe_", dir=Path(args.report).parent))
    try:
        steps, seconds = run_probe(trainer, probe, Path(model_dir).resolve(), work)
        check_metrics(steps, n_steps)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = {
        "versions": versions,
        "trainer_module": trainer.module,
        "trainer_file": str(trainer_file),
        "trainer_sha256": hashlib.sha256(trainer_file.read_bytes()).hexdigest(),
        "probe": {
            "device": "cpu",
            "steps": n_steps,
            "seconds": round(seconds, 1),
            "metrics_seen": sorted({k for s in steps.values() for k in s}),
            "grad_norm": [steps[s]["train/grad_norm"] for s in range(1, n_steps + 1)],
        },
    }
    cli.write_json(args.report, report)
    log.info("verl %s OK: %s logs %s", versions["verl"], trainer.module, ", ".join(REQUIRED_METRICS))


if __name__ == "__main__":
    p = cli.parser(__doc__)
    cli.inputs(p, "--model-manifest", required=True, help="the tiny model's manifest")
    p.add_argument("--settings", required=True, help="JSON: {verl_check: {train: the probe's train settings}}")
    cli.outputs(p, "--report", required=True)
    cli.run(main, p)
