"""The 01_ngram reference against hand-computed fractions and probability laws (nltk is not installed)."""
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from grader.assignments import load_solution

ng = load_solution("01_ngram")

CORPUS = [["a", "b", "c"], ["a", "c"], ["b", "c", "c", "a"]]


def test_pad_and_counts():
    assert ng.pad(["x"], 3) == ["<s>", "<s>", "x", "</s>"]
    counts = ng.count_ngrams(CORPUS, 2)
    assert sum(counts.values()) == sum(len(s) + 1 for s in CORPUS)
    assert counts[("<s>", "a")] == 2 and counts[("c", "</s>")] == 2 and counts[("c", "a")] == 1


def test_hand_fractions():
    # V = {a, b, c, </s>, <unk>} = 5; bigram contexts: c("c") = 4 (c→</s> 2, c→c 1, c→a 1).
    mle = ng.NGramLM(2).fit(CORPUS)
    assert mle.prob("</s>", ["c"]) == pytest.approx(float(Fraction(2, 4)), abs=1e-15)
    laplace = ng.NGramLM(2, k=1.0).fit(CORPUS)
    assert laplace.prob("</s>", ["c"]) == pytest.approx(float(Fraction(3, 9)), abs=1e-15)
    assert laplace.prob("zzz", ["c"]) == pytest.approx(float(Fraction(1, 9)), abs=1e-15)
    assert mle.prob("a", ["never-seen"]) == pytest.approx(0.2, abs=1e-15)


def test_perplexity_dyadic_and_uniform():
    lm = ng.NGramLM(1).fit([["a"] * 4 + ["b"] * 2 + ["c"]])
    assert lm.perplexity([["a", "b"]]) == pytest.approx(4.0, rel=1e-14)
    flat = ng.NGramLM(2, k=1e12).fit(CORPUS)
    assert flat.perplexity(CORPUS) == pytest.approx(5.0, rel=1e-9)
    assert ng.NGramLM(2).fit(CORPUS).perplexity([["b", "a"]]) == math.inf


words = st.sampled_from(["가", "나", "다", "라", "마"])
sentences = st.lists(st.lists(words, min_size=0, max_size=6), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(sentences, st.integers(1, 4), st.sampled_from([0.0, 0.01, 0.5, 2.0]))
def test_distributions_sum_to_one(corpus, n, k):
    lm = ng.NGramLM(n, k).fit(corpus)
    for context in list(lm.context_counts) + [("바",) * (n - 1)]:
        total = sum(lm.prob(w, list(context)) for w in lm.vocab)
        assert total == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(sentences, st.integers(1, 3))
def test_perplexity_is_exp_of_mean_nll(corpus, n):
    lm = ng.NGramLM(n, 0.3).fit(corpus)
    nll = [-math.log(lm.prob(p[i], p[i - n + 1:i]))
           for s in corpus for p in [ng.pad(s, n)] for i in range(n - 1, len(p))]
    assert lm.perplexity(corpus) == pytest.approx(math.exp(sum(nll) / len(nll)), rel=1e-12)


def test_generate_frequencies_and_determinism():
    lm = ng.NGramLM(1).fit([["가"] * 6 + ["나"] * 3])
    rng = np.random.default_rng(0)
    tokens = [t for _ in range(2000) for t in lm.generate(rng, max_len=100)]
    assert abs(tokens.count("가") / len(tokens) - 2 / 3) < 0.02
    assert lm.generate(np.random.default_rng(1)) == lm.generate(np.random.default_rng(1))
