"""Tiny files in the published layout of each hub benchmark (config: filter.decontaminate.hub): the repo paths,
file formats, column names and types of the real repositories, with a distinctive text in every
field that decontamination reads (PASSAGES) and the awkward cases real rows have: an APPS problem
without solutions, starter code, unicode, long numeric test data that must not be read."""

import base64
import json
import pickle
import zlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

# benchmark -> field -> a text of that field in the fixture, at least 10 tokens long
PASSAGES = {
    "mbpp": {
        "text": "Write a function to count the zebra stripes painted on a fence of given length.",
        "prompt": "Write a python function to rotate the heliotrope matrix clockwise by ninety degrees.",
        "code": "def zebra_stripes(length):\r\n    stripes = length // 3\r\n    return stripes + (length % 3 > 0)",
        "test_list": "assert zebra_stripes(7) == 3 and zebra_stripes(9) == 3 and zebra_stripes(1) == 1",
    },
    "apps": {
        "question": "Vasya has a garden of n marigolds ≤ 10^5 and wants every third marigold watered twice.",
        "solutions": "n = int(input())\nmarigolds = list(map(int, input().split()))\nprint(sum(marigolds[2::3]) * 2)",
        "starter_code": "class Solution:\n    def waterMarigolds(self, marigolds: List[int], rounds: int) -> int:\n        ",
    },
    "code_contests": {
        "description": "Chef owns a lighthouse with N lamps; each night the k-th lamp flickers exactly k times.",
        "solutions": "#include <cstdio>\nint lighthouse_lamps[100005];\nint main() { int n; scanf(\"%d\", &n); }",
        "incorrect_solutions": "lamps = int(input())\nflickers = lamps * (lamps + 1) // 3\nprint(flickers if lamps else -1)",
    },
    "livecodebench": {
        "question_content": "整数 N が与えられます。 You are given an integer N; print the number of lanterns lit after N festival nights.",
        "starter_code": "class Solution:\n    def litLanterns(self, nights: int, lanterns: List[int]) -> int:\n        ",
    },
}
# Test data of each benchmark, read by no reader: long runs of numbers any program's data may share.
TEST_DATA = "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"


def _parquet(path, rows, schema):
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)


def _jsonl(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def write_mbpp(root):
    """full/ and sanitized/ (task ids 11-510 are test; the other splits have the same layout)."""
    p = PASSAGES["mbpp"]
    full = pa.schema([("task_id", pa.int32()), ("text", pa.string()), ("code", pa.string()),
                      ("test_list", pa.list_(pa.string())), ("test_setup_code", pa.string()),
                      ("challenge_test_list", pa.list_(pa.string()))])
    sanitized = pa.schema([("source_file", pa.string()), ("task_id", pa.int32()), ("prompt", pa.string()),
                           ("code", pa.string()), ("test_imports", pa.list_(pa.string())),
                           ("test_list", pa.list_(pa.string()))])
    paths = {"full/test-00000-of-00001.parquet": [full, [
        dict(task_id=11, text=p["text"], code=p["code"], test_list=[p["test_list"], "assert zebra_stripes(0) == 0"],
             test_setup_code="", challenge_test_list=[])]],
             "full/prompt-00000-of-00001.parquet": [full, [
        dict(task_id=2, text="Write a function to find the shared elements.", code="def f(a, b):\r\n    return set(a) & set(b)",
             test_list=[], test_setup_code="", challenge_test_list=[])]],
             "sanitized/test-00000-of-00001.parquet": [sanitized, [
        dict(source_file="Benchmark Questions Verification V2.ipynb", task_id=12, prompt=p["prompt"],
             code="def rotate(m):\n    return [list(r) for r in zip(*m[::-1])]", test_imports=[],
             test_list=["assert rotate([[1]]) == [[1]]"])]]}
    for path, (schema, rows) in paths.items():
        _parquet(Path(root) / path, rows, schema)
    return list(paths)


def write_apps(root):
    """test.jsonl: JSON-string solutions and input_output; one problem has no solutions ("")."""
    p = PASSAGES["apps"]
    io = json.dumps({"inputs": [TEST_DATA + "\n"], "outputs": ["42\n"]})
    _jsonl(Path(root) / "test.jsonl", [
        dict(id=0, question=p["question"], solutions=json.dumps([p["solutions"], "print(0)"]), input_output=io,
             difficulty="interview", url="https://codeforces.com/problemset/problem/1/A", starter_code=""),
        dict(id=1, question="Return the marigold count.", solutions="", input_output=json.dumps(
            {"fn_name": "waterMarigolds", "inputs": [[[1, 2], 3]], "outputs": [6]}),
             difficulty="introductory", url="https://leetcode.com/problems/x/", starter_code=p["starter_code"]),
    ])
    return ["test.jsonl"]


def _tests():
    return pa.struct([("input", pa.list_(pa.string())), ("output", pa.list_(pa.string()))])


def _programs():
    return pa.struct([("language", pa.list_(pa.int64())), ("solution", pa.list_(pa.string()))])


CODE_CONTESTS_SCHEMA = pa.schema([
    ("name", pa.string()), ("description", pa.string()), ("public_tests", _tests()),
    ("private_tests", _tests()), ("generated_tests", _tests()), ("source", pa.int64()),
    ("difficulty", pa.int64()), ("solutions", _programs()), ("incorrect_solutions", _programs()),
    ("cf_contest_id", pa.int64()), ("cf_index", pa.string()), ("cf_points", pa.float32()),
    ("cf_rating", pa.int32()), ("cf_tags", pa.list_(pa.string())), ("is_description_translated", pa.bool_()),
    ("untranslated_description", pa.string()), ("time_limit", pa.struct([("seconds", pa.int64()), ("nanos", pa.int64())])),
    ("memory_limit_bytes", pa.int64()), ("input_file", pa.string()), ("output_file", pa.string()),
])


def write_code_contests(root):
    """data/{valid,test}-00000-of-00001-<hash>.parquet (and a train shard, which is not a benchmark):
    solutions as a struct of parallel language/solution lists, as the hub's Parquet stores them."""
    p = PASSAGES["code_contests"]
    tests = {"input": [TEST_DATA], "output": ["120"]}
    no_tests = {"input": [], "output": []}

    def problem(name, description, solutions, incorrect):
        return dict(name=name, description=description, public_tests=tests, private_tests=no_tests,
                    generated_tests=tests, source=1, difficulty=6,
                    solutions={"language": [2] * len(solutions), "solution": solutions},
                    incorrect_solutions={"language": [3] * len(incorrect), "solution": incorrect},
                    cf_contest_id=0, cf_index="", cf_points=0.0, cf_rating=0, cf_tags=[],
                    is_description_translated=False, untranslated_description="", time_limit=None,
                    memory_limit_bytes=0, input_file="", output_file="")

    paths = {
        "data/valid-00000-of-00001-5e672c5751f060d3.parquet": [problem("1548_A. Lighthouse", p["description"],
                                                                       [p["solutions"]], [])],
        "data/test-00000-of-00001-9c49eeff30aacaa8.parquet": [problem("1575_B. Flicker", "Count flickers.", [],
                                                                      [p["incorrect_solutions"]])],
        "data/train-00000-of-00039-e991a271dbfa9925.parquet": [problem("brcktsrm", "Check the bracket ratio.",
                                                                       ["print('YES')"], [])],
    }
    for path, rows in paths.items():
        _parquet(Path(root) / path, rows, CODE_CONTESTS_SCHEMA)
    return list(paths)


def write_livecodebench(root):
    """test.jsonl (release_v1) and test2.jsonl ... test6.jsonl; test cases as published: public
    ones a JSON string, private ones a compressed base64 string; a loading script beside them."""
    p = PASSAGES["livecodebench"]
    cases = json.dumps([{"input": TEST_DATA, "output": "3", "testtype": "stdin"}])
    private = base64.b64encode(zlib.compress(pickle.dumps(cases))).decode()

    def problem(i, content, starter):
        return dict(question_title=f"Lanterns {i}", question_content=content, platform="atcoder" if i % 2 else "leetcode",
                    question_id=f"abc{300 + i}_a", contest_id=f"abc{300 + i}", contest_date="2023-05-06T00:00:00",
                    starter_code=starter, difficulty="easy", public_test_cases=cases,
                    private_test_cases=private, metadata="{}")

    files = ["test.jsonl"] + [f"test{i}.jsonl" for i in range(2, 7)]
    for i, name in enumerate(files):
        rows = [problem(i, p["question_content"], "")] if i == 0 else [problem(i, f"Problem {i}.", "")]
        if i == 5:
            rows.append(problem(7, "Count lit lanterns.", p["starter_code"]))
        _jsonl(Path(root) / name, rows)
    (Path(root) / "code_generation_lite.py").write_text("# the dataset's loading script\n")
    return files + ["code_generation_lite.py"]


# Files of each fixture that are not the benchmark: its allow_patterns must leave them out.
OUTSIDE = {"mbpp": set(), "apps": set(), "code_contests": {"data/train-00000-of-00039-e991a271dbfa9925.parquet"},
           "livecodebench": {"code_generation_lite.py"}}

WRITERS = {"mbpp": write_mbpp, "apps": write_apps, "code_contests": write_code_contests,
           "livecodebench": write_livecodebench}


def repo_files(name, root):
    """Every fixture file of benchmark name, OUTSIDE ones too, written under root: {repo path: local path}."""
    return {path: Path(root) / path for path in WRITERS[name](root)}


# The hub benchmarks as config/config.yaml defines them (filter.decontaminate.hub).
HUB_BENCHMARKS = yaml.safe_load((Path(__file__).resolve().parents[1] / "config" / "config.yaml").read_text())[
    "filter"]["decontaminate"]["hub"]


def hub_files(name, root):
    """The fixture files of benchmark name that its allow_patterns (HUB_BENCHMARKS) select,
    written under root as a snapshot lays them: {repo path: local path}."""
    from huggingface_hub.utils import filter_repo_objects

    files = repo_files(name, root)
    return {path: files[path] for path in filter_repo_objects(files, allow_patterns=HUB_BENCHMARKS[name]["allow_patterns"])}
