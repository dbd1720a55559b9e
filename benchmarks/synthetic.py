"""Synthetic data for the benchmarks, seeded and deterministic: raw BEE rows for the data stages
and chat rows for training, both drawn from one text generator (competitive-programming statements
and Python solutions assembled from blocks, so that every kept row parses and tokenizes like real
data).

Lengths are long-tailed: a row's token count (chat template applied, as count_tokens counts it) is
lognormal with median ~900 and 99th percentile ~4096, cut to [64, 8000] -- the distribution the GPU
results in RESULTS.md were measured on. The solutions of one problem share its statement.

    raw_bee_rows(out_dir, n_rows, seed)   problems.jsonl (solutions columns) + chat.jsonl (messages),
                                          with planted defects; returns the counts filter_rows must report
    chat_rows(n_rows, seed)               [{"name", "messages"}] for training directly
    training_rows(batch, steps, epochs)   rows that fill `steps` global batches, with a margin
"""

import json
import math
import random
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "workflow" / "scripts"

MEDIAN_TOKENS = 900
P99_TOKENS = 4096
TOKEN_RANGE = (64, 8000)
SIGMA = math.log(P99_TOKENS / MEDIAN_TOKENS) / 2.326  # z of the 99th percentile
# A row's length spreads around its problem's: the statement is shared, the solution is not.
SIGMA_ROW = 0.25
SIGMA_PROBLEM = math.sqrt(SIGMA**2 - SIGMA_ROW**2)
# Characters per Qwen token of this text, and the tokens a row has besides statement and solution
# (chat template, the config's instruction, the code fence): measured, see calibrate() below.
LEGEND_CHARS_PER_TOKEN = 5.2  # the statement's prose
TAIL_CHARS_PER_TOKEN = 3.85  # its input/output/examples part
SOLUTION_CHARS_PER_TOKEN = 3.6
OVERHEAD_TOKENS = 57
ROWS_PER_PROBLEM = (3, 8)

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
# Never a bare "python": code_contests labels Python 2 so.
PY_LANGS = ["python3", "Python 3", "PyPy 3", "py3", "PYTHON3", "pypy3"]
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
    """Statements and solutions of a given token length, from one seeded random stream."""

    def __init__(self, seed, humaneval_windows=()):
        self.r = random.Random(seed)
        self.humaneval = list(humaneval_windows)

    def words(self, n):
        return self.r.choices(WORDS, k=n)

    def sentence(self, lo=8, hi=22):
        w = self.words(self.r.randint(lo, hi))
        if self.r.random() < 0.3:
            w.insert(self.r.randrange(len(w)), f"a_{self.r.choice('ijk')}")
        if self.r.random() < 0.2:
            bound = self.r.choice(["10^5", "2·10^5", "10^9", "1000"])
            w.insert(self.r.randrange(len(w)), f"(1 ≤ {self.r.choice('nmkq')} ≤ {bound})")
        s = " ".join(w)
        return s[0].upper() + s[1:] + "."

    def paragraph(self, lo=2, hi=5):
        return " ".join(self.sentence() for _ in range(self.r.randint(lo, hi)))

    def description(self, tokens, extra=None):
        """A statement (legend, input, output, examples) of about `tokens` tokens."""
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
        target = (tokens - len(tail) / TAIL_CHARS_PER_TOKEN) * LEGEND_CHARS_PER_TOKEN
        legend = [self.sentence()]
        length = len(legend[0])
        while True:  # paragraphs while they bring the length nearer the target
            p = self.paragraph()
            if length + len(p) / 2 > target:
                break
            legend.append(p)
            length += len(p) + 2
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

    def python_solution(self, tokens):
        """A Python program (it parses) of about `tokens` tokens."""
        r = self.r
        target = int(tokens * SOLUTION_CHARS_PER_TOKEN)
        parts = [r.choice(PY_HEADER)]
        main = self._fill(r.choice(PY_MAIN))
        length = len(parts[0]) + len(main)
        while True:  # blocks while they bring the length nearer the target
            block = self._fill(r.choice(PY_BLOCKS))
            if length + len(block) / 2 > target:
                break
            parts.append(block)
            length += len(block) + 2
        parts.append(main)
        return "\n\n".join(parts)

    def cpp_solution(self):
        v = self.r.choice(["ans", "res", "total", "acc", "s"])
        return CPP_SOLUTION % (v, v, self.r.randint(2, 10**9), v)

    def problem(self, pid):
        """A problem: its fields, its statement's tokens, and its rows' typical length."""
        r = self.r
        tokens = r.lognormvariate(math.log(MEDIAN_TOKENS), SIGMA_PROBLEM)
        statement = tokens * r.uniform(0.3, 0.55)
        title = " ".join(r.sample(TITLE_WORDS, r.randint(1, 3)))
        return {
            "name": f"{1000 + pid}_{r.choice('ABCDEFG')}. {title}",
            "description": self.description(statement),
            "difficulty": r.choice([800, 1000, 1200, 1500, 1800, 2100, 2400, None, "MEDIUM"]),
            "source": r.choice(SOURCES),
            "_tokens": tokens,
            "_statement": statement,
        }

    def solution_tokens(self, problem):
        """Tokens for one more solution of a problem: the row's total is lognormal around the problem's."""
        lo, hi = TOKEN_RANGE
        total = min(hi, max(lo, problem["_tokens"] * self.r.lognormvariate(0, SIGMA_ROW)))
        return max(24, total - problem["_statement"] - OVERHEAD_TOKENS)

    def solution_row(self, problem, good_rows, defect=None):
        """One raw JSONL line with the given defect (None: a good row); good_rows feeds duplicates."""
        r = self.r
        fields = {k: v for k, v in problem.items() if not k.startswith("_")}
        row = dict(fields, solution=self.python_solution(self.solution_tokens(problem)), language=r.choice(PY_LANGS))
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
        elif defect == "syntax_error":  # a colon dropped
            s = row["solution"]
            row["solution"] = s.replace("):\n", ")\n", 1) if "):\n" in s else s.replace("\n", "\nif n\n    pass\n", 1)
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
            block = self.python_solution(1000)
            row["solution"] = (block + "\n\n") * (100_500 // len(block) + 1)
        elif defect == "contaminated":
            row["description"] = self.description(problem["_statement"], extra=r.choice(self.humaneval))
        elif defect == "broken_type":
            row[r.choice(["solution", "language"])] = r.randint(1, 10**6)
        elif defect == "malformed_row":
            text = json.dumps(row, ensure_ascii=False)
            return text[: r.randrange(10, len(text) - 10)]
        return json.dumps(row, ensure_ascii=False)

    def chat_messages(self, problem, system=None):
        """A conversation: the statement, and one Python solution in a fenced block."""
        messages = [{"role": "system", "content": system}] if system else []
        solution = self.python_solution(self.solution_tokens(problem))
        return messages + [{"role": "user", "content": problem["description"]},
                           {"role": "assistant", "content": "```python\n" + solution + "\n```"}]


def humaneval_windows():
    """Runs of 14 whitespace words from HumanEval prompts, to plant contaminated rows."""
    sys.path.insert(0, str(SCRIPTS))
    from pipeline.data.decontaminate import humaneval_texts

    out = []
    for text in humaneval_texts()[::4]:  # the prompts
        tokens = text.split()
        if len(tokens) >= 30:
            out.append(" ".join(tokens[10:24]))
    return out


def raw_bee_rows(out_dir, n_rows, seed=0, defects=DEFECTS, chat_share=CHAT_SHARE):
    """Write n_rows raw BEE rows: problems.jsonl (the solutions columns: name, description, solution,
    language, difficulty, source) and, for chat_share of them, chat.jsonl (`messages` rows). Each
    defect row has exactly one of the planted defects (shares of all rows in `defects`), so the filter
    must report exactly these counts. Returns {in, kept, rejected: {reason: n}, chat_rows, problems}."""
    gen = Generator(seed, humaneval_windows() if defects.get("contaminated") else ())
    r = gen.r
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names, weights = zip(*defects.items()) if defects else ((), ())
    p_defect = sum(weights)
    expected = dict.fromkeys(DEFECTS, 0)
    chat = good = pid = left = 0
    good_rows, problem = [], None
    system = "You are an expert competitive programmer. Answer with a complete Python 3 program."
    with open(out_dir / "problems.jsonl", "w", encoding="utf-8") as fp, \
            open(out_dir / "chat.jsonl", "w", encoding="utf-8") as fc:
        for _ in range(n_rows):
            if left == 0:
                problem, left, pid = gen.problem(pid), r.randint(*ROWS_PER_PROBLEM), pid + 1
            left -= 1
            u = r.random()
            if u < chat_share:
                messages = gen.chat_messages(problem, system if r.random() < 0.5 else None)
                fc.write(json.dumps({"name": problem["name"], "messages": messages}, ensure_ascii=False) + "\n")
                chat += 1
                continue
            defect = None
            if u < chat_share + p_defect and good_rows:
                defect = r.choices(names, weights)[0]
                expected[defect] += 1
            else:
                good += 1
            fp.write(gen.solution_row(problem, good_rows, defect) + "\n")
            if len(good_rows) > 5000:  # duplicates come from recent rows: generation in O(1) memory
                del good_rows[:2500]
    if not chat:
        (out_dir / "chat.jsonl").unlink()
    return {"in": n_rows, "kept": good + chat, "rejected": expected, "chat_rows": chat, "problems": pid}


# BEE's `data` folder as its users download it: about 40% PYTHON3, the rest Python 2 (PYTHON), C++
# and Java; and valid/test shards of other problems beside the train shards.
BEE_LANGUAGES = {"PYTHON3": 0.40, "PYTHON": 0.10, "CPP": 0.40, "JAVA": 0.10}
# The shape of BEE's `data` folder: deepmind/code_contests' 13,328 train problems carry its ~4.43M
# solutions, ~330 per problem, long-tailed (lognormal, median 180); ~5.9 KB of text per row
# including `text` (the figure): statements ~400 tokens, Python solutions ~130.
BEE_ROWS_PER_PROBLEM = (180, 1.1, 4000)  # median, sigma, cap
BEE_STATEMENT_TOKENS = (400, 0.55)
BEE_PYTHON_TOKENS = (130, 0.7)
# What a contest C++ solution carries before its logic: the contestant's template.
CPP_TEMPLATE = """#pragma GCC optimize("O3,unroll-loops")
#define ll long long
#define ld long double
#define pb push_back
#define all(x) (x).begin(), (x).end()
#define sz(x) (int)(x).size()
#define rep(i, a, b) for (int i = (a); i < (b); ++i)
const int MOD = 1e9 + 7;
const ll INF = 1e18;
template <class T> bool ckmin(T &a, const T &b) { return b < a ? a = b, 1 : 0; }
template <class T> bool ckmax(T &a, const T &b) { return a < b ? a = b, 1 : 0; }
ll power(ll b, ll e, ll m = MOD) { ll r = 1; b %= m; while (e) { if (e & 1) r = r * b % m; b = b * b % m; e >>= 1; } return r; }
"""


def bee_data_shards(out_dir, n_rows, seed=0, shards=8, held_out_rows=2000):
    """Write n_rows train rows (and held_out_rows each of valid and test) in the layout of BEE's
    `data` folder: Parquet shards named as the hub names them, columns name, description, source,
    difficulty, solution, language, text (the row rendered, as BEE ships it), flesch_reading_ease;
    problems and lengths shaped as BEE_* says, rows grouped by problem as BEE has them.
    Returns {in, kept, rejected: {reason: n}, problems, bytes_per_row}."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sys.path.insert(0, str(SCRIPTS))
    from pipeline.data.layouts import render

    gen = Generator(seed)
    r = gen.r
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    schema = pa.schema([("name", pa.string()), ("description", pa.string()), ("source", pa.int64()),
                        ("difficulty", pa.int64()), ("solution", pa.string()), ("language", pa.string()),
                        ("text", pa.string()), ("flesch_reading_ease", pa.float64())])
    counts, pid, total_bytes = dict.fromkeys(BEE_LANGUAGES, 0), 0, 0
    languages, weights = zip(*BEE_LANGUAGES.items())

    def lognormal(median, sigma):
        return r.lognormvariate(math.log(median), sigma)

    def rows(n, split):
        nonlocal pid, total_bytes
        left, problem, out = 0, None, []
        median, sigma, cap = BEE_ROWS_PER_PROBLEM
        for _ in range(n):
            if left == 0:
                left, pid = min(cap, max(1, round(lognormal(median, sigma)))), pid + 1
                problem = {"name": f"{split}-{1000 + pid}_{r.choice('ABCDEFG')}. {r.choice(TITLE_WORDS)}",
                           "description": gen.description(lognormal(*BEE_STATEMENT_TOKENS))}
                solutions = set()  # a problem's Python solutions are distinct: no planted duplicates
            left -= 1
            language = r.choices(languages, weights)[0]
            if language in ("CPP", "JAVA"):
                code = CPP_TEMPLATE + gen.cpp_solution()
            else:
                code = gen.python_solution(max(24, lognormal(*BEE_PYTHON_TOKENS)))
                while code in solutions:
                    code = gen.python_solution(max(24, lognormal(*BEE_PYTHON_TOKENS)))
                solutions.add(code)
            if split == "train":
                counts[language] += 1
            row = {"name": problem["name"], "description": problem["description"], "source": 2, "difficulty": 7,
                   "solution": code, "language": language, "text": render(problem["description"], language, code),
                   "flesch_reading_ease": 60.0}
            total_bytes += sum(len(v.encode()) for v in row.values() if isinstance(v, str))
            out.append(row)
            if len(out) == 20_000:
                yield out
                out = []
        if out:
            yield out

    for split, n, parts in (("train", n_rows, shards), ("valid", held_out_rows, 1), ("test", held_out_rows, 1)):
        per_shard = math.ceil(n / parts)
        batches = rows(n, split)
        for i in range(parts):
            with pq.ParquetWriter(out_dir / f"{split}-{i:05d}-of-{parts:05d}-{seed:016x}.parquet", schema) as w:
                written = 0
                for batch in batches:
                    w.write_table(pa.Table.from_pylist(batch, schema=schema))
                    written += len(batch)
                    if written >= per_shard:
                        break
    return {"in": n_rows, "kept": counts["PYTHON3"], "problems": pid,
            "rejected": {"language": counts["CPP"] + counts["JAVA"], "python2": counts["PYTHON"]},
            "bytes_per_row": total_bytes / (n_rows + 2 * held_out_rows)}


def statement_texts(path, n, seed=0):
    """A JSONL file of n statements shaped as BEE's ({"question": ...}): a stand-in for benchmark
    files of that size (the decontamination index's cost depends on its size and vocabulary)."""
    r, gen = random.Random(seed), Generator(seed)
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(n):
            median, sigma = BEE_STATEMENT_TOKENS
            f.write(json.dumps({"question": gen.description(r.lognormvariate(math.log(median), sigma))}) + "\n")
    return path


def chat_rows(n_rows, seed=0):
    """n_rows conversations [{"name", "messages"}], one problem per row (so no two rows share a
    statement and any split of them is a split by problem)."""
    gen = Generator(seed)
    return [{"name": (p := gen.problem(i))["name"], "messages": gen.chat_messages(p)} for i in range(n_rows)]


def training_rows(batch, steps, epochs=1, margin=0.1):
    """Training rows for `steps` global batches of `batch` rows in `epochs` epochs (verl drops the
    last partial batch of an epoch), with `margin` more and at least one batch spare."""
    per_epoch = math.ceil(steps / epochs) * batch
    return per_epoch + max(batch, math.ceil(margin * per_epoch))


def percentiles(values, points=(50, 90, 99)):
    """{"p50": .., "p90": .., "p99": .., "max": .., "mean": ..} of a list of numbers."""
    ordered = sorted(values)
    at = lambda q: ordered[min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1)]  # noqa: E731
    return {**{f"p{q}": at(q) for q in points}, "max": ordered[-1], "mean": round(sum(ordered) / len(ordered), 1)}


def calibrate(n_rows=20000, seed=1):
    """Token lengths of generated rows as the pipeline counts them (the tiny model's Qwen tokenizer,
    the config's chat conversion), and the constants above as measured: run `python
    benchmarks/synthetic.py` (about a minute) after changing the generator. Last run: p50 882,
    p99 3947 tokens."""
    import yaml

    sys.path.insert(0, str(SCRIPTS))
    from transformers import AutoTokenizer

    from count_tokens import token_counts
    from tiny_model import qwen_tokenizer_files

    root = SCRIPTS.parents[1]
    tokenizer = AutoTokenizer.from_pretrained(qwen_tokenizer_files())
    tokenizer.chat_template = (root / "resources" / "chat_template.jinja").read_text()
    chat = yaml.safe_load((root / "config" / "config.yaml").read_text())["data"]["chat"]
    gen = Generator(seed)
    rows, descriptions, solutions, pid = [], [], [], 0
    while len(rows) < n_rows:
        problem = gen.problem(pid)
        pid += 1
        for _ in range(gen.r.randint(*ROWS_PER_PROBLEM)):
            solution = gen.python_solution(gen.solution_tokens(problem))
            descriptions.append(problem["description"])
            solutions.append(solution)
            user = chat["instruction"].format(description=problem["description"])
            answer = chat["response"].format(language="python", solution=solution)
            rows.append([{"role": "user", "content": user}, {"role": "assistant", "content": answer}])
    enc = lambda texts: [len(e) for e in tokenizer(texts, add_special_tokens=False)["input_ids"]]  # noqa: E731
    cpt = lambda texts: sum(map(len, texts)) / sum(enc(texts))  # noqa: E731
    d_tok, s_tok, total = enc(descriptions), enc(solutions), token_counts(tokenizer, rows)
    print(f"{len(rows)} rows: tokens {percentiles(total)} (target median {MEDIAN_TOKENS}, p99 {P99_TOKENS})")
    print(f"chars per token: legend {cpt([gen.paragraph() for _ in range(2000)]):.2f}, "
          f"tail {cpt([gen.description(0) for _ in range(500)]):.2f}, solution {cpt(solutions):.2f}; "
          f"overhead {sum(t - d - s for t, d, s in zip(total, d_tok, s_tok)) / len(rows):.1f} tokens per row")


if __name__ == "__main__":
    calibrate()
