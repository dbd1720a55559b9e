import functools
import json
import random
import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from conftest import ROOT, snakemake, write_config_override

import filter_rows
from pipeline.common.cli import PipelineError
from pipeline.data import layouts
from pipeline.data.raw_bee import describe_files, iter_chunks, normalise_language

CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
COLUMNS = CONFIG["data"]["columns"]
CHAT = CONFIG["data"]["chat"]
FILTER = CONFIG["filter"]
DATA = {k: CONFIG["data"][k] for k in ("columns", "chat", "layout", "splits", "held_out_splits")}


def row(**fields):
    base = {
        "name": "1A. Sum",
        "description": "Given two integers a and b, print their sum.\n\nInput: one line with a and b.",
        "solution": "a, b = map(int, input().split())\nprint(a + b)\n",
        "language": "PYTHON3",
    }
    base.update(fields)
    return base


def reason_of(fields, f=FILTER):
    try:
        filter_rows.solution_row(layouts.record("solutions", fields, COLUMNS), f, CHAT)
    except filter_rows.Rejected as r:
        return r.reason
    return None


@pytest.mark.parametrize(
    "fields, reason",
    [
        (row(), None),
        (row(solution=42), "broken_type"),
        (row(description=["a", "b"]), "broken_type"),
        (row(name=None), "broken_type"),
        (row(difficulty={"level": 3}), "broken_type"),
        (row(solution="   \n\t"), "empty"),
        (row(description=""), "empty"),
        (row(description="Caf\u00c3\u00a9 problem statement with enough characters to pass."), "invalid_text"),
        (row(solution="print(1)\x00  # a NUL byte in code"), "invalid_text"),
        (row(solution="print('\ufffd replacement char')"), "invalid_text"),
        (row(language="C++"), "language"),
        (row(language="java"), "language"),
        (row(solution="pass"), "too_short"),
        (row(solution="x = 1\n" * 20000), "too_long"),
        (row(solution="print 'hello world from python 2'"), "python2"),
        (row(language="PYTHON", solution="n = int(input())\nprint(n * 2)\n"), "python2"),
        (row(solution="n = int(raw_input())\nprint(n * 2)\n"), "python2"),
        (row(solution="for i in xrange(3):\n    print(i)\n"), "python2"),
        (row(solution="d = {1: 2}\nfor k, v in d.iteritems():\n    print(k)\n"), "python2"),
        (row(solution="def raw_input():\n    return '1'\nprint(int(raw_input()))\n"), None),
        (row(solution="def f(:\n    return 1\n# more text here"), "syntax_error"),
    ],
)
def test_each_row_gets_the_reason_that_applies(fields, reason):
    assert reason_of(fields) == reason


def test_filters_can_be_switched_off():
    f = json.loads(json.dumps(FILTER))
    f.update(languages=[], python_syntax=False)
    assert reason_of(row(language="C++"), f) is None
    assert reason_of(row(solution="print 'python 2 code here'"), f) is None


def test_language_spellings_normalise():
    for spelling in ("PYTHON3", "Python 3", "python3", " pypy3 ", "py"):
        assert normalise_language(spelling) == "python3"
    for spelling in ("PYTHON", "python2", "Python 2", "PyPy 2"):  # code_contests' PYTHON is Python 2
        assert normalise_language(spelling) == "python2"
    assert normalise_language("GNU C++17") == "cpp"


def test_conversion_to_chat_uses_the_templates():
    chat = dict(CHAT, system_prompt="You solve problems.")
    out = filter_rows.solution_row(layouts.record("solutions", row(), COLUMNS), FILTER, chat)
    roles = [m["role"] for m in out["messages"]]
    assert roles == ["system", "user", "assistant"]
    assert "Given two integers a and b" in out["messages"][1]["content"]
    assert out["messages"][2]["content"].startswith("```python3\na, b = map(int")
    assert out["messages"][2]["content"].endswith("print(a + b)\n```")


def test_whitespace_variants_are_the_same_text():
    a = "def f():\n    return 1\n"
    b = "\r\n\r\ndef f():  \r\n\r\n    return 1\t\r\n\r\n"
    assert filter_rows.normalise_text(a) == filter_rows.normalise_text(b)


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_missing_column_stops_before_work_and_names_file_and_column(tmp_path):
    good = write_jsonl(tmp_path / "a.jsonl", [row()])
    bad = write_jsonl(tmp_path / "b.jsonl", [{"name": "x", "statement": "y", "solution": "z", "language": "py"}])
    with pytest.raises(PipelineError, match=r"b\.jsonl: its columns \['language', 'name', 'solution', 'statement'\] "
                                            r"fit no layout \(data.layout solutions needs \['description'\]\)"):
        describe_files([good, bad], COLUMNS, "solutions")
    with pytest.raises(PipelineError, match=r"b\.jsonl: .* fit no layout\. The layouts .* solutions: name, description, "
                                            r"solution, language; prompt_response: text"):
        describe_files([good, bad], COLUMNS, "auto")


def test_unreadable_files_are_named(tmp_path):
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not a parquet file at all")
    with pytest.raises(PipelineError, match="broken.parquet: cannot be read"):
        describe_files([broken], COLUMNS, "auto")
    not_json = tmp_path / "x.jsonl"
    not_json.write_text("{oops\n")
    with pytest.raises(PipelineError, match=r"x.jsonl:1: not JSONL"):
        describe_files([not_json], COLUMNS, "auto")


def run_filter(tmp_path, paths, f=FILTER, columns=COLUMNS, **data):
    with (
        pq.ParquetWriter(tmp_path / "kept.parquet", filter_rows.KEPT_SCHEMA) as kept,
        pq.ParquetWriter(tmp_path / "rejected.parquet", filter_rows.REJECTED_SCHEMA) as rejected,
    ):
        report = filter_rows.filter_rows(paths, dict(DATA, columns=columns, **data), f, kept, rejected, workers=2)
    return report, pq.read_table(tmp_path / "kept.parquet"), pq.read_table(tmp_path / "rejected.parquet")


def test_parquet_jsonl_and_mapped_columns(tmp_path):
    pq.write_table(
        pa.Table.from_pylist([{"problem": "P1", "text": row()["description"], "code": row()["solution"], "lang": "py"}]),
        tmp_path / "a.parquet",
    )
    columns = dict(COLUMNS, name="problem", description="text", solution="code", language="lang")
    report, kept, _ = run_filter(tmp_path, [tmp_path / "a.parquet"], columns=columns)
    assert report["kept"] == 1 and kept["name"].to_pylist() == ["P1"]


def test_malformed_lines_are_rejected_not_fatal(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(row()) + "\n{truncated line\n" + json.dumps(row(name="2B")) + "\n")
    report, kept, rejected = run_filter(tmp_path, [path])
    assert report["in"] == 3 and report["kept"] == 1  # the second good row duplicates the first
    assert sorted(rejected["reason"].to_pylist()) == ["duplicate", "malformed_row"]
    assert rejected.filter(pa.compute.equal(rejected["reason"], "malformed_row"))["line"].to_pylist() == [2]


def test_extra_benchmark_files_decontaminate(tmp_path):
    bench = write_jsonl(tmp_path / "bench.jsonl", [{"question": "a, b = map(int, input().split())\nprint(a + b)\n"}])
    f = json.loads(json.dumps(FILTER))
    f["decontaminate"].update(ngram=5, humaneval=False, benchmarks=[str(bench)])
    report, _, rejected = run_filter(tmp_path, [write_jsonl(tmp_path / "a.jsonl", [row()])], f=f)
    assert report["kept"] == 0 and rejected["reason"].to_pylist() == ["contaminated"]


def test_statement_benchmarks_reject_their_problems_not_their_boilerplate(tmp_path):
    """APPS (a statement benchmark): a training row whose statement is mostly an APPS statement is
    contaminated and counted for apps; a row sharing only a line of contest boilerplate with it is not."""
    boilerplate = "The first line contains a single integer t (1 <= t <= 10^4) — the number of test cases."
    story = ("Polycarp has a garden of n tulips planted in a row, and each morning he waters the tallest tulip "
             "that has not been watered yet, then sits down to count how many petals have fallen overnight.")
    question = f"{story} {boilerplate} Print the number of mornings until every tulip is watered."
    apps = tmp_path / "apps" / "test.jsonl"
    apps.parent.mkdir()
    apps.write_text(json.dumps({"problem_id": 7, "question": question, "solutions": "", "starter_code": "",
                                "input_output": ""}) + "\n")
    manifest = tmp_path / "apps.json"
    manifest.write_text(json.dumps({"benchmark": "apps", "layout": "apps", "files": [{"path": str(apps)}]}))
    copied = row(name="9Z. Tulips", description=question.replace("Polycarp", "Monocarp"))
    other = row(name="9Y. Roses", description=f"Roses bloom in spring and the gardener sells them at dawn. {boilerplate}",
                solution="t = int(input())\nprint(t)\n")
    with (
        pq.ParquetWriter(tmp_path / "kept.parquet", filter_rows.KEPT_SCHEMA) as kept,
        pq.ParquetWriter(tmp_path / "rejected.parquet", filter_rows.REJECTED_SCHEMA) as rejected,
    ):
        report = filter_rows.filter_rows([write_jsonl(tmp_path / "a.jsonl", [copied, other])],
                                         dict(DATA, columns=COLUMNS), FILTER, kept, rejected, workers=1,
                                         benchmark_manifests=[manifest])
    rejected = pq.read_table(tmp_path / "rejected.parquet").to_pylist()
    assert [(r["line"], r["reason"]) for r in rejected] == [(1, "contaminated")]
    assert "apps statements" in rejected[0]["detail"]
    assert report["contaminated_by"] == {"humaneval": 0, "apps": 1} and report["kept"] == 1


def test_sample_rejections_are_exactly_the_expected_ones(smoke_workdir, expected_rejections):
    rejected = pq.read_table(smoke_workdir / "results/smoke/data/rejected.parquet").to_pylist()
    got = {str(r["line"] - 1): r["reason"] for r in rejected if r["file"].endswith("problems.jsonl")}
    assert got == expected_rejections["rejections"]
    assert not [r for r in rejected if not r["file"].endswith("problems.jsonl")]  # chat rows are clean
    report = json.loads((smoke_workdir / "results/smoke/data/filter_report.json").read_text())
    assert report["kept"] == report["in"] - len(expected_rejections["rejections"])
    humaneval_row = [r for r in rejected if r["reason"] == "contaminated"]
    assert len(humaneval_row) == 1 and "10-gram" in humaneval_row[0]["detail"]
    assert humaneval_row[0]["detail"].endswith("with humaneval") and report["contaminated_by"] == {"humaneval": 1}


def test_sample_near_duplicates_name_the_row_kept(smoke_workdir, expected_rejections):
    rejected = pq.read_table(smoke_workdir / "results/smoke/data/rejected.parquet").to_pylist()
    near = {str(r["line"] - 1): r["detail"] for r in rejected if r["reason"] == "near_duplicate"}
    assert sorted(near) == sorted(expected_rejections["near_duplicate_of"])
    for line, kept in expected_rejections["near_duplicate_of"].items():
        assert f"problems.jsonl:{kept + 1})" in near[line]


def test_sample_execution_check_and_its_calibration(smoke_workdir, expected_rejections):
    """Every execution reason appears, with the failing test; the row without tests is kept and
    counted unverified; every incorrect Python 3 solution fails; the mirrored pair is one group."""
    report = json.loads((smoke_workdir / "results/smoke/data/filter_report.json").read_text())
    v = report["verification"]
    expected = {reason: sum(r == reason for r in expected_rejections["rejections"].values())
                for reason in ("wrong_answer", "timeout", "runtime_error", "memory_limit", "near_duplicate")}
    assert {reason: report["rejected"][reason] for reason in expected} == expected
    assert all(expected.values())
    assert v["verdicts"]["accepted"] == v["executed"] - sum(expected.values()) + expected["near_duplicate"]
    assert v["unverified"] == {"no_tests": len(expected_rejections["unverified_rows"]), "other_language": 0,
                               "chat_rows": expected_rejections["totals"]["chat_rows"]}
    kept = pq.read_table(smoke_workdir / "results/smoke/data/filtered.parquet", columns=["line", "file", "name", "group"])
    mirrored = expected_rejections["mirrored_problems"][0]
    assert len({g for n, g in zip(kept["name"].to_pylist(), kept["group"].to_pylist()) if n in mirrored}) == 1
    lines = {line - 1 for line, f in zip(kept["line"].to_pylist(), kept["file"].to_pylist()) if f.endswith("problems.jsonl")}
    assert set(expected_rejections["unverified_rows"]) <= lines
    calibration = v["calibration"]
    assert calibration["incorrect_executed"] == expected_rejections["tests_file"]["incorrect_solutions"]["python3"]
    assert calibration["incorrect_fail_rate"] == 1.0 and calibration["incorrect_verdicts"]["accepted"] == 0
    assert report["near_duplicates"]["mirrored_problem_groups"] == [sorted(expected_rejections["mirrored_problems"][0])]
    rejected = pq.read_table(smoke_workdir / "results/smoke/data/rejected.parquet").to_pylist()
    assert all(" on test " in r["detail"] for r in rejected if r["reason"] in expected and r["reason"] != "near_duplicate")


def test_filtered_rows_are_chat_that_verl_reads(smoke_workdir):
    table = pq.read_table(smoke_workdir / "results/smoke/data/filtered.parquet")
    for messages in table["messages"].to_pylist():
        assert [m["role"] for m in messages][-1] == "assistant"
        assert all(set(m) == {"role", "content"} and m["content"] for m in messages)


def test_invalid_text_is_found_where_one_alternation_finds_it():
    one_pattern = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ud800-\udfff]|Ã[\u0080-\u00bf]|â€")
    rng = random.Random(0)
    alphabet = "ab \n\tÃâ€\x80\xa9\xbf\xc0\x00\x1b\r\ufffd\ud800é™"
    for _ in range(20000):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 10)))
        want, got = one_pattern.search(text), filter_rows.first_invalid_text(text)
        assert (got.start(), got.group()) == (want.start(), want.group()) if want else got is None, text


def test_results_do_not_depend_on_how_rows_are_chunked(tmp_path, monkeypatch):
    """The checks run on chunks in worker processes; duplicates are found across chunks, the
    first copy wins, and every output is the same as when all rows are in one chunk."""
    bench = write_jsonl(tmp_path / "bench.jsonl", [{"question": "# frobnicate the wibble with quux"}])
    f = json.loads(json.dumps(FILTER))
    f["decontaminate"].update(ngram=4, humaneval=False, benchmarks=[str(bench)])
    records = [
        row(name=f"P{i}", solution=f"a, b = map(int, input().split())\nprint(a + b + {i})\n") for i in range(10)
    ]
    records[3] = row(name="P1 again", solution=records[1]["solution"].replace("\n", "  \r\n"))
    records[5]["solution"] += "# frobnicate the wibble with quux\n"
    records[7] = dict(records[2], language="py")
    records[8] = row(solution="print 'python 2'")
    records[9] = dict(records[1])
    lines = [json.dumps(r) for r in records]
    lines.insert(6, "{not json")
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines) + "\n")

    one_chunk = run_filter(tmp_path, [path], f=f)
    monkeypatch.setattr(filter_rows, "iter_chunks", functools.partial(iter_chunks, chunk_rows=3))
    small_chunks = run_filter(tmp_path, [path], f=f)
    for a, b in zip(one_chunk[1:], small_chunks[1:]):
        assert a.to_pylist() == b.to_pylist()
    assert one_chunk[0] == small_chunks[0]
    report, kept, rejected = small_chunks
    assert report["in"] == 11 and report["kept"] == 5
    assert kept["name"].to_pylist() == ["P0", "P1", "P2", "P4", "P6"]
    assert list(zip(rejected["line"].to_pylist(), rejected["reason"].to_pylist())) == [
        (4, "duplicate"), (6, "contaminated"), (7, "malformed_row"), (9, "duplicate"), (10, "python2"),
        (11, "duplicate"),
    ]


@pytest.mark.workflow
def test_a_rerun_with_another_setting_executes_nothing_already_executed(smoke_workdir, tmp_path):
    """calibration_per_problem changes the execution shards' settings, so Snakemake reruns them; every
    verdict they need is in the cache the first run left (a folder no rule owns), so none executes
    again, and the filter's outputs are the same but for the calibration counts."""
    workdir = Path(shutil.copytree(smoke_workdir, tmp_path / "w", symlinks=True))
    report = "results/smoke/data/filter_report.json"
    before = json.loads((workdir / report).read_text())
    override = write_config_override(workdir, {"runs": {"smoke": {"filter": {"verify": {"calibration_per_problem": 1}}}}})
    snakemake(workdir, report, "--configfile", override)
    shards = [json.loads(p.read_text()) for p in sorted((workdir / "results/smoke/filter/executions").glob("*.json"))]
    assert [s["executed"] for s in shards] == [0, 0] and sum(s["cached"] for s in shards) > 200
    after = json.loads((workdir / report).read_text())
    assert after["verification"]["calibration"]["incorrect_executed"] < before["verification"]["calibration"][
        "incorrect_executed"]
    assert after["rejected"] == before["rejected"] and after["verification"]["verdicts"] == before["verification"][
        "verdicts"]
    kept = "results/smoke/data/filtered.parquet"
    assert (workdir / kept).read_bytes() == (smoke_workdir / kept).read_bytes()
