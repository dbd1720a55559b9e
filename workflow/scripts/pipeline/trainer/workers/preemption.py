"""Loaded into every verl worker (VERL_USE_EXTERNAL_MODULES): save on preemption.

A stop is asked for by SIGUSR1 or SIGTERM to a worker (Slurm's warning signal, `--signal=USR1@N`,
reaches every process of the job step), or by the file checkpoints.STOP_FILE in the checkpoint directory,
which the train rule writes when it gets such a signal itself (a Snakemake or Ctrl-C stop reaches
only the rule's process; the torchrun agent is started apart from it and ignores SIGUSR1, so it
neither dies of the signal nor kills the workers early).

verl 0.9.1's SFT trainer takes each step's batch from its train data loader after it has logged,
validated and saved the previous step, so the boundary between two steps is that loader's next
batch: here the loader is wrapped, and before each batch the ranks agree (one all-reduce of a
flag) whether a stop was asked for anywhere. When it was, the step in flight has finished; the
ranks save it through verl's own CheckpointHandler (unless it was just saved), rank 0 records
checkpoints.PREEMPTED_FILE, and every rank exits 0. The train rule sees that record and fails with "preempted",
so a rerun or the profile's retry resumes from the saved step: nothing is lost."""

import functools
import json
import os
import signal
import sys
import time
from pathlib import Path

import torch
import torch.distributed as dist
from verl.trainer import sft_trainer

from pipeline.trainer import checkpoints

SIGNALS = (signal.SIGUSR1, signal.SIGTERM)

_asked = {"signal": None}
_owner = os.getpid()


def _ask(signum, _frame):
    if os.getpid() != _owner:  # a data-loader process forked from the worker: die as it would have
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    _asked["signal"] = signal.Signals(signum).name


for _s in SIGNALS:
    signal.signal(_s, _ask)


class StopAtStepBoundary:
    """The trainer's train data loader, with the stop check before each batch."""

    def __init__(self, loader, trainer):
        self.loader, self.trainer = loader, trainer
        self.step = trainer.resume_global_step  # the last finished step

    def __len__(self):
        return len(self.loader)

    def __iter__(self):
        batches = iter(self.loader)
        while True:
            self.stop_if_asked()
            try:
                batch = next(batches)
            except StopIteration:
                return
            self.step += 1
            yield batch

    def stop_if_asked(self):
        ckpt_dir = Path(self.trainer.config.trainer.default_local_dir)
        asked = _asked["signal"] or ("file" if (ckpt_dir / checkpoints.STOP_FILE).exists() else None)
        flag = torch.tensor([0 if asked is None else 1], device=self.trainer.device_name)
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        if not flag.item():
            return
        saved = checkpoints.tracked_step(ckpt_dir) == self.step
        if self.step and not saved:
            self.trainer.ckpt_handler.save_checkpoint(step=self.step)
        if dist.get_rank() == 0:
            record = {"step": self.step, "asked_by": asked or "another rank", "saved_now": not saved,
                      "time": time.time()}
            (ckpt_dir / checkpoints.PREEMPTED_FILE).write_text(json.dumps(record))
            print(f"preempted after step {self.step} ({record['asked_by']}): "
                  f"{'saved' if not saved else 'already saved'}; exiting", flush=True)
        dist.barrier()
        sys.stdout.flush()
        sys.exit(0)


_fit = sft_trainer.SFTTrainer.fit


@functools.wraps(_fit)
def fit(self):
    self.train_dataloader = StopAtStepBoundary(self.train_dataloader, self)
    return _fit(self)


sft_trainer.SFTTrainer.fit = fit
