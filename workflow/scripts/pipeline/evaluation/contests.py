"""The contest benchmark: stdin/stdout problems in deepmind/code_contests' schema (its valid and test
splits for the main run, the sample's held-out problems for the smoke run), asked exactly as
training asks (data.chat), each reply's code judged on all of its problem's tests by the judge and
limits that verified the training data (filter.verify), and scored per difficulty, source and split.

Before any model is asked, the problems' statements are checked against the training split: a
benchmark problem that leaked into training makes its score a memory test, and the eval stops."""

import json
import math
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.common.cli import PipelineError
from pipeline.data import contest_tests, layouts
from pipeline.data.decontaminate import NgramIndex
from pipeline.evaluation import replies, sandbox
from pipeline.evaluation.humaneval import pass_at_k

# deepmind/code_contests' enums (contest_problem.proto): difficulties 7.. are Codeforces' letters.
DIFFICULTIES = {0: "UNKNOWN_DIFFICULTY", 1: "EASY", 2: "MEDIUM", 3: "HARD", 4: "HARDER", 5: "HARDEST",
                6: "EXTERNAL"} | {7 + i: letter for i, letter in enumerate("ABCDEFGHIJKLMNOPQRSTUV")}
SOURCES = {0: "UNKNOWN_SOURCE", 1: "CODECHEF", 2: "CODEFORCES", 3: "HACKEREARTH", 4: "CODEJAM", 5: "ATCODER",
           6: "AIZU"}
COLUMNS = ["name", "description", "difficulty", "source", *layouts.TEST_KINDS, "time_limit", "memory_limit_bytes"]
GROUPS = ("difficulty", "source", "split")  # what the scores are broken down by


@dataclass(frozen=True)
class Problem:
    name: str
    split: str
    description: str
    difficulty: str
    source: str
    tests: contest_tests.ProblemTests


def load_problems(paths, splits, kinds, limit=None):
    """The problems of the files whose split (by file name) is in `splits`, in sorted-file order; a
    name in two files: the first file's. A problem without tests of `kinds` cannot be scored: it is
    left out, and counted. Returns (problems, how many were left out)."""
    problems, untested = {}, 0
    for path in sorted(map(Path, paths)):
        if (layouts.file_split(path) or "train") not in splits:
            continue
        for record in _records(path):
            if record["name"] in problems:
                continue
            tests = contest_tests.from_record(record, kinds)
            if not tests.tests:
                untested += 1
                continue
            problems[record["name"]] = Problem(
                name=record["name"], split=layouts.file_split(path) or "train", description=record["description"],
                difficulty=DIFFICULTIES.get(record.get("difficulty"), str(record.get("difficulty"))),
                source=SOURCES.get(record.get("source"), str(record.get("source"))), tests=tests)
    if not problems:
        raise PipelineError(f"eval.contests: no problem with tests in the files of splits {sorted(splits)}: "
                            f"{[str(p) for p in paths]}")
    chosen = list(problems.values())[:limit]
    return chosen, untested


def _records(path):
    if path.suffix == ".parquet":
        present = pq.read_schema(path).names
        missing = [c for c in ("name", "description", "public_tests") if c not in present]
        if missing:
            raise PipelineError(f"eval.contests: {path} has no column(s) {missing}: not in code_contests' schema")
        yield from pq.read_table(path, columns=[c for c in COLUMNS if c in present]).to_pylist()
    elif path.suffix == ".jsonl":
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if line.strip():
                    record = json.loads(line)
                    if not {"name", "description"} <= record.keys():
                        raise PipelineError(f"eval.contests: {path}:{number} has no name or description")
                    yield record
    else:
        raise PipelineError(f"eval.contests: {path} is not a .parquet or .jsonl file")


def build_messages(problem, chat):
    """The chat turns that ask for the problem's solution: the training rows' own (data.chat)."""
    return layouts.prompt_messages(chat, problem.description)


def extract_code(reply):
    """The code of a reply: its first Python block, else the reply itself (raw code)."""
    blocks = replies.code_blocks(reply)
    return blocks[0] if blocks else reply


def run_limits(problem_tests, verify):
    """A problem's limits under filter.verify: its own time and memory limits (or the defaults) times
    the factors; the CPU limit is the time limit rounded up."""
    time_limit = (problem_tests.time_limit_s or verify["default_time_limit_s"]) * verify["time_factor"]
    memory = (problem_tests.memory_bytes or verify["default_memory_mb"] << 20) * verify["memory_factor"]
    return sandbox.Limits(timeout_s=time_limit, cpu_s=math.ceil(time_limit), memory_bytes=int(memory))


def checker(verify):
    return sandbox.Checker(float_tolerance=verify["float_tolerance"], ignore_case=verify["ignore_case"])


def judge(problems, samples, verify, workers=None):
    """The Verdict of each (problem name, code) sample on all of its problem's tests, in order."""
    tests = {p.name: p.tests for p in problems}
    check = checker(verify)
    with sandbox.Judge(workers=workers) as j, ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda s: j.judge(s[1], tests[s[0]].tests, run_limits(tests[s[0]], verify), check),
                             samples))


def scores(problems, task_ids, verdicts, ks):
    """pass@k overall and per difficulty, source and split; each problem's pass rate; the verdicts."""
    passed = [v.verdict == sandbox.ACCEPTED for v in verdicts]
    by_name = {p.name: p for p in problems}
    result = pass_at_k(task_ids, passed, ks)
    for group in GROUPS:
        values = sorted({getattr(p, group) for p in problems})
        result[f"by_{group}"] = {}
        for value in values:
            mine = [(t, ok) for t, ok in zip(task_ids, passed) if getattr(by_name[t], group) == value]
            result[f"by_{group}"][value] = {"problems": len({t for t, _ in mine}),
                                            **pass_at_k(*zip(*mine), ks)}
    samples, solved = Counter(task_ids), Counter(t for t, ok in zip(task_ids, passed) if ok)
    result["problems"] = {p.name: solved[p.name] / samples[p.name] for p in problems}
    result["verdicts"] = dict(sorted(Counter(v.verdict for v in verdicts).items()))
    return result


def flips(base, finetuned):
    """The problems one model solves (any sample passes) and the other does not."""
    solved = {label: {t for t, rate in rates.items() if rate > 0} for label, rates in
              (("base", base), ("finetuned", finetuned))}
    return {"gained": sorted(solved["finetuned"] - solved["base"]),
            "lost": sorted(solved["base"] - solved["finetuned"])}


def training_statements(path):
    """The distinct user turns of a split's chat rows (sft_train.parquet), read in Arrow: the
    split holds every solution of a problem with its statement, ~13k statements in 1M rows."""
    flat = pc.list_flatten(pq.read_table(path, columns=["messages"]).column("messages"))
    users = pc.filter(pc.struct_field(flat, "content"), pc.equal(pc.struct_field(flat, "role"), "user"))
    return pc.unique(users).to_pylist()


def leak_check(problems, training_statements, n, min_overlap):
    """How much of each problem's statement (the share of its word n-grams) appears in the training
    statements; raises when one reaches min_overlap (filter.decontaminate.statement_min_overlap, the
    rule the filter rejected training rows by). Any shared n-gram is not a leak here: contest
    statements share whole sentences of boilerplate ("The first line contains a single integer t
    (1 <= t <= 10^4) - the number of test cases"); the count of problems that share one is reported."""
    index = NgramIndex({p.name: [p.description] for p in problems}, n)
    statements = sorted(set(training_statements))
    seen = np.unique(np.concatenate([index.grams_in(statements[i : i + 10_000])
                                     for i in range(0, len(statements), 10_000)] or [np.zeros(0, np.int64)]))
    coverage = {}
    for p in problems:
        own = index.grams_in([p.description])
        coverage[p.name] = float(np.isin(own, seen).mean()) if len(own) else 0.0
    leaked = {name: c for name, c in coverage.items() if c >= min_overlap}
    if leaked:
        listed = "; ".join(f"{name!r}: {c:.0%} of its {n}-grams" for name, c in sorted(leaked.items()))
        raise PipelineError(
            f"eval.contests: {len(leaked)} benchmark problem(s) leaked into the training split (statement coverage "
            f">= filter.decontaminate.statement_min_overlap {min_overlap}): {listed}. Their scores would measure "
            "memory; decontaminate the training data against this benchmark (filter.decontaminate.use_hub)")
    top = max(coverage, key=coverage.get)
    return {"ngram": n, "min_overlap": min_overlap, "training_statements": len(statements),
            "problems_sharing_an_ngram": sum(c > 0 for c in coverage.values()),
            "max_coverage": {"problem": top, "coverage": round(coverage[top], 4)}, "leaked": 0}
