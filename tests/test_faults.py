"""The fault table of the README, row by row, on the smoke run (CPU, the tiny model): each fault
done to a training run as it happens to a user's, then the same command again; the finished
curve must be the uninterrupted run's, step for step."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import snakemake, workflow_env, write_config_override
from smoke_training import (
    assert_same_curve,
    checkpoint_dir,
    fresh_training_copy,
    latest,
    launches,
    metrics,
    processes,
    rank_pid,
    start,
    steps_logged,
    trainer_pids,
    wait_for_checkpoint,
    wait_until,
)

from pipeline.trainer import checkpoints

TRAIN = "results/smoke/train/done.json"
SHARD = "model_world_size_1_rank_0.pt"


def set_aside(workdir):
    """{checkpoint name: reason} of what the resume check moved aside."""
    root = checkpoint_dir(workdir) / checkpoints.SET_ASIDE
    return {p.name.rsplit("-", 2)[0]: p.read_text().strip() for p in root.glob("*.reason.txt")}


def test_sigterm_sigkill_and_a_killed_worker_lose_at_most_the_steps_since_the_last_save(smoke_workdir, tmp_path):
    """SIGTERM to the pipeline (Ctrl-C, a Snakemake stop): the step in flight is saved. SIGKILL
    to the pipeline, SIGKILL to a worker (the OOM killer): the workers die with it, the steps
    since the last save are lost. After each, the same command resumes."""
    workdir = fresh_training_copy(smoke_workdir, tmp_path / "w")
    override = write_config_override(workdir, {"runs": {"smoke": {"train": {"trainer": {"save_freq": 2}}}}})
    args = ("--configfile", str(override))

    proc = start(workdir, *args)
    wait_until(proc, lambda: steps_logged(workdir) >= 1, "the first step")
    logged = steps_logged(workdir)
    os.killpg(proc.pid, signal.SIGTERM)
    assert proc.wait(timeout=300) != 0
    stopped = launches(workdir)[-1]
    assert stopped["exit"] == "preempted" and stopped["preempted"]["asked_by"] == "file"
    assert latest(workdir) == stopped["preempted"]["step"] >= logged  # the step in flight, saved

    proc = start(workdir, *args)  # the same command
    step = wait_for_checkpoint(workdir, proc, latest(workdir))
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(2)
    assert trainer_pids(workdir) == [], "workers outlived a SIGKILL of the pipeline"
    snakemake(workdir, "--unlock")  # Snakemake's own lock survives a SIGKILL of Snakemake

    proc = start(workdir, *args)
    step = wait_for_checkpoint(workdir, proc, step)
    for pid in trainer_pids(workdir):
        os.kill(pid, signal.SIGKILL)
    assert proc.wait(timeout=120) != 0

    snakemake(workdir, "smoke", *args)
    assert latest(workdir) == 10
    starts = [launch["from_step"] for launch in launches(workdir)]
    assert len(starts) == 4 and starts[0] == 0 and starts == sorted(starts) and starts[-1] >= 6
    assert_same_curve(metrics(workdir), metrics(smoke_workdir))

    # Rerun after completion: nothing to do; forced, the train rule launches nothing.
    assert "Nothing to be done" in snakemake(workdir, "smoke", *args).stdout
    snakemake(workdir, "smoke", "--forcerun", "train_sft", *args)
    assert latest(workdir) == 10
    assert len(launches(workdir)) == 4


def test_the_slurm_warning_signal_saves_the_step_in_flight(smoke_workdir, tmp_path):
    """SIGTERM to every process of the job at once (Snakemake included), as Slurm sends the
    profile's `--signal=TERM@600` before the time limit and a preemption: the trainer saves the
    step in flight although it is no save step (save_freq 5), the rule fails as preempted, the
    rerun resumes from that step."""
    workdir = fresh_training_copy(smoke_workdir, tmp_path / "w")
    proc = start(workdir, target=TRAIN)
    wait_until(proc, lambda: steps_logged(workdir) >= 2, "two steps")
    logged = steps_logged(workdir)
    job = processes(proc.pid)
    assert len(job) >= 4  # snakemake, train_sft.py, the torchrun agent, the worker
    for pid in job:
        os.kill(pid, signal.SIGTERM)
    assert proc.wait(timeout=300) != 0
    record = launches(workdir)[-1]["preempted"]
    assert record["asked_by"] in ("SIGTERM", "file") and record["saved_now"]
    assert latest(workdir) == record["step"] >= logged and record["step"] % 5
    assert checkpoints.problem(checkpoint_dir(workdir) / f"global_step_{record['step']}") is None

    snakemake(workdir, TRAIN)
    assert [launch["from_step"] for launch in launches(workdir)] == [0, record["step"]]
    assert_same_curve(metrics(workdir), metrics(smoke_workdir))


def test_two_ranks_preempted_then_a_rank_killed_resume_to_the_same_curve(two_rank_workdir, tmp_path):
    """Multi-rank resume, token-balanced dealing on: 2 CPU ranks stopped by SIGUSR1 to the
    training's processes (both ranks save the step in flight), then one rank killed after a
    checkpoint; the finished curve is the uninterrupted 2-rank run's."""
    workdir = fresh_training_copy(two_rank_workdir, tmp_path / "w")
    override = write_config_override(workdir, {"runs": {"smoke": {"train": {"gpus": 2, "trainer": {"save_freq": 2}}}}})
    args = ("--configfile", str(override))

    proc = start(workdir, *args, target=TRAIN)
    wait_until(proc, lambda: steps_logged(workdir) >= 1, "the first step")
    for pid in processes(proc.pid, "train_sft.py\0", "torch.distributed.run\0", "workers.sft_main\0"):
        os.kill(pid, signal.SIGUSR1)
    assert proc.wait(timeout=300) != 0
    stopped = launches(workdir)[-1]
    assert stopped["exit"] == "preempted" and stopped["nproc"] == 2
    step = latest(workdir)
    assert step == stopped["preempted"]["step"]
    manifest = json.loads((checkpoint_dir(workdir) / f"global_step_{step}" / checkpoints.MANIFEST).read_text())
    assert {"model_world_size_2_rank_0.pt", "model_world_size_2_rank_1.pt", "data_0.pt", "data_1.pt"} <= set(
        manifest["files"])

    proc = start(workdir, *args, target=TRAIN)
    wait_for_checkpoint(workdir, proc, step)
    os.kill(rank_pid(workdir, 1), signal.SIGKILL)
    assert proc.wait(timeout=120) != 0

    snakemake(workdir, TRAIN, *args)
    assert [launch["nproc"] for launch in launches(workdir)] == [2, 2, 2]
    assert_same_curve(metrics(workdir), metrics(two_rank_workdir), loss=1e-5)


def test_a_damaged_checkpoint_is_moved_aside_and_training_resumes_from_the_newest_complete(smoke_workdir, tmp_path):
    """A truncated shard; then a missing file with the tracker pointing past the last
    checkpoint: each time the rerun names the fault, moves the checkpoint aside (kept), resumes
    from the newest complete one and finishes with the uninterrupted curve."""
    workdir = Path(shutil.copytree(smoke_workdir, tmp_path / "w", symlinks=True))
    ckpt = checkpoint_dir(workdir)
    shard = ckpt / "global_step_10" / SHARD
    with open(shard, "r+b") as f:
        f.truncate(shard.stat().st_size // 2)  # as a full disk or a torn copy leaves it

    log = snakemake(workdir, TRAIN, "--forcerun", "train_sft").stdout
    assert f"checkpoint step 10 cannot be trusted ({shard.relative_to(workdir)} has" in log
    assert "bytes, the manifest says" in set_aside(workdir)["global_step_10"]
    assert launches(workdir)[-1]["from_step"] == 5
    assert_same_curve(metrics(workdir), metrics(smoke_workdir))

    (ckpt / "global_step_10" / "data_0.pt").unlink()
    checkpoints.point_tracker(ckpt, 12)
    log = snakemake(workdir, TRAIN, "--forcerun", "train_sft").stdout
    assert "the tracker names step 12, which has no checkpoint directory" in log
    assert "data_0.pt is missing" in log
    assert launches(workdir)[-1]["from_step"] == 5
    assert len(list((ckpt / checkpoints.SET_ASIDE).glob("global_step_10-*[0-9+]"))) == 2  # both kept
    assert_same_curve(metrics(workdir), metrics(smoke_workdir))


def test_a_full_disk_during_a_save_loses_only_the_steps_since_the_last_complete_checkpoint(smoke_workdir, tmp_path):
    """The checkpoints on a small file system that fills up after the step-5 save: the step-10
    save fails (ENOSPC), and the rule with it, saying so (torch's own message is "iostream
    error"); with space freed, the rerun moves the partial save aside and resumes from step 5."""
    workdir = fresh_training_copy(smoke_workdir, tmp_path / "w")
    root = workdir / "results/smoke/checkpoints"
    root.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400m", "tmpfs", str(root)], check=True)
    try:
        proc = start(workdir, target=TRAIN)
        wait_for_checkpoint(workdir, proc, 0)
        ballast = root / "ballast"
        free = shutil.disk_usage(root).free
        with open(ballast, "wb") as f:  # leave ~60 MB: less than one checkpoint (~160 MB)
            f.write(b"\0" * (free - 60 * 2**20))
        assert proc.wait(timeout=600) != 0
        train_log = (workdir / "results/smoke/logs/train.log").read_text()
        assert "torchrun exited" in train_log and "a save probably failed for lack of space" in train_log
        assert latest(workdir) == 5

        ballast.unlink()  # the user frees space
        log = snakemake(workdir, TRAIN).stdout
        assert "checkpoint step 10 cannot be trusted" in log and "the save did not finish" in log
        assert "global_step_10" in set_aside(workdir)
        assert launches(workdir)[-1]["from_step"] == 5
        assert_same_curve(metrics(workdir), metrics(smoke_workdir))
    finally:
        subprocess.run(["umount", "-l", str(root)], check=False)


def test_the_export_refuses_a_damaged_checkpoint(smoke_workdir, tmp_path):
    done = json.loads((smoke_workdir / TRAIN).read_text())
    assert done["checkpoint_verify"] == "sha256"
    for step_dir in checkpoints.step_dirs(smoke_workdir / done["checkpoint_dir"]).values():
        assert checkpoints.problem(step_dir) is None
    step_dir = Path(shutil.copytree(smoke_workdir / done["checkpoint"], tmp_path / "global_step_10"))
    optim = step_dir / "optim_world_size_1_rank_0.pt"
    data = bytearray(optim.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped bit pattern, same size: only the digest sees it
    optim.write_bytes(bytes(data))
    (tmp_path / "done.json").write_text(json.dumps(dict(done, checkpoint=str(step_dir))))
    out = subprocess.run(
        [sys.executable, "workflow/scripts/export.py", "--done", str(tmp_path / "done.json"),
         "--model-manifest", "results/models/tiny/manifest.json", "--val-files", "results/smoke/data/sft_val.parquet",
         "--settings", json.dumps({"export": {"dtype": "bf16"}}), "--out-dir", str(tmp_path / "hf"),
         "--report", str(tmp_path / "export.json"), "--log", str(tmp_path / "export.log")],
        cwd=smoke_workdir, env=workflow_env(), capture_output=True, text=True,
    )
    assert out.returncode != 0
    assert f"refusing to export checkpoint {step_dir}: {optim}: SHA-256" in (tmp_path / "export.log").read_text()
    assert not (tmp_path / "hf").exists()
