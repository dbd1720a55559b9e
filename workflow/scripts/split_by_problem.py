"""Rule split_by_problem: filtered rows -> sft_train.parquet / sft_val.parquet, the files verl's
MultiTurnSFTDataset reads (a `messages` column, plus the problem `name`, `row_id` and the row's
token count `n_tokens`, which pipeline/trainer/workers/dp_token_balance.py reads to balance the ranks' work).

All solutions of one problem land on the same side, and so do the problems of one group (the same
task mirrored under two names), so validation measures unseen problems.
The same input and settings give byte-identical files."""

import json
import logging
import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.common import cli

log = logging.getLogger("pipeline")

COLUMNS = ["row_id", "name", "messages"]
# The filter's problem group (mirrored problems share one): what the split keeps on one side.
GROUP = "group"


def choose_val_problems(names, val_ratio, seed, min_val_rows):
    """The set of problem names for validation: whole problems, drawn in a seeded order, until the
    row count is as close to ceil(val_ratio * N) as grouping allows, and never under min_val_rows."""
    problems, sizes = np.unique(np.asarray(names, dtype=object), return_counts=True)
    n_rows = int(sizes.sum())
    target = max(math.ceil(val_ratio * n_rows), min_val_rows)
    order = np.random.default_rng(seed).permutation(len(problems))
    chosen, val_rows = set(), 0
    for i in order:
        if val_rows >= target:
            break
        if val_rows == 0 or abs(val_rows + sizes[i] - target) <= abs(val_rows - target):
            chosen.add(i)
            val_rows += int(sizes[i])
    for i in order:  # problems skipped for overshooting, taken only if still under the minimum
        if val_rows >= min_val_rows:
            break
        if i not in chosen:
            chosen.add(i)
            val_rows += int(sizes[i])
    if val_rows >= n_rows:
        raise cli.PipelineError(
            f"{len(problems)} problems / {n_rows} rows cannot give a validation set of "
            f"{target} rows and still leave rows to train on"
        )
    return {problems[i] for i in chosen}, target


def over_length_rows(lengths, policy, max_length):
    """Row ids the over-length policy removes (drop), or an error naming the rows (error)."""
    if policy == "truncate":
        return set()
    over = lengths.filter(pc.greater(lengths["n_tokens"], max_length))
    if over.num_rows == 0:
        return set()
    examples = ", ".join(
        f"row {r} ({n} tokens)" for r, n in zip(over["row_id"].to_pylist()[:5], over["n_tokens"].to_pylist()[:5])
    )
    if policy == "error":
        raise cli.PipelineError(
            f"{over.num_rows} rows are longer than max_length {max_length} tokens ({examples}); "
            "set audit.over_length to truncate or drop, or raise train.data.max_length"
        )
    log.info("dropping %d rows over max_length %d: %s", over.num_rows, max_length, examples)
    return set(over["row_id"].to_pylist())


def split_parameters(settings):
    """The split's effective parameters (recorded in its report) from the rule's settings."""
    s = {
        **settings["split"],
        "over_length": settings["audit"]["over_length"],
        # verl reports val/loss NaN when validation holds fewer rows than one global batch.
        "min_val_rows": settings["train"]["data"]["train_batch_size"],
    }
    if "max_length" in settings["train"]["data"]:  # given when the over-length policy drops rows
        s["max_length"] = settings["train"]["data"]["max_length"]
    return s


def main(args):
    s = split_parameters(json.loads(args.settings))
    lengths = pq.read_table(args.lengths, columns=["row_id", "n_tokens"])
    n_tokens = dict(zip(lengths["row_id"].to_pylist(), lengths["n_tokens"].to_pylist()))
    dropped = over_length_rows(lengths, s["over_length"], s.get("max_length"))
    group = GROUP if GROUP in pq.read_schema(args.filtered).names else "name"
    index = pq.read_table(args.filtered, columns=["row_id", group])
    keep = ~np.isin(index["row_id"].to_numpy(), list(dropped))
    names = np.asarray(index[group].to_pylist(), dtype=object)[keep]
    val_groups, target = choose_val_problems(names, s["val_ratio"], s["seed"], s["min_val_rows"])
    if math.ceil(s["val_ratio"] * len(names)) < s["min_val_rows"]:
        log.warning(
            "val_ratio %.4f of %d rows gives fewer than the train batch size %d; validation raised "
            "to %d rows (verl reports val/loss NaN when the val set is smaller than one batch)",
            s["val_ratio"], len(names), s["min_val_rows"], target,
        )
    counts = {"train": [0, set()], "val": [0, set()]}
    schema = pq.read_schema(args.filtered)
    schema = pa.schema([schema.field(c) for c in COLUMNS] + [pa.field("n_tokens", pa.int64())])
    with pq.ParquetWriter(args.train, schema) as train_w, pq.ParquetWriter(args.val, schema) as val_w:
        for batch in pq.ParquetFile(args.filtered).iter_batches(batch_size=4096, columns=[*COLUMNS, group]):
            row_ids = batch.column("row_id").to_pylist()
            missing = [r for r in row_ids if r not in n_tokens]
            if missing:
                raise cli.PipelineError(f"{args.lengths} has no token count for rows {missing[:5]} of {args.filtered}")
            table = pa.Table.from_batches([batch]).filter(
                pc.invert(pc.is_in(batch.column("row_id"), pa.array(sorted(dropped), pa.int64()))))
            is_val = pc.is_in(table[group], pa.array(sorted(val_groups), pa.string()))
            table = table.select(COLUMNS).append_column(
                "n_tokens", pa.array([n_tokens[r] for r in table["row_id"].to_pylist()], pa.int64()))
            for side, writer, mask in (("train", train_w, pc.invert(is_val)), ("val", val_w, is_val)):
                part = table.filter(mask)
                writer.write_table(part)
                counts[side][0] += part.num_rows
                counts[side][1].update(part["name"].to_pylist())
    report = {
        "rows": len(names),
        "dropped_over_length": len(dropped),
        "val_target_rows": target,
        "val_raised_to_batch_size": math.ceil(s["val_ratio"] * len(names)) < s["min_val_rows"],
        "train": {"rows": counts["train"][0], "problems": len(counts["train"][1])},
        "val": {"rows": counts["val"][0], "problems": len(counts["val"][1])},
        "settings": s,
    }
    cli.write_json(args.report, report)
    log.info("train: %d rows / %d problems; val: %d rows / %d problems",
             report["train"]["rows"], report["train"]["problems"], report["val"]["rows"], report["val"]["problems"])


if __name__ == "__main__":
    p = cli.parser(__doc__)
    cli.inputs(p, "--filtered", "--lengths", required=True)
    p.add_argument("--settings", required=True, help="JSON: {split, audit: {over_length}, train: {data: {train_batch_size[, max_length]}}}")
    cli.outputs(p, "--train", "--val", "--report", required=True)
    cli.run(main, p)
