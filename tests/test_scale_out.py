"""Scale-out without a cluster: the GPUs a job is granted, the sbatch lines the Slurm profile
produces for the train rule (through the Slurm plugin itself, with a recording `sbatch`), and two
torchrun agents meeting at a c10d rendezvous on localhost through the train rule's own script."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT, free_port, snakemake, workflow_env, write_config_override

FAKE_SLURM = {
    # Records the submission instead of submitting; exits 1, so Snakemake stops there.
    "sbatch": '#!/bin/sh\necho "sbatch $*" >> "$SBATCH_RECORD"\ncat > /dev/null\nexit 1\n',
    # The plugin checks the account with sacctmgr.
    "sacctmgr": "#!/bin/sh\necho test\n",
}


# The smoke run as a GPU run would be (it trains on the CPU: train.device cpu).
GPU_TRAINING = {"device": "auto", "gpus": 8}


@pytest.fixture(scope="module")
def trained_workdir(smoke_workdir, tmp_path_factory):
    """A copy of the smoke workdir (data, model and verl check done), without its checkpoints."""
    dest = tmp_path_factory.mktemp("scale") / "w"
    shutil.copytree(smoke_workdir, dest, symlinks=True, ignore=shutil.ignore_patterns("checkpoints"))
    shutil.copytree(ROOT / "profiles", dest / "profiles", dirs_exist_ok=True)
    return dest


def shell_of_train(workdir, *args):
    out = snakemake(workdir, "--dry-run", "--printshellcmds", "--forcerun", "train_sft",
                    "results/smoke/train/done.json", *args).stdout
    line = next(line for line in out.splitlines() if "train_sft.py" in line)
    # The dry run prints some commands after a "Shell command:" label (seen with the `mpi` prefix)
    return line.split("Shell command:", 1)[-1].strip()


def test_one_node_uses_the_gpus_granted(trained_workdir):
    """Snakemake scales the rule's `gpu` (train.gpus) down to --resources gpu=M; torchrun follows."""
    override = write_config_override(trained_workdir, {"runs": {"smoke": {"train": GPU_TRAINING}}})
    assert "--nproc 8 --nnodes 1" in shell_of_train(trained_workdir, "--configfile", override)
    shell = shell_of_train(trained_workdir, "--configfile", override, "--resources", "gpu=2")
    assert "--nproc 2 --nnodes 1" in shell and not shell.lstrip().startswith("srun")


def sbatch_line(workdir, tmp_path, override):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, text in FAKE_SLURM.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    record = tmp_path / "sbatch.txt"
    env = workflow_env()
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", SBATCH_RECORD=str(record))
    log = tmp_path / "snakemake.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "snakemake", "results/smoke/train/done.json", "--workflow-profile", "profiles/slurm",
             "--configfile", str(override), "--default-resources", "slurm_account=test", "--retries", "0",
             "--forcerun", "train_sft", "--nolock"],
            cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
        # The line is all the test needs: Snakemake is stopped once it is recorded, not left to
        # notice the failed submission (the plugin's status loop takes ~40 s more to).
        deadline = time.time() + 300
        while proc.poll() is None and not train_submissions(record) and time.time() < deadline:
            time.sleep(0.5)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            # On a busy machine Snakemake has taken over 60 s to act on SIGTERM. Without its lock
            # (--nolock: the fake sbatch submits nothing it could guard), a SIGKILL leaves no state
            # behind that would fail the next test sharing this work directory.
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    lines = train_submissions(record)
    assert len(lines) == 1, (record.read_text() if record.exists() else "") + log.read_text()[-3000:]
    return lines[0].split("--wrap=")[0]


def train_submissions(record):
    """The train rule's recorded sbatch lines, whole (options, then --wrap= and the job script)."""
    if not record.exists():
        return []
    return [x for x in record.read_text().splitlines() if "rule_train_sft" in x and "--wrap=" in x]


def test_slurm_profile_one_node(trained_workdir, tmp_path):
    override = write_config_override(tmp_path, {"runs": {"smoke": {"train": GPU_TRAINING}}})
    line = sbatch_line(trained_workdir, tmp_path, override)
    for option in ("-A test", "-p gpu", "-t 2880", "--mem 480000", "--nodes=1", "--cpus-per-task=96", "--gpus=8",
                   "--signal=TERM@600"):
        assert option in line
    assert "--ntasks" not in line and "--gpus-per-node" not in line


def test_a_run_that_trains_on_the_cpu_asks_slurm_for_no_gpu(trained_workdir, tmp_path):
    override = write_config_override(tmp_path, {"runs": {"smoke": {"train": {"gpus": 2}}}})  # device: cpu
    line = sbatch_line(trained_workdir, tmp_path, override)
    assert "--gpus" not in line and "--signal=TERM@600" in line
    assert "--nproc 2 --nnodes 1" in shell_of_train(trained_workdir, "--configfile", override, "--resources", "gpu=0")


def test_slurm_profile_two_nodes(trained_workdir, tmp_path):
    """config/two_nodes.yaml's shape: 2 nodes x 8 GPUs, one srun task per node."""
    override = write_config_override(tmp_path, {"runs": {"smoke": {"train": dict(GPU_TRAINING, nodes=2)}}})
    line = sbatch_line(trained_workdir, tmp_path, override)
    for option in ("-p gpu", "--nodes=2", "--ntasks=2", "--cpus-per-task=96", "--gpus-per-node=8 --exclusive"):
        assert option in line
    assert "--gpus=" not in line
    shell = shell_of_train(trained_workdir, "--configfile", override)
    assert shell.lstrip().startswith("srun --kill-on-bad-exit=1 python ")
    assert "--nproc 8 --nnodes 2" in shell


def test_two_nodes_on_localhost_learn_what_one_node_learns(trained_workdir, smoke_workdir, tmp_path):
    """Two torchrun agents (--nnodes 2, c10d rendezvous on localhost, CPU and gloo), each started by
    the train rule's script as srun would start it on its node: same losses as one node, same
    global batch."""
    shell = shell_of_train(trained_workdir)
    settings = json.loads(shell.split("--settings '")[1].split("'")[0])
    port = str(free_port())
    procs = []
    for node in (1, 0):
        out = tmp_path / f"node{node}"
        cmd = [sys.executable, str(ROOT / "workflow/scripts/train_sft.py"), "--run", "smoke",
               "--train-files", "results/smoke/data/sft_train.parquet",
               "--val-files", "results/smoke/data/sft_val.parquet",
               "--model-manifest", "results/models/tiny/manifest.json", "--settings", json.dumps(settings),
               "--nproc", "1", "--nnodes", "2", "--checkpoint-root", str(tmp_path / "checkpoints"),
               "--done", str(out / "done.json"), "--metrics", str(out / "metrics.jsonl"),
               "--curves", str(out / "curves.png"), "--log", str(out / "log.txt")]
        out.mkdir()
        env = dict(workflow_env(), NODE_RANK=str(node), MASTER_ADDR="127.0.0.1", MASTER_PORT=port)
        procs.append(subprocess.Popen(cmd, cwd=trained_workdir, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
    assert [p.wait(timeout=900) for p in procs] == [0, 0]
    done = json.loads((tmp_path / "node0/done.json").read_text())
    assert done["nodes"] == 2 and done["nproc"] == 2 and done["final_step"] == 10
    assert not (tmp_path / "node1/done.json").exists()  # node 0 keeps the books
    two = [json.loads(x) for x in (tmp_path / "node0/metrics.jsonl").read_text().splitlines()]
    one = [json.loads(x) for x in (smoke_workdir / "results/smoke/train/metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in two] == list(range(1, 11))
    for a, b in zip(two, one):
        assert a["train/loss"] == pytest.approx(b["train/loss"], abs=1e-5)
    # The two ranks got their rows dealt by tokens (train.data.balance_tokens_across_ranks, the
    # default): the same global batches, so the same losses as one rank. Global rank 0 reports it,
    # on whichever node the rendezvous made it.
    logs = "".join((tmp_path / f"node{node}/log.txt").read_text() for node in (0, 1))
    balance = re.search(r"balance_tokens_across_ranks: .*: ([\d.]+) as DistributedSampler deals them, ([\d.]+) balanced",
                        logs)
    assert balance and float(balance[2]) < float(balance[1])
