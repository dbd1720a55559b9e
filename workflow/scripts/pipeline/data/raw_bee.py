"""Reading raw BEE data: JSONL or Parquet files with one row per solution (`name`, `description`,
`solution`, `language`, optional `difficulty` and `source`; names mappable by config), or rows that
are already chat (`messages`). Rows are streamed in chunks so memory stays bounded."""

import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.common.cli import PipelineError

REQUIRED_ROLES = ("name", "description", "solution", "language")
OPTIONAL_ROLES = ("difficulty", "source")

# Spellings seen in competitive-programming dumps, normalised to one name per language.
LANGUAGE_ALIASES = {
    "python": "python", "python3": "python", "python 3": "python", "py": "python",
    "py3": "python", "pypy": "python", "pypy3": "python", "pypy 3": "python",
    "python2": "python2", "python 2": "python2", "pypy2": "python2",
    "cpp": "cpp", "c++": "cpp", "g++": "cpp", "gnu c++": "cpp", "c++11": "cpp", "c++14": "cpp",
    "c++17": "cpp", "c++20": "cpp", "gnu c++17": "cpp", "java": "java", "java 8": "java",
    "java 11": "java", "java8": "java", "java11": "java",
}


def normalise_language(value):
    key = " ".join(value.strip().lower().split())
    return LANGUAGE_ALIASES.get(key, key)


@dataclass
class RawRow:
    row_id: int  # position in the whole input, in file order
    file: str
    line: int  # 1-based line (JSONL) or row (Parquet) within the file
    source: dict | str  # a Parquet record, or a JSONL line not yet parsed (see row_fields)
    raw_text: str  # the row as JSON text, kept for rejected.parquet


def row_fields(source):
    """A row's fields from its RawRow.source; None when a JSONL line is not a JSON object.
    JSONL lines are parsed here rather than when read, so that filter_rows' worker processes
    do it and the rows travel to them as plain text."""
    if isinstance(source, dict):
        return source
    try:
        record = json.loads(source)
    except json.JSONDecodeError:
        return None
    return record if isinstance(record, dict) else None


def _first_jsonl_record(path):
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as e:
                    raise PipelineError(f"{path}:{line_no}: not JSONL ({e})") from None
                if not isinstance(record, dict):
                    raise PipelineError(f"{path}:{line_no}: not a JSON object per line")
                return record
    raise PipelineError(f"{path}: file is empty")


def file_columns(path):
    """The column names a raw file offers (Parquet schema, or the first JSONL record's keys)."""
    path = Path(path)
    try:
        if path.suffix == ".parquet":
            return list(pq.read_schema(path).names)
        if path.suffix == ".jsonl":
            return list(_first_jsonl_record(path))
    except (OSError, UnicodeDecodeError) as e:
        raise PipelineError(f"{path}: cannot be read ({e})") from None
    except Exception as e:  # pyarrow raises its own types for corrupt Parquet
        if isinstance(e, PipelineError):
            raise
        raise PipelineError(f"{path}: cannot be read as Parquet ({e})") from None
    raise PipelineError(f"{path}: unsupported file type (expected .jsonl or .parquet)")


def check_schema(paths, columns):
    """Fail before any work if a file lacks a required column. Returns {path: "chat"|"solutions"}."""
    kinds = {}
    for path in paths:
        present = file_columns(path)
        if columns["messages"] in present:
            kinds[str(path)] = "chat"
            continue
        for role in REQUIRED_ROLES:
            if columns[role] not in present:
                raise PipelineError(
                    f"{path}: required column '{columns[role]}' (data.columns.{role}) is missing; "
                    f"the file has {sorted(present)}. Map it in config data.columns, or give "
                    f"'{columns['messages']}' for rows that are already chat."
                )
        kinds[str(path)] = "solutions"
    return kinds


def iter_chunks(paths, chunk_rows=8192):
    """Yield lists of RawRow over all files in order, at most chunk_rows rows per list."""
    row_id = 0
    chunk = []
    for path in paths:
        for line_no, source, raw_text in _iter_file(Path(path)):
            chunk.append(RawRow(row_id, str(path), line_no, source, raw_text))
            row_id += 1
            if len(chunk) == chunk_rows:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _iter_file(path):
    if path.suffix == ".parquet":
        line_no = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=4096):
            for record in batch.to_pylist():
                line_no += 1
                yield line_no, record, json.dumps(record, ensure_ascii=False, default=str)
        return
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line_no, line in enumerate(f, 1):
            if line.strip():
                text = line.rstrip("\n")
                yield line_no, text, text
