#!/usr/bin/env python3
"""Generate the embedded BEE sample dataset used by the pipeline's tests.

Writes, next to this script:

    bee/problems.jsonl         one row per solution, code_contests-style schema
                               (name, description, solution, language,
                               [difficulty], source), with deliberately bad
                               rows interleaved among the clean ones
    bee/chat.jsonl             a few clean rows that are already in chat form
    code_contests/train.jsonl  the tests file: one row per problem of
                               problems.yaml in deepmind/code_contests' schema
                               (public / private / generated tests, solutions,
                               incorrect_solutions, time and memory limits)
    code_contests/valid.jsonl  the same for the held-out problems of
    code_contests/test.jsonl   held_out_problems.yaml, by their split: problems
                               that appear in no other file
    expected_rejections.json   which problems.jsonl rows the filters must
                               reject, and with which reason; near-duplicates,
                               unverified rows, mirrored problems, test counts

Tests: the examples are the public tests; the private tests' outputs are the
first solution's, run as the execution check runs it (python -I, stdin ->
stdout, the time limit as CPU limit, 256 MB address space). Generation fails
unless every correct solution prints the same tokens on every test (reals within
1e-6 where real_output), every Python 3 incorrect solution fails some test, and
every bad row with an execution reason fails with exactly that reason. It runs
a few thousand programs in parallel: about half a minute on two cores
(SAMPLE_VERBOSE=1 lists the slowest runs).

Python 3.11 with PyYAML (pinned in requirements.txt), Linux (resource limits,
os.wait4), no network. The only randomness is random.Random instances seeded
from SEED, so two runs produce byte-identical files.

Layout: the literal texts live in texts/, this file only assembles them.
    texts/problems.yaml       clean problems: statement parts, examples, solutions
    texts/chat_problems.yaml  problems that only appear in chat.jsonl
    texts/held_out_problems.yaml
                              problems that only appear in valid.jsonl / test.jsonl
    texts/bad_rows.yaml       the HumanEval text (the contamination source) and
                              the rows the filters must reject, and where they go
    this file                 generated solutions, statement rendering, row
                              assembly, writing the files

All statements are original texts written for this sample; the problem ids
only follow the naming style of the public dumps.

    .venv/bin/python resources/sample/make_sample.py
"""

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

SEED = 20240521
HERE = Path(__file__).resolve().parent


def load(name):
    return yaml.safe_load((HERE / "texts" / name).read_text(encoding="utf-8"))


PROBLEMS = load("problems.yaml")
CHAT_PROBLEMS = load("chat_problems.yaml")
HELD_OUT_PROBLEMS = load("held_out_problems.yaml")
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


# Large test inputs, named by the texts' private_inputs as [generator, size]. Each
# takes its own random.Random seeded from SEED and its name, so that adding a
# test does not change the others.
def _rng(name, size):
    return random.Random(f"{SEED}/{name}/{size}")


def gen_array_queries(size):
    """rangesum: n = q = size, values over the whole range, random ranges."""
    rng = _rng("array_queries", size)
    a = [rng.randint(-10 ** 9, 10 ** 9) for _ in range(size)]
    lines = [f"{size} {size}", " ".join(map(str, a))]
    for _ in range(size):
        l = rng.randint(1, size)
        lines.append(f"{l} {rng.randint(l, size)}")
    return "\n".join(lines)


def gen_prices(size):
    """segment: n = size prices up to 10^9, s about the sum of a tenth of them."""
    rng = _rng("prices", size)
    a = [rng.randint(1, 10 ** 9) for _ in range(size)]
    return f"{size} {sum(a) // 10}\n" + " ".join(map(str, a))


def gen_bakeries(size):
    """pricecheck: n = q = size, queries around and beyond the price range."""
    rng = _rng("bakeries", size)
    xs = [rng.randint(1, 100000) for _ in range(size)]
    ms = [rng.choice([rng.randint(1, 100000), rng.randint(1, 10 ** 9)]) for _ in range(size)]
    return "\n".join([str(size), " ".join(map(str, xs)), str(size)] + [str(m) for m in ms])


def gen_maze(size):
    """maze: size x size, 30% walls, S and T in opposite corners, a free border
    row and column so that T is reachable."""
    rng = _rng("maze", size)
    grid = [["#" if rng.random() < 0.3 else "." for _ in range(size)] for _ in range(size)]
    for j in range(size):
        grid[0][j] = "."
    for i in range(size):
        grid[i][size - 1] = "."
    grid[size - 1][0] = "S"
    grid[0][size - 1] = "T"
    grid[size - 1][1] = "."
    for i in range(size):
        grid[i][1] = "."
    return f"{size} {size}\n" + "\n".join("".join(r) for r in grid)


def gen_lcs(size):
    """lcs: two strings of `size` letters from a small alphabet (long answers)."""
    rng = _rng("lcs", size)
    return "\n".join("".join(rng.choice("abcAB") for _ in range(size)) for _ in range(2))


def gen_gcd_pairs(size):
    """gcdlcm: `size` pairs, many with a large common factor."""
    rng = _rng("gcd_pairs", size)
    lines = [str(size)]
    for _ in range(size):
        g = rng.choice([1, rng.randint(1, 1000), rng.randint(1, 10 ** 5)])
        lines.append(f"{g * rng.randint(1, 10 ** 9 // g)} {g * rng.randint(1, 10 ** 9 // g)}")
    return "\n".join(lines)


def gen_kth(size):
    """kthprime: `size` random k, the largest one included."""
    rng = _rng("kth", size)
    return "\n".join([str(size), "3500"] + [str(rng.randint(1, 3500)) for _ in range(size - 1)])


def gen_letters(size):
    """palfix / caesar / digitalroot / plural: `size` random lowercase letters."""
    rng = _rng("letters", size)
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(size))


def gen_palfix(size):
    return gen_letters(size)


def gen_caesar(size):
    return "13\n" + gen_letters(size)


def gen_digits(size):
    """digitalroot: a `size`-digit number without leading zero."""
    rng = _rng("digits", size)
    return str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(size - 1))


def gen_signed_array(size):
    """maxsub / lis: n = size values over the whole range."""
    rng = _rng("signed_array", size)
    return f"{size}\n" + " ".join(str(rng.randint(-10 ** 9, 10 ** 9)) for _ in range(size))


def gen_intervals(size):
    """lectures: `size` intervals of mixed lengths."""
    rng = _rng("intervals", size)
    lines = [str(size)]
    for _ in range(size):
        s = rng.randint(0, 10 ** 9 - 1)
        lines.append(f"{s} {min(10 ** 9, s + rng.choice([1, rng.randint(1, 10 ** 4), rng.randint(1, 10 ** 7)]))}")
    return "\n".join(lines)


def gen_brackets(size):
    """brackets: `size` sequences of length up to 10^4, half of them balanced."""
    rng = _rng("brackets", size)
    lines = [str(size)]
    for i in range(size):
        stack, out = [], []
        length = rng.choice([2, 10, 100, 10 ** 4])
        while len(out) + len(stack) < length:
            if stack and rng.random() < 0.5:
                out.append(stack.pop())
            else:
                o, c = rng.choice(["()", "[]", "{}"])
                out.append(o)
                stack.append(c)
        out.extend(reversed(stack))
        if i % 2:
            j = rng.randrange(len(out))
            out[j] = rng.choice("()[]{}")
        lines.append("".join(out))
    return "\n".join(lines)


def gen_pairs(size):
    """pairsum: n = size values from a small range, k = 0 (millions of pairs)."""
    rng = _rng("pairs", size)
    return f"{size} 0\n" + " ".join(str(rng.randint(-50, 50)) for _ in range(size))


def gen_graph(size):
    """components: n = size // 2 cities, m = size roads, some repeated."""
    rng = _rng("graph", size)
    n = size // 2
    lines = [f"{n} {size}"]
    for _ in range(size):
        u = rng.randint(1, n)
        v = rng.randint(1, n - 1)
        lines.append(f"{u} {v + (v >= u)}")
    return "\n".join(lines)


def gen_heights(size):
    """frog: `size` random heights."""
    rng = _rng("heights", size)
    return f"{size}\n" + " ".join(str(rng.randint(1, 10 ** 4)) for _ in range(size))


def gen_knapsack(size):
    """knapsack: N = size items, W = 10^4."""
    rng = _rng("knapsack", size)
    lines = [f"{size} 10000"]
    for _ in range(size):
        lines.append(f"{rng.randint(1, 10000)} {rng.randint(1, 10 ** 9)}")
    return "\n".join(lines)


def gen_rle(size):
    """rle: 10 strings of length `size` with runs of random length."""
    rng = _rng("rle", size)
    lines = ["10"]
    for _ in range(10):
        out = []
        while len(out) < size:
            out.extend(rng.choice("abc") * rng.randint(1, 12))
        lines.append("".join(out[:size]))
    return "\n".join(lines)


def gen_anagrams(size):
    """anagram: `size` pairs of 1000-letter words, every other one shuffled."""
    rng = _rng("anagrams", size)
    lines = [str(size)]
    for i in range(size):
        a = [rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(1000)]
        b = a[:]
        rng.shuffle(b)
        if i % 2:
            b[rng.randrange(1000)] = rng.choice("abcdefghijklmnopqrstuvwxyz")
        lines.append("".join(a) + " " + "".join(b))
    return "\n".join(lines)


def gen_factzero(size):
    """factzero: `size` values of N, powers of 5 and the largest N included."""
    rng = _rng("factzero", size)
    values = [10 ** 9, 5 ** 12, 5 ** 12 - 1, 1, 4, 5]
    values += [rng.randint(1, 10 ** 9) for _ in range(size - len(values))]
    return "\n".join([str(size)] + [str(v) for v in values])


def gen_sites(size):
    """towers: `size` distinct coordinates, c = size // 3."""
    rng = _rng("sites", size)
    xs = rng.sample(range(10 ** 9 + 1), size)
    return f"{size} {size // 3}\n" + " ".join(map(str, xs))


def gen_courses(size):
    """courses: n = size courses, 5 * size requirements, all from a smaller to a
    larger id of a hidden permutation (so an order exists)."""
    rng = _rng("courses", size)
    perm = list(range(1, size + 1))
    rng.shuffle(perm)
    lines = [f"{size} {5 * size}"]
    for _ in range(5 * size):
        i, j = sorted(rng.sample(range(size), 2))
        lines.append(f"{perm[i]} {perm[j]}")
    return "\n".join(lines)


def gen_roads(size):
    """dijkstra: n = size // 2 towns, m = size roads, a path 1 - ... - n exists."""
    rng = _rng("roads", size)
    n = size // 2
    lines = [f"{n} {size}"]
    for v in range(2, n + 1):
        lines.append(f"{rng.randint(max(1, v - 5), v - 1)} {v} {rng.randint(1, 10 ** 9)}")
    for _ in range(size - (n - 1)):
        u, v = rng.sample(range(1, n + 1), 2)
        lines.append(f"{u} {v} {rng.randint(1, 10 ** 9)}")
    return "\n".join(lines)


def gen_powmod(size):
    """powmod: `size` queries with huge exponents."""
    rng = _rng("powmod", size)
    lines = [str(size)]
    for _ in range(size):
        lines.append(f"{rng.randint(1, 10 ** 9)} {rng.randint(0, 10 ** 18)} {rng.randint(1, 10 ** 9)}")
    return "\n".join(lines)


def gen_sensors(size):
    """sensors: `size` distinct positions 1000 apart, shuffled, d = 1000 (SAFE)."""
    rng = _rng("sensors", size)
    xs = [1000 * i for i in range(size)]
    rng.shuffle(xs)
    return f"{size} 1000\n" + " ".join(map(str, xs))


def gen_sensors_alarm(size):
    """sensors: like gen_sensors, but one sensor moved 1 m too close (ALARM)."""
    rng = _rng("sensors", size)
    xs = [1000 * i for i in range(size)]
    xs[size // 2] += 1
    rng.shuffle(xs)
    return f"{size} 1000\n" + " ".join(map(str, xs))


def gen_digsum(size):
    """digsum: `size` values of N, 10^18 included."""
    rng = _rng("digsum", size)
    return "\n".join([str(size), str(10 ** 18)] + [str(rng.randint(1, 10 ** 18)) for _ in range(size - 1)])


def gen_picture(size):
    """rotate: size x (size - 1) random letters."""
    rng = _rng("picture", size)
    rows = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(size - 1)) for _ in range(size)]
    return f"{size} {size - 1}\n" + "\n".join(rows)


def gen_scores(size):
    """ranks: `size` scores up to 10^9 (10^9 itself included), with ties."""
    rng = _rng("scores", size)
    s = [rng.choice([rng.randint(0, 10 ** 9), rng.randint(0, 100)]) for _ in range(size)]
    s[rng.randrange(size)] = 10 ** 9
    return f"{size}\n" + " ".join(map(str, s))


def gen_trips(size):
    """avgspeed: `size` legs with large distances and small times."""
    rng = _rng("trips", size)
    lines = [str(size)]
    for _ in range(size):
        lines.append(f"{rng.randint(1, 10 ** 6)} {rng.randint(1, 10 ** 4)}")
    return "\n".join(lines)


def gen_menus(size):
    """pricecap: 100 menus of `size` dishes, caps from 1 to above every price."""
    rng = _rng("menus", size)
    lines = ["100"]
    for _ in range(100):
        lines.append(f"{size} {rng.choice([1, rng.randint(1, 10 ** 9), 10 ** 9])}")
        lines.append(" ".join(str(rng.randint(1, 10 ** 9)) for _ in range(size)))
    return "\n".join(lines)


def gen_toggles(size):
    """lamps: n = m = size, ranges of mixed lengths."""
    rng = _rng("toggles", size)
    lines = [f"{size} {size}"]
    for _ in range(size):
        l = rng.randint(1, size)
        length = rng.choice([0, rng.randint(0, 100), rng.randint(0, size)])
        lines.append(f"{l} {min(size, l + length)}")
    return "\n".join(lines)


def gen_loyalty(size):
    """coffee: `size` customers, each of n and k small or up to 10^9."""
    rng = _rng("loyalty", size)
    lines = [str(size)]
    for _ in range(size):
        n, k = (rng.choice([rng.randint(1, 20), rng.randint(1, 10 ** 9)]) for _ in range(2))
        lines.append(f"{n} {k} {rng.randint(1, 1000)}")
    return "\n".join(lines)


def gen_ab_strings(size):
    """balsub: three strings of `size` letters: fair coin flips, alternating
    letters (the most balanced substrings), a biased coin (few of them)."""
    rng = _rng("ab_strings", size)
    fair = "".join(rng.choice("ab") for _ in range(size))
    biased = "".join("a" if rng.random() < 0.7 else "b" for _ in range(size))
    return "\n".join(["3", fair, ("ab" * size)[:size], biased])


# What the texts' [generator, size] pairs name: solutions too long to write out,
# and test inputs too large to write out.
GENERATORS = {"prime_table": prime_table_solution, "hailstone_table": hailstone_table_solution}
GENERATORS.update({name[4:]: f for name, f in list(globals().items()) if name.startswith("gen_")})

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


# --------------------------------------------------------------------------
# Tests: running solutions, and the code_contests-style tests file.

# code_contests' enums (deepmind/code_contests, contest_problem.proto).
CC_SOURCE = {"codechef": 1, "codeforces": 2, "hackerearth": 3, "codejam": 4,
             "atcoder": 5, "aizu": 6}
CC_LANGUAGE = {"PYTHON": 1, "CPP": 2, "PYTHON3": 3, "JAVA": 4}
# Difficulty: codeforces and atcoder problems carry their index letter, A = 7;
# codechef problems one of the categories below (the training ones carry none).
CC_DIFFICULTY_A = 7
CC_DIFFICULTY = {"UNKNOWN_DIFFICULTY": 0, "EASY": 1, "MEDIUM": 2, "HARD": 3, "HARDER": 4,
                 "HARDEST": 5, "EXTERNAL": 6}
DEFAULT_TIME_LIMIT = 1                 # seconds, where a problem gives none
MEMORY_LIMIT_BYTES = 256 * 2 ** 20
INCORRECT_TIME_FACTOR = 3              # an incorrect solution may fail by running this x limit
FLOAT_TOLERANCE = 1e-6
WORKERS = max(2, os.cpu_count() or 1)


def test_input(value):
    """A private_inputs entry (text or [generator, size]) as real data has it."""
    if isinstance(value, list):
        generator, size = value
        value = GENERATORS[generator](size)
    return value.rstrip("\n") + "\n"


class Run:
    def __init__(self, stdout, stderr, returncode, cpu_s, killed):
        self.stdout, self.stderr, self.returncode = stdout, stderr, returncode
        self.cpu_s, self.killed = cpu_s, killed


def _limits(cpu_s, memory_bytes):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    return apply


def run_solution(code, stdin_text, time_limit, memory_bytes=MEMORY_LIMIT_BYTES):
    """Run a Python 3 program as the checker does: `python -I`, the test on stdin,
    an address-space limit and a CPU limit of `time_limit` seconds (rounded up;
    also a wall clock limit of twice that). cpu_s is the child's user + system time."""
    hard = max(1, int(-(-time_limit // 1)))
    with tempfile.TemporaryDirectory() as d:
        src = Path(d, "solution.py")
        src.write_text(code, encoding="utf-8")
        Path(d, "stdin").write_text(stdin_text, encoding="utf-8")
        with open(Path(d, "stdin"), "rb") as fin, open(Path(d, "stdout"), "wb") as fout, \
                open(Path(d, "stderr"), "wb") as ferr:
            proc = subprocess.Popen([sys.executable, "-I", str(src)], stdin=fin, stdout=fout,
                                    stderr=ferr, cwd=d, preexec_fn=_limits(hard, memory_bytes))
            lock, state = threading.Lock(), {"reaped": False, "killed": False}

            def kill():
                with lock:
                    if not state["reaped"]:
                        state["killed"] = True
                        proc.kill()
            timer = threading.Timer(2 * hard + 1, kill)
            timer.start()
            _, status, usage = os.wait4(proc.pid, 0)
            with lock:
                state["reaped"] = True
                proc.returncode = os.waitstatus_to_exitcode(status)
            timer.cancel()
        out = Path(d, "stdout").read_text(encoding="utf-8", errors="replace")
        err = Path(d, "stderr").read_text(encoding="utf-8", errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    killed = state["killed"] or proc.returncode in (-9, -24) or cpu > time_limit
    return Run(out, err, proc.returncode, cpu, killed)


def _same_token(a, b, real):
    if a == b:
        return True
    if not real:
        return False
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return abs(x - y) <= FLOAT_TOLERANCE * max(1.0, abs(y))


def same_output(got, expected, real):
    """Whitespace-separated tokens; with `real`, numbers within FLOAT_TOLERANCE
    (absolute, or relative for values above 1)."""
    a, b = got.split(), expected.split()
    return len(a) == len(b) and all(_same_token(x, y, real) for x, y in zip(a, b))


def verdict(run, expected, real):
    """The checker's reason for one run, None when it passes."""
    if run.killed:
        return "timeout"
    if run.returncode != 0:
        return "memory_limit" if "MemoryError" in run.stderr else "runtime_error"
    return None if same_output(run.stdout, expected, real) else "wrong_answer"


def time_limit_of(p):
    return p.get("time_limit", DEFAULT_TIME_LIMIT)


def build_tests(pool, problems):
    """Expected outputs for every problem's tests, and the checks that all its
    correct solutions agree and all its incorrect Python 3 solutions fail.
    Returns {problem key: (public (inputs, outputs), private (inputs, outputs))}."""
    tests, errors, slowest = {}, [], []
    first_runs = {}
    by_key = {p["key"]: p for p in problems}
    for p in problems:
        public_in = [ex["input"] + "\n" for ex in p["examples"]]
        private_in = [test_input(v) for v in p["private_inputs"]]
        first_runs[p["key"]] = [pool.submit(run_solution, p["solutions"][0], t, time_limit_of(p))
                                for t in public_in + private_in]
        tests[p["key"]] = (public_in, private_in)
    expected = {}
    for p in problems:
        key, real = p["key"], p.get("real_output", False)
        public_in, private_in = tests[key]
        outs = []
        for j, fut in enumerate(first_runs[key]):
            run = fut.result()
            if run.returncode != 0 or run.killed:
                errors.append(f"{key}: solution 0 fails on test {j}: rc={run.returncode} "
                              f"cpu={run.cpu_s:.2f}s {run.stderr[-300:]}")
            out = run.stdout if run.stdout.endswith("\n") else run.stdout + "\n"
            outs.append(out)
        for j, ex in enumerate(p["examples"]):
            if not same_output(outs[j], ex["output"], real):
                errors.append(f"{key}: example {j}: the given output {ex['output']!r} "
                              f"differs from solution 0's {outs[j]!r}")
            outs[j] = ex["output"] + "\n"
        expected[key] = outs
    checks = []
    for p in problems:
        key = p["key"]
        inputs = tests[key][0] + tests[key][1]
        for i, sol in enumerate(p["solutions"]):
            for j, t in enumerate(inputs):
                checks.append(("correct", key, i, j, pool.submit(run_solution, sol, t, time_limit_of(p))))
        for i, inc in enumerate(p.get("incorrect_solutions", [])):
            if incorrect_language(inc) != "PYTHON3":
                continue
            for j, t in enumerate(inputs):
                checks.append(("incorrect", key, i, j,
                               pool.submit(run_solution, incorrect_text(inc), t,
                                           INCORRECT_TIME_FACTOR * time_limit_of(p))))
    failing = {}
    for kind, key, i, j, fut in checks:
        run = fut.result()
        p = by_key[key]
        v = verdict(run, expected[key][j], p.get("real_output", False))
        if kind == "correct":
            slowest.append((run.cpu_s, key, i, j))
            if v is not None:
                errors.append(f"{key}: correct solution {i} fails test {j} ({v}, cpu "
                              f"{run.cpu_s:.2f}s, limit {time_limit_of(p)}s): "
                              f"{(run.stdout[:80] + run.stderr[-200:])!r}")
        elif v is not None:
            failing.setdefault((key, i), []).append(j)
    for p in problems:
        for i, inc in enumerate(p.get("incorrect_solutions", [])):
            if incorrect_language(inc) == "PYTHON3" and not failing.get((p["key"], i)):
                errors.append(f"{p['key']}: incorrect solution {i} passes every test")
    if os.environ.get("SAMPLE_VERBOSE"):
        for cpu, key, i, j in sorted(slowest, reverse=True)[:15]:
            print(f"slow: {cpu:.2f}s {key} solution {i} test {j}", file=sys.stderr)
    if errors:
        raise SystemExit("test generation failed:\n  " + "\n  ".join(errors))
    return {key: ((tests[key][0], expected[key][:len(tests[key][0])]),
                  (tests[key][1], expected[key][len(tests[key][0]):])) for key in tests}


def incorrect_language(inc):
    return "PYTHON3" if isinstance(inc, str) else inc["language"]


def incorrect_text(inc):
    return inc if isinstance(inc, str) else inc["solution"]


def code_contests_record(p, public, private):
    """One row of the tests file, with exactly code_contests' features."""
    name = p["name"]
    cf_contest_id, cf_index, cf_rating = 0, "", 0
    letter = ""
    if p["source"] == "codeforces":
        contest, _, rest = name.partition("_")
        cf_contest_id, cf_index, cf_rating = int(contest), rest.split(".")[0], p["difficulty"]
        letter = cf_index
    elif p["source"] == "atcoder":
        letter = p["difficulty"]
    if letter:
        difficulty = CC_DIFFICULTY_A + ord(letter[0]) - ord("A")
    else:
        difficulty = CC_DIFFICULTY[p.get("difficulty", "UNKNOWN_DIFFICULTY")]
    incorrect = p.get("incorrect_solutions", [])
    seconds = time_limit_of(p)
    return {
        "name": name,
        "description": render_statement(p),
        "public_tests": {"input": public[0], "output": public[1]},
        "private_tests": {"input": private[0], "output": private[1]},
        "generated_tests": {"input": [], "output": []},
        "source": CC_SOURCE[p["source"]],
        "difficulty": difficulty,
        "solutions": {"language": [CC_LANGUAGE["PYTHON3"]] * len(p["solutions"]),
                      "solution": list(p["solutions"])},
        "incorrect_solutions": {"language": [CC_LANGUAGE[incorrect_language(x)] for x in incorrect],
                                "solution": [incorrect_text(x) for x in incorrect]},
        "cf_contest_id": cf_contest_id,
        "cf_index": cf_index,
        "cf_points": 0.0,
        "cf_rating": cf_rating,
        "cf_tags": [],
        "is_description_translated": False,
        "untranslated_description": "",
        "time_limit": {"seconds": int(seconds), "nanos": int(round((seconds % 1) * 1e9))},
        "memory_limit_bytes": MEMORY_LIMIT_BYTES,
        "input_file": "",
        "output_file": "",
    }


def check_bad_row_executions(pool, rows, exec_rows, tests):
    """The bad rows with an execution reason (and the near-duplicates, which must
    pass) get that verdict: the first failing test, public tests first."""
    errors, jobs = [], []
    for index, spec in exec_rows:
        p = PROBLEMS_BY_KEY[spec["problem"]]
        public, private = tests[spec["problem"]]
        cases = list(zip(public[0] + private[0], public[1] + private[1]))
        factor = INCORRECT_TIME_FACTOR if spec["reason"] == "timeout" else 1
        futs = [pool.submit(run_solution, rows[index]["solution"], t, factor * time_limit_of(p))
                for t, _ in cases]
        jobs.append((index, spec, p, cases, futs))
    for index, spec, p, cases, futs in jobs:
        verdicts = [verdict(f.result(), out, p.get("real_output", False))
                    for f, (_, out) in zip(futs, cases)]
        failed = [(j, v) for j, v in enumerate(verdicts) if v]
        want = None if spec["reason"] == "near_duplicate" else spec["reason"]
        got = failed[0][1] if failed else None
        if got != want:
            errors.append(f"row {index} ({spec['problem']}): expected {want}, got {got} ({failed})")
        if spec.get("passes_examples") and any(j < len(p["examples"]) for j, _ in failed):
            errors.append(f"row {index} ({spec['problem']}): fails a public example")
    if errors:
        raise SystemExit("bad row check failed:\n  " + "\n  ".join(errors))


def build_bad_row(spec, clean_rows):
    if "duplicate_of" in spec:
        row = dict(clean_rows[tuple(spec["duplicate_of"])])
        if spec.get("whitespace"):
            row["solution"] = change_whitespace(row["solution"], spec["whitespace"])
        return row
    if "row" in spec:
        r = spec["row"]
        if "solution" in spec:
            solution = spec["solution"]
        else:
            solution = (HUMANEVAL["prompt"] + HUMANEVAL["canonical_solution"]
                        + spec["solution_after_humaneval"])
        row = {"name": r["name"], "description": r["description"], "solution": solution,
               "language": r["language"]}
        if "difficulty" in r:
            row["difficulty"] = r["difficulty"]
        row["source"] = r["source"]
        return row
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


EXECUTION_REASONS = ("wrong_answer", "timeout", "runtime_error", "memory_limit", "near_duplicate")


def build_problem_rows():
    """Return (rows, reasons, origin, clean_index, extra): reasons maps row index ->
    reason, origin maps a duplicate's row index -> its original's, clean_index maps
    (problem key, solution index) -> row index; extra holds near_duplicate_of
    (row index -> original's), unverified (kept rows of problems without tests)
    and exec_rows ((row index, spec) of the rows the execution check decides)."""
    rng = random.Random(SEED)
    bad_after = {}
    for spec in BAD_ROWS:
        bad_after.setdefault(tuple(spec["after"]), []).append(spec)

    rows, reasons, origin = [], {}, {}
    extra = {"near_duplicate_of": {}, "unverified": [], "exec_rows": []}
    clean_rows, clean_index = {}, {}
    for p in PROBLEMS:
        for i, solution in enumerate(p["solutions"]):
            label = rng.choices(PYTHON_LABELS, weights=PYTHON_LABEL_WEIGHTS)[0]
            row = base_row(p, solution, label)
            clean_rows[(p["key"], i)] = row
            clean_index[(p["key"], i)] = len(rows)
            rows.append(row)
            for spec in bad_after.pop((p["key"], i), []):
                if spec.get("kept") == "unverified":
                    extra["unverified"].append(len(rows))
                else:
                    reasons[len(rows)] = spec["reason"]
                if "duplicate_of" in spec:
                    origin[len(rows)] = clean_index[tuple(spec["duplicate_of"])]
                if "near_duplicate_of" in spec:
                    extra["near_duplicate_of"][len(rows)] = clean_index[tuple(spec["near_duplicate_of"])]
                if spec.get("reason") in EXECUTION_REASONS:
                    extra["exec_rows"].append((len(rows), spec))
                rows.append(build_bad_row(spec, clean_rows))
    assert not bad_after, f"unused anchors: {sorted(bad_after)}"
    solutions = [r["solution"] for r in rows if isinstance(r["solution"], str)]
    for index, _ in extra["exec_rows"]:
        assert solutions.count(rows[index]["solution"]) == 1, f"row {index} is an exact duplicate"
        compile(rows[index]["solution"], f"row {index}", "exec")
    return rows, reasons, origin, clean_index, extra


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


# code_contests' held-out splits, each written to code_contests/<split>.jsonl.
SPLITS = ("valid", "test")


def check_held_out():
    """The held-out problems must stay unseen in training: rows and tests are
    joined by name, so none may share a name with a row of bee/ or train.jsonl;
    and build_tests indexes all problems by key."""
    training_names = {p["name"] for p in PROBLEMS + CHAT_PROBLEMS}
    training_names |= {spec["row"]["name"] for spec in BAD_ROWS if "row" in spec}
    names = [p["name"] for p in HELD_OUT_PROBLEMS]
    keys = [p["key"] for p in PROBLEMS + HELD_OUT_PROBLEMS]
    assert len(set(names)) == len(names) and not training_names & set(names), "held-out name taken"
    assert len(set(keys)) == len(keys), "held-out key taken"
    assert all(p["split"] in SPLITS for p in HELD_OUT_PROBLEMS), "held-out split unknown"


def write_jsonl(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def main():
    check_held_out()
    rows, reasons, origin, clean_index, extra = build_problem_rows()
    with ThreadPoolExecutor(WORKERS) as pool:
        tests = build_tests(pool, PROBLEMS + HELD_OUT_PROBLEMS)
        check_bad_row_executions(pool, rows, extra["exec_rows"], tests)
    write_jsonl(HERE / "bee" / "problems.jsonl", rows)
    write_jsonl(HERE / "bee" / "chat.jsonl", build_chat_rows())
    records = [code_contests_record(p, *tests[p["key"]]) for p in PROBLEMS]
    write_jsonl(HERE / "code_contests" / "train.jsonl", records)
    for split in SPLITS:
        write_jsonl(HERE / "code_contests" / f"{split}.jsonl",
                    [code_contests_record(p, *tests[p["key"]])
                     for p in HELD_OUT_PROBLEMS if p["split"] == split])

    counts = {}
    for reason in reasons.values():
        counts[reason] = counts.get(reason, 0) + 1
    incorrect = {}
    for p in PROBLEMS:
        for inc in p.get("incorrect_solutions", []):
            lang = incorrect_language(inc)
            incorrect[lang] = incorrect.get(lang, 0) + 1
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
        "near_duplicate_of": {str(i): v for i, v in sorted(extra["near_duplicate_of"].items())},
        "unverified_rows": extra["unverified"],
        "mirrored_problems": [[PROBLEMS_BY_KEY[p["mirror_of"]]["name"], p["name"]]
                              for p in PROBLEMS if "mirror_of" in p],
        "real_output_problems": [p["name"] for p in PROBLEMS if p.get("real_output")],
        "tests_file": {
            "path": "code_contests/train.jsonl",
            "problems": len(records),
            "public_tests": sum(len(r["public_tests"]["input"]) for r in records),
            "private_tests": sum(len(r["private_tests"]["input"]) for r in records),
            "solutions": sum(len(r["solutions"]["solution"]) for r in records),
            "incorrect_solutions": {k.lower(): incorrect[k] for k in sorted(incorrect)},
            "float_tolerance": FLOAT_TOLERANCE,
        },
        "contamination_near_miss": sorted(v for k, v in clean_index.items() if k[0] == "sensors"),
        "python_language_labels": PYTHON_LABELS,
        "duplicate_normalisation": "CRLF/CR -> LF, strip trailing whitespace on every line, "
                                   "strip leading and trailing blank lines",
    }
    with open(HERE / "expected_rejections.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(expected, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
