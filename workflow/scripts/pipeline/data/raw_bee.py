"""Reading raw BEE data: JSONL or Parquet files in one of the layouts of pipeline/data/layouts.py,
each file's layout and split found before any work. Rows are streamed in chunks so memory stays
bounded; a row that is rejected keeps a bounded excerpt of itself, never the whole row."""

import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.common.cli import PipelineError
from pipeline.data import layouts

# Spellings seen in competitive-programming dumps, normalised to one name per language. A bare
# "python" is Python 2: code_contests labels Python 2 `PYTHON` (1) and Python 3 `PYTHON3` (3).
LANGUAGE_ALIASES = {
    "python3": "python3", "python 3": "python3", "py3": "python3", "py": "python3", "pypy3": "python3",
    "pypy 3": "python3",
    "python": "python2", "python2": "python2", "python 2": "python2", "pypy2": "python2", "pypy 2": "python2",
    "cpp": "cpp", "c++": "cpp", "g++": "cpp", "gnu c++": "cpp", "c++11": "cpp", "c++14": "cpp",
    "c++17": "cpp", "c++20": "cpp", "gnu c++17": "cpp", "java": "java", "java 8": "java",
    "java 11": "java", "java8": "java", "java11": "java",
}


def normalise_language(value):
    key = " ".join(value.strip().lower().split())
    return LANGUAGE_ALIASES.get(key, key)


@dataclass
class RawRow:
    row_id: int  # position among the training rows, in file order
    file: str
    line: int  # 1-based line (JSONL) or row (Parquet) within the file
    layout: str
    source: dict | str  # a Parquet record, or a JSONL line not yet parsed (see row_fields)


@dataclass(frozen=True)
class RawFile:
    path: str
    layout: str
    split: str | None  # from the file's name; None: each row's split column, else train
    columns: tuple  # the columns read: the layout's (a Parquet file's other columns are never decoded)


def excerpt(source, chars):
    """A rejected row's first `chars` characters, as JSON text."""
    text = source if isinstance(source, str) else json.dumps(source, ensure_ascii=False, default=str)
    return text if len(text) <= chars else text[:chars] + f"... [{len(text) - chars} more chars]"


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


def describe_files(paths, columns, layout):
    """Each file's layout (data.layout, or from its columns when auto) and split, before any work.
    A file that fits no layout stops the run, naming the file, its columns and the layouts."""
    files = []
    for path in paths:
        present = file_columns(path)
        found = layouts.detect(present, columns) if layout == "auto" else layout
        if found is None or not all(c in present for c in layouts.required_columns(found, columns)):
            needs = "; ".join(f"{name}: {', '.join(layouts.required_columns(name, columns))}"
                              for name in layouts.LAYOUTS)
            missing = "" if found is None else (
                f" (data.layout {found} needs {sorted(set(layouts.required_columns(found, columns)) - set(present))})")
            raise PipelineError(
                f"{path}: its columns {sorted(present)} fit no layout{missing}. The layouts and the columns "
                f"each needs (names after data.columns): {needs}. Map the columns in data.columns, or set data.layout"
            )
        used = set(layouts.used_columns(found, columns))
        files.append(RawFile(str(path), found, layouts.file_split(path), tuple(c for c in present if c in used)))
    return files


def iter_rows(files, explode=True):
    """(file, line, source) of every row of the files in order; a code_contests problem row gives
    one source per correct solution (all with the problem's line), unless explode is False."""
    for raw in files:
        for line_no, source in _iter_file(Path(raw.path), raw.columns):
            if raw.layout == "code_contests" and explode:
                fields = row_fields(source)
                if fields is None:
                    yield raw, line_no, source
                    continue
                for solution in layouts.explode_code_contests(fields):
                    yield raw, line_no, solution
            else:
                yield raw, line_no, source


def iter_chunks(rows, chunk_rows=8192):
    """Lists of RawRow over (file, line, source) rows, numbered in order, at most chunk_rows each."""
    chunk = []
    for row_id, (raw, line_no, source) in enumerate(rows):
        chunk.append(RawRow(row_id, raw.path, line_no, raw.layout, source))
        if len(chunk) == chunk_rows:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _iter_file(path, columns):
    if path.suffix == ".parquet":
        line_no = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=4096, columns=list(columns)):
            for record in batch.to_pylist():
                line_no += 1
                yield line_no, record
        return
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line_no, line in enumerate(f, 1):
            if line.strip():
                yield line_no, line.rstrip("\n")
