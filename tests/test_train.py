"""The training half: preflight, fingerprints, metrics across launches, kill-and-resume, ranks,
and the export check."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from smoke_training import metrics

import train_sft
import verl_check
from pipeline.common.cli import PipelineError
from pipeline.trainer import current, launch, legacy, memory, select
from pipeline.trainer.metrics import merge_launch_metrics, throughput
from pipeline.trainer.plan import training_plan

CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
MAIN_TRAIN = CONFIG["train"]
VERL_09 = current.TRAINER.module


def smoke_train(**trainer):
    t = json.loads(json.dumps(MAIN_TRAIN))
    t["data"].update(train_batch_size=4, use_dynamic_bsz=False)
    t["trainer"].update(total_epochs=1, total_training_steps=10, save_freq=5, test_freq=5)
    t["optim"]["lr_warmup_steps_ratio"] = 0.1
    t["trainer"].update(trainer)
    return t


def preflight_errors(train, n_train=200, n_val=8, nproc=1, free=10**12, params=10**7, ckpt_dir="/nonexistent"):
    plan = training_plan(n_train, n_val, train, dp_size=nproc)
    train, _ = memory.resolve(train, current.TRAINER, "m", nproc, "cpu", None)  # as the train rule passes it
    try:
        train_sft.preflight(plan, train, nproc, Path(ckpt_dir), free, params, "cuda")
    except PipelineError as e:
        return str(e)
    return ""


def test_preflight_passes_the_smoke_settings():
    assert preflight_errors(smoke_train()) == ""


def test_preflight_batch_divisibility():
    t = smoke_train()
    t["data"]["micro_batch_size_per_gpu"] = 3
    assert "not divisible by 1 ranks x micro_batch_size_per_gpu 3" in preflight_errors(t)
    assert "train_batch_size 4 is not divisible by 3 ranks" in preflight_errors(smoke_train(), nproc=3)
    t["data"]["use_dynamic_bsz"] = True  # token-budget micro-batches: no micro-batch divisibility
    assert preflight_errors(t) == ""
    t["data"]["max_token_len_per_gpu"] = 2048
    assert "max_token_len_per_gpu 2048 is below max_length 4096" in preflight_errors(t)


def test_preflight_val_smaller_than_batch():
    assert "validation has 3 rows, fewer than train.data.train_batch_size 4" in preflight_errors(smoke_train(), n_val=3)


def test_preflight_total_steps_beyond_the_epochs():
    assert "total_training_steps 60 exceeds total_epochs x steps per epoch = 1 x 50" in preflight_errors(
        smoke_train(total_training_steps=60)
    )


def test_preflight_warmup_that_floors_to_zero():
    t = smoke_train()
    t["optim"]["lr_warmup_steps_ratio"] = 0.05  # the seed's ratio over the seed's 10 smoke steps
    assert "gives 0 warmup steps" in preflight_errors(t)


def test_preflight_disk_space_for_the_kept_checkpoints():
    # The seed's 7B main run: 7.6B parameters, bf16, model + optimizer + hf_model, keep 5.
    errors = preflight_errors(MAIN_TRAIN, n_train=200_000, n_val=4_000, nproc=8, free=200 * 10**9, params=7_615_616_512)
    assert "needs ~365.5 GB free for 6 checkpoints of ~60.9 GB (7.62B parameters" in errors


def test_preflight_world_size_of_the_checkpoint(tmp_path):
    (tmp_path / "global_step_5").mkdir()
    (tmp_path / "global_step_5" / "fsdp_config.json").write_text('{"FSDP_version": 2, "world_size": 2}')
    (tmp_path / "latest_checkpointed_iteration.txt").write_text("5")
    assert "was saved by 2 ranks and this launch has 1" in preflight_errors(smoke_train(), ckpt_dir=tmp_path)


def test_fingerprint_follows_what_is_learned(tmp_path):
    data = tmp_path / "train.parquet"
    data.write_bytes(b"rows")
    base, _ = train_sft.fingerprint(smoke_train(), {"train": data}, "cpu", VERL_09)
    logging_only = smoke_train(project_name="other", experiment_name="x", logger=["console"], save_freq=2)
    assert train_sft.fingerprint(logging_only, {"train": data}, "cpu", VERL_09)[0] == base
    lr = smoke_train()
    lr["optim"]["lr"] = 1e-4
    assert train_sft.fingerprint(lr, {"train": data}, "cpu", VERL_09)[0] != base
    assert train_sft.fingerprint(smoke_train(), {"train": data}, "cuda", VERL_09)[0] != base
    assert train_sft.fingerprint(smoke_train(), {"train": data}, "cpu", legacy.TRAINER.module)[0] != base
    data.write_bytes(b"other rows")
    assert train_sft.fingerprint(smoke_train(), {"train": data}, "cpu", VERL_09)[0] != base


def test_metrics_merge_across_launches(tmp_path):
    (tmp_path / "launch-0.jsonl").write_text(
        '{"step": 1, "data": {"train/loss": 3.0}}\n{"step": 2, "data": {"train/loss": 2.9}}\n'
        '{"step": 2, "data": {"val/loss": 3.1}}\n{"step": 3, "data": {"train/l'  # cut short by a kill
    )
    (tmp_path / "launch-1.jsonl").write_text('{"step": 3, "data": {"train/loss": 2.5}}\n')
    assert merge_launch_metrics(tmp_path) == [
        {"step": 1, "train/loss": 3.0},
        {"step": 2, "train/loss": 2.9, "val/loss": 3.1},
        {"step": 3, "train/loss": 2.5},
    ]


def test_mfu_over_a_window_is_its_flops_over_its_time():
    # The 1.5B defaults' 10 timed steps on an H200 (benchmarks/results/2026-12-03/
    # h200_gpu_sft_1.5b_triton_vs_torch_s12.json): two steps of ~7 s while Triton compiled again.
    mfu = [0.1053, 0.4659, 0.4694, 0.4638, 0.469, 0.4686, 0.4661, 0.4698, 0.1019, 0.4675]
    seconds = [6.61, 1.602, 1.602, 1.803, 1.803, 1.602, 1.802, 1.803, 7.811, 1.602]
    warm_up = [{"step": 1, "train/mfu": 0.01, "train/global_tokens": 82_000},  # a launch's first step: no wall time
               {"step": 2, "step_seconds": 9.0, "train/mfu": 0.05, "train/global_tokens": 82_000}]
    rows = warm_up + [{"step": 3 + i, "step_seconds": s, "train/mfu": m, "train/global_tokens": 82_000}
                      for i, (m, s) in enumerate(zip(mfu, seconds))]
    measured = throughput(rows, nproc=1, skip=2)
    assert measured["steps_timed"] == 10
    assert measured["mfu"] == pytest.approx(0.2803, abs=1e-4)  # the plain mean of the steps is 0.3947
    assert measured["tokens_per_s_per_gpu"] == pytest.approx(820_000 / sum(seconds), abs=0.1)
    # Steps of equal time weigh alike; a window without MFU (the legacy trainer's) has none.
    flat = [{"step": s, "step_seconds": 2.0, "train/mfu": m} for s, m in ((3, 0.4), (4, 0.5))]
    assert throughput(flat, nproc=1)["mfu"] == pytest.approx(0.45)
    assert throughput([{"step": 3, "step_seconds": 2.0}], nproc=1)["mfu"] is None


def test_overrides_carry_the_seed_settings(tmp_path):
    q7_model_dir(tmp_path)
    main, engine = memory.resolve(MAIN_TRAIN, current.TRAINER, tmp_path, 8, "cuda", (1000, 600), gpu_bytes=H100)
    o = current.overrides(
        main, train_files="t.parquet", val_files="v.parquet", model_dir="m", trust_remote_code=True,
        ckpt_dir="c", hydra_dir="h", nproc=8, device="cuda",
    )
    for expected in ("data.train_batch_size=128", "data.use_dynamic_bsz=True",
                     f"data.max_token_len_per_gpu={engine['max_token_len_per_gpu']}",
                     "data.max_length=4096", "data.truncation=right", "model.trust_remote_code=True",
                     "model.use_fused_kernels=True", "model.use_liger=True",
                     f"model.enable_gradient_checkpointing={engine['checkpointed_layers'] > 0}",
                     f"engine.reshard_after_forward={engine['reshard_after_forward']}",
                     "engine.strategy=fsdp2", "engine.model_dtype=bf16", "optim.lr=2e-05", "optim.betas=[0.9,0.95]",
                     "optim.weight_decay=0.01", "optim.lr_warmup_steps_ratio=0.05", "optim.clip_grad=1.0",
                     "optim.lr_scheduler_type=cosine", "trainer.total_epochs=2", "trainer.save_freq=500",
                     "trainer.test_freq=500", "trainer.max_ckpt_to_keep=5", "trainer.resume_mode=auto",
                     "trainer.project_name=rlvr_coding_model", "trainer.n_gpus_per_node=8",
                     "trainer.logger=[file,console,wandb]",
                     "checkpoint.save_contents=[model,optimizer,extra,hf_model]",
                     "+model.override_config.attn_implementation=packed_varlen",
                     "model.fused_kernel_options.impl_backend=triton"):
        assert expected in o
    on_cpu, plan = memory.resolve(MAIN_TRAIN, current.TRAINER, "m", 1, "cpu", None)
    assert plan is None
    cpu = current.overrides(
        on_cpu, train_files="t", val_files="v", model_dir="m", trust_remote_code=False, ckpt_dir="c",
        hydra_dir="h", nproc=1, device="cpu",
    )
    assert "engine.model_dtype=fp32" in cpu and "+engine.mixed_precision.param_dtype=fp32" in cpu
    assert "model.use_liger=False" in cpu and "model.enable_gradient_checkpointing=False" in cpu
    assert "model.fused_kernel_options.impl_backend=torch" in cpu
    assert f"data.max_token_len_per_gpu={memory.CPU_TOKENS_PER_MICRO_BATCH}" in cpu


# ---- the engine's memory model and the `auto` choices (pipeline/trainer/memory.py) ----

# Qwen2.5-Coder's published shapes, and the cards' memory as torch reports it.
Q15 = memory.Shape(1_543_714_304, 28, 1536, 8960)
Q7 = memory.Shape(7_615_616_512, 28, 3584, 18944)
Q7_CONFIG = {"num_hidden_layers": 28, "hidden_size": 3584, "intermediate_size": 18944}
H100, H200 = 81_559 * 2**20, 143_771 * 2**20


def q7_model_dir(path):
    """A 7B model directory as the memory model reads it: its config, and a weights file's header
    alone (what count_parameters reads)."""
    (path / "config.json").write_text(json.dumps(Q7_CONFIG))
    header = json.dumps({"w": {"dtype": "BF16", "shape": [Q7.parameters], "data_offsets": [0, 2 * Q7.parameters]}})
    (path / "model.safetensors").write_bytes(len(header).to_bytes(8, "little") + header.encode())


@pytest.mark.parametrize("shape,gpus,tokens,checkpointed,reshard,measured_gib", [
    # benchmarks/RESULTS.md: verl's perf/max_memory_allocated_gb (GiB) of each run
    (Q15, 1, 16384, 0, True, 47.2),  # one H100 and one H200
    (Q15, 1, 16384, 28, True, 15.8),  # one H100
    (Q7, 4, 16384, 28, True, 23.4),  # 4 H100s
    (Q7, 4, 8192, 0, True, 55.5),
    (Q7, 4, 8192, 0, False, 68.3),
    (Q7, 1, 16384, 28, True, 71.1),  # one H200
    (Q7, 1, 8192, 0, True, 98.7),
])
def test_the_memory_model_predicts_the_measured_peaks(shape, gpus, tokens, checkpointed, reshard, measured_gib):
    predicted = memory.peak_bytes(shape, gpus, tokens, checkpointed, reshard) / memory.GIB
    assert predicted == pytest.approx(measured_gib, rel=0.06)


def test_the_peak_of_balanced_parts_is_predicted_beside_the_bound():
    # 1.5B on one H200, batch 64 (benchmarks/RESULTS.md, 2026-12-02): rows of 1121.5 +- 794.15 tokens,
    # a heavy step of 84,483; verl split the steps into parts well under a 32k budget.
    step = memory.rank_tokens((1121.5, 794.15), 64, 1)
    assert step == 84483
    assert memory.balanced_part(step, 32768) == 28161 and memory.balanced_part(step, 43008) == 42242
    assert memory.balanced_part(2000, 4096) == 2000  # one part: the step itself
    plan = auto_plan(Q15, 1, H200, batch=64, row_tokens=(1121.5, 794.15), data__max_token_len_per_gpu=32768)
    assert plan["predicted_peak_balanced_gib"] == pytest.approx(70.2, rel=0.03)  # measured 70.2
    assert plan["predicted_peak_gib"] > 1.1 * 70.2  # the bound the choice keeps under the margin


def test_fixed_micro_batches_are_planned_for_rows_of_max_length():
    # The seed's engine (2 rows per micro-batch, every layer checkpointed), 1.5B on one H200, batch 16
    # (benchmarks/RESULTS.md, 2026-12-03): measured 15.5 GiB. Planned as a token budget it was 18.7 GiB
    # (the step's 27k tokens in one micro-batch), 20% high.
    plan = auto_plan(Q15, 1, H200, batch=16, row_tokens=(1143.5, 1000), data__use_dynamic_bsz=False,
                     model__enable_gradient_checkpointing=True)
    assert plan["max_token_len_per_gpu"] == 2 * 4096 and plan["checkpointed_layers"] == 28
    assert plan["predicted_peak_gib"] == plan["predicted_peak_balanced_gib"] == pytest.approx(15.5, rel=0.10)


def auto_plan(shape, gpus, card, batch=128, row_tokens=(1000, 700), **changes):
    train = json.loads(json.dumps(MAIN_TRAIN))
    train["data"]["train_batch_size"] = batch
    for key, value in changes.items():
        section, name = key.split("__")
        train[section][name] = value
    return memory.choose(train, shape, gpus, card, row_tokens)


def test_checkpointing_only_as_many_layers_as_memory_needs():
    # 1.5B on one H200: everything kept, micro-batches far larger than 16k.
    plan = auto_plan(Q15, 1, H200, batch=64)
    assert plan["checkpointed_layers"] == 0 and plan["max_token_len_per_gpu"] > 16384 and plan["fits"]
    # 7B at 16k tokens on one H200: some layers, not all (the old `auto` checkpointed all 28).
    plan = auto_plan(Q7, 1, H200, data__max_token_len_per_gpu=16384)
    assert 0 < plan["checkpointed_layers"] < 28
    fewer = memory.peak_bytes(Q7, 1, 16384, plan["checkpointed_layers"] - 1)
    assert fewer > 0.9 * H200 >= memory.peak_bytes(Q7, 1, 16384, plan["checkpointed_layers"])
    # Every choice leaves the margin free, on any card and any number of GPUs.
    for shape, gpus, card in ((Q15, 1, H100), (Q7, 1, H100), (Q7, 1, H200), (Q7, 4, H100), (Q7, 8, H100)):
        plan = auto_plan(shape, gpus, card)
        assert plan["fits"] and plan["predicted_peak_gib"] <= round(0.9 * card / memory.GIB, 1) + 0.05
        assert plan["max_token_len_per_gpu"] % memory.TOKEN_STEP == 0 and plan["max_token_len_per_gpu"] >= 4096


def test_gathered_weights_are_kept_only_across_gpus_and_where_they_fit():
    assert auto_plan(Q15, 1, H200)["reshard_after_forward"] is True  # one GPU: nothing to gather
    assert auto_plan(Q15, 8, H200)["reshard_after_forward"] is False  # small model, memory to spare
    # A fixed token budget that leaves no room for the gathered copy keeps resharding.
    assert auto_plan(Q7, 4, H100, data__max_token_len_per_gpu=12288)["reshard_after_forward"] is True


def test_settings_set_by_hand_are_kept():
    plan = auto_plan(Q7, 4, H100, data__max_token_len_per_gpu=8192, engine__reshard_after_forward=False,
                     model__enable_gradient_checkpointing=False)
    assert (plan["max_token_len_per_gpu"], plan["checkpointed_layers"], plan["reshard_after_forward"]) == (8192, 0, False)
    assert plan["chosen"] == ["checkpointed_layers"]
    assert auto_plan(Q7, 1, H200, model__enable_gradient_checkpointing=True)["checkpointed_layers"] == 28
    assert auto_plan(Q7, 1, H200, model__checkpointed_layers=5)["checkpointed_layers"] == 5
    # Nothing fits: the least memory is chosen and said not to fit (the train rule warns).
    plan = auto_plan(Q7, 1, H100, model__enable_gradient_checkpointing=False)
    assert not plan["fits"] and plan["max_token_len_per_gpu"] == 4096
    with pytest.raises(PipelineError, match="checkpointed_layers 3 with train.model.enable_gradient_checkpointing false"):
        train = json.loads(json.dumps(MAIN_TRAIN))
        train["model"].update(enable_gradient_checkpointing=False, checkpointed_layers=3)
        memory.resolve(train, current.TRAINER, "m", 1, "cpu", None)


def test_the_fused_kernel_is_triton_on_a_gpu_where_the_model_fits_it(tmp_path):
    q7_model_dir(tmp_path)

    def backend(setting, device, model_dir=tmp_path):
        train = json.loads(json.dumps(MAIN_TRAIN))
        train["model"]["fused_kernel_backend"] = setting
        resolved, _ = memory.resolve(train, current.TRAINER, model_dir, 1, device, (1000, 600), gpu_bytes=H200)
        return resolved["model"]["fused_kernel_backend"]

    assert MAIN_TRAIN["model"]["fused_kernel_backend"] == "auto"
    assert (backend("auto", "cuda"), backend("auto", "cpu"), backend("torch", "cuda")) == ("triton", "torch", "torch")
    with pytest.raises(PipelineError, match="fused_kernel_backend: triton needs a GPU"):
        backend("triton", "cpu")
    # verl's Triton kernel asserts a hidden size divisible by 128: such a model keeps the torch backend.
    (tmp_path / "config.json").write_text(json.dumps({**Q7_CONFIG, "hidden_size": 3500}))
    assert backend("auto", "cuda") == "torch"
    with pytest.raises(PipelineError, match="divisible by 128 \\(the model's is 3500\\)"):
        backend("triton", "cuda")


def test_packed_micro_batches_are_padded_to_the_bucket_on_a_gpu(tmp_path):
    q7_model_dir(tmp_path)

    def resolved(device, trainer=current.TRAINER, **engine):
        train = json.loads(json.dumps(MAIN_TRAIN))
        train["engine"].update(engine)
        return memory.resolve(train, trainer, tmp_path, 1, device, (1000, 600), gpu_bytes=H200)[0]

    on_gpu = resolved("cuda", pad_to_length="auto")
    assert on_gpu["engine"]["pad_to_length"] is True
    o = current.overrides(on_gpu, train_files="t", val_files="v", model_dir="m", trust_remote_code=False,
                          ckpt_dir="c", hydra_dir="h", nproc=1, device="cuda")
    assert "engine.pad_to_length=True" in o
    assert f"engine.pad_to_length_bucket={MAIN_TRAIN['engine']['pad_to_length_bucket']}" in o
    # No Triton kernels on a CPU; the legacy trainer has no such setting; a value set by hand is kept.
    assert resolved("cpu", pad_to_length="auto")["engine"]["pad_to_length"] is False
    assert resolved("cuda", legacy.TRAINER, pad_to_length="auto")["engine"]["pad_to_length"] is False
    assert resolved("cuda", pad_to_length=False)["engine"]["pad_to_length"] is False
    assert resolved("cpu", pad_to_length=True)["engine"]["pad_to_length"] is True
    # Padding needs packed micro-batches: without them auto is off, and true is an error.
    train = json.loads(json.dumps(MAIN_TRAIN))
    train["model"]["use_remove_padding"] = False
    train["engine"]["pad_to_length"] = "auto"
    assert memory.resolve(train, current.TRAINER, tmp_path, 1, "cuda", (1000, 600),
                          gpu_bytes=H200)[0]["engine"]["pad_to_length"] is False
    train["engine"]["pad_to_length"] = True
    with pytest.raises(PipelineError, match="pad_to_length: true pads packed micro-batches"):
        memory.resolve(train, current.TRAINER, tmp_path, 1, "cuda", (1000, 600), gpu_bytes=H200)
    # A micro-batch may grow by up to a bucket less one token: its peak is planned for that.
    unpadded = json.loads(json.dumps(MAIN_TRAIN))
    unpadded["engine"]["pad_to_length"] = False
    _, plan = memory.resolve(unpadded, current.TRAINER, tmp_path, 1, "cuda", (1000, 600), gpu_bytes=H200)
    big = json.loads(json.dumps(unpadded))
    big["engine"].update(pad_to_length=True, pad_to_length_bucket=8192)
    big["data"]["max_token_len_per_gpu"] = plan["max_token_len_per_gpu"]
    _, padded = memory.resolve(big, current.TRAINER, tmp_path, 1, "cuda", (1000, 600), gpu_bytes=H200)
    tokens, layers = plan["max_token_len_per_gpu"], padded["checkpointed_layers"]
    assert padded["predicted_peak_gib"] * memory.GIB == pytest.approx(
        memory.peak_bytes(Q7, 1, tokens + 8191, layers), rel=1e-3)
    assert layers > plan["checkpointed_layers"]  # more layers checkpointed to keep the margin


def test_the_legacy_trainer_checkpoints_all_layers_or_none():
    train = json.loads(json.dumps(MAIN_TRAIN))
    train["data"]["max_token_len_per_gpu"] = 16384
    plan = memory.choose(train, Q7, 1, H200, (1000, 700), selective=False, gather=False)
    assert plan["checkpointed_layers"] == 28 and plan["reshard_after_forward"] is True


def test_only_the_first_layers_are_checkpointed(monkeypatch):
    """workers/checkpointed_layers.py on a 3-layer Qwen2: the first layer rebuilds its activations,
    the others keep theirs, and the gradients are those of no checkpointing."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    import pipeline.trainer.workers.checkpointed_layers  # noqa: F401  (patches gradient_checkpointing_enable)

    def model():
        torch.manual_seed(0)
        return Qwen2ForCausalLM(Qwen2Config(vocab_size=128, hidden_size=32, intermediate_size=64, num_hidden_layers=3,
                                            num_attention_heads=4, num_key_value_heads=2)).float().train()

    ids = torch.randint(0, 128, (1, 24), generator=torch.Generator().manual_seed(1))
    grads = {}
    for count in (None, "1"):
        if count:
            monkeypatch.setenv("PIPELINE_CHECKPOINTED_LAYERS", count)
        m = model()
        m.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        recomputed = []
        for i, layer in enumerate(m.model.layers):  # (forward hooks do not fire in a recompute)
            layer.mlp.forward = lambda x, forward=layer.mlp.forward, i=i: (recomputed.append(i), forward(x))[1]
        m(input_ids=ids, labels=ids).loss.backward()
        grads[count] = {n: p.grad for n, p in m.named_parameters()}
        flags = [layer.gradient_checkpointing for layer in m.model.layers]
        assert flags == ([True] * 3 if count is None else [True, False, False])
        assert sorted(recomputed) == ([0, 0, 1, 1, 2, 2] if count is None else [0, 0, 1, 2])
    for name, grad in grads[None].items():
        torch.testing.assert_close(grads["1"][name], grad)


def test_verl_check_rejects_unsupported_versions_and_missing_grad_norm(monkeypatch, tmp_path):
    monkeypatch.setattr(select, "installed_verl", lambda: "0.7.0")
    p = verl_check.cli.parser("x")
    p.add_argument("--model-manifest")
    p.add_argument("--settings")
    p.add_argument("--report")
    with pytest.raises(SystemExit):
        verl_check.cli.run(verl_check.main, p, ["--model-manifest", "m", "--settings", "{}",
                                                "--report", str(tmp_path / "r.json"), "--log", str(tmp_path / "log")])
    assert ("verl 0.7.0 is installed; the pipeline supports verl 0.6.x (verl.trainer.fsdp_sft_trainer), "
            "0.9.x (verl.trainer.sft_trainer)") in (tmp_path / "log").read_text()
    steps = {1: {"train/loss": 1.0, "train/lr": 1e-5, "train/grad_norm": 2.0}, 2: {"train/loss": 1.0, "train/lr": 1e-5}}
    with pytest.raises(PipelineError, match=r"step 2 logged train/grad_norm=None"):
        verl_check.check_metrics(steps, 2)


# --- end to end on the smoke run ---------------------------------------------------------------


def test_two_ranks_learn_what_one_rank_learns(smoke_workdir, two_rank_workdir):
    two, one = metrics(two_rank_workdir), metrics(smoke_workdir)
    assert json.loads((two_rank_workdir / "results/smoke/train/done.json").read_text())["nproc"] == 2
    assert len(two) == len(one) == 10
    for a, b in zip(two, one):
        assert a["train/loss"] == pytest.approx(b["train/loss"], abs=1e-5)
        if "val/loss" in b:
            assert a["val/loss"] == pytest.approx(b["val/loss"], abs=1e-5)


def test_export_is_verified_and_a_corrupted_export_fails(smoke_workdir, tmp_path):
    import export
    from safetensors.torch import load_file, save_file

    report = json.loads((smoke_workdir / "results/smoke/export.json").read_text())
    assert report["check"]["passed"] and report["check"]["max_weight_diff"] == 0.0
    step_dir = smoke_workdir / report["checkpoint"]
    val = smoke_workdir / "results/smoke/data/sft_val.parquet"
    corrupted = Path(shutil.copytree(smoke_workdir / "results/smoke/hf_model", tmp_path / "hf"))
    weights = load_file(corrupted / "model.safetensors")
    name = next(k for k in weights if "layers.1.mlp.down_proj" in k)
    weights[name] = weights[name] * 1.5
    save_file(weights, corrupted / "model.safetensors", metadata={"format": "pt"})
    check = export.verify(corrupted, step_dir, "bf16", val)
    assert not check["passed"] and check["max_weight_diff"] > 0 and check["max_logit_diff"] > 1e-3

    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(smoke_workdir / "results/smoke/hf_model")
    assert str(model.dtype) == "torch.bfloat16"


LISTENER = "from multiprocessing.connection import Listener\nListener(family='AF_UNIX').close()\n"


def test_the_workers_tmpdir_holds_a_unix_socket_however_deep_the_work_dir(tmp_path):
    """Data-loader workers talk over a Unix socket in TMPDIR/pymp-*/; seen failing on a GPU machine
    from a benchmark's deep work directory ("AF_UNIX path too long")."""
    from pipeline.trainer import launch

    import tempfile

    shallow, deep = Path(tempfile.mkdtemp(prefix="w")), tmp_path / ("deep-" * 16) / "checkpoints" / ("0" * 16)
    assert launch.scratch_dir(shallow) == shallow / "tmp"
    assert launch.scratch_dir(deep) == launch.scratch_dir(deep) != deep / "tmp"  # the same for every launch
    for tmpdir, ok in ((deep / "tmp", False), (launch.scratch_dir(deep), True)):
        tmpdir.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run([sys.executable, "-c", LISTENER], env=dict(os.environ, TMPDIR=str(tmpdir)),
                              capture_output=True, text=True)
        assert (proc.returncode == 0) == ok, proc.stderr
        assert ok or "AF_UNIX path too long" in proc.stderr


def test_a_launch_waits_for_the_process_still_saving_in_its_checkpoint_directory(tmp_path):
    """A job stopped by a signal may still be saving when its retry starts: the retry waits for
    the directory's lock (and gives up, naming the directory, after its wait)."""
    import fcntl
    import threading

    holder = open(tmp_path / ".lock", "w")
    fcntl.flock(holder, fcntl.LOCK_EX)
    with pytest.raises(PipelineError, match=f"another training process has been using {tmp_path} for over 1 s"):
        train_sft.wait_for_lock(open(tmp_path / ".lock", "w"), tmp_path, wait=1)
    threading.Timer(1.0, lambda: fcntl.flock(holder, fcntl.LOCK_UN)).start()
    start = time.time()
    train_sft.wait_for_lock(open(tmp_path / ".lock", "w"), tmp_path, wait=30)
    assert 0.9 < time.time() - start < 10


# A CPU rank's allocation pattern in the fused log-prob kernel: a few hundred MB, freed, again.
ALLOCATE_AND_FREE = """
import resource
for _ in range(20):
    block = bytearray(300 * 2**20)
    del block
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt)
"""


def test_cpu_ranks_keep_freed_memory_instead_of_faulting_it_in_again(tmp_path):
    def page_faults(env):
        return int(subprocess.run([sys.executable, "-c", ALLOCATE_AND_FREE], env=env, capture_output=True,
                                  text=True, check=True).stdout)

    def workers_env(device, **preset):
        os.environ.update(preset)
        try:
            return launch.environment(current.TRAINER, device=device, nproc=1, metrics_file=tmp_path / "m.jsonl",
                                      work_dir=tmp_path)
        finally:
            for name in preset:
                del os.environ[name]

    cpu = workers_env("cpu")
    assert cpu["MALLOC_MMAP_THRESHOLD_"] == cpu["MALLOC_TRIM_THRESHOLD_"] == str(launch.CPU_MALLOC_KEEP_BYTES)
    # Each 300 MB block is 76,800 pages: faulted in once with the workers' settings, 20 times without.
    assert page_faults(cpu) < 3 * 76_800 < 15 * 76_800 < page_faults(workers_env("cuda"))
    assert "MALLOC_MMAP_THRESHOLD_" not in workers_env("cuda")
    assert workers_env("cpu", MALLOC_MMAP_THRESHOLD_="1048576")["MALLOC_MMAP_THRESHOLD_"] == "1048576"  # the user's
