"""The smoke eval stage and the run summary, on the smoke run's outputs."""

import json

import pyarrow.parquet as pq
import pytest
from conftest import snakemake

import smoke_eval
from pipeline.evaluation import humaneval


def test_eval_report_has_base_and_finetuned_side_by_side(smoke_workdir):
    report = json.loads((smoke_workdir / "results/smoke/eval/smoke.json").read_text())
    assert report["backend"] == "transformers" and report["device"] == "cpu"  # no GPU, no vLLM here
    assert report["decoding"] == {"samples_per_problem": 1, "temperature": 0.0, "max_new_tokens": 64}
    problems = list(humaneval.load_problems())[:8]
    for label in ("base", "finetuned"):
        result = report[label]
        assert list(result["problems"]) == problems
        assert result["pass@1"] == sum(result["problems"].values()) / 8
        assert result["perplexity"] == pytest.approx(2.718281828 ** result["val_loss"], rel=1e-6)
    samples = [json.loads(x) for x in (smoke_workdir / "results/smoke/eval/samples.jsonl").read_text().splitlines()]
    assert [(s["model"], s["task_id"]) for s in samples] == [(m, t) for m in ("base", "finetuned") for t in problems]
    for s in samples:
        assert s["result"] in ("passed", "failed", "timed out")
        assert s["prompt"].endswith("<|im_start|>assistant\n")
        assert s["result"] == "passed" or s["error"]  # every failure is classified


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
    assert "passed</span>: max weight diff 0" in summary
    assert "<h2>Execution check, decontamination, near-duplicates" in summary
    # The pictures a person looks at, embedded: rejections by reason, token lengths, training curves.
    for alt in ("rejected rows by reason", "token-length histogram with the max_length line", "training curves"):
        assert f'<img alt="{alt}" style="max-width:100%" src="data:image/png;base64,' in summary
