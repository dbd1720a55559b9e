"""Isolated GPU micro-benchmarks of the two suspects in verl 0.9.1's SFT step (Qwen2.5-Coder-1.5B shapes).

  A. log-prob/loss head: verl's no-flash_attn path (per-row loop, logprobs_from_logits_v2) vs
     fast_logprobs.chunked_logprobs vs verl's FusedLinearForPPO (model.use_fused_kernels=True,
     impl_backend torch) vs liger (impl_backend liger) when importable.   fwd+bwd of lm_head+logprob.
  B. one attention layer (12 q / 2 kv heads, head_dim 128, bf16) on a packed micro-batch:
     transformers 'sdpa' with its dense block-diagonal mask (what verl runs today) vs packed_varlen
     (torch varlen_attn) vs packed_varlen's per-document SDPA loop.  fwd+bwd.

usage: python gpu_bench.py [--cpu-smoke]    (writes JSON lines to stdout)
"""

import argparse
import json
import math
import os
import random
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# packed_attention: the pipeline's own module
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "workflow", "scripts"))


def timeit(fn, dev, reps=3):
    fn()  # warm-up
    if dev == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    if dev == "cuda":
        torch.cuda.synchronize()
    ms = (time.perf_counter() - t0) / reps * 1e3
    peak = torch.cuda.max_memory_allocated() / 2**30 if dev == "cuda" else None
    return round(ms, 2), (round(peak, 2) if peak is not None else None)


def doc_lengths(total, seed, median=900, cap=4096):
    """Documents of a long-tailed length distribution filling `total` tokens."""
    rnd = random.Random(seed)
    out = []
    while sum(out) < total:
        out.append(min(cap, max(16, int(rnd.lognormvariate(math.log(median), 0.6)))))
    out[-1] -= sum(out) - total
    if out[-1] <= 0:
        out.pop()
    return out


def bench_loss(T, H, V, dev, dtype):
    from verl.utils.experimental.torch_functional import FusedLinearForPPO
    from verl.utils.torch_functional import logprobs_from_logits_v2

    import fast_logprobs

    g = torch.Generator(device=dev).manual_seed(0)
    hidden = (torch.randn(T, H, device=dev, dtype=dtype, generator=g) * 0.5).requires_grad_(True)
    W = (torch.randn(V, H, device=dev, dtype=dtype, generator=g) * 0.02).requires_grad_(True)
    labels = torch.randint(0, V, (T,), device=dev, generator=g)
    ac = (lambda: torch.autocast(dev, dtype=torch.bfloat16)) if dev == "cuda" else (lambda: torch.autocast("cpu", enabled=False))

    def zero():
        hidden.grad = None
        W.grad = None

    def run_logits(fn):
        def f():
            zero()
            with ac():
                logits = hidden @ W.t()
                lp = fn(logits, labels)
            (-lp.sum() / T).backward()
        return f

    def run_fused(backend):
        mod = FusedLinearForPPO(impl_backend=backend)

        def f():
            zero()
            with ac():
                lp, _ent = mod(hidden.unsqueeze(0), W, labels.unsqueeze(0))
            (-lp.sum() / T).backward()
        return f

    cases = {
        "verl_v2_per_row_loop": run_logits(logprobs_from_logits_v2),
        "fast_logprobs_chunked": run_logits(fast_logprobs.chunked_logprobs),
        "fused_torch(use_fused_kernels)": run_fused("torch"),
    }
    try:
        from verl.utils.experimental import torch_functional as etf

        if etf._LIGER_FUSED_LINEAR_SCALED_CROSS_ENTROPY is not None:
            cases["fused_liger"] = run_fused("liger")
    except Exception:
        pass
    for name, fn in cases.items():
        if name == "verl_v2_per_row_loop" and T > 16384 and dev == "cuda":
            reps = 1
        else:
            reps = 3
        try:
            ms, peak = timeit(fn, dev, reps)
            print(json.dumps({"bench": "loss", "T": T, "case": name, "ms": ms, "peak_gib": peak}), flush=True)
        except Exception as e:  # OOM etc.
            print(json.dumps({"bench": "loss", "T": T, "case": name, "error": repr(e)[:300]}), flush=True)
        zero()
        if dev == "cuda":
            torch.cuda.empty_cache()


def bench_attn(T, dev, dtype, Hq=12, Hkv=2, D=128):
    import packed_attention as pa
    from transformers import Qwen2Config
    from transformers.integrations.sdpa_attention import sdpa_attention_forward
    from transformers.masking_utils import create_causal_mask

    lens = doc_lengths(T, seed=T)
    pos = torch.cat([torch.arange(n, device=dev) for n in lens]).unsqueeze(0)
    g = torch.Generator(device=dev).manual_seed(0)
    q = torch.randn(1, Hq, T, D, device=dev, dtype=dtype, generator=g).requires_grad_(True)
    k = torch.randn(1, Hkv, T, D, device=dev, dtype=dtype, generator=g).requires_grad_(True)
    v = torch.randn(1, Hkv, T, D, device=dev, dtype=dtype, generator=g).requires_grad_(True)
    go = torch.randn(1, T, Hq, D, device=dev, dtype=dtype, generator=g)

    class M(torch.nn.Module):
        num_key_value_groups = Hq // Hkv
        is_causal = True

    m = M()
    cfg = Qwen2Config(num_attention_heads=Hq, num_key_value_heads=Hkv, hidden_size=Hq * D)
    cfg._attn_implementation = "sdpa"
    emb = torch.empty(1, T, 1, device=dev, dtype=dtype)

    def sdpa_dense():
        # mask built once per micro-batch in Qwen2Model.forward; attention runs per layer
        mask = create_causal_mask(cfg, emb, None, None, position_ids=pos)
        out, _ = sdpa_attention_forward(m, q, k, v, mask, scaling=D**-0.5)
        out.backward(go)

    def packed(use_varlen):
        def f():
            pa.varlen_usable = lambda query: use_varlen  # choose the kernel behind the same function
            pos2 = pos.clone()  # new micro-batch -> boundaries recomputed (one sync), as in training
            out, _ = pa.packed_attention_forward(m, q, k, v, None, scaling=D**-0.5, position_ids=pos2)
            out.backward(go)
        return f

    cases = {"sdpa_dense_mask(today)": sdpa_dense, "packed_sdpa_loop": packed(False)}
    if dev == "cuda" and pa.varlen_attn is not None:
        cases["packed_varlen"] = packed(True)
    ref = None
    for name, fn in cases.items():
        try:
            ms, peak = timeit(fn, dev)
            rec = {"bench": "attn_layer_fwd_bwd", "T": T, "docs": len(lens), "case": name, "ms": ms,
                   "peak_gib": peak, "x28_layers_x1.33_recompute_ms": round(ms * 28 * 4 / 3, 1)}
            # correctness vs the dense-mask path
            for t in (q, k, v):
                t.grad = None
            fn()
            grads = [t.grad.float().clone() for t in (q, k, v)]
            if ref is None:
                ref = grads
            else:
                rec["max_abs_grad_diff_vs_sdpa"] = max((a - b).abs().max().item() for a, b in zip(grads, ref))
            print(json.dumps(rec), flush=True)
        except Exception as e:
            print(json.dumps({"bench": "attn", "T": T, "case": name, "error": repr(e)[:300]}), flush=True)
        for t in (q, k, v):
            t.grad = None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cpu-smoke", action="store_true")
    a = p.parse_args()
    if a.cpu_smoke:
        dev, dtype = "cpu", torch.float32
        for T in (300,):
            bench_loss(T, 64, 4096, dev, dtype)
            bench_attn(T, dev, dtype, D=32)
        return
    dev, dtype = "cuda", torch.bfloat16
    print(json.dumps({"device": torch.cuda.get_device_name(), "torch": torch.__version__}), flush=True)
    for T in (2400, 8000, 26000):
        bench_attn(T, dev, dtype)
    for T in (2400, 8000, 26000):
        bench_loss(T, 1536, 151936, dev, dtype)


if __name__ == "__main__":
    main()
