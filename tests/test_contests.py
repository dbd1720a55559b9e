"""The contest benchmark (pipeline/evaluation/contests.py): its problems read from files in
deepmind/code_contests' layout, replies judged on all tests, scores per group, flips, and the leak
check against the training split. Real programs in the real judge."""

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from pipeline.common.cli import PipelineError
from pipeline.evaluation import contests

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "resources" / "sample" / "code_contests"
CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
VERIFY = CONFIG["filter"]["verify"]
KINDS = CONFIG["eval"]["contests"]["tests"]


def records(split):
    return [json.loads(line) for line in (SAMPLE / f"{split}.jsonl").read_text().splitlines()]


def test_the_held_out_splits_only_and_their_groups():
    problems, untested = contests.load_problems(sorted(SAMPLE.glob("*.jsonl")), {"valid", "test"}, KINDS)
    assert untested == 0
    assert [(p.split, p.name) for p in problems] == [("test", r["name"]) for r in records("test")] + [
        ("valid", r["name"]) for r in records("valid")]
    training = {r["name"] for r in records("train")}
    assert not training & {p.name for p in problems}
    by_name = {p.name: p for p in problems}
    assert (by_name["2117_A. Sock Drawer"].difficulty, by_name["2117_A. Sock Drawer"].source) == ("A", "CODEFORCES")
    assert (by_name["BALSUB"].difficulty, by_name["BALSUB"].source) == ("MEDIUM", "CODECHEF")
    assert by_name["2121_B. Lamp Toggling"].tests.time_limit_s == 2.0
    sock = records("valid")[0]
    assert len(by_name[sock["name"]].tests.tests) == len(sock["public_tests"]["input"]) + len(
        sock["private_tests"]["input"])


def test_parquet_shards_a_problem_without_tests_and_a_limit(tmp_path):
    """code_contests' own file names and columns; a problem without tests cannot be scored."""
    rows = records("test")
    rows[1] = dict(rows[1], public_tests={"input": [], "output": []}, private_tests={"input": [], "output": []},
                   generated_tests={"input": [], "output": []})
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "test-00000-of-00001-9c49eeff30aacaa8.parquet")
    pq.write_table(pa.Table.from_pylist(records("train")[:3]), tmp_path / "train-00000-of-00039-e991a271dbfa9925.parquet")
    problems, untested = contests.load_problems(sorted(tmp_path.iterdir()), {"valid", "test"}, KINDS)
    assert [p.name for p in problems] == [rows[0]["name"], rows[2]["name"]] and untested == 1
    assert [p.name for p in contests.load_problems(sorted(tmp_path.iterdir()), {"test"}, KINDS, limit=1)[0]] == [
        rows[0]["name"]]
    pq.write_table(pa.table({"name": ["x"]}), tmp_path / "valid-00000-of-00001.parquet")
    with pytest.raises(PipelineError, match=r"valid-00000-of-00001.parquet has no column\(s\) \['description'"):
        contests.load_problems(sorted(tmp_path.iterdir()), {"valid"}, KINDS)
    with pytest.raises(PipelineError, match="no problem with tests in the files of splits"):
        contests.load_problems(sorted(tmp_path.glob("train-*")), {"valid", "test"}, KINDS)


def test_the_prompt_is_the_training_instruction():
    problem = contests.load_problems([SAMPLE / "valid.jsonl"], {"valid"}, KINDS)[0][0]
    chat = dict(CONFIG["data"]["chat"], system_prompt="You are a careful programmer.")
    messages = contests.build_messages(problem, chat)
    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[1]["content"] == chat["instruction"].replace("{description}", problem.description.strip())


@pytest.mark.parametrize("reply, code", [
    ("Read n, then:\n```python\nprint(1)\n```\nThis prints 1.\n```python\nprint(2)\n```", "print(1)\n"),
    ("```python3\nn = int(input())\nprint(n)\n", "n = int(input())\nprint(n)\n"),  # cut off at the token limit
    ("print(3)", "print(3)"),  # raw code
])
def test_the_code_of_a_reply(reply, code):
    assert contests.extract_code(reply) == code


def test_correct_solutions_pass_incorrect_ones_fail_and_the_scores_say_where():
    problems, _ = contests.load_problems(sorted(SAMPLE.glob("*.jsonl")), {"valid", "test"}, KINDS)
    solutions = {r["name"]: r for split in ("valid", "test") for r in records(split)}
    good = [(p.name, solutions[p.name]["solutions"]["solution"][0]) for p in problems]
    bad = [(p.name, solutions[p.name]["incorrect_solutions"]["solution"][0]) for p in problems]
    verdicts = contests.judge(problems, good + bad, VERIFY, workers=2)
    assert [v.verdict for v in verdicts[: len(good)]] == ["accepted"] * len(good)
    assert all(v.verdict != "accepted" and v.test >= 0 for v in verdicts[len(good):])
    # One sample per problem: the base model "writes" the incorrect solutions except for the first
    # problem, the fine-tuned model the correct ones except for the last.
    names = [p.name for p in problems]
    base = contests.scores(problems, names, [verdicts[0]] + verdicts[len(good) + 1:], [1])
    tuned = contests.scores(problems, names, verdicts[: len(good) - 1] + [verdicts[-1]], [1])
    assert base["pass@1"] == pytest.approx(1 / 6) and tuned["pass@1"] == pytest.approx(5 / 6)
    assert tuned["by_split"] == {"test": {"problems": 3, "pass@1": 1.0}, "valid": {"problems": 3, "pass@1": 2 / 3}}
    assert tuned["by_source"]["CODECHEF"] == {"problems": 2, "pass@1": 1.0}
    assert set(tuned["by_difficulty"]) == {"A", "B", "EASY", "MEDIUM"}
    assert sum(g["problems"] for g in tuned["by_difficulty"].values()) == 6
    assert sum(tuned["verdicts"].values()) == 6 and tuned["verdicts"]["accepted"] == 5
    assert contests.flips(base["problems"], tuned["problems"]) == {"gained": sorted(names[1:-1]),
                                                                    "lost": []}
    assert contests.flips(tuned["problems"], base["problems"]) == {"gained": [], "lost": sorted(names[1:-1])}


def test_a_leaked_problem_stops_the_eval_and_boilerplate_does_not():
    problems, _ = contests.load_problems([SAMPLE / "test.jsonl"], {"test"}, KINDS)
    training = [r["description"] for r in records("train")]
    report = contests.leak_check(problems, training, n=10, min_overlap=0.5)
    assert report["leaked"] == 0 and report["training_statements"] == len(set(training))
    assert report["max_coverage"]["coverage"] < 0.5
    # The training row asks with the template around a reworded copy of the statement: most of it.
    reworded = problems[1].description.replace("customers", "visitors", 1)
    with pytest.raises(PipelineError, match=rf"1 benchmark problem\(s\) leaked.*{problems[1].name!r}: \d+% of its 10-grams"):
        contests.leak_check(problems, training + [f"Solve the following problem.\n\n{reworded}"], n=10, min_overlap=0.5)
    # A training statement that shares one sentence of a statement is boilerplate, counted, not a leak.
    sentence = " ".join(problems[0].description.split()[:12])
    shared = contests.leak_check(problems, training + [f"A new task. {sentence} and more."], n=10, min_overlap=0.5)
    assert shared["problems_sharing_an_ngram"] >= 1 and shared["leaked"] == 0


def test_the_fetched_benchmark_files_as_published(tmp_path):
    """The main run's problems: code_contests' valid and test shards as the fetch selects them
    (filter.decontaminate.hub.code_contests' allow_patterns), the struct columns as the hub stores them."""
    from benchmark_layouts import hub_files

    files = hub_files("code_contests", tmp_path)
    assert not any("train-" in path for path in files)
    problems, untested = contests.load_problems(list(files.values()), set(CONFIG["eval"]["contests"]["splits"]), KINDS)
    assert [(p.split, p.name, p.difficulty, p.source) for p in problems] == [
        ("test", "1575_B. Flicker", "EXTERNAL", "CODECHEF"), ("valid", "1548_A. Lighthouse", "EXTERNAL", "CODECHEF")]
    assert untested == 0 and problems[1].tests.time_limit_s is None  # no limit given: filter.verify's default
    assert contests.run_limits(problems[1].tests, VERIFY).timeout_s == VERIFY["default_time_limit_s"] * VERIFY["time_factor"]
    assert len(problems[1].tests.tests) == 2  # public and generated: all kinds


def test_the_training_statements_are_the_distinct_user_turns(tmp_path):
    def row(statement, solution):
        return [{"role": "system", "content": "Be brief."}, {"role": "user", "content": statement},
                {"role": "assistant", "content": solution}]

    pq.write_table(pa.table({"messages": [row("Add two numbers.", "print(1)"), row("Add two numbers.", "print(2)"),
                                          row("Sort the list.", "print(3)")]}), tmp_path / "sft_train.parquet")
    assert sorted(contests.training_statements(tmp_path / "sft_train.parquet")) == ["Add two numbers.", "Sort the list."]
