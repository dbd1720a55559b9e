"""Dealing each global batch among the ranks by tokens (workflow/scripts/pipeline/trainer/workers/dp_token_balance.py):
the same global batches as verl's DistributedSampler, equal rows per rank, balanced tokens. The
training run on two ranks with it on (the default) is tests/test_scale_out.py's two-node run,
whose losses equal the one-rank smoke run's."""

import math
import types

import numpy as np
import pandas as pd
import pytest
from torch.utils.data import DistributedSampler

from pipeline.trainer.workers import dp_token_balance
from pipeline.trainer.workers.dp_token_balance import TokenBalancedSampler, row_lengths

RANKS, ROWS_PER_RANK = 4, 32  # the main run: 128 rows on 4 GPUs


def lengths(n, seed=0):
    """Long-tailed token lengths as in the GPU benchmark: median 900, 99% under 4096."""
    rng = np.random.default_rng(seed)
    return np.minimum(rng.lognormal(math.log(900), math.log(4096 / 900) / 2.326, size=n).astype(int) + 1, 4096)


def samplers(n_rows, cls, epoch=0, **kwargs):
    dataset = list(range(n_rows))
    out = [cls(dataset, num_replicas=RANKS, rank=r, shuffle=True, drop_last=True, **kwargs) for r in range(RANKS)]
    for s in out:
        s.set_epoch(epoch)
    return [list(s) for s in out]


def steps(per_rank):
    """Per step, each rank's rows (as the DataLoader batches them)."""
    n = len(per_rank[0]) // ROWS_PER_RANK
    return [[rows[k * ROWS_PER_RANK:(k + 1) * ROWS_PER_RANK] for rows in per_rank] for k in range(n)]


@pytest.mark.parametrize("epoch", [0, 3])
def test_same_global_batches_equal_rows_balanced_tokens(epoch):
    n_rows = 1300  # 10 steps of 128 rows, and a tail of 5 rows per rank the DataLoader drops
    tokens = lengths(n_rows)
    balanced = samplers(n_rows, TokenBalancedSampler, epoch, lengths=tokens, rows_per_rank=ROWS_PER_RANK)
    random = samplers(n_rows, DistributedSampler, epoch)
    assert [len(rows) for rows in balanced] == [len(rows) for rows in random] == [n_rows // RANKS] * RANKS
    spread_before, spread_after = [], []
    for mine, theirs in zip(steps(balanced), steps(random), strict=True):
        assert sorted(sum(mine, [])) == sorted(sum(theirs, []))  # the same global batch
        assert [len(rows) for rows in mine] == [ROWS_PER_RANK] * RANKS
        for parts, spread in ((mine, spread_after), (theirs, spread_before)):
            per_rank = np.array([tokens[rows].sum() for rows in parts])
            spread.append(per_rank.max() / per_rank.mean())
    assert np.mean(spread_before) > 1.05 and np.mean(spread_after) < 1.01
    assert all(after <= before + 1e-9 for after, before in zip(spread_after, spread_before))


def test_imbalance_reports_what_the_ranks_get():
    tokens = lengths(1280, seed=1)
    sampler = TokenBalancedSampler(list(range(1280)), lengths=tokens, rows_per_rank=ROWS_PER_RANK,
                                   num_replicas=RANKS, rank=2, shuffle=True, drop_last=True)
    before, after = sampler.imbalance(tokens)
    balanced = samplers(1280, TokenBalancedSampler, lengths=tokens, rows_per_rank=ROWS_PER_RANK)
    random = samplers(1280, DistributedSampler)
    for expected, per_rank in ((before, random), (after, balanced)):
        spread = [max(tokens[r].sum() for r in parts) / np.mean([tokens[r].sum() for r in parts])
                  for parts in steps(per_rank)]
        assert expected == pytest.approx(np.mean(spread))


def test_row_lengths_read_the_split_column_and_cap_at_max_length():
    dataset = types.SimpleNamespace(dataframe=pd.DataFrame({"n_tokens": [10, 5000, 4096]}),
                                    parquet_files=["sft_train.parquet"])
    assert row_lengths(dataset, 4096).tolist() == [10, 4096, 4096]


def test_a_file_without_token_counts_is_a_clear_error():
    dataset = types.SimpleNamespace(dataframe=pd.DataFrame({"messages": [[]]}), parquet_files=["my.parquet"])
    with pytest.raises(ValueError, match=r"needs a `n_tokens` column in \['my.parquet'\].*"
                                         r"train.data.balance_tokens_across_ranks: false"):
        row_lengths(dataset, 4096)


def test_verl_trainer_builds_its_loaders_through_the_module():
    from verl.trainer import sft_trainer

    assert sft_trainer.SFTTrainer._build_dataloader is dp_token_balance._build_dataloader_balanced
    assert sft_trainer.DistributedSampler is DistributedSampler  # restored after each build
