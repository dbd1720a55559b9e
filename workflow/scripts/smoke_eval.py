"""Rule smoke_eval: does the exported checkpoint work, and did fine-tuning help or hurt?

For the base model and the fine-tuned export, with the same settings:
- validation loss and perplexity over sft_val.parquet on assistant tokens only, with the loss
  mask verl trains with (verl's own MultiTurnSFTDataset builds it);
- HumanEval functional correctness: each problem as a chat instruction, sampled (greedy by
  default), code extracted from the reply and run against the problem's tests in the sandbox;
  pass@k with the unbiased estimator;
- contest problems (eval.contests; pipeline/evaluation/contests.py): asked with the training
  instruction, each reply's code judged on all of its problem's tests by the filter's judge, pass@k
  per difficulty, source and split, and the problems that flipped between the two models. First,
  the problems' statements are checked against the training split; a leaked one stops the eval.
Generation runs on vLLM when it is installed and a GPU is present, else on transformers."""

import importlib.util
import json
import logging
import math
import time
from collections import Counter
from pathlib import Path

import torch

from pipeline.common import cli
from pipeline.evaluation import contests, humaneval, sandbox

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


def val_row_indices(rows, cap):
    """The validation rows the loss is computed on: all of them, or `cap` evenly spaced ones (the
    split keeps a problem's rows together, so a head of the file would cover a few problems)."""
    if cap is None or cap >= rows:
        return list(range(rows))
    return sorted({round(i * (rows - 1) / (cap - 1)) for i in range(cap)}) if cap > 1 else [0]


def validation_loss(model, tokenizer, val_files, max_length, cap=None):
    """Mean NLL per assistant token over the validation rows (or `cap` of them), masked as verl
    masks its loss."""
    from omegaconf import OmegaConf
    from verl.utils.dataset.multiturn_sft_dataset import MultiTurnSFTDataset

    config = OmegaConf.create(
        {"max_length": max_length, "truncation": "right", "pad_mode": "no_padding", "messages_key": "messages"}
    )
    dataset = MultiTurnSFTDataset(parquet_files=str(val_files), tokenizer=tokenizer, config=config)
    total, tokens = 0.0, 0
    chosen = val_row_indices(len(dataset), cap)
    with torch.no_grad():
        for i in chosen:
            row = dataset[i]
            ids = row["input_ids"].unsqueeze(0).to(model.device)
            logits = model(ids).logits[0, :-1].float()
            nll = torch.nn.functional.cross_entropy(logits, ids[0, 1:], reduction="none")
            mask = row["loss_mask"][1:].to(model.device).bool()  # a target token is trained on
            total += nll[mask].sum().item()
            tokens += int(mask.sum())
    loss = total / tokens
    return {"val_loss": loss, "perplexity": math.exp(loss), "val_rows": len(chosen), "val_tokens": tokens}


def generate_transformers(model, tokenizer, prompts, settings, **options):
    """Replies to chat prompts, samples_per_problem each, in prompt order. Prompts go batch_size at
    a time in order of length, longest first: a batch pads to its longest prompt, and the first
    batch shows at once whether memory suffices. A reply ends at EOS or at one of stop_strings; a
    batch ends when all of its replies have. options: more arguments of generate (the benchmark's)."""
    tokenizer.padding_side = "left"
    sample = settings["temperature"] > 0
    n = settings["samples_per_problem"]
    lengths = [len(ids) for ids in tokenizer(prompts, add_special_tokens=False)["input_ids"]]
    order = sorted(range(len(prompts)), key=lambda i: (-lengths[i], i))
    replies = [None] * len(prompts)
    for start in range(0, len(order), settings["batch_size"]):
        chosen = order[start : start + settings["batch_size"]]
        batch = tokenizer([prompts[i] for i in chosen], return_tensors="pt", padding=True,
                          add_special_tokens=False).to(model.device)
        with torch.no_grad():
            out = model.generate(
                **batch, max_new_tokens=settings["max_new_tokens"], do_sample=sample,
                temperature=settings["temperature"] if sample else None, top_p=None, top_k=None,
                num_return_sequences=n, pad_token_id=tokenizer.pad_token_id,
                stop_strings=settings["stop_strings"] or None, tokenizer=tokenizer, **options,
            )
        texts = tokenizer.batch_decode(out[:, batch["input_ids"].shape[1] :], skip_special_tokens=True)
        for j, i in enumerate(chosen):
            replies[i] = texts[j * n : (j + 1) * n]
    return [reply for group in replies for reply in group]


def generate_vllm(model_dir, prompts, settings):
    from vllm import LLM, SamplingParams

    llm = LLM(model=str(model_dir), dtype="bfloat16", seed=0)
    params = SamplingParams(n=settings["samples_per_problem"], temperature=settings["temperature"],
                            max_tokens=settings["max_new_tokens"], seed=0, stop=settings["stop_strings"],
                            include_stop_str_in_output=True)
    outputs = llm.generate(prompts, params)
    return [c.text for o in outputs for c in o.outputs]


def humaneval_samples(problems, prompts, replies, settings):
    """HumanEval's scores and per-sample records from the replies (samples_per_problem per prompt)."""
    n = settings["samples_per_problem"]
    task_ids = [t for t in problems for _ in range(n)]
    codes = [humaneval.extract_code(r, problems[t]["entry_point"]) for t, r in zip(task_ids, replies)]
    limits = sandbox.Limits(timeout_s=settings["timeout_s"], cpu_s=int(settings["timeout_s"]),
                            memory_bytes=int(settings["memory_gb"] * 2**30))
    results = humaneval.evaluate(problems, list(zip(task_ids, codes)), limits)
    scores = humaneval.pass_at_k(task_ids, [r.passed for r in results], settings["pass_at_k"])
    scores["problems"] = {t: sum(r.passed for tid, r in zip(task_ids, results) if tid == t) / n for t in problems}
    outcomes = [{"result": r.status, "error": r.error, "message": r.message} for r in results]
    asked = [x for x in prompts for _ in range(n)]
    return scores, sample_records("humaneval", task_ids, asked, replies, codes, outcomes)


def contest_samples(problems, prompts, replies, settings, verify, threads):
    """The contest problems' scores and per-sample records: each reply's code judged on all tests."""
    n = settings["samples_per_problem"]
    task_ids = [p.name for p in problems for _ in range(n)]
    codes = [contests.extract_code(r) for r in replies]
    verdicts = contests.judge(problems, list(zip(task_ids, codes)), verify, workers=threads)
    scores = contests.scores(problems, task_ids, verdicts, settings["pass_at_k"])
    outcomes = [{"result": v.verdict, "test": v.test, "error": v.error, "message": v.message} for v in verdicts]
    asked = [x for x in prompts for _ in range(n)]
    return scores, sample_records("contests", task_ids, asked, replies, codes, outcomes)


def sample_records(benchmark, task_ids, asked, replies, codes, outcomes):
    """samples.jsonl's records: per reply, its task, the prompt it answers, the reply, the code
    judged and the judge's outcome."""
    return [{"benchmark": benchmark, "task_id": t, "prompt": p, "completion": r, "code": c, **o}
            for t, p, r, c, o in zip(task_ids, asked, replies, codes, outcomes)]


def evaluate_model(label, model_dir, benchmarks, settings, args):
    """One model's validation loss and scores on each benchmark, and its samples. The prompts of
    all benchmarks are generated together: one sorted pass over them fills the batches best."""
    started = time.time()
    model, tokenizer = load_model(model_dir)
    result = validation_loss(model, tokenizer, args.val_files, settings["max_length"], settings["eval"]["val_rows"])
    loss_seconds = time.time() - started
    prompts = {name: [tokenizer.apply_chat_template(m, tokenize=False, add_generation_prompt=True) for m in messages]
               for name, (messages, _) in benchmarks.items()}
    everything = [p for name in benchmarks for p in prompts[name]]
    started = time.time()
    if settings["eval"]["backend"] == "vllm":
        del model
        torch.cuda.empty_cache()
        replies = generate_vllm(model_dir, everything, settings["eval"])
    else:
        replies = generate_transformers(model, tokenizer, everything, settings["eval"])
        del model  # before the next model loads: two 7B models need not fit at once
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    generate_seconds = time.time() - started
    started = time.time()
    samples, n, offset = [], settings["eval"]["samples_per_problem"], 0
    for name, (_, score) in benchmarks.items():
        mine = replies[offset : offset + n * len(prompts[name])]
        offset += len(mine)
        result[name], records = score(prompts[name], mine)
        samples += [{"model": label, **r} for r in records]
    result["seconds"] = {"load_and_val_loss": round(loss_seconds, 1), "generate": round(generate_seconds, 1),
                         "execute": round(time.time() - started, 1)}
    return result, samples


def contest_problems(args, settings):
    """The contest problems (eval.contests) and their leak check against the training split, or
    (None, None) when there are none."""
    chosen = settings["eval"]["contests"]
    paths = args.contest_files or []
    if args.contest_manifest:
        paths = [f["path"] for f in json.load(open(args.contest_manifest))["files"]]
    if not paths:
        return None, None
    problems, untested = contests.load_problems(paths, set(chosen["splits"]), chosen["tests"], chosen["problems"])
    decontaminate = settings["filter"]["decontaminate"]
    leaks = contests.leak_check(problems, contests.training_statements(args.train_files), decontaminate["ngram"],
                                decontaminate["statement_min_overlap"])
    log.info("contest problems: %d from %d file(s) (%d without tests left out); leak check: none of them in the "
             "%d training statements, %d share some %d-gram (boilerplate), the most covered %s at %.0f%%",
             len(problems), len(paths), untested, leaks["training_statements"], leaks["problems_sharing_an_ngram"],
             leaks["ngram"], leaks["max_coverage"]["problem"], 100 * leaks["max_coverage"]["coverage"])
    summary = {"source": chosen["source"], "files": len(paths), "problems": len(problems),
               "without_tests": untested, "tests": chosen["tests"],
               "by_split": dict(sorted(Counter(p.split for p in problems).items())), "leak_check": leaks}
    return problems, summary


def main(args):
    settings = json.loads(args.settings)
    settings["max_length"] = settings["train"]["data"]["max_length"]
    eval_settings = settings["eval"]
    if eval_settings["samples_per_problem"] > 1 and eval_settings["temperature"] == 0:
        raise cli.PipelineError("eval.samples_per_problem > 1 needs eval.temperature > 0 (greedy samples are equal)")
    eval_settings["backend"] = generation_backend(eval_settings["backend"])
    # Before any model loads: a leaked benchmark problem stops the eval here.
    problems, contest_summary = contest_problems(args, settings)
    humaneval_problems = dict(list(humaneval.load_problems().items())[: eval_settings["humaneval_problems"]])
    benchmarks = {"humaneval": ([humaneval.build_messages(p) for p in humaneval_problems.values()],
                                lambda prompts, replies: humaneval_samples(humaneval_problems, prompts, replies,
                                                                           eval_settings))}
    if problems:
        benchmarks["contests"] = (
            [contests.build_messages(p, settings["data"]["chat"]) for p in problems],
            lambda prompts, replies: contest_samples(problems, prompts, replies, eval_settings,
                                                     settings["filter"]["verify"], args.threads))
    base_dir = json.load(open(args.base_manifest))["path"]
    report = {
        "backend": eval_settings["backend"],
        "device": compute_device(),
        "decoding": {k: eval_settings[k] for k in ("samples_per_problem", "temperature", "max_new_tokens",
                                                    "stop_strings")},
        "humaneval_problems": len(humaneval_problems),
        "contests": contest_summary,
    }
    with open(args.samples, "w") as out:
        for label, model_dir in (("base", base_dir), ("finetuned", args.finetuned)):
            log.info("evaluating %s model %s on %s (%s)", label, model_dir,
                     ", ".join(f"{len(m)} {name} problems" for name, (m, _) in benchmarks.items()),
                     eval_settings["backend"])
            result, samples = evaluate_model(label, Path(model_dir), benchmarks, settings, args)
            report[label] = result
            for s in samples:
                out.write(json.dumps(s) + "\n")
            log.info("%s: val loss %.4f (ppl %.2f); %s", label, result["val_loss"], result["perplexity"], "; ".join(
                f"{name} " + ", ".join(f"{k} {v:.3f}" for k, v in result[name].items() if k.startswith("pass@"))
                for name in benchmarks))
    if problems:
        report["contests"]["flips"] = contests.flips(report["base"]["contests"]["problems"],
                                                     report["finetuned"]["contests"]["problems"])
    cli.write_json(args.report, report)


if __name__ == "__main__":
    p = cli.parser(__doc__)
    cli.inputs(p, "--base-manifest", required=True, help="the base model's manifest")
    cli.inputs(p, "--finetuned", required=True, help="the exported hf_model directory")
    cli.inputs(p, "--val-files", required=True)
    cli.inputs(p, "--train-files", required=True, help="the training split (the contest problems' leak check)")
    cli.inputs(p, "--contest-files", nargs="*", help="contest problems in code_contests' schema (eval.contests: local)")
    cli.inputs(p, "--contest-manifest", help="the fetched contest benchmark's manifest (eval.contests: hub)")
    p.add_argument("--settings", required=True,
                   help="JSON: {eval, data: {chat}, filter: {verify, decontaminate}, train: {data: {max_length}}}")
    p.add_argument("--threads", type=int, default=1, help="judge processes for the contest replies")
    cli.outputs(p, "--report", "--samples", required=True)
    cli.run(main, p)
