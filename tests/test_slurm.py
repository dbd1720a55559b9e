"""A training job on a real one-node Slurm cluster (tests/slurm_cluster.py) through the project's
profile, cancelled mid-run: resubmitted by the profile's retries and resumed from its checkpoint.
The whole smoke chain as Slurm jobs, with the outputs of a local run, is test_reproducibility's
second run."""

import subprocess
import sys

from conftest import SLURM_SMOKE_PROFILE, workflow_env
from smoke_training import (
    assert_same_curve,
    fresh_training_copy,
    launches,
    metrics,
    steps_logged,
    wait_until,
)

TRAIN = "results/smoke/train/done.json"


def slurm_jobs(cluster):
    """(job id, name, state, comment) of every job the cluster still knows."""
    out = subprocess.run(["squeue", "-h", "--states=all", "-o", "%i|%j|%T|%k"], env=dict(workflow_env(), **cluster),
                         capture_output=True, text=True, check=True).stdout
    return [tuple(line.split("|")) for line in out.splitlines()]


def test_a_training_job_cancelled_mid_run_is_resubmitted_and_resumes(cluster, smoke_workdir, tmp_path):
    workdir = fresh_training_copy(smoke_workdir, tmp_path / "w")
    log = open(tmp_path / "snakemake.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "snakemake", TRAIN, *SLURM_SMOKE_PROFILE], cwd=workdir,
                            env=dict(workflow_env(), **cluster), stdout=log, stderr=subprocess.STDOUT)
    wait_until(proc, lambda: steps_logged(workdir) >= 3, "three training steps", timeout=900)
    running = [job for job, _, state, comment in slurm_jobs(cluster) if state == "RUNNING" and "train_sft" in comment]
    assert len(running) == 1, slurm_jobs(cluster)
    subprocess.run(["scancel", running[0]], env=dict(workflow_env(), **cluster), check=True)
    assert proc.wait(timeout=1200) == 0, (tmp_path / "snakemake.log").read_text()[-4000:]
    tries = launches(workdir)
    assert tries[0]["exit"] == "preempted" and tries[0]["preempted"]["asked_by"] in ("SIGTERM", "file")
    assert tries[-1]["from_step"] == tries[0]["preempted"]["step"] >= 3  # resumed where it was cancelled
    assert_same_curve(metrics(workdir), metrics(smoke_workdir))
    states = {state for _, _, state, comment in slurm_jobs(cluster) if "train_sft" in comment}
    assert "CANCELLED" in states and "COMPLETED" in states, slurm_jobs(cluster)
