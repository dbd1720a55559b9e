"""The stdin/stdout tests of contest problems, in deepmind/code_contests' schema: per problem
`public_tests`, `private_tests` and `generated_tests` ({input: [str], output: [str]}), `time_limit`
({seconds, nanos}), `memory_limit_bytes` and `incorrect_solutions` ({language: [int], solution:
[str]}). A code_contests row carries its own (the filter keeps them as JSON in the row's `tests`);
rows of the other layouts get them by problem name from a tests source: deepmind/code_contests
itself (BEE's names are its problem names) or a local copy in the same schema."""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.common.cli import PipelineError
from pipeline.data.layouts import CODE_CONTESTS_LANGUAGES, TEST_KINDS

COLUMNS = ["name", *TEST_KINDS, "time_limit", "memory_limit_bytes", "incorrect_solutions"]
PYTHON3 = 3  # code_contests' language label of Python 3, the language executed


@dataclass(frozen=True)
class ProblemTests:
    """A problem's tests as (input, expected output) pairs, in the order of the kinds used, its
    limits (None where the source gives none, or 0) and its incorrect solutions (label, code)."""

    tests: tuple
    time_limit_s: float | None
    memory_bytes: int | None
    incorrect: tuple = ()

    @property
    def digest(self):
        """What the tests' verdicts depend on, as a sha256 (the execution cache's key part)."""
        return hashlib.sha256(json.dumps([self.tests, self.time_limit_s, self.memory_bytes]).encode(
            "utf-8", "surrogatepass")).hexdigest()


def time_limit_seconds(value):
    """code_contests' {seconds, nanos} (or a plain number) as seconds; None for none or zero."""
    if isinstance(value, dict):
        value = (value.get("seconds") or 0) + (value.get("nanos") or 0) / 1e9
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


def from_record(record, kinds):
    """The ProblemTests of one code_contests problem record (its test kinds in `kinds`)."""
    tests = []
    for kind in kinds:
        block = record.get(kind) or {}
        tests += [(i, o) for i, o in zip(block.get("input") or [], block.get("output") or [])
                  if isinstance(i, str) and isinstance(o, str)]
    memory = record.get("memory_limit_bytes")
    incorrect = record.get("incorrect_solutions") or {}
    return ProblemTests(
        tests=tuple(tests),
        time_limit_s=time_limit_seconds(record.get("time_limit")),
        memory_bytes=int(memory) if isinstance(memory, int) and memory > 0 else None,
        incorrect=tuple(zip(incorrect.get("language") or [], incorrect.get("solution") or [])),
    )


def read_tests(paths, names, kinds):
    """{name: ProblemTests} for the problems of `names` found in the tests files (Parquet or JSONL in
    code_contests' schema); a name in several files: the first file's. Only the columns needed are
    read, and of Parquet files only the rows of those names."""
    found = {}
    for path in map(Path, paths):
        if path.suffix == ".parquet":
            present = pq.read_schema(path).names
            _require_columns(path, present)
            table = pq.read_table(path, columns=[c for c in COLUMNS if c in present],
                                  filters=pc.field("name").isin(sorted(names)))
            records = table.to_pylist()
        elif path.suffix == ".jsonl":
            with open(path, encoding="utf-8") as f:
                records = [r for r in map(json.loads, filter(str.strip, f)) if r.get("name") in names]
            if records:
                _require_columns(path, records[0])
        else:
            raise PipelineError(f"data.tests: {path} is not a .parquet or .jsonl file")
        for record in records:
            found.setdefault(record["name"], from_record(record, kinds))
    return found


def _require_columns(path, present):
    missing = [c for c in ("name", "public_tests", "private_tests") if c not in present]
    if missing:
        raise PipelineError(f"data.tests: {path} has no column(s) {missing}: not in deepmind/code_contests' schema")


def language_name(label):
    return CODE_CONTESTS_LANGUAGES.get(label, str(label))
