"""The smoke eval stage and the run summary, on the smoke run's outputs."""

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from conftest import snakemake

import smoke_eval
from pipeline.evaluation import contests, humaneval, sandbox

SAMPLE_TESTS = Path(__file__).resolve().parents[1] / "resources" / "sample" / "code_contests"


def test_eval_report_has_base_and_finetuned_side_by_side(smoke_workdir):
    report = json.loads((smoke_workdir / "results/smoke/eval/smoke.json").read_text())
    assert report["backend"] == "transformers" and report["device"] == "cpu"  # no GPU, no vLLM here
    assert report["decoding"] == {"samples_per_problem": 1, "temperature": 0.0, "max_new_tokens": 64,
                                  "stop_strings": ["\n```\n"]}
    problems = list(humaneval.load_problems())[:8]
    held_out = contests.load_problems(sorted(SAMPLE_TESTS.glob("*.jsonl")), {"valid", "test"},
                                      ["public_tests", "private_tests", "generated_tests"])[0]
    for label in ("base", "finetuned"):
        result = report[label]
        assert list(result["humaneval"]["problems"]) == problems
        assert result["humaneval"]["pass@1"] == sum(result["humaneval"]["problems"].values()) / 8
        assert result["perplexity"] == pytest.approx(2.718281828 ** result["val_loss"], rel=1e-6)
        scored = result["contests"]
        assert sorted(scored["problems"]) == sorted(p.name for p in held_out)  # the report's keys are sorted
        assert scored["pass@1"] == sum(scored["problems"].values()) / len(held_out)
        assert scored["by_split"].keys() == {"valid", "test"} and sum(scored["verdicts"].values()) == len(held_out)
        assert {g: sum(v["problems"] for v in scored[f"by_{g}"].values()) for g in ("difficulty", "source")} == {
            "difficulty": 6, "source": 6}
    summary = report["contests"]
    assert (summary["source"], summary["problems"], summary["by_split"]) == ("local", 6, {"test": 3, "valid": 3})
    assert summary["leak_check"]["leaked"] == 0 and summary["leak_check"]["max_coverage"]["coverage"] < 0.5
    gained, lost = summary["flips"]["gained"], summary["flips"]["lost"]
    assert not set(gained) & set(lost) and set(gained) | set(lost) <= {p.name for p in held_out}
    samples = [json.loads(x) for x in (smoke_workdir / "results/smoke/eval/samples.jsonl").read_text().splitlines()]
    assert [(s["model"], s["benchmark"], s["task_id"]) for s in samples] == [
        (m, b, t) for m in ("base", "finetuned")
        for b, tasks in (("humaneval", problems), ("contests", [p.name for p in held_out])) for t in tasks]
    # The training instruction's words before the statement, as the training rows have them.
    lead = yaml.safe_load((smoke_workdir / "config/config.yaml").read_text())["data"]["chat"]["instruction"]
    lead = lead.split("{description}")[0]
    train = pq.read_table(smoke_workdir / "results/smoke/data/sft_train.parquet")["messages"].to_pylist()
    assert sum(m["content"].startswith(lead) for row in train for m in row if m["role"] == "user") > 100
    for s in samples:
        assert s["prompt"].endswith("<|im_start|>assistant\n")
        if s["benchmark"] == "humaneval":
            assert s["result"] in ("passed", "failed", "timed out")
            assert s["result"] == "passed" or s["error"]  # every failure is classified
        else:  # asked as training asks: the same instruction before the statement
            assert s["prompt"].split("<|im_start|>user\n")[1].startswith(lead)
            assert s["result"] in sandbox.VERDICTS and (s["result"] == "accepted" or s["test"] >= 0)


def test_val_loss_covers_exactly_the_assistant_tokens(smoke_workdir):
    """verl trains on each assistant turn's content and its end-of-turn tokens, nothing else."""
    report = json.loads((smoke_workdir / "results/smoke/eval/smoke.json").read_text())
    model_dir = smoke_workdir / "results/smoke/hf_model"
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    val = pq.read_table(smoke_workdir / "results/smoke/data/sft_val.parquet")["messages"].to_pylist()
    expected = sum(
        len(tokenizer(m["content"] + "<|im_end|>\n", add_special_tokens=False)["input_ids"])
        for messages in val
        for m in messages
        if m["role"] == "assistant"
    )
    assert report["finetuned"]["val_tokens"] == report["base"]["val_tokens"] == expected
    done = json.loads((smoke_workdir / "results/smoke/train/done.json").read_text())
    # Same data and mask as verl's final validation; the export is bf16 and verl averages per batch.
    assert report["finetuned"]["val_loss"] == pytest.approx(done["val_loss"], abs=0.01)


def test_backend_without_a_gpu_is_transformers():
    assert smoke_eval.generation_backend("auto") == "transformers"
    assert smoke_eval.generation_backend("vllm") == "vllm"


def test_report_gathers_every_run_page(smoke_workdir):
    snakemake(smoke_workdir, "--report", "results/report.html")
    html = (smoke_workdir / "results/report.html").read_text()
    for name in ("summary.html", "length_hist.png", "curves.png"):
        assert name in html
    summary = (smoke_workdir / "results/smoke/summary.html").read_text()
    for heading in ("Filter", "Token lengths", "Split", "Training", "Export", "Eval: base vs fine-tuned"):
        assert f"<h2>{heading}" in summary
    # Both benchmarks beside the validation loss, the contest groups and flips, replies to read.
    for row in ("<td>val_loss</td>", "<td>HumanEval pass@1</td>", "<td>contest problems pass@1</td>",
                "<td>difficulty: A</td>", "<td>split: valid</td>"):
        assert row in summary
    assert "<h3>Contest problems</h3>" in summary and "Leak check: no problem" in summary
    assert summary.count("<b>HumanEval, HumanEval/") == 4 and summary.count("<b>contest problems, ") == 4
    assert "passed</span>: max weight diff 0" in summary
    assert "<h2>Execution check, decontamination, near-duplicates" in summary
    # The pictures a person looks at, embedded: rejections by reason, token lengths, training curves.
    for alt in ("rejected rows by reason", "token-length histogram with the max_length line", "training curves"):
        assert f'<img alt="{alt}" style="max-width:100%" src="data:image/png;base64,' in summary


def test_the_validation_rows_of_a_capped_loss_spread_over_the_split():
    assert smoke_eval.val_row_indices(5, None) == smoke_eval.val_row_indices(5, 9) == [0, 1, 2, 3, 4]
    assert smoke_eval.val_row_indices(10, 4) == [0, 3, 6, 9]
    assert smoke_eval.val_row_indices(20_000, 1000)[-1] == 19_999 and len(smoke_eval.val_row_indices(20_000, 1000)) == 1000
    assert smoke_eval.val_row_indices(7, 1) == [0]
