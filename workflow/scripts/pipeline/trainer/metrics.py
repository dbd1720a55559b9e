"""verl's per-step metrics as the pipeline reads them: its file logger's lines, the wall time of
each step (from when its line arrived), and throughput over the timed steps."""

import json
import time
from pathlib import Path


def read_metrics(path):
    """verl's file-logger lines ({"step": N, "data": {...}}) merged per step: {step: {key: value}}."""
    steps = {}
    path = Path(path)
    if not path.exists():
        return steps
    for line in path.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a kill
        steps.setdefault(int(record["step"]), {}).update(record["data"])
    return steps


def watch_steps(metrics_file, stop, interval=0.2):
    """{step: wall-clock time its first metrics line appeared}: verl logs no step times, and its
    file logger writes unbuffered, so the arrival of a step's line marks the step's end."""
    arrivals, seen = {}, 0
    while not stop.wait(interval):
        if metrics_file.exists():
            lines = metrics_file.read_bytes().split(b"\n")
            for line in lines[seen:-1]:  # the last piece may be a line still being written
                try:
                    arrivals.setdefault(json.loads(line)["step"], time.time())
                except (json.JSONDecodeError, KeyError):
                    pass
            seen = max(seen, len(lines) - 1)
    return arrivals


def merge_launch_metrics(metrics_dir):
    """Per-step metrics across launches. verl's file logger truncates its file when a resumed run
    starts, so each launch writes its own file; a step redone by a later launch replaces the
    earlier record of that step. `step_seconds`: the wall time since the launch's previous step
    (the first step of a launch has none: it includes the start-up)."""
    steps = {}
    for path in sorted(Path(metrics_dir).glob("launch-*.jsonl"), key=lambda p: int(p.stem.split("-")[1])):
        times_file = path.with_suffix(".times.json")
        times = {int(k): v for k, v in json.loads(times_file.read_text()).items()} if times_file.exists() else {}
        steps.update(with_step_seconds(read_metrics(path), times))
    return [dict(step=s, **steps[s]) for s in sorted(steps)]


def with_step_seconds(steps, times):
    """One launch's per-step metrics with `step_seconds` added from the times its steps' metrics
    arrived (launch.launch), where the step before arrived in the same launch."""
    for step in steps:
        if step in times and step - 1 in times:
            steps[step]["step_seconds"] = round(times[step] - times[step - 1], 3)
    return steps


def throughput(rows, nproc, skip=2):
    """Tokens/s per GPU and verl's MFU over timed steps (the first `skip` of a run left out:
    compilation and allocator warm-up), and the peak memory verl reports (GiB).

    The MFU is verl's per-step value weighted by the step's wall time: the FLOPs the steps did over
    the time they took, as tokens/s is. A plain mean of the per-step values counts a slow step like
    any other (a 1.5B's 12-step window with two ~7 s Triton compiles among 1.7 s steps read 0.395,
    where its FLOPs over its time were 0.280; benchmarks/RESULTS.md)."""
    timed = [r for r in rows if "step_seconds" in r and r["step"] > skip]
    seconds = sum(r["step_seconds"] for r in timed)
    tokens = [r["train/global_tokens"] for r in timed if "train/global_tokens" in r]  # the legacy trainer logs
    mfu = [(r["train/mfu"], r["step_seconds"]) for r in timed if "train/mfu" in r]  # neither tokens nor MFU
    mfu_seconds = sum(s for _, s in mfu)
    return {
        "steps_timed": len(timed),
        "tokens_per_s_per_gpu": round(sum(tokens) / seconds / nproc, 1) if seconds and tokens else None,
        "mfu": round(sum(m * s for m, s in mfu) / mfu_seconds, 4) if mfu_seconds else None,
        "peak_memory_gb": max((r.get("perf/max_memory_allocated_gb", 0) for r in rows), default=None),
        # What the allocator held (GiB, as the line above): the card's memory must hold this.
        "peak_reserved_gb": max((r.get("perf/max_memory_reserved_gb", 0) for r in rows), default=None),
    }
