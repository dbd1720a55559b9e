"""Loaded into every verl worker (VERL_USE_EXTERNAL_MODULES): keeps an untied lm_head in the
root FSDP2 unit.

verl 0.9.1 shards an untied lm_head (Qwen2.5-Coder-7B's; the 0.5B/1.5B ones are tied) as its own
FSDP2 unit, while its fused log-prob kernel (model.use_fused_kernels) reads lm_head.weight
directly instead of calling lm_head.forward. With more than one rank that weight is still a
sharded DTensor at that point and the first step fails with "aten.mm.default got mixed
torch.Tensor and DTensor" (verl PR #7427 describes the same). In the root unit the weight is
gathered for the whole forward and backward like the rest of the root's parameters: the cost is
that the full lm_head (1.1 GB in bf16 for 7B) stays gathered during each micro-batch."""

import functools

from verl.utils import fsdp_utils

_select_wrap_targets = fsdp_utils._select_fsdp2_wrap_targets


@functools.wraps(_select_wrap_targets)
def _select_wrap_targets_but_lm_head(model, transformer_layer_cls_to_wrap):
    lm_head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    return [m for m in _select_wrap_targets(model, transformer_layer_cls_to_wrap) if m is not lm_head]


fsdp_utils._select_fsdp2_wrap_targets = _select_wrap_targets_but_lm_head
