"""verl 0.9.1's SFT trainer (`verl.trainer.sft_trainer`): the Hydra overrides made from the
pipeline's train settings (whose keys under train.{data,model,engine,optim,trainer,checkpoint} keep
verl's own names) and the modules loaded into its workers."""

import os
from pathlib import Path

from pipeline.trainer.overrides import (
    Trainer,
    absolute,
    attention_implementation,
    hydra_overrides,
    trainer_overrides,
)

def overrides(train, *, train_files, val_files, model_dir, trust_remote_code, ckpt_dir, hydra_dir,
              nproc, device, nnodes=1):
    """Hydra overrides for `python -m pipeline.trainer.workers.sft_main`."""
    d, m, e, o, t = (train[k] for k in ("data", "model", "engine", "optim", "trainer"))
    train_files, val_files, model_dir, ckpt_dir, hydra_dir = absolute(
        train_files, val_files, model_dir, ckpt_dir, hydra_dir)
    items = {
        "data.train_files": train_files,
        "data.val_files": val_files,
        "data.messages_key": "messages",
        "data.pad_mode": "no_padding",
        **{f"data.{k}": d[k] for k in ("train_batch_size", "micro_batch_size_per_gpu", "use_dynamic_bsz",
                                        "max_token_len_per_gpu", "max_length", "truncation", "num_workers")},
        # Read by workers/dp_token_balance.py (verl has no such key).
        "+data.balance_tokens_across_ranks": d["balance_tokens_across_ranks"],
        "model.path": model_dir,
        "model.trust_remote_code": trust_remote_code,
        # Resolved before launch (pipeline/trainer/memory.py); which layers: workers/checkpointed_layers.py.
        "model.enable_gradient_checkpointing": m["enable_gradient_checkpointing"],
        **{f"model.{k}": m[k] for k in ("lora_rank", "use_remove_padding", "use_fused_kernels")},
        "model.fused_kernel_options.impl_backend": m["fused_kernel_backend"],
        # Liger's kernels are triton: GPU only.
        "model.use_liger": m["use_liger"] and device == "cuda",
        "+model.override_config.attn_implementation": attention_implementation(
            m["attn_implementation"], device, fallback="packed_varlen"),
        "engine.strategy": e["strategy"],
        "engine.reshard_after_forward": e["reshard_after_forward"],
        **{f"engine.{k}": e[k] for k in ("pad_to_length", "pad_to_length_bucket")},
        "engine.model_dtype": e["model_dtype"] if device == "cuda" else "fp32",
        **{f"optim.{k}": o[k] for k in ("lr", "betas", "weight_decay", "lr_warmup_steps_ratio", "clip_grad",
                                         "lr_scheduler_type")},
        **trainer_overrides(t, ckpt_dir=ckpt_dir, nproc=nproc, nnodes=nnodes, device=device),
        "checkpoint.save_contents": train["checkpoint"]["save_contents"],
        "hydra.run.dir": hydra_dir,
    }
    if device == "cpu":
        # fp32 end to end: verl's default mixed precision is bf16, far slower on a CPU.
        items.update({f"+engine.mixed_precision.{k}": "fp32" for k in ("param_dtype", "reduce_dtype", "buffer_dtype")})
        items["engine.use_torch_compile"] = False
    return hydra_overrides(items, train)


def workers(device, nproc):
    """The modules loaded into every worker, in order, and the environment they need."""
    modules, env = ["pipeline.trainer.workers.worker_guard"], {}
    if device == "cpu":
        modules.append("pipeline.trainer.workers.cpu_platform")  # before any module that imports verl's engines
        # CUDA hidden too: a CPU run on a GPU machine (the verl check's probe) must not let
        # verl's own torch.cuda.is_available() checks pick the GPU behind the platform's back.
        env.update(VERL_PLATFORM="cpu", VERL_ENGINE_DEVICE="cuda", CUDA_VISIBLE_DEVICES="",
                   OMP_NUM_THREADS=str(max(1, (os.cpu_count() or 1) // nproc)))
    modules += ["pipeline.trainer.workers.packed_attention", "pipeline.trainer.workers.untied_lm_head",
                "pipeline.trainer.workers.checkpointed_layers",
                "pipeline.trainer.workers.dp_token_balance", "pipeline.trainer.workers.checkpoint_manifest",
                "pipeline.trainer.workers.preemption"]
    return modules, env


TRAINER = Trainer(
    module="verl.trainer.sft_trainer",
    entry_module="pipeline.trainer.workers.sft_main",
    overrides=overrides,
    workers=workers,
    loadable_model_dir=lambda model_dir, _scratch: Path(model_dir).resolve(),
    preemption_safe=True,
)
