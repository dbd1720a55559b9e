import json

import pyarrow.parquet as pq
from omegaconf import OmegaConf

from token_lengths import load_tokenizer, token_counts


def test_counts_equal_verl_datasets_on_every_sample_row(smoke_workdir):
    """The audit's batched counts are what verl's MultiTurnSFTDataset builds for each row."""
    from verl.utils.dataset.multiturn_sft_dataset import MultiTurnSFTDataset

    model_dir = json.loads((smoke_workdir / "results/models/tiny/manifest.json").read_text())["path"]
    tokenizer = load_tokenizer(smoke_workdir / model_dir, trust_remote_code=False)
    filtered = smoke_workdir / "results/smoke/data/filtered.parquet"
    config = OmegaConf.create(
        {"max_length": 10**6, "truncation": "error", "pad_mode": "no_padding", "messages_key": "messages"}
    )
    dataset = MultiTurnSFTDataset(parquet_files=str(filtered), tokenizer=tokenizer, config=config)
    verl_counts = [len(dataset[i]["input_ids"]) for i in range(len(dataset))]

    lengths = pq.read_table(smoke_workdir / "results/smoke/audit/lengths.parquet")
    assert lengths["n_tokens"].to_pylist() == verl_counts
    assert lengths["row_id"].to_pylist() == pq.read_table(filtered)["row_id"].to_pylist()
    direct = token_counts(tokenizer, pq.read_table(filtered)["messages"].to_pylist()[:5])
    assert direct == verl_counts[:5]


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
