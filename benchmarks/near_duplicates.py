"""Benchmark of near-duplicate detection (workflow/scripts/pipeline/data/near_duplicates.py) on
synthetic BEE-shaped rows (benchmarks/synthetic.py: ~180 solutions per problem median, lognormal,
capped at 4000; 40% PYTHON3, 10% PYTHON, 40% CPP, 10% JAVA; Python solutions ~130 tokens, C++/Java
the contest template plus a short program), drawn in memory (not timed).

    .venv/bin/python benchmarks/near_duplicates.py --rows 200000 --processes 2

Prints rows/s of code_tokens, of signatures (shingles + RMinHash) and of the whole
near_duplicates pass (one call per problem, problems spread over a fork Pool of --processes
workers), and statement_groups over --statements statements.
"""

import argparse
import math
import multiprocessing
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "workflow" / "scripts"))
import synthetic  # noqa: E402
from pipeline.data import near_duplicates as nd  # noqa: E402

PROBLEMS = []  # [[solution, ...], ...]: set before the Pool forks, so workers read it unpickled


def bee_problems(n_rows, seed):
    """Solutions grouped by problem, n_rows in all, shaped as synthetic.bee_data_shards draws them."""
    gen = synthetic.Generator(seed)
    r = gen.r
    median, sigma, cap = synthetic.BEE_ROWS_PER_PROBLEM
    languages, weights = zip(*synthetic.BEE_LANGUAGES.items())
    problems, left = [], n_rows
    while left:
        size = min(left, cap, max(1, round(r.lognormvariate(math.log(median), sigma))))
        solutions = []
        for language in r.choices(languages, weights, k=size):
            if language in ("CPP", "JAVA"):
                solutions.append(synthetic.CPP_TEMPLATE + gen.cpp_solution())
            else:
                tokens = r.lognormvariate(math.log(synthetic.BEE_PYTHON_TOKENS[0]), synthetic.BEE_PYTHON_TOKENS[1])
                solutions.append(gen.python_solution(max(24, tokens)))
        problems.append(solutions)
        left -= size
    return problems


def problem_verdicts(i):
    return nd.near_duplicates(PROBLEMS[i])


def timed(label, n, fn):
    start = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - start
    print(f"{label:44s} {n:>9,} in {seconds:7.2f} s  {n / seconds:>10,.0f} /s", flush=True)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--statements", type=int, default=13_000)
    parser.add_argument("--sample", type=int, default=50_000, help="rows for the per-stage numbers")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    global PROBLEMS
    PROBLEMS = bee_problems(args.rows, args.seed)
    rows = [s for p in PROBLEMS for s in p]
    print(f"{len(rows):,} rows, {len(PROBLEMS):,} problems (largest {max(map(len, PROBLEMS)):,}), "
          f"{args.processes} processes")

    order = sorted(range(len(PROBLEMS)), key=lambda i: -len(PROBLEMS[i]))  # big problems first: no straggler
    # Forked before this process runs rensa: a child forked after rensa's batch calls (its Rust
    # thread pool) hangs.
    with multiprocessing.get_context("fork").Pool(args.processes) as pool:
        verdicts = timed(f"near_duplicates, all rows ({args.processes} processes)", len(rows),
                         lambda: pool.map(problem_verdicts, order, chunksize=4))
    rejected = sum(v is not None for vs in verdicts for v in vs)
    print(f"  near-duplicates: {rejected:,} of {len(rows):,} ({rejected / len(rows):.1%})")

    sample = rows[: args.sample]
    tokens = timed("code_tokens (1 process)", len(sample), lambda: [nd.code_tokens(s) for s in sample])
    print(f"  tokens per row: {sum(map(len, tokens)) / len(tokens):.0f}")
    timed("signatures (1 process)", len(sample), lambda: nd.signatures(tokens))

    gen = synthetic.Generator(args.seed + 1)
    statements = {f"{i}_A": gen.description(gen.r.lognormvariate(math.log(400), 0.55)) for i in range(args.statements)}
    # Mirrors: every 100th statement again under a second name, one sentence dropped.
    for i in range(0, args.statements, 100):
        text = statements[f"{i}_A"]
        statements[f"{i}_mirror"] = text.replace(text.split(". ")[1] + ". ", "", 1)
    groups = timed("statement_groups (1 process)", len(statements), lambda: nd.statement_groups(statements))
    mirrors = sum(groups[f"{i}_mirror"] == f"{i}_A" for i in range(0, args.statements, 100))
    print(f"  groups: {len(set(groups.values())):,} of {len(statements):,} statements; "
          f"mirrors found {mirrors} of {len(range(0, args.statements, 100))}")


if __name__ == "__main__":
    main()
