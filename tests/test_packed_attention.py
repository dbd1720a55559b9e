"""packed_attention (the pipeline's attention on packed sequences) computes what transformers'
sdpa computes for verl's packed micro-batches: outputs and gradients, on CPU."""

import pytest
import torch
import torch.nn.functional as F
from transformers import AttentionInterface, Qwen2Config, Qwen2ForCausalLM
from transformers.integrations.sdpa_attention import sdpa_attention_forward
from transformers.masking_utils import create_causal_mask

import pipeline.trainer.workers.packed_attention as pa  # registers "packed_varlen"

LENGTHS = [5, 17, 1, 33, 8, 64]
HQ, HKV, D = 12, 2, 32  # Qwen2.5-Coder-1.5B has 12 q heads / 2 kv heads (head_dim 128)


class FakeAttn(torch.nn.Module):
    num_key_value_groups = HQ // HKV
    is_causal = True
    training = True


def packed_position_ids(lengths):
    return torch.cat([torch.arange(n) for n in lengths]).unsqueeze(0)


def qkv(T, dtype=torch.float32, seed=0):
    g = torch.Generator().manual_seed(seed)
    mk = lambda h: torch.randn(1, h, T, D, generator=g, dtype=dtype).requires_grad_(True)  # noqa: E731
    return mk(HQ), mk(HKV), mk(HKV)


def sdpa_reference(q, k, v, position_ids):
    """What transformers does for attn_implementation='sdpa' with verl's packed input."""
    cfg = Qwen2Config(num_attention_heads=HQ, num_key_value_heads=HKV, hidden_size=HQ * D)
    cfg._attn_implementation = "sdpa"
    emb = torch.zeros(1, q.shape[2], 1, dtype=q.dtype)
    mask = create_causal_mask(cfg, emb, None, None, position_ids=position_ids)
    assert mask is not None and mask.shape == (1, 1, q.shape[2], q.shape[2]) and mask.dtype == torch.bool
    out, _ = sdpa_attention_forward(FakeAttn(), q, k, v, mask, scaling=D**-0.5)
    return out, mask


def run(fn, q, k, v):
    out = fn(q, k, v)
    (out * torch.linspace(-1, 1, out.numel()).view_as(out)).sum().backward()
    grads = [t.grad.clone() for t in (q, k, v)]
    for t in (q, k, v):
        t.grad = None
    return out.detach(), grads


def assert_close(a, b, atol, rtol):
    torch.testing.assert_close(a, b, atol=atol, rtol=rtol)


def test_registered():
    assert pa.NAME in AttentionInterface._global_mapping


def test_dense_mask_is_block_diagonal():
    pos = packed_position_ids(LENGTHS)
    q, k, v = qkv(sum(LENGTHS))
    _, mask = sdpa_reference(q, k, v, pos)
    doc = torch.repeat_interleave(torch.arange(len(LENGTHS)), torch.tensor(LENGTHS))
    expected = (doc[:, None] == doc[None, :]) & torch.ones(len(doc), len(doc), dtype=torch.bool).tril()
    assert torch.equal(mask[0, 0], expected)


@pytest.mark.parametrize("dtype,atol,rtol", [(torch.float32, 2e-6, 1e-5), (torch.float64, 1e-12, 1e-10)])
def test_per_document_sdpa_matches_sdpa_dense_mask(dtype, atol, rtol):
    pos = packed_position_ids(LENGTHS)
    q, k, v = qkv(sum(LENGTHS), dtype)
    ref_out, ref_g = run(lambda q, k, v: sdpa_reference(q, k, v, pos)[0], q, k, v)
    out, g = run(lambda q, k, v: pa.packed_attention_forward(FakeAttn(), q, k, v, None, scaling=D**-0.5,
                                                             position_ids=pos)[0], q, k, v)
    assert out.shape == (1, sum(LENGTHS), HQ, D)
    assert_close(out, ref_out, atol, rtol)
    for a, b in zip(g, ref_g):
        assert_close(a, b, atol, rtol)


def _reference_varlen(q, k, v, cu_q, cu_k, max_q, max_k, *, causal, scale):
    """A pure-torch model of the flash varlen contract: (T, H, D) packed tensors, int32 cu_seqlens."""
    assert q.dim() == 3 and cu_q.dtype == torch.int32 and torch.equal(cu_q, cu_k)
    lens = cu_q.diff()
    assert int(lens.max()) == max_q == max_k
    outs = []
    for a, b in zip(cu_q[:-1].tolist(), cu_q[1:].tolist()):
        qs, ks, vs = (t[a:b].transpose(0, 1).unsqueeze(0) for t in (q, k, v))
        outs.append(F.scaled_dot_product_attention(qs, ks, vs, is_causal=causal, scale=scale,
                                                   enable_gqa=ks.shape[1] != qs.shape[1])[0].transpose(0, 1))
    return torch.cat(outs)


@pytest.mark.parametrize("params", [
    {"is_causal", "return_aux"},                                   # torch 2.9
    {"return_aux", "scale", "window_size"},                        # torch 2.10 / 2.11
    {"return_aux", "scale", "window_size", "enable_gqa"},          # torch 2.12 / 2.13
])
def test_varlen_plumbing(params, monkeypatch):
    """The varlen branch (layouts, cu_seqlens, causal flag, GQA handling) against sdpa's dense mask,
    with torch's CUDA-only varlen_attn replaced by a reference of its contract."""
    calls = []

    def fake_varlen(q, k, v, cu_q, cu_k, max_q, max_k, **kw):
        calls.append(kw)
        if "window_size" in kw:
            assert kw["window_size"] == (-1, 0)
            causal = True
        else:
            causal = kw["is_causal"]
        if k.shape[1] != q.shape[1]:
            assert kw.get("enable_gqa")
        return _reference_varlen(q, k, v, cu_q, cu_k, max_q, max_k, causal=causal, scale=kw.get("scale"))

    monkeypatch.setattr(pa, "varlen_attn", fake_varlen)
    monkeypatch.setattr(pa, "VARLEN_PARAMS", params)
    monkeypatch.setattr(pa, "varlen_usable", lambda query: True)
    pos = packed_position_ids(LENGTHS)
    q, k, v = qkv(sum(LENGTHS), seed=1)
    ref_out, ref_g = run(lambda q, k, v: sdpa_reference(q, k, v, pos)[0], q, k, v)
    out, g = run(lambda q, k, v: pa.packed_attention_forward(FakeAttn(), q, k, v, None, scaling=D**-0.5,
                                                             position_ids=pos)[0], q, k, v)
    assert calls
    assert_close(out, ref_out, 2e-6, 1e-5)
    for a, b in zip(g, ref_g):
        assert_close(a, b, 2e-6, 1e-5)


def test_boundaries_computed_once_per_micro_batch():
    pos = packed_position_ids(LENGTHS)
    cu, max_len, bounds = pa.document_bounds(pos)
    for _ in range(5):  # every layer gets the same position_ids tensor
        assert pa.document_bounds(pos)[0] is cu
    assert bounds == [0, 5, 22, 23, 56, 64, 128] and max_len == 64
    assert pa.document_bounds(pos.clone())[0] is not cu  # a new micro-batch is recomputed


def _tiny_qwen2(attn):
    torch.manual_seed(0)
    cfg = Qwen2Config(vocab_size=512, hidden_size=HQ * D, intermediate_size=256, num_hidden_layers=2,
                      num_attention_heads=HQ, num_key_value_heads=HKV, max_position_embeddings=512,
                      tie_word_embeddings=True, attn_implementation=attn)
    return Qwen2ForCausalLM(cfg).float()


@pytest.mark.parametrize("grad_ckpt", [False, True])
def test_qwen2_packed_forward_backward_matches_sdpa_and_unpacked(grad_ckpt):
    lengths = [7, 40, 3, 25]
    ids = torch.randint(0, 512, (1, sum(lengths)), generator=torch.Generator().manual_seed(3))
    pos = packed_position_ids(lengths)
    results = {}
    for attn in ("sdpa", pa.NAME):
        m = _tiny_qwen2(attn)
        m.train()
        if grad_ckpt:
            m.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        logits = m(input_ids=ids, position_ids=pos, attention_mask=None, use_cache=False).logits
        logits.float().logsumexp(-1).sum().backward()
        results[attn] = (logits.detach(), {n: p.grad.clone() for n, p in m.named_parameters()})
    (l_ref, g_ref), (l_new, g_new) = results["sdpa"], results[pa.NAME]
    assert_close(l_new, l_ref, 1e-5, 1e-5)
    for n in g_ref:
        assert_close(g_new[n], g_ref[n], 1e-5, 1e-4)
    # and both equal running every document on its own
    m = _tiny_qwen2("sdpa")
    with torch.no_grad():
        parts = [m(input_ids=seg, use_cache=False).logits for seg in ids.split(lengths, dim=1)]
    assert_close(l_new, torch.cat(parts, dim=1), 1e-5, 1e-5)
