"""Rule gather_filter: the filter's last step. filter_rows' rows, less the near-duplicates and the
solutions the execution check rejected, become filtered.parquet (in row order, with each problem's
`group`: mirrored problems share one, and the split keeps a group on one side); every rejection of
every step, in row order, becomes rejected.parquet; filter_report.json counts them all by reason
and says what was verified, what was not and why, and how the checker fared on the problems'
incorrect solutions (its calibration)."""

import heapq
import json
import logging
from collections import Counter, defaultdict

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.common import cli
from pipeline.evaluation import sandbox

log = logging.getLogger("pipeline")

EXECUTION_REASONS = (sandbox.WRONG_ANSWER, sandbox.TIMEOUT, sandbox.RUNTIME_ERROR, sandbox.MEMORY_LIMIT)
REASONS_AFTER_ROWS = ("near_duplicate", *EXECUTION_REASONS)
REJECTED_COLUMNS = ["row_id", "file", "line", "reason", "detail", "raw"]


def execution_detail(e):
    where = f"test {e['test']}" if e["test"] >= 0 else "before its tests"
    what = ": ".join(filter(None, (e["error"], e["message"])))
    return f"{e['verdict']} on {where}" + (f" ({what})" if what else "")


def later_rejections(rows_path, near, executions, excerpt_chars):
    """{row_id: (reason, detail)} of the near-duplicate and execution steps, and their rejected rows
    (REJECTED_COLUMNS) in row order."""
    reasons = {e["row_id"]: (e["verdict"], execution_detail(e)) for e in executions
               if e["row_id"] >= 0 and e["verdict"] in EXECUTION_REASONS}
    wanted = sorted(set(reasons) | {r["row_id"] for r in near} | {r["kept_row_id"] for r in near})
    rows = pq.read_table(rows_path, columns=["row_id", "file", "line", "solution"],
                         filters=pc.field("row_id").isin(wanted)).to_pylist() if wanted else []
    where = {r["row_id"]: f"{r['file']}:{r['line']}" for r in rows}
    reasons.update({r["row_id"]: ("near_duplicate", f"{r['similarity']:.2f} similar to row {r['kept_row_id']} "
                                                    f"({where[r['kept_row_id']]}), the first of its group") for r in near})
    rows = [r for r in rows if r["row_id"] in reasons]
    rejected = []
    for r in rows:
        solution = r["solution"] or ""
        raw = solution if len(solution) <= excerpt_chars else (
            solution[:excerpt_chars] + f"... [{len(solution) - excerpt_chars} more chars]")
        rejected.append(dict(row_id=r["row_id"], file=r["file"], line=r["line"], reason=reasons[r["row_id"]][0],
                             detail=reasons[r["row_id"]][1], raw=raw))
    return reasons, rejected


def write_rejected(rows_rejected, later, path):
    """filter_rows' rejections and the later steps', merged in row order a batch at a time (the
    per-row checks reject millions of rows in BEE: other languages above all)."""
    schema = pq.read_schema(rows_rejected)

    def earlier():
        for batch in pq.ParquetFile(rows_rejected).iter_batches(batch_size=65536):
            yield from batch.to_pylist()

    with pq.ParquetWriter(path, schema) as writer:
        block = []
        for r in heapq.merge(earlier(), later, key=lambda r: r["row_id"]):
            block.append(r)
            if len(block) == 65536:
                writer.write_table(pa.Table.from_pylist(block, schema=schema))
                block = []
        writer.write_table(pa.Table.from_pylist(block, schema=schema))


def verification_report(executions):
    """Counts of the execution check: solutions by verdict, why some were not verified, and the
    calibration on incorrect solutions, with the reasons correct solutions failed."""
    solutions = [e for e in executions if e["row_id"] >= 0]
    incorrect = [e for e in executions if e["row_id"] < 0]
    verdicts = Counter(e["verdict"] for e in solutions)
    executed = [e for e in solutions if e["verdict"] in sandbox.VERDICTS]
    failed_errors = Counter(f"{e['verdict']}: {e['error'] or 'output differs'}" for e in executed
                            if e["verdict"] != sandbox.ACCEPTED)
    incorrect_verdicts = Counter(e["verdict"] for e in incorrect)
    return {
        "solutions": len(solutions),
        "executed": len(executed),
        "verdicts": {v: verdicts.get(v, 0) for v in sandbox.VERDICTS},
        "unverified": {"no_tests": verdicts.get("no_tests", 0), "other_language": verdicts.get("not_executed", 0),
                       "chat_rows": verdicts.get("chat_row", 0)},
        "correct_pass_rate": round(verdicts.get(sandbox.ACCEPTED, 0) / len(executed), 4) if executed else None,
        "correct_failures_by_error": dict(failed_errors.most_common()),
        "calibration": {
            "incorrect_executed": len(incorrect),
            "incorrect_fail_rate": round(1 - incorrect_verdicts.get(sandbox.ACCEPTED, 0) / len(incorrect), 4)
            if incorrect else None,
            "incorrect_verdicts": {v: incorrect_verdicts.get(v, 0) for v in sandbox.VERDICTS},
        },
    }


def main(args):
    settings = json.loads(args.settings)["filter"]
    report = json.load(open(args.rows_report))
    near = pq.read_table(args.near_duplicates).to_pylist()
    groups = {g["name"]: g["group"] for g in pq.read_table(args.problem_groups).to_pylist()}
    executions = [e for path in args.executions for e in pq.read_table(path).to_pylist()]
    shard_reports = [json.load(open(path)) for path in args.shard_reports]
    reasons, later = later_rejections(args.rows, near, executions, settings["rejected_excerpt_chars"])

    with pq.ParquetFile(args.rows) as rows, pq.ParquetWriter(args.filtered, rows.schema_arrow.append(
            pa.field("group", pa.string()))) as kept:
        rejected_ids = pa.array(sorted(reasons), pa.int64())
        for batch in rows.iter_batches(batch_size=65536):
            table = pa.Table.from_batches([batch])
            table = table.filter(pc.invert(pc.is_in(table.column("row_id"), rejected_ids)))
            names = table.column("name").to_pylist()
            kept.write_table(table.append_column("group", pa.array([groups.get(n, n) for n in names], pa.string())))
    write_rejected(args.rows_rejected, later, args.rejected)

    counts = Counter(reason for reason, _ in reasons.values())
    report["rejected"].update({reason: counts.get(reason, 0) for reason in REASONS_AFTER_ROWS})
    report["kept"] -= len(reasons)
    grouped = defaultdict(list)
    for name, group in groups.items():
        grouped[group].append(name)
    report["near_duplicates"] = {
        "rejected": len(near),
        "mirrored_problem_groups": sorted(sorted(names) for names in grouped.values() if len(names) > 1),
    }
    report["verification"] = verification_report(executions)
    # What took how long is in each shard's report (executions/<i>-of-<n>.json): not here, so that a
    # rerun from scratch gives this file byte for byte.
    report["verification"]["shards"] = len(shard_reports)
    report["verification"]["calibration"]["problems_with_incorrect"] = sum(
        1 for s in shard_reports for c in s["calibration"].values() if c["python3"])
    report["verification"]["calibration"]["incorrect_other_languages"] = sum(
        c["other_languages"] for s in shard_reports for c in s["calibration"].values())
    verification = report["verification"]
    if verification["unverified"]["no_tests"] > verification["executed"]:
        log.warning("%d Python 3 rows found no tests and were kept unverified, more than were executed (%d): are the "
                    "rows' problem names those of the tests source (data.tests)?", verification["unverified"]["no_tests"],
                    verification["executed"])
    if report["kept"] == 0:
        raise cli.PipelineError(f"no rows left after the execution check (rejected by reason: {report['rejected']})")
    cli.write_json(args.report, report)
    log.info("kept %d rows; near-duplicates %d; execution: %s", report["kept"], len(near),
             report["verification"]["verdicts"])


if __name__ == "__main__":
    p = cli.parser(__doc__)
    cli.inputs(p, "--rows", "--rows-rejected", "--rows-report", "--near-duplicates", "--problem-groups",
               required=True)
    cli.inputs(p, "--executions", "--shard-reports", nargs="+", required=True)
    p.add_argument("--settings", required=True, help="JSON: {filter: {rejected_excerpt_chars}}")
    cli.outputs(p, "--filtered", "--rejected", "--report", required=True)
    cli.run(main, p)
