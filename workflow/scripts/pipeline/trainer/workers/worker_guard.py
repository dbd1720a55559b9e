"""Makes every verl worker die with its torchrun agent (loaded into each worker through
VERL_USE_EXTERNAL_MODULES).

torchrun starts its workers in sessions of their own, so a SIGKILL to the job's process group
(a Slurm/Snakemake kill, a `kill -9` of the pipeline) kills the agent but leaves the workers
training on: holding GPUs, and writing into the checkpoint directory that the relaunched job
resumes from. PR_SET_PDEATHSIG has the kernel kill the worker when its parent dies."""

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1

if sys.platform == "linux":
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() == 1:  # the agent died before the guard was armed
        os.kill(os.getpid(), signal.SIGKILL)
