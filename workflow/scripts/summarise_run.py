"""Rule summarise_run: one HTML page per run for `snakemake --report`: filter counts with a chart
of the rejections by reason, the execution check, the token audit with its histogram, the training
summary with its curves, the export check, and the eval (base vs fine-tuned: the validation loss,
HumanEval and the contest problems side by side, the contest scores by group, a few replies). The pictures
are embedded, so the page is one file a browser shows anywhere."""

import base64
import html
import io
import json
import logging

from pipeline.common import cli

log = logging.getLogger("pipeline")

STYLE = """body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:.3em .7em;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child
{text-align:left}h2{margin-top:1.2em;font-size:1.15em}.bad{color:#b00}.good{color:#070}"""


def fmt(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape(str(value))


def table(header, rows):
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{fmt(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


BENCHMARKS = {"humaneval": "HumanEval", "contests": "contest problems"}
SAMPLES_SHOWN = 2  # replies per benchmark and model on the page
REPLY_CHARS = 1500


def eval_rows(ev):
    """The validation loss and every benchmark's scores, base beside fine-tuned."""
    base, tuned = ev["base"], ev["finetuned"]
    rows = [(m, base[m], tuned[m], tuned[m] - base[m]) for m in ("val_loss", "perplexity")]
    solved = lambda r: sum(v > 0 for v in r["problems"].values())  # noqa: E731
    for name, title in BENCHMARKS.items():
        if name in base:
            rows += [(f"{title} {m}", base[name][m], tuned[name][m], tuned[name][m] - base[name][m])
                     for m in sorted(k for k in base[name] if k.startswith("pass@"))]
            rows.append((f"{title} solved", solved(base[name]), solved(tuned[name]),
                         solved(tuned[name]) - solved(base[name])))
    return rows


def contest_section(ev):
    """The contest problems by difficulty, source and split, the flips and the leak check."""
    summary, base, tuned = ev["contests"], ev["base"]["contests"], ev["finetuned"]["contests"]
    leaks = summary["leak_check"]
    rows = [(f"{group}: {value}", b["problems"], b["pass@1"], tuned[f"by_{group}"][value]["pass@1"])
            for group in ("difficulty", "source", "split") for value, b in base[f"by_{group}"].items()]
    flips = summary["flips"]
    return (
        f"<h3>Contest problems</h3><p>{summary['problems']} problems ({summary['source']}; "
        + ", ".join(f"{n} {split}" for split, n in summary["by_split"].items())
        + f"), judged on {', '.join(summary['tests'])}. Leak check: no problem's statement is in the "
        f"{leaks['training_statements']} training statements ({leaks['problems_sharing_an_ngram']} share some "
        f"{leaks['ngram']}-gram, the most covered {html.escape(leaks['max_coverage']['problem'])} at "
        f"{100 * leaks['max_coverage']['coverage']:.0f}% &lt; {100 * leaks['min_overlap']:.0f}%).</p>"
        + table(["group", "problems", "base pass@1", "fine-tuned pass@1"], rows)
        + f"<p>Solved by the fine-tuned model only ({len(flips['gained'])}): "
        f"{html.escape(', '.join(flips['gained']) or 'none')}. Solved by the base model only "
        f"({len(flips['lost'])}): {html.escape(', '.join(flips['lost']) or 'none')}.</p>"
    )


def sample_replies(samples):
    """A few replies per benchmark, base and fine-tuned to the same problems, with their verdicts."""
    parts = ["<h3>Sample replies</h3>"]
    for name, title in BENCHMARKS.items():
        mine = [s for s in samples if s["benchmark"] == name]
        tasks = list(dict.fromkeys(s["task_id"] for s in mine))[:SAMPLES_SHOWN]
        for task in tasks:
            for s in (s for s in mine if s["task_id"] == task):
                reply = s["completion"][:REPLY_CHARS] + ("..." if len(s["completion"]) > REPLY_CHARS else "")
                why = f" ({html.escape(s['error'])}: {html.escape(s['message'][:200])})" if s["error"] else ""
                parts.append(f"<p><b>{title}, {html.escape(task)}, {s['model']}</b>: {html.escape(s['result'])}{why}"
                             f"</p><pre style='white-space:pre-wrap;background:#f7f7f7;padding:.5em'>"
                             f"{html.escape(reply)}</pre>")
    return "".join(parts)


def provenance_rows(records):
    rows = []
    for path, r in records:
        git = r["git"]["commit"][:10] + (" (dirty)" if r["git"]["dirty"] else "") if r["git"]["commit"] else "no git"
        model = r["model"] or {}
        rows.append((path, r["started"], r["seconds"], git, r["host"]["device"],
                     model.get("hub_id") or model.get("path") or "", len(r["inputs"]) + len(r["code"])))
    return rows


def picture(png, alt):
    """An <img> holding the PNG bytes (a data: URI)."""
    return (f'<p><img alt="{html.escape(alt)}" style="max-width:100%" '
            f'src="data:image/png;base64,{base64.b64encode(png).decode()}"></p>')


def rejections_chart(filtered):
    """A horizontal bar chart (PNG bytes) of the rejected rows by reason, or None when none were."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    reasons = sorted(((n, k) for k, n in filtered["rejected"].items() if n), reverse=True)
    if not reasons:
        return None
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(reasons) + 1.2))
    bars = ax.barh([k for _, k in reasons][::-1], [n for n, _ in reasons][::-1], color="#4c72b0")
    ax.bar_label(bars, labels=[f"{n:,}" for n, _ in reasons][::-1], padding=3)
    wide = reasons[0][0] > 50 * reasons[-1][0]  # BEE: millions of other-language rows, a handful of others
    if wide:
        ax.set_xscale("log")
    ax.set_xlabel("rows rejected" + (" (log scale)" if wide else ""))
    ax.set_title(f"{sum(n for n, _ in reasons):,} of {filtered['in']:,} rows rejected, by reason")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    return out.getvalue()


def verification_section(filtered):
    """What the execution check ran and found, its calibration, and the decontamination and
    near-duplicate counts (the filter report's later steps)."""
    v = filtered.get("verification")
    if v is None:
        return ""
    c = v["calibration"]
    rate = lambda x: "n/a" if x is None else f"{100 * x:.1f}%"  # noqa: E731
    rows = [("solutions executed", v["executed"]), ("passed all their tests", rate(v["correct_pass_rate"]))]
    rows += [(f"failed: {k}", n) for k, n in v["correct_failures_by_error"].items()]
    rows += [(f"unverified: {k.replace('_', ' ')}", n) for k, n in v["unverified"].items() if n]
    rows += [("incorrect solutions executed (calibration)", c["incorrect_executed"]),
             ("... of which failed, as they must", rate(c["incorrect_fail_rate"]))]
    rows += [(f"contaminated by {k}", n) for k, n in filtered.get("contaminated_by", {}).items()]
    near = filtered.get("near_duplicates", {})
    rows += [("near-duplicates rejected", near.get("rejected", 0)),
             ("mirrored problem groups", len(near.get("mirrored_problem_groups", [])))]
    return "<h2>Execution check, decontamination, near-duplicates</h2>" + table(["", "count"], rows)


def summary_page(run, filtered, audit, split, done, export, ev, samples, records, pictures=None):
    """The page; samples: the eval's samples.jsonl records; pictures: {"curves": PNG bytes,
    "length_hist": PNG bytes} (left out when absent)."""
    pictures = pictures or {}
    parts = [f"<h1>Run {html.escape(run)}</h1>"]
    parts.append("<h2>Filter</h2>" + table(
        ["rows", "count"],
        [("in", filtered["in"]), ("kept", filtered["kept"])]
        + [(f"rejected: {k}", v) for k, v in filtered["rejected"].items() if v],
    ))
    chart = rejections_chart(filtered)
    if chart:
        parts.append(picture(chart, "rejected rows by reason"))
    parts.append(verification_section(filtered))
    pct = audit["percentiles"]
    parts.append("<h2>Token lengths</h2>" + table(
        ["p50", "p90", "p99", "p99.6", "max", f"within {audit['max_length']}", "rows over"],
        [(pct["p50"], pct["p90"], pct["p99"], pct["p99.6"], pct["max"],
          f"{100 * audit['fraction_within_max_length']:.2f}%", audit["rows_over_max_length"])],
    ))
    if "length_hist" in pictures:
        parts.append(picture(pictures["length_hist"], "token-length histogram with the max_length line"))
    parts.append("<h2>Split</h2>" + table(
        ["side", "rows", "problems"],
        [("train", split["train"]["rows"], split["train"]["problems"]),
         ("val", split["val"]["rows"], split["val"]["problems"])],
    ))
    parts.append("<h2>Training</h2>" + table(
        ["final step", "train loss", "val loss", "tokens", "wall s", "launches", "device x ranks"],
        [(done["final_step"], done["train_loss"], done["val_loss"], done["tokens"], done["wall_seconds"],
          len(done["launches"]), f"{done['device']} x {done['nproc']}")],
    ))
    if "curves" in pictures:
        parts.append(picture(pictures["curves"], "training curves"))
    check = export["check"]
    verdict = '<span class="good">passed</span>' if check["passed"] else '<span class="bad">FAILED</span>'
    parts.append(f"<h2>Export</h2><p>{verdict}: max weight diff {check['max_weight_diff']:.3g}, max logit diff "
                 f"{check['max_logit_diff']:.3g} (tolerance {check['logit_tolerance']}), {check['dtype']}</p>")
    d = ev["decoding"]
    contests = f", {ev['contests']['problems']} contest problems" if ev["contests"] else ""
    parts.append(
        f"<h2>Eval: base vs fine-tuned</h2><p>{ev['humaneval_problems']} HumanEval problems{contests}; "
        f"{d['samples_per_problem']} sample(s), temperature {d['temperature']}, max {d['max_new_tokens']} new tokens, "
        f"{ev['backend']} on {ev['device']}</p>"
        + table(["metric", "base", "fine-tuned", "change"], eval_rows(ev))
        + (contest_section(ev) if ev["contests"] else "")
        + sample_replies(samples)
    )
    parts.append(
        "<h2>Provenance</h2><p>Each job's record (inputs and code by sha256, settings, packages, git commit, "
        "device, times):</p>"
        + table(["record", "started (UTC)", "seconds", "git", "device", "model", "files hashed"], provenance_rows(records))
    )
    return f"<!doctype html><html><head><meta charset='utf-8'><style>{STYLE}</style></head><body>{''.join(parts)}</body></html>"


def main(args):
    load = lambda p: json.load(open(p))  # noqa: E731
    records = [(p, load(p)) for p in args.provenance_records]
    page = summary_page(args.run, load(args.filter_report), load(args.audit_report), load(args.split_report),
                        load(args.done), load(args.export_report), load(args.eval_report),
                        [json.loads(line) for line in open(args.eval_samples)], records,
                        {"curves": open(args.curves, "rb").read(), "length_hist": open(args.length_hist, "rb").read()})
    with open(args.out, "w") as f:
        f.write(page)
    log.info("summary of run %s written to %s", args.run, args.out)


if __name__ == "__main__":
    p = cli.parser(__doc__)
    p.add_argument("--run", required=True)
    cli.inputs(p, "--filter-report", "--audit-report", "--split-report", "--done", "--export-report",
               "--eval-report", "--eval-samples", "--curves", "--length-hist", required=True)
    cli.inputs(p, "--provenance-records", nargs="+", required=True)
    cli.outputs(p, "--out", required=True)
    cli.run(main, p)
