"""The real BEE data's layouts and splits (fixtures in each public layout: tests/bee_layouts.py):
each flows through the filter, and through the data stages to a split, with the right rows —
train split only, no Python 2, no valid/test problems."""

import json

import pyarrow.parquet as pq
import pytest
import yaml
from bee_layouts import (KEPT_NAMES, SOLUTION_ROWS, write_code_contests, write_messages, write_prompt_response,
                         write_solutions)
from conftest import ROOT, copy_workflow, snakemake, write_config_override

import filter_rows
from pipeline.common.cli import PipelineError
from pipeline.data import layouts
from pipeline.data.raw_bee import describe_files

CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
DATA = {k: CONFIG["data"][k] for k in ("columns", "chat", "layout", "splits", "held_out_splits")}
WRITERS = {
    "solutions": write_solutions,
    "prompt_response": write_prompt_response,
    "min_cols": lambda folder: write_prompt_response(folder, with_ids=False),
    "code_contests": write_code_contests,
    "messages": write_messages,
}
LAYOUT_OF = {"min_cols": "prompt_response"}


def files_of(folder):
    return sorted(p for p in folder.rglob("*") if p.suffix in (".parquet", ".jsonl"))


def run_filter(tmp_path, paths, **data):
    with (
        pq.ParquetWriter(tmp_path / "kept.parquet", filter_rows.KEPT_SCHEMA) as kept,
        pq.ParquetWriter(tmp_path / "rejected.parquet", filter_rows.REJECTED_SCHEMA) as rejected,
    ):
        report = filter_rows.filter_rows(paths, dict(DATA, **data), CONFIG["filter"], kept, rejected, workers=1)
    return report, pq.read_table(tmp_path / "kept.parquet"), pq.read_table(tmp_path / "rejected.parquet")


def test_rendered_text_is_parsed_back_exactly():
    for statement, language, code in [("Print 1.\n\nInput: none.", "PYTHON3", "print(1)\n"),
                                      ("Add.", "CPP", "int main() {}"), ("Two\nlines", "PYTHON", "print 1")]:
        assert layouts.parse_rendered(layouts.render(statement, language, code)) == (statement, language, code)
    for text in ("print(1)", "### Prompt\n\nSolve.\n\n### Response\n\nprint(1)",
                 "### Prompt\n\nSolve this.\n\n### Response\n\n```python\nprint(1)\n```", None):
        with pytest.raises(layouts.UnparsedText):
            layouts.parse_rendered(text)


def test_split_from_the_hubs_file_naming():
    assert layouts.file_split("data/train-00003-of-00026-3c9cbfe4fef4ddb4.parquet") == "train"
    assert layouts.file_split("data/valid-00000-of-00001-d95595d45a2cfea6.parquet") == "valid"
    assert layouts.file_split("x/test.jsonl") == "test"
    assert layouts.file_split("x/validation/part-1.parquet") == "valid"
    assert layouts.file_split("resources/sample/bee/problems.jsonl") is None


@pytest.mark.parametrize("name", WRITERS)
def test_each_layout_is_detected_from_its_columns(tmp_path, name):
    files = describe_files(files_of(WRITERS[name](tmp_path / name)), DATA["columns"], "auto")
    assert {f.layout for f in files} == {LAYOUT_OF.get(name, name)}
    assert sorted(f.split or "column" for f in files) == (
        ["column"] if name == "messages" else ["test", "train", "train", "valid"] if name == "solutions"
        else ["test", "train", "valid"])


def test_columns_that_fit_no_layout_name_the_layouts_and_columns(tmp_path):
    (tmp_path / "x.jsonl").write_text(json.dumps({"problem": "a", "code": "b"}) + "\n")
    with pytest.raises(PipelineError, match=r"x.jsonl: its columns \['code', 'problem'\] fit no layout\. The layouts "
                                            r"and the columns each needs .*solutions: name, description, solution, "
                                            r"language; prompt_response: text; code_contests: name, description, "
                                            r"solutions; messages: messages"):
        describe_files([tmp_path / "x.jsonl"], DATA["columns"], "auto")


@pytest.mark.parametrize("name", WRITERS)
def test_each_layout_trains_on_its_train_split_only_without_python2_or_held_out_problems(tmp_path, name):
    report, kept, rejected = run_filter(tmp_path, files_of(WRITERS[name](tmp_path / name)))
    reasons = sorted(rejected["reason"].to_pylist())
    if name == "messages":  # chat rows: no language label or code checks; split from the column
        assert kept["name"].to_pylist() == ["1A. Sum", "1A. Sum", "1B. Min"]
        assert reasons == ["held_out_problem", "held_out_problem", "other_split", "other_split"]
        return
    names = kept["name"].to_pylist()
    if name == "min_cols":  # no problem ids: the statement names the problem
        assert len(names) == 2 and all(n.startswith("statement-") for n in names)
    else:
        assert names == KEPT_NAMES
    expected = ["held_out_problem", "held_out_problem", "language", "python2", "python2"]
    assert reasons == sorted(expected + (["unparsed_text"] if name.endswith(("response", "cols")) else []))
    assert [m["content"] for m in kept["messages"].to_pylist()[0]][1].startswith("```python3\n")
    # Files of the held-out splits are read for their problems, never as training rows.
    for path, info in report["files"].items():
        assert info["trained_on"] == (info["split"] == "train")
        assert info["rows_read"] > 0 or info["split"] != "train"
        if info["split"] != "train":
            assert info["rows_read"] == 0
    assert report["held_out"] == {"splits": ["test", "valid"], "problems": 0 if name == "min_cols" else 2}
    held = [r["detail"] for r in rejected.to_pylist() if r["reason"] == "held_out_problem"]
    if name == "min_cols":
        assert all("of the statement's 10-grams are in test/valid statements" in d for d in held)
    else:
        assert any("'2B. Valid max' is in split valid" in d for d in held)  # by name
        assert any("100% of the statement's 10-grams" in d for d in held)  # the mirror, by statement


def test_code_contests_carries_tests_and_never_trains_on_incorrect_solutions(tmp_path):
    _, kept, _ = run_filter(tmp_path, files_of(write_code_contests(tmp_path / "cc")))
    tests = json.loads(kept["tests"].to_pylist()[0])
    assert tests["public_tests"] == {"input": ["1 2 3\n"], "output": ["6\n"]}
    assert tests["memory_limit_bytes"] == 256000000 and tests["time_limit"] == {"seconds": 2, "nanos": 0}
    assert not [s for s in kept["solution"].to_pylist() if s == "print(0)\n"]


def test_other_splits_can_be_trained_on_when_asked(tmp_path):
    _, kept, _ = run_filter(tmp_path, files_of(write_solutions(tmp_path / "s")), splits=["train", "valid"],
                            held_out_splits=["test"])
    assert "2B. Valid max" in kept["name"].to_pylist()


def test_rejected_rows_keep_a_bounded_excerpt(tmp_path):
    path = tmp_path / "a.jsonl"
    row = dict(zip(("name", "description", "language", "solution"), SOLUTION_ROWS[3][1:]))
    row["description"] += " padding" * 2000
    path.write_text(json.dumps(row) + "\n")
    _, _, rejected = run_filter(tmp_path, [path])
    excerpt = rejected["raw"].to_pylist()[0]
    limit = CONFIG["filter"]["rejected_excerpt_chars"]
    assert rejected["reason"].to_pylist() == ["language"]
    assert excerpt.startswith('{"name": "1A. Sum"') and len(excerpt) < limit + 40 and "more chars]" in excerpt


@pytest.mark.workflow
@pytest.mark.parametrize("name", WRITERS)
def test_each_layout_flows_through_the_data_stages_to_the_split(tmp_path, name):
    workdir = copy_workflow(tmp_path / "w")
    WRITERS[name](workdir / "raw")
    override = write_config_override(workdir, {"runs": {"smoke": {"data": {"raw": "raw"}, "train": {
        "data": {"train_batch_size": 1}}, "split": {"val_ratio": 0.3}}}})
    snakemake(workdir, "results/smoke/data/split_report.json", "--configfile", override)
    train = pq.read_table(workdir / "results/smoke/data/sft_train.parquet")
    val = pq.read_table(workdir / "results/smoke/data/sft_val.parquet")
    names = set(train["name"].to_pylist()) | set(val["name"].to_pylist())
    assert names.isdisjoint({"2B. Valid max", "3C. Test sum", "1A. Mirror"})
    assert train.num_rows + val.num_rows == (3 if name == "messages" else 2)
    report = json.loads((workdir / "results/smoke/data/filter_report.json").read_text())
    assert {info["layout"] for info in report["files"].values()} == {LAYOUT_OF.get(name, name)}
    # The code_contests layout carries its tests: its kept rows are executed against them (the other
    # layouts' problems are not in the smoke run's tests file: kept, unverified).
    verification = report["verification"]
    if name == "code_contests":
        assert verification["verdicts"]["accepted"] == verification["executed"] == 2
    elif name != "messages":
        assert verification["executed"] == 0 and verification["unverified"]["no_tests"] == 2
