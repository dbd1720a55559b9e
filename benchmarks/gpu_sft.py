"""Training throughput of verl's SFT step: the pipeline's settings against variants of them, on a
random-init model of a real Qwen2.5-Coder shape (no weights can be downloaded on a GPU machine;
throughput does not depend on weight values) and synthetic chat rows (benchmarks/synthetic.py:
median ~900 tokens, 99% <= 4096) sized for --batch x --steps.

    python benchmarks/gpu_sft.py --shape 1.5b --gpus 1 --batch 64 --steps 8 --variants seed,pipeline
    python benchmarks/gpu_sft.py --shape 7b --gpus 1 --batch 128 --steps 6 --variants pipeline,pipeline_8k,pipeline_16k_ckpt
    python benchmarks/gpu_sft.py --mode snakemake --shape 7b --gpus 4 --batch 128 --steps 8 --variants pipeline
    python benchmarks/gpu_sft.py --shape tiny --gpus 1 --steps 3        # self-check on a CPU

A variant is a config overlay, as `snakemake --configfile` takes it: a name below, or a YAML file
(its name is the file's stem); "pipeline" is config/config.yaml as it is. Over each variant the
harness sets train.gpus, the batch, the steps, one validation and one save at the last step, no
logger (harness_train). Two modes:

- direct (default): each variant's train settings through the train rule's own code (the installed
  trainer from pipeline.trainer.select, its Hydra overrides, launch.environment/torchrun_command/
  launch, the train rule's preflight, metrics.throughput), on one prepared train/val split.
- snakemake: the pipeline's main run itself (filter -> ... -> train_sft, or export with --target
  export) in a fresh copy of the workflow per variant, from synthetic raw BEE rows, with the
  variant's overlay as one more --configfile; numbers from that run's train/done.json.

Every invocation writes to a new directory, --out ROOT/<time>-<shape>-<N>gpu-b<batch>-s<steps>
(an existing one is refused), each variant to its own subdirectory, so nothing of an earlier run
(checkpoints, metrics, data) can be resumed or reported. A variant whose launch exits non-zero or
logs fewer steps than asked is reported FAILED with its exit code and log tail, never with numbers.
Prints tokens/s/GPU (the first WARMUP steps not timed), MFU (verl's counter, weighted by each
step's wall time) and its median step (the steady state, without one-time stalls), peak memory, the
speed-up over the first variant, and the largest loss difference from it (same weights, same
batches); writes results.json into the invocation's directory. Exits 1 if any variant failed.
"""

import argparse
import datetime
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCRIPTS = ROOT / "workflow" / "scripts"
sys.path.insert(0, str(SCRIPTS))
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402
import tiny_model  # noqa: E402
import trace_summary  # noqa: E402
from count_tokens import load_tokenizer, token_counts  # noqa: E402
from pipeline.common.cli import PipelineError  # noqa: E402
from pipeline.common.model_files import count_parameters  # noqa: E402
from pipeline.common.settings import merged  # noqa: E402
from pipeline.trainer import launch, memory, metrics, select  # noqa: E402
from pipeline.trainer.plan import training_plan  # noqa: E402

CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
# Published configs of Qwen2.5-Coder; "tiny" is the embedded tiny model (config tiny_model).
SHAPES = {
    "tiny": None,
    "1.5b": dict(hidden_size=1536, intermediate_size=8960, num_hidden_layers=28, num_attention_heads=12,
                 num_key_value_heads=2, vocab_size=151936, tie_word_embeddings=True),
    "7b": dict(hidden_size=3584, intermediate_size=18944, num_hidden_layers=28, num_attention_heads=28,
               num_key_value_heads=4, vocab_size=152064, tie_word_embeddings=False),
}
WARMUP = 2  # steps not timed: compilation and allocator warm-up
VARIANTS = {
    # The defaults: engine settings `auto` (pipeline/trainer/memory.py chooses for the card).
    "pipeline": {},
    # The seed document's engine: fixed micro-batches of 2, checkpointing, sdpa, verl's default loss.
    "seed": yaml.safe_load((ROOT / "config" / "seed_engine.yaml").read_text()),
    "pipeline_ckpt": {"train": {"model": {"enable_gradient_checkpointing": True}}},
    # Fixed token budgets, the rest `auto`: 16k was the default before `auto` chose it.
    **{f"pipeline_{k}k": {"train": {"data": {"max_token_len_per_gpu": k * 1024}}} for k in (8, 12, 16, 24, 32)},
    # The defaults before `auto` chose the budget and the layers: 16k, and for a 7B all layers.
    "pipeline_16k_ckpt": {"train": {"data": {"max_token_len_per_gpu": 16384},
                                    "model": {"enable_gradient_checkpointing": True}}},
    # Rows dealt to the ranks at random, as verl does (the default before balancing).
    "pipeline_random": {"train": {"data": {"balance_tokens_across_ranks": False}}},
    "pipeline_8k_random": {"train": {"data": {"max_token_len_per_gpu": 8192, "balance_tokens_across_ranks": False}}},
    # verl's torch backend for the fused lm_head + log-prob (the default before 2026-12-03; auto is
    # its Triton kernel on a GPU).
    "fused_torch": {"train": {"model": {"fused_kernel_backend": "torch"}}},
    # Every packed micro-batch padded to a multiple of engine.pad_to_length_bucket (16) tokens, or
    # none (engine.pad_to_length): Triton compiles a kernel again for each new specialisation of the
    # packed length, such as the first one divisible by 16 (Liger's cost a 1.5B step ~0.4 s, the
    # fused log-prob's 5-6 s; benchmarks/RESULTS.md). auto (the default) is padded on a GPU.
    "padded": {"train": {"engine": {"pad_to_length": True}}},
    "unpadded": {"train": {"engine": {"pad_to_length": False}}},
    # The pipeline's settings with step 4 (after compilation and warm-up) under verl's torch profiler:
    # the trace in the variant's profile/, summarised by trace_summary.py into results.json.
    "profile": {"train": {"extra_overrides": ["trainer.profile_interval=[4,4]", "profiler.enable=True",
                                              "profiler.tool=torch", "profiler.save_path=profile"]}},
    # The former config/7b_80gb.yaml: 8k tokens and the layers' gathered weights kept.
    "pipeline_8k_keep_gathered": {"train": {"data": {"max_token_len_per_gpu": 8192},
                                            "engine": {"reshard_after_forward": False}}},
}
WORKFLOW_FILES = ("Snakefile", "config", "workflow", "resources", "envs", "profiles")  # as tests/conftest.py


def variant_overlays(spec):
    """[(name, overlay)] from a comma-separated list of names and YAML files."""
    out = []
    for item in filter(None, (s.strip() for s in spec.split(","))):
        if item in VARIANTS:
            out.append((item, VARIANTS[item]))
        elif Path(item).is_file():
            out.append((Path(item).stem, yaml.safe_load(Path(item).read_text()) or {}))
        else:
            sys.exit(f"variant {item!r}: neither one of {sorted(VARIANTS)} nor a YAML file")
    names = [n for n, _ in out]
    if len(set(names)) != len(names):
        sys.exit(f"variant names must differ: {names}")
    return out


def harness_train(args, device):
    """What the harness sets over every variant: GPUs, batch, steps; validation and a checkpoint
    once, at the last step; no logger; at least one warmup step (the train rule's preflight)."""
    ratio = CONFIG["train"]["optim"]["lr_warmup_steps_ratio"]
    return {
        "gpus": args.gpus,
        "data": {"train_batch_size": args.batch, "num_workers": 2 if device == "cuda" else 0},
        "optim": {"lr_warmup_steps_ratio": max(ratio, 1.5 / args.steps)},
        "trainer": {"total_epochs": 1, "total_training_steps": args.steps, "save_freq": args.steps,
                    "test_freq": args.steps, "logger": [], "max_ckpt_to_keep": 1},
        "checkpoint": {"save_contents": ["model"]},
    }


# ---------------------------------------------------------------------------------------------
# Model and data, made once per invocation
# ---------------------------------------------------------------------------------------------


def build_model(shape, out_dir):
    """The embedded tiny model (tiny_model.build), or a random-init bf16 model of a real shape
    with the tiny model's tokenizer and chat template, built on the GPU where there is one."""
    tiny_dir = out_dir.parent / "tiny-model" if shape != "tiny" else out_dir
    template = (ROOT / "resources" / "chat_template.jinja").read_text()
    tiny_model.build(CONFIG["tiny_model"], template, tiny_dir)
    if shape == "tiny":
        return
    import torch
    from transformers import AutoTokenizer, Qwen2Config, Qwen2ForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(tiny_dir)
    config = Qwen2Config(**SHAPES[shape], max_position_embeddings=32768, rope_theta=1e6, dtype="bfloat16",
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
                         bos_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    with torch.device(launch.device_kind()):
        model = Qwen2ForCausalLM(config).to(torch.bfloat16)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    del model  # else this process holds the model's memory on GPU 0 through every variant
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def check_model(shape, model_dir):
    """A --model directory must be of the shape asked for."""
    config = json.loads((Path(model_dir) / "config.json").read_text())
    want = SHAPES[shape] or {k: CONFIG["tiny_model"][k] for k in ("hidden_size", "intermediate_size",
                                                                  "num_hidden_layers", "num_attention_heads")}
    wrong = {k: (config.get(k), v) for k, v in want.items() if config.get(k) != v}
    if wrong:
        sys.exit(f"--model {model_dir} is not the {shape} shape: (has, wanted) {wrong}")


def write_split(model_dir, out_dir, n_train, n_val, seed):
    """train/val parquet files as split_by_problem writes them (name, messages, n_tokens)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True)
    rows = synthetic.chat_rows(n_train + n_val, seed=seed)
    conversations = [r["messages"] for r in rows]
    counts = token_counts(load_tokenizer(model_dir, trust_remote_code=False), conversations)
    for name, part in (("val", slice(0, n_val)), ("train", slice(n_val, None))):
        pq.write_table(pa.table({"name": [r["name"] for r in rows[part]], "messages": conversations[part],
                                 "n_tokens": counts[part]}), out_dir / f"{name}.parquet")
    return synthetic.percentiles(counts)


# ---------------------------------------------------------------------------------------------
# One variant
# ---------------------------------------------------------------------------------------------


def failed(name, code, why, log_file=None):
    return {"variant": name, "status": "FAILED", "exit": code, "why": why, "log": str(log_file or ""),
            "log_tail": log_excerpt(log_file)}


def log_excerpt(log_file, first_lines=15, last_lines=12, width=240):
    """The log's first error (where it says what went wrong; torchrun's own summary comes last)
    and its last lines, each line cut to `width` characters."""
    if not log_file or not Path(log_file).exists():
        return ""
    lines = [line[:width] for line in Path(log_file).read_text(errors="replace").splitlines()]
    marks = ("Traceback", "Error", "error:", "Could not", "FAILED", "Exception")
    first = next((i for i, line in enumerate(lines) if any(m in line for m in marks) and "Warning" not in line), None)
    if first is None or first >= len(lines) - last_lines:
        return "\n".join(lines[-last_lines:])
    head = lines[first:first + first_lines]
    rest = lines[max(first + first_lines, len(lines) - last_lines):]
    return "\n".join(head + (["..."] if len(lines) - last_lines > first + first_lines else []) + rest)


def run_direct(name, overlay, args, model_dir, data_dir, vdir):
    import train_sft  # the train rule's preflight

    unknown = set(overlay) - {"train"}
    if unknown:
        return failed(name, None, f"overlay keys {sorted(unknown)}: only train.* applies in direct mode "
                                  "(use --mode snakemake)")
    device = launch.device_kind()
    trainer = select.installed()
    main = merged(CONFIG["train"], (CONFIG["runs"].get("main") or {}).get("train", {}))
    train = merged(merged(main, overlay.get("train", {})), harness_train(args, device))
    (vdir / "train_settings.json").write_text(json.dumps(train, indent=1))
    train, engine = memory.resolve(train, trainer, model_dir, args.gpus, device,
                                   train_sft.row_token_stats(data_dir / "train.parquet"))
    print(f"{name}: engine {json.dumps(engine)}", flush=True)
    ckpt = vdir / "ckpt"
    n_train = pq_rows(data_dir / "train.parquet")
    plan = training_plan(n_train, pq_rows(data_dir / "val.parquet"), train, dp_size=args.gpus)
    try:
        train_sft.preflight(plan, train, args.gpus, ckpt, shutil.disk_usage(vdir).free,
                            count_parameters(model_dir), device)
    except PipelineError as e:
        return failed(name, None, str(e))
    model_dir = trainer.loadable_model_dir(model_dir, vdir / "model-loadable")
    overrides = trainer.overrides(
        train, train_files=data_dir / "train.parquet", val_files=data_dir / "val.parquet", model_dir=model_dir,
        trust_remote_code=False, ckpt_dir=ckpt, hydra_dir=vdir / "hydra", nproc=args.gpus, device=device,
    )
    metrics_file, log_file = vdir / "metrics.jsonl", vdir / "train.log"
    env = own_triton_cache(launch.environment(trainer, device=device, nproc=args.gpus, metrics_file=metrics_file,
                                              work_dir=vdir, checkpointed_layers=train["model"]["checkpointed_layers"]),
                           vdir)
    code, seconds, arrivals = launch.launch(launch.torchrun_command(trainer, args.gpus, overrides), env, cwd=vdir,
                                            log_paths=[log_file])
    steps = metrics.with_step_seconds(metrics.read_metrics(metrics_file), arrivals)
    rows = [dict(step=s, **steps[s]) for s in sorted(steps)]
    res = result(name, code, rows, args, log_file, launch_seconds=seconds)
    # Not what is measured, and a 7B one is 15 GB: a few variants' would fill the lent machine's disk.
    shutil.rmtree(ckpt, ignore_errors=True)
    res["engine"] = train_sft.engine_record(train, engine, res if res["status"] == "ok" else None)
    traces = sorted((vdir / "profile").glob("**/*.json.gz"))
    if traces:
        res["profile"] = [trace_summary.summary(t) for t in traces]
    return res


def own_triton_cache(env, vdir):
    """`env` with Triton's kernel cache in the variant's directory, unless the caller chose one:
    with one cache for all, a variant reuses the kernels an earlier one compiled, and a compile
    stall it would pay goes unseen (benchmarks/RESULTS.md, 2026-12-08)."""
    if "TRITON_CACHE_DIR" not in os.environ:
        env["TRITON_CACHE_DIR"] = str(vdir / "triton-cache")
    return env


def run_snakemake(name, overlay, args, model_dir, raw_dir, vdir):
    """The pipeline's main run in a fresh copy of the workflow, the variant as a config overlay."""
    for item in WORKFLOW_FILES:
        src = ROOT / item
        (shutil.copytree(src, vdir / item, ignore=shutil.ignore_patterns("__pycache__")) if src.is_dir()
         else shutil.copy2(src, vdir / item))
    device = launch.device_kind()
    train = harness_train(args, device)
    train["trainer"]["logger"] = ["console"]
    del train["checkpoint"]  # the run's own save_contents: export needs its hf_model
    data = {"raw": str(raw_dir)}
    if "source" in CONFIG["data"]:
        data["source"] = "local"
    model = {"source": "tiny"} if args.shape == "tiny" else {"source": "local", "local_path": str(model_dir)}
    # Nothing from the hub (a GPU machine may have no network): the synthetic rows have no tests,
    # and decontamination is against the shipped HumanEval only.
    data["tests"] = {"source": "none"}
    harness = {"runs": {"main": {"data": data, "model": model, "train": train,
                                 "filter": {"decontaminate": {"use_hub": []}}}}}
    (vdir / "harness.yaml").write_text(yaml.safe_dump(harness))
    (vdir / "variant.yaml").write_text(yaml.safe_dump(overlay or {}))
    target = {"train": "results/main/train/done.json", "export": "results/main/export.json"}[args.target]
    # The rules' shell commands call `python`: this interpreter (a venv's python is not a symlink's).
    (vdir / "bin").mkdir()
    (vdir / "bin" / "python").write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    (vdir / "bin" / "python").chmod(0o755)
    env = own_triton_cache(dict(os.environ, PATH=f"{vdir / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"), vdir)
    log_file = vdir / "snakemake.log"
    cmd = [sys.executable, "-m", "snakemake", target, f"-c{os.cpu_count()}",
           "--configfile", "harness.yaml", "variant.yaml"]
    start = time.time()
    with open(log_file, "w") as out:
        code = subprocess.run(cmd, cwd=vdir, env=env, stdout=out, stderr=subprocess.STDOUT).returncode
    seconds = time.time() - start
    rows = []
    metrics_file = vdir / "results/main/train/metrics.jsonl"
    if metrics_file.exists():
        rows = [json.loads(line) for line in metrics_file.read_text().splitlines() if line.strip()]
    # A failed job's own log (Snakemake names it: "log: <path> (check log file(s) ...)") says why.
    failed_logs = [line.split("log:", 1)[1].split("(check")[0].strip() for line in log_file.read_text().splitlines()
                   if line.strip().startswith("log:") and "check log file" in line]
    job_log = vdir / failed_logs[0] if failed_logs and (vdir / failed_logs[0]).is_file() else log_file
    res = result(name, code, rows, args, job_log, launch_seconds=seconds)
    done = vdir / "results/main/train/done.json"
    if res["status"] == "ok" and done.exists():
        d = json.loads(done.read_text())
        res.update(final_step=d["final_step"], train_loss=d["train_loss"], val_loss=d["val_loss"])
    return res


def result(name, code, rows, args, log_file, launch_seconds):
    logged = sorted(r["step"] for r in rows if "train/loss" in r)
    if code != 0:
        return failed(name, code, f"exited {code}; {len(logged)} of {args.steps} steps logged", log_file)
    if logged != list(range(1, args.steps + 1)):
        return failed(name, code, f"exited 0 but logged steps {logged}, not 1..{args.steps}", log_file)
    measured = metrics.throughput(rows, args.gpus, skip=WARMUP)
    per_step = [round(r["train/mfu"], 4) for r in rows if "train/mfu" in r and r["step"] > WARMUP]
    return {
        "variant": name, "status": "ok", "exit": code, "launch_seconds": round(launch_seconds, 1),
        **{k: measured[k] for k in ("steps_timed", "tokens_per_s_per_gpu", "mfu", "peak_memory_gb", "peak_reserved_gb")},
        # The steady state beside the window's MFU, which one-time stalls (Triton compiling) pull down.
        "mfu_median_step": round(statistics.median(per_step), 4) if per_step else None,
        "mfu_per_step": per_step,
        "step_seconds": [r["step_seconds"] for r in rows if "step_seconds" in r and r["step"] > WARMUP],
        "losses": [r["train/loss"] for r in rows if "train/loss" in r],
        "log": str(log_file),
    }


def pq_rows(path):
    import pyarrow.parquet as pq

    return pq.read_metadata(path).num_rows


# ---------------------------------------------------------------------------------------------


def report(results, args):
    ok = [r for r in results if r["status"] == "ok"]
    base = ok[0] if ok else None
    print(f"\n{args.shape} x {args.gpus} GPU, global batch {args.batch}, {args.steps} steps "
          f"(steps {WARMUP + 1}..{args.steps} timed), mode {args.mode}")
    print(f"{'variant':<28}{'tok/s/GPU':>12}{'MFU':>8}{'median':>8}{'peak GiB':>9}{'x first':>9}{'max |dloss|':>13}"
          f"{'predicted':>11}{'balanced':>10}  engine (tokens, checkpointed layers, reshard, fused kernel)")
    for r in results:
        if r["status"] != "ok":
            print(f"{r['variant']:<28}FAILED (exit {r['exit']}): {r['why']}")
            continue
        tps = r["tokens_per_s_per_gpu"]
        ratio = f"{tps / base['tokens_per_s_per_gpu']:.2f}" if tps and base["tokens_per_s_per_gpu"] else "-"
        dloss = max((abs(a - b) for a, b in zip(r["losses"], base["losses"])), default=float("nan"))
        fmt = lambda v, spec: format(v, spec) if v is not None else "-"  # noqa: E731
        engine = r.get("engine") or {}
        print(f"{r['variant']:<28}{fmt(tps, '.0f'):>12}{fmt(r['mfu'], '.3f'):>8}"
              f"{fmt(r.get('mfu_median_step'), '.3f'):>8}{fmt(r['peak_memory_gb'], '.1f'):>9}"
              f"{ratio:>9}{dloss:>13.2e}{fmt(engine.get('predicted_peak_gib'), '.1f'):>11}"
              f"{fmt(engine.get('predicted_peak_balanced_gib'), '.1f'):>10}  "
              f"{engine.get('max_token_len_per_gpu')}, {engine.get('checkpointed_layers')}, "
              f"{engine.get('reshard_after_forward')}, {engine.get('fused_kernel_backend')}")
    for r in results:
        if r["status"] != "ok":
            print(f"\n--- {r['variant']} FAILED (exit {r['exit']}): {r['why']}\n    log: {r['log'] or '-'}")
            if r["log_tail"]:
                print("\n".join("    | " + line for line in r["log_tail"].splitlines()))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shape", choices=sorted(SHAPES), default="1.5b")
    p.add_argument("--gpus", type=int, default=1, help="GPUs (CPU ranks without CUDA)")
    p.add_argument("--batch", type=int, default=None, help="global batch in rows (default 64; tiny: 4)")
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--variants", default="pipeline", help="comma-separated names or YAML overlays")
    p.add_argument("--mode", choices=("direct", "snakemake"), default="direct")
    p.add_argument("--target", choices=("train", "export"), default="train", help="snakemake mode: the last rule")
    p.add_argument("--model", type=Path, help="an existing model directory of --shape (default: built)")
    p.add_argument("--seed", type=int, default=0, help="of the synthetic rows")
    p.add_argument("--out", type=Path, default=ROOT / "results" / "benchmarks" / "gpu_sft",
                   help="root of the invocation directories (default results/benchmarks/gpu_sft)")
    args = p.parse_args()
    args.batch = args.batch or (4 if args.shape == "tiny" else 64)
    variants = variant_overlays(args.variants)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    mode = "-snakemake" if args.mode == "snakemake" else ""
    inv = args.out / f"{stamp}-{args.shape}-{args.gpus}gpu-b{args.batch}-s{args.steps}{mode}"
    try:
        inv.mkdir(parents=True)
    except FileExistsError:
        sys.exit(f"{inv} exists: refusing to reuse it (nothing of an earlier run may be resumed or reported)")
    print(f"invocation dir: {inv}", flush=True)
    (inv / "args.json").write_text(json.dumps({k: str(v) for k, v in vars(args).items()}, indent=1))

    if args.model:
        check_model(args.shape, args.model)
        model_dir = args.model.resolve()
    else:
        model_dir = inv / "model"
        t0 = time.time()
        build_model(args.shape, model_dir)
        print(f"built the {args.shape} model in {time.time() - t0:.0f} s: {model_dir}", flush=True)
    n_train = synthetic.training_rows(args.batch, args.steps)
    if args.mode == "direct":
        data = inv / "data"
        lengths = write_split(model_dir, data, n_train, args.batch, args.seed)
        print(f"data: {n_train} train rows + {args.batch} val rows, tokens {lengths}", flush=True)
    else:
        # Raw rows for the main run's split: val = max(val_ratio x rows, one batch), whole problems.
        val_ratio = CONFIG["split"]["val_ratio"]
        rows = math.ceil(n_train / (1 - val_ratio)) + args.batch + synthetic.ROWS_PER_PROBLEM[1]
        data = inv / "raw"
        synthetic.raw_bee_rows(data, rows, seed=args.seed, defects={}, chat_share=0)
        print(f"data: {rows} raw BEE rows (no defects) for {n_train} train rows + validation", flush=True)

    results = []
    for name, overlay in variants:
        vdir = inv / name
        vdir.mkdir()
        print(f"\n== {name}: {vdir}", flush=True)
        run = run_direct if args.mode == "direct" else run_snakemake
        r = run(name, overlay, args, model_dir, data, vdir)
        results.append(r)
        brief = {k: v for k, v in r.items() if k not in ("losses", "log_tail")}
        print(json.dumps(brief), flush=True)
    (inv / "results.json").write_text(json.dumps(results, indent=1))
    report(results, args)
    print(f"\nresults: {inv / 'results.json'}")
    sys.exit(1 if any(r["status"] != "ok" for r in results) else 0)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
