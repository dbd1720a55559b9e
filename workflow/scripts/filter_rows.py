"""Rule filter_rows, the filter's per-row checks: raw BEE rows -> rows.parquet (clean rows,
converted to chat, with their file and line), rows_rejected.parquet (every dropped row with its
reason and a bounded excerpt) and rows_report.json (each file's layout, split and rows read; counts
by reason). The near-duplicate and execution checks follow (rules near_duplicates,
execute_solutions); gather_filter writes the filter's final files.

A file that fits no layout or cannot be read stops the rule before any work; a bad row never
does: it is rejected with the first reason that applies, in the order of REASONS. Only rows of
data.splits are trained on; the problems of data.held_out_splits (the dataset's valid and test
splits) are read first, and a training row of one of them, by problem name or by statement, is
rejected as held_out_problem.

The per-row checks run on chunks of rows in a pool of `--threads` worker processes (ast.parse
dominates their time); duplicates are then found here, in input order, so the first copy wins."""

import ast
import gc
import hashlib
import json
import logging
import re
import symtable
import warnings
from collections import Counter, deque
from dataclasses import dataclass
from multiprocessing import Pool

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.common import cli
from pipeline.data import layouts
from pipeline.data.decontaminate import NgramIndex, benchmark_file_texts, benchmark_texts, humaneval_texts
from pipeline.data.python2 import python2_evidence
from pipeline.data.raw_bee import describe_files, excerpt, iter_chunks, iter_rows, normalise_language, row_fields

log = logging.getLogger("pipeline")

# Benchmarks whose statements are compared (statement_min_overlap), not any shared n-gram.
STATEMENT_LAYOUTS = ("apps", "code_contests", "livecodebench")

REASONS = (
    "malformed_row",  # the line is not a JSON object
    "broken_type",  # a field has the wrong type (e.g. a number where text belongs)
    "unparsed_text",  # a prompt_response text not in the rendered form
    "other_split",  # a row whose split column names a split not in data.splits
    "empty",
    "invalid_text",
    "language",
    "python2",  # labelled Python 2, or Python 2 code that also parses as Python 3
    "too_short",
    "too_long",
    "syntax_error",
    "held_out_problem",  # a problem of data.held_out_splits, by name or by statement
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
        ("file", pa.string()),
        ("line", pa.int64()),
        ("name", pa.string()),
        ("language", pa.string()),
        ("difficulty", pa.string()),
        ("source", pa.string()),
        ("description", pa.string()),
        ("solution", pa.string()),
        ("messages", MESSAGE_TYPE),
        # The problem's tests and limits as JSON, where the layout carries them (code_contests).
        ("tests", pa.string()),
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


def python_syntax(code):
    """(symbol table or None, None) when ast.parse accepts code, else (None, its error).

    symtable runs the same parser but builds no Python AST objects, so it costs about a quarter
    less; code it accepts parses, and its table tells the Python 2 check which names the code uses.
    Only code it rejects goes to ast.parse, for ast.parse's own verdict: symtable also rejects code
    that parses, e.g. a function with two arguments of one name.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return symtable.symtable(code, "<unknown>", "exec"), None
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
        try:
            ast.parse(code)
        except SyntaxError as e:
            return None, f"line {e.lineno}: {e.msg}"
        except (ValueError, RecursionError, MemoryError) as e:
            return None, f"{type(e).__name__}: {e}"
    return None, None


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


ROLES = ("name", "description", "solution", "language")


def solution_row(record, f, chat):
    """Validate one (statement, solution) record of any layout; return it normalised and as chat."""
    values = {}
    for role in ROLES:
        value = record.get(role)
        if not isinstance(value, str):
            raise Rejected("broken_type", f"{role} is {type(value).__name__}, not text")
        values[role] = value
    for role in ("difficulty", "source"):
        value = record.get(role)
        if isinstance(value, (dict, list)):
            raise Rejected("broken_type", f"{role} is {type(value).__name__}")
        values[role] = None if value is None else str(value)
    _check_texts([(role, values[role]) for role in ("name", "description", "solution")], f)
    language = normalise_language(values["language"])
    if f["languages"] and language not in f["languages"]:
        reason = "python2" if language == "python2" else "language"
        raise Rejected(reason, f"language {values['language']!r} -> {language!r} not allowed")
    _check_chars("description", values["description"], f["description_chars"])
    _check_chars("solution", values["solution"], f["solution_chars"])
    if language.startswith("python") and f["python_syntax"]:
        table, error = python_syntax(values["solution"])
        if language == "python3" and "python2" not in f["languages"]:
            py2 = python2_evidence(values["solution"], table, error)
            if py2:
                raise Rejected("python2", f"labelled {values['language']!r}; {py2}")
        if error:
            raise Rejected("syntax_error", error)
    messages = layouts.prompt_messages(chat, values["description"])
    response = chat["response"].replace("{language}", language)
    messages.append({"role": "assistant", "content": response.replace("{solution}", values["solution"].strip("\n"))})
    return dict(values, language=language, messages=messages, tests=record.get("tests"))


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
                messages=clean, tests=None)


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
    overlaps: list  # each candidate's first benchmark n-gram and its benchmark, or None
    statement_hits: Counter  # rows rejected for a statement benchmark's statement, by benchmark


_settings = {}  # a worker's settings and indexes, set once by _start_worker


def _start_worker(settings):
    _settings.update(settings)
    # The checks allocate millions of short-lived objects (ast.parse's nodes above all) that
    # form no reference cycles: the cycle collector's passes over them only cost time (~15%).
    gc.disable()


def training_row(raw, fields):
    """One raw row's record through its layout, as chat; Rejected when it is not fit to train on."""
    s = _settings
    if s["file_splits"][raw.file] is None:
        split = layouts.row_split(fields, s["columns"], None)
        if split not in s["splits"]:
            raise Rejected("other_split", f"split {split!r} is not in data.splits {s['splits']}")
    if raw.layout == "messages":
        return chat_row(fields, s["columns"], s["f"])
    try:
        record = layouts.record(raw.layout, fields, s["columns"])
    except layouts.UnparsedText as e:
        raise Rejected("unparsed_text", str(e)) from None
    if s["columns"]["name"] not in fields and isinstance(record.get("description"), str):
        # A file without problem ids (min-cols): the statement names the problem.
        record["name"] = "statement-" + hashlib.sha1(record["description"].encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return solution_row(record, s["f"], s["chat"])


def statements_of(candidates):
    return [row["description"] if row["description"] is not None else
            "\n".join(m["content"] for m in row["messages"] if m["role"] == "user") for row in candidates]


def held_out_statements(candidates):
    """Of the candidates, those whose statement (a chat row's user turns) is mostly held-out
    statements' n-grams: {index: detail}. One batched lookup per chunk."""
    held = _settings["held_out"]
    if held is None or not candidates:
        return {}
    return {i: f"{share:.0%} of the statement's {held['index'].n}-grams are in {'/'.join(held['splits'])} statements"
            for i, share in enumerate(held["index"].coverage(statements_of(candidates))) if share >= held["min_overlap"]}


def benchmark_statements(candidates):
    """Of the candidates, those whose statement is mostly a statement benchmark's (APPS,
    CodeContests, LiveCodeBench: the same problem, however reworded around it): {index: (benchmark,
    detail)}. A shared run of n-grams alone is no evidence: contest statements share their
    input/output boilerplate ("The first line contains a single integer t ...")."""
    found = {}
    if not candidates:
        return found
    statements = statements_of(candidates)
    for name, index in _settings["statement_benchmarks"].items():
        for i, share in enumerate(index.coverage(statements)):
            if share >= _settings["f"]["decontaminate"]["statement_min_overlap"] and i not in found:
                found[i] = (name, f"{share:.0%} of the statement's {index.n}-grams are in {name} statements")
    return found


def check_chunk(rows):
    """The per-row checks of one chunk of RawRows, run in a worker process."""
    f, index, held = _settings["f"], _settings["index"], _settings["held_out"]
    rejected, positions, candidates = [], [], []
    for i, raw in enumerate(rows):
        try:
            fields = row_fields(raw.source)
            if fields is None:
                raise Rejected("malformed_row", "the line is not a JSON object")
            row = training_row(raw, fields)
            if held is not None and row["name"] in held["names"]:
                raise Rejected("held_out_problem", f"problem {row['name']!r} is in split {held['names'][row['name']]}")
            positions.append(i)
            candidates.append(dict(row, row_id=raw.row_id, file=raw.file, line=raw.line))
        except Rejected as r:
            rejected.append((i, r.reason, r.detail))
    held_statements = held_out_statements(candidates)
    if held_statements:
        rejected += [(positions[i], "held_out_problem", detail) for i, detail in held_statements.items()]
        positions = [p for i, p in enumerate(positions) if i not in held_statements]
        candidates = [c for i, c in enumerate(candidates) if i not in held_statements]
    contaminated = benchmark_statements(candidates)
    if contaminated:
        rejected += [(positions[i], "contaminated", detail) for i, (_, detail) in contaminated.items()]
        positions = [p for i, p in enumerate(positions) if i not in contaminated]
        candidates = [c for i, c in enumerate(candidates) if i not in contaminated]
    keys = [dedup_key(row) if f["dedup"] else None for row in candidates]
    if index is None:
        overlaps = [None] * len(candidates)
    else:
        overlaps = index.first_overlap([text_parts(row) for row in candidates])
    table = pa.Table.from_pylist(candidates, schema=KEPT_SCHEMA)
    return CheckedChunk(rejected, positions, table, keys, overlaps, Counter(name for name, _ in contaminated.values()))


def checked_chunks(rows, workers, settings):
    """(chunk, CheckedChunk) for every chunk of rows, in input order. Only one chunk per worker
    plus one waiting are in flight, so memory stays bounded however large the input; JSONL rows
    travel as text, cheaper to send than parsed rows."""
    pending = deque()
    with Pool(workers, _start_worker, (settings,)) as pool:
        for chunk in iter_chunks(rows):
            pending.append((chunk, pool.apply_async(check_chunk, (chunk,))))
            if len(pending) == workers + 1:
                chunk, result = pending.popleft()
                yield chunk, result.get()
        for chunk, result in pending:
            yield chunk, result.get()


def cross_row_rejection(key, overlap, seen, n):
    """(reason, detail) when a candidate repeats an earlier row or shares an n-gram with a
    benchmark (overlap: the n-gram and its benchmark), else None. key is None when dedup is off;
    seen holds the keys of earlier rows."""
    if key is not None:
        if key in seen:
            return "duplicate", "same statement and solution as an earlier row"
        seen.add(key)
    if overlap is not None:
        return "contaminated", f"shares the {n}-gram {overlap[0]!r} with {overlap[1]}"
    return None


def held_out_problems(files, data, ngram, min_overlap):
    """The problems of the held-out splits: {name: split} and an n-gram index of their statements,
    read from the files (or rows, by their split column) of those splits; None when there are none."""
    names, statements, splits = {}, [], set()
    wanted = set(data["held_out_splits"]) - set(data["splits"])
    for raw, _, source in iter_rows([f for f in files if f.split is None or f.split in wanted], explode=False):
        fields = row_fields(source)
        split = None if fields is None else layouts.row_split(fields, data["columns"], raw.split)
        if split not in wanted:
            continue
        try:
            record = layouts.problem(raw.layout, fields, data["columns"])
        except layouts.UnparsedText:
            continue
        if isinstance(record.get("name"), str):
            names.setdefault(record["name"], split)
        if isinstance(record.get("description"), str):
            statements.append(record["description"])
        splits.add(split)
    if not names and not statements:
        return None
    return {"names": names, "index": NgramIndex({"held_out": statements}, ngram), "min_overlap": min_overlap,
            "splits": sorted(splits)}


def benchmark_indexes(decon, manifests):
    """The n-gram indexes of the benchmarks decontaminated against: one of every n-gram of the code
    benchmarks (HumanEval, MBPP and the user's files: a row sharing any is contaminated), and one
    per statement benchmark (APPS, CodeContests, LiveCodeBench: a row whose statement is mostly
    its statements is); (None, {}) when decontamination is off."""
    if not decon["enabled"]:
        return None, {}
    code = {"humaneval": humaneval_texts()} if decon["humaneval"] else {}
    statements = {}
    for manifest in map(json.load, map(open, manifests)):
        texts = benchmark_texts(manifest["layout"], [f["path"] for f in manifest["files"]])
        (statements if manifest["layout"] in STATEMENT_LAYOUTS else code)[manifest["benchmark"]] = texts
    for path in decon["benchmarks"]:
        code[str(path)] = benchmark_file_texts(path)
    index = NgramIndex(code, decon["ngram"])
    by_statement = {name: NgramIndex({name: texts}, decon["ngram"]) for name, texts in statements.items()}
    log.info("decontamination: %d %d-grams of %s; statements of %s", len(index), decon["ngram"],
             ", ".join(f"{name} ({len(texts)} texts)" for name, texts in code.items()) or "none",
             ", ".join(f"{name} ({len(texts)})" for name, texts in statements.items()) or "none")
    return index, by_statement


def filter_rows(paths, data, settings, kept_writer, rejected_writer, workers, benchmark_manifests=()):
    """Stream every training row through the filters; return the report."""
    f = settings
    files = describe_files(paths, data["columns"], data["layout"])
    for raw in files:
        log.info("%s: layout %s, split %s", raw.path, raw.layout, raw.split or "from its rows (train if none)")
    decon = f["decontaminate"]
    index, statement_benchmarks = benchmark_indexes(decon, benchmark_manifests)
    held_out = held_out_problems(files, data, decon["ngram"], f["held_out_min_overlap"])
    if held_out:
        log.info("held out: %d problems of %s", len(held_out["names"]), "/".join(held_out["splits"]))
    training = [raw for raw in files if raw.split is None or raw.split in data["splits"]]
    rows_read = Counter()
    worker_settings = dict(columns=data["columns"], f=f, chat=data["chat"], index=index, held_out=held_out,
                           statement_benchmarks=statement_benchmarks,
                           splits=data["splits"], file_splits={raw.path: raw.split for raw in files})
    seen = set()
    counts, contaminated_by = Counter(), Counter()
    total = 0
    for chunk, checked in checked_chunks(iter_rows(training), workers, worker_settings):
        total += len(chunk)
        rows_read.update(raw.file for raw in chunk)
        rejected = [(chunk[i], reason, detail) for i, reason, detail in checked.rejected]
        keep = []
        for i, key, overlap in zip(checked.positions, checked.keys, checked.overlaps):
            rejection = cross_row_rejection(key, overlap, seen, decon["ngram"])
            if rejection:
                rejected.append((chunk[i], *rejection))
                if rejection[0] == "contaminated":
                    contaminated_by[overlap[1]] += 1
            keep.append(rejection is None)
        counts.update(reason for _, reason, _ in rejected)
        contaminated_by.update(checked.statement_hits)
        kept_writer.write_table(checked.candidates.filter(pa.array(keep, pa.bool_())))
        rejected.sort(key=lambda r: r[0].row_id)
        rejected_writer.write_table(
            pa.Table.from_pylist(
                [
                    dict(row_id=raw.row_id, file=raw.file, line=raw.line, reason=reason, detail=printable(detail),
                         raw=printable(excerpt(raw.source, f["rejected_excerpt_chars"])))
                    for raw, reason, detail in rejected
                ],
                schema=REJECTED_SCHEMA,
            )
        )
    return {
        "in": total,
        "kept": total - sum(counts.values()),
        "rejected": {reason: counts.get(reason, 0) for reason in REASONS},
        "files": {raw.path: {"layout": raw.layout, "split": raw.split, "rows_read": rows_read.get(raw.path, 0),
                             "trained_on": raw in training} for raw in files},
        "splits": data["splits"],
        "contaminated_by": {name: contaminated_by.get(name, 0) for name in [*index.names, *statement_benchmarks]}
        if index else {},
        "held_out": None if held_out is None else {"splits": held_out["splits"], "problems": len(held_out["names"])},
    }


def main(args):
    settings = json.loads(args.settings)
    if bool(args.raw) == bool(args.source_manifest):
        raise cli.PipelineError("give the raw files (--raw) or the fetched data's manifest (--source-manifest)")
    paths = args.raw or [f["path"] for f in json.load(open(args.source_manifest))["files"]]
    with (
        pq.ParquetWriter(args.filtered, KEPT_SCHEMA) as kept_writer,
        pq.ParquetWriter(args.rejected, REJECTED_SCHEMA) as rejected_writer,
    ):
        report = filter_rows(paths, settings["data"], settings["filter"], kept_writer, rejected_writer, args.threads,
                             args.benchmark_manifests or [])
    log.info("rows in: %d, kept: %d, rejected: %s", report["in"], report["kept"],
             {k: v for k, v in report["rejected"].items() if v})
    if report["kept"] == 0:
        raise cli.PipelineError(
            f"no rows left after filtering {report['in']} rows (rejected by reason: {report['rejected']}); "
            "relax the filter settings or check data.columns, data.layout and data.splits"
        )
    cli.write_json(args.report, report)


if __name__ == "__main__":
    p = cli.parser(__doc__)
    cli.inputs(p, "--raw", nargs="+", help="raw JSONL/Parquet files, in order (data.source: local)")
    cli.inputs(p, "--source-manifest", help="the fetch_data rule's manifest (data.source: hub)")
    cli.inputs(p, "--benchmark-manifests", nargs="*", help="fetch_benchmark's manifests (filter.decontaminate.use_hub)")
    p.add_argument("--settings", required=True, help="JSON: {data: {columns, chat, layout, splits, held_out_splits}, filter}")
    p.add_argument("--threads", type=int, default=1, help="worker processes (the rule's threads)")
    cli.outputs(p, "--filtered", "--rejected", "--report", required=True)
    cli.run(main, p)
