#!/usr/bin/env python3
"""Generate the embedded BEE sample dataset used by the pipeline's tests.

Writes, next to this script:

    bee/problems.jsonl         one row per solution, code_contests-style schema
                               (name, description, solution, language,
                               [difficulty], source), with deliberately bad
                               rows interleaved among the clean ones
    bee/chat.jsonl             a few clean rows that are already in chat form
    expected_rejections.json   which problems.jsonl rows the filters must
                               reject, and with which reason

Python 3.11 with PyYAML (pinned in requirements.txt), no network. The only
randomness is a random.Random(SEED) instance, so two runs produce
byte-identical files.

Layout: the literal texts live in texts/, this file only assembles them.
    texts/problems.yaml       clean problems: statement parts, examples, solutions
    texts/chat_problems.yaml  problems that only appear in chat.jsonl
    texts/bad_rows.yaml       the HumanEval text (the contamination source) and
                              the rows the filters must reject, and where they go
    this file                 generated solutions, statement rendering, row
                              assembly, writing the files

All statements are original texts written for this sample; the problem ids
only follow the naming style of the public dumps.

    .venv/bin/python resources/sample/make_sample.py
"""

import json
import random
from pathlib import Path

import yaml

SEED = 20240521
HERE = Path(__file__).resolve().parent


def load(name):
    return yaml.safe_load((HERE / "texts" / name).read_text(encoding="utf-8"))


PROBLEMS = load("problems.yaml")
CHAT_PROBLEMS = load("chat_problems.yaml")
_BAD = load("bad_rows.yaml")
HUMANEVAL = _BAD["humaneval"]
BAD_ROWS = _BAD["bad_rows"]

# Language spellings for clean Python rows, as mixed as in the real dumps.
# Python 3 only: `PYTHON` is Python 2 in code_contests (bad_rows.yaml has such rows).
PYTHON_LABELS = ["PYTHON3", "Python 3", "python3", "pypy3"]
PYTHON_LABEL_WEIGHTS = [50, 20, 15, 15]


def first_primes(count):
    limit = 250000
    sieve = bytearray([1]) * (limit + 1)
    sieve[0] = sieve[1] = 0
    for i in range(2, int(limit ** 0.5) + 1):
        if sieve[i]:
            sieve[i * i::i] = bytearray(len(range(i * i, limit + 1, i)))
    primes = [i for i in range(limit + 1) if sieve[i]]
    assert len(primes) >= count
    return primes[:count]


def hailstone_steps(limit):
    steps = [0, 0]
    for n in range(2, limit + 1):
        x, k = n, 0
        while x != 1:
            x = x // 2 if x % 2 == 0 else 3 * x + 1
            k += 1
        steps.append(k)
    return steps


def python_list_literal(name, values, per_line, sep):
    lines = [name + " = ["]
    for i in range(0, len(values), per_line):
        lines.append("    " + sep.join(str(v) for v in values[i:i + per_line]) + ",")
    lines.append("]")
    return "\n".join(lines)


def prime_table_solution(count):
    return (
        f"# the first {count} primes, precomputed offline\n"
        + python_list_literal("PRIMES", first_primes(count), per_line=16, sep=",")
        + "\n\n"
        + "import sys\n"
        + "data = sys.stdin.read().split()\n"
        + "t = int(data[0])\n"
        + "print(\"\\n\".join(str(PRIMES[int(k) - 1]) for k in data[1:t + 1]))\n"
    )


def hailstone_table_solution(limit):
    return (
        f"# STEPS[n] = number of operations for n, precomputed offline for n <= {limit}\n"
        + python_list_literal("STEPS", hailstone_steps(limit), per_line=20, sep=", ")
        + "\n\n"
        + "print(STEPS[int(input())])\n"
    )


# What the texts' [generator, size] pairs name: solutions too long to write out.
GENERATORS = {"prime_table": prime_table_solution, "hailstone_table": hailstone_table_solution}

PROBLEMS_BY_KEY = {p["key"]: p for p in PROBLEMS}

# (problem key, solution index) of the correct solutions that are long in tokens:
# kept by the filters, flagged later by the token-length audit.
OVER_LENGTH_TOKENS = []
for _p in PROBLEMS:
    if "over_length_solution" in _p:
        _generator, _size = _p["over_length_solution"]
        _p["solutions"].append(GENERATORS[_generator](_size))
        OVER_LENGTH_TOKENS.append((_p["key"], len(_p["solutions"]) - 1))


def render_examples(examples, in_label, out_label, gap):
    parts = []
    for ex in examples:
        parts += [in_label, ex["input"] + gap, out_label, ex["output"] + gap]
    return parts


def render_statement(p):
    """Render a problem the way the public dumps print statements."""
    many = len(p["examples"]) > 1
    if p["source"] == "atcoder":
        parts = [p["legend"], "Constraints", p["constraints"],
                 "Input", "Input is given from Standard Input in the following format:\n",
                 p["input_format"] + "\n", "Output", p["output"],
                 "Examples" if many else "Example"]
        parts += render_examples(p["examples"], "Input", "Output", "\n")
    elif p["source"] == "codechef":
        example_lines = []
        for ex in p["examples"]:
            example_lines.append("Input:\n" + ex["input"] + "\n\nOutput:\n" + ex["output"])
        parts = [p["legend"], "Input\n" + p["input"], "Output\n" + p["output"],
                 "Constraints", p["constraints"],
                 ("Examples\n" if many else "Example\n") + "\n\n".join(example_lines)]
    else:
        parts = [p["legend"], "Input", p["input"], "Output", p["output"],
                 "Examples" if many else "Example"]
        parts += render_examples(p["examples"], "Input", "Output", "\n")
    if p.get("note"):
        parts += ["Note", p["note"]]
    return "\n\n".join(parts).rstrip() + "\n"


def base_row(p, solution, language):
    row = {"name": p["name"], "description": render_statement(p), "solution": solution,
           "language": language}
    if "difficulty" in p:
        row["difficulty"] = p["difficulty"]
    row["source"] = p["source"]
    return row


def change_whitespace(solution, style):
    """A copy of `solution` that differs only in whitespace."""
    lines = solution.rstrip("\n").split("\n")
    if style == "crlf":
        # CRLF line endings, trailing spaces on every other line
        lines = [line + ("   " if i % 2 else "") for i, line in enumerate(lines)]
        return "\r\n".join(lines) + "\r\n"
    if style == "blank_lines":
        # extra blank lines before and after, trailing tabs/spaces on some lines
        lines = [line + ("\t" if i % 3 == 0 else "") for i, line in enumerate(lines)]
        return "\n\n" + "\n".join(lines) + "\n \n\n\n"
    raise ValueError(style)


def build_bad_row(spec, clean_rows):
    if "duplicate_of" in spec:
        row = dict(clean_rows[tuple(spec["duplicate_of"])])
        if spec.get("whitespace"):
            row["solution"] = change_whitespace(row["solution"], spec["whitespace"])
        return row
    if "row" in spec:
        r = spec["row"]
        solution = (HUMANEVAL["prompt"] + HUMANEVAL["canonical_solution"]
                    + spec["solution_after_humaneval"])
        return {"name": r["name"], "description": r["description"], "solution": solution,
                "language": r["language"], "difficulty": r["difficulty"], "source": r["source"]}
    if "generated_solution" in spec:
        generator, size = spec["generated_solution"]
        solution = GENERATORS[generator](size)
    else:
        solution = spec["solution"]
    row = base_row(PROBLEMS_BY_KEY[spec["problem"]], solution, spec.get("language", "PYTHON3"))
    row.update(spec.get("override", {}))
    if spec.get("split_description"):
        row["description"] = row["description"].split("\n\n")
    for old, new in spec.get("description_edits", []):
        row["description"] = row["description"].replace(old, new, 1)
    return row


def build_problem_rows():
    """Return (rows, reasons, origin, clean_index): reasons maps row index -> reason,
    origin maps a duplicate's row index -> its original's, clean_index maps
    (problem key, solution index) -> row index."""
    rng = random.Random(SEED)
    bad_after = {}
    for spec in BAD_ROWS:
        bad_after.setdefault(tuple(spec["after"]), []).append(spec)

    rows, reasons, origin = [], {}, {}
    clean_rows, clean_index = {}, {}
    for p in PROBLEMS:
        for i, solution in enumerate(p["solutions"]):
            label = rng.choices(PYTHON_LABELS, weights=PYTHON_LABEL_WEIGHTS)[0]
            row = base_row(p, solution, label)
            clean_rows[(p["key"], i)] = row
            clean_index[(p["key"], i)] = len(rows)
            rows.append(row)
            for spec in bad_after.pop((p["key"], i), []):
                reasons[len(rows)] = spec["reason"]
                if "duplicate_of" in spec:
                    origin[len(rows)] = clean_index[tuple(spec["duplicate_of"])]
                rows.append(build_bad_row(spec, clean_rows))
    assert not bad_after, f"unused anchors: {sorted(bad_after)}"
    return rows, reasons, origin, clean_index


def build_chat_rows():
    rows = []
    for i, p in enumerate(CHAT_PROBLEMS):
        messages = []
        if i % 2 == 0:
            messages.append({"role": "system",
                             "content": "You are an expert competitive programmer. "
                                        "Answer with a complete Python 3 program."})
        messages.append({"role": "user", "content": render_statement(p)})
        messages.append({"role": "assistant",
                         "content": "```python\n" + p["solutions"][0] + "```"})
        rows.append({"name": p["name"], "messages": messages})
    return rows


def write_jsonl(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def main():
    rows, reasons, origin, clean_index = build_problem_rows()
    write_jsonl(HERE / "bee" / "problems.jsonl", rows)
    write_jsonl(HERE / "bee" / "chat.jsonl", build_chat_rows())

    counts = {}
    for reason in reasons.values():
        counts[reason] = counts.get(reason, 0) + 1
    expected = {
        "row_index_basis": "0-based line index within problems.jsonl",
        "rejections": {str(i): reasons[i] for i in sorted(reasons)},
        "over_length_tokens": sorted(clean_index[k] for k in OVER_LENGTH_TOKENS),
        "contaminated_source": HUMANEVAL["task_id"],
        "counts": dict(sorted(counts.items())),
        "totals": {"rows": len(rows), "rejected": len(reasons), "kept": len(rows) - len(reasons),
                   "problems": len({r["name"] for r in rows if isinstance(r["name"], str)}),
                   "chat_rows": len(CHAT_PROBLEMS)},
        "duplicate_of": {str(i): origin[i] for i in sorted(origin)},
        "contamination_near_miss": sorted(v for k, v in clean_index.items() if k[0] == "sensors"),
        "python_language_labels": PYTHON_LABELS,
        "duplicate_normalisation": "CRLF/CR -> LF, strip trailing whitespace on every line, "
                                   "strip leading and trailing blank lines",
    }
    with open(HERE / "expected_rejections.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(expected, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
