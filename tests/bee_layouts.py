"""Small files in each public layout of the BEE data, written from the published schemas
(BEE-spoke-data/code_contests_instruct's folders, deepmind/code_contests), with the awkward cases
the real data has: valid/test shards beside train, a valid problem mirrored into train under
another name, Python 2 that parses as Python 3, text rows that do not parse, C++ rows."""

import json

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.data.layouts import render

# Statements as real ones are: a story of their own around a few shared phrases ("The first line
# contains ..."), so that one problem's statement shares little with another's.
TRAIN = [("1A. Sum", "Vasya keeps a jar of coins from every trip abroad and wants to know how much they are "
                     "worth together once converted. The first line contains the values of the coins, separated "
                     "by spaces. Print their sum."),
         ("1B. Min", "A caravan must cross the desert by the lowest pass between the dunes, and the scouts have "
                     "measured the height of each pass. The first line contains the heights. Print the height of "
                     "the lowest pass the caravan can take.")]
VALID = [("2B. Valid max", "Petya collects mountain peaks on his holidays and records the altitude of every summit "
                           "he climbs in a notebook. The first line contains the altitudes. Print the altitude of "
                           "the highest summit in his notebook.")]
TEST = [("3C. Test sum", "The orchard keeper weighs each basket of apples picked today before sending them to "
                         "the market in town. The first line contains the weights. Print the total weight of the "
                         "harvest.")]
MIRROR = ("1A. Mirror", VALID[0][1])

PY3_SUM = "a = list(map(int, input().split()))\nprint(sum(a))\n"
PY3_MAX = "a = list(map(int, input().split()))\nprint(max(a))\n"
PY3_MIN = "values = list(map(int, input().split()))\nprint(min(values))\n"
PY2_PARSES = "a = map(int, raw_input().split())\nprint(sum(a))\n"  # Python 2, parses as Python 3
CPP = "#include <iostream>\nint main() { int a, b; std::cin >> a >> b; std::cout << a + b; }\n"

# "1A. Mirror" in train is the valid split's "2B. Valid max" under another name (the same task on
# two judges).
# The rows of BEE's `data` folder: (split, name, statement, language, solution).
SOLUTION_ROWS = [
    ("train", *TRAIN[0], "PYTHON3", PY3_SUM),
    ("train", *TRAIN[0], "PYTHON", PY2_PARSES),  # Python 2 by its label
    ("train", *TRAIN[0], "PYTHON3", PY2_PARSES),  # Python 2 under a Python 3 label
    ("train", *TRAIN[0], "CPP", CPP),
    ("train", *TRAIN[1], "PYTHON3", PY3_MIN),
    ("train", *VALID[0], "PYTHON3", PY3_MAX),  # a valid problem's solution in the train shards
    ("train", *MIRROR, "PYTHON3", PY3_MAX),  # ... and again under another name
    ("valid", *VALID[0], "PYTHON3", PY3_MAX),
    ("test", *TEST[0], "PYTHON3", PY3_SUM),
]
# Each problem's answer to the input "1 2 3" (its tests in the code_contests layout).
ANSWERS = {"1A. Sum": "6\n", "1B. Min": "1\n", "2B. Valid max": "3\n", "1A. Mirror": "3\n", "3C. Test sum": "6\n"}
# What training keeps of them: the first and the fifth row.
KEPT_NAMES = ["1A. Sum", "1B. Min"]
LABELS = {"PYTHON": 1, "CPP": 2, "PYTHON3": 3, "JAVA": 4}


def shard(folder, split, index, count, table, tag="0a1b2c3d4e5f6a7b"):
    """A file named as the hub names shards: {split}-0000N-of-0000M-<hash>.parquet."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{split}-{index:05d}-of-{count:05d}-{tag}.parquet"
    pq.write_table(table, path)
    return path


def _by_split(rows):
    out = {}
    for row in rows:
        out.setdefault(row[0], []).append(row[1:])
    return out


def write_solutions(folder):
    """BEE's `data` folder: one row per solution, train in two shards."""
    schema = pa.schema([("name", pa.string()), ("description", pa.string()), ("source", pa.int64()),
                        ("difficulty", pa.int64()), ("solution", pa.string()), ("language", pa.string()),
                        ("text", pa.string()), ("flesch_reading_ease", pa.float64())])
    for split, rows in _by_split(SOLUTION_ROWS).items():
        records = [{"name": n, "description": d, "source": 2, "difficulty": 7, "solution": code, "language": lang,
                    "text": render(d, lang, code), "flesch_reading_ease": 61.5} for n, d, lang, code in rows]
        parts = [records[:3], records[3:]] if split == "train" else [records]
        for i, part in enumerate(parts):
            shard(folder, split, i, len(parts), pa.Table.from_pylist(part, schema=schema))
    return folder


def write_prompt_response(folder, with_ids=True):
    """BEE's `hq-python-deduped` (name, source, difficulty, language, text) or, without ids,
    `min-cols` (language, text); plus one text row that is not in the rendered form."""
    names = ["name", "source", "difficulty", "language", "text"] if with_ids else ["language", "text"]
    schema = pa.schema([(c, pa.int64() if c in ("source", "difficulty") else pa.string()) for c in names])
    by_split = _by_split(SOLUTION_ROWS)
    by_split["train"].append(("1D. Broken", "x", "PYTHON3", None))
    for split, rows in by_split.items():
        records = []
        for n, d, lang, code in rows:
            text = "Solve it: print the sum.\n```python\nprint(1)\n```" if code is None else render(d, lang, code)
            record = {"name": n, "source": 2, "difficulty": 7, "language": lang, "text": text}
            records.append({c: record[c] for c in names})
        shard(folder, split, 0, 1, pa.Table.from_pylist(records, schema=schema))
    return folder


def write_code_contests(folder):
    """deepmind/code_contests: one row per problem, solutions and incorrect_solutions as
    {language: [int], solution: [str]}, its tests and limits."""
    problems = {}
    for split, name, desc, lang, code in SOLUTION_ROWS:
        p = problems.setdefault((split, name), {"name": name, "description": desc, "solutions": [], "bad": []})
        p["solutions"].append((LABELS[lang], code))
    for (split, name), p in problems.items():
        p["bad"].append((3, "print(0)\n"))
    by_split = {}
    for (split, _), p in problems.items():
        tests = {"input": ["1 2 3\n"], "output": [ANSWERS[p["name"]]]}
        by_split.setdefault(split, []).append({
            "name": p["name"], "description": p["description"],
            "public_tests": tests, "private_tests": tests, "generated_tests": {"input": [], "output": []},
            "source": 2, "difficulty": 7,
            "solutions": {"language": [lang for lang, _ in p["solutions"]],
                          "solution": [code for _, code in p["solutions"]]},
            "incorrect_solutions": {"language": [lang for lang, _ in p["bad"]],
                                    "solution": [code for _, code in p["bad"]]},
            "cf_contest_id": 1, "cf_index": "A", "cf_points": 0.0, "cf_rating": 800, "cf_tags": ["math"],
            "is_description_translated": False, "untranslated_description": "",
            "time_limit": {"seconds": 2, "nanos": 0}, "memory_limit_bytes": 256000000,
            "input_file": "", "output_file": "",
        })
    for split, rows in by_split.items():
        shard(folder, split, 0, 1, pa.Table.from_pylist(rows))
    return folder


def write_messages(folder):
    """Rows that are already chat, in a split column rather than split files."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [{"name": n, "split": split, "messages": [{"role": "user", "content": d},
                                                     {"role": "assistant", "content": f"```python\n{code}```"}]}
            for split, n, d, lang, code in SOLUTION_ROWS if lang == "PYTHON3"]
    (folder / "chat.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder
