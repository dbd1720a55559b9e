import json
import random

import pytest
from benchmark_layouts import HUB_BENCHMARKS, OUTSIDE, PASSAGES, TEST_DATA, hub_files, repo_files

from pipeline.data.decontaminate import NgramIndex, benchmark_texts, humaneval_texts

BENCH = "def has_close_elements(numbers, threshold): for idx, elem in enumerate(numbers): pass"


def test_finds_a_shared_ngram_and_names_it():
    index = NgramIndex({"bench": [BENCH]}, n=5)
    found = index.first_overlap(["x = 1", "prefix words for idx, elem in enumerate(numbers): suffix", "no overlap"])
    assert found == [None, ("for idx, elem in enumerate(numbers):", "bench"), None]


def test_ngrams_do_not_span_two_rows():
    index = NgramIndex({"bench": [BENCH]}, n=5)
    # The 5 tokens of a benchmark n-gram, split across the end of one row and the start of the next.
    assert index.first_overlap(["a b c for idx,", "elem in enumerate(numbers): z"]) == [None, None]


def test_whitespace_tokens_ignore_layout():
    index = NgramIndex({"bench": ["return sorted(set(l1) & set(l2))"]}, n=4)
    assert index.first_overlap(["    return   sorted(set(l1)\n &\tset(l2))"]) == [("return sorted(set(l1) & set(l2))", "bench")]


def test_rows_shorter_than_n_and_empty_index():
    assert NgramIndex({"bench": [BENCH]}, n=5).first_overlap(["a b", ""]) == [None, None]
    assert NgramIndex({}, n=10).first_overlap([BENCH]) == [None]


def test_humaneval_texts_cover_prompts_solutions_and_tests():
    texts = humaneval_texts()
    assert len(texts) == 164 * 4
    index = NgramIndex({"humaneval": texts}, n=10)
    canonical_0 = texts[1]  # HumanEval/0 canonical solution
    assert index.first_overlap([canonical_0])[0] is not None


def test_a_text_given_in_parts_reads_as_joined_by_whitespace():
    index = NgramIndex({"bench": [BENCH]}, n=5)
    shared = "statement shared by many rows: a b c for idx,"
    found = index.first_overlap([(shared, "elem in enumerate(numbers): z"), (shared, "x = 1"), "for idx,"])
    assert found == [("for idx, elem in enumerate(numbers):", "bench"), None, None]


def naive_ngrams(texts, n):
    return {tuple(t.split()[i : i + n]) for t in texts for i in range(len(t.split()) - n + 1)}


def naive_first_overlap(ngrams, n, text):
    tokens = text.split()
    for i in range(len(tokens) - n + 1):
        if tuple(tokens[i : i + n]) in ngrams:
            return " ".join(tokens[i : i + n]), "humaneval"
    return None


def test_finds_the_same_first_ngram_as_a_plain_scan():
    rng = random.Random(0)
    bench = humaneval_texts()[:40]
    words = " ".join(bench).split() + ["unknown", "words", "x"]
    index = NgramIndex({"humaneval": bench}, n=6)
    texts = []
    for _ in range(300):
        tokens = rng.choices(words, k=rng.randint(0, 60))
        if rng.random() < 0.5:  # plant a stretch of a benchmark text
            source = rng.choice(bench).split()
            start = rng.randrange(max(1, len(source) - 8))
            tokens[rng.randint(0, len(tokens)) : 0] = source[start : start + rng.randint(4, 9)]
        texts.append(rng.choice([" ", "\n", "\t "]).join(tokens))
    found = index.first_overlap(texts)
    ngrams = naive_ngrams(bench, 6)
    assert found == [naive_first_overlap(ngrams, 6, t) for t in texts]
    assert sum(f is not None for f in found) > 50
    assert len(index) == len(ngrams)
    assert index.coverage(texts) == [
        sum(tuple(t.split()[i : i + 6]) in ngrams for i in range(len(t.split()) - 5)) / max(len(t.split()) - 5, 1)
        for t in texts]


def hub_benchmark_texts(name, root):
    return benchmark_texts(HUB_BENCHMARKS[name]["layout"], hub_files(name, root / name).values())


def copy_of(passage, k):
    """A training text holding the first k tokens of passage, between words of no benchmark."""
    return "Here is my solution: " + " ".join(passage.split()[:k]) + " -- thanks"


@pytest.mark.parametrize("name", sorted(HUB_BENCHMARKS))
def test_hub_patterns_select_exactly_the_benchmark_files(tmp_path, name):
    assert set(hub_files(name, tmp_path)) == set(repo_files(name, tmp_path / "all")) - OUTSIDE[name]


# The contest benchmarks' solutions: contest programs like the training rows, whose shared
# boilerplate would reject clean rows (decontaminate.py), so never indexed.
NOT_INDEXED = {"apps": {"solutions"}, "code_contests": {"solutions", "incorrect_solutions"}}


@pytest.mark.parametrize("name", sorted(HUB_BENCHMARKS))
def test_a_copied_10gram_of_each_field_is_found_and_named(tmp_path, name):
    index = NgramIndex({name: hub_benchmark_texts(name, tmp_path)}, n=10)
    passages = [p for field, p in PASSAGES[name].items() if field not in NOT_INDEXED.get(name, ())]
    assert index.first_overlap([copy_of(p, 10) for p in passages]) == [
        (" ".join(p.split()[:10]), name) for p in passages]
    assert index.first_overlap([copy_of(p, 9) for p in passages]) == [None] * len(passages)


@pytest.mark.parametrize("name", sorted(NOT_INDEXED))
def test_contest_solutions_are_not_indexed(tmp_path, name):
    index = NgramIndex({name: hub_benchmark_texts(name, tmp_path)}, n=10)
    assert index.first_overlap([copy_of(PASSAGES[name][field], 10) for field in NOT_INDEXED[name]]) == [
        None] * len(NOT_INDEXED[name])


@pytest.mark.parametrize("name", sorted(HUB_BENCHMARKS))
def test_test_data_is_not_read(tmp_path, name):
    assert NgramIndex({name: hub_benchmark_texts(name, tmp_path)}, n=10).first_overlap([TEST_DATA]) == [None]


def test_apps_problem_without_solutions_keeps_its_statement_and_starter_code(tmp_path):
    texts = hub_benchmark_texts("apps", tmp_path)
    assert "Return the marigold count." in texts and PASSAGES["apps"]["starter_code"] in texts


def test_each_hit_is_counted_for_its_own_benchmark(tmp_path):
    index = NgramIndex({name: hub_benchmark_texts(name, tmp_path) for name in ("mbpp", "code_contests")}, n=10)
    found = index.first_overlap([copy_of(PASSAGES["code_contests"]["description"], 12), "x = 1",
                                 copy_of(PASSAGES["mbpp"]["code"], 12)])
    assert [f and f[1] for f in found] == ["code_contests", None, "mbpp"]


def test_an_ngram_of_two_benchmarks_belongs_to_the_first():
    shared, other = "a b c d e f g h i j", "k l m n o p q r s t"
    text = [copy_of(shared, 10), copy_of(other, 10)]
    first = NgramIndex({"apps": [shared], "mbpp": [other, shared]}, n=10)
    assert [f[1] for f in first.first_overlap(text)] == ["apps", "mbpp"]
    assert [f[1] for f in NgramIndex({"mbpp": [other, shared], "apps": [shared]}, n=10).first_overlap(text)] == [
        "mbpp", "mbpp"]


def test_user_files_read_every_string(tmp_path):
    path = tmp_path / "private.jsonl"
    path.write_text(json.dumps({"id": 3, "statement": "an in house problem statement", "answer": "42"}) + "\n")
    assert benchmark_texts("files", [path]) == ["an in house problem statement", "42"]
