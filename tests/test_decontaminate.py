import random

from pipeline.data.decontaminate import NgramIndex, humaneval_texts

BENCH = "def has_close_elements(numbers, threshold): for idx, elem in enumerate(numbers): pass"


def test_finds_a_shared_ngram_and_names_it():
    index = NgramIndex([BENCH], n=5)
    found = index.first_overlap(["x = 1", "prefix words for idx, elem in enumerate(numbers): suffix", "no overlap"])
    assert found == [None, "for idx, elem in enumerate(numbers):", None]


def test_ngrams_do_not_span_two_rows():
    index = NgramIndex([BENCH], n=5)
    # The 5 tokens of a benchmark n-gram, split across the end of one row and the start of the next.
    assert index.first_overlap(["a b c for idx,", "elem in enumerate(numbers): z"]) == [None, None]


def test_whitespace_tokens_ignore_layout():
    index = NgramIndex(["return sorted(set(l1) & set(l2))"], n=4)
    assert index.first_overlap(["    return   sorted(set(l1)\n &\tset(l2))"]) == ["return sorted(set(l1) & set(l2))"]


def test_rows_shorter_than_n_and_empty_index():
    assert NgramIndex([BENCH], n=5).first_overlap(["a b", ""]) == [None, None]
    assert NgramIndex([], n=10).first_overlap([BENCH]) == [None]


def test_humaneval_texts_cover_prompts_solutions_and_tests():
    texts = humaneval_texts()
    assert len(texts) == 164 * 4
    index = NgramIndex(texts, n=10)
    canonical_0 = texts[1]  # HumanEval/0 canonical solution
    assert index.first_overlap([canonical_0])[0] is not None


def test_a_text_given_in_parts_reads_as_joined_by_whitespace():
    index = NgramIndex([BENCH], n=5)
    shared = "statement shared by many rows: a b c for idx,"
    found = index.first_overlap([(shared, "elem in enumerate(numbers): z"), (shared, "x = 1"), "for idx,"])
    assert found == ["for idx, elem in enumerate(numbers):", None, None]


def naive_first_overlap(ngrams, n, text):
    tokens = text.split()
    for i in range(len(tokens) - n + 1):
        if tuple(tokens[i : i + n]) in ngrams:
            return " ".join(tokens[i : i + n])
    return None


def test_finds_the_same_first_ngram_as_a_plain_scan():
    rng = random.Random(0)
    bench = humaneval_texts()[:40]
    words = " ".join(bench).split() + ["unknown", "words", "x"]
    index = NgramIndex(bench, n=6)
    texts = []
    for _ in range(300):
        tokens = rng.choices(words, k=rng.randint(0, 60))
        if rng.random() < 0.5:  # plant a stretch of a benchmark text
            source = rng.choice(bench).split()
            start = rng.randrange(max(1, len(source) - 8))
            tokens[rng.randint(0, len(tokens)) : 0] = source[start : start + rng.randint(4, 9)]
        texts.append(rng.choice([" ", "\n", "\t "]).join(tokens))
    found = index.first_overlap(texts)
    assert found == [naive_first_overlap(index.ngrams, 6, t) for t in texts]
    assert sum(f is not None for f in found) > 50
