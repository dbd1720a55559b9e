import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow" / "scripts"))

# What a workflow copy needs: the code, the config and the embedded resources (not results/).
WORKFLOW_FILES = ["Snakefile", "config", "workflow", "resources", "envs", "profiles"]


def copy_workflow(dest):
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def snakemake(workdir, *args, check=True, timeout=1800, merge_stderr=True, env=None):
    """Run the snakemake CLI in workdir; return the CompletedProcess (stdout+stderr in .stdout
    unless merge_stderr is False)."""
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", *args]
    proc = subprocess.run(
        cmd, cwd=workdir, env=dict(workflow_env(), **(env or {})), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE, text=True, timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stdout[-6000:]}")
    return proc


def free_port():
    """A TCP port on localhost that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workflow_env():
    """The rules' shell commands call `python`: make it this interpreter's environment."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def planned_rules(workdir, *args, env=None):
    """Rules a dry run would execute (name -> job count), e.g. {"filter_rows": 1}."""
    out = snakemake(workdir, "--dry-run", *args, env=env).stdout
    rules = {}
    in_stats = False
    for line in out.splitlines():
        if line.startswith("job ") and "count" in line:
            in_stats = True
            continue
        if in_stats:
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit() and not set(parts[0]) <= {"-"}:
                if parts[0] == "total":
                    break
                rules[parts[0]] = int(parts[1])
    return rules


def write_config_override(workdir, override, name="override.yaml"):
    path = Path(workdir) / name
    path.write_text(yaml.safe_dump(override))
    return path


@pytest.fixture(scope="session")
def smoke_workdir(tmp_path_factory):
    """A copy of the workflow in which `snakemake smoke` has run once (shared by the tests that
    only read its outputs)."""
    workdir = copy_workflow(tmp_path_factory.mktemp("smoke"))
    snakemake(workdir, "smoke")
    return workdir


@pytest.fixture(scope="session")
def two_rank_workdir(smoke_workdir, tmp_path_factory):
    """The smoke run trained again on 2 CPU ranks (token-balanced dealing on), its data stages reused."""
    from smoke_training import fresh_training_copy

    workdir = fresh_training_copy(smoke_workdir, tmp_path_factory.mktemp("two-ranks") / "w")
    snakemake(workdir, "smoke", "--configfile", write_config_override(workdir, TWO_RANKS))
    return workdir


TWO_RANKS = {"runs": {"smoke": {"train": {"gpus": 2}}}}

# The project's Slurm profile for the smoke chain (every rule a job on the cpu partition). The
# executor's first status check comes 5 s after a submission instead of 40: the test cluster's jobs
# take seconds, and at 40 s each of the chain's jobs would wait for the check, not for its work.
SLURM_SMOKE_PROFILE = ("--workflow-profile", "profiles/slurm-smoke", "--slurm-init-seconds-before-status-checks", "5")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A real one-node Slurm cluster for the module's tests (tests/slurm_cluster.py): the
    environment its clients need."""
    import slurm_cluster

    missing = slurm_cluster.missing_programs()
    assert not missing, f"{missing} not found: apt-get install slurm-wlm munge (make test installs them)"
    with slurm_cluster.one_node_cluster(tmp_path_factory.mktemp("slurm")) as env:
        yield env


@pytest.fixture(scope="session")
def expected_rejections():
    return json.loads((ROOT / "resources" / "sample" / "expected_rejections.json").read_text())


# Fixtures that run the workflow, verl or a second environment: a test that uses one is in the
# workflow tier (pytest -m workflow); the rest are the fast tier (make test-fast).
WORKFLOW_FIXTURES = {"smoke_workdir", "two_rank_workdir", "legacy_python"}


def pytest_collection_modifyitems(items):
    for item in items:
        if WORKFLOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.workflow)


os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
