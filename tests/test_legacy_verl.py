"""verl 0.6.x's legacy trainer (pipeline/trainer/legacy.py and workers/legacy_main.py): the settings mapping, the grad_norm wrapper, and
a 2-step CPU probe of the tiny model in a venv built from requirements-legacy.txt, with and
without the wrapper."""

import hashlib
import json
import math
import os
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
import torch
import yaml
from conftest import ROOT

from pipeline.common.cli import PipelineError
from pipeline.common.settings import merged
from pipeline.trainer import legacy, metrics, select
from pipeline.trainer import overrides as overrides_module
from pipeline.trainer.workers import legacy_main

CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
SEED_ENGINE = yaml.safe_load((ROOT / "config" / "seed_engine.yaml").read_text())["train"]
SCRIPTS = ROOT / "workflow" / "scripts"
REQUIREMENTS = ROOT / "requirements-legacy.txt"


def seed_train(**trainer):
    """config.yaml's train settings with config/seed_engine.yaml's engine choices."""
    t = json.loads(json.dumps(CONFIG["train"]))
    for section, values in SEED_ENGINE.items():
        t[section].update(values)
    t["trainer"].update(trainer)
    return t


def overrides(train, device="cuda", nproc=8):
    return legacy.legacy_overrides(
        train, train_files="d/train.parquet", val_files="d/val.parquet", model_dir="m", trust_remote_code=True,
        ckpt_dir="ckpt", hydra_dir="hydra", nproc=nproc, device=device,
    )


def as_dict(items):
    return dict(item.split("=", 1) for item in items)


# ---- settings mapping ----


def test_seed_settings_map_to_the_seed_keys():
    train = seed_train()
    d, t = train["data"], train["trainer"]
    o = as_dict(overrides(train))
    assert o["data.multiturn.enable"] == "True" and o["data.multiturn.messages_key"] == "messages"
    assert o["model.partial_pretrain"] == str(Path("m").resolve())
    assert o["model.strategy"] == train["engine"]["strategy"]
    assert o["model.fsdp_config.model_dtype"] == train["engine"]["model_dtype"]
    assert o["model.enable_gradient_checkpointing"] == "True"  # seed_engine.yaml
    assert o["optim.lr_scheduler"] == "cosine"
    assert o["optim.betas"] == "[" + ",".join(str(b) for b in train["optim"]["betas"]) + "]"
    assert o["trainer.checkpoint.save_contents"] == "[" + ",".join(train["checkpoint"]["save_contents"]) + "]"
    assert o["trainer.logger"] == "[" + ",".join(["file"] + [x for x in t["logger"] if x != "file"]) + "]"
    assert o["data.train_batch_size"] == str(d["train_batch_size"])
    assert o["data.micro_batch_size_per_gpu"] == str(d["micro_batch_size_per_gpu"])
    assert o["+data.num_workers"] == str(d["num_workers"])
    assert o["trainer.n_gpus_per_node"] == "8" and o["trainer.device"] == "cuda"
    # verl 0.9.1's own keys never reach the legacy trainer.
    assert not [k for k in o if k.split(".")[0].lstrip("+") in ("engine", "checkpoint")]
    assert not {"data.messages_key", "data.use_dynamic_bsz", "model.path", "model.use_fused_kernels"} & set(o)


def test_cpu_runs_fp32_without_liger():
    o = as_dict(overrides(seed_train(), device="cpu", nproc=2))
    assert o["model.fsdp_config.model_dtype"] == "fp32"
    assert o["model.use_liger"] == "False" and o["trainer.device"] == "cpu"


def test_attention(monkeypatch):
    t = seed_train()
    t["model"]["attn_implementation"] = "auto"
    assert as_dict(overrides(t, device="cpu"))["+model.attn_implementation"] == "sdpa"
    monkeypatch.setattr(overrides_module.importlib.util, "find_spec", lambda name: object())  # flash_attn installed
    assert as_dict(overrides(t, device="cuda"))["+model.attn_implementation"] == "flash_attention_2"
    assert as_dict(overrides(t, device="cpu"))["+model.attn_implementation"] == "sdpa"


def test_extra_overrides_come_last():
    t = seed_train()
    t["extra_overrides"] = ["data.max_length=1024"]
    assert overrides(t)[-1] == "data.max_length=1024"


def test_settings_without_a_legacy_equivalent_are_named():
    with pytest.raises(PipelineError) as e:
        overrides(CONFIG["train"])  # the 0.9.1 defaults: dynamic batches, fused kernels, auto attention
    message = str(e.value)
    assert "train.data.use_dynamic_bsz" in message and "train.model.use_fused_kernels" in message
    t = seed_train()
    t["model"]["attn_implementation"] = "packed_varlen"
    t["optim"]["lr_scheduler_type"] = "constant"
    t["engine"]["pad_to_length"] = True
    message = str(pytest.raises(PipelineError, overrides, t).value)
    assert "train.model.attn_implementation: packed_varlen" in message
    assert "train.engine.pad_to_length: true" in message
    assert "train.optim.lr_scheduler_type: constant" in message


def test_trainer_module_by_release():
    assert select.for_release("0.6.1").module == "verl.trainer.fsdp_sft_trainer"
    assert select.for_release("0.9.1").module == "verl.trainer.sft_trainer"
    assert select.for_release("0.7.0") is None and select.for_release(None) is None


def test_transformers4_model_dir(tmp_path):
    model = tmp_path / "hf"
    model.mkdir()
    (model / "config.json").write_text("{}")
    (model / "tokenizer_config.json").write_text(json.dumps({"extra_special_tokens": ["<|im_start|>"]}))
    dest = legacy.transformers4_model_dir(model, tmp_path / "v4")
    assert json.loads((dest / "tokenizer_config.json").read_text()) == {"additional_special_tokens": ["<|im_start|>"]}
    assert (dest / "config.json").resolve() == (model / "config.json").resolve()
    assert legacy.transformers4_model_dir(dest, tmp_path / "again") == dest.resolve()


# ---- the grad_norm wrapper, on a stand-in for the legacy trainer ----


def fake_trainer_module(strategy):
    """A module shaped like verl 0.6.1's fsdp_sft_trainer where it matters: training_step calls
    the module's fsdp2_clip_grad_norm_ (fsdp2) or the model's clip_grad_norm_ (fsdp) and returns
    loss / lr(1e-3) / time only."""
    module = types.ModuleType("fake_fsdp_sft_trainer")
    module.fsdp2_clip_grad_norm_ = lambda params, max_norm: torch.tensor(2.5)

    class Model:
        def clip_grad_norm_(self, max_norm):
            return torch.tensor(4.0)

    class FSDPSFTTrainer:
        config = types.SimpleNamespace(model=types.SimpleNamespace(strategy=strategy))
        fsdp_model = Model()

        def training_step(self, batch):
            if strategy == "fsdp":
                self.fsdp_model.clip_grad_norm_(max_norm=1.0)
            else:
                module.fsdp2_clip_grad_norm_([], max_norm=1.0)
            return {"train/loss": 1.0, "train/lr(1e-3)": 0.02, "train/time(s)": 0.1}

    module.FSDPSFTTrainer = FSDPSFTTrainer
    return module


@pytest.mark.parametrize("strategy, norm", [("fsdp2", 2.5), ("fsdp", 4.0)])
def test_training_step_returns_the_norm_it_clipped_with(strategy, norm):
    module = fake_trainer_module(strategy)
    clip, model_clip = module.fsdp2_clip_grad_norm_, module.FSDPSFTTrainer.fsdp_model.clip_grad_norm_
    legacy_main.install_grad_norm(module)
    trainer = module.FSDPSFTTrainer()
    metrics = trainer.training_step(None)
    assert metrics == {"train/loss": 1.0, "train/lr(1e-3)": 0.02, "train/time(s)": 0.1, "train/grad_norm": norm,
                       "train/lr": 2e-5}
    # Only during the step: nothing stays wrapped.
    assert module.fsdp2_clip_grad_norm_ is clip
    assert "clip_grad_norm_" not in vars(trainer.fsdp_model)
    assert trainer.fsdp_model.clip_grad_norm_ == model_clip


# ---- the legacy trainer itself, on the CPU ----


def cache_dir():
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "bee-sft"


@pytest.fixture(scope="session")
def legacy_python():
    """A venv of requirements-legacy.txt, built once per version of that file (1-3 minutes)."""
    key = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:12]
    venv = cache_dir() / f"legacy-venv-{key}"
    python = venv / "bin" / "python"
    if (venv / ".complete").exists():
        return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    # Never a CUDA torch: what pip would take for the pin must be a CPU build.
    report = venv / "torch.json"
    subprocess.run([*pip, "--dry-run", "--no-deps", "--report", str(report), "torch==2.13.0"], check=True)
    torch_version = json.loads(report.read_text())["install"][0]["metadata"]["version"]
    if not torch_version.endswith("+cpu"):
        pytest.skip(f"pip would install torch {torch_version} here, not a CPU build")
    subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True)
    (venv / ".complete").touch()
    return python


@pytest.fixture(scope="session")
def probe_inputs(tmp_path_factory):
    """The tiny model (in a form transformers 4.57 loads) and 8 + 4 conversations."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    work = tmp_path_factory.mktemp("legacy_probe")
    settings = {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
                "num_key_value_heads": 2, "seed": 0}
    subprocess.run(
        [sys.executable, str(SCRIPTS / "tiny_model.py"), "--settings", json.dumps({"tiny_model": settings}),
         "--chat-template", str(ROOT / "resources" / "chat_template.jinja"),
         "--manifest", str(work / "tiny" / "manifest.json")],
        check=True, capture_output=True,
    )
    rows = lambda n: [  # noqa: E731
        [{"role": "user", "content": f"Print the sum of {i} and {i + 1}."},
         {"role": "assistant", "content": f"```python\nprint({i} + {i + 1})\n```"}]
        for i in range(n)
    ]
    for name, n in (("train", 8), ("val", 4)):
        pq.write_table(pa.table({"messages": rows(n)}), work / f"{name}.parquet")
    model = legacy.transformers4_model_dir(work / "tiny" / "hf", work / "model-transformers4")
    return work, model


PROBE_STEPS = 2


def run_probe(python, probe_inputs, tmp_path, nproc, entry=("-m", legacy.TRAINER.entry_module)):
    """Train PROBE_STEPS steps on the CPU; return (metrics per step, console output, {step: the
    poll of the metrics file that first found its line, while the trainer ran})."""
    work, model = probe_inputs
    train = seed_train(total_epochs=1, total_training_steps=PROBE_STEPS, save_freq=PROBE_STEPS,
                       test_freq=PROBE_STEPS, max_ckpt_to_keep=1, logger=["console"])
    train["data"].update(train_batch_size=2, micro_batch_size_per_gpu=1, max_length=256, num_workers=0)
    train["model"]["enable_gradient_checkpointing"] = False
    train["optim"]["lr_warmup_steps_ratio"] = 0.0
    hydra_overrides = legacy.legacy_overrides(
        train, train_files=work / "train.parquet", val_files=work / "val.parquet", model_dir=model,
        trust_remote_code=False, ckpt_dir=tmp_path / "ckpt", hydra_dir=tmp_path / "hydra", nproc=nproc, device="cpu",
    )
    cmd = [str(python), "-m", "torch.distributed.run", "--standalone", "--nnodes=1", f"--nproc_per_node={nproc}",
           *entry, *hydra_overrides]
    metrics_file = tmp_path / "metrics.jsonl"
    env = dict(os.environ, PYTHONPATH=str(SCRIPTS), VERL_USE_EXTERNAL_MODULES="pipeline.trainer.workers.worker_guard",
               VERL_FILE_LOGGER_PATH=str(metrics_file), HF_HUB_OFFLINE="1",
               OMP_NUM_THREADS=str(max(1, (os.cpu_count() or 1) // nproc)), TMPDIR=str(tmp_path))
    log = tmp_path / "probe.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT)
        first_seen, polls = {}, 0  # step -> the poll that first found its metrics line on disk
        while proc.poll() is None:
            for step in metrics.read_metrics(metrics_file):
                first_seen.setdefault(step, polls)
            polls += 1
            time.sleep(0.2)
    output = log.read_text(errors="replace")
    assert proc.returncode == 0, output[-6000:]
    return metrics.read_metrics(metrics_file), output, first_seen


def assert_grad_norm_logged(steps, output):
    for step in range(1, PROBE_STEPS + 1):
        norm = steps[step]["train/grad_norm"]
        assert math.isfinite(norm) and norm > 0
        assert steps[step]["train/lr"] == pytest.approx(steps[step]["train/lr(1e-3)"] / 1e3)
        assert f"step:{step} - " in output and "train/grad_norm:" in output
    assert "val/loss" in steps[PROBE_STEPS]


@pytest.fixture(scope="session")
def one_rank(legacy_python, probe_inputs, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("legacy_np1")
    return (*run_probe(legacy_python, probe_inputs, tmp, nproc=1), tmp)


def test_legacy_trainer_logs_grad_norm_each_step(one_rank):
    steps, output, first_seen, tmp = one_rank
    assert_grad_norm_logged(steps, output)
    # Each metrics line is on disk as its step ends, not when the logger closes: what the
    # launch's step timer needs.
    assert first_seen[1] < first_seen[2]
    # Checkpoint layout the train rule reads: the tracker, global_step_N, world size, hf_model.
    ckpt = tmp / "ckpt"
    assert (ckpt / "latest_checkpointed_iteration.txt").read_text() == str(PROBE_STEPS)
    saved = ckpt / f"global_step_{PROBE_STEPS}"
    assert json.loads((saved / "fsdp_config.json").read_text())["world_size"] == 1
    assert (saved / "huggingface" / "model.safetensors").exists() and (saved / "data.pt").exists()


def test_without_the_wrapper_grad_norm_is_not_logged(legacy_python, probe_inputs, tmp_path):
    script = tmp_path / "unwrapped.py"
    script.write_text(
        "import importlib\nfrom pipeline.trainer.workers import legacy_main\n"
        "trainer = importlib.import_module(legacy_main.TRAINER_MODULE)\n"
        "legacy_main.install_runtime(trainer)\ntrainer.main()\n"
    )
    steps, output, _ = run_probe(legacy_python, probe_inputs, tmp_path, nproc=1, entry=(str(script),))
    for step in range(1, PROBE_STEPS + 1):
        assert "train/loss" in steps[step] and "train/grad_norm" not in steps[step]
    assert "train/grad_norm" not in output


def test_two_ranks_log_the_global_grad_norm(legacy_python, probe_inputs, one_rank, tmp_path):
    steps, output, _ = run_probe(legacy_python, probe_inputs, tmp_path, nproc=2)
    assert_grad_norm_logged(steps, output)
    # Step 1 is the same global batch of equally long rows on 1 and 2 ranks: the same gradient,
    # so the same norm if it is the global one (each rank's own would be another number).
    assert steps[1]["train/grad_norm"] == pytest.approx(one_rank[0][1]["train/grad_norm"], rel=1e-3)


def test_the_verl_check_detects_the_legacy_trainer_and_proves_grad_norm(legacy_python, probe_inputs, tmp_path):
    """The verl_check rule's own script, run in the legacy environment: it picks the legacy trainer,
    launches its probe through pipeline/trainer/launch.py (the train rule's launch code) and finds grad_norm."""
    work, _ = probe_inputs
    report = tmp_path / "verl_check.json"
    proc = subprocess.run(
        [str(legacy_python), str(SCRIPTS / "verl_check.py"), "--model-manifest", str(work / "tiny" / "manifest.json"),
         "--settings", json.dumps({"verl_check": {"train": merged(CONFIG["train"], CONFIG["verl_check"]["train"])}}),
         "--report", str(report)],
        capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    result = json.loads(report.read_text())
    assert result["versions"]["verl"].startswith("0.6.")
    assert result["trainer_module"] == legacy.TRAINER.module
    assert "train/grad_norm" in result["probe"]["metrics_seen"]
    assert all(math.isfinite(g) and g > 0 for g in result["probe"]["grad_norm"])
