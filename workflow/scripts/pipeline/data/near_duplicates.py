"""Near-duplicate solutions and mirrored problems, by MinHash over token shingles (rensa).

A solution is tokenised so that a copy with its variables renamed, its comments changed and its
code reformatted has the same tokens; its k-shingles (k tokens in a row) are sketched with rensa's
RMinHash, and rensa's RMinHashLSH proposes candidate pairs. LSH only proposes: every candidate is
verified by the estimated Jaccard of the two signatures (the share of equal digests), so a pair
that merely shares a band never rejects a row.

    near_duplicates(solutions)     per solution of one problem: None (kept) or (kept index, Jaccard)
    statement_groups(statements)   problem name -> its group's first name (mirrored problems)
"""

import keyword
import re

import rensa

PYTHON_KEYWORDS = frozenset(keyword.kwlist)
CPP_KEYWORDS = frozenset("""alignas alignof and and_eq asm auto bitand bitor bool break case catch char
char8_t char16_t char32_t class compl concept const consteval constexpr constinit const_cast continue
co_await co_return co_yield decltype default delete do double dynamic_cast else enum explicit export
extern false float for friend goto if inline int long mutable namespace new noexcept not not_eq nullptr
operator or or_eq private protected public register reinterpret_cast requires return short signed
sizeof static static_assert static_cast struct switch template this thread_local throw true try
typedef typeid typename union unsigned using virtual void volatile wchar_t while xor xor_eq""".split())
JAVA_KEYWORDS = frozenset("""abstract assert boolean break byte case catch char class const continue
default do double else enum extends final finally float for goto if implements import instanceof int
interface long native new package private protected public return short static strictfp super switch
synchronized this throw throws transient try void volatile while var record yield true false
null""".split())
KEYWORDS = PYTHON_KEYWORDS | CPP_KEYWORDS | JAVA_KEYWORDS
IDENTIFIER = "<id>"
STRING = "<str>"

# One token: a string literal (escapes and triple quotes understood), a run of word characters (an
# identifier, keyword or number) or one punctuation character. Before it, possessively, whitespace
# and comments: they are skipped inside the match, so findall returns tokens only, and `\Z` ends a
# trailing comment rather than letting findall restart inside it.
_TOKEN = r"""("{3}(?:\\.|[^\\])*?"{3}|'{3}(?:\\.|[^\\])*?'{3}|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|\w+|[^\w\s]|\Z)"""
_PYTHON = re.compile(r"(?:\s+|#[^\n]*)*+" + _TOKEN, re.DOTALL)
# C++ and Java: `//` is a comment here but floor division in Python. `#` lines (includes, macros)
# are dropped too: a contestant's template says nothing about the solution.
_C_FAMILY = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/|#[^\n]*)*+" + _TOKEN, re.DOTALL)
# `) {` opens a C/C++/Java block (`int main() {`, `if (x) {`) and is a syntax error in Python.
_C_BLOCK = re.compile(r"\)\s*\{")
# Token -> normal form for the tokens that keep their text: keywords and punctuation.
_KEPT = {t: t for t in KEYWORDS | set("""!"#$%&'()*+,-./:;<=>?@[\\]^`{|}~""")}
# The rest by first character: quotes open a string literal, digits a number (kept: None), else an
# identifier.
_BY_FIRST = {'"': STRING, "'": STRING, **dict.fromkeys("0123456789")}
_WORD = re.compile(r"\w+")


def code_tokens(code):
    """Normalised tokens of a solution in Python, C++ or Java: comments dropped, each string literal
    STRING and each identifier that is not a keyword IDENTIFIER (so renaming variables changes
    nothing), numbers and punctuation kept, whitespace ignored. One regex pass per text."""
    pattern = _C_FAMILY if _C_BLOCK.search(code) else _PYTHON
    found = pattern.findall(code)
    while found and not found[-1]:  # the empty `\Z` match(es) at the end
        found.pop()
    kept, by_first = _KEPT.get, _BY_FIRST.get
    return [kept(t) or by_first(t[0], IDENTIFIER) or t for t in found]


def statement_tokens(text):
    """Lowercase word tokens of a problem statement."""
    return _WORD.findall(text.lower())


def shingles(tokens, k):
    """The k-shingles of a token list as strings. A text shorter than k is one shingle (itself); an
    empty one is the empty shingle, which no non-empty text has, so empty texts match only each
    other."""
    if len(tokens) <= k:
        return [" ".join(tokens)]
    return list(map(" ".join, zip(*(tokens[i:] for i in range(k)))))


def signatures(token_lists, num_perm=128, shingle=5, seed=0):
    """One rensa RMinHash per token list, over its shingles (see shingles())."""
    return rensa.RMinHash.from_token_sets([shingles(t, shingle) for t in token_lists], num_perm, seed)


def lsh_bands(threshold, num_perm):
    """Bands for RMinHashLSH: the fewest (b divides num_perm, r = num_perm / b rows each) with
    which a pair of Jaccard `threshold` shares a band with probability >= 0.9. Fewer bands propose
    fewer pairs below the threshold (less to verify); 128 perms at 0.8 give 16 bands of 8 rows:
    a candidate with probability 0.95 at 0.8, 0.99 at 0.85, 0.24 at 0.6. RMinHashLSH itself only
    bands: the threshold it takes is used by is_similar alone, never by query."""
    for bands in (b for b in range(1, num_perm + 1) if num_perm % b == 0):
        if 1 - (1 - threshold ** (num_perm // bands)) ** bands >= 0.9:
            return bands
    return num_perm


def near_duplicates(solutions, threshold=0.8, num_perm=128, shingle=5, seed=0, bands=None):
    """For the solutions of one problem, in order: None for a kept one, or (index of the earlier
    kept solution it nearly duplicates, estimated Jaccard) -- the most similar kept one, the
    earliest on a tie. Only kept solutions are indexed, so a problem of many copies stays cheap;
    LSH candidates are verified against `threshold`. `bands`: RMinHashLSH's bands (default
    lsh_bands(threshold, num_perm))."""
    if len(solutions) < 2:
        return [None] * len(solutions)
    sketches = signatures([code_tokens(s) for s in solutions], num_perm, shingle, seed)
    lsh = rensa.RMinHashLSH(threshold, num_perm, bands or lsh_bands(threshold, num_perm))
    verdicts = []
    for i, sketch in enumerate(sketches):
        best = max(((sketch.jaccard(sketches[c]), -c) for c in lsh.query(sketch)), default=(0.0, 0))
        if best[0] >= threshold:
            verdicts.append((-best[1], best[0]))
        else:
            verdicts.append(None)
            lsh.insert(i, sketch)
    return verdicts


def statement_groups(statements, threshold=0.8, num_perm=128, shingle=5, seed=0, bands=None):
    """Problem name -> group name (the group's first name in `statements`' order), problems in
    one group when their statements are near-duplicates, directly or through others (a ~ b and
    b ~ c: one group): the same task mirrored on two judges under two names. Pairs are LSH
    candidates verified against `threshold`, as in near_duplicates."""
    names = list(statements)
    sketches = signatures([statement_tokens(statements[n]) for n in names], num_perm, shingle, seed)
    lsh = rensa.RMinHashLSH(threshold, num_perm, bands or lsh_bands(threshold, num_perm))
    lsh.insert_many(sketches)
    parent = list(range(len(names)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, candidates in enumerate(lsh.query_all(sketches)):
        for c in candidates:
            if c > i and sketches[i].jaccard(sketches[c]) >= threshold:
                a, b = root(i), root(c)
                parent[max(a, b)] = min(a, b)  # the root is the group's first name
    return {name: names[root(i)] for i, name in enumerate(names)}
