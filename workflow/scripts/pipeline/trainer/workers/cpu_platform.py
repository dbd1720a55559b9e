"""A CPU platform for verl 0.9.1's SFT trainer, so the pipeline trains on hosts without a GPU.

verl ships platforms for nvidia / npu / rocm only; on a CPU-only host it falls back to 'nvidia'
and dies ("NCCL not built in"). verl's own extension hooks load this module without any edit to
verl: `VERL_USE_EXTERNAL_MODULES=pipeline.trainer.workers.cpu_platform` imports it at `import verl`, and
`VERL_PLATFORM=cpu` selects the platform it registers. Importing it:

1. registers PlatformCPU as `cpu` (gloo, and a small torch.cuda-shaped device module);
2. wraps torch.distributed.init_process_group so the backend string verl builds,
   "cpu:gloo,cpu:gloo" (a duplicated device key torch rejects), becomes "gloo". Other backend
   strings pass unchanged.

The launch also sets VERL_ENGINE_DEVICE=cuda (verl registers its FSDP engine under cuda/npu
keys only; the engine itself is device-agnostic) and trainer.device=cpu.
"""

from __future__ import annotations

import functools
import os
import types
from contextlib import contextmanager
from typing import Any, Optional

import torch
import torch.distributed

from verl.plugin.platform import PlatformBase, PlatformRegistry


def _mem_get_info() -> tuple[int, int]:
    """(free, total) bytes of host RAM; verl's memory logger calls device.mem_get_info()."""
    page = os.sysconf("SC_PAGE_SIZE")
    return os.sysconf("SC_AVPHYS_PAGES") * page, os.sysconf("SC_PHYS_PAGES") * page


def _noop(*_args, **_kwargs) -> None:
    return None


def _zero(*_args, **_kwargs) -> int:
    return 0


# verl calls ``get_torch_device().<fn>()`` (i.e. the platform's device_module) assuming
# a torch.cuda-like namespace.  torch.cpu lacks most of those functions, so we expose a
# module that forwards the few that torch.cpu has and stubs the rest:
#   current_device -> "cpu": verl uses get_device_id() for .to(...)/torch.device(...)/FSDP
#   empty_cache / set_per_process_memory_fraction / reset_peak_memory_stats: no-ops
#   memory_allocated / memory_reserved / max_memory_*: 0 (only logged)
#   mem_get_info: host RAM (memory logging)
#   get_device_name -> "CPU": flops_counter looks it up in its peak-FLOPS table (MFU metric)
#   get/set_rng_state, manual_seed(_all): the CPU generator (there is no other)
_CPU_DEVICE_MODULE = types.ModuleType("verl_cpu_device")
_CPU_DEVICE_MODULE.__dict__.update(
    is_available=lambda: True,
    device_count=lambda: 1,
    current_device=lambda: "cpu",
    set_device=torch.cpu.set_device,
    synchronize=torch.cpu.synchronize,
    empty_cache=_noop,
    set_per_process_memory_fraction=_noop,
    reset_peak_memory_stats=_noop,
    memory_allocated=_zero,
    memory_reserved=_zero,
    max_memory_allocated=_zero,
    max_memory_reserved=_zero,
    mem_get_info=_mem_get_info,
    get_device_name=lambda *_: "CPU",
    get_rng_state=torch.get_rng_state,
    set_rng_state=torch.set_rng_state,
    manual_seed=torch.manual_seed,
    manual_seed_all=torch.manual_seed,
)


@PlatformRegistry.register(platform="cpu")
class PlatformCPU(PlatformBase):
    """Host CPU as a verl platform: gloo collectives, no profiler, no IPC, no allocator knobs."""

    @property
    def device_name(self) -> str:
        return "cpu"

    @property
    def vendor_name(self) -> str:
        return "cpu"

    @property
    def device_module(self) -> types.ModuleType:
        return _CPU_DEVICE_MODULE

    def is_available(self) -> bool:
        return True

    def is_platform_available(self, use_smi_check=False) -> bool:
        # Never win auto-detection: select this platform explicitly with VERL_PLATFORM=cpu.
        return False

    def current_device(self) -> str:  # type: ignore[override]
        return "cpu"

    def device_count(self) -> int:
        return 1

    def set_device(self, device_index: int) -> None:
        pass

    def synchronize(self, device_index: Optional[int] = None) -> None:
        pass

    def manual_seed(self, seed: int) -> None:
        torch.manual_seed(seed)

    def manual_seed_all(self, seed: int) -> None:
        torch.manual_seed(seed)

    def set_allocator_settings(self, settings: str) -> None:
        pass

    def empty_cache(self) -> None:
        pass

    def get_device_capability(self, device_index: int = 0) -> tuple[Optional[int], Optional[int]]:
        return None, None

    def communication_backend_name(self) -> str:
        return "gloo"

    def visible_devices_envvar(self) -> str:
        return "CUDA_VISIBLE_DEVICES"

    @contextmanager
    def nvtx_range(self, msg: str):
        yield

    def profiler_start(self) -> None:
        pass

    def profiler_stop(self) -> None:
        pass

    def ray_resource_name(self) -> str:
        return "CPU"

    def ray_noset_envvars(self) -> list[str]:
        return []

    def is_ipc_supported(self) -> bool:
        return False

    def cudart(self) -> Any:
        return None


def _normalize_backend(backend: Optional[str]) -> Optional[str]:
    """'cpu:gloo,cpu:gloo' -> 'gloo'; anything else unchanged."""
    if not isinstance(backend, str) or "," not in backend:
        return backend
    pairs = {part.strip() for part in backend.split(",")}
    if all(p.split(":", 1)[0] == "cpu" for p in pairs) and len({p.split(":", 1)[-1] for p in pairs}) == 1:
        return next(iter(pairs)).split(":", 1)[-1]
    return backend


def _install_backend_fix() -> None:
    original = torch.distributed.init_process_group
    if getattr(original, "_verl_cpu_wrapped", False):
        return

    @functools.wraps(original)
    def init_process_group(*args, **kwargs):
        if "backend" in kwargs:
            kwargs["backend"] = _normalize_backend(kwargs["backend"])
        elif args:
            args = (_normalize_backend(args[0]),) + tuple(args[1:])
        return original(*args, **kwargs)

    init_process_group._verl_cpu_wrapped = True  # type: ignore[attr-defined]
    torch.distributed.init_process_group = init_process_group


_install_backend_fix()
