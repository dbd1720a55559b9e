"""Launching a verl SFT trainer under torchrun: the workers' environment (the trainer's worker
modules, file logger, W&B), the torchrun command for one node or one node of several, and a
supervised launch that streams the trainer's output into logs and turns a stop signal into a
save at the next step boundary (or, for a trainer without that, passes SIGTERM on).

Shared by the train rule, the verl check's probe run and the GPU benchmark."""

import contextlib
import ctypes
import hashlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from pipeline.trainer import metrics

log = logging.getLogger("pipeline")

# workflow/scripts, where the worker modules' dotted names resolve.
SCRIPTS_DIR = Path(__file__).resolve().parents[2]


def device_kind():
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


# Longest TMPDIR that leaves room for what multiprocessing puts in it: a data-loader worker's socket
# is TMPDIR/pymp-XXXXXXXX/listener-XXXXXXXX, and a Unix socket path has at most 107 bytes.
MAX_TMPDIR = 70

# Above any one allocation of a CPU rank: glibc serves none from mmap and trims none (environment).
CPU_MALLOC_KEEP_BYTES = 2**36


def scratch_dir(work_dir):
    """The workers' TMPDIR: work_dir/tmp (verl leaves lock files there at every save, torch its
    elastic scratch), or where that path is too long for a Unix socket under it ("AF_UNIX path too
    long", seen from a benchmark's deep work directory), a short directory named by work_dir's hash
    under the system's temporary directory: the same one for every launch from work_dir."""
    inside = Path(work_dir) / "tmp"
    if len(str(inside)) <= MAX_TMPDIR:
        return inside
    digest = hashlib.sha256(str(work_dir).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"verl-{digest}"


def environment(trainer, *, device, nproc, metrics_file, work_dir, wandb_run_id=None, checkpointed_layers=None):
    """The workers' environment: the trainer's worker modules, the file logger, scratch dirs, W&B,
    and how many layers are checkpointed where not all (workers/checkpointed_layers.py)."""
    env = dict(os.environ)
    metrics_file, work_dir = Path(metrics_file).resolve(), Path(work_dir).resolve()
    modules, worker_env = trainer.workers(device, nproc)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SCRIPTS_DIR), env.get("PYTHONPATH")]))
    env.update(worker_env)
    env.update(
        VERL_USE_EXTERNAL_MODULES=",".join(modules),
        VERL_FILE_LOGGER_PATH=str(metrics_file),
        TMPDIR=str(scratch_dir(work_dir)),
        HF_HUB_OFFLINE="1",
        WANDB_DIR=str(work_dir),
    )
    if checkpointed_layers:
        env["PIPELINE_CHECKPOINTED_LAYERS"] = str(checkpointed_layers)
    if device == "cuda":
        # Micro-batches of varying length fragment the caching allocator: on 4 H100s it held 12%
        # more than the peak allocated, which is what the `auto` margin is reckoned on.
        env.setdefault("PYTORCH_CUDA_ALLOC_CONF", "expandable_segments:True")
    else:
        # CPU ranks allocate and free a few hundred MB per chunk of the fused log-prob kernel
        # (512 tokens x the vocabulary): glibc hands each back to the kernel and faults it in
        # again. Kept in the heap instead, the smoke run's steps take ~40% less time (tiny model,
        # 2 cores; benchmarks/RESULTS.md).
        for name in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"):
            env.setdefault(name, str(CPU_MALLOC_KEEP_BYTES))
    if wandb_run_id:
        # One W&B run across relaunches of the same training; offline unless a key is configured.
        env.update(WANDB_RUN_ID=wandb_run_id, WANDB_RESUME="allow")
        if not env.get("WANDB_API_KEY") and "WANDB_MODE" not in env:
            env["WANDB_MODE"] = "offline"
    Path(env["TMPDIR"]).mkdir(parents=True, exist_ok=True)
    return env


class Nodes:
    """Where this launch sits in a multi-node job: the number of nodes, this node's index, and
    the c10d rendezvous (host:port of the first node, and an id shared by the job's nodes).
    Under Slurm (srun, one task per node) these come from SLURM_NODEID and the job's node list;
    elsewhere from torchrun's usual NODE_RANK, MASTER_ADDR and MASTER_PORT."""

    def __init__(self, count, job_id):
        self.count = count
        self.rank = int(os.environ.get("SLURM_NODEID", os.environ.get("NODE_RANK", 0)))
        host = os.environ.get("MASTER_ADDR") or _first_slurm_host()
        self.rendezvous = f"{host}:{os.environ.get('MASTER_PORT', '29400')}" if count > 1 else None
        self.job_id = os.environ.get("SLURM_JOB_ID", job_id)


def _first_slurm_host():
    nodelist = os.environ.get("SLURM_JOB_NODELIST")
    if not nodelist:
        return "127.0.0.1"
    hosts = subprocess.run(["scontrol", "show", "hostnames", nodelist], capture_output=True, text=True, check=True)
    return hosts.stdout.split()[0]


def torchrun_command(trainer, nproc, hydra_overrides, nodes=None):
    """torchrun for one node (--standalone), or one node's agent of a multi-node job (c10d
    rendezvous on the first node)."""
    if nodes is None or nodes.count == 1:
        topology = ["--standalone", "--nnodes=1"]
    else:
        topology = [f"--nnodes={nodes.count}", "--rdzv-backend=c10d", f"--rdzv-endpoint={nodes.rendezvous}",
                    f"--rdzv-id={nodes.job_id}"]
    return [sys.executable, "-m", "torch.distributed.run", *topology, f"--nproc_per_node={nproc}",
            "-m", trainer.entry_module, *hydra_overrides]


PR_SET_PDEATHSIG = 1


def _agent_apart(ignored):
    """In the torchrun agent before it starts (Popen's preexec_fn): its own session, so that a
    signal to this process's group (Ctrl-C, Snakemake's stop) reaches only this process, which
    decides what the trainer does; the `ignored` signals ignored, so that a stop signal that
    reaches every process of a Slurm job step leaves the agent (and the workers it would kill
    30 s later) alone -- the workers install their own handler; and killed by the kernel when
    this process dies (a SIGKILL of the pipeline), which takes its workers with it
    (workers/worker_guard.py)."""
    os.setsid()
    for s in ignored:
        signal.signal(s, signal.SIG_IGN)
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def launch(cmd, env, cwd, log_paths, stop_file=None, grace_seconds=120):
    """Run torchrun, copying its output to every file in log_paths; return (exit code, seconds,
    {step: wall time of its metrics line}).

    With stop_file (a trainer that saves on preemption, workers/preemption.py): the first SIGTERM,
    SIGINT or SIGUSR1 to this process writes it, and the trainer saves the step in flight and exits;
    a second SIGTERM or SIGINT stops it at once (SIGINT to the agent, which ignores SIGTERM and
    SIGUSR1 then). Without: they are passed on as SIGTERM (torchrun forwards it to its workers).
    Either way a scancel or a Snakemake kill stops the training instead of orphaning it."""
    entry = len(cmd) - cmd[::-1].index("-m") + 1  # after `-m <trainer module>`
    log.info("launch: %s", " ".join(cmd[:entry]) + " \\\n    " + " \\\n    ".join(cmd[entry:]))
    outs = [open(p, "a", buffering=1) for p in log_paths]
    start = time.time()
    ignored, hard_stop = (signal.SIGUSR1,), signal.SIGTERM
    if stop_file is not None:
        ignored, hard_stop = (signal.SIGUSR1, signal.SIGTERM), signal.SIGINT
        # torchrun's default less SIGTERM. torchrun reads it as --signals-to-handle's default
        # (PET_SIGNALS_TO_HANDLE) and then sets TORCHELASTIC_SIGNALS_TO_HANDLE from that itself, so the
        # latter alone is overwritten: the agent then caught SIGTERM and killed the workers mid-save.
        agent_signals = "SIGINT,SIGHUP,SIGQUIT"
        env = dict(env, PET_SIGNALS_TO_HANDLE=agent_signals, TORCHELASTIC_SIGNALS_TO_HANDLE=agent_signals)
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: _agent_apart(ignored))

    def pump():
        # A log on a full disk must not stop the pump (torchrun would block on its output): it
        # stops being written, and the other logs go on.
        broken = set()
        for line in proc.stdout:
            for f in outs:
                if f not in broken:
                    try:
                        f.write(line)
                    except OSError as e:
                        broken.add(f)
                        log.warning("cannot write %s any more (%s): the other logs go on", f.name, e)

    pumper = threading.Thread(target=pump, daemon=True)
    pumper.start()
    stop, arrivals = threading.Event(), {}
    watcher = threading.Thread(
        target=lambda: arrivals.update(metrics.watch_steps(Path(env["VERL_FILE_LOGGER_PATH"]), stop)), daemon=True
    )
    watcher.start()

    def forward(signum, _frame):
        name = signal.Signals(signum).name
        if stop_file is not None and not Path(stop_file).exists():
            Path(stop_file).write_text(f"{name} {time.time()}\n")
            log.warning("received %s: the trainer saves after the step in flight and exits (again: stop now)", name)
        elif stop_file is None or signum != signal.SIGUSR1:
            log.warning("received %s: stopping the trainer now (checkpoints stay)", name)
            proc.send_signal(hard_stop)

    handled = (signal.SIGTERM, signal.SIGINT, signal.SIGUSR1)
    previous = {s: signal.signal(s, forward) for s in handled}
    try:
        try:
            code = proc.wait()
        except BaseException:
            proc.kill()
            raise
        pumper.join(timeout=grace_seconds)
    finally:
        stop.set()
        watcher.join()
        for s, handler in previous.items():
            signal.signal(s, handler)
        for f in outs:
            with contextlib.suppress(OSError):  # what a full disk did not take
                f.close()
    return code, time.time() - start, arrivals
