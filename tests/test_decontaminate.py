from decontaminate import NgramIndex, humaneval_texts

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
