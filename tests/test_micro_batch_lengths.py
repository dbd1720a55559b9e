"""benchmarks/micro_batch_lengths.py says in which step a run first packs a length divisible by 16
(RESULTS.md, 2026-12-08): that holds only while its split of a step is verl's own."""

import random
import sys
from pathlib import Path

import pytest
import torch
from tensordict import TensorDict
from verl.utils.seqlen_balancing import rearrange_micro_batches

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import micro_batch_lengths  # noqa: E402


@pytest.mark.parametrize("budget", [900, 1500, 4000])
def test_a_step_is_split_as_verl_splits_it(budget):
    rng = random.Random(budget)
    lengths = [rng.randint(20, 700) for _ in range(64)]
    mask = torch.zeros(len(lengths), max(lengths), dtype=torch.long)
    for row, n in enumerate(lengths):
        mask[row, :n] = 1
    batch = TensorDict({"input_ids": mask.clone(), "attention_mask": mask}, batch_size=len(lengths))
    _, parts = rearrange_micro_batches(batch, max_token_len=budget)
    verl_lengths = sorted(sum(lengths[i] for i in part) for part in parts)
    assert len(verl_lengths) > 1
    assert sorted(micro_batch_lengths.step_parts(lengths, budget)) == verl_lengths
