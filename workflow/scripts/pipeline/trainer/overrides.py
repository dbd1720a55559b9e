"""From the pipeline's train settings to what any supported verl SFT trainer takes: Hydra values,
the trainer.* keys both trainers name alike, the attention choice,
and the Trainer record that current.py and legacy.py each fill in."""

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


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
    # Which `auto` engine choices it can take (pipeline/trainer/memory.py): checkpointing some
    # layers only, and FSDP2 weights kept gathered from forward to backward.
    selective_checkpointing: bool = True
    keeps_gathered_weights: bool = True
    # Whether it can pad each packed micro-batch to a multiple of a bucket (engine.pad_to_length).
    pads_to_length: bool = True


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
