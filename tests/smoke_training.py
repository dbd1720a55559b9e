"""Helpers for the tests that run the smoke chain again (rerun, resumed, through Slurm) and
compare it with the first run: what must be byte-identical, fresh copies of a trained smoke
workdir, the run's curve, its checkpoints, and its processes."""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import workflow_env

from pipeline.trainer import checkpoints, current


BYTE_IDENTICAL = [
    "results/smoke/data/filtered.parquet",
    "results/smoke/data/rejected.parquet",
    "results/smoke/data/filter_report.json",
    "results/smoke/audit/lengths.parquet",
    "results/smoke/audit/audit_report.json",
    "results/smoke/data/sft_train.parquet",
    "results/smoke/data/sft_val.parquet",
    "results/smoke/data/split_report.json",
    "results/models/tiny/hf/model.safetensors",
    "results/smoke/hf_model/model.safetensors",
    "results/smoke/export.json",
]
# Per-step metrics that measure time or the host, not the training.
TIMING_METRICS = {"step_seconds", "train/mfu", "perf/cpu_memory_used_gb"}


def curve(workdir):
    """The run's per-step metrics without the timing ones: what a rerun must reproduce exactly."""
    return [{k: v for k, v in r.items() if k not in TIMING_METRICS} for r in metrics(workdir)]


def metrics(workdir):
    return [json.loads(x) for x in (workdir / "results/smoke/train/metrics.jsonl").read_text().splitlines()]


def fresh_training_copy(smoke_workdir, dest):
    """The smoke workdir with its data stages done and its training removed."""
    workdir = Path(shutil.copytree(smoke_workdir, dest, symlinks=True))
    for path in ("results/smoke/checkpoints", "results/smoke/train", "results/smoke/hf_model"):
        shutil.rmtree(workdir / path, ignore_errors=True)
    (workdir / "results/smoke/export.json").unlink(missing_ok=True)
    return workdir


def checkpoint_dir(workdir):
    """The smoke run's one checkpoint directory (results/smoke/checkpoints/<fingerprint>)."""
    (found,) = (p for p in (workdir / "results/smoke/checkpoints").iterdir() if p.is_dir())
    return found


def latest(workdir):
    root = workdir / "results/smoke/checkpoints"
    return checkpoints.tracked_step(checkpoint_dir(workdir)) if root.exists() and any(
        p.is_dir() for p in root.iterdir()) else 0


def steps_logged(workdir):
    """Steps the running launch has logged so far."""
    found = list((workdir / "results/smoke/checkpoints").glob("*/metrics/current.jsonl"))
    return len(found[0].read_text().splitlines()) if found else 0


def launches(workdir):
    return [json.loads(x) for x in (checkpoint_dir(workdir) / "launches.jsonl").read_text().splitlines()]


def start(workdir, *args, target="smoke"):
    return subprocess.Popen(
        [sys.executable, "-m", "snakemake", "--cores", "2", target, *args], cwd=workdir, env=workflow_env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def wait_until(proc, condition, what, timeout=600):
    deadline = time.time() + timeout
    while not condition():
        assert proc.poll() is None, f"snakemake ended before {what}"
        assert time.time() < deadline, f"no {what} in time"
        time.sleep(0.3)


def wait_for_checkpoint(workdir, proc, beyond, timeout=600):
    wait_until(proc, lambda: latest(workdir) > beyond, f"a checkpoint beyond step {beyond}", timeout)
    return latest(workdir)


def processes(root, *markers):
    """Pids of process `root` and all its descendants (a job's processes: Snakemake, the rule's
    process, the torchrun agent in its own session, the workers) whose command line has one of
    markers (any, when none are given)."""
    children = {}
    for proc_dir in Path("/proc").iterdir():
        if proc_dir.name.isdigit():
            try:
                ppid = int((proc_dir / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(proc_dir.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if not markers or any(m in cmd for m in markers):
            found.append(pid)
    return found


def trainer_pids(workdir):
    """The verl workers training in workdir (their command line names it), whoever their parent."""
    pids = []
    for proc_dir in Path("/proc").iterdir():
        try:
            cmd = (proc_dir / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if f"\0{current.TRAINER.entry_module}\0" in cmd and str(workdir) in cmd:
            pids.append(int(proc_dir.name))
    return pids


def rank_pid(workdir, rank):
    """The worker of one rank (RANK in its environment; its own forks, which share its command
    line and environment, are younger: the lowest pid)."""
    pids = [pid for pid in trainer_pids(workdir)
            if f"\0RANK={rank}\0" in "\0" + Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")]
    return min(pids)


def assert_same_curve(got, want, loss=1e-6, grad_norm=1e-5):
    """Step for step the same training: every step, its loss and grad norm, and the validation losses."""
    assert [r["step"] for r in got] == [r["step"] for r in want]
    for a, b in zip(got, want):
        assert abs(a["train/loss"] - b["train/loss"]) <= loss, (a["step"], a["train/loss"], b["train/loss"])
        assert abs(a["train/grad_norm"] - b["train/grad_norm"]) <= grad_norm, a["step"]
        assert ("val/loss" in a) == ("val/loss" in b)
        if "val/loss" in b:
            assert abs(a["val/loss"] - b["val/loss"]) <= loss, a["step"]
