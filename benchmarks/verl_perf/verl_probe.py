"""Instrumentation for verl 0.9.1's SFT step, loaded into the worker via VERL_USE_EXTERNAL_MODULES.

Wraps (no file edits) the engine functions of one training step and records, per step:
  wall time per region, number of aten ops per region (~ CUDA kernel launches on a GPU),
  and host-sync calls (.item(), .tolist(), .cpu() and bool() of tensors) per region.
Regions: prep_inputs, model_fwd, logprob (prepare_model_outputs), loss, backward, optim, outside.
Writes one JSON line per step to $VERL_PROBE_OUT (default /tmp/verl_perf/probe.jsonl).
Set VERL_PROBE_OPS=0 to skip op counting (it slows the host a little).
"""

import atexit
import collections
import functools
import json
import os
import time

import torch
from torch.utils._python_dispatch import TorchDispatchMode

OUT = os.environ.get("VERL_PROBE_OUT", "/tmp/verl_perf/probe.jsonl")
COUNT_OPS = os.environ.get("VERL_PROBE_OPS", "0" if torch.cuda.is_available() else "1") == "1"
SYNC = os.environ.get("VERL_PROBE_SYNC", "1") == "1"

_region = ["outside"]
_t = collections.defaultdict(float)
_ops = collections.Counter()
_ops_by_name = collections.defaultdict(collections.Counter)
_syncs = collections.Counter()
_sync_sites = collections.Counter()
_step = [0]
_step_t0 = [None]


def _sync_device():
    if SYNC and torch.cuda.is_available():
        torch.cuda.synchronize()


class _Region:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        _sync_device()
        self.prev = _region[0]
        _region[0] = self.name
        self.t0 = time.perf_counter()

    def __exit__(self, *exc):
        _sync_device()
        _t[self.name] += time.perf_counter() - self.t0
        _region[0] = self.prev


def region(name):
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            with _Region(name):
                return fn(*a, **k)

        return wrapper

    return deco


class _OpCounter(TorchDispatchMode):
    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        r = _region[0]
        _ops[r] += 1
        _ops_by_name[r][str(func.overloadpacket)] += 1
        return func(*args, **(kwargs or {}))


def _count_sync(kind):
    orig = getattr(torch.Tensor, kind)

    @functools.wraps(orig)
    def wrapper(self, *a, **k):
        if kind != "cpu" or self.device.type != "cpu":
            _syncs[(_region[0], kind)] += 1
        return orig(self, *a, **k)

    setattr(torch.Tensor, kind, wrapper)


for _k in ("item", "tolist", "cpu", "__bool__"):
    _count_sync(_k)


def _install():
    from verl.workers.engine.fsdp import transformer_impl as ti
    from verl.workers.engine_workers import TrainingWorker
    from verl.workers.utils import losses

    E = ti.FSDPEngineWithLMHead
    E.prepare_model_inputs = region("prep_inputs")(E.prepare_model_inputs)
    E.prepare_model_outputs = region("logprob")(E.prepare_model_outputs)
    ti.FSDPEngine.optimizer_step = region("optim")(ti.FSDPEngine.optimizer_step)
    losses.sft_loss = region("loss")(losses.sft_loss)

    orig_fs = E.forward_step

    @functools.wraps(orig_fs)
    def forward_step(self, *a, **k):
        with _Region("model_fwd"):  # nested regions above subtract themselves below
            return orig_fs(self, *a, **k)

    E.forward_step = forward_step

    orig_bw = torch.autograd.backward

    @functools.wraps(orig_bw)
    def backward(*a, **k):
        with _Region("backward"):
            return orig_bw(*a, **k)

    torch.autograd.backward = backward

    orig_tb = TrainingWorker.train_batch

    def _flush():
        if _step_t0[0] is None:
            return
        wall = time.perf_counter() - _step_t0[0]
        # model_fwd includes the nested prep_inputs/logprob/loss regions: make it exclusive
        t = dict(_t)
        t["model_fwd"] = t.get("model_fwd", 0) - sum(t.get(r, 0) for r in ("prep_inputs", "logprob", "loss"))
        t["outside"] = wall - sum(v for k, v in _t.items() if k != "model_fwd") - t["model_fwd"]
        rec = {
            "step": _step[0],
            "wall_s": round(wall, 4),
            "time_s": {k: round(v, 4) for k, v in t.items()},
            "ops": dict(_ops),
            "top_ops": {r: c.most_common(8) for r, c in _ops_by_name.items()},
            "syncs": {f"{r}:{k}": v for (r, k), v in _syncs.items()},
        }
        if torch.cuda.is_available():
            ms = torch.cuda.memory_stats()
            keys = ("num_alloc_retries", "num_ooms", "num_device_alloc", "num_device_free",
                    "allocated_bytes.all.peak", "reserved_bytes.all.peak", "segment.small_pool.current",
                    "segment.large_pool.current", "num_sync_all_streams")
            rec["cuda_mem"] = {k: ms.get(k) for k in keys}
            for k in ("allocated_bytes.all.peak", "reserved_bytes.all.peak"):
                if rec["cuda_mem"][k] is not None:
                    rec["cuda_mem"][k] = round(rec["cuda_mem"][k] / 2**30, 2)
            torch.cuda.reset_peak_memory_stats()
        with open(OUT, "a") as f:
            f.write(json.dumps(rec) + "\n")
        for d in (_t, _ops, _syncs):
            d.clear()
        _ops_by_name.clear()

    @functools.wraps(orig_tb)
    def train_batch(self, data):
        # one SFT step = one train_batch call; "outside" = time between consecutive calls
        # (dataloader, tensordict construction, metric logging) + metric postprocessing here.
        _flush()
        _step[0] += 1
        _step_t0[0] = time.perf_counter()
        if COUNT_OPS:
            with _OpCounter():
                return orig_tb(self, data)
        return orig_tb(self, data)

    TrainingWorker.train_batch = train_batch
    atexit.register(_flush)


_install()
