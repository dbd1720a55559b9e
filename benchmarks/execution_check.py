"""The execution check's speed (rule execute_solutions' own script): N Python 3 solutions of the
sample's problems, each made distinct by a comment (nothing served from the cache), run on their
problems' tests from the sample's tests file in deepmind/code_contests' schema. Prints programs/s,
test runs/s and test runs/s per core; then reruns the same shard to show the cache (nothing
executed). --tests-per-program 1 is the issue's unit: one program and one test.

    .venv/bin/python benchmarks/execution_check.py --solutions 100000 --workers 16
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "resources" / "sample"


def accepted_solutions(tests):
    """(problem name, solution) of the sample's correct solutions (the tests file's `solutions`)."""
    return [(p["name"], code) for p in tests for label, code in zip(p["solutions"]["language"],
                                                                    p["solutions"]["solution"]) if label == 3]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--solutions", type=int, default=20000)
    p.add_argument("--workers", type=int, default=os.cpu_count())
    p.add_argument("--tests-per-program", type=int, default=None, help="keep only the first K tests of each problem")
    p.add_argument("--time-factor", type=float, default=2.0)
    args = p.parse_args()
    problems = [json.loads(line) for line in open(SAMPLE / "code_contests" / "train.jsonl")]
    if args.tests_per_program:
        for problem in problems:
            problem["private_tests"] = {"input": [], "output": []}
            for kind in ("public_tests",):
                problem[kind] = {k: v[: args.tests_per_program] for k, v in problem[kind].items()}
    pool = accepted_solutions(problems)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        tests_file = work / "tests.jsonl"
        tests_file.write_text("".join(json.dumps(dict(p, incorrect_solutions={"language": [], "solution": []})) + "\n"
                                      for p in problems))
        rows = [dict(row_id=i, file="bench", line=i, name=pool[i % len(pool)][0], language="python3",
                     solution=f"# solution {i}\n{pool[i % len(pool)][1]}", tests=None) for i in range(args.solutions)]
        schema = pa.schema([("row_id", pa.int64()), ("file", pa.string()), ("line", pa.int64()), ("name", pa.string()),
                            ("language", pa.string()), ("solution", pa.string()), ("tests", pa.string())])
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), work / "rows.parquet")
        pq.write_table(pa.table({"row_id": pa.array([], pa.int64())}), work / "near.parquet")
        settings = {"filter": {"verify": {"tests": ["public_tests", "private_tests"], "time_factor": args.time_factor,
                                          "default_time_limit_s": 2.0, "default_memory_mb": 256, "memory_factor": 1.0,
                                          "float_tolerance": 1e-6, "ignore_case": False, "calibration_per_problem": 0}}}
        command = [sys.executable, str(ROOT / "workflow" / "scripts" / "execute_solutions.py"),
                   "--rows", str(work / "rows.parquet"), "--near-duplicates", str(work / "near.parquet"),
                   "--tests", str(tests_file), "--shard", "0", "--shards", "1", "--cache", str(work / "cache"),
                   "--settings", json.dumps(settings), "--threads", str(args.workers),
                   "--executions", str(work / "executions.parquet"), "--report", str(work / "report.json"),
                   "--log", str(work / "log")]
        for attempt in ("first run", "rerun (cache)"):
            started = time.monotonic()
            subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
            wall = time.monotonic() - started
            report = json.load(open(work / "report.json"))
            verdicts = pq.read_table(work / "executions.parquet", columns=["verdict"]).column("verdict").to_pylist()
            tests = {p["name"]: len(p["public_tests"]["input"]) + len(p["private_tests"]["input"]) for p in problems}
            test_runs = sum(tests[r["name"]] for r in rows)  # every program passes: all its tests run
            print(f"{attempt}: {args.solutions} programs, {test_runs} test runs, {args.workers} workers: "
                  f"{wall:.1f} s whole command, executing {report['seconds']:.1f} s; "
                  f"executed {report['executed']}, cached {report['cached']}; "
                  f"accepted {verdicts.count('accepted')}/{len(verdicts)}")
            if report["executed"]:
                rate = test_runs / report["seconds"]
                print(f"  {report['executed'] / report['seconds']:.0f} programs/s, {rate:.0f} test runs/s, "
                      f"{rate / args.workers:.1f} test runs/s/core (cores = workers = {args.workers}, "
                      f"{os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
