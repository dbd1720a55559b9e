"""verl 0.6.x's legacy SFT trainer (`verl.trainer.fsdp_sft_trainer`, the seed's), for clusters
frozen on it: the pipeline's train settings (verl 0.9.1's names) mapped to the legacy trainer's
keys, the settings it has no equivalent for rejected by name, and the model directory its
transformers 4 can load. What changes inside its workers: workers/legacy_main.py."""

import json
from pathlib import Path

from pipeline.common.cli import PipelineError
from pipeline.trainer.overrides import (
    Trainer,
    absolute,
    attention_implementation,
    hydra_overrides,
    trainer_overrides,
)

def unsupported(train):
    """The settings the legacy trainer cannot honour, each with what to set instead."""
    d, m, o = train["data"], train["model"], train["optim"]
    problems = []
    if d["use_dynamic_bsz"]:
        problems.append("train.data.use_dynamic_bsz: true (token-budget micro-batches); set it to false "
                        "(micro-batches of micro_batch_size_per_gpu rows)")
    if d["balance_tokens_across_ranks"]:
        problems.append("train.data.balance_tokens_across_ranks: true (dealing batches by tokens); set it to false")
    if m["use_fused_kernels"]:
        problems.append("train.model.use_fused_kernels: true (verl's fused log-prob kernel); set it to false")
    if m["attn_implementation"] == "packed_varlen":
        problems.append("train.model.attn_implementation: packed_varlen (needs verl's packed micro-batches); "
                        "use auto, sdpa, eager or flash_attention_2")
    if m["checkpointed_layers"] not in ("auto", 0, None):
        problems.append(f"train.model.checkpointed_layers: {m['checkpointed_layers']} (checkpointing some layers, "
                        "not all); use auto")
    if train["engine"]["reshard_after_forward"] is False:
        problems.append("train.engine.reshard_after_forward: false (FSDP2 keeping gathered weights); use auto")
    if train["engine"]["pad_to_length"] is True:
        problems.append("train.engine.pad_to_length: true (packed micro-batches padded to a bucket); use auto")
    if o["lr_scheduler_type"] != "cosine":
        problems.append(f"train.optim.lr_scheduler_type: {o['lr_scheduler_type']} (the legacy trainer has "
                        "cosine and wsd only); use cosine")
    return problems


def legacy_overrides(train, *, train_files, val_files, model_dir, trust_remote_code, ckpt_dir, hydra_dir,
                     nproc, device, nnodes=1):
    """Hydra overrides for `python -m pipeline.trainer.workers.legacy_main` (verl 0.6.x): the
    contract of current.overrides(), with the legacy trainer's keys (seed section 6)."""
    problems = unsupported(train)
    if problems:
        raise PipelineError("verl 0.6.x's legacy SFT trainer has no equivalent of:\n  - " + "\n  - ".join(problems))
    d, m, e, o, t = (train[k] for k in ("data", "model", "engine", "optim", "trainer"))
    train_files, val_files, model_dir, ckpt_dir, hydra_dir = absolute(
        train_files, val_files, model_dir, ckpt_dir, hydra_dir)
    items = {
        "data.train_files": train_files,
        "data.val_files": val_files,
        "data.multiturn.enable": True,
        "data.multiturn.messages_key": "messages",
        **{f"data.{k}": d[k] for k in ("train_batch_size", "micro_batch_size_per_gpu", "max_length", "truncation")},
        # The loss of a micro-batch divided by its tokens over all ranks (the seed's setting).
        "data.balance_dp_token": True,
        "+data.num_workers": d["num_workers"],
        "model.partial_pretrain": model_dir,
        "model.trust_remote_code": trust_remote_code,
        "model.enable_gradient_checkpointing": m["enable_gradient_checkpointing"],
        "model.lora_rank": m["lora_rank"],
        # Liger's kernels are triton: GPU only.
        "model.use_liger": m["use_liger"] and device == "cuda",
        "+model.attn_implementation": attention_implementation(m["attn_implementation"], device, fallback="sdpa"),
        "model.strategy": e["strategy"],
        # The weights' dtype; the legacy trainer computes in bf16 everywhere (hard-coded autocast).
        "model.fsdp_config.model_dtype": e["model_dtype"] if device == "cuda" else "fp32",
        # The legacy trainer unpads only with Ulysses sequence parallelism, which the pipeline leaves off.
        "use_remove_padding": m["use_remove_padding"],
        **{f"optim.{k}": o[k] for k in ("lr", "betas", "weight_decay", "lr_warmup_steps_ratio", "clip_grad")},
        "optim.lr_scheduler": o["lr_scheduler_type"],
        **trainer_overrides(t, ckpt_dir=ckpt_dir, nproc=nproc, nnodes=nnodes, device=device),
        "trainer.checkpoint.save_contents": train["checkpoint"]["save_contents"],
        "hydra.run.dir": hydra_dir,
    }
    return hydra_overrides(items, train)


def transformers4_model_dir(model_dir, dest):
    """A model directory transformers 4.57 can load: `model_dir` itself, or when its tokenizer
    config was written by transformers 5 (`extra_special_tokens` a list, which 4.x reads as a
    dict and fails on), `dest` with links to its files and that list renamed to the 4.x key."""
    model_dir, dest = Path(model_dir).resolve(), Path(dest)
    config = json.loads((model_dir / "tokenizer_config.json").read_text())
    if not isinstance(config.get("extra_special_tokens"), list):
        return model_dir
    dest.mkdir(parents=True, exist_ok=True)
    for f in model_dir.iterdir():
        if f.name != "tokenizer_config.json" and not (dest / f.name).exists():
            (dest / f.name).symlink_to(f)
    config["additional_special_tokens"] = config.pop("extra_special_tokens")
    (dest / "tokenizer_config.json").write_text(json.dumps(config, indent=2))
    return dest


def workers(_device, _nproc):
    """Only the guard: the entry module makes the legacy trainer's changes itself, CPU ones included."""
    return ["pipeline.trainer.workers.worker_guard"], {}


TRAINER = Trainer(
    module="verl.trainer.fsdp_sft_trainer",
    entry_module="pipeline.trainer.workers.legacy_main",
    overrides=legacy_overrides,
    workers=workers,
    loadable_model_dir=transformers4_model_dir,
    # The legacy trainer's own path: its log-probs and its cosine schedule (it has no constant one).
    probe_overlay={"model": {"use_fused_kernels": False}, "optim": {"lr_scheduler_type": "cosine"}},
    selective_checkpointing=False,
    keeps_gathered_weights=False,
    pads_to_length=False,
)
