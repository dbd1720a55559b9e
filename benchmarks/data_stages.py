"""Benchmark of the data stages (filter_rows -> count_tokens -> audit_lengths -> split_by_problem)
on synthetic raw BEE rows, each stage run through its real CLI exactly as workflow/rules/data.smk
runs it, plus a row-by-row check of the token counts against verl's own MultiTurnSFTDataset.

    /tmp/venv/bin/python benchmarks/data_stages.py                      # 100k rows, 2k verl rows
    /tmp/venv/bin/python benchmarks/data_stages.py --rows 20000 --verl-rows 500
    /tmp/venv/bin/python benchmarks/data_stages.py --profile filter_rows,count_tokens
    /tmp/venv/bin/python benchmarks/data_stages.py --results benchmarks/RESULTS.md

Generation of the raw rows (seeded, deterministic) and the tiny model are set-up, not timed.
Targets (from the issue): 100k raw rows through filter -> split in <= 60 s on a 2-core machine,
memory bounded; the pipeline's token counting >= 10x faster than iterating verl's dataset.
"""

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "workflow" / "scripts"
DEFAULT_MANIFEST = Path("/tmp/bench_model/manifest.json")
TARGET_TOTAL_S = 60.0
TARGET_SPEEDUP = 10.0
NOISE_CORES = 0.1  # a stage run during which other processes used more than this many cores is noisy
STAGES = ("filter_rows", "count_tokens", "audit_lengths", "split_by_problem")
PACKAGES = ("verl", "transformers", "tokenizers", "pyarrow", "numpy", "torch", "snakemake", "matplotlib")

# ---------------------------------------------------------------------------------------------
# Synthetic raw BEE rows
# ---------------------------------------------------------------------------------------------

WORDS = """the a of to and in is that for it as with be on not this are by at from or an which
have one all can has each if will there their more other some these than then two first only
into its so time any such may also new given number numbers array element elements integer
integers string strings query queries test case cases value values line lines input output
print minimum maximum sum total length positive negative distinct pair pairs index indices
graph tree vertex vertices edge edges path paths cycle node nodes root subtree weight weights
cost costs answer operation operations sequence subsequence segment segments interval
intervals grid cell cells row rows column columns matrix player players game move moves turn
turns alice bob city cities road roads friend friends shop coin coins box boxes card cards
letter letters word words character characters bit bits prefix suffix permutation modulo
divisible even odd prime greater less equal exactly least most possible impossible must
should cannot need wants choose chosen select remove removed add added replace swap sort
sorted increasing decreasing consecutive adjacent different same every whole initially after
before during while until because however therefore note that consider following described
below above example examples statement process count find determine calculate compute help
him her them they he she we you your our day days hour minutes second seconds year school
team contest problem problems round score points rating lucky beautiful good bad special
magic ancient kingdom village river mountain forest train station market candy candies
apple apples book books""".split()
TITLE_WORDS = """Array Tree Game Queries Strings Balanced Lucky Magic Permutation Candies Roads
Kingdom Segments Grid Paths Minimum Maximum Sum Binary Prefix Triangle Coins Cards Friends
Shop Train Letters Subsequence Graph Cycle Even Odd Prime Sorting Swaps Teams Contest Robot
Painting Fence Towers Bracket Matrix Islands Jumps Frogs Cake Party""".split()
IDENTS = """arr c nums xs ys vals cnt res ans best cur total seen dist graph adj dp memo
pref suf lo hi left right stack queue order parent depth size weight cost score acc buf
items pairs edges nodes visited count freq last first nxt prev tmp key val idx pos k m""".split()
FUNCS = """solve calc count_pairs build check merge find_best go walk dfs bfs process
compute evaluate greedy simulate prepare collect reduce_all scan sweep fill update query
answer_for split_parts min_cost max_gain""".split()
CLASSES = ["DSU", "Fenwick", "SegTree", "Graph", "Solver", "Matrix", "Counter2", "Heap2"]

# Top-level Python blocks; $F function, $G class, $X $Y $Z $W identifiers, $K constant, $C comment.
PY_BLOCKS = [
    '''def $F($X, $Y):
    # $C
    $Z = 0
    for i in range(len($X)):
        if $X[i] > $Y:
            $Z += $X[i] % $K
        else:
            $Z -= 1
    return $Z
''',
    '''def $F($X):
    """$C"""
    $Y = [0] * (len($X) + 1)
    for i, v in enumerate($X):
        $Y[i + 1] = $Y[i] + v
    return $Y
''',
    '''def $F($X, $Y):
    # $C
    lo, hi = 0, len($X)
    while lo < hi:
        mid = (lo + hi) // 2
        if $X[mid] < $Y:
            lo = mid + 1
        else:
            hi = mid
    return lo
''',
    '''def $F($X, $Y):
    while $Y:
        $X, $Y = $Y, $X % $Y
    return $X
''',
    '''def $F(n, $X, start=0):
    # $C
    $Y = [-1] * n
    $Y[start] = 0
    $Z = deque([start])
    while $Z:
        u = $Z.popleft()
        for w in $X[u]:
            if $Y[w] == -1:
                $Y[w] = $Y[u] + 1
                $Z.append(w)
    return $Y
''',
    '''class $G:
    """$C"""

    def __init__(self, n):
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, $X):
        while self.parent[$X] != $X:
            self.parent[$X] = self.parent[self.parent[$X]]
            $X = self.parent[$X]
        return $X

    def union(self, $X, $Y):
        $X, $Y = self.find($X), self.find($Y)
        if $X == $Y:
            return False
        if self.size[$X] < self.size[$Y]:
            $X, $Y = $Y, $X
        self.parent[$Y] = $X
        self.size[$X] += self.size[$Y]
        return True
''',
    '''def $F(limit=$K):
    # $C
    $X = [True] * (limit + 1)
    $X[0] = $X[1] = False
    for i in range(2, int(limit ** 0.5) + 1):
        if $X[i]:
            for j in range(i * i, limit + 1, i):
                $X[j] = False
    return [i for i, $Y in enumerate($X) if $Y]
''',
    '''def $F($X, $Y, cap):
    # $C
    $Z = [0] * (cap + 1)
    for w, v in zip($X, $Y):
        for c in range(cap, w - 1, -1):
            if $Z[c - w] + v > $Z[c]:
                $Z[c] = $Z[c - w] + v
    return max($Z)
''',
    '''def $F(base, exp, mod=$K):
    $X = 1
    base %= mod
    while exp > 0:
        if exp & 1:
            $X = $X * base % mod
        base = base * base % mod
        exp >>= 1
    return $X
''',
    '''def $F($X):
    # $C
    $Y = Counter($X)
    $Z = sorted($Y.items(), key=lambda kv: (-kv[1], kv[0]))
    return [k for k, _ in $Z[:$K]]
''',
    '''def $F($X):
    # $C
    $Y = []
    for ch in $X:
        if ch in "([{":
            $Y.append(ch)
        elif not $Y or "([{".index($Y.pop()) != ")]}".index(ch):
            return False
    return not $Y
''',
    '''def $F($X, $Y):
    # $C
    $Z = 0
    $W = 0
    best = 0
    for i in range(len($X)):
        $W += $X[i]
        while $W > $Y:
            $W -= $X[$Z]
            $Z += 1
        best = max(best, i - $Z + 1)
    return best
''',
    '''class $G:
    def __init__(self, n):
        self.n = n
        self.tree = [0] * (n + 1)

    def add(self, i, $X):
        # $C
        i += 1
        while i <= self.n:
            self.tree[i] += $X
            i += i & -i

    def prefix(self, i):
        $Y = 0
        while i > 0:
            $Y += self.tree[i]
            i -= i & -i
        return $Y
''',
    '''def $F($X, n):
    # $C
    $Y = [[] for _ in range(n)]
    for u, v in $X:
        $Y[u].append(v)
        $Y[v].append(u)
    $Z = [False] * n
    comps = 0
    for s in range(n):
        if $Z[s]:
            continue
        comps += 1
        stack = [s]
        $Z[s] = True
        while stack:
            u = stack.pop()
            for w in $Y[u]:
                if not $Z[w]:
                    $Z[w] = True
                    stack.append(w)
    return comps
''',
]
PY_HEADER = [
    "import sys\nfrom collections import deque, Counter\ninput = sys.stdin.readline\n",
    "import sys\nimport math\nfrom collections import Counter, deque, defaultdict\n\ninput = sys.stdin.readline\n",
    "from collections import deque, Counter\nimport heapq\n",
    "import sys\nfrom collections import *\nsys.setrecursionlimit(1 << 20)\n",
]
PY_MAIN = [
    '''def main():
    t = int(input())
    out = []
    for _ in range(t):
        n = int(input())
        $X = list(map(int, input().split()))
        out.append(str($F($X)))
    print("\\n".join(out))


if __name__ == "__main__":
    main()
''',
    '''n, $K2 = map(int, input().split())
$X = list(map(int, input().split()))
$Y = $F($X)
print($Y if $Y else -1)
''',
    '''def main():
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    $X = [int(v) for v in data[1 : n + 1]]
    # $C
    print($F($X))


main()
''',
]
CPP_SOLUTION = """#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int t;
    cin >> t;
    while (t--) {
        long long n, %s = 0;
        cin >> n;
        vector<long long> a(n);
        for (auto &x : a) cin >> x;
        sort(a.begin(), a.end());
        for (int i = 0; i < n; i++) %s += a[i] %% %d;
        cout << %s << '\\n';
    }
    return 0;
}
"""
PY_LANGS = ["python3", "Python 3", "PyPy 3", "python", "py3", "PYTHON3"]
CPP_LANGS = ["GNU C++17", "C++", "cpp", "C++20"]
SOURCES = ["codeforces", "atcoder", "codechef", "aizu", "hackerearth"]

# Share of raw rows per defect (the rest are good). Each defect row has exactly one defect, so the
# filter's report must match these counts exactly.
DEFECTS = {
    "duplicate": 0.02,
    "language": 0.02,
    "syntax_error": 0.01,
    "empty": 0.005,
    "invalid_text": 0.002,
    "too_short": 0.002,
    "contaminated": 0.002,
    "broken_type": 0.001,
    "malformed_row": 0.001,
    "too_long": 0.0001,
}
CHAT_SHARE = 0.01  # rows already in chat form, in a second file (chat.jsonl)


class Generator:
    def __init__(self, seed, humaneval_windows):
        self.r = random.Random(seed)
        self.humaneval = humaneval_windows

    def words(self, n):
        return self.r.choices(WORDS, k=n)

    def sentence(self, lo=8, hi=22):
        w = self.words(self.r.randint(lo, hi))
        if self.r.random() < 0.3:
            w.insert(self.r.randrange(len(w)), f"a_{self.r.choice('ijk')}")
        if self.r.random() < 0.2:
            w.insert(self.r.randrange(len(w)), f"(1 ≤ {self.r.choice('nmkq')} ≤ {self.r.choice(['10^5', '2·10^5', '10^9', '1000'])})")
        s = " ".join(w)
        return s[0].upper() + s[1:] + "."

    def paragraph(self, lo=2, hi=5):
        return " ".join(self.sentence() for _ in range(self.r.randint(lo, hi)))

    def description(self, extra=None):
        target = int(self.r.triangular(600, 2500, 1200))
        r = self.r
        n = r.randint(2, 6)
        example_in = f"{r.randint(1, 3)}\n{n}\n" + " ".join(str(r.randint(1, 10**4)) for _ in range(n))
        example_out = "\n".join(str(r.randint(0, 10**6)) for _ in range(r.randint(1, 3)))
        tail = (
            "\n\nInput\n\nThe first line contains a single integer t (1 ≤ t ≤ 10^4) — the number of test cases. "
            + self.paragraph(1, 3)
            + "\n\nOutput\n\nFor each test case, print "
            + self.sentence(6, 14)
            + "\n\nExamples\n\nInput\n\n" + example_in + "\n\n\nOutput\n\n" + example_out + "\n"
        )
        if r.random() < 0.5:
            tail += "\n\nNote\n\n" + self.paragraph(1, 2) + "\n"
        legend = []
        length = len(tail)
        while True:
            p = self.paragraph()
            legend.append(p)
            length += len(p) + 2
            if length >= target:
                break
        if extra:
            legend.insert(r.randrange(len(legend) + 1), extra)
        return "\n\n".join(legend) + tail

    def _fill(self, block):
        r = self.r
        x, y, z, w = r.sample(IDENTS, 4)
        return (
            block.replace("$F", r.choice(FUNCS) + ("_" + str(r.randint(1, 99)) if r.random() < 0.5 else ""))
            .replace("$G", r.choice(CLASSES))
            .replace("$X", x).replace("$Y", y).replace("$Z", z).replace("$W", w)
            .replace("$K2", r.choice(IDENTS + ["q"]) + "_")
            .replace("$K", str(r.choice([2, 3, 7, 10, 998244353, 10**9 + 7, r.randint(2, 10**5)])))
            .replace("$C", " ".join(self.words(r.randint(3, 12))))
        )

    def python_solution(self):
        r = self.r
        target = int(r.triangular(300, 3000, 900))
        parts = [r.choice(PY_HEADER)]
        length = len(parts[0])
        main = self._fill(r.choice(PY_MAIN))
        length += len(main)
        while True:
            block = self._fill(r.choice(PY_BLOCKS))
            parts.append(block)
            length += len(block) + 2
            if length >= target:
                break
        parts.append(main)
        return "\n\n".join(parts)

    def cpp_solution(self):
        r = self.r
        v = r.choice(["ans", "res", "total", "acc", "s"])
        return CPP_SOLUTION % (v, v, r.randint(2, 10**9), v)

    def problem(self, pid):
        r = self.r
        letter = r.choice("ABCDEFG")
        title = " ".join(r.sample(TITLE_WORDS, r.randint(1, 3)))
        return {
            "name": f"{1000 + pid}_{letter}. {title}",
            "description": self.description(),
            "difficulty": r.choice([800, 1000, 1200, 1500, 1800, 2100, 2400, None, "MEDIUM"]),
            "source": r.choice(SOURCES),
        }

    def row(self, problem, defect, good_rows):
        """One raw JSONL line with the given defect (None = good); good_rows feeds duplicates."""
        r = self.r
        row = dict(problem, solution=self.python_solution(), language=r.choice(PY_LANGS))
        if defect is None:
            good_rows.append(row)
        elif defect == "duplicate":
            row = dict(r.choice(good_rows))
            variant = r.randrange(3)
            if variant == 1:  # the same text after whitespace normalisation
                row["solution"] = row["solution"].replace("\n", "  \n", 3)
            elif variant == 2:
                row["solution"] = row["solution"].replace("\n", "\r\n") + "\n\n"
            row["language"] = r.choice(PY_LANGS)
        elif defect == "language":
            row.update(solution=self.cpp_solution(), language=r.choice(CPP_LANGS))
        elif defect == "syntax_error":
            row["solution"] = row["solution"].replace("):\n", ")\n", 1)
        elif defect == "empty":
            if r.random() < 0.5:
                row["solution"] = r.choice(["", "   \n", "\n\n"])
            else:
                row["description"] = ""
        elif defect == "invalid_text":
            bad = r.choice(["\ufffd", "Ã©", "â€™", "\x00", "\x1b"])
            s = row["solution"]
            i = r.randrange(len(s))
            row["solution"] = s[:i] + "# " + bad + "\n" + s[i:]
        elif defect == "too_short":
            row["solution"] = r.choice(["print(1)", "print(0)", "pass"])
        elif defect == "too_long":
            block = self.python_solution()
            row["solution"] = (block + "\n\n") * (100_500 // len(block) + 1)
        elif defect == "contaminated":
            row["description"] = self.description(extra=r.choice(self.humaneval))
        elif defect == "broken_type":
            if r.random() < 0.5:
                row["solution"] = r.randint(1, 10**6)
            else:
                row["name"] = None
        elif defect == "malformed_row":
            text = json.dumps(row, ensure_ascii=False)
            return text[: r.randrange(10, len(text) - 10)]
        return json.dumps(row, ensure_ascii=False)

    def chat_row(self, problem):
        r = self.r
        messages = []
        if r.random() < 0.5:
            messages.append({"role": "system", "content": "You are an expert competitive programmer. Answer with a complete Python 3 program."})
        messages.append({"role": "user", "content": problem["description"]})
        messages.append({"role": "assistant", "content": "```python\n" + self.python_solution() + "```"})
        return json.dumps({"name": problem["name"], "messages": messages}, ensure_ascii=False)


def humaneval_windows():
    """Sentences of 14 whitespace words from HumanEval prompts, to plant contaminated rows."""
    sys.path.insert(0, str(SCRIPTS))
    from decontaminate import humaneval_texts

    out = []
    for text in humaneval_texts()[::4]:  # the prompts
        tokens = text.split()
        if len(tokens) >= 30:
            out.append(" ".join(tokens[10:24]))
    return out


def generate(n_rows, seed, raw_dir):
    """Write problems.jsonl and chat.jsonl to raw_dir; return (expected report counts, seconds)."""
    t0 = time.perf_counter()
    gen = Generator(seed, humaneval_windows())
    r = gen.r
    raw_dir.mkdir(parents=True, exist_ok=True)
    names, weights = zip(*DEFECTS.items())
    p_defect = sum(weights)
    expected = {k: 0 for k in DEFECTS}
    chat = good = 0
    good_rows = []
    problem, left, pid = None, 0, 0
    with open(raw_dir / "problems.jsonl", "w", encoding="utf-8") as fp, open(raw_dir / "chat.jsonl", "w", encoding="utf-8") as fc:
        for i in range(n_rows):
            if left == 0:
                problem, left, pid = gen.problem(pid), r.randint(3, 8), pid + 1
            left -= 1
            u = r.random()
            if u < CHAT_SHARE:
                fc.write(gen.chat_row(problem) + "\n")
                chat += 1
                continue
            defect = None
            if u < CHAT_SHARE + p_defect and good_rows:
                defect = r.choices(names, weights)[0]
                expected[defect] += 1
            else:
                good += 1
            fp.write(gen.row(problem, defect, good_rows) + "\n")
            if len(good_rows) > 5000:  # duplicates come from recent rows; keeps generation O(1) memory
                del good_rows[:2500]
    return {"in": n_rows, "kept": good + chat, "rejected": expected, "chat_rows": chat, "problems": pid}, time.perf_counter() - t0


# ---------------------------------------------------------------------------------------------
# Settings, as workflow/rules/common.smk builds them for the run `main` (data.raw -> our dir)
# ---------------------------------------------------------------------------------------------


def rule_settings():
    c = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    t = c["train"]
    filter_s = json.dumps({"columns": c["data"]["columns"], "chat": c["data"]["chat"], "filter": c["filter"]}, sort_keys=True)
    plan = {
        "gpus": t["gpus"],
        "data": {k: t["data"][k] for k in ("train_batch_size", "max_length")},
        "optim": {"lr_warmup_steps_ratio": t["optim"]["lr_warmup_steps_ratio"]},
        "trainer": {k: t["trainer"][k] for k in ("total_epochs", "total_training_steps", "save_freq", "max_ckpt_to_keep")},
    }
    plan_s = json.dumps({"over_length": c["audit"]["over_length"], "val_ratio": c["split"]["val_ratio"], "train": plan}, sort_keys=True)
    split = {
        "val_ratio": c["split"]["val_ratio"],
        "seed": c["split"]["seed"],
        "min_val_rows": t["data"]["train_batch_size"],
        "over_length": c["audit"]["over_length"],
    }
    if split["over_length"] != "truncate":
        split["max_length"] = t["data"]["max_length"]
    trust = ["--trust-remote-code"] if c["model"]["trust_remote_code"] else []
    return filter_s, plan_s, json.dumps(split, sort_keys=True), trust


def stage_commands(python, raw_files, manifest, work):
    filter_s, plan_s, split_s, trust = rule_settings()
    d = work / "results"
    (d / "data").mkdir(parents=True, exist_ok=True)
    (d / "audit").mkdir(parents=True, exist_ok=True)
    (d / "logs").mkdir(parents=True, exist_ok=True)
    s = str(SCRIPTS)
    return {
        "filter_rows": [python, f"{s}/filter_rows.py", "--raw", *raw_files, "--settings", filter_s,
                        "--filtered", f"{d}/data/filtered.parquet", "--rejected", f"{d}/data/rejected.parquet",
                        "--report", f"{d}/data/filter_report.json", "--log", f"{d}/logs/filter_rows.log"],
        "count_tokens": [python, f"{s}/token_lengths.py", "--filtered", f"{d}/data/filtered.parquet",
                         "--model-manifest", str(manifest), *trust, "--lengths", f"{d}/audit/lengths.parquet",
                         "--log", f"{d}/logs/count_tokens.log"],
        "audit_lengths": [python, f"{s}/audit_lengths.py", "--lengths", f"{d}/audit/lengths.parquet",
                          "--settings", plan_s, "--report", f"{d}/audit/audit_report.json",
                          "--histogram", f"{d}/audit/length_hist.png", "--log", f"{d}/logs/audit_lengths.log"],
        "split_by_problem": [python, f"{s}/split_by_problem.py", "--filtered", f"{d}/data/filtered.parquet",
                             "--lengths", f"{d}/audit/lengths.parquet", "--settings", split_s,
                             "--train", f"{d}/data/sft_train.parquet", "--val", f"{d}/data/sft_val.parquet",
                             "--report", f"{d}/data/split_report.json", "--log", f"{d}/logs/split_by_problem.log"],
    }


def busy_cpu_seconds():
    """CPU seconds the whole machine has been busy (all processes, all cores), from /proc/stat."""
    f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = f[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def tree_rss_bytes(root):
    """Resident memory of a process and all its descendants (e.g. a stage's worker pool)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        frontier = [pid for pid, ppid in parents.items() if ppid in frontier and pid not in tree]
        tree.update(frontier)
    total = 0
    for pid in tree:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
    return total


def run_measured(cmd, log_path):
    """Run cmd from the repo root (as Snakemake does); return wall s, CPU s (the process and the
    children it waited for), the peak resident memory of its whole process tree (sampled every
    0.1 s), and the CPU seconds other processes used meanwhile (a noisy-machine indicator)."""
    with open(log_path, "w") as out:
        busy0 = busy_cpu_seconds()
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        peak = [0]
        done = threading.Event()

        def sample():
            while not done.wait(0.1):
                peak[0] = max(peak[0], tree_rss_bytes(p.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, ru = os.wait4(p.pid, 0)  # rusage of this child (and its waited-for children) alone
        wall = time.perf_counter() - t0
        done.set()
        sampler.join()
        busy = busy_cpu_seconds() - busy0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"stage failed ({p.returncode}): {' '.join(cmd)[:300]}\n{Path(log_path).read_text()[-4000:]}")
    cpu = ru.ru_utime + ru.ru_stime
    # ru_maxrss is the largest single process; the sampled tree peak adds up a worker pool.
    rss = max(ru.ru_maxrss * 1024, peak[0])
    return {"wall": wall, "cpu": cpu, "rss_mb": rss / 2**20, "other_cpu": max(0.0, busy - cpu)}


def wait_for_quiet(max_wait, threshold=0.15):
    """Wait (up to max_wait s) until other processes use < threshold cores; return that load."""
    deadline = time.time() + max_wait
    while True:
        b0 = busy_cpu_seconds()
        time.sleep(2)
        load = (busy_cpu_seconds() - b0) / 2
        if load < threshold or time.time() >= deadline:
            return load


def mean_chars(path):
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    t = pq.read_table(path, columns=["description", "solution"])
    return {c: pc.mean(pc.utf8_length(t[c])).as_py() for c in t.column_names}


def parquet_rows(path):
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


# ---------------------------------------------------------------------------------------------
# verl comparison
# ---------------------------------------------------------------------------------------------


def verl_comparison(filtered, manifest, n, work, trust):
    import pyarrow.parquet as pq

    sys.path.insert(0, str(SCRIPTS))
    from token_lengths import load_tokenizer, token_counts

    subset = work / "verl_subset.parquet"
    pf = pq.ParquetFile(filtered)
    batches, got = [], 0
    for b in pf.iter_batches(batch_size=min(n, 4096), columns=["row_id", "messages"]):
        batches.append(b.slice(0, n - got))
        got += batches[-1].num_rows
        if got >= n:
            break
    import pyarrow as pa

    pq.write_table(pa.Table.from_batches(batches), subset)
    model_dir = json.load(open(manifest))["path"]
    tokenizer = load_tokenizer(model_dir, trust)
    conversations = pq.read_table(subset, columns=["messages"]).column("messages").to_pylist()

    busy0, own0 = busy_cpu_seconds(), time.process_time()
    t0 = time.perf_counter()
    ours = []
    for i in range(0, len(conversations), 1024):  # the batch size token_lengths.py uses
        ours += token_counts(tokenizer, conversations[i : i + 1024])
    t_ours = time.perf_counter() - t0

    from verl.utils.dataset.multiturn_sft_dataset import MultiTurnSFTDataset

    config = {"max_length": 10**6, "truncation": "right", "pad_mode": "no_padding", "messages_key": "messages"}
    t0 = time.perf_counter()
    ds = MultiTurnSFTDataset(parquet_files=[str(subset)], tokenizer=tokenizer, config=config)
    t_load = time.perf_counter() - t0
    theirs = [len(ds[i]["input_ids"]) for i in range(len(ds))]
    t_verl = time.perf_counter() - t0
    other = max(0.0, busy_cpu_seconds() - busy0 - (time.process_time() - own0))
    mismatches = [(i, a, b) for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
    return {
        "rows": len(ours), "ours_s": t_ours, "verl_s": t_verl, "verl_load_s": t_load,
        "identical": len(ours) == len(theirs) and not mismatches, "mismatches": mismatches[:10],
        "n_mismatches": len(mismatches), "tokens": sum(ours), "other_cpu": other,
    }


# ---------------------------------------------------------------------------------------------
# Profiling (cProfile of one stage's CLI, the same command under python -m cProfile)
# ---------------------------------------------------------------------------------------------


def profile_stage(name, cmd, work, top=25):
    import pstats

    prof = work / f"{name}.prof"
    run_measured([cmd[0], "-m", "cProfile", "-o", str(prof), *cmd[1:]], work / f"{name}.profile.log")
    print(f"\n### cProfile: {name} (top {top} by own time, then by cumulative time)\n")
    for key in ("tottime", "cumulative"):
        stats = pstats.Stats(str(prof))
        stats.strip_dirs().sort_stats(key).print_stats(top)
    print(f"(profile saved to {prof})")


# ---------------------------------------------------------------------------------------------


def environment():
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    versions = []
    for p in PACKAGES:
        try:
            versions.append(f"{p} {importlib.metadata.version(p)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{p} -")
    cores = len(os.sched_getaffinity(0))
    mem = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem = f", {int(line.split()[1]) / 2**20:.0f} GiB RAM"
    return (
        f"{datetime.datetime.now().astimezone().isoformat(timespec='seconds')} | {cpu}, {cores} cores{mem} | "
        f"Python {platform.python_version()} | " + ", ".join(versions)
    )


def fmt_table(rows, headers):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    sep = "|" + "|".join(("-" * (w + 1) + ":") if i else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000, help="synthetic raw rows (default 100000)")
    ap.add_argument("--verl-rows", type=int, default=2000, help="rows for the verl comparison (0: skip)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--python", default=sys.executable, help="interpreter the stages run with")
    ap.add_argument("--model-manifest", type=Path, default=DEFAULT_MANIFEST,
                    help="tiny model manifest; built there (untimed) when missing")
    ap.add_argument("--workdir", type=Path, help="keep raw data and outputs here (default: a temp dir, removed)")
    ap.add_argument("--profile", default="", help="comma-separated stages to cProfile after timing, or 'missed'")
    ap.add_argument("--wait-quiet", type=float, default=300,
                    help="before each stage, wait up to this many s for other processes to go quiet (0: don't)")
    ap.add_argument("--retries", type=int, default=3,
                    help="rerun a stage up to this many times when other processes used > 0.1 core meanwhile")
    ap.add_argument("--results", type=Path, help="write/replace the '## Data stages' section of this markdown file")
    args = ap.parse_args()

    env = environment()
    print(f"# env: {env}")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench_data_stages_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if not args.model_manifest.exists():
            print(f"building tiny model -> {args.model_manifest} (untimed)")
            subprocess.run([args.python, str(SCRIPTS / "build_tiny_model.py"), "--settings",
                            json.dumps(yaml.safe_load((ROOT / "config/config.yaml").read_text())["tiny_model"]),
                            "--chat-template", str(ROOT / "resources/chat_template.jinja"),
                            "--manifest", str(args.model_manifest)], cwd=ROOT, check=True, capture_output=True)
        raw_dir = work / "raw"
        expected, gen_s = generate(args.rows, args.seed, raw_dir)
        raw_files = sorted(str(p) for p in raw_dir.glob("*.jsonl"))
        raw_mb = sum(Path(p).stat().st_size for p in raw_files) / 2**20
        print(f"generated {args.rows} raw rows ({expected['problems']} problems, {expected['chat_rows']} chat rows, "
              f"{raw_mb:.0f} MiB JSONL) in {gen_s:.1f} s (untimed) -> {raw_dir}")

        cmds = stage_commands(args.python, raw_files, args.model_manifest, work)
        d = work / "results"
        m = {}
        for name in STAGES:
            for attempt in range(1 + args.retries):
                if args.wait_quiet:
                    load = wait_for_quiet(args.wait_quiet)
                    if load >= 0.15:
                        print(f"  warning: other processes use {load:.1f} cores; timings will be noisy")
                r = run_measured(cmds[name], work / f"{name}.stdout")
                print(f"  {name}: {r['wall']:.1f} s (other processes meanwhile: {r['other_cpu']:.1f} CPU s)", flush=True)
                if name not in m or r["other_cpu"] < m[name]["other_cpu"]:
                    m[name] = r
                if r["other_cpu"] <= NOISE_CORES * r["wall"]:
                    break
                print(f"  (machine was busy: rerunning {name})" if attempt < args.retries else "  (still noisy; keeping the quietest run)")

        report = json.load(open(d / "data/filter_report.json"))
        split = json.load(open(d / "data/split_report.json"))
        audit = json.load(open(d / "audit/audit_report.json"))
        n_lengths = parquet_rows(d / "audit/lengths.parquet")
        io = {
            "filter_rows": (report["in"], report["kept"]),
            "count_tokens": (parquet_rows(d / "data/filtered.parquet"), n_lengths),
            "audit_lengths": (n_lengths, audit["rows"]),
            "split_by_problem": (report["kept"], split["train"]["rows"] + split["val"]["rows"]),
        }
        rows = []
        total = {"wall": 0.0, "cpu": 0.0, "rss_mb": 0.0, "other_cpu": 0.0}
        for name in STAGES:
            r_in, r_out = io[name]
            w = m[name]
            rows.append([name, r_in, r_out, f"{w['wall']:.1f}", f"{r_in / w['wall']:,.0f}", f"{w['cpu']:.1f}", f"{w['rss_mb']:.0f}", f"{w['other_cpu']:.1f}"])
            total["wall"] += w["wall"]
            total["cpu"] += w["cpu"]
            total["other_cpu"] += w["other_cpu"]
            total["rss_mb"] = max(total["rss_mb"], w["rss_mb"])
        rows.append(["total (filter -> split)", args.rows, io["split_by_problem"][1], f"{total['wall']:.1f}",
                     f"{args.rows / total['wall']:,.0f}", f"{total['cpu']:.1f}", f"{total['rss_mb']:.0f} (max)", f"{total['other_cpu']:.1f}"])
        table = fmt_table(rows, ["stage", "rows in", "rows out", "wall s", "rows/s", "CPU s", "peak RSS MB", "other procs CPU s"])
        print("\n" + table)
        target_ok = total["wall"] <= TARGET_TOTAL_S
        print(f"\ntarget {args.rows} rows filter -> split <= {TARGET_TOTAL_S:.0f} s: "
              f"{'MET' if target_ok else 'MISSED'} ({total['wall']:.1f} s)")

        # The filter must reject exactly the planted defects.
        got = {k: v for k, v in report["rejected"].items() if v}
        want = {k: v for k, v in expected["rejected"].items() if v}
        filter_ok = got == want and report["kept"] == expected["kept"]
        print(f"filter report matches the planted defects: {filter_ok}" + ("" if filter_ok else f"\n  got {got}, kept {report['kept']}\n  want {want}, kept {expected['kept']}"))
        tokens = audit["percentiles"]
        sizes = mean_chars(d / "data/filtered.parquet")
        print(f"token lengths: p50 {tokens['p50']}, p99 {tokens['p99']}, max {tokens['max']}, mean {tokens['mean']}; "
              f"train {split['train']['rows']} rows / {split['train']['problems']} problems, "
              f"val {split['val']['rows']} rows / {split['val']['problems']} problems")

        v = None
        if args.verl_rows:
            print(f"\nverl comparison on {args.verl_rows} rows ...", flush=True)
            if args.wait_quiet:
                wait_for_quiet(args.wait_quiet)
            v = verl_comparison(d / "data/filtered.parquet", args.model_manifest, args.verl_rows, work, bool(cmds["count_tokens"].count("--trust-remote-code")))
            ours_rps, verl_rps = v["rows"] / v["ours_s"], v["rows"] / v["verl_s"]
            stage_rps = io["count_tokens"][0] / m["count_tokens"]["wall"]
            vt = fmt_table(
                [["token_lengths.token_counts (in-process, batches of 1024)", v["rows"], f"{v['ours_s']:.2f}", f"{ours_rps:,.0f}", "1.0x"],
                 ["count_tokens CLI stage (whole run, incl. start-up)", io["count_tokens"][0], f"{m['count_tokens']['wall']:.1f}", f"{stage_rps:,.0f}", f"{stage_rps / verl_rps:.1f}x vs verl"],
                 ["verl MultiTurnSFTDataset (load + __getitem__)", v["rows"], f"{v['verl_s']:.2f}", f"{verl_rps:,.0f}", f"{ours_rps / verl_rps:.1f}x slower"]],
                ["token counting", "rows", "s", "rows/s", "ratio"])
            print("\n" + vt)
            print(f"\ncounts identical row by row: {v['identical']} ({v['rows']} rows, {v['tokens']:,} tokens; "
                  f"other processes used {v['other_cpu']:.1f} CPU s meanwhile"
                  + (f"; {v['n_mismatches']} mismatches, e.g. {v['mismatches']}" if not v["identical"] else "") + ")")
            speedup = ours_rps / verl_rps
            print(f"speed-up vs verl: {speedup:.1f}x in-process, {stage_rps / verl_rps:.1f}x for the whole CLI stage "
                  f"(target >= {TARGET_SPEEDUP:.0f}x: {'MET' if min(speedup, stage_rps / verl_rps) >= TARGET_SPEEDUP else 'MISSED'})")

        cmd_line = " ".join([Path(sys.executable).as_posix(), "benchmarks/data_stages.py", *sys.argv[1:]])
        md = [
            "## Data stages", "",
            f"- Date / machine: {env}",
            f"- Command: `{cmd_line}`",
            f"- Input: {args.rows:,} synthetic raw rows (seed {args.seed}; {expected['problems']:,} problems, "
            f"{raw_mb:.0f} MiB JSONL, {sum(expected['rejected'].values()):,} planted defects of all {len(want)} filter reasons, "
            f"{expected['chat_rows']:,} chat rows); config/config.yaml settings of run `main`, tiny model (real Qwen tokenizer). "
            f"Filter report equals the planted defects: {filter_ok}.",
            "- Each stage is its real CLI as data.smk runs it (one subprocess, wall time incl. interpreter start-up and imports; "
            "CPU s of the process and its worker processes; peak RSS of the whole process tree (sampled every 0.1 s, "
            "or wait4's largest single process if higher); 'other procs CPU s' is what the rest of the machine "
            "used meanwhile, 0 on a quiet machine).",
            f"- Kept rows: description {sizes['description']:,.0f} chars, solution {sizes['solution']:,.0f} chars, "
            f"{tokens['mean']:,.0f} tokens (chat template applied) on average.", "",
            table, "",
            f"Target: {args.rows:,} rows filter -> split in <= {TARGET_TOTAL_S:.0f} s: **{'met' if target_ok else 'missed'}** "
            f"({total['wall']:.1f} s). Token lengths p50 {tokens['p50']}, p99 {tokens['p99']}, max {tokens['max']}.",
        ]
        if v:
            md += ["", f"Token counts vs verl `MultiTurnSFTDataset` (`len(item['input_ids'])`, no padding) on the first "
                       f"{v['rows']:,} filtered rows: identical row by row: **{v['identical']}**.", "", vt, "",
                   f"Speed-up: **{ours_rps / verl_rps:.1f}x** (same rows, in-process), {stage_rps / verl_rps:.1f}x for the whole CLI stage "
                   f"(target >= {TARGET_SPEEDUP:.0f}x)."]
        md_text = "\n".join(md) + "\n"
        print("\n" + md_text)
        if args.results:
            write_section(args.results, md_text)
            print(f"wrote section '## Data stages' of {args.results}")

        targets = [s.strip() for s in args.profile.split(",") if s.strip()]
        if targets == ["missed"]:
            targets = [s for s in STAGES if not target_ok] if not target_ok else []
        for name in targets:
            profile_stage(name, cmds[name], work)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


def write_section(path, section):
    """Replace the '## Data stages' section of a markdown file (up to the next '## '), or append it."""
    path = Path(path)
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Data stages\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
