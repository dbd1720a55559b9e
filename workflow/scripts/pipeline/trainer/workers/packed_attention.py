"""Attention for verl's packed (padding-free) micro-batches without the flash_attn package.

Importing this module registers `packed_varlen` in transformers' AttentionInterface; the train
rule loads it into every worker through verl's VERL_USE_EXTERNAL_MODULES and selects it with
`+model.override_config.attn_implementation=packed_varlen`.

Why: verl packs a micro-batch into one row (attention_mask None, per-document position_ids).
With `sdpa`, transformers then builds a dense (T, T) block-diagonal mask, and SDPA with a mask can
use neither its flash kernel nor causal tile skipping: every score of the whole micro-batch is
computed (26k packed tokens: 64 ms per layer, fwd+bwd, on an H100). Here the document boundaries
come from position_ids, and each document attends causally to itself only (3.7 ms):
- on CUDA, torch's built-in varlen flash kernel (torch.nn.attention.varlen.varlen_attn);
- elsewhere (CPU), SDPA per document, which is exact.
The name is deliberately not registered as a mask function: transformers then builds no mask
(and skips its packed-sequence detection, a device-to-host sync per layer)."""

import inspect
import weakref

import torch
import torch.nn.functional as F

NAME = "packed_varlen"

try:
    from torch.nn.attention.varlen import varlen_attn

    # Its signature moved between torch releases: causal as is_causal= (2.9) or window_size=(-1, 0)
    # (2.10+); enable_gqa= only in newer ones.
    VARLEN_PARAMS = set(inspect.signature(varlen_attn).parameters)
except ImportError:
    varlen_attn, VARLEN_PARAMS = None, set()

# Every decoder layer (and the checkpoint recompute) gets the same position_ids tensor: compute
# the boundaries, which need one device-to-host copy, once per micro-batch.
_last = {"ref": None}


def document_bounds(position_ids):
    """(cu_seqlens int32 on the device, longest document, boundaries as a list) of packed docs:
    a document starts wherever the position does not continue the previous one."""
    if _last["ref"] is not None and _last["ref"]() is position_ids and _last["version"] == position_ids._version:
        return _last["bounds"]
    pos = position_ids.reshape(-1)
    starts = torch.ones_like(pos, dtype=torch.bool)
    starts[1:] = pos[1:] != pos[:-1] + 1
    cu = torch.cat([starts.nonzero().view(-1), pos.new_tensor([pos.numel()])]).to(torch.int32)
    bounds = cu.tolist()
    result = (cu, max(b - a for a, b in zip(bounds, bounds[1:])), bounds)
    _last.update(ref=weakref.ref(position_ids), version=position_ids._version, bounds=result)
    return result


def _varlen(query, key, value, cu, max_len, scaling):
    """(1, H, T, D) tensors -> (1, T, Hq, D) through the varlen flash kernel."""
    q, k, v = (x[0].transpose(0, 1).contiguous() for x in (query, key, value))
    kwargs = {}
    if "scale" in VARLEN_PARAMS:
        kwargs["scale"] = scaling
    elif scaling is not None and abs(scaling - q.shape[-1] ** -0.5) > 1e-12:
        raise NotImplementedError("this torch's varlen_attn takes no scale; the model's scaling is not the default")
    if "window_size" in VARLEN_PARAMS:
        kwargs["window_size"] = (-1, 0)
    else:
        kwargs["is_causal"] = True
    if k.shape[1] != q.shape[1]:
        if "enable_gqa" in VARLEN_PARAMS:
            kwargs["enable_gqa"] = True
        else:
            k, v = (x.repeat_interleave(q.shape[1] // x.shape[1], dim=1) for x in (k, v))
    return varlen_attn(q, k, v, cu, cu, max_len, max_len, **kwargs).unsqueeze(0)


def _per_document(query, key, value, bounds, scaling):
    """(1, H, T, D) tensors -> (1, T, Hq, D), causal SDPA within each document."""
    gqa = key.shape[1] != query.shape[1]
    outs = [
        F.scaled_dot_product_attention(query[:, :, a:b], key[:, :, a:b], value[:, :, a:b], is_causal=True,
                                       scale=scaling, enable_gqa=gqa)
        for a, b in zip(bounds, bounds[1:])
    ]
    return torch.cat(outs, dim=2).transpose(1, 2).contiguous()


def packed_attention_forward(module, query, key, value, attention_mask, dropout=0.0, scaling=None,
                             sliding_window=None, is_causal=None, **kwargs):
    """The AttentionInterface function: returns ((B, T, Hq, D), None)."""
    if attention_mask is not None or sliding_window is not None or query.shape[0] != 1 or dropout:
        # Not verl's packed layout (a padded batch, an explicit mask, sliding windows: e.g. HF
        # generate): transformers' SDPA handles those.
        from transformers.integrations.sdpa_attention import sdpa_attention_forward

        return sdpa_attention_forward(module, query, key, value, attention_mask, dropout=dropout,
                                      scaling=scaling, is_causal=is_causal, **kwargs)
    if is_causal is False or not getattr(module, "is_causal", True):
        raise NotImplementedError(f"{NAME} implements causal attention only")
    position_ids = kwargs.get("position_ids")
    if position_ids is None:
        position_ids = torch.arange(query.shape[2], device=query.device)
    cu, max_len, bounds = document_bounds(position_ids)
    if varlen_usable(query):
        return _varlen(query, key, value, cu, max_len, scaling), None
    return _per_document(query, key, value, bounds, scaling), None


def varlen_usable(query):
    """torch's varlen kernel is flash attention: CUDA, half precision."""
    return varlen_attn is not None and query.is_cuda and query.dtype in (torch.float16, torch.bfloat16)


def register():
    from transformers import AttentionInterface

    AttentionInterface.register(NAME, packed_attention_forward)


register()
