"""Rule audit_lengths: token-length percentiles against max_length, what the over-length policy
will do, and the training plan (split sizes, steps, warmup, checkpoints) the seed's section 3.3
derives from them; plus a histogram with the max_length line."""

import json
import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pyarrow.parquet as pq

from pipeline.common import cli
from pipeline.trainer.plan import split_sizes, training_plan

log = logging.getLogger("pipeline")

PERCENTILES = {"p50": 50, "p90": 90, "p99": 99, "p99.6": 99.6}


def length_audit(n_tokens, max_length, over_length):
    n = np.asarray(n_tokens)
    over = n > max_length
    stats = {k: int(np.percentile(n, q, method="inverted_cdf")) for k, q in PERCENTILES.items()}
    return {
        "rows": int(len(n)),
        "max_length": max_length,
        "percentiles": dict(stats, max=int(n.max()), mean=round(float(n.mean()), 1)),
        "fraction_within_max_length": round(float(1 - over.mean()), 6),
        "rows_over_max_length": int(over.sum()),
        "tokens_beyond_max_length": int((n[over] - max_length).sum()),
        "over_length_policy": over_length,
        "rows_after_policy": int(len(n) - over.sum()) if over_length == "drop" else int(len(n)),
    }


def histogram_bins(n_tokens, max_length, bins=100):
    """(edges, counts, overflow, cap): equal bins up to a cap past both max_length and the 99th
    percentile, so that the bulk of the rows spreads over the bins however long the few longest
    rows are (the smoke run's two 20k-token rows put 220 of its 222 rows in one bin of a histogram
    up to its max); rows past the cap are counted in one overflow bar."""
    n = np.asarray(n_tokens)
    cap = max(max_length, float(np.percentile(n, 99)) if len(n) else 0.0) * 1.1
    if len(n) and cap < n.max() <= 1.25 * cap:  # a short tail: shown whole, no overflow bar
        cap = float(n.max())
    counts, edges = np.histogram(np.minimum(n, cap), bins=bins, range=(0, cap))
    overflow = int((n > cap).sum())
    counts[-1] -= overflow  # np.minimum put the overflow rows in the last bin
    return edges, counts, overflow, cap


def plot_histogram(n_tokens, max_length, path):
    edges, counts, overflow, cap = histogram_bins(n_tokens, max_length)
    width = edges[1] - edges[0]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.bar(edges[:-1], counts, width=width, align="edge", color="#4c72b0")
    if overflow:
        ax.bar(cap + width, overflow, width=2 * width, align="edge", color="#dd8452",
               label=f"{overflow} rows over {cap:,.0f} tokens (longest {int(np.max(n_tokens)):,})")
    ax.axvline(max_length, color="#c44e52", linestyle="--", label=f"max_length = {max_length}")
    ax.set_xlabel("tokens per row (chat template applied)")
    ax.set_ylabel("rows")
    ax.set_title(f"Token lengths of {len(n_tokens)} filtered rows")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def main(args):
    s = json.loads(args.settings)
    lengths = pq.read_table(args.lengths, columns=["row_id", "n_tokens"])
    n_tokens = lengths.column("n_tokens").to_numpy()
    max_length = s["train"]["data"]["max_length"]
    over_length = s["audit"]["over_length"]
    report = length_audit(n_tokens, max_length, over_length)
    over = np.flatnonzero(n_tokens > max_length)
    report["longest_rows"] = [
        {"row_id": int(lengths.column("row_id")[int(i)].as_py()), "n_tokens": int(n_tokens[i])}
        for i in over[np.argsort(-n_tokens[over], kind="stable")][:20]
    ]
    n_train, n_val = split_sizes(report["rows_after_policy"], s["split"]["val_ratio"])
    report["plan_estimate"] = training_plan(n_train, n_val, s["train"], dp_size=s["train"]["gpus"])
    report["plan_estimate"]["note"] = (
        "seed section 3.3 estimate from the row count; results/<run>/data/split_report.json has the "
        "exact split (problems are kept whole)"
    )
    cli.write_json(args.report, report)
    plot_histogram(n_tokens, max_length, args.histogram)
    log.info(
        "%d rows: p50 %d, p99 %d, max %d tokens; %.2f%% within max_length %d (%d over, policy: %s)",
        report["rows"], report["percentiles"]["p50"], report["percentiles"]["p99"],
        report["percentiles"]["max"], 100 * report["fraction_within_max_length"], max_length,
        report["rows_over_max_length"], over_length,
    )


if __name__ == "__main__":
    p = cli.parser(__doc__)
    cli.inputs(p, "--lengths", required=True)
    p.add_argument("--settings", required=True, help="JSON: {audit: {over_length}, split: {val_ratio}, train: the step arithmetic's keys}")
    cli.outputs(p, "--report", "--histogram", required=True)
    cli.run(main, p)
