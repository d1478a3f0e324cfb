"""The 03_transformer_bert_gpt reference against torch (SDPA, cross_entropy) and the collator's rates."""
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.assignments import load_solution


m = load_solution("03_transformer_bert_gpt")


@pytest.mark.parametrize("t", [1, 2, 5, 9])
def test_causal_mask_is_torch_is_causal(t):
    q, k, v = torch.randn(3, 2, t, 4)
    want = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    got = F.scaled_dot_product_attention(q, k, v, attn_mask=m.causal_mask(t))
    torch.testing.assert_close(got, want)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 8), min_size=1, max_size=5), st.booleans())
def test_attention_mask_matches_key_padding_in_sdpa(lengths, causal):
    t = 8
    q, k, v = torch.randn(3, len(lengths), t, 4)
    mask = m.attention_mask(lengths, t, causal=causal)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    for b, n in enumerate(lengths):  # a real query sees exactly the real (and, if causal, past) keys
        for i in range(n):
            keys = slice(0, i + 1) if causal else slice(0, n)
            want = F.scaled_dot_product_attention(q[b, i:i + 1], k[b, keys], v[b, keys])
            torch.testing.assert_close(out[b, i:i + 1], want, atol=1e-6, rtol=1e-5)


def test_mask_tokens_rates_and_invariants():
    ids = torch.randint(5, 1000, (500, 200))
    ids[:, 0], ids[:, -1] = 1, 2
    before = ids.clone()
    inputs, labels = m.mask_tokens(ids, 4, 1000, [0, 1, 2, 3], torch.Generator().manual_seed(0))
    assert torch.equal(ids, before)
    selected = labels != -100
    assert not selected[:, [0, -1]].any()
    assert abs(selected[:, 1:-1].float().mean().item() - 0.15) < 0.003
    share = lambda x: (x & selected).sum().item() / selected.sum().item()
    assert abs(share(inputs == 4) - 0.8) < 0.01
    assert abs(share(inputs == ids) - 0.1) < 0.01
    assert torch.equal(labels[selected], ids[selected]) and torch.equal(inputs[~selected], ids[~selected])


def test_shift_and_loss_equal_manual_cross_entropy():
    ids = torch.tensor([[5, 6, 7, 0, 0], [8, 9, 10, 11, 12]])
    inputs, labels = m.shift_for_causal_lm(ids, 0)
    assert inputs.tolist() == [[5, 6, 7, 0], [8, 9, 10, 11]]
    assert labels.tolist() == [[6, 7, -100, -100], [9, 10, 11, 12]]
    logits = torch.randn(2, 4, 13)
    manual = torch.stack([-torch.log_softmax(logits[b, t], -1)[labels[b, t]]
                          for b in range(2) for t in range(4) if labels[b, t] != -100]).mean()
    torch.testing.assert_close(m.lm_loss(logits, labels), manual)
