"""The smoke chain through a real one-node Slurm cluster (tests/slurm_cluster.py) and the
project's profile: every rule a Slurm job, the outputs those of a local run, and a training job
cancelled mid-run resubmitted by the profile's retries and resumed from its checkpoint."""

import subprocess
import sys

import pytest
import slurm_cluster
from conftest import copy_workflow, snakemake, workflow_env
from smoke_training import (
    BYTE_IDENTICAL,
    assert_same_curve,
    curve,
    fresh_training_copy,
    launches,
    metrics,
    steps_logged,
    wait_until,
)

PROFILE = ("--workflow-profile", "profiles/slurm-smoke")
TRAIN = "results/smoke/train/done.json"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    missing = slurm_cluster.missing_programs()
    assert not missing, f"{missing} not found: apt-get install slurm-wlm munge (make test installs them)"
    with slurm_cluster.one_node_cluster(tmp_path_factory.mktemp("slurm")) as env:
        yield env


def slurm_jobs(cluster):
    """(job id, name, state, comment) of every job the cluster still knows."""
    out = subprocess.run(["squeue", "-h", "--states=all", "-o", "%i|%j|%T|%k"], env=dict(workflow_env(), **cluster),
                         capture_output=True, text=True, check=True).stdout
    return [tuple(line.split("|")) for line in out.splitlines()]


def test_the_smoke_chain_as_slurm_jobs_gives_the_local_outputs(cluster, smoke_workdir, tmp_path):
    workdir = copy_workflow(tmp_path / "w")
    out = snakemake(workdir, "smoke", *PROFILE, env=cluster, timeout=1800).stdout
    submitted = out.count("has been submitted with SLURM jobid")
    assert submitted >= 10, out[-4000:]  # every rule of the chain, local rules aside
    assert "Invalid generic resource" not in out
    for path in BYTE_IDENTICAL:
        assert (workdir / path).read_bytes() == (smoke_workdir / path).read_bytes(), path
    assert curve(workdir) == curve(smoke_workdir)


def test_a_training_job_cancelled_mid_run_is_resubmitted_and_resumes(cluster, smoke_workdir, tmp_path):
    workdir = fresh_training_copy(smoke_workdir, tmp_path / "w")
    log = open(tmp_path / "snakemake.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "snakemake", TRAIN, *PROFILE], cwd=workdir,
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
