"""The engine settings left `auto` (tokens per micro-batch, how many layers are checkpointed,
whether FSDP2 reshards after the forward), chosen before launch from a model of the step's peak
GPU memory and of its cost, for this model, this card and this many GPUs; and the fused
lm_head + log-prob kernel's backend (fused_kernel_backend) and whether micro-batches are padded
to a bucket of tokens (pad_to_length).

The memory model, per rank (bytes; fitted to the peaks verl reported for six runs of the
Qwen2.5-Coder 1.5B and 7B shapes on H100s and an H200, benchmarks/RESULTS.md "The engine's
memory model"; verl's `perf/max_memory_allocated_gb` is GiB):
  - training state: STATE_BYTES_PER_PARAM per parameter over the ranks (bf16 weights, gradients
    and both Adam moments, sharded by FSDP2, with verl's buffers);
  - a layer kept for the backward: ACTIVATION_BYTES_PER_WIDTH per token and unit of
    hidden + intermediate size; a checkpointed layer keeps only its input,
    CHECKPOINTED_BYTES_PER_HIDDEN per token and unit of hidden size, and rebuilds the rest in the
    backward. The first layers are the checkpointed ones: their rebuild comes late in the backward,
    when the later layers' activations are already freed;
  - weights kept gathered from forward to backward (`reshard_after_forward: false`):
    GATHERED_BYTES_PER_PARAM per parameter for the part held by the other ranks.

The cost model ranks the candidates (it predicts no absolute speed): a step costs its tokens,
plus RECOMPUTE of a layer's work for each checkpointed layer, plus a fixed overhead per
micro-batch worth MICRO_BATCH_OVERHEAD_TOKENS / sqrt(billions of parameters) tokens, less
GATHERED_GAIN when the weights stay gathered across more than one GPU. Measured on the cards it
was fitted on, benchmarks/RESULTS.md."""

import json
import math
from dataclasses import dataclass
from pathlib import Path

from pipeline.common.cli import PipelineError
from pipeline.common.model_files import count_parameters

STATE_BYTES_PER_PARAM = 8.7
ACTIVATION_BYTES_PER_WIDTH = 7.7
CHECKPOINTED_BYTES_PER_HIDDEN = 3.7
GATHERED_BYTES_PER_PARAM = 2.4
# A checkpointed layer's forward, run again: a third of its forward + backward.
RECOMPUTE = 1 / 3
# 1.5B on one H100: 8k tokens per micro-batch 26% slower than 16k; 7B on one H200: 8k without
# checkpointing 12% faster than 16k with all layers checkpointed (benchmarks/RESULTS.md).
MICRO_BATCH_OVERHEAD_TOKENS = 7700
# 7B on 4 H100s: +4.0% with the gathered weights kept (benchmarks/RESULTS.md).
GATHERED_GAIN = 0.04
# Candidate token budgets are multiples of this.
TOKEN_STEP = 1024
# Where memory is not what binds (a CPU run): the token budget of the defaults before `auto`.
CPU_TOKENS_PER_MICRO_BATCH = 16384
GIB = 1 << 30


@dataclass(frozen=True)
class Shape:
    parameters: int
    layers: int
    hidden: int
    intermediate: int

    @classmethod
    def of(cls, model_dir):
        config = json.loads((Path(model_dir) / "config.json").read_text())
        return cls(count_parameters(model_dir), config["num_hidden_layers"], config["hidden_size"],
                   config["intermediate_size"])


def peak_bytes(shape, world, tokens, checkpointed, reshard_after_forward=True):
    """Predicted peak allocated bytes per rank for micro-batches of `tokens` tokens."""
    kept = tokens * (shape.hidden + shape.intermediate) * ACTIVATION_BYTES_PER_WIDTH
    inputs = tokens * shape.hidden * CHECKPOINTED_BYTES_PER_HIDDEN
    forward_end = (shape.layers - checkpointed) * kept + checkpointed * inputs
    rebuilt = checkpointed * inputs + kept if checkpointed else 0  # the last checkpointed layer rebuilt
    gathered = 0 if reshard_after_forward else shape.parameters * GATHERED_BYTES_PER_PARAM * (world - 1) / world
    return shape.parameters * STATE_BYTES_PER_PARAM / world + gathered + max(forward_end, rebuilt)


def step_cost(shape, world, rank_tokens, tokens, checkpointed, reshard_after_forward):
    """Relative cost of a step of `rank_tokens` tokens per rank (lower is faster)."""
    micro_batches = math.ceil(rank_tokens / tokens)
    overhead = MICRO_BATCH_OVERHEAD_TOKENS / math.sqrt(shape.parameters / 1e9)
    cost = rank_tokens * (1 + RECOMPUTE * checkpointed / shape.layers) + micro_batches * overhead
    return cost * (1 - GATHERED_GAIN) if not reshard_after_forward and world > 1 else cost


def rank_tokens(row_tokens, batch, world):
    """Tokens per rank in a heavy step (mean + 2 standard deviations of a batch's sum), from the
    rows' (mean, standard deviation) of tokens: the micro-batches are sized for it, so that a
    heavier step than usual does not add one."""
    mean, std = row_tokens
    rows = batch / world
    return math.ceil(rows * mean + 2 * std * math.sqrt(rows))


def balanced_part(step_tokens, tokens):
    """Tokens of the largest micro-batch verl makes of a step: it splits the step's tokens into
    ceil(step / budget) parts of near-equal tokens (seqlen_balancing.rearrange_micro_batches), so a
    micro-batch is often well under the budget (the 1.5B on one H200: 84k tokens in three parts of
    28k from a 32k budget). The choice keeps the full budget's peak under the margin: a heavier
    step, or rows that pack badly, can fill a part."""
    return min(tokens, math.ceil(step_tokens / math.ceil(step_tokens / tokens)))


def choose(train, shape, world, gpu_bytes, row_tokens, selective=True, gather=True, pad=0):
    """The engine settings for `train`, its `auto` values chosen: the fastest candidate by the
    cost model among those whose predicted peak leaves train.auto_engine.free_margin of the card
    free (the one with the least memory where none does). `pad`: the tokens a micro-batch may
    grow by when padded to a bucket (engine.pad_to_length), counted in its peak. Returns the
    plan: the values, the predicted peak (of a full micro-batch, and of a heavy step's balanced
    parts), the card's memory and what was left to choose."""
    d, m, e = train["data"], train["model"], train["engine"]
    budget = train["auto_engine"]
    limit = (1 - budget["free_margin"]) * gpu_bytes
    step_tokens = rank_tokens(row_tokens, d["train_batch_size"], world)
    if not d["use_dynamic_bsz"]:
        # Micro-batches of micro_batch_size_per_gpu rows (the seed's 2), whatever their tokens: the
        # peak is planned for rows of max_length, and the token budget is left unused.
        token_options = [d["micro_batch_size_per_gpu"] * d["max_length"]]
    elif d["max_token_len_per_gpu"] != "auto":
        token_options = [d["max_token_len_per_gpu"]]
    else:
        low = math.ceil(d["max_length"] / TOKEN_STEP) * TOKEN_STEP
        high = max(low, min(budget["max_token_len_per_gpu"], math.ceil(step_tokens / TOKEN_STEP) * TOKEN_STEP))
        token_options = range(low, high + 1, TOKEN_STEP)
    layer_options = checkpointing_options(m, shape.layers, selective)
    reshard_options = ([e["reshard_after_forward"]] if e["reshard_after_forward"] != "auto"
                       else [True, False] if world > 1 and gather else [True])
    candidates = []
    for tokens in token_options:
        for layers in layer_options:
            for reshard in reshard_options:
                peak = peak_bytes(shape, world, tokens + pad, layers, reshard)
                cost = step_cost(shape, world, step_tokens, tokens, layers, reshard)
                candidates.append((peak > limit, cost, peak, tokens, layers, reshard))
    over, _, peak, tokens, layers, reshard = min(candidates, key=lambda c: (c[0], c[2] if c[0] else c[1], c[2]))
    part = balanced_part(step_tokens, tokens) if d["use_dynamic_bsz"] else tokens
    return {
        "max_token_len_per_gpu": tokens,
        "checkpointed_layers": layers,
        "layers": shape.layers,
        "reshard_after_forward": reshard,
        "predicted_peak_gib": round(peak / GIB, 1),
        "predicted_peak_balanced_gib": round(peak_bytes(shape, world, part + pad, layers, reshard) / GIB, 1),
        "gpu_memory_gib": round(gpu_bytes / GIB, 1),
        "fits": not over,
        "free_margin": budget["free_margin"],
        "tokens_per_rank_per_step": step_tokens,
        "chosen": sorted(k for k, v in (("max_token_len_per_gpu", d["max_token_len_per_gpu"]),
                                        ("checkpointed_layers", m["checkpointed_layers"]),
                                        ("enable_gradient_checkpointing", m["enable_gradient_checkpointing"]),
                                        ("reshard_after_forward", e["reshard_after_forward"])) if v == "auto"),
    }


def checkpointing_options(model, layers, selective):
    """How many layers may be checkpointed under train.model's two checkpointing settings."""
    enabled, count = model["enable_gradient_checkpointing"], model["checkpointed_layers"]
    if enabled is False:
        return [0]
    if count != "auto":
        return [min(count, layers)]
    if enabled is True:
        return [layers]
    return list(range(layers + 1)) if selective else [0, layers]


def resolve(train, trainer, model_dir, world, device, row_tokens, gpu_bytes=None):
    """(train with every `auto` engine setting replaced by a value, the plan or None), for
    training rows of `row_tokens` (mean, standard deviation) tokens.

    `trainer` (overrides.Trainer) says which choices it can take. On a CPU nothing is modelled: no
    checkpointing, FSDP2's default resharding, the token budget CPU_TOKENS_PER_MICRO_BATCH, no pad. `gpu_bytes` defaults to the first visible GPU's memory as torch
    reports it."""
    m = train["model"]
    if m["enable_gradient_checkpointing"] is False and m["checkpointed_layers"] not in ("auto", 0):
        raise PipelineError(f"train.model.checkpointed_layers {m['checkpointed_layers']} with "
                            "train.model.enable_gradient_checkpointing false: set one of them to auto")
    pad = pad_to_length(train["engine"]["pad_to_length"], device, trainer, m["use_remove_padding"])
    if device != "cuda":
        plan = None
        values = {"max_token_len_per_gpu": CPU_TOKENS_PER_MICRO_BATCH, "reshard_after_forward": True,
                  "checkpointed_layers": None if m["enable_gradient_checkpointing"] is True else 0}
    else:
        if gpu_bytes is None:
            import torch

            gpu_bytes = torch.cuda.get_device_properties(0).total_memory
        shape = Shape.of(model_dir)
        plan = choose(train, shape, world, gpu_bytes, row_tokens, trainer.selective_checkpointing,
                      trainer.keeps_gathered_weights, pad=train["engine"]["pad_to_length_bucket"] - 1 if pad else 0)
        values = {k: plan[k] for k in ("max_token_len_per_gpu", "checkpointed_layers", "reshard_after_forward")}
        if values["checkpointed_layers"] == shape.layers:
            values["checkpointed_layers"] = None
    resolved = json.loads(json.dumps(train))
    d, m, e = resolved["data"], resolved["model"], resolved["engine"]
    for section, key in ((d, "max_token_len_per_gpu"), (e, "reshard_after_forward")):
        if section[key] == "auto":
            section[key] = values[key]
    layers = values["checkpointed_layers"] if m["checkpointed_layers"] == "auto" else m["checkpointed_layers"]
    # None: every layer (verl's own checkpointing); 0: none.
    m["enable_gradient_checkpointing"] = layers != 0
    m["checkpointed_layers"] = layers
    m["fused_kernel_backend"] = fused_kernel_backend(m["fused_kernel_backend"], device,
                                                     shape.hidden if device == "cuda" else None)
    e["pad_to_length"] = pad
    return resolved, plan


def fused_kernel_backend(setting, device, hidden):
    """train.model.fused_kernel_backend with `auto` resolved: verl's Triton kernel for the lm_head
    and log-probs on a GPU (the torch backend's fp32 passes over 512-token chunks of logits were a
    fifth of a 1.5B step's kernel time on an H200; benchmarks/RESULTS.md), its torch backend on a
    CPU or where the Triton kernel cannot take the model (it needs a hidden size divisible by 128)."""
    triton_fits = device == "cuda" and hidden % 128 == 0
    if setting == "auto":
        return "triton" if triton_fits else "torch"
    if setting == "triton" and not triton_fits:
        why = "a GPU" if device != "cuda" else f"a hidden size divisible by 128 (the model's is {hidden})"
        raise PipelineError(f"train.model.fused_kernel_backend: triton needs {why}; set it to auto or torch")
    return setting


def pad_to_length(setting, device, trainer, packed):
    """train.engine.pad_to_length with `auto` resolved: true on a GPU, where the trainer packs
    micro-batches (use_remove_padding) and can pad them. Triton compiles a kernel again for each
    new specialisation of an integer argument such as the packed length (divisible by 16 or not):
    on an H200 such a step of the 1.5B took ~7 s among steps of ~1.7 s (benchmarks/RESULTS.md).
    A CPU has no Triton kernels, so nothing to gain there."""
    if setting == "auto":
        return device == "cuda" and trainer.pads_to_length and packed
    if setting and not packed:
        raise PipelineError("train.engine.pad_to_length: true pads packed micro-batches, and "
                            "train.model.use_remove_padding is false (no packing); set it to auto or false")
    return setting
