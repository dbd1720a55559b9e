"""Does a packed length divisible by 16 make Liger's kernels compile again inside a training step?
Triton specialises a kernel's integer arguments on divisibility by 16, and Liger's RoPE and
RMSNorm take the packed micro-batch's length (verl packs a micro-batch into one row). This times
the first and the second call of each kernel (forward + backward, the 1.5B shape's heads and
width) at lengths in the order given: a first call far slower than the second is a compilation.

    python3 benchmarks/triton_lengths.py --lengths 34031,34033,34032,34048,34031

Prints one JSON line per kernel and length (milliseconds)."""

import argparse
import json
import time

import torch
from liger_kernel.ops.rms_norm import LigerRMSNormFunction
from liger_kernel.ops.rope import LigerRopeFunction


def timed(fn):
    torch.cuda.synchronize()
    started = time.perf_counter()
    fn()
    torch.cuda.synchronize()
    return 1e3 * (time.perf_counter() - started)


def rope(length, heads, kv_heads, head_dim):
    q = torch.randn(1, heads, length, head_dim, device="cuda", dtype=torch.bfloat16, requires_grad=True)
    k = torch.randn(1, kv_heads, length, head_dim, device="cuda", dtype=torch.bfloat16, requires_grad=True)
    cos = torch.randn(1, length, head_dim, device="cuda", dtype=torch.bfloat16)
    sin = torch.randn(1, length, head_dim, device="cuda", dtype=torch.bfloat16)

    def step():
        q_out, k_out = LigerRopeFunction.apply(q, k, cos, sin)
        (q_out.float().sum() + k_out.float().sum()).backward()

    return step


def rms_norm(length, hidden):
    x = torch.randn(1, length, hidden, device="cuda", dtype=torch.bfloat16, requires_grad=True)
    w = torch.ones(hidden, device="cuda", dtype=torch.bfloat16, requires_grad=True)

    def step():
        LigerRMSNormFunction.apply(x, w, 1e-6, 0.0, "llama", False).float().sum().backward()

    return step


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lengths", default="34031,34033,34032,34048,34031")
    p.add_argument("--heads", type=int, default=12)
    p.add_argument("--kv-heads", type=int, default=2)
    p.add_argument("--head-dim", type=int, default=128)
    p.add_argument("--hidden", type=int, default=1536)
    args = p.parse_args()
    for length in map(int, args.lengths.split(",")):
        kernels = {"rope": rope(length, args.heads, args.kv_heads, args.head_dim),
                   "rms_norm": rms_norm(length, args.hidden)}
        for name, step in kernels.items():
            first, second = timed(step), timed(step)
            print(json.dumps({"kernel": name, "length": length, "divisible_by_16": length % 16 == 0,
                              "first_ms": round(first, 2), "second_ms": round(second, 2)}), flush=True)


if __name__ == "__main__":
    main()
