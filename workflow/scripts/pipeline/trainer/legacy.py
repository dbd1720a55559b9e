"""verl 0.6.x's legacy SFT trainer (`verl.trainer.fsdp_sft_trainer`, the seed's), for clusters
frozen on it; verl 0.9.x runs `verl.trainer.sft_trainer` (verl_launch.py).

`python -m verl_legacy <hydra overrides>` (workflow/scripts on PYTHONPATH, under torchrun) runs
the legacy trainer's own main() after wrapping, at run time, without editing or copying verl:

1. FSDPSFTTrainer.training_step: the metrics it returns also carry `train/grad_norm` (the seed's
   section 4 change), the value its own grad-clip call returned, recorded on the way out of that
   call: the step itself stays verl's. Also `train/lr`, the name verl 0.9.1 logs the lr under.
2. The file logger flushes each line: 0.6.1 writes through a buffer, so a killed run would lose
   its last steps' metrics, and the launch's step timer would see nothing until the end.
3. The data loaders use `data.num_workers` processes (a key legacy_overrides adds) in place of
   the hard-coded 8.
4. The model loads with `model.attn_implementation` (a key legacy_overrides adds) in place of the
   hard-coded flash_attention_2, which fails without the flash_attn package.
5. Without CUDA only: gloo in place of nccl.

On a GPU with flash_attn and the default settings, only 1 and 2 change anything.

legacy_overrides() maps the pipeline's train settings (verl 0.9.1's names) to the legacy
trainer's keys, and rejects the settings it has no equivalent for."""

import contextlib
import functools
import importlib.metadata
import importlib.util
import json
import types
from pathlib import Path

import verl_launch
from cli import PipelineError

ENTRY_MODULE = "verl_legacy"
TRAINER_MODULE = "verl.trainer.fsdp_sft_trainer"
# verl releases -> the SFT trainer module the pipeline runs.
TRAINERS = {"0.6.": TRAINER_MODULE, "0.9.": "verl.trainer.sft_trainer"}


def trainer_module(verl_version):
    """The trainer module the pipeline runs for a verl release; None when it supports none."""
    return next((m for prefix, m in TRAINERS.items() if (verl_version or "").startswith(prefix)), None)


def detect():
    """The trainer module for the installed verl (None when verl is missing or unsupported)."""
    try:
        return trainer_module(importlib.metadata.version("verl"))
    except importlib.metadata.PackageNotFoundError:
        return None


def is_legacy():
    return detect() == TRAINER_MODULE


# ---- settings -> the legacy trainer's Hydra overrides ----


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
    if o["lr_scheduler_type"] != "cosine":
        problems.append(f"train.optim.lr_scheduler_type: {o['lr_scheduler_type']} (the legacy trainer has "
                        "cosine and wsd only); use cosine")
    return problems


def attention_implementation(setting, device):
    """`auto`: flash_attention_2 where the flash_attn package imports on a GPU, else sdpa."""
    if setting != "auto":
        return setting
    if device == "cuda" and importlib.util.find_spec("flash_attn") is not None:
        return "flash_attention_2"
    return "sdpa"


def legacy_overrides(train, *, train_files, val_files, model_dir, trust_remote_code, ckpt_dir, hydra_dir,
                     nproc, device, nnodes=1):
    """Hydra overrides for `python -m verl_legacy` (verl 0.6.x), from the run's train settings:
    verl_launch.overrides()'s contract, with the legacy trainer's keys (seed section 6)."""
    problems = unsupported(train)
    if problems:
        raise PipelineError("verl 0.6.x's legacy SFT trainer has no equivalent of:\n  - " + "\n  - ".join(problems))
    d, m, e, o, t = (train[k] for k in ("data", "model", "engine", "optim", "trainer"))
    train_files, val_files, model_dir, ckpt_dir, hydra_dir = (
        Path(p).resolve() for p in (train_files, val_files, model_dir, ckpt_dir, hydra_dir)
    )
    checkpointing = verl_launch.gradient_checkpointing(train, model_dir, nproc * nnodes, device)
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
        "model.enable_gradient_checkpointing": checkpointing,
        "model.lora_rank": m["lora_rank"],
        # Liger's kernels are triton: GPU only.
        "model.use_liger": m["use_liger"] and device == "cuda",
        "+model.attn_implementation": attention_implementation(m["attn_implementation"], device),
        "model.strategy": e["strategy"],
        # The weights' dtype; the legacy trainer computes in bf16 everywhere (hard-coded autocast).
        "model.fsdp_config.model_dtype": e["model_dtype"] if device == "cuda" else "fp32",
        # The legacy trainer unpads only with Ulysses sequence parallelism, which the pipeline leaves off.
        "use_remove_padding": m["use_remove_padding"],
        **{f"optim.{k}": o[k] for k in ("lr", "betas", "weight_decay", "lr_warmup_steps_ratio", "clip_grad")},
        "optim.lr_scheduler": o["lr_scheduler_type"],
        **verl_launch.trainer_overrides(t, ckpt_dir=ckpt_dir, nproc=nproc, nnodes=nnodes, device=device),
        "trainer.checkpoint.save_contents": train["checkpoint"]["save_contents"],
        "hydra.run.dir": hydra_dir,
    }
    return [f"{k}={verl_launch.hydra_value(v)}" for k, v in items.items()] + list(train["extra_overrides"])


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


# ---- run-time changes to the legacy trainer (in the torchrun workers) ----


@contextlib.contextmanager
def _replaced(owner, name, replacement):
    """Within the block, owner.<name> is replacement(the original)."""
    own = name in vars(owner)  # a module's global, not a method an instance gets from its class
    original = getattr(owner, name)
    setattr(owner, name, replacement(original))
    try:
        yield
    finally:
        if own:
            setattr(owner, name, original)
        else:
            delattr(owner, name)


def _recorded_into(sink):
    """A replacement for _replaced(): the function, also appending each return value to sink."""

    def replacement(function):
        @functools.wraps(function)
        def record(*args, **kwargs):
            sink.append(function(*args, **kwargs))
            return sink[-1]

        return record

    return replacement


def _with_grad_norm(training_step, trainer):
    """training_step, returning also `train/grad_norm` (the seed's section 4 line, on the value
    its grad-clip call returned) and `train/lr` (its `train/lr(1e-3)` / 1e3: verl 0.9.1's name)."""

    @functools.wraps(training_step)
    def step(self, batch):
        norms = []
        if self.config.model.strategy == "fsdp":
            clip = _replaced(self.fsdp_model, "clip_grad_norm_", _recorded_into(norms))
        else:
            clip = _replaced(trainer, "fsdp2_clip_grad_norm_", _recorded_into(norms))
        with clip:
            metrics = training_step(self, batch)
        return {**metrics, "train/grad_norm": norms[-1].detach().item(), "train/lr": metrics["train/lr(1e-3)"] / 1e3}

    return step


def _flushing(log):
    @functools.wraps(log)
    def log_and_flush(self, data, step):
        log(self, data, step)
        self.fp.flush()

    return log_and_flush


def _with_attention(build, trainer):
    """_build_model_optimizer, loading the model with config.model.attn_implementation in place
    of the hard-coded flash_attention_2 (unset: sdpa where flash_attn is not installed)."""

    @functools.wraps(build)
    def build_model_optimizer(self):
        default = "flash_attention_2" if importlib.util.find_spec("flash_attn") else "sdpa"
        implementation = self.config.model.get("attn_implementation", default)
        if implementation == "flash_attention_2":
            return build(self)

        def loader(auto_model):
            def from_pretrained(*args, **kwargs):
                return auto_model.from_pretrained(*args, **{**kwargs, "attn_implementation": implementation})

            return types.SimpleNamespace(from_pretrained=from_pretrained)

        with _replaced(trainer, "AutoModelForCausalLM", loader):
            return build(self)

    return build_model_optimizer


def _with_num_workers(build, trainer):
    """_build_dataloader, with config.data.num_workers loader processes in place of the
    hard-coded 8 (per rank and loader: 32 processes for 2 CPU ranks)."""

    @functools.wraps(build)
    def build_dataloader(self, *args):
        workers = self.config.data.get("num_workers", 8)

        def loader(stateful_loader):
            return lambda *a, **kwargs: stateful_loader(*a, **{**kwargs, "num_workers": workers})

        with _replaced(trainer, "StatefulDataLoader", loader):
            return build(self, *args)

    return build_dataloader


def install_grad_norm(trainer):
    cls = trainer.FSDPSFTTrainer
    cls.training_step = _with_grad_norm(cls.training_step, trainer)


def install_runtime(trainer):
    """Everything but the grad_norm change: the run-time shims listed in the module's docstring."""
    import torch

    import verl.utils.distributed
    import verl.utils.tracking

    cls = trainer.FSDPSFTTrainer
    verl.utils.tracking.FileLogger.log = _flushing(verl.utils.tracking.FileLogger.log)
    cls._build_dataloader = _with_num_workers(cls._build_dataloader, trainer)
    cls._build_model_optimizer = _with_attention(cls._build_model_optimizer, trainer)
    if not torch.cuda.is_available():
        verl.utils.distributed.get_nccl_backend = lambda: "gloo"


def main():
    trainer = importlib.import_module(TRAINER_MODULE)
    install_runtime(trainer)
    install_grad_norm(trainer)
    trainer.main()


if __name__ == "__main__":
    main()
