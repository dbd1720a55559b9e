import rensa

from pipeline.data import near_duplicates as nd

PY_ORIGINAL = '''import sys
from collections import Counter

def most_common(values, k):
    # the k most frequent values, ties by value
    counts = Counter(values)
    order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [v for v, _ in order[:k]]

n, k = map(int, input().split())
values = list(map(int, input().split()))
print(" ".join(map(str, most_common(values, k))))
'''
# Every variable renamed, comments and docstring changed, reformatted.
PY_RENAMED = '''import sys
from collections import Counter


def top(xs,m):
    # return the answer
    c=Counter( xs )
    srt = sorted(c.items(),key=lambda p:(-p[1],p[0]))   # by frequency
    return [a for a,_ in srt[:m]]
n,m=map(int,input().split())
xs=list(map(int,input().split()))
print(' '.join(map(str,top(xs,m))))
'''
PY_LOOP = '''n = int(input())
total = 0
for i in range(1, n + 1):
    total += i
print(total)
'''
PY_FORMULA = '''n = int(input())
print(n * (n + 1) // 2)
'''
PY_HEAP = '''import heapq
n, k = map(int, input().split())
a = list(map(int, input().split()))
heap = []
for x in a:
    heapq.heappush(heap, -x)
best = 0
for _ in range(k):
    best -= heapq.heappop(heap)
print(best)
'''
PY_SORTED = '''n, k = map(int, input().split())
a = sorted(map(int, input().split()), reverse=True)
print(sum(a[:k]))
'''
CPP_ORIGINAL = '''#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    cin >> n;
    vector<long long> a(n);
    for (auto &x : a) cin >> x;
    sort(a.begin(), a.end());
    long long best = 0;  // largest gap
    for (int i = 1; i < n; i++) best = max(best, a[i] - a[i - 1]);
    cout << best << "\\n";
    return 0;
}
'''
CPP_RENAMED = '''#include <iostream>
#include <vector>
#include <algorithm>
using namespace std;
/* read, sort,
   scan adjacent pairs */
int main()
{
    int m; cin >> m;
    vector<long long> v(m);
    for (auto &y : v)
        cin >> y;
    sort(v.begin(), v.end());
    long long ans = 0;
    for (int j = 1; j < m; j++)
        ans = max(ans, v[j] - v[j - 1]);  // keep the max
    cout << ans << '\\n';
    return 0;
}
'''


def test_code_tokens_normalise_names_comments_strings_and_layout():
    assert nd.code_tokens("x = 'a#b'  # note\ny=x // 2") == [
        "<id>", "=", "<str>", "<id>", "=", "<id>", "/", "/", "2"]
    assert nd.code_tokens('for (int i = 0; i < n; i++) { s += "x//y"; } // done /* not code */') == [
        "for", "(", "int", "<id>", "=", "0", ";", "<id>", "<", "<id>", ";", "<id>", "+", "+", ")",
        "{", "<id>", "+", "=", "<str>", ";", "}"]
    assert nd.code_tokens('"""doc # not a comment"""\nreturn "\\"quoted\\""') == ["<str>", "return", "<str>"]
    assert nd.code_tokens(PY_ORIGINAL) == nd.code_tokens(PY_RENAMED)


def test_renamed_and_reformatted_python_copy_is_a_near_duplicate_of_the_original():
    verdicts = nd.near_duplicates([PY_ORIGINAL, PY_RENAMED])
    assert verdicts[0] is None
    index, jaccard = verdicts[1]
    assert index == 0 and jaccard >= 0.8


def test_renamed_cpp_copy_with_other_comments_is_a_near_duplicate():
    verdicts = nd.near_duplicates([CPP_ORIGINAL, CPP_RENAMED])
    assert verdicts[0] is None and verdicts[1][0] == 0


def test_different_solutions_of_one_problem_are_kept():
    assert nd.near_duplicates([PY_LOOP, PY_FORMULA]) == [None, None]
    assert nd.near_duplicates([PY_HEAP, PY_SORTED]) == [None, None]
    assert nd.near_duplicates([PY_ORIGINAL, CPP_ORIGINAL, PY_HEAP]) == [None, None, None]


def test_copies_point_at_the_first_kept_solution_not_at_another_copy():
    verdicts = nd.near_duplicates([PY_HEAP, PY_ORIGINAL, PY_RENAMED, PY_ORIGINAL.replace("values", "vs"),
                                   CPP_ORIGINAL, CPP_RENAMED, PY_RENAMED])
    assert [v and v[0] for v in verdicts] == [None, None, 1, 1, None, 4, 1]


def _true_jaccard(a, b, k=5):
    x, y = set(nd.shingles(nd.code_tokens(a), k)), set(nd.shingles(nd.code_tokens(b), k))
    return len(x & y) / len(x | y)


def test_threshold_is_respected_on_either_side_of_a_pair():
    # PY_ORIGINAL with its output line changed: a true Jaccard well inside (0.5, 0.95).
    edited = PY_ORIGINAL.replace('print(" ".join(map(str, most_common(values, k))))',
                                 "for v in most_common(values, k):\n    print(v)")
    jaccard = _true_jaccard(PY_ORIGINAL, edited)
    assert 0.5 < jaccard < 0.9
    below, above = jaccard - 0.15, jaccard + 0.15
    assert nd.near_duplicates([PY_ORIGINAL, edited], threshold=below)[1][0] == 0
    assert nd.near_duplicates([PY_ORIGINAL, edited], threshold=above) == [None, None]


def test_an_lsh_candidate_below_the_threshold_is_not_reported():
    # One row per band: a pair sharing any single digest is a candidate, so this pair of
    # different programs (sharing their input line) is one, and verification must refuse it.
    programs = [PY_HEAP, PY_SORTED]
    assert _true_jaccard(*programs) < 0.3
    sketches = nd.signatures([nd.code_tokens(p) for p in programs])
    lsh = rensa.RMinHashLSH(0.8, 128, 128)
    lsh.insert(0, sketches[0])
    assert lsh.query(sketches[1]) == [0]
    assert nd.near_duplicates(programs, bands=128) == [None, None]


def test_lsh_bands_suit_the_threshold():
    assert nd.lsh_bands(0.8, 128) == 16
    assert nd.lsh_bands(0.5, 128) == 64
    for threshold in (0.5, 0.7, 0.8, 0.9):
        bands = nd.lsh_bands(threshold, 128)
        assert 128 % bands == 0 and 1 - (1 - threshold ** (128 // bands)) ** bands >= 0.9


STATEMENT = """Vasya has an array of n integers. In one operation he may choose two adjacent elements and
replace them by their sum. Find the minimum number of operations after which all elements of the
array are equal.

Input
The first line contains an integer n (1 <= n <= 2*10^5), the length of the array. The second line
contains n integers a_1, ..., a_n (1 <= a_i <= 10^9).

Output
Print one integer: the minimum number of operations."""
OTHER = """Alice and Bob play a game on a tree with n vertices. They take turns removing a leaf; the
player who cannot move loses. Alice moves first. Determine who wins if both play optimally.

Input
The first line contains an integer n (1 <= n <= 2*10^5), the number of vertices. Each of the next
n - 1 lines contains two integers u and v, an edge of the tree.

Output
Print Alice or Bob."""


def test_statement_groups_join_mirrors_transitively_and_not_shared_boilerplate():
    mirror = STATEMENT.replace("Vasya has", "Petya has").replace("Print one integer", "Output one integer")
    mirror_of_mirror = mirror.replace("adjacent elements", "neighbouring elements")
    groups = nd.statement_groups({"1000_A. Sums": STATEMENT, "other": OTHER, "abc_c": mirror,
                                  "b-mirror": mirror_of_mirror})
    assert groups == {"1000_A. Sums": "1000_A. Sums", "other": "other", "abc_c": "1000_A. Sums",
                      "b-mirror": "1000_A. Sums"}
    assert _jaccard(STATEMENT, OTHER) > 0.05  # the shared "The first line contains an integer n ..."
    # a ~ b and b ~ c (true Jaccard 0.78) while a and c are not (0.61): at 0.7, still one group.
    words = [f"w{i}" for i in range(210)]
    a, b, c = (" ".join(words[i:i + 170]) for i in (0, 20, 40))
    assert _jaccard(a, b) > 0.78 and _jaccard(b, c) > 0.78 and _jaccard(a, c) < 0.62
    assert nd.statement_groups({"a": a, "b": b, "c": c, "other": OTHER}, threshold=0.7) == {
        "a": "a", "b": "a", "c": "a", "other": "other"}
    assert nd.statement_groups({"a": a, "c": c}, threshold=0.7) == {"a": "a", "c": "c"}


def _jaccard(a, b, k=5):
    x, y = (set(nd.shingles(nd.statement_tokens(text), k)) for text in (a, b))
    return len(x & y) / len(x | y)


def test_empty_and_very_short_inputs():
    assert nd.near_duplicates([]) == []
    assert nd.near_duplicates([PY_LOOP]) == [None]
    assert nd.code_tokens("") == [] and nd.code_tokens("# only a comment\n") == []
    assert nd.near_duplicates(["", "# nothing", "print(1)", "print(2)", "print( 1 )", ""]) == [
        None, (0, 1.0), None, None, (2, 1.0), (0, 1.0)]
    assert nd.shingles(["a", "b"], 5) == ["a b"] and nd.shingles([], 5) == [""]
    assert nd.statement_groups({}) == {}
    assert nd.statement_groups({"x": "", "y": "Sum", "z": "sum."}) == {"x": "x", "y": "y", "z": "y"}
