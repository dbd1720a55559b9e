"""The sandbox under load (pipeline/evaluation/sandbox.py), as an execution check of millions of
solutions uses it: N executions of a seeded mix of programs that pass, answer wrong, crash, spin
past the time limit, sleep past it, try to fork, ask for too much memory or write files, run
twice over the same list on all cores. Prints executions/s/core and what each run left behind
(processes, sandbox directories, open descriptors, unreaped children, the parent's memory), and
whether the two runs gave the same verdicts. Exits 1 when anything leaked or a verdict differed
or was not the one its kind of program must get.

    .venv/bin/python benchmarks/sandbox_stress.py --executions 20000
"""

import argparse
import collections
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow" / "scripts"))
from pipeline.evaluation import sandbox  # noqa: E402

# kind -> (share of the executions, program, the verdict it must get: (status, error))
MIX = {
    "passes": (0.55, "total = sum(i * i for i in range(2000))\nassert total == 2664667000\n", (sandbox.PASSED, "")),
    "wrong": (0.25, "answer = sorted([3, 1, 2])\nassert answer == [3, 2, 1], 'wrong answer'\n",
              (sandbox.FAILED, "AssertionError")),
    "crashes": (0.08, "values = {}\nprint(values['missing'])\n", (sandbox.FAILED, "KeyError")),
    "writes": (0.05, "with open('out.txt', 'w') as f:\n    f.write('x' * 1000)\nassert open('out.txt').read(3) == 'xxx'\n",
               (sandbox.PASSED, "")),
    "forks": (0.03, "import os\nos.fork()\n", (sandbox.FAILED, "BlockedOperation")),
    "memory": (0.02, "block = bytearray(16 << 30)\n", (sandbox.FAILED, "MemoryError")),
    "spins": (0.01, "while True:\n    pass\n", (sandbox.TIMED_OUT, "TimeoutError")),
    "sleeps": (0.01, "import time\ntime.sleep(60)\n", (sandbox.TIMED_OUT, "TimeoutError")),
}
LIMITS = sandbox.Limits(timeout_s=2.0, cpu_s=2)


def programs(n, seed=0):
    """n (kind, source) pairs drawn from MIX, seeded. Each source differs (a comment), as real
    solutions do, so nothing can be served from a cache."""
    r = random.Random(seed)
    kinds = r.choices(list(MIX), weights=[share for share, _, _ in MIX.values()], k=n)
    return [(kind, f"# program {i}\n{MIX[kind][1]}") for i, kind in enumerate(kinds)]


def leftovers():
    """What the sandbox could leave behind, counted now."""
    launcher = sandbox._LAUNCHER.encode()
    processes = 0
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                processes += launcher in (d / "cmdline").read_bytes()
            except OSError:
                pass
    try:
        unreaped = os.waitpid(-1, os.WNOHANG)[0] != 0
    except ChildProcessError:
        unreaped = False
    rss_kb = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
                  if line.startswith("VmRSS:"))
    return {
        "processes": processes,
        "sandbox_dirs": len(list(Path(tempfile.gettempdir()).glob("sandbox-*"))),
        "open_fds": len(os.listdir("/proc/self/fd")),
        "unreaped_children": unreaped,
        "rss_mb": rss_kb / 1024,
    }


def stress(n, workers=None, seed=0, rss_growth_mb=64):
    """Run the mix twice; return the report (see the module's docstring)."""
    workers = workers or os.cpu_count()
    pairs = programs(n, seed)
    before = leftovers()
    runs = []
    for _ in range(2):
        start = time.perf_counter()
        results = sandbox.run_programs([source for _, source in pairs], LIMITS, workers=workers)
        runs.append((time.perf_counter() - start, results))
    after = leftovers()
    verdicts = [[(r.status, r.error) for r in results] for _, results in runs]
    wrong = collections.Counter(kind for (kind, _), got in zip(pairs, verdicts[0]) if got != MIX[kind][2])
    leaks = {k: (before[k], after[k]) for k in ("processes", "sandbox_dirs", "open_fds", "unreaped_children")
             if after[k] != before[k]}
    grew = after["rss_mb"] - before["rss_mb"]
    return {
        "executions": 2 * n,
        "workers": workers,
        "kinds": dict(collections.Counter(kind for kind, _ in pairs)),
        "seconds": [round(s, 1) for s, _ in runs],
        "executions_per_s_per_core": [round(n / s / workers, 1) for s, _ in runs],
        "same_verdicts_twice": verdicts[0] == verdicts[1],
        "unexpected_verdicts": dict(wrong),
        "leaks": leaks,
        "rss_mb_before_after": [round(before["rss_mb"], 1), round(after["rss_mb"], 1)],
        "ok": verdicts[0] == verdicts[1] and not wrong and not leaks and grew < rss_growth_mb,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--executions", type=int, default=20000, help="programs per run (two runs)")
    p.add_argument("--workers", type=int, default=None, help="default: one per CPU")
    args = p.parse_args()
    report = stress(args.executions, args.workers)
    for key, value in report.items():
        print(f"{key}: {value}")
    sys.exit(0 if report["ok"] else 1)


if __name__ == "__main__":
    main()
