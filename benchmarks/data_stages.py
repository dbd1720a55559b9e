"""Benchmark of the data stages (filter_rows -> count_tokens -> audit_lengths -> split_by_problem)
on synthetic raw BEE rows, run by Snakemake as the workflow itself runs them, plus a row-by-row
check of count_tokens' counts against verl's own MultiTurnSFTDataset.

    .venv/bin/python benchmarks/data_stages.py                        # 100k rows, 2 cores
    .venv/bin/python benchmarks/data_stages.py --rows 5000 --cores 2 --verl-rows 300 --keep

Each run gets a fresh work directory (--work ROOT/<time>-r<rows>-seed<seed>; an existing one is
refused): a copy of the workflow (as tests/conftest.py copies it), the raw rows
(benchmarks/synthetic.py, seeded; their generation and the tiny model's build are set-up, not
timed) and a config overlay that adds a run `bench`: the main run's settings with data.raw at the
rows and the embedded tiny model (the real Qwen tokenizer). Then

    snakemake -s benchmark.smk -c<cores> --configfile benchmark.yaml data --config run=bench

where benchmark.smk is the workflow's own Snakefile loaded as a module, its four data rules used
as they are with a `benchmark:` file added (Snakemake's per-job wall time, CPU time and peak RSS of
the job's process tree; the rules themselves declare none). Afterwards a dry run of the plain
Snakefile must find nothing to do: the jobs timed are the workflow's own.
"""

import argparse
import csv
import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import synthetic  # noqa: E402

STAGES = ("filter_rows", "near_duplicates", "execute_solutions", "gather_filter", "count_tokens", "audit_lengths",
          "split_by_problem")
# A stage that runs as several jobs (one per shard): its benchmark files carry the shard.
SHARDED = {"execute_solutions": "-{shard}-of-{shards}"}
# The hub benchmarks' sizes in statement-like tokens (MBPP 974 problems, APPS test 5,000, CodeContests
# valid/test 282, LiveCodeBench ~1,000): the synthetic stand-in decontaminated against.
BENCHMARK_TEXTS = 7256
# What a workflow copy needs (tests/conftest.py WORKFLOW_FILES): code, config, resources.
WORKFLOW_FILES = ("Snakefile", "config", "workflow", "resources", "envs", "profiles")
RUN = "bench"
TARGET_TOTAL_S = 60.0  # the target: 100k raw rows filter -> split in <= 60 s on 2 cores


def benchmark_snakefile():
    """The workflow's Snakefile as a module, with a benchmark file added to each data rule."""
    lines = ['configfile: "config/config.yaml"', "", "", "module pipeline:", '    snakefile: "Snakefile"',
             "    config: config", "", "", f"use rule * from pipeline exclude {', '.join(STAGES)}", ""]
    for stage in STAGES:
        lines += ["", f"use rule {stage} from pipeline with:",
                  f'    benchmark: "results/{{run}}/benchmarks/{stage}{SHARDED.get(stage, "")}.tsv"', ""]
    return "\n".join(lines)


def fresh_workdir(root, rows, seed):
    work = Path(root) / f"{datetime.datetime.now():%Y%m%d-%H%M%S}-r{rows}-seed{seed}"
    try:
        work.mkdir(parents=True)
    except FileExistsError:
        sys.exit(f"{work} exists: refusing to reuse it")
    for name in WORKFLOW_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, work / name)
    return work


def snakemake(work, *args, log):
    """Run snakemake in the work dir with this interpreter's environment (the rules call
    `python`); return (exit code, wall s, CPU s of snakemake and every job)."""
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    # The jobs as a user's run has them: the tokenizer's own threads on (set off here for verl's dataset).
    env.pop("TOKENIZERS_PARALLELISM", None)
    cmd = [sys.executable, "-m", "snakemake", *args]
    with open(log, "w") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    return os.waitstatus_to_exitcode(status), wall, usage.ru_utime + usage.ru_stime


def busy_cpu_seconds():
    """CPU seconds the whole machine has been busy (all processes), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def stand_in_benchmark(work, config, seed):
    """APPS' place in the results, as rule fetch_benchmark leaves it (its manifest), holding
    BENCHMARK_TEXTS synthetic statements in APPS' layout: nothing can be fetched here, and the
    statement index's cost depends on its size and vocabulary, not on which problems it holds."""
    apps = config["filter"]["decontaminate"]["hub"]["apps"]
    folder = work / "results" / "data" / "benchmarks" / f"apps@{apps['revision'][:12]}"
    folder.mkdir(parents=True)
    texts = folder / "test.jsonl"
    synthetic.statement_texts(texts, BENCHMARK_TEXTS, seed=seed + 1)
    with open(texts) as f:
        rows = [dict(json.loads(line), starter_code="", solutions="", input_output="") for line in f]
    texts.write_text("".join(json.dumps(r) + "\n" for r in rows))
    (folder / "manifest.json").write_text(json.dumps({
        "benchmark": "apps", **apps, "files": [{"path": str(texts), "repo_path": "test.jsonl"}]}))


def read_benchmark(res, stage):
    """A stage's Snakemake benchmark: its jobs' seconds and CPU seconds summed, the largest RSS."""
    rows = []
    for path in sorted((res / "benchmarks").glob(f"{stage}{'-*' if stage in SHARDED else ''}.tsv")):
        with open(path) as f:
            rows.append(next(csv.DictReader(f, delimiter="\t")))
    return {"s": sum(float(r["s"]) for r in rows), "cpu": sum(float(r["cpu_time"]) for r in rows),
            "rss_mb": max(float(r["max_rss"]) for r in rows), "jobs": len(rows)}


def script_seconds(res, stage):
    """The seconds the stage's scripts report in their provenance records (after imports), summed."""
    paths = sorted((res / "provenance" / stage).glob("*.json")) if stage in SHARDED else [
        res / "provenance" / f"{stage}.json"]
    return sum(json.loads(p.read_text())["seconds"] for p in paths)


def verl_comparison(work, n):
    """count_tokens.token_counts vs len(input_ids) of verl's MultiTurnSFTDataset on the first n
    filtered rows, in this process, with the copy's own scripts and the tiny model's tokenizer."""
    import pyarrow.parquet as pq

    sys.path.insert(0, str(work / "workflow" / "scripts"))
    from count_tokens import load_tokenizer, token_counts
    from verl.utils.dataset.multiturn_sft_dataset import MultiTurnSFTDataset

    table = pq.ParquetFile(work / f"results/{RUN}/data/filtered.parquet").read_row_group(0, columns=["messages"])
    subset = work / "verl_subset.parquet"
    pq.write_table(table.slice(0, n), subset)
    conversations = table.column("messages").to_pylist()[:n]
    manifest = json.loads((work / "results/models/tiny/manifest.json").read_text())
    tokenizer = load_tokenizer(work / manifest["path"], trust_remote_code=False)  # relative to the work dir
    t0 = time.perf_counter()
    ours = []
    for i in range(0, len(conversations), 1024):  # count_tokens' batch size
        ours += token_counts(tokenizer, conversations[i:i + 1024])
    t_ours = time.perf_counter() - t0
    config = {"max_length": 10**6, "truncation": "right", "pad_mode": "no_padding", "messages_key": "messages"}
    t0 = time.perf_counter()
    dataset = MultiTurnSFTDataset(parquet_files=[str(subset)], tokenizer=tokenizer, config=config)
    theirs = [len(dataset[i]["input_ids"]) for i in range(len(dataset))]
    t_verl = time.perf_counter() - t0
    mismatches = [(i, a, b) for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
    return {"rows": len(ours), "ours_s": t_ours, "verl_s": t_verl, "tokens": sum(ours),
            "identical": len(ours) == len(theirs) and not mismatches, "mismatches": mismatches[:5]}


def table(rows, headers):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(  # noqa: E731
        str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    sep = "|" + "|".join(("-" * (w + 1) + ":") if i else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000, help="synthetic raw rows (default 100000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cores", type=int, default=2, help="snakemake -c (default 2)")
    ap.add_argument("--verl-rows", type=int, default=1000, help="rows for the check against verl (0: skip)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench_data_stages"), help="root of the work dirs")
    ap.add_argument("--keep", action="store_true", help="keep the work dir (default: removed at the end)")
    ap.add_argument("--layout", choices=("defects", "bee_data"), default="defects",
                    help="defects: JSONL rows with a planted defect of each filter reason; bee_data: Parquet shards "
                         "in the layout and shape of BEE's data folder (40%% PYTHON3; ~330 solutions per problem; "
                         "valid/test shards beside train)")
    ap.add_argument("--without-benchmarks", action="store_true",
                    help="decontaminate against HumanEval only (default: also a stand-in of the hub benchmarks' size)")
    args = ap.parse_args()

    work = fresh_workdir(args.work, args.rows, args.seed)
    print(f"work dir: {work}")
    ok = False
    try:
        t0 = time.perf_counter()
        if args.layout == "bee_data":
            expected = synthetic.bee_data_shards(work / "raw", args.rows, seed=args.seed)
            what = f"BEE data-folder rows ({expected['bytes_per_row']:,.0f} bytes of text per row, train + valid/test)"
        else:
            expected = synthetic.raw_bee_rows(work / "raw", args.rows, seed=args.seed)
            what = f"raw rows ({expected['chat_rows']} chat rows, {sum(expected['rejected'].values())} planted defects)"
        raw_mb = sum(p.stat().st_size for p in (work / "raw").iterdir()) / 2**20
        print(f"generated {args.rows} {what}, {expected['problems']} problems, {raw_mb:.0f} MiB on disk, in "
              f"{time.perf_counter() - t0:.1f} s (untimed)")
        data = {"raw": str(work / "raw")}
        if "source" in yaml.safe_load((work / "config" / "config.yaml").read_text())["data"]:
            data["source"] = "local"  # a workflow that can also fetch BEE from the hub
        # No hub: the synthetic rows have no tests (the execution check is benchmarks/execution_check.py),
        # and the benchmarks are a synthetic stand-in of the hub ones' size.
        data["tests"] = {"source": "none"}
        decontaminate = {"use_hub": [], "benchmarks": []}
        if not args.without_benchmarks:
            decontaminate["use_hub"] = ["apps"]
            stand_in_benchmark(work, yaml.safe_load((work / "config" / "config.yaml").read_text()), args.seed)
        overlay = {"runs": {RUN: {"data": data, "model": {"source": "tiny"},
                                  "filter": {"decontaminate": decontaminate}}}}
        (work / "benchmark.yaml").write_text(yaml.safe_dump(overlay))
        (work / "benchmark.smk").write_text(benchmark_snakefile())
        # Targets first: --config and --configfile take every word after them.
        common = ["-s", "benchmark.smk", f"-c{args.cores}", "--configfile", "benchmark.yaml"]
        code, wall, _ = snakemake(work, "results/models/tiny/manifest.json", *common, log=work / "setup.log")
        if code:
            sys.exit(f"building the tiny model failed ({code}):\n{(work / 'setup.log').read_text()[-3000:]}")

        busy0 = busy_cpu_seconds()
        code, wall, cpu = snakemake(work, "data", "--config", f"run={RUN}", *common, log=work / "snakemake.log")
        other = max(0.0, busy_cpu_seconds() - busy0 - cpu)
        if code:
            sys.exit(f"snakemake failed ({code}):\n{(work / 'snakemake.log').read_text()[-4000:]}")
        # The same targets through the plain Snakefile: nothing to do, or the timed jobs were not the workflow's.
        dry, _, _ = snakemake(work, "data", "-n", f"-c{args.cores}", "--config", f"run={RUN}", "--configfile",
                              "benchmark.yaml", log=work / "dry_run.log")
        same = dry == 0 and "Nothing to be done" in (work / "dry_run.log").read_text()

        res = work / "results" / RUN
        report = json.loads((res / "data/filter_report.json").read_text())
        audit = json.loads((res / "audit/audit_report.json").read_text())
        split = json.loads((res / "data/split_report.json").read_text())
        kept = report["kept"]
        rows_kept = json.loads((res / "filter/rows_report.json").read_text())["kept"]
        io = {"filter_rows": (report["in"], rows_kept), "near_duplicates": (rows_kept, rows_kept - report["rejected"][
            "near_duplicate"]), "execute_solutions": (rows_kept - report["rejected"]["near_duplicate"], kept),
              "gather_filter": (rows_kept, kept), "count_tokens": (kept, kept),
              "audit_lengths": (kept, audit["rows"]),
              "split_by_problem": (kept, split["train"]["rows"] + split["val"]["rows"])}
        rows, total_s, total_cpu, peak = [], 0.0, 0.0, 0.0
        for stage in STAGES:
            b = read_benchmark(res, stage)
            body = script_seconds(res, stage)
            n_in, n_out = io[stage]
            rows.append([stage, n_in, n_out, f"{b['s']:.1f}", f"{body:.1f}", f"{n_in / b['s']:,.0f}",
                         f"{b['cpu']:.1f}", f"{b['rss_mb']:.0f}"])
            total_s, total_cpu, peak = total_s + b["s"], total_cpu + b["cpu"], max(peak, b["rss_mb"])
        rows.append(["total (sum of the jobs)", args.rows, io["split_by_problem"][1], f"{total_s:.1f}", "",
                     f"{args.rows / total_s:,.0f}", f"{total_cpu:.1f}", f"{peak:.0f} (max)"])
        rows.append(["snakemake run (whole command)", args.rows, "", f"{wall:.1f}", "", f"{args.rows / wall:,.0f}",
                     f"{cpu:.1f}", ""])
        print("\n" + table(rows, ["stage", "rows in", "rows out", "job s", "in-script s", "rows/s", "CPU s",
                                  "peak RSS MB"]))
        print("\njob s, CPU s, peak RSS: Snakemake's benchmark of each job (its whole process tree, sampled every "
              "0.5 s for 15 s, then every 30 s); in-script s: the job's provenance record (after imports); "
              f"other processes used {other:.1f} CPU s meanwhile (0 on a quiet machine).")
        print(f"plain Snakefile dry run afterwards finds nothing to do: {same}")
        if args.rows == 100_000 and args.cores == 2:
            print(f"target 100000 rows filter -> split <= {TARGET_TOTAL_S:.0f} s on 2 cores: "
                  f"{'MET' if wall <= TARGET_TOTAL_S else 'MISSED'} ({wall:.1f} s, the whole snakemake command)")
        # Synthetic solutions are built from a few blocks: many are near-duplicates, which are not planted.
        near = report["rejected"]["near_duplicate"]
        print(f"near-duplicates found: {near} ({near / max(rows_kept, 1):.0%} of the rows the per-row checks kept)")
        got = {k: v for k, v in report["rejected"].items() if v and k != "near_duplicate"}
        want = {k: v for k, v in expected["rejected"].items() if v}
        filter_ok = got == want and kept + near == expected["kept"]
        print(f"filter report equals the planted defects: {filter_ok}"
              + ("" if filter_ok else f"\n  got {got}, kept {kept}\n  want {want}, kept {expected['kept']}"))
        p = audit["percentiles"]
        print(f"token lengths: p50 {p['p50']}, p99 {p['p99']}, max {p['max']}, mean {p['mean']}; "
              f"train {split['train']['rows']} rows / {split['train']['problems']} problems, "
              f"val {split['val']['rows']} rows / {split['val']['problems']} problems")
        verl_ok = True
        if args.verl_rows:
            v = verl_comparison(work, args.verl_rows)
            verl_ok = v["identical"]
            print(f"\ncount_tokens vs verl MultiTurnSFTDataset on the first {v['rows']} filtered rows "
                  f"({v['tokens']:,} tokens): identical row by row: {v['identical']}"
                  + ("" if v["identical"] else f" (e.g. row, ours, verl's: {v['mismatches']})"))
            print(f"  token_counts {v['ours_s']:.2f} s ({v['rows'] / v['ours_s']:,.0f} rows/s), verl's dataset "
                  f"{v['verl_s']:.2f} s ({v['rows'] / v['verl_s']:,.0f} rows/s): {v['verl_s'] / v['ours_s']:.1f}x")
        ok = filter_ok and verl_ok and same
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
