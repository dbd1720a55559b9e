"""Generation speed of the eval on a GPU with transformers (no vLLM): the eval rule's own
generate_transformers (workflow/scripts/smoke_eval.py) and variants of it, on a random-init model
of a real Qwen2.5-Coder shape. Random weights almost never emit EOS or a stop string, so every
reply runs to max_new_tokens: the worst case.

    python benchmarks/eval_generation.py --shape 7b --variants before_b16,sorted_b64,sorted_b128,sorted_all,static_b128,continuous
    python benchmarks/eval_generation.py --shape 7b --variants none --end-to-end
    python benchmarks/eval_generation.py --shape tiny --prompts 12 --max-new-tokens 8 --end-to-end   # CPU self-check

Prompts: HumanEval's 164 (the eval's own prompt) and --prompts - 164 contest prompts (the training
instruction around the sample's statements, cycled), chat template applied. A variant:
- before_bNN: the code before this benchmark: batches of NN in prompt order (no sorting); with
  --baseline-batches K only its first K batches run and the total is extrapolated (marked so);
- sorted_bNN / sorted_all: generate_transformers as the rule runs it (batches sorted by length);
- static_bNN: the same with a static KV cache (transformers compiles the decode step);
- nocudnn_bNN: sorted_bNN with torch's SDPA kernels other than cuDNN's (flash, memory-efficient,
  math): cuDNN builds an execution plan per new shape, and a decode step's key length is new
  each step;
- continuous: transformers' continuous batching (generate_batch, paged KV cache);
- profile_bNN: where one decode step's time goes, on the first (longest) batch of NN under
  torch.profiler: the step's wall time beside the GPU's kernel time and the top kernels, from the
  difference of two generations (8 and 8 + --profile-tokens new tokens), so the prefill drops out.
  Kernel time far below the wall time means the step waits on the CPU's launches.
Per variant: seconds, new tokens/s, decode steps, ms per step, and the weight-read bound: the
seconds one step takes to read every weight once at the card's memory bandwidth (--bandwidth-tbs),
as a share of the measured step.

--end-to-end runs the rule's script itself (smoke_eval.py: load, validation loss, generation,
sandbox execution; base and fine-tuned, here the same weights twice) on HumanEval + contest
problems made from the sample's held-out problems, and reports its wall time and its own timings.

Every invocation writes to a new --out directory; results.json there."""

import argparse
import contextlib
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "workflow" / "scripts"))
sys.path.insert(0, str(HERE))

import gpu_sft  # noqa: E402  (the shapes and the random-init model)
import yaml  # noqa: E402

from pipeline.evaluation import contests, humaneval  # noqa: E402

CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
SAMPLE_TESTS = ROOT / "resources" / "sample" / "code_contests"


def contest_statements():
    """The sample's problems (training and held-out) in code_contests' schema, in file order."""
    problems, _ = contests.load_problems(sorted(SAMPLE_TESTS.glob("*.jsonl")), {"train", "valid", "test"},
                                         ["public_tests", "private_tests"])
    return problems


def chat_prompts(tokenizer, n_prompts):
    """HumanEval's prompts, then contest prompts up to n_prompts in all."""
    messages = [humaneval.build_messages(p) for p in humaneval.load_problems().values()][:n_prompts]
    statements = contest_statements()
    for i in range(n_prompts - len(messages)):
        messages.append(contests.build_messages(statements[i % len(statements)], CONFIG["data"]["chat"]))
    return [tokenizer.apply_chat_template(m, tokenize=False, add_generation_prompt=True) for m in messages]


def generate_before(model, tokenizer, prompts, settings, max_batches):
    """The eval's generation before this benchmark: batch_size prompts at a time, in prompt order."""
    import torch

    tokenizer.padding_side = "left"
    replies, steps = [], 0
    for start in range(0, len(prompts), settings["batch_size"])[:max_batches]:
        batch = tokenizer(prompts[start : start + settings["batch_size"]], return_tensors="pt", padding=True,
                          add_special_tokens=False).to(model.device)
        with torch.no_grad():
            out = model.generate(**batch, max_new_tokens=settings["max_new_tokens"], do_sample=False,
                                 temperature=None, top_p=None, top_k=None, pad_token_id=tokenizer.pad_token_id)
        steps += out.shape[1] - batch["input_ids"].shape[1]
        replies += tokenizer.batch_decode(out[:, batch["input_ids"].shape[1] :], skip_special_tokens=True)
    return replies, steps


def generate_continuous(model, tokenizer, prompts, settings):
    from transformers import GenerationConfig

    ids = tokenizer(prompts, add_special_tokens=False)["input_ids"]
    config = GenerationConfig(max_new_tokens=settings["max_new_tokens"], do_sample=False,
                              eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    outputs = model.generate_batch(inputs=ids, generation_config=config, progress_bar=False)
    return [tokenizer.decode(o.generated_tokens, skip_special_tokens=True) for o in outputs.values()]


def run_variant(name, model, tokenizer, prompts, args):
    import torch

    import smoke_eval

    settings = dict(CONFIG["eval"], max_new_tokens=args.max_new_tokens)
    kind, _, size = name.partition("_")
    if size:
        settings["batch_size"] = len(prompts) if size == "all" else int(size.lstrip("b"))
    torch.cuda.synchronize() if torch.cuda.is_available() else None
    torch.cuda.reset_peak_memory_stats() if torch.cuda.is_available() else None
    started = time.perf_counter()
    extrapolated = None
    if kind == "before":
        batches = -(-len(prompts) // settings["batch_size"])
        ran = min(batches, args.baseline_batches or batches)
        replies, steps = generate_before(model, tokenizer, prompts, settings, ran)
        extrapolated = batches / ran if ran < batches else None
    elif kind == "profile":
        return profile_decode(model, tokenizer, prompts[: settings["batch_size"]], settings, args)
    elif kind == "continuous":
        replies = generate_continuous(model, tokenizer, prompts, settings)
        steps = None  # the scheduler decides how many sequences each step holds
    else:
        from torch.nn.attention import SDPBackend, sdpa_kernel

        options = {"cache_implementation": "static"} if kind == "static" else {}
        backends = sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH]) if (
            kind == "nocudnn") else contextlib.nullcontext()
        with backends:
            replies = smoke_eval.generate_transformers(model, tokenizer, prompts, settings, **options)
        steps = -(-len(prompts) // settings["batch_size"]) * settings["max_new_tokens"]
    torch.cuda.synchronize() if torch.cuda.is_available() else None
    seconds = time.perf_counter() - started
    new_tokens = sum(len(tokenizer(r, add_special_tokens=False)["input_ids"]) for r in replies)
    result = {"variant": name, "batch_size": settings["batch_size"], "prompts": len(replies),
              "seconds": round(seconds, 2), "new_tokens": new_tokens,
              "new_tokens_per_s": round(new_tokens / seconds, 1),
              "peak_gb": round(torch.cuda.max_memory_allocated() / 1e9, 1) if torch.cuda.is_available() else None}
    if extrapolated:
        result |= {"extrapolated_seconds": round(seconds * extrapolated, 1), "batches_run": ran}
    if steps:
        step_s = seconds / steps
        floor = weight_read_seconds(model, args)
        result |= {"decode_steps": steps, "ms_per_step": round(1e3 * step_s, 2),
                   "weight_read_ms": round(1e3 * floor, 2), "of_bandwidth_bound": round(floor / step_s, 3)}
    return result


def weight_read_seconds(model, args):
    """The decode step's floor: every weight read once at the card's memory bandwidth."""
    return sum(p.numel() * p.element_size() for p in model.parameters()) / (args.bandwidth_tbs * 1e12)


def profile_decode(model, tokenizer, prompts, settings, args):
    """One decode step's wall time and GPU kernel time, without the prefill: the difference of two
    profiled generations, of 8 and 8 + --profile-tokens new tokens, over the same batch."""
    import torch
    from torch.autograd import DeviceType
    from torch.profiler import ProfilerActivity, profile

    import smoke_eval

    cuda = torch.cuda.is_available()
    short, extra = 8, args.profile_tokens

    def run(new_tokens):
        torch.cuda.synchronize() if cuda else None
        started = time.perf_counter()
        with profile(activities=[ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])) as prof:
            smoke_eval.generate_transformers(model, tokenizer, prompts, dict(settings, max_new_tokens=new_tokens))
            torch.cuda.synchronize() if cuda else None
        kernels = {}
        for e in prof.key_averages():
            if e.device_type == DeviceType.CUDA:  # kernels and copies on the GPU, each counted once
                kernels[e.key] = kernels.get(e.key, 0) + e.self_device_time_total
        return time.perf_counter() - started, kernels

    run(short)  # warm-up
    wall_a, kernels_a = run(short)
    wall_b, kernels_b = run(short + extra)
    per_step = {k: (kernels_b[k] - kernels_a.get(k, 0)) / extra / 1e3 for k in kernels_b}
    return {"variant": f"profile_b{len(prompts)}", "decode_steps": extra,
            "wall_ms_per_step": round(1e3 * (wall_b - wall_a) / extra, 2),
            "gpu_kernel_ms_per_step": round(sum(per_step.values()), 2),
            "weight_read_ms": round(1e3 * weight_read_seconds(model, args), 2),
            "top_kernels": [{"kernel": k[:90], "ms_per_step": round(v, 2)}
                            for k, v in sorted(per_step.items(), key=lambda kv: -kv[1])[:12]]}


def end_to_end(model_dir, out, args):
    """The rule's script on HumanEval + contest problems, base and fine-tuned (the same weights)."""
    chosen = contest_statements()[-6:] if args.shape != "tiny" else contest_statements()[:2]
    n_contests = max(args.prompts - 164, 1)
    (out / "contests").mkdir()
    with open(out / "contests" / "valid.jsonl", "w") as f:
        for i in range(n_contests):
            p = chosen[i % len(chosen)]
            f.write(json.dumps({"name": f"{p.name} #{i}", "description": p.description, "difficulty": 7,
                                "source": 2, "public_tests": {"input": [t[0] for t in p.tests.tests],
                                                              "output": [t[1] for t in p.tests.tests]},
                                "time_limit": {"seconds": 2, "nanos": 0},
                                "memory_limit_bytes": 256 << 20}) + "\n")
    gpu_sft.write_split(model_dir, out / "split", n_train=256, n_val=32, seed=0)
    (out / "base.json").write_text(json.dumps({"path": str(model_dir)}))
    settings = {
        "eval": dict(CONFIG["eval"], max_new_tokens=args.max_new_tokens, humaneval_problems=min(args.prompts, 164),
                     **({"batch_size": args.batch_size} if args.batch_size else {})),
        "data": {"chat": CONFIG["data"]["chat"]}, "filter": {"verify": CONFIG["filter"]["verify"], "decontaminate": {
            k: CONFIG["filter"]["decontaminate"][k] for k in ("ngram", "statement_min_overlap")}},
        "train": {"data": {"max_length": CONFIG["train"]["data"]["max_length"]}},
    }
    command = [sys.executable, str(ROOT / "workflow" / "scripts" / "smoke_eval.py"),
               "--base-manifest", str(out / "base.json"), "--finetuned", str(model_dir),
               "--val-files", str(out / "split" / "val.parquet"), "--train-files", str(out / "split" / "train.parquet"),
               "--contest-files", str(out / "contests" / "valid.jsonl"), "--settings", json.dumps(settings),
               "--threads", str(os.cpu_count()), "--report", str(out / "eval.json"),
               "--samples", str(out / "samples.jsonl"), "--provenance", str(out / "provenance.json"),
               "--log", str(out / "eval.log")]
    started = time.perf_counter()
    code = subprocess.run(command).returncode
    seconds = time.perf_counter() - started
    if code:
        return {"variant": "end_to_end", "status": "FAILED", "exit": code,
                "log_tail": gpu_sft.log_excerpt(out / "eval.log")}
    report = json.loads((out / "eval.json").read_text())
    return {"variant": "end_to_end", "seconds": round(seconds, 1), "batch_size": settings["eval"]["batch_size"],
            "humaneval_problems": report["humaneval_problems"], "contest_problems": report["contests"]["problems"],
            "timings": {label: report[label]["seconds"] for label in ("base", "finetuned")}}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shape", choices=sorted(gpu_sft.SHAPES), default="7b")
    p.add_argument("--variants", default="sorted_all", help="comma-separated; 'none' for none")
    p.add_argument("--prompts", type=int, default=164 + 282)
    p.add_argument("--max-new-tokens", type=int, default=512)
    p.add_argument("--profile-tokens", type=int, default=32, help="profile_bNN: decode steps profiled")
    p.add_argument("--baseline-batches", type=int, default=3, help="before_bNN: batches run (0: all)")
    p.add_argument("--batch-size", type=int, help="--end-to-end: eval.batch_size (default: the config's)")
    p.add_argument("--bandwidth-tbs", type=float, default=4.8, help="the card's memory bandwidth (H200: 4.8)")
    p.add_argument("--end-to-end", action="store_true")
    p.add_argument("--out", type=Path)
    args = p.parse_args()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or ROOT / "results" / "benchmarks" / f"{stamp}-eval-{args.shape}"
    out.mkdir(parents=True)
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    started = time.perf_counter()
    gpu_sft.build_model(args.shape, out / "model")
    built = time.perf_counter() - started
    results = {"shape": args.shape, "prompts": args.prompts, "max_new_tokens": args.max_new_tokens,
               "device": torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu",
               "build_and_save_s": round(built, 1), "variants": []}
    variants = [v for v in args.variants.split(",") if v and v != "none"]
    if variants:
        dtype = torch.bfloat16 if torch.cuda.is_available() else torch.float32
        device = "cuda" if torch.cuda.is_available() else "cpu"
        model = AutoModelForCausalLM.from_pretrained(out / "model", dtype=dtype).to(device).eval()
        tokenizer = AutoTokenizer.from_pretrained(out / "model")
        prompts = chat_prompts(tokenizer, args.prompts)
        lengths = [len(x) for x in tokenizer(prompts, add_special_tokens=False)["input_ids"]]
        results["prompt_tokens"] = {"min": min(lengths), "median": sorted(lengths)[len(lengths) // 2],
                                    "max": max(lengths)}
        for name in variants:
            try:
                result = run_variant(name, model, tokenizer, prompts, args)
            except Exception as e:  # a lever that does not work here is a result too
                result = {"variant": name, "status": "FAILED", "why": f"{type(e).__name__}: {e}"[:2000]}
            print(json.dumps(result), flush=True)
            results["variants"].append(result)
            (out / "results.json").write_text(json.dumps(results, indent=1))
        del model
        torch.cuda.empty_cache() if torch.cuda.is_available() else None
    if args.end_to_end:
        result = end_to_end(out / "model", out, args)
        print(json.dumps(result), flush=True)
        results["variants"].append(result)
    (out / "results.json").write_text(json.dumps(results, indent=1))
    print(f"results: {out / 'results.json'}")


if __name__ == "__main__":
    main()
