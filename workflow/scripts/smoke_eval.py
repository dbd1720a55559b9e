"""Rule smoke_eval: does the exported checkpoint work, and did fine-tuning help or hurt?

For the base model and the fine-tuned export, with the same settings:
- validation loss and perplexity over sft_val.parquet on assistant tokens only, with the loss
  mask verl trains with (verl's own MultiTurnSFTDataset builds it);
- HumanEval functional correctness: each problem as a chat instruction, sampled (greedy by
  default), code extracted from the reply and run against the problem's tests in the sandbox;
  pass@k with the unbiased estimator.
Generation runs on vLLM when it is installed and a GPU is present, else on transformers."""

import importlib.util
import json
import logging
import math
import time
from pathlib import Path

import torch

from pipeline.common import cli
from pipeline.evaluation import humaneval, sandbox

log = logging.getLogger("pipeline")


def compute_device():
    return "cuda" if torch.cuda.is_available() else "cpu"


def generation_backend(setting):
    if setting != "auto":
        return setting
    if compute_device() == "cuda" and importlib.util.find_spec("vllm") is not None:
        return "vllm"
    return "transformers"


def load_model(model_dir):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    # bf16 on a GPU; fp32 on a CPU (where bf16 matmuls are slow). The same for both models.
    dtype = torch.bfloat16 if compute_device() == "cuda" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype).to(compute_device()).eval()
    return model, AutoTokenizer.from_pretrained(model_dir)


def validation_loss(model, tokenizer, val_files, max_length):
    """Mean NLL per assistant token over the validation rows, masked as verl masks its loss."""
    from omegaconf import OmegaConf
    from verl.utils.dataset.multiturn_sft_dataset import MultiTurnSFTDataset

    config = OmegaConf.create(
        {"max_length": max_length, "truncation": "right", "pad_mode": "no_padding", "messages_key": "messages"}
    )
    dataset = MultiTurnSFTDataset(parquet_files=str(val_files), tokenizer=tokenizer, config=config)
    total, tokens = 0.0, 0
    with torch.no_grad():
        for i in range(len(dataset)):
            row = dataset[i]
            ids = row["input_ids"].unsqueeze(0).to(model.device)
            logits = model(ids).logits[0, :-1].float()
            nll = torch.nn.functional.cross_entropy(logits, ids[0, 1:], reduction="none")
            mask = row["loss_mask"][1:].to(model.device).bool()  # a target token is trained on
            total += nll[mask].sum().item()
            tokens += int(mask.sum())
    loss = total / tokens
    return {"val_loss": loss, "perplexity": math.exp(loss), "val_rows": len(dataset), "val_tokens": tokens}


def generate_transformers(model, tokenizer, prompts, settings):
    """Replies to chat prompts, batched, left-padded; n samples per prompt."""
    tokenizer.padding_side = "left"
    sample = settings["temperature"] > 0
    replies = []
    for start in range(0, len(prompts), settings["batch_size"]):
        batch = tokenizer(prompts[start : start + settings["batch_size"]], return_tensors="pt", padding=True,
                          add_special_tokens=False).to(model.device)
        with torch.no_grad():
            out = model.generate(
                **batch, max_new_tokens=settings["max_new_tokens"], do_sample=sample,
                temperature=settings["temperature"] if sample else None, top_p=None, top_k=None,
                num_return_sequences=settings["samples_per_problem"], pad_token_id=tokenizer.pad_token_id,
            )
        new = out[:, batch["input_ids"].shape[1] :]
        replies += tokenizer.batch_decode(new, skip_special_tokens=True)
    return replies


def generate_vllm(model_dir, prompts, settings):
    from vllm import LLM, SamplingParams

    llm = LLM(model=str(model_dir), dtype="bfloat16", seed=0)
    params = SamplingParams(n=settings["samples_per_problem"], temperature=settings["temperature"],
                            max_tokens=settings["max_new_tokens"], seed=0)
    outputs = llm.generate(prompts, params)
    return [c.text for o in outputs for c in o.outputs]


def evaluate_model(label, model_dir, problems, settings, val_files, max_length, backend):
    started = time.time()
    model, tokenizer = load_model(model_dir)
    result = validation_loss(model, tokenizer, val_files, max_length)
    loss_seconds = time.time() - started
    prompts = [
        tokenizer.apply_chat_template(humaneval.build_messages(p), tokenize=False, add_generation_prompt=True)
        for p in problems.values()
    ]
    started = time.time()
    if backend == "vllm":
        del model
        torch.cuda.empty_cache()
        replies = generate_vllm(model_dir, prompts, settings)
    else:
        replies = generate_transformers(model, tokenizer, prompts, settings)
    generate_seconds = time.time() - started
    n = settings["samples_per_problem"]
    task_ids = [t for t in problems for _ in range(n)]
    codes = [humaneval.extract_code(r, problems[t]["entry_point"]) for t, r in zip(task_ids, replies)]
    started = time.time()
    limits = sandbox.Limits(timeout_s=settings["timeout_s"], cpu_s=int(settings["timeout_s"]),
                            memory_bytes=int(settings["memory_gb"] * 2**30))
    results = humaneval.evaluate(problems, list(zip(task_ids, codes)), limits)
    result.update(humaneval.pass_at_k(task_ids, [r.passed for r in results], settings["pass_at_k"]))
    result["problems"] = {
        t: sum(r.passed for tid, r in zip(task_ids, results) if tid == t) / n for t in problems
    }
    result["seconds"] = {"load_and_val_loss": round(loss_seconds, 1), "generate": round(generate_seconds, 1),
                         "execute": round(time.time() - started, 1)}
    samples = [
        {"model": label, "task_id": t, "prompt": p, "completion": r, "code": c, "result": res.status,
         "error": res.error, "message": res.message}
        for t, p, r, c, res in zip(task_ids, [x for x in prompts for _ in range(n)], replies, codes, results)
    ]
    return result, samples


def main(args):
    all_settings = json.loads(args.settings)
    settings, max_length = all_settings["eval"], all_settings["train"]["data"]["max_length"]
    if settings["samples_per_problem"] > 1 and settings["temperature"] == 0:
        raise cli.PipelineError("eval.samples_per_problem > 1 needs eval.temperature > 0 (greedy samples are equal)")
    problems = dict(list(humaneval.load_problems().items())[: settings["humaneval_problems"]])
    backend = generation_backend(settings["backend"])
    base_dir = json.load(open(args.base_manifest))["path"]
    report = {
        "backend": backend,
        "device": compute_device(),
        "decoding": {k: settings[k] for k in ("samples_per_problem", "temperature", "max_new_tokens")},
        "humaneval_problems": len(problems),
    }
    with open(args.samples, "w") as out:
        for label, model_dir in (("base", base_dir), ("finetuned", args.finetuned)):
            log.info("evaluating %s model %s on %d HumanEval problems (%s)", label, model_dir, len(problems), backend)
            result, samples = evaluate_model(label, Path(model_dir), problems, settings, args.val_files,
                                             max_length, backend)
            report[label] = result
            for s in samples:
                out.write(json.dumps(s) + "\n")
            log.info("%s: val loss %.4f (ppl %.2f), %s", label, result["val_loss"], result["perplexity"],
                     ", ".join(f"{k} {v:.3f}" for k, v in result.items() if k.startswith("pass@")))
    cli.write_json(args.report, report)


if __name__ == "__main__":
    p = cli.parser(__doc__)
    cli.inputs(p, "--base-manifest", required=True, help="the base model's manifest")
    cli.inputs(p, "--finetuned", required=True, help="the exported hf_model directory")
    cli.inputs(p, "--val-files", required=True)
    p.add_argument("--settings", required=True, help="JSON: {eval, train: {data: {max_length}}} (verl's truncation)")
    cli.outputs(p, "--report", "--samples", required=True)
    cli.run(main, p)
