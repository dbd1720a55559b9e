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

import torch
from torch.utils.data import DistributedSampler
from verl.utils.seqlen_balancing import calculate_workload, get_seqlen_balanced_partitions

import gpu_sft
import synthetic
import tiny_model
from count_tokens import load_tokenizer, token_counts


def step_parts(lengths, budget):
    """rearrange_micro_batches' split of one step: the fewest balanced parts within the budget."""
    parts = -(-sum(lengths) // budget)
    workloads = calculate_workload(torch.tensor(lengths)).tolist()
    while True:
        split = get_seqlen_balanced_partitions(workloads, parts, equal_size=False)
        if all(sum(lengths[i] for i in part) <= budget for part in split):
            return [sum(lengths[i] for i in part) for part in split]
        parts += 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--batch", type=int, default=64, help="global batch, as gpu_sft.py --batch")
    p.add_argument("--steps", type=int, default=12, help="as gpu_sft.py --steps")
    p.add_argument("--seed", type=int, default=0, help="as gpu_sft.py --seed")
    p.add_argument("--budget", type=int, required=True, help="the run's max_token_len_per_gpu")
    args = p.parse_args()
    max_length = gpu_sft.CONFIG["train"]["data"]["max_length"]
    n_train = synthetic.training_rows(args.batch, args.steps)
    rows = synthetic.chat_rows(n_train + args.batch, seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        template = (gpu_sft.ROOT / "resources" / "chat_template.jinja").read_text()
        tiny_model.build(gpu_sft.CONFIG["tiny_model"], template, Path(tmp))
        counts = token_counts(load_tokenizer(Path(tmp), trust_remote_code=False), [r["messages"] for r in rows])
    # write_split's order: the first `batch` rows are validation; verl truncates at max_length.
    train = [min(c, max_length) for c in counts[args.batch:]]
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
