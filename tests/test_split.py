import json
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT

from pipeline.common.cli import PipelineError
from split_by_problem import choose_val_problems, over_length_rows

SCRIPT = ROOT / "workflow" / "scripts" / "split_by_problem.py"


def names(sizes):
    return [f"p{i}" for i, size in enumerate(sizes) for _ in range(size)]


def test_val_is_whole_problems_close_to_the_ratio():
    rows = names([3, 5, 2, 7, 4, 6, 1, 8] * 25)  # 900 rows, 200 problems
    val, target = choose_val_problems(rows, val_ratio=0.02, seed=42, min_val_rows=4)
    val_rows = sum(n in val for n in rows)
    assert target == 18
    assert abs(val_rows - target) <= 4  # as close as whole problems allow


def test_val_never_smaller_than_the_train_batch():
    val, target = choose_val_problems(names([2] * 50), val_ratio=0.02, seed=42, min_val_rows=16)
    assert target == 16 and 2 * len(val) >= 16


def test_same_seed_same_split_other_seed_other_split():
    rows = names([3] * 100)
    assert choose_val_problems(rows, 0.05, 42, 1) == choose_val_problems(rows, 0.05, 42, 1)
    assert choose_val_problems(rows, 0.05, 42, 1) != choose_val_problems(rows, 0.05, 7, 1)


def test_impossible_split_is_a_clear_error():
    with pytest.raises(PipelineError, match="cannot give a validation set"):
        choose_val_problems(names([10]), 0.02, 42, 4)


def test_over_length_policies():
    lengths = pa.table({"row_id": [0, 1, 2], "n_tokens": [100, 5000, 6000]})
    assert over_length_rows(lengths, "truncate", None) == set()
    assert over_length_rows(lengths, "drop", 4096) == {1, 2}
    with pytest.raises(PipelineError, match=r"2 rows are longer than max_length 4096 tokens \(row 1 \(5000 tokens\)"):
        over_length_rows(lengths, "error", 4096)


def test_split_files_are_byte_identical_across_runs(smoke_workdir, tmp_path):
    data = smoke_workdir / "results/smoke/data"
    settings = json.dumps({"split": {"val_ratio": 0.02, "seed": 42}, "audit": {"over_length": "drop"},
                           "train": {"data": {"train_batch_size": 4, "max_length": 4096}}})
    outputs = []
    for attempt in range(2):
        out = tmp_path / str(attempt)
        out.mkdir()
        subprocess.run(
            [sys.executable, SCRIPT, "--filtered", data / "filtered.parquet",
             "--lengths", smoke_workdir / "results/smoke/audit/lengths.parquet", "--settings", settings,
             "--train", out / "train.parquet", "--val", out / "val.parquet", "--report", out / "report.json"],
            check=True, capture_output=True,
        )
        outputs.append([(out / f).read_bytes() for f in ("train.parquet", "val.parquet")])
    assert outputs[0] == outputs[1]
    report = json.loads((tmp_path / "0" / "report.json").read_text())
    assert report["dropped_over_length"] == 2


def test_smoke_split_keeps_problems_whole(smoke_workdir):
    data = smoke_workdir / "results/smoke/data"
    train = pq.read_table(data / "sft_train.parquet")
    val = pq.read_table(data / "sft_val.parquet")
    assert set(train.column_names) == {"row_id", "name", "messages", "n_tokens"}
    lengths = pq.read_table(smoke_workdir / "results/smoke/audit/lengths.parquet")
    counted = dict(zip(lengths["row_id"].to_pylist(), lengths["n_tokens"].to_pylist()))
    for side in (train, val):  # each row carries count_tokens' count (dp_token_balance.py reads it)
        assert side["n_tokens"].to_pylist() == [counted[r] for r in side["row_id"].to_pylist()]
    assert not set(train["name"].to_pylist()) & set(val["name"].to_pylist())
    filtered = pq.read_table(data / "filtered.parquet")
    assert sorted(train["row_id"].to_pylist() + val["row_id"].to_pylist()) == sorted(filtered["row_id"].to_pylist())
    assert val.num_rows >= 4  # the smoke run's train batch
