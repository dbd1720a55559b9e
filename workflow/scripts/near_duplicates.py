"""Rule near_duplicates: near-duplicate solutions within each problem, and mirrored problems.

Solutions are compared as normalised code tokens (comments and layout dropped, identifiers and
string literals made anonymous), by MinHash LSH over token shingles with each candidate pair
verified on its signatures (pipeline/data/near_duplicates.py); of a group the first row is kept,
the others go to near_duplicates.parquet naming it. Statements are compared across problems the
same way, over words: problems whose statements are near-identical (the same task on two judges
under two names) form one group in problem_groups.parquet, which the split keeps on one side."""

import json
import logging
import time
from collections import defaultdict
from multiprocessing import Pool

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.common import cli
from pipeline.data import near_duplicates

log = logging.getLogger("pipeline")

NEAR_SCHEMA = pa.schema([("row_id", pa.int64()), ("kept_row_id", pa.int64()), ("similarity", pa.float64())])
GROUPS_SCHEMA = pa.schema([("name", pa.string()), ("group", pa.string())])
_settings = {}


def _start_worker(settings):
    _settings.update(settings)


def problem_near_duplicates(problem):
    """(row_id, kept_row_id, similarity) of one problem's near-duplicate solutions."""
    row_ids, solutions = problem
    s = _settings
    found = near_duplicates.near_duplicates(solutions, threshold=s["threshold"], num_perm=s["num_perm"],
                                            shingle=s["shingle"], seed=s["seed"])
    return [(row_ids[i], row_ids[hit[0]], round(hit[1], 4)) for i, hit in enumerate(found) if hit is not None]


def chat_answers(path, table):
    """{row_id: its assistant turns} of the chat rows (no solution column of their own): read apart,
    so the messages of the other rows, a second copy of every text, are never loaded."""
    chat = pc.is_null(table.column("solution"))
    ids = table.column("row_id").filter(chat)
    if len(ids) == 0:
        return {}
    rows = pq.read_table(path, columns=["row_id", "messages"], filters=pc.field("row_id").isin(ids)).to_pylist()
    return {r["row_id"]: "\n".join(m["content"] for m in r["messages"] if m["role"] == "assistant") for r in rows}


def first_statements(path):
    """{problem name: its first row's statement}, in row order, a batch at a time: never a Python
    copy of every row's statement."""
    statements = {}
    for batch in pq.ParquetFile(path).iter_batches(batch_size=65536, columns=["name", "description"]):
        names = batch.column(0).to_pylist()
        new = [i for i, name in enumerate(names) if name not in statements]
        for i, description in zip(new, batch.column(1).take(pa.array(new, pa.int64())).to_pylist()):
            if description is not None:
                statements.setdefault(names[i], description)
    return statements


def main(args):
    settings = json.loads(args.settings)["filter"]["near_duplicates"]
    started = time.monotonic()
    # The pool starts first: its workers are forked while this process is small (and before it
    # touches rensa: a process forked after rensa's thread pool started hangs).
    with Pool(args.threads, _start_worker, (settings,)) as pool:
        table = pq.read_table(args.rows, columns=["row_id", "name", "solution"])
        answers = chat_answers(args.rows, table)
        problems = defaultdict(lambda: ([], []))
        for row_id, name, solution in zip(*(table.column(c).to_pylist() for c in table.column_names)):
            ids, codes = problems[name]
            ids.append(row_id)
            codes.append(solution if solution is not None else answers[row_id])
        del table
        near = []
        if settings["enabled"]:
            # The largest problems first, so no worker is left with one at the end.
            several = sorted((p for p in problems.values() if len(p[0]) > 1), key=lambda p: -len(p[0]))
            for found in pool.imap_unordered(problem_near_duplicates, several, chunksize=4):
                near += found
    near.sort()
    groups = {}
    if settings["enabled"]:
        statements = first_statements(args.rows)
        groups = near_duplicates.statement_groups(statements, threshold=settings["statement_threshold"],
                                                  num_perm=settings["num_perm"], shingle=settings["shingle"],
                                                  seed=settings["seed"])
    pq.write_table(pa.Table.from_pylist([dict(row_id=r, kept_row_id=k, similarity=s) for r, k, s in near],
                                        schema=NEAR_SCHEMA), args.near_duplicates)
    mirrored = {name: group for name, group in groups.items() if name != group}
    rows = [{"name": name, "group": groups.get(name, name)} for name in problems]
    pq.write_table(pa.Table.from_pylist(rows, schema=GROUPS_SCHEMA), args.problem_groups)
    log.info("%d near-duplicate solutions in %d problems; %d problems grouped with a mirror; %.1f s",
             len(near), len(problems), len(mirrored), time.monotonic() - started)


if __name__ == "__main__":
    p = cli.parser(__doc__)
    cli.inputs(p, "--rows", required=True, help="filter_rows' rows.parquet")
    p.add_argument("--settings", required=True, help="JSON: {filter: {near_duplicates}}")
    p.add_argument("--threads", type=int, default=1, help="worker processes (the rule's threads)")
    cli.outputs(p, "--near-duplicates", "--problem-groups", required=True)
    cli.run(main, p)
