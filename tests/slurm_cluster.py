"""A real one-node Slurm cluster on this machine, for the tests that submit through the Slurm
profile: munged (the Debian `munge` package's key), slurmctld and slurmd from `slurm-wlm`, state
and logs under a scratch directory, no accounting storage (as many small clusters run),
partitions `cpu` (default) and `gpu` on the node, and no GPU on it. Run as root (the daemons
are); `make test` installs the packages.

The configuration goes where every Slurm command looks, /etc/slurm/slurm.conf, marked as this
file's and removed afterwards; one that is not this file's is never touched (the cluster is not
started). SLURM_CONF alone does not reach the job steps: in the job, the jobstep executor plugin
removes every SLURM_* variable but the job's identity before it calls srun. The daemons this starts are
stopped by their pid files; a munged found running is left running."""

import contextlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from conftest import free_port

DAEMONS = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol")
CONF = Path("/etc/slurm/slurm.conf")
MARK = "# written by tests/slurm_cluster.py"
MUNGE_SOCKET = Path("/run/munge/munge.socket.2")
MUNGE_PID = Path("/run/munge/munged.pid")


def missing_programs():
    return [name for name in DAEMONS if shutil.which(name) is None and not Path(f"/usr/sbin/{name}").exists()]


def slurm_conf(root, host, cpus, memory_mb):
    return "\n".join([
        MARK,
        "ClusterName=pipeline-test",
        f"SlurmctldHost={host}(127.0.0.1)",
        f"SlurmctldPort={free_port()}",
        f"SlurmdPort={free_port()}",
        "AuthType=auth/munge",
        "SlurmUser=root",
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_Core_Memory",
        "AccountingStorageType=accounting_storage/none",
        "JobAcctGatherType=jobacct_gather/none",
        "MpiDefault=none",
        "ReturnToService=2",
        # Long enough for squeue to still show a finished job when the executor next asks.
        "MinJobAge=600",
        "KillWait=30",
        f"StateSaveLocation={root}/state",
        f"SlurmdSpoolDir={root}/spool",
        f"SlurmctldPidFile={root}/slurmctld.pid",
        f"SlurmdPidFile={root}/slurmd.pid",
        f"SlurmctldLogFile={root}/slurmctld.log",
        f"SlurmdLogFile={root}/slurmd.log",
        f"NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory_mb} State=UNKNOWN",
        f"PartitionName=cpu Nodes={host} Default=YES MaxTime=INFINITE State=UP",
        f"PartitionName=gpu Nodes={host} MaxTime=INFINITE State=UP",
        "",
    ])


def _start_munged():
    """Start munged as user munge unless one answers already; return whether this started it."""
    if MUNGE_SOCKET.exists() and subprocess.run(["munge", "-n"], capture_output=True).returncode == 0:
        return False
    for d in ("/run/munge", "/var/lib/munge", "/var/log/munge"):
        Path(d).mkdir(parents=True, exist_ok=True)
        shutil.chown(d, "munge", "munge")
    subprocess.run(["su", "-s", "/bin/sh", "munge", "-c", "/usr/sbin/munged"], check=True)
    return True


def _stop(pid_file, timeout=20):
    try:
        pid = int(Path(pid_file).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, 15)
        deadline = time.time() + timeout
        while time.time() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.2)
        os.kill(pid, 9)


@contextlib.contextmanager
def one_node_cluster(root):
    """Start the cluster; yield what its clients need in their environment ({SLURM_CONF}); stop it."""
    root = Path(root)
    for d in ("state", "spool"):
        (root / d).mkdir(parents=True, exist_ok=True)
    host = socket.gethostname()
    memory_mb = int(int(Path("/proc/meminfo").read_text().split()[1]) / 1024 * 0.8)
    conf = CONF
    if conf.exists() and not conf.read_text().startswith(MARK):
        raise RuntimeError(f"{conf} exists and is not a test cluster's: not starting one over it")
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(slurm_conf(root, host, os.cpu_count(), memory_mb))
    env = dict(os.environ, SLURM_CONF=str(conf))
    started_munge = _start_munged()
    try:
        subprocess.run(["/usr/sbin/slurmctld", "-f", str(conf)], env=env, check=True)
        subprocess.run(["/usr/sbin/slurmd", "-f", str(conf)], env=env, check=True)
        deadline = time.time() + 60
        while True:
            state = subprocess.run(["sinfo", "-h", "-N", "-o", "%T"], env=env, capture_output=True, text=True)
            if state.returncode == 0 and state.stdout.split() and all(s == "idle" for s in state.stdout.split()):
                break
            if time.time() > deadline:
                logs = "".join((root / f).read_text()[-2000:] for f in ("slurmctld.log", "slurmd.log")
                               if (root / f).exists())
                raise RuntimeError(f"the Slurm node did not become idle: sinfo says {state.stdout!r} "
                                   f"{state.stderr!r}\n{logs}")
            time.sleep(0.5)
        yield {"SLURM_CONF": str(conf)}
    finally:
        subprocess.run(["scancel", "--user", "root"], env=env, capture_output=True)
        _stop(root / "slurmd.pid")
        _stop(root / "slurmctld.pid")
        if started_munge:
            _stop(MUNGE_PID)
        conf.unlink(missing_ok=True)
