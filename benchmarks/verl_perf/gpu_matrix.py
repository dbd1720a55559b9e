"""One-call GPU measurement of verl 0.9.1 SFT levers (run from /work/main's root on the device machine).

Each config = the seed's settings (fixed micro-batch 2, grad ckpt, bf16, sdpa, compile flag on)
plus overrides/env/modules; STEPS steps of batch 64, throughput from steps > SKIP.
Prints one JSON line per config: tokens/s (file-logger global_tokens over wall time between step lines),
verl's mfu, loss of step 1 (sanity), and the probe's mean region times / allocator counters.

usage: python gpu_matrix.py CONFIG [CONFIG ...]   (names below; `all` for every one)
       python gpu_matrix.py --cpu-smoke base      (tiny model on CPU, checks the plumbing)
env:   Q15_DIR (model dir, built random-init if missing), TOK_DIR (tokenizer+chat template, default
       results/models/tiny/hf), WORK_DIR (/tmp/verl_gpu), DATA_DIR, STEPS (6), SKIP (2)
"""

import json
import math
import os
import random
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(Path.cwd() / "workflow" / "scripts"))
import verl_launch  # noqa: E402

EXP = "PYTORCH_CUDA_ALLOC_CONF"
CONFIGS = {
    # name: (extra hydra overrides, extra env, extra external modules)
    "base": ([], {}, []),
    "base_repeat": ([], {}, []),
    "nocompile": (["engine.use_torch_compile=False"], {}, []),  # control: flag only affects entropy (unused in SFT)
    "fl": ([], {}, ["fast_logprobs"]),
    "fused": (["model.use_fused_kernels=True"], {}, []),
    "pv": (["+model.override_config.attn_implementation=packed_varlen"], {}, []),
    "fl_pv": (["+model.override_config.attn_implementation=packed_varlen"], {}, ["fast_logprobs"]),
    "fl_pv_exp": (["+model.override_config.attn_implementation=packed_varlen"], {EXP: "expandable_segments:True"},
                  ["fast_logprobs"]),
    "fl_pv_dyn16k": (["+model.override_config.attn_implementation=packed_varlen", "data.use_dynamic_bsz=True",
                      "data.max_token_len_per_gpu=16384"], {EXP: "expandable_segments:True"}, ["fast_logprobs"]),
    "fl_pv_dyn32k": (["+model.override_config.attn_implementation=packed_varlen", "data.use_dynamic_bsz=True",
                      "data.max_token_len_per_gpu=32768"], {EXP: "expandable_segments:True"}, ["fast_logprobs"]),
    "fused_pv_dyn32k": (["+model.override_config.attn_implementation=packed_varlen", "data.use_dynamic_bsz=True",
                         "data.max_token_len_per_gpu=32768", "model.use_fused_kernels=True"],
                        {EXP: "expandable_segments:True"}, []),
    "fl_pv_dyn32k_liger_nosync": (["+model.override_config.attn_implementation=packed_varlen",
                                   "data.use_dynamic_bsz=True", "data.max_token_len_per_gpu=32768",
                                   "model.use_liger=True", "engine.use_no_sync_for_gradient_accumulation=True",
                                   "engine.reshard_after_forward=False"],
                                  {EXP: "expandable_segments:True"}, ["fast_logprobs"]),
    "fused_pv_dyn16k_nockpt_liger": (["+model.override_config.attn_implementation=packed_varlen",
                                      "data.use_dynamic_bsz=True", "data.max_token_len_per_gpu=16384",
                                      "model.use_fused_kernels=True", "model.use_liger=True",
                                      "model.enable_gradient_checkpointing=False"],
                                     {EXP: "expandable_segments:True"}, []),
    "fl_pv_dyn16k_nockpt": (["+model.override_config.attn_implementation=packed_varlen", "data.use_dynamic_bsz=True",
                             "data.max_token_len_per_gpu=16384", "model.enable_gradient_checkpointing=False"],
                            {EXP: "expandable_segments:True"}, ["fast_logprobs"]),
}

WORDS = ("def return print for while import class self value index list dict range len sum max min "
         "the a an of to in is it that with as on be this by or from if else elif try except").split()


def make_data(path, n, seed, median_words, max_words, sigma=0.65):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        w = min(max_words, max(8, int(rnd.lognormvariate(math.log(median_words), sigma))))
        u = max(4, w // 4)
        rows.append([{"role": "user", "content": f"Task {i}: " + " ".join(rnd.choice(WORDS) for _ in range(u))},
                     {"role": "assistant", "content": "```python\n" + " ".join(rnd.choice(WORDS) for _ in range(w - u))
                      + "\n```"}])
    pq.write_table(pa.table({"messages": rows}), path)


def build_q15(out, tok_dir):
    """Random-init Qwen2.5-Coder-1.5B shape, bf16, built on the GPU (weights don't matter for speed)."""
    import torch
    from transformers import AutoTokenizer, Qwen2Config, Qwen2ForCausalLM

    cfg = Qwen2Config(vocab_size=151936, hidden_size=1536, intermediate_size=8960, num_hidden_layers=28,
                      num_attention_heads=12, num_key_value_heads=2, max_position_embeddings=32768,
                      tie_word_embeddings=True, rope_theta=1000000.0, rms_norm_eps=1e-6,
                      bos_token_id=151643, eos_token_id=151645, pad_token_id=151643)
    with torch.device("cuda"):
        m = Qwen2ForCausalLM(cfg).to(torch.bfloat16)
    m.save_pretrained(out)
    AutoTokenizer.from_pretrained(tok_dir).save_pretrained(out)
    for f in Path(tok_dir).glob("chat_template*"):
        shutil.copy(f, out)


def summarise(work):
    steps = verl_launch.read_metrics(work / "metrics.jsonl")
    skip = int(os.environ.get("SKIP", "2"))
    lines = [json.loads(x) for x in (work / "metrics.jsonl").read_text().splitlines() if x.strip()] \
        if (work / "metrics.jsonl").exists() else []
    res = {"steps_logged": len(steps)}
    if steps:
        res["loss_step1"] = steps.get(1, {}).get("train/loss")
        res["mfu_mean"] = round(sum(d.get("train/mfu", 0) for s, d in steps.items() if s > skip)
                                / max(1, sum(1 for s in steps if s > skip)), 4)
    ts = work / "step_times.json"
    if ts.exists():
        t = json.loads(ts.read_text())
        sel = [(s, tm) for s, tm in t if s > skip]
        if len(sel) >= 2:
            tok = sum(steps[s]["train/global_tokens"] for s, _ in sel[1:])
            res["tokens_per_s"] = round(tok / (sel[-1][1] - sel[0][1]), 1)
    probe = work / "probe.jsonl"
    if probe.exists():
        recs = [json.loads(x) for x in probe.read_text().splitlines()][skip:]
        if recs:
            keys = set().union(*(r["time_s"] for r in recs))
            res["region_s_mean"] = {k: round(sum(r["time_s"].get(k, 0) for r in recs) / len(recs), 3) for k in keys}
            res["cuda_mem_last"] = recs[-1].get("cuda_mem")
    return res


def run(name, cpu):
    over, env_extra, mods = CONFIGS[name]
    root = Path(os.environ.get("WORK_DIR", "/tmp/verl_gpu"))
    data = Path(os.environ.get("DATA_DIR", root / "data"))
    data.mkdir(parents=True, exist_ok=True)
    tiny = Path.cwd() / "results/models/tiny/hf"
    if not (data / "train.parquet").exists():
        if cpu:
            make_data(data / "train.parquet", 256, 0, 150, 700)
        else:
            make_data(data / "train.parquet", 1024, 0, 850, 3700)
    model = tiny if cpu else Path(os.environ.get("Q15_DIR", root / "q15"))
    if not cpu and not (model / "config.json").exists():
        build_q15(model, Path(os.environ.get("TOK_DIR", tiny)))
    steps = int(os.environ.get("STEPS", "6"))
    train = {
        "data": {"train_batch_size": 8 if cpu else 64, "micro_batch_size_per_gpu": 2, "use_dynamic_bsz": False,
                 "max_token_len_per_gpu": 8192, "max_length": 1024 if cpu else 4096, "truncation": "right",
                 "num_workers": 0 if cpu else 8},
        "model": {"enable_gradient_checkpointing": True, "lora_rank": 0, "use_remove_padding": True,
                  "attn_implementation": "sdpa", "use_fused_kernels": False, "use_liger": False},
        "engine": {"strategy": "fsdp2", "model_dtype": "bf16"},
        "optim": {"lr": 2e-5, "betas": [0.9, 0.95], "weight_decay": 0.01, "lr_warmup_steps_ratio": 0.0,
                  "clip_grad": 1.0, "lr_scheduler_type": "constant"},
        "trainer": {"total_epochs": 1, "total_training_steps": steps, "save_freq": -1, "test_freq": -1,
                    "max_ckpt_to_keep": 1, "project_name": "perf", "experiment_name": name, "logger": []},
        "checkpoint": {"save_contents": ["model"]},
        "extra_overrides": ["trainer.resume_mode=disable", *over],
    }
    work = root / "runs" / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    device = "cpu" if cpu else "cuda"
    ov = verl_launch.overrides(train, train_files=data / "train.parquet", val_files=data / "train.parquet",
                               model_dir=model, trust_remote_code=False, ckpt_dir=work / "ckpt",
                               hydra_dir=work / "hydra", nproc=1, device=device)
    ov = [o for o in ov if not o.startswith("data.val_files=")] + ["data.val_files=null"]
    # `+model.override_config.attn_implementation` may be given twice: keep the config's one last
    attn = [o for o in ov if o.startswith("+model.override_config.attn_implementation=")]
    if len(attn) > 1:
        ov = [o for o in ov if o != attn[0]]
    env = verl_launch.environment(device=device, nproc=1, metrics_file=work / "metrics.jsonl", work_dir=work)
    env["VERL_USE_EXTERNAL_MODULES"] = ",".join([env["VERL_USE_EXTERNAL_MODULES"], *mods, "verl_probe"])
    env["PYTHONPATH"] = f"{HERE}{os.pathsep}{env['PYTHONPATH']}"
    env["VERL_PROBE_OUT"] = str(work / "probe.jsonl")
    env.update(env_extra)
    cmd = verl_launch.torchrun_command(1, ov)
    # record wall time of each logged step by watching the metrics file
    import threading

    times, stop = [], threading.Event()

    def watch():
        seen = 0
        while not stop.is_set():
            p = work / "metrics.jsonl"
            if p.exists():
                n = len([x for x in p.read_text().splitlines() if x.strip()])
                for s in range(seen + 1, n + 1):
                    times.append((s, time.time()))
                seen = max(seen, n)
            time.sleep(0.2)

    th = threading.Thread(target=watch, daemon=True)
    th.start()
    code, secs = verl_launch.launch(cmd, env, cwd=work, log_paths=[work / "log.txt"])
    time.sleep(0.5)
    stop.set()
    th.join()
    (work / "step_times.json").write_text(json.dumps(times))
    res = {"config": name, "exit": code, "seconds": round(secs, 1), **summarise(work)}
    if code:
        res["log_tail"] = (work / "log.txt").read_text(errors="replace")[-2500:]
    print(json.dumps(res), flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    cpu = "--cpu-smoke" in args
    names = [a for a in args if not a.startswith("--")]
    if names == ["all"]:
        names = list(CONFIGS)
    for n in names:
        run(n, cpu)
