"""`python -m pipeline.trainer.workers.legacy_main <hydra overrides>` (workflow/scripts on
PYTHONPATH, under torchrun): verl 0.6.x's legacy trainer, its own main(), after wrapping it at run
time, without editing or copying verl:

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

On a GPU with flash_attn and the default settings, only 1 and 2 change anything."""

import contextlib
import functools
import importlib
import types

TRAINER_MODULE = "verl.trainer.fsdp_sft_trainer"


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
    of the hard-coded flash_attention_2 (legacy_overrides always sets it)."""

    @functools.wraps(build)
    def build_model_optimizer(self):
        implementation = self.config.model.attn_implementation
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
        workers = self.config.data.num_workers

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
