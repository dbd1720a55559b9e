"""A model with an untied lm_head (Qwen2.5-Coder-7B has one) trained on more than one rank with
verl's fused log-prob kernel (the default). verl 0.9.1 shards such an lm_head as its own FSDP2 unit
and its fused kernel then fails on the first step ("got mixed torch.Tensor and DTensor", first
seen on 4 H100s); pipeline/trainer/workers/untied_lm_head.py keeps it in the root unit. Here: the smoke
run through the train rule with the tiny model untied, two CPU ranks."""

import json
import shutil

import pytest
import torch
from conftest import snakemake, write_config_override
from transformers import AutoConfig, AutoModelForCausalLM


@pytest.fixture(scope="module")
def untied_workdir(smoke_workdir, tmp_path_factory):
    dest = tmp_path_factory.mktemp("untied") / "w"
    shutil.copytree(smoke_workdir, dest, symlinks=True, ignore=shutil.ignore_patterns("checkpoints"))
    tiny = dest / "results/models/tiny/hf"
    config = AutoConfig.from_pretrained(tiny)
    config.tie_word_embeddings = False
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(config)
    untied = dest / "untied-model"
    model.save_pretrained(untied)
    for f in tiny.iterdir():
        if f.name.startswith("tokenizer") or f.suffix == ".jinja":
            shutil.copy2(f, untied / f.name)
    return dest


def test_untied_lm_head_trains_on_two_ranks_with_fused_kernels(untied_workdir):
    override = write_config_override(untied_workdir, {"runs": {"smoke": {
        "model": {"source": "local", "local_path": str(untied_workdir / "untied-model")},
        "train": {
            "gpus": 2,
            "model": {"use_fused_kernels": True},
            "optim": {"lr_warmup_steps_ratio": 0.5},
            "trainer": {"total_training_steps": 2, "save_freq": 2, "test_freq": 2},
        },
    }}})
    snakemake(untied_workdir, "results/smoke/train/done.json", "--configfile", str(override))
    done = json.loads((untied_workdir / "results/smoke/train/done.json").read_text())
    assert done["nproc"] == 2 and done["final_step"] == 2
    untied = json.loads((untied_workdir / "untied-model/config.json").read_text())
    assert untied["tie_word_embeddings"] is False
    log = (untied_workdir / "results/smoke/logs/train.log").read_text()
    assert "model.use_fused_kernels=True" in log
