"""Save on preemption and checkpoint manifests on a GPU (NCCL: the per-step stop flag's all-reduce,
the manifest's object collectives), which the CPU tests (gloo) cannot reach: the smoke chain with
train.device auto on the visible GPU(s), stopped by SIGUSR1 after --stop-after steps, resumed, and
beside it the same run uninterrupted, each in a fresh copy of the workflow.

    python benchmarks/gpu_preemption.py --out /tmp/preempt

Prints each run's launches (exit, from/to step, what stopped it), whether every checkpoint matches
its manifest, the save and manifest times the workers logged, and the largest loss difference
between the resumed and the uninterrupted run. Exits 1 if the resumed run did not stop where asked,
resume from there and finish."""

import argparse
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow" / "scripts"))
from pipeline.trainer import checkpoints  # noqa: E402

WORKFLOW_FILES = ("Snakefile", "config", "workflow", "resources", "envs", "profiles")
TRAIN = "results/smoke/train/done.json"
OVERLAY = {"runs": {"smoke": {"train": {"device": "auto", "gpus": 1, "trainer": {"save_freq": 100}}}}}


def copy_workflow(dest):
    dest.mkdir(parents=True)
    for name in WORKFLOW_FILES:
        src = ROOT / name
        (shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__")) if src.is_dir()
         else shutil.copy2(src, dest / name))
    (dest / "gpu.yaml").write_text(json.dumps(OVERLAY))
    # The rules call `python`: this interpreter.
    (dest / "bin").mkdir()
    (dest / "bin" / "python").write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    (dest / "bin" / "python").chmod(0o755)
    return dest


def snakemake(workdir, log, wait=True):
    env = dict(os.environ, PATH=f"{workdir / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    cmd = [sys.executable, "-m", "snakemake", TRAIN, f"-c{os.cpu_count()}", "--configfile", "gpu.yaml"]
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=open(log, "a"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    return proc.wait() if wait else proc


def ckpt_dir(workdir):
    return next(p for p in (workdir / "results/smoke/checkpoints").iterdir() if p.is_dir())


def steps_logged(workdir):
    found = list((workdir / "results/smoke/checkpoints").glob("*/metrics/current.jsonl"))
    return len(found[0].read_text().splitlines()) if found else 0


def descendants(root):
    children = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                children.setdefault(int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]), []).append(int(d.name))
            except (OSError, IndexError, ValueError):
                pass
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def report(name, workdir):
    d = ckpt_dir(workdir)
    launches = [json.loads(x) for x in (d / "launches.jsonl").read_text().splitlines()]
    print(f"{name}: launches {[{k: x.get(k) for k in ('exit', 'from_step', 'to_step', 'preempted')} for x in launches]}")
    for step, path in sorted(checkpoints.step_dirs(d).items()):
        print(f"  step {step}: {checkpoints.problem(path) or 'matches its manifest'}")
    for log in sorted((d / "logs").glob("launch-*.log")):
        for line in log.read_text().splitlines():
            if "complete: manifest" in line or line.startswith("preempted after"):
                print(f"  {log.name}: {line.strip()}")
    return launches


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="/tmp/gpu_preemption")
    p.add_argument("--stop-after", type=int, default=3, help="steps logged before SIGUSR1")
    args = p.parse_args()
    out = Path(args.out) / datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    stopped, plain = copy_workflow(out / "stopped"), copy_workflow(out / "plain")

    t0 = time.time()
    proc = snakemake(stopped, out / "stopped.log", wait=False)
    while steps_logged(stopped) < args.stop_after:
        if proc.poll() is not None:
            sys.exit(f"the run ended before {args.stop_after} steps: {(out / 'stopped.log').read_text()[-3000:]}")
        time.sleep(0.2)
    for pid in descendants(proc.pid)[1:]:  # the job's processes, as Slurm signals them (not Snakemake)
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        if any(m in cmd for m in (b"train_sft.py\0", b"torch.distributed.run\0", b"workers.sft_main\0")):
            os.kill(pid, signal.SIGUSR1)
    first = proc.wait()
    second = snakemake(stopped, out / "stopped.log")
    print(f"stopped run: exit {first} after the signal, {second} resumed ({time.time() - t0:.0f} s)")
    launches = report("stopped", stopped)
    code = snakemake(plain, out / "plain.log")
    print(f"uninterrupted run: exit {code}")
    report("uninterrupted", plain)

    def losses(w):
        return {json.loads(x)["step"]: json.loads(x)["train/loss"] for x in (w / "results/smoke/train/metrics.jsonl")
                .read_text().splitlines()} if (w / "results/smoke/train/metrics.jsonl").exists() else {}

    a, b = losses(stopped), losses(plain)
    print(f"steps: resumed {sorted(a)}, uninterrupted {sorted(b)}; largest loss difference "
          f"{max((abs(a[s] - b[s]) for s in a if s in b), default=None)}")
    ok = (second == 0 and len(launches) == 2 and launches[0]["exit"] == "preempted"
          and launches[1]["from_step"] == launches[0]["preempted"]["step"] >= args.stop_after and sorted(a) == sorted(b))
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
