"""Rule filter_rows: raw BEE rows -> filtered.parquet (clean rows, converted to chat),
rejected.parquet (every dropped row with its reason) and filter_report.json (counts).

A missing column or an unreadable file stops the rule before any work; a bad row never does:
it is rejected with the first reason that applies, in the order of REASONS.

The per-row checks run on chunks of rows in a pool of worker processes (ast.parse dominates
their time); duplicates are then found here, in input order, so the first copy always wins."""

import ast
import gc
import hashlib
import json
import logging
import os
import re
import symtable
import warnings
from collections import Counter, deque
from dataclasses import dataclass
from multiprocessing import Pool

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.common import cli
from pipeline.data.decontaminate import NgramIndex, benchmark_file_texts, humaneval_texts
from pipeline.data.raw_bee import OPTIONAL_ROLES, REQUIRED_ROLES, check_schema, iter_chunks, normalise_language, row_fields

log = logging.getLogger("pipeline")

REASONS = (
    "malformed_row",  # the line is not a JSON object
    "broken_type",  # a field has the wrong type (e.g. a number where text belongs)
    "empty",
    "invalid_text",
    "language",
    "too_short",
    "too_long",
    "syntax_error",
    "duplicate",
    "contaminated",
)
CHAT_ROLES = ("system", "user", "assistant")

# Replacement characters, control characters other than tab/newline/CR, C1 controls, lone
# surrogates, and the classic UTF-8-read-as-Latin-1 mojibake ("Ã©", "â€™"). Two patterns rather
# than one alternation: re scans for a pattern's possible first characters far faster.
_INVALID_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ud800-\udfff]")
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|â€")

MESSAGE_TYPE = pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))
KEPT_SCHEMA = pa.schema(
    [
        ("row_id", pa.int64()),
        ("name", pa.string()),
        ("language", pa.string()),
        ("difficulty", pa.string()),
        ("source", pa.string()),
        ("description", pa.string()),
        ("solution", pa.string()),
        ("messages", MESSAGE_TYPE),
    ]
)
REJECTED_SCHEMA = pa.schema(
    [
        ("row_id", pa.int64()),
        ("file", pa.string()),
        ("line", pa.int64()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("raw", pa.string()),
    ]
)


class Rejected(Exception):
    def __init__(self, reason, detail):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def normalise_text(text):
    """Text compared for duplicates: LF line ends, no trailing spaces, no blank lines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(filter(None, map(str.rstrip, lines)))


def python_syntax_error(code):
    """None when ast.parse accepts code, else its error.

    symtable runs the same parser but builds no Python AST objects, so it costs about a quarter
    less; code it accepts parses. Only code it rejects goes to ast.parse, for ast.parse's own
    verdict: symtable also rejects code that parses, e.g. a function with two arguments of one name.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            symtable.symtable(code, "<unknown>", "exec")
            return None
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
        try:
            ast.parse(code)
        except SyntaxError as e:
            return f"line {e.lineno}: {e.msg}"
        except (ValueError, RecursionError, MemoryError) as e:
            return f"{type(e).__name__}: {e}"
    return None


def first_invalid_text(value):
    """The first invalid character or mojibake pair in value (a re.Match), or None."""
    found = [m for m in (_INVALID_CHAR.search(value), _MOJIBAKE.search(value)) if m]
    return min(found, key=re.Match.start, default=None)


def _check_texts(named, f):
    """The empty and invalid-text checks, over all fields first, so the reason order holds."""
    if f["empty"]:
        for field, value in named:
            if not value.strip():
                raise Rejected("empty", f"{field} is empty")
    if f["invalid_text"]:
        for field, value in named:
            bad = first_invalid_text(value)
            if bad:
                raise Rejected("invalid_text", f"{field} has {bad.group()!r} at offset {bad.start()}")


def _check_chars(field, value, bounds):
    low, high = bounds
    if len(value) < low:
        raise Rejected("too_short", f"{field} has {len(value)} chars < {low}")
    if len(value) > high:
        raise Rejected("too_long", f"{field} has {len(value)} chars > {high}")


def solution_row(fields, columns, f, chat):
    """Validate one (statement, solution) row; return it normalised and converted to chat."""
    values = {}
    for role in REQUIRED_ROLES:
        value = fields.get(columns[role])
        if not isinstance(value, str):
            raise Rejected("broken_type", f"{columns[role]} is {type(value).__name__}, not text")
        values[role] = value
    for role in OPTIONAL_ROLES:
        value = fields.get(columns[role])
        if isinstance(value, (dict, list)):
            raise Rejected("broken_type", f"{columns[role]} is {type(value).__name__}")
        values[role] = None if value is None else str(value)
    _check_texts([(role, values[role]) for role in ("name", "description", "solution")], f)
    language = normalise_language(values["language"])
    if f["languages"] and language not in f["languages"]:
        raise Rejected("language", f"language {values['language']!r} -> {language!r} not allowed")
    _check_chars("description", values["description"], f["description_chars"])
    _check_chars("solution", values["solution"], f["solution_chars"])
    if f["python_syntax"] and language == "python":
        error = python_syntax_error(values["solution"])
        if error:
            raise Rejected("syntax_error", error)
    messages = []
    if chat["system_prompt"]:
        messages.append({"role": "system", "content": chat["system_prompt"]})
    instruction = chat["instruction"].replace("{description}", values["description"].strip())
    response = chat["response"].replace("{language}", language)
    messages.append({"role": "user", "content": instruction})
    messages.append({"role": "assistant", "content": response.replace("{solution}", values["solution"].strip("\n"))})
    return dict(values, language=language, messages=messages)


def chat_row(fields, columns, f):
    """Validate one row that is already chat (a list of {role, content})."""
    messages = fields.get(columns["messages"])
    if not isinstance(messages, list) or not messages:
        raise Rejected("broken_type", f"{columns['messages']} is not a non-empty list")
    for i, m in enumerate(messages):
        if not (isinstance(m, dict) and m.get("role") in CHAT_ROLES and isinstance(m.get("content"), str)):
            raise Rejected("broken_type", f"message {i} is not {{role: system|user|assistant, content: text}}")
    if messages[-1]["role"] != "assistant":
        raise Rejected("broken_type", "the last message is not the assistant's")
    _check_texts([(f"message {i}", m["content"]) for i, m in enumerate(messages)], f)
    user = "\n".join(m["content"] for m in messages if m["role"] == "user")
    answer = "\n".join(m["content"] for m in messages if m["role"] == "assistant")
    _check_chars("user turns", user, f["description_chars"])
    _check_chars("assistant turns", answer, f["solution_chars"])
    name = fields.get(columns["name"])
    if not isinstance(name, str) or not name.strip():
        name = "chat-" + hashlib.sha1(user.encode()).hexdigest()[:12]
    clean = [{"role": m["role"], "content": m["content"]} for m in messages]
    return dict(name=name, language=None, difficulty=None, source=None, description=None, solution=None,
                messages=clean)


def text_parts(row):
    """The texts a row contributes to training, for duplicate and contamination checks."""
    if row["description"] is not None:
        return row["description"], row["solution"]
    return tuple(m["content"] for m in row["messages"])


def printable(text):
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def dedup_key(row):
    return hashlib.sha1(normalise_text("\n".join(text_parts(row))).encode("utf-8", "surrogatepass")).digest()


@dataclass
class CheckedChunk:
    """What a worker found in one chunk. Rows that passed are candidates: the parent still drops
    duplicates of earlier rows and rows sharing an n-gram with a benchmark."""

    rejected: list  # (position in the chunk, reason, detail)
    positions: list  # position in the chunk of each candidate
    candidates: pa.Table  # the candidates as KEPT_SCHEMA rows
    keys: list  # each candidate's dedup key, or None when dedup is off
    overlaps: list  # each candidate's first benchmark n-gram, or None


_settings = {}  # a worker's settings and decontamination index, set once by _start_worker


def _start_worker(columns, f, chat, index):
    _settings.update(columns=columns, f=f, chat=chat, index=index)
    # The checks allocate millions of short-lived objects (ast.parse's nodes above all) that
    # form no reference cycles: the cycle collector's passes over them only cost time (~15%).
    gc.disable()


def check_chunk(rows):
    """The per-row checks of one chunk of (row_id, is_chat, source), run in a worker process."""
    columns, f, chat, index = (_settings[k] for k in ("columns", "f", "chat", "index"))
    rejected, positions, candidates = [], [], []
    for i, (row_id, is_chat, source) in enumerate(rows):
        try:
            fields = row_fields(source)
            if fields is None:
                raise Rejected("malformed_row", "the line is not a JSON object")
            row = chat_row(fields, columns, f) if is_chat else solution_row(fields, columns, f, chat)
            positions.append(i)
            candidates.append(dict(row, row_id=row_id))
        except Rejected as r:
            rejected.append((i, r.reason, r.detail))
    keys = [dedup_key(row) if f["dedup"] else None for row in candidates]
    if index is None:
        overlaps = [None] * len(candidates)
    else:
        overlaps = index.first_overlap([text_parts(row) for row in candidates])
    table = pa.Table.from_pylist(candidates, schema=KEPT_SCHEMA)
    return CheckedChunk(rejected, positions, table, keys, overlaps)


def checked_chunks(paths, kinds, start_args):
    """(chunk, CheckedChunk) for every chunk of rows, in input order. Only one chunk per worker
    plus one waiting are in flight, so memory stays bounded however large the input; the
    rows travel as JSON text, cheaper to send than parsed rows."""
    workers = os.cpu_count() or 1
    pending = deque()
    with Pool(workers, _start_worker, start_args) as pool:
        for chunk in iter_chunks(paths):
            rows = [(raw.row_id, kinds[raw.file] == "chat", raw.source) for raw in chunk]
            pending.append((chunk, pool.apply_async(check_chunk, (rows,))))
            if len(pending) == workers + 1:
                chunk, result = pending.popleft()
                yield chunk, result.get()
        for chunk, result in pending:
            yield chunk, result.get()


def cross_row_rejection(key, ngram, seen, n):
    """(reason, detail) when a candidate repeats an earlier row or shares an n-gram with a
    benchmark, else None. key is None when dedup is off; seen holds the keys of earlier rows."""
    if key is not None:
        if key in seen:
            return "duplicate", "same statement and solution as an earlier row"
        seen.add(key)
    if ngram is not None:
        return "contaminated", f"shares the {n}-gram {ngram!r}"
    return None


def filter_rows(paths, columns, settings, chat, kept_writer, rejected_writer):
    """Stream every raw row through the filters; return the report counts."""
    f = settings
    kinds = check_schema(paths, columns)
    decon = f["decontaminate"]
    index = None
    if decon["enabled"]:
        texts = humaneval_texts() if decon["humaneval"] else []
        for path in decon["benchmarks"]:
            texts += benchmark_file_texts(path)
        index = NgramIndex(texts, decon["ngram"])
        log.info("decontamination index: %d benchmark %d-grams", len(index.ngrams), decon["ngram"])
    seen = set()
    counts = Counter()
    total = 0
    for chunk, checked in checked_chunks(paths, kinds, (columns, f, chat, index)):
        total += len(chunk)
        rejected = [(chunk[i], reason, detail) for i, reason, detail in checked.rejected]
        keep = []
        for i, key, ngram in zip(checked.positions, checked.keys, checked.overlaps):
            rejection = cross_row_rejection(key, ngram, seen, decon["ngram"])
            if rejection:
                rejected.append((chunk[i], *rejection))
            keep.append(rejection is None)
        counts.update(reason for _, reason, _ in rejected)
        kept_writer.write_table(checked.candidates.filter(pa.array(keep, pa.bool_())))
        rejected.sort(key=lambda r: r[0].row_id)
        rejected_writer.write_table(
            pa.Table.from_pylist(
                [
                    dict(row_id=raw.row_id, file=raw.file, line=raw.line, reason=reason,
                         detail=printable(detail), raw=printable(raw.raw_text))
                    for raw, reason, detail in rejected
                ],
                schema=REJECTED_SCHEMA,
            )
        )
    kept_total = total - sum(counts.values())
    report = {
        "in": total,
        "kept": kept_total,
        "rejected": {reason: counts.get(reason, 0) for reason in REASONS},
        "files": {str(p): kinds[str(p)] for p in paths},
    }
    return report


def main(args):
    settings = json.loads(args.settings)
    with (
        pq.ParquetWriter(args.filtered, KEPT_SCHEMA) as kept_writer,
        pq.ParquetWriter(args.rejected, REJECTED_SCHEMA) as rejected_writer,
    ):
        report = filter_rows(
            args.raw, settings["data"]["columns"], settings["filter"], settings["data"]["chat"], kept_writer,
            rejected_writer,
        )
    log.info("rows in: %d, kept: %d, rejected: %s", report["in"], report["kept"],
             {k: v for k, v in report["rejected"].items() if v})
    if report["kept"] == 0:
        raise cli.PipelineError(
            f"no rows left after filtering {report['in']} rows (rejected by reason: {report['rejected']}); "
            "relax the filter settings or check data.columns"
        )
    cli.write_json(args.report, report)


if __name__ == "__main__":
    p = cli.parser(__doc__)
    cli.inputs(p, "--raw", nargs="+", required=True, help="raw JSONL/Parquet files, in order")
    p.add_argument("--settings", required=True, help="JSON: {data: {columns, chat}, filter}")
    cli.outputs(p, "--filtered", "--rejected", "--report", required=True)
    cli.run(main, p)
