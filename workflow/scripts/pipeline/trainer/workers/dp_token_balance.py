"""Loaded into every verl worker (VERL_USE_EXTERNAL_MODULES): with
`+data.balance_tokens_across_ranks=true` (train.data.balance_tokens_across_ranks), verl 0.9.1's
SFT trainer deals each global batch among the data-parallel ranks by tokens rather than at random.
verl's RL trainer does the same (`trainer.balance_batch`); its SFT trainer has only a placeholder
(`data.balance_dp_token`, "to be implement", whose legacy meaning is the loss normalisation).

Why: verl's DistributedSampler deals each rank 1/N of the global batch at random. With
long-tailed lengths the busiest of 4 ranks holds 1.10x the mean tokens on average (up to 1.2x in
a step), and every rank waits for it at each micro-batch's collectives and at the optimizer step:
about a tenth of the step is idle (7B on 4 H100s: +10.7% tokens/s balanced, benchmarks/RESULTS.md).
Here the global batches stay exactly the ones DistributedSampler makes (same rows, same order of
batches, same epochs), only the rows of each global batch are dealt so that every rank gets the
same number of rows and nearly the same work, with the partitioning verl's RL trainer uses for its
`balance_batch` (Karmarkar-Karp on calculate_workload). The loss is unchanged: verl normalises it
by the global batch's tokens.

Row lengths come from the dataset's `n_tokens` column (split_by_problem writes it from the
count_tokens stage); the validation sampler is left as it is."""

import functools

import numpy as np
import torch
from torch.utils.data import DistributedSampler
from verl.trainer import sft_trainer
from verl.utils.seqlen_balancing import calculate_workload, get_seqlen_balanced_partitions

LENGTH_COLUMN = "n_tokens"


class TokenBalancedSampler(DistributedSampler):
    """DistributedSampler's global batches of `rows_per_rank` x num_replicas rows, each dealt
    among the ranks in parts of equal rows and balanced work."""

    def __init__(self, dataset, *, lengths, rows_per_rank, **kwargs):
        super().__init__(dataset, **kwargs)
        self.workloads = calculate_workload(torch.as_tensor(lengths, dtype=torch.float64)).tolist()
        self.rows_per_rank = rows_per_rank

    def rank_lists(self):
        """Every rank's indices as DistributedSampler deals them (rank r: the r-th of each N)."""
        rank = self.rank
        try:
            lists = []
            for r in range(self.num_replicas):
                self.rank = r
                lists.append(list(super().__iter__()))
            return lists
        finally:
            self.rank = rank

    def global_batches(self, lists):
        """The epoch's global batches from every rank's list: DistributedSampler's rows for all
        ranks at each step (rank r's are batch[r::num_replicas])."""
        n = self.rows_per_rank
        for start in range(0, len(lists[0]) - n + 1, n):
            yield [lst[position] for position in range(start, start + n) for lst in lists]

    def deal(self, batch):
        """The global batch in num_replicas parts of equal rows and balanced work, ordered by
        their first row so that every rank derives the same assignment."""
        parts = get_seqlen_balanced_partitions([self.workloads[i] for i in batch], self.num_replicas,
                                               equal_size=True)
        return [[batch[p] for p in sorted(part)] for part in sorted(parts, key=min)]

    def __iter__(self):
        lists = self.rank_lists()
        mine = [i for batch in self.global_batches(lists) for i in self.deal(batch)[self.rank]]
        tail = lists[self.rank][len(mine):]  # less than a batch: the DataLoader drops it
        return iter(mine + tail)

    def imbalance(self, lengths):
        """(before, after): over the epoch's global batches, the mean of the busiest rank's tokens
        over the ranks' mean, dealt as DistributedSampler deals them and as this sampler does."""
        lengths, before, after = np.asarray(lengths), [], []
        for batch in self.global_batches(self.rank_lists()):
            for parts, out in (([batch[r::self.num_replicas] for r in range(self.num_replicas)], before),
                               (self.deal(batch), after)):
                tokens = np.array([lengths[part].sum() for part in parts])
                out.append(tokens.max() / tokens.mean())
        return float(np.mean(before)), float(np.mean(after))


def row_lengths(dataset, max_length):
    """Token count of each row of verl's dataset (truncated rows count max_length)."""
    frame = dataset.dataframe
    if LENGTH_COLUMN not in frame.columns:
        raise ValueError(
            f"balance_tokens_across_ranks needs a `{LENGTH_COLUMN}` column in {list(dataset.parquet_files)} "
            "(split_by_problem writes it); set train.data.balance_tokens_across_ranks: false to train without"
        )
    return np.minimum(frame[LENGTH_COLUMN].to_numpy(dtype=np.int64), max_length)


_build_dataloader = sft_trainer.SFTTrainer._build_dataloader


@functools.wraps(_build_dataloader)
def _build_dataloader_balanced(self):
    data = self.config.data
    dp_size = self.engine.get_data_parallel_size()
    if not data.balance_tokens_across_ranks or dp_size == 1:  # current.overrides always sets it
        return _build_dataloader(self)
    lengths = row_lengths(self.train_dataset, data.max_length)
    rows_per_rank = data.train_batch_size // dp_size

    def sampler(dataset, **kwargs):
        if dataset is not self.train_dataset:
            return DistributedSampler(dataset, **kwargs)
        balanced = TokenBalancedSampler(dataset, lengths=lengths, rows_per_rank=rows_per_rank, **kwargs)
        if kwargs.get("rank") == 0:
            before, after = balanced.imbalance(lengths)
            print(f"balance_tokens_across_ranks: busiest rank's tokens / mean, per step of epoch 0: {before:.3f} as "
                  f"DistributedSampler deals them, {after:.3f} balanced", flush=True)
        return balanced

    sft_trainer.DistributedSampler = sampler
    try:
        return _build_dataloader(self)
    finally:
        sft_trainer.DistributedSampler = DistributedSampler


sft_trainer.SFTTrainer._build_dataloader = _build_dataloader_balanced
