"""From the pipeline's train settings to what any supported verl SFT trainer takes: Hydra values,
the trainer.* keys both trainers name alike, the attention and activation-checkpointing choices,
and the Trainer record that current.py and legacy.py each fill in."""

import importlib.util
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pipeline.common.model_files import count_parameters


@dataclass(frozen=True)
class Trainer:
    """One verl SFT trainer, as the pipeline drives it."""

    module: str  # verl's trainer module
    entry_module: str  # what torchrun runs with -m
    # (train settings, files and topology) -> Hydra overrides
    overrides: Callable[..., list]
    # (device, nproc) -> (modules loaded into the workers, their extra environment)
    workers: Callable[[str, int], tuple]
    # (model_dir, scratch dir) -> a model directory this trainer's transformers can load
    loadable_model_dir: Callable[[Path, Path], Path]
    # What the verl check's probe changes for this trainer (merged onto config verl_check.train)
    probe_overlay: dict = field(default_factory=dict)
    # Whether its workers write checkpoint manifests and save on a stop request
    # (workers/checkpoint_manifest.py, workers/preemption.py): then a resume verifies first.
    preemption_safe: bool = False


def hydra_value(v):
    """A Python value as a Hydra override value."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(hydra_value(x) for x in v) + "]"
    return str(v)


def hydra_overrides(items, train):
    """key=value overrides, then train.extra_overrides verbatim."""
    return [f"{k}={hydra_value(v)}" for k, v in items.items()] + list(train["extra_overrides"])


def absolute(*paths):
    """Absolute paths: the trainer runs in its own working directory."""
    return [Path(p).resolve() for p in paths]


def trainer_overrides(trainer, *, ckpt_dir, nproc, nnodes, device):
    """The trainer.* overrides, named alike by verl 0.9.1's trainer and the legacy one."""
    return {
        **{f"trainer.{k}": trainer[k] for k in ("total_epochs", "total_training_steps", "save_freq", "test_freq",
                                                 "max_ckpt_to_keep", "project_name", "experiment_name")},
        # The file logger feeds the pipeline's metrics.jsonl; the others are the user's choice.
        "trainer.logger": ["file"] + [x for x in trainer["logger"] if x != "file"],
        "trainer.default_local_dir": ckpt_dir,
        "trainer.resume_mode": "auto",
        "trainer.nnodes": nnodes,
        "trainer.n_gpus_per_node": nproc,
        "trainer.device": device,
    }


def attention_implementation(setting, device, fallback):
    """train.model.attn_implementation with `auto` resolved: flash_attention_2 where the flash_attn
    package imports on a GPU, else the trainer's fallback (packed_varlen for verl 0.9.1, sdpa for
    the legacy trainer)."""
    if setting != "auto":
        return setting
    if device == "cuda" and importlib.util.find_spec("flash_attn") is not None:
        return "flash_attention_2"
    return fallback


# Activation bytes per token, per layer, per unit of (hidden + intermediate) size, without
# gradient checkpointing: measured 75 kB per token-layer for the Qwen2.5-Coder-1.5B shape (bf16,
# fused loss, packed attention) on an H100, benchmarks/RESULTS.md.
ACTIVATION_BYTES_PER_WIDTH = 7.2
# Bytes per parameter held per rank: bf16 weights and gradients, two bf16 Adam moments (FSDP
# shards all of them).
STATE_BYTES_PER_PARAM = 8


def needs_checkpointing(model_config, parameters, nproc, tokens_per_gpu, gpu_bytes):
    """Whether the activations of a full micro-batch, kept for the backward, would not fit beside
    the sharded training state in 75% of the GPU's memory (a 1.5B model at 16k tokens per GPU
    fits; a 7B one does not)."""
    width = model_config["hidden_size"] + model_config["intermediate_size"]
    activations = tokens_per_gpu * model_config["num_hidden_layers"] * width * ACTIVATION_BYTES_PER_WIDTH
    state = parameters * STATE_BYTES_PER_PARAM / nproc
    return activations + state > 0.75 * gpu_bytes


def gradient_checkpointing(train, model_dir, nproc, device):
    """train.model.enable_gradient_checkpointing, with `auto` resolved: on only where needed, since
    off saves the recompute (about a third of the forward). Off on a CPU, where memory is not what
    checkpointing is for."""
    setting = train["model"]["enable_gradient_checkpointing"]
    if setting != "auto":
        return setting
    if device != "cuda":
        return False
    import torch

    d = train["data"]
    tokens = d["max_token_len_per_gpu"] if d["use_dynamic_bsz"] else d["micro_batch_size_per_gpu"] * d["max_length"]
    config = json.loads((Path(model_dir) / "config.json").read_text())
    return needs_checkpointing(config, count_parameters(model_dir), nproc, tokens,
                               torch.cuda.get_device_properties(0).total_memory)
