"""Training throughput of verl's SFT step on a GPU machine, seed settings vs the pipeline's.

Builds a random-init model of a real Qwen2.5-Coder shape on the GPU (no weights can be
downloaded there; throughput does not depend on weight values), generates chat data with a
long-tailed length distribution (median ~900 tokens, 99% <= 4096), and runs each variant through
the same launch code and verl entry point as the pipeline's train rule. Prints tokens/s/GPU (the
first WARMUP steps skipped), MFU (verl's own counter), peak memory, the speed-up over the first
variant, and the per-step losses of each variant against the first (same weights, same batches).

    python benchmarks/gpu_sft.py --shape 1.5b --gpus 1 --variants seed,pipeline --steps 12 --out results/bench

"seed" is config/seed_engine.yaml over the main run's settings (the seed document's engine: fixed
micro-batches of 2, gradient checkpointing, verl's default loss and attention); "pipeline" is the
main run's settings as they are.
"""

import argparse
import json
import math
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow" / "scripts"))

import yaml  # noqa: E402

import build_tiny_model  # noqa: E402
import token_lengths  # noqa: E402
import train_sft  # noqa: E402
import verl_launch  # noqa: E402

SHAPES = {  # published configs of Qwen2.5-Coder; "tiny" checks this script on a CPU
    "tiny": dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                 num_key_value_heads=2, vocab_size=151936, tie_word_embeddings=True),
    "1.5b": dict(hidden_size=1536, intermediate_size=8960, num_hidden_layers=28, num_attention_heads=12,
                 num_key_value_heads=2, vocab_size=151936, tie_word_embeddings=True),
    "7b": dict(hidden_size=3584, intermediate_size=18944, num_hidden_layers=28, num_attention_heads=28,
               num_key_value_heads=4, vocab_size=152064, tie_word_embeddings=False),
}
WARMUP = 2


def pipeline_train(gpus, batch):
    """The main run's train settings (the pipeline's defaults), at the benchmark's global batch."""
    train = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())["train"]
    train["gpus"] = gpus
    train["data"].update(train_batch_size=batch, num_workers=2)
    train["trainer"].update(logger=[], save_freq=10**6, test_freq=10**6, total_epochs=1)
    train["checkpoint"]["save_contents"] = ["model"]
    return train


SEED_ENGINE = yaml.safe_load((ROOT / "config" / "seed_engine.yaml").read_text())["train"]
# Each variant: changes to the pipeline's train settings, and extra Hydra overrides.
VARIANTS = {
    "seed": (SEED_ENGINE, []),
    "pipeline": ({}, []),
    "pipeline_ckpt": ({"model": {"enable_gradient_checkpointing": True}}, []),
    "pipeline_no_liger": ({"model": {"use_liger": False}}, []),
    # Half the token budget: for a 7B model on 80 GB, small enough to train without checkpointing.
    "pipeline_8k": ({"data": {"max_token_len_per_gpu": 8192}}, []),
    # Rows dealt to the ranks at random, as verl does (the default before balancing).
    "pipeline_random": ({"data": {"balance_tokens_across_ranks": False}}, []),
    "pipeline_8k_random": ({"data": {"max_token_len_per_gpu": 8192, "balance_tokens_across_ranks": False}}, []),
    # FSDP2 levers: keep the layers' gathered weights from forward to backward (one all-gather per
    # layer and micro-batch less; about 11 GB more per GPU for 7B on 4), and one gradient
    # reduce-scatter per step instead of per micro-batch (unsharded gradients held meanwhile).
    "pipeline_8k_keep_gathered": ({"data": {"max_token_len_per_gpu": 8192}}, ["engine.reshard_after_forward=False"]),
    "pipeline_no_sync": ({}, ["engine.use_no_sync_for_gradient_accumulation=True"]),
}


def merge(base, changes):
    out = json.loads(json.dumps(base))
    for key, value in changes.items():
        if isinstance(value, dict):
            out[key] = merge(out.get(key, {}), value)
        else:
            out[key] = value
    return out


def build_model(shape, out_dir):
    import torch
    from transformers import AutoTokenizer, Qwen2Config, Qwen2ForCausalLM

    if (out_dir / "config.json").exists():
        return
    tokenizer = AutoTokenizer.from_pretrained(build_tiny_model.qwen_tokenizer_files())
    tokenizer.chat_template = (ROOT / "resources" / "chat_template.jinja").read_text()
    tokenizer.eos_token, tokenizer.pad_token = "<|im_end|>", "<|endoftext|>"
    config = Qwen2Config(**SHAPES[shape], max_position_embeddings=32768, rope_theta=1e6, dtype="bfloat16",
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
                         bos_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    with torch.device(verl_launch.device_kind()):
        model = Qwen2ForCausalLM(config).to(torch.bfloat16)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    del model  # else this process holds the model's memory on GPU 0 through every variant's run
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def build_data(model_dir, out_dir, rows, seed=0):
    """Chat rows whose token lengths are lognormal: median ~900, 99th percentile ~4096, with their
    token counts (`n_tokens`, as split_by_problem writes them)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from transformers import AutoTokenizer

    if (out_dir / "train.parquet").exists():
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    rng = np.random.default_rng(seed)
    sigma = math.log(4096 / 900) / 2.326
    lengths = np.clip(rng.lognormal(math.log(900), sigma, size=rows), 64, 8000).astype(int)
    conversations = []
    for n in lengths:
        ids = rng.integers(1000, 100000, size=int(n))
        text = tokenizer.decode(ids)
        cut = len(text) // 5
        conversations.append([{"role": "user", "content": text[:cut]}, {"role": "assistant", "content": text[cut:]}])
    n_tokens = token_lengths.token_counts(tokenizer, conversations)
    n_val = max(64, rows // 20)
    pq.write_table(pa.table({"messages": conversations[n_val:], "n_tokens": n_tokens[n_val:]}), out_dir / "train.parquet")
    pq.write_table(pa.table({"messages": conversations[:n_val], "n_tokens": n_tokens[:n_val]}), out_dir / "val.parquet")


def run_variant(name, train, extra, model_dir, data_dir, work, gpus, steps):
    work.mkdir(parents=True, exist_ok=True)
    device = verl_launch.device_kind()
    train = dict(train, extra_overrides=list(extra))
    train["trainer"] = dict(train["trainer"], total_training_steps=steps)
    overrides = verl_launch.overrides(
        train, train_files=data_dir / "train.parquet", val_files=data_dir / "val.parquet", model_dir=model_dir,
        trust_remote_code=False, ckpt_dir=work / "ckpt", hydra_dir=work / "hydra", nproc=gpus, device=device,
    )
    metrics_file = work / "metrics.jsonl"
    env = verl_launch.environment(device=device, nproc=gpus, metrics_file=metrics_file, work_dir=work)
    code, seconds, arrivals = verl_launch.launch(verl_launch.torchrun_command(gpus, overrides), env, cwd=work,
                                                 log_paths=[work / "train.log"])
    metrics = train_sft.with_step_seconds(verl_launch.read_metrics(metrics_file), arrivals)
    rows = [dict(step=s, **metrics[s]) for s in sorted(metrics)]
    # Measured as the train rule measures its runs (done.json's throughput).
    measured = train_sft.throughput(rows, gpus, skip=WARMUP)
    return {
        "variant": name,
        "exit": code,
        "launch_seconds": round(seconds, 1),
        **{k: measured[k] for k in ("steps_timed", "tokens_per_s_per_gpu", "mfu", "peak_memory_gb")},
        "losses": [r["train/loss"] for r in rows if "train/loss" in r],
        "step_seconds": [r["step_seconds"] for r in rows if "step_seconds" in r and r["step"] > WARMUP],
    }


def prepare_pipeline_run(shape, gpus, steps, out):
    """A model and raw chat rows for the pipeline itself (the main run's rules), and the config
    overlay that points the main run at them: `snakemake --configfile <out>/config.yaml`."""
    import pyarrow.parquet as pq

    build_model(shape, out / f"model-{shape}")
    batch = 128  # the main run's global batch
    # One synthetic row per problem; 10% go to validation, which must hold at least one batch.
    val_ratio = 0.1
    rows = max(int(batch / val_ratio * 1.2), int(batch * (steps + 1) / (1 - val_ratio)))
    build_data(out / f"model-{shape}", out / "pipeline-data", rows=rows)
    rows = pq.read_table(out / "pipeline-data" / "train.parquet")["messages"].to_pylist()
    with open(out / "raw.jsonl", "w") as f:
        for i, messages in enumerate(rows):
            f.write(json.dumps({"name": f"synthetic-{i}", "messages": messages}) + "\n")
    overlay = {"runs": {"main": {
        "data": {"raw": str(out / "raw.jsonl")},
        # Synthetic text: no n-gram or language checks apply, and no HumanEval run on a random model.
        "filter": {"invalid_text": False, "decontaminate": {"enabled": False}},
        "split": {"val_ratio": val_ratio},
        "model": {"source": "local", "local_path": str(out / f"model-{shape}")},
        # A short run still warms up for one step (verl floors ratio x steps).
        "train": {"gpus": gpus, "optim": {"lr_warmup_steps_ratio": max(0.05, 1.5 / steps)}, "trainer": {"total_epochs": 1, "total_training_steps": steps, "save_freq": steps,
                                            "test_freq": steps, "logger": ["console"]}},
    }}}
    (out / "config.yaml").write_text(yaml.safe_dump(overlay))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--prepare-run", metavar="DIR", help="only write a model, raw data and a config overlay "
                   "for the pipeline's main run into DIR, then exit")
    p.add_argument("--shape", choices=sorted(SHAPES), default="1.5b")
    p.add_argument("--gpus", type=int, default=1)
    p.add_argument("--batch", type=int, default=64, help="global batch (rows)")
    p.add_argument("--steps", type=int, default=12)
    p.add_argument("--variants", default="seed,pipeline")
    p.add_argument("--work", default="/tmp/gpu_sft_bench")
    p.add_argument("--out", default=".")
    args = p.parse_args()
    if args.prepare_run:
        prepare_pipeline_run(args.shape, args.gpus, args.steps, Path(args.prepare_run))
        return
    work = Path(args.work)
    model_dir = work / f"model-{args.shape}"
    build_model(args.shape, model_dir)
    data_dir = work / "data"
    build_data(model_dir, data_dir, rows=args.batch * (args.steps + 2) + 64)
    results = []
    for name in args.variants.split(","):
        changes, extra = VARIANTS[name]
        train = merge(pipeline_train(args.gpus, args.batch), changes)
        result = run_variant(name, train, extra, model_dir, data_dir, work / name, args.gpus, args.steps)
        results.append(result)
        print(json.dumps(result), flush=True)
    base = results[0]
    print(f"\n{args.shape} x {args.gpus} GPU, global batch {args.batch}, steps {WARMUP + 1}..{args.steps} timed")
    print(f"{'variant':<16}{'tok/s/GPU':>12}{'MFU':>8}{'peak GB':>9}{'x first':>8}{'max |dloss|':>13}")
    for r in results:
        ratio = (r["tokens_per_s_per_gpu"] or 0) / (base["tokens_per_s_per_gpu"] or math.inf)
        dloss = max((abs(a - b) for a, b in zip(r["losses"], base["losses"])), default=float("nan"))
        print(f"{r['variant']:<16}{r['tokens_per_s_per_gpu'] or 0:>12.0f}{r['mfu'] or 0:>8.3f}"
              f"{r['peak_memory_gb'] or 0:>9.1f}{ratio:>8.2f}{dloss:>13.2e}")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / f"gpu_sft_{args.shape}_x{args.gpus}.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
