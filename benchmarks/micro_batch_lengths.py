"""The packed length of every micro-batch in a gpu_sft.py run, rebuilt on the CPU: the benchmark's
own rows (its data, seed and tokenizer), in verl's order (DistributedSampler, one rank) and split
as verl splits a step (seqlen_balancing's partitions under the token budget). A length divisible
by 16 is a new specialisation for Triton's kernels the first time it comes (benchmarks/RESULTS.md),
so this says in which step an unpadded run compiles them again.

    python3 benchmarks/micro_batch_lengths.py --batch 64 --steps 12 --budget 27648

Prints one line per step: its tokens (verl's train/global_tokens) and its micro-batches' lengths."""

import argparse
import sys
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import torch
from tensordict import TensorDict
from torch.utils.data import DistributedSampler
from verl.utils.seqlen_balancing import rearrange_micro_batches

import gpu_sft
import synthetic


def step_parts(lengths, budget):
    """The packed lengths of verl's micro-batches of one step (rearrange_micro_batches itself, on
    rows whose attention masks hold `lengths` tokens)."""
    mask = torch.arange(max(lengths)) < torch.tensor(lengths)[:, None]
    batch = TensorDict({"input_ids": mask.long(), "attention_mask": mask.long()}, batch_size=len(lengths))
    _, parts = rearrange_micro_batches(batch, max_token_len=budget)
    return [sum(lengths[i] for i in part) for part in parts]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--batch", type=int, default=64, help="global batch, as gpu_sft.py --batch")
    p.add_argument("--steps", type=int, default=12, help="as gpu_sft.py --steps")
    p.add_argument("--seed", type=int, default=0, help="as gpu_sft.py --seed")
    p.add_argument("--budget", type=int, required=True, help="the run's max_token_len_per_gpu")
    args = p.parse_args()
    max_length = gpu_sft.CONFIG["train"]["data"]["max_length"]
    with tempfile.TemporaryDirectory() as tmp:
        # The run's own train split: the tiny model's tokenizer is the real shapes' (build_model).
        gpu_sft.build_model("tiny", Path(tmp) / "model")
        gpu_sft.write_split(Path(tmp) / "model", Path(tmp) / "data", synthetic.training_rows(args.batch, args.steps),
                            args.batch, args.seed)
        counts = pq.read_table(Path(tmp) / "data" / "train.parquet", columns=["n_tokens"])["n_tokens"].to_pylist()
    train = [min(c, max_length) for c in counts]  # verl truncates at max_length
    sampler = DistributedSampler(range(len(train)), shuffle=True, num_replicas=1, rank=0, drop_last=True)
    order = list(sampler)
    for step in range(args.steps):
        lengths = [train[i] for i in order[step * args.batch:(step + 1) * args.batch]]
        parts = step_parts(lengths, args.budget)
        marks = " ".join(f"{n}{'*' if n % 16 == 0 else ''}" for n in parts)
        print(f"step {step + 1}: {sum(lengths)} tokens, micro-batches {marks}")
    print("* divisible by 16")


if __name__ == "__main__":
    sys.exit(main())
