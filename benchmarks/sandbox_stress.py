"""The sandbox under load (pipeline/evaluation/sandbox.py), as an execution check of millions of
solutions uses it: N executions of a seeded mix of programs that pass, answer wrong, crash, spin
past the time limit, sleep past it, try to fork, ask for too much memory or write files, run
twice over the same list on all cores. Prints executions/s/core and what each run left behind
(processes, sandbox directories, open descriptors, unreaped children, the parent's memory), and
whether the two runs gave the same verdicts. Exits 1 when anything leaked or a verdict differed
or was not the one its kind of program must get.

    .venv/bin/python benchmarks/sandbox_stress.py --executions 20000
    .venv/bin/python benchmarks/sandbox_stress.py --executions 20000 --judge   # the execution check's
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

# The same kinds as contest solutions under the execution check's Judge (stdin -> stdout, two tests
# per program, one process per test): kind -> (share, program, (verdict, error)).
TESTS = [("3 4\n", "7\n"), ("10 20\n", "30\n")]
JUDGE_MIX = {
    "passes": (0.55, "a, b = map(int, input().split())\nprint(a + b)\n", (sandbox.ACCEPTED, "")),
    "wrong": (0.25, "a, b = map(int, input().split())\nprint(a * b)\n", (sandbox.WRONG_ANSWER, "")),
    "crashes": (0.08, "values = {}\nprint(values['missing'])\n", (sandbox.RUNTIME_ERROR, "KeyError")),
    "writes": (0.05, "open('out.txt', 'w').write('x' * 1000)\nprint(sum(map(int, input().split())))\n",
               (sandbox.ACCEPTED, "")),
    "forks": (0.03, "import os\nos.fork()\n", (sandbox.RUNTIME_ERROR, "BlockedOperation")),
    "memory": (0.02, "block = bytearray(16 << 30)\n", (sandbox.MEMORY_LIMIT, "MemoryError")),
    "spins": (0.01, "while True:\n    pass\n", (sandbox.TIMEOUT, "TimeoutError")),
    "sleeps": (0.01, "import time\ntime.sleep(60)\n", (sandbox.TIMEOUT, "TimeoutError")),
}
JUDGE_LIMITS = sandbox.Limits(timeout_s=2.0, cpu_s=2, memory_bytes=256 << 20)


def programs(n, seed=0, mix=MIX):
    """n (kind, source) pairs drawn from mix, seeded. Each source differs (a comment), as real
    solutions do, so nothing can be served from a cache."""
    r = random.Random(seed)
    kinds = r.choices(list(mix), weights=[share for share, _, _ in mix.values()], k=n)
    return [(kind, f"# program {i}\n{mix[kind][1]}") for i, kind in enumerate(kinds)]


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
        "sandbox_dirs": sum(len(list(Path(tempfile.gettempdir()).glob(f"{p}-*"))) for p in ("sandbox", "judge")),
        "open_fds": len(os.listdir("/proc/self/fd")),
        "unreaped_children": unreaped,
        "rss_mb": rss_kb / 1024,
    }


def judged(sources, workers):
    """(verdict, error) of each source on TESTS, through a Judge of `workers` processes."""
    from concurrent.futures import ThreadPoolExecutor

    with sandbox.Judge(workers) as judge, ThreadPoolExecutor(workers) as pool:
        return [(v.verdict, v.error) for v in pool.map(lambda s: judge.judge(s, TESTS, JUDGE_LIMITS), sources)]


def stress(n, workers=None, seed=0, rss_growth_mb=64, judge=False):
    """Run the mix twice (of contest programs through the Judge when judge); return the report (see
    the module's docstring)."""
    workers = workers or os.cpu_count()
    mix = JUDGE_MIX if judge else MIX
    pairs = programs(n, seed, mix)
    before = leftovers()
    runs = []
    for _ in range(2):
        start = time.perf_counter()
        sources = [source for _, source in pairs]
        if judge:
            verdicts = judged(sources, workers)
        else:
            verdicts = [(r.status, r.error) for r in sandbox.run_programs(sources, LIMITS, workers=workers)]
        runs.append((time.perf_counter() - start, verdicts))
    after = leftovers()
    verdicts = [v for _, v in runs]
    wrong = collections.Counter(kind for (kind, _), got in zip(pairs, verdicts[0]) if got != mix[kind][2])
    leaks = {k: (before[k], after[k]) for k in ("processes", "sandbox_dirs", "open_fds", "unreaped_children")
             if after[k] != before[k]}
    grew = after["rss_mb"] - before["rss_mb"]
    return {
        "executions": 2 * n,
        "test_runs": 2 * n * (len(TESTS) if judge else 1),
        "mode": "judge (stdin/stdout, a process per test)" if judge else "program (run_program)",
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
    p.add_argument("--judge", action="store_true", help="contest programs through the execution check's Judge")
    args = p.parse_args()
    report = stress(args.executions, args.workers, judge=args.judge)
    for key, value in report.items():
        print(f"{key}: {value}")
    sys.exit(0 if report["ok"] else 1)


if __name__ == "__main__":
    main()
