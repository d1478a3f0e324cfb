"""The 00_intro reference: its properties on any input, and count_parameters against torch modules."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from grader.assignments import load_solution

m = load_solution("00_intro")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("가나다 \n\tab1.🙂")), max_size=40))
def test_count_tokens_agrees_with_str_methods(text):
    got = m.count_tokens(text)
    assert got == {"words": len(text.split()), "characters": len("".join(text.split())),
                   "bytes": len(text.encode("utf-8"))}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 9), max_size=30), st.integers(1, 12))
def test_causal_pairs_shift_by_one_and_cover_every_target_once(tokens, block_size):
    pairs = m.causal_lm_pairs(tokens, block_size)
    assert [t for x, _ in pairs for t in x] == tokens[:-1]
    assert [t for _, y in pairs for t in y] == tokens[1:]
    assert all(1 <= len(x) == len(y) <= block_size for x, y in pairs)
    assert all(len(x) == block_size for x, _ in pairs[:-1])


@pytest.mark.parametrize("bad", [0, -1, 1.0, True, None])
def test_causal_pairs_reject_bad_block_sizes(bad):
    with pytest.raises(ValueError):
        m.causal_lm_pairs([1, 2, 3], bad)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["가", "나", "[MASK]", "다"]), max_size=12), st.data())
def test_masked_example_invariants(tokens, data):
    n_mask = data.draw(st.integers(0, len(tokens)))
    seed = data.draw(st.integers(0, 2**32 - 1))
    before = list(tokens)
    inputs, labels = m.masked_lm_example(tokens, n_mask, np.random.default_rng(seed))
    assert tokens == before
    chosen = [i for i, label in enumerate(labels) if label is not None]
    assert len(chosen) == n_mask
    assert all(inputs[i] == "[MASK]" and labels[i] == tokens[i] for i in chosen)
    assert all(inputs[i] == tokens[i] for i in range(len(tokens)) if i not in chosen)
    assert (inputs, labels) == m.masked_lm_example(tokens, n_mask, np.random.default_rng(seed))


def test_masked_positions_are_uniform():
    hits = np.zeros(10)
    for seed in range(3000):
        _, labels = m.masked_lm_example(list(range(10)), 3, np.random.default_rng(seed))
        hits += [label is not None for label in labels]
    assert np.all(np.abs(hits / 3000 - 0.3) < 0.03)          # > 3.5 sigma


def test_count_parameters_matches_torch_modules():
    torch.manual_seed(0)
    encoder = torch.nn.TransformerEncoderLayer(16, 2, 32, batch_first=True)
    assert m.count_parameters(encoder) == sum(p.numel() for p in encoder.parameters())
    assert m.count_parameters(m.TinyLM(11, 5)) == 11 * 5 * 2 + 11
    assert m.count_parameters(m.TinyLM(11, 5, tied=True)) == 11 * 5 + 11
    assert m.count_parameters(torch.nn.BatchNorm1d(7)) == 14
    assert m.count_parameters(torch.nn.Linear(3, 2).requires_grad_(False)) == 8


def test_prompts():
    assert m.build_prompt("지시", [("a", "b")], "c") == "지시\n\n입력: a\n출력: b\n\n입력: c\n출력:"
    assert m.build_prompt("", [], "c") == "입력: c\n출력:"
