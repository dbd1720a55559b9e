"""Rule execute_solutions: one shard of the execution check. Each Python 3 solution of the shard's
problems (rows.parquet, less the near-duplicates) runs in the sandbox on its problem's tests,
stdin -> stdout, with the problem's time limit (x filter.verify.time_factor) and memory limit; the
output is compared as code_contests' checker does. Up to filter.verify.calibration_per_problem of
each problem's incorrect Python 3 solutions run the same way, to measure the checker on the data.

A problem's shard is a hash of its name, so a shard's problems stay the same from run to run.
Verdicts are cached by (solution, tests, limits, checker) in part files under --cache, which no
rule owns as an output: a rerun (another setting changed, or the job killed midway) executes only
what was never executed. Rows without tests, and other languages, are left unverified here; the
gather counts them."""

import hashlib
import json
import logging
import time
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.common import cli
from pipeline.data import contest_tests
from pipeline.evaluation import contests, sandbox

log = logging.getLogger("pipeline")

EXECUTIONS_SCHEMA = pa.schema([
    ("row_id", pa.int64()),  # -1 for an incorrect solution (calibration)
    ("name", pa.string()),
    ("incorrect_index", pa.int64()),  # its position among the problem's incorrect solutions, else -1
    ("verdict", pa.string()),  # sandbox.VERDICTS, or no_tests / not_executed (another language) / chat_row
    ("test", pa.int64()),
    ("error", pa.string()),
    ("message", pa.string()),
    ("seconds", pa.float64()),
    ("cached", pa.bool_()),
])
CACHE_SCHEMA = pa.schema([("key", pa.string()), ("verdict", pa.string()), ("test", pa.int64()),
                          ("error", pa.string()), ("message", pa.string()), ("seconds", pa.float64())])
NO_TESTS, NOT_EXECUTED, CHAT_ROW = "no_tests", "not_executed", "chat_row"
CACHE_PART_SECONDS = 300  # how often a long job saves its new verdicts


def shard_of(name, shards):
    return zlib.crc32(name.encode("utf-8", "surrogatepass")) % shards


def shard_rows(path, shard, shards, skipped):
    """The rows of the shard's problems (row_id, name, language, solution, tests), less `skipped`."""
    table = pq.read_table(path, columns=["row_id", "name", "language", "solution", "tests"])
    names = table.column("name").combine_chunks().dictionary_encode()
    mine = pa.array([shard_of(n, shards) == shard for n in names.dictionary.to_pylist()])
    keep = pc.and_(pc.take(mine, names.indices), pc.invert(pc.is_in(table.column("row_id"), pa.array(skipped))))
    return table.filter(keep).to_pylist()


def cache_key(solution, problem, run_limits, checker):
    text = json.dumps([solution, problem.digest, [run_limits.timeout_s, run_limits.memory_bytes],
                       [checker.float_tolerance, checker.ignore_case]])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Cache:
    """Verdicts by key, from every part file under the cache folder; new ones saved as new parts
    (written whole, then renamed: a killed job leaves no half part)."""

    def __init__(self, folder, shard_label, wanted):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.label = shard_label
        self.found = {}
        parts = sorted(self.folder.glob("*.parquet"))
        if parts and wanted:
            table = ds.dataset(parts, schema=CACHE_SCHEMA).to_table(filter=pc.field("key").isin(sorted(wanted)))
            self.found = {r["key"]: r for r in table.to_pylist()}
        self.new = []
        self.saved_at = time.monotonic()

    def add(self, key, verdict):
        self.new.append(dict(key=key, verdict=verdict.verdict, test=verdict.test, error=verdict.error,
                             message=verdict.message, seconds=verdict.seconds))
        if time.monotonic() - self.saved_at > CACHE_PART_SECONDS:
            self.save()

    def save(self):
        if self.new:
            path = self.folder / f"{self.label}-{uuid.uuid4().hex[:12]}.parquet"
            tmp = path.with_suffix(".tmp")
            pq.write_table(pa.Table.from_pylist(self.new, schema=CACHE_SCHEMA), tmp)
            tmp.rename(path)
            log.info("cache: %d new verdicts saved to %s", len(self.new), path)
            self.new = []
        self.saved_at = time.monotonic()


def main(args):
    settings = json.loads(args.settings)
    verify = settings["filter"]["verify"]
    checker = contests.checker(verify)
    skipped = pq.read_table(args.near_duplicates, columns=["row_id"]).column("row_id").to_pylist()
    rows = shard_rows(args.rows, args.shard, args.shards, skipped)
    names = {r["name"] for r in rows}
    tests_paths = args.tests or []
    if args.tests_manifest:
        tests_paths = [f["path"] for f in json.load(open(args.tests_manifest))["files"]]
    source = contest_tests.read_tests(tests_paths, names, verify["tests"]) if tests_paths else {}
    log.info("shard %d of %d: %d rows of %d problems; tests for %d problems from %d tests file(s)",
             args.shard, args.shards, len(rows), len(names), len(source), len(tests_paths))

    # (row_id, name, incorrect_index, code, problem) of every program to run, in row order, then the
    # calibration's incorrect solutions in problem order.
    out, jobs = [], []
    for r in rows:
        problem = (contest_tests.from_record(json.loads(r["tests"]), verify["tests"]) if r["tests"]
                   else source.get(r["name"]))
        if r["solution"] is None:  # a chat row: its code is inside a reply, not a solution of its own
            out.append(dict(row_id=r["row_id"], name=r["name"], incorrect_index=-1, verdict=CHAT_ROW))
        elif r["language"] != "python3":
            out.append(dict(row_id=r["row_id"], name=r["name"], incorrect_index=-1, verdict=NOT_EXECUTED))
        elif problem is None or not problem.tests:
            out.append(dict(row_id=r["row_id"], name=r["name"], incorrect_index=-1, verdict=NO_TESTS))
        else:
            jobs.append((r["row_id"], r["name"], -1, r["solution"], problem))
    calibration = {}
    for name in sorted(names & source.keys()):
        problem = source[name]
        python3 = [(i, code) for i, (label, code) in enumerate(problem.incorrect) if label == contest_tests.PYTHON3]
        calibration[name] = {"python3": len(python3), "other_languages": len(problem.incorrect) - len(python3)}
        if problem.tests:
            jobs += [(-1, name, i, code, problem) for i, code in python3[: verify["calibration_per_problem"]]]

    keyed = [(job, contests.run_limits(job[4], verify)) for job in jobs]
    keys = [cache_key(job[3], job[4], run_limits, checker) for job, run_limits in keyed]
    cache = Cache(args.cache, f"{args.shard}-of-{args.shards}", set(keys))
    todo = [i for i, key in enumerate(keys) if key not in cache.found]
    log.info("%d programs to run: %d verdicts cached, %d to execute on %d workers",
             len(jobs), len(jobs) - len(todo), len(todo), args.threads)
    verdicts = {}
    started = time.monotonic()
    with sandbox.Judge(workers=args.threads) as judge, ThreadPoolExecutor(args.threads) as pool:
        def run(i):
            job, run_limits = keyed[i]
            return i, judge.judge(job[3], job[4].tests, run_limits, checker)

        try:
            for done, (i, verdict) in enumerate(pool.map(run, todo), 1):
                verdicts[i] = verdict
                cache.add(keys[i], verdict)
                if done % 1000 == 0:
                    log.info("executed %d of %d (%.1f programs/s)", done, len(todo),
                             done / (time.monotonic() - started))
        finally:  # a failed or killed job keeps what it executed
            cache.save()
    elapsed = time.monotonic() - started
    for i, (job, _) in enumerate(keyed):
        row_id, name, incorrect_index, _, problem = job
        if i in verdicts:
            v, cached = verdicts[i], False
        else:
            v, cached = sandbox.Verdict(**{k: cache.found[keys[i]][k] for k in
                                           ("verdict", "test", "error", "message", "seconds")}), True
        out.append(dict(row_id=row_id, name=name, incorrect_index=incorrect_index, verdict=v.verdict, test=v.test,
                        error=v.error, message=v.message, seconds=v.seconds, cached=cached))
    out.sort(key=lambda r: (r["row_id"] < 0, r["row_id"], r["name"], r["incorrect_index"]))
    pq.write_table(pa.Table.from_pylist(out, schema=EXECUTIONS_SCHEMA), args.executions)
    tests_run = sum(len(keyed[i][0][4].tests) for i in todo)
    cli.write_json(args.report, {
        "shard": args.shard, "shards": args.shards, "rows": len(rows), "problems": len(names),
        "programs": len(jobs), "executed": len(todo), "cached": len(jobs) - len(todo), "seconds": round(elapsed, 2),
        "workers": args.threads, "calibration": calibration,
        "programs_per_second": round(len(todo) / elapsed, 2) if todo and elapsed else None,
        "test_runs_at_most": tests_run,
    })
    log.info("shard %d of %d: executed %d programs in %.1f s on %d workers", args.shard, args.shards, len(todo),
             elapsed, args.threads)


if __name__ == "__main__":
    p = cli.parser(__doc__)
    cli.inputs(p, "--rows", required=True, help="filter_rows' rows.parquet")
    cli.inputs(p, "--near-duplicates", required=True, help="the near_duplicates rule's rows to skip")
    cli.inputs(p, "--tests", nargs="*", help="tests files in code_contests' schema (data.tests.source: local)")
    cli.inputs(p, "--tests-manifest", help="the fetched tests' manifest (data.tests.source: hub)")
    p.add_argument("--shard", type=int, required=True)
    p.add_argument("--shards", type=int, required=True)
    p.add_argument("--cache", required=True, help="the execution cache's folder (kept across runs)")
    p.add_argument("--settings", required=True, help="JSON: {filter: {verify}}")
    p.add_argument("--threads", type=int, default=1, help="programs run at once (the rule's threads)")
    cli.outputs(p, "--executions", "--report", required=True)
    cli.run(main, p)
