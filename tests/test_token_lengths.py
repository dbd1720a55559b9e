import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from omegaconf import OmegaConf

from audit_lengths import histogram_bins
from count_tokens import load_tokenizer, token_counts


def tiny_tokenizer(smoke_workdir):
    model_dir = json.loads((smoke_workdir / "results/models/tiny/manifest.json").read_text())["path"]
    return load_tokenizer(smoke_workdir / model_dir, trust_remote_code=False)


def verl_lengths(parquet, tokenizer):
    """len(input_ids) of every row of verl's own MultiTurnSFTDataset."""
    from verl.utils.dataset.multiturn_sft_dataset import MultiTurnSFTDataset

    config = OmegaConf.create(
        {"max_length": 10**6, "truncation": "error", "pad_mode": "no_padding", "messages_key": "messages"}
    )
    dataset = MultiTurnSFTDataset(parquet_files=str(parquet), tokenizer=tokenizer, config=config)
    return [len(dataset[i]["input_ids"]) for i in range(len(dataset))]


def test_counts_equal_verl_datasets_on_every_sample_row(smoke_workdir):
    """The audit's batched counts are what verl's MultiTurnSFTDataset builds for each row."""
    tokenizer = tiny_tokenizer(smoke_workdir)
    filtered = smoke_workdir / "results/smoke/data/filtered.parquet"
    verl_counts = verl_lengths(filtered, tokenizer)

    lengths = pq.read_table(smoke_workdir / "results/smoke/audit/lengths.parquet")
    assert lengths["n_tokens"].to_pylist() == verl_counts
    assert lengths["row_id"].to_pylist() == pq.read_table(filtered)["row_id"].to_pylist()
    direct = token_counts(tokenizer, pq.read_table(filtered)["messages"].to_pylist()[:5])
    assert direct == verl_counts[:5]


def test_counts_equal_verl_on_shared_turns_and_multi_turn_chats(smoke_workdir, tmp_path):
    """Each distinct turn is tokenized once; where it sits in a chat (first or later, after a
    system turn or not) still decides whether verl cuts the template's system prefix."""
    tokenizer = tiny_tokenizer(smoke_workdir)
    system = {"role": "system", "content": "You solve problems."}
    statement = {"role": "user", "content": "Print the sum of two integers.\n\nInput: a and b."}
    follow_up = {"role": "user", "content": "Now read them from one line."}

    def answer(code):
        return {"role": "assistant", "content": f"```python\n{code}\n```"}

    conversations = [
        [statement, answer("print(int(input()) + int(input()))")],
        [statement, answer("a = int(input())\nb = int(input())\nprint(a + b)")],
        [system, statement, answer("print(sum(int(input()) for _ in range(2)))")],
        [system, statement, answer("print(1)"), follow_up, answer("print(sum(map(int, input().split())))")],
        [statement, answer("print(1)"), follow_up, answer("print(sum(map(int, input().split())))")],
        [follow_up, answer("print(1)"), statement, answer("print(1)")],  # the same turns, elsewhere
        [statement, answer("print(1)"), system, follow_up, answer("x")],  # a system turn later on
        [{"role": "user", "content": "x"}, {"role": "assistant", "content": "x"}],  # same text, two roles
    ]
    parquet = tmp_path / "chats.parquet"
    pq.write_table(pa.table({"messages": conversations}), parquet)
    assert token_counts(tokenizer, conversations) == verl_lengths(parquet, tokenizer)


def test_audit_report_matches_the_lengths(smoke_workdir, expected_rejections):
    report = json.loads((smoke_workdir / "results/smoke/audit/audit_report.json").read_text())
    n = pq.read_table(smoke_workdir / "results/smoke/audit/lengths.parquet")["n_tokens"].to_numpy()
    assert report["rows"] == len(n)
    assert report["percentiles"]["max"] == n.max()
    # The sample's two long solutions are the only rows over 4096 tokens.
    assert report["rows_over_max_length"] == len(expected_rejections["over_length_tokens"]) == (n > 4096).sum()
    assert report["fraction_within_max_length"] == round(1 - (n > 4096).mean(), 6)
    plan = report["plan_estimate"]
    assert plan["train_rows"] + plan["val_rows"] == len(n)
    assert plan["total_steps"] == 10 and plan["warmup_steps"] == 1 and plan["checkpoints_saved"] == 2
    assert (smoke_workdir / "results/smoke/audit/length_hist.png").stat().st_size > 10_000


def test_histogram_spreads_the_bulk_and_counts_the_long_tail_apart():
    """The smoke run's shape: 220 rows of a few hundred tokens and two of ~20k. Up to the max, one
    bin held 220 of them; with the cap, the bulk spreads and the two long rows are the overflow."""
    rng = np.random.default_rng(0)
    n = np.concatenate([rng.integers(120, 900, 220), [19_500, 21_000]])
    edges, counts, overflow, cap = histogram_bins(n, max_length=4096)
    assert overflow == 2 and counts.sum() + overflow == len(n)
    assert counts.max() < 0.5 * len(n) and (counts > 0).sum() >= 5
    assert edges[0] == 0 and cap == edges[-1] > 4096  # the max_length line is on the axis
    short_tail = np.concatenate([n[:220], [4300]])
    assert histogram_bins(short_tail, max_length=4096)[2] == 0  # a tail just past the cap is shown whole
