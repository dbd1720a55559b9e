"""Where a profiled training step's time goes, from the chrome trace verl's torch profiler
writes (`trainer.profile_interval`, gpu_sft.py's `profile` variant): the span from the first
kernel to the last, the time the GPU was busy in it, kernel time by kind, and the top kernels.

    python benchmarks/trace_summary.py results/benchmarks/gpu_sft/<run>/profile/profile/*.json.gz
"""

import argparse
import gzip
import json
import re
from collections import defaultdict
from pathlib import Path

# First match wins; the names are those of the kernels torch, cuBLAS, Triton (Liger, verl's fused
# kernels) and NCCL launch on Hopper.
KINDS = (
    ("nccl", r"nccl"),
    ("attention", r"flash|fmha|attention|sdpa"),
    ("matmul", r"gemm|cutlass|xmma|nvjet|cublas|matmul"),
    ("optimizer", r"multi_tensor|adam|fused_adam"),
    ("triton", r"^triton|_kernel$"),
    ("copy and cast", r"copy|cat|fill|memcpy|memset|index|scatter|gather"),
    ("elementwise", r"elementwise|vectorized|unrolled|reduce|softmax|norm"),
)


def kind_of(name):
    return next((kind for kind, pattern in KINDS if re.search(pattern, name, re.IGNORECASE)), "other")


def gpu_events(trace):
    """Kernels, copies and fills on the GPU: (name, start us, duration us, the launching op's
    name). The op is the CPU operator with the kernel's "External id" (aten::mm, a Triton
    kernel's Python name, ...)."""
    events = [e for e in trace.get("traceEvents", []) if e.get("ph") == "X" and "dur" in e]
    ops = {e["args"]["External id"]: e["name"] for e in events
           if e.get("cat") == "cpu_op" and "External id" in e.get("args", {})}
    cats = {"kernel", "gpu_memcpy", "gpu_memset"}
    return [(e["name"], float(e["ts"]), float(e["dur"]), ops.get(e.get("args", {}).get("External id"), "?"))
            for e in events if e.get("cat") in cats]


def busy_time(events):
    """The union of the events' intervals (streams overlap)."""
    total, end = 0.0, None
    for _, start, dur, _ in sorted(events, key=lambda e: e[1]):
        stop = start + dur
        if end is None or start > end:
            total += dur
            end = stop
        elif stop > end:
            total += stop - end
            end = stop
    return total


def annotations(trace, top):
    """The CPU-side markers verl and torch put around stages (train_batch, micro_batchN,
    Optimizer.step, FSDP's hooks): wall time by name, layer and micro-batch numbers merged."""
    by_name = defaultdict(float)
    for e in trace.get("traceEvents", []):
        if e.get("ph") == "X" and e.get("cat") == "user_annotation" and "dur" in e:
            by_name[re.sub(r"\d+", "N", e["name"])] += float(e["dur"])
    return {n: round(v / 1e3, 2) for n, v in sorted(by_name.items(), key=lambda kv: -kv[1])[:top]}


def summary(path, top=25):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as f:
        trace = json.load(f)
    events = gpu_events(trace)
    marks = annotations(trace, top)
    if not events:
        return {"trace": str(path), "kernels": 0, "annotations_ms": marks}
    span = max(s + d for _, s, d, _ in events) - min(s for _, s, _, _ in events)
    by_kind, by_op, by_name, counts = defaultdict(float), defaultdict(float), defaultdict(float), defaultdict(int)
    for name, _, dur, op in events:
        by_kind[kind_of(name)] += dur
        by_op[op] += dur
        by_name[name] += dur
        counts[name] += 1
    ms = lambda us: round(us / 1e3, 2)  # noqa: E731
    return {
        "trace": str(path),
        "kernels": len(events),
        "span_ms": ms(span),
        "busy_ms": ms(busy_time(events)),
        "annotations_ms": marks,
        "kernel_ms_by_kind": {k: ms(v) for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1])},
        "kernel_ms_by_op": {k: ms(v) for k, v in sorted(by_op.items(), key=lambda kv: -kv[1])[:top]},
        "top_kernels": [{"name": n[:160], "ms": ms(v), "count": counts[n], "kind": kind_of(n)}
                        for n, v in sorted(by_name.items(), key=lambda kv: -kv[1])[:top]],
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("traces", nargs="+", type=Path)
    p.add_argument("--top", type=int, default=25)
    args = p.parse_args()
    for path in args.traces:
        print(json.dumps(summary(path, args.top), indent=1))


if __name__ == "__main__":
    main()
