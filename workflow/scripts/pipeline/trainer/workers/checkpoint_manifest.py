"""Loaded into every verl worker (VERL_USE_EXTERNAL_MODULES): after verl 0.9.1's CheckpointHandler
has saved step N (every rank's shards, the data loader states), the ranks describe
the checkpoint's files between them (sizes and, with `+checkpoint.verify=sha256`, SHA-256: each
rank hashes a share, largest files dealt first; PIPELINE_CHECKPOINT_VERIFY=sha256|size, from
train.checkpoint.verify) and rank 0 writes its manifest, which marks it complete (pipeline/trainer/checkpoints.py), and only
then moves verl's tracker to it: verl writes the tracker as its save's last file, here into
checkpoints.PENDING_TRACKER, so that a kill before the manifest leaves the tracker on the last
complete checkpoint (tests/test_faults.py killed runs in that gap). Then old checkpoints are pruned to
trainer.max_ckpt_to_keep, counting complete ones only: verl's own pruning, which runs before the
save is known to be good, is switched off for the call."""

import functools
import os
import time
from pathlib import Path

import torch.distributed as dist
from verl.utils.checkpoint import checkpoint_handler
from verl.utils.checkpoint.checkpoint_handler import CheckpointHandler

from pipeline.trainer import checkpoints

# verl's save writes the tracker through this name (its loader reads the real one through its own).
checkpoint_handler.get_checkpoint_tracker_filename = lambda root: os.path.join(root, checkpoints.PENDING_TRACKER)

_save_checkpoint = CheckpointHandler.save_checkpoint


STRENGTH = os.environ.get("PIPELINE_CHECKPOINT_VERIFY", "sha256")
if STRENGTH not in checkpoints.STRENGTHS:
    raise ValueError(f"PIPELINE_CHECKPOINT_VERIFY={STRENGTH!r}: expected one of {checkpoints.STRENGTHS}")


@functools.wraps(_save_checkpoint)
def save_checkpoint(self, step):
    keep, self.max_ckpt_to_keep = self.max_ckpt_to_keep, None
    start = time.perf_counter()
    try:
        _save_checkpoint(self, step)  # ends with a barrier: every rank's files are written
    finally:
        self.max_ckpt_to_keep = keep
    saved = time.perf_counter()
    step_dir = Path(self.default_local_dir) / f"global_step_{step}"
    rank, world = dist.get_rank(), dist.get_world_size()
    names = [checkpoints.checkpoint_files(step_dir) if rank == 0 else None]
    dist.broadcast_object_list(names, src=0)
    mine = checkpoints.describe(step_dir, names[0][rank::world], STRENGTH)
    shares = [None] * world
    dist.all_gather_object(shares, mine)
    if rank == 0:
        files = {k: v for s in shares for k, v in s.items()}
        checkpoints.write_manifest(step_dir, step, STRENGTH, files)
        checkpoints.point_tracker(self.default_local_dir, step)
        (Path(self.default_local_dir) / checkpoints.PENDING_TRACKER).unlink(missing_ok=True)
        removed = checkpoints.prune(self.default_local_dir, keep)
        print(f"checkpoint step {step} complete: manifest of {len(files)} files, "
              f"{sum(f['bytes'] for f in files.values()) / 1e9:.2f} GB ({STRENGTH}); save {saved - start:.1f} s, "
              f"manifest {time.perf_counter() - saved:.1f} s" + (f"; pruned steps {removed}" if removed else ""),
              flush=True)
    dist.barrier()


CheckpointHandler.save_checkpoint = save_checkpoint
