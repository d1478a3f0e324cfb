"""The 07 reference against torch: F.scaled_dot_product_attention and nn.MultiheadAttention."""
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from grader.assignments import load_solution


ref = load_solution("07_attention")

shapes = st.tuples(st.integers(1, 3), st.integers(1, 6), st.integers(1, 7), st.integers(2, 9),
                   st.integers(1, 5))


@settings(max_examples=40, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**16), scale=st.sampled_from([1.0, 30.0, 1000.0]))
def test_softmax_matches_torch(shape, seed, scale):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(shape[:3], generator=g, dtype=torch.float64) * scale
    for dim in (-1, 0, 1):
        got = ref.softmax(x, dim=dim)
        torch.testing.assert_close(got, torch.softmax(x, dim=dim), atol=1e-12, rtol=1e-12)


def test_softmax_survives_huge_logits():
    x = torch.tensor([[1000.0, 1001.0, 999.0], [-1e4, 0.0, 1e4]])
    got = ref.softmax(x)
    assert torch.isfinite(got).all()
    torch.testing.assert_close(got, torch.softmax(x, dim=-1))


def test_causal_mask_is_lower_triangle_with_diagonal():
    m = ref.causal_mask(5)
    assert m.dtype == torch.bool and m.shape == (5, 5)
    assert torch.equal(m, ~torch.ones(5, 5, dtype=torch.bool).triu(1))


@settings(max_examples=40, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**16), masked=st.booleans())
def test_sdpa_matches_torch(shape, seed, masked):
    b, tq, tk, dk, dv = shape
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(b, 2, tq, dk, generator=g, dtype=torch.float64)
    k = torch.randn(b, 2, tk, dk, generator=g, dtype=torch.float64)
    v = torch.randn(b, 2, tk, dv, generator=g, dtype=torch.float64)
    mask = None
    if masked:
        mask = torch.rand(tq, tk, generator=g) < 0.6
        mask[:, 0] = True  # every query sees at least one key (a fully masked row is NaN in both)
    got = ref.scaled_dot_product_attention(q, k, v, mask)
    want = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    torch.testing.assert_close(got, want, atol=1e-10, rtol=1e-10)
    if masked:
        w = ref.attention_weights(q, k, mask)
        assert (w[..., ~mask] == 0).all()
        torch.testing.assert_close(w.sum(-1), torch.ones(w.shape[:-1], dtype=w.dtype))


def test_causal_mask_agrees_with_torch_is_causal():
    g = torch.Generator().manual_seed(1)
    q, k, v = torch.randn(3, 2, 6, 8, generator=g)
    got = ref.scaled_dot_product_attention(q, k, v, ref.causal_mask(6))
    want = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    torch.testing.assert_close(got, want, atol=1e-6, rtol=1e-5)


def _torch_mha_from(ours):
    d = ours.d_model
    mha = torch.nn.MultiheadAttention(d, ours.n_heads, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([ours.q_proj.weight, ours.k_proj.weight, ours.v_proj.weight]))
        mha.in_proj_bias.copy_(torch.cat([ours.q_proj.bias, ours.k_proj.bias, ours.v_proj.bias]))
        mha.out_proj.weight.copy_(ours.o_proj.weight)
        mha.out_proj.bias.copy_(ours.o_proj.bias)
    return mha.eval()


@pytest.mark.parametrize("d_model,n_heads,b,t", [(12, 3, 2, 5), (16, 4, 3, 7), (8, 1, 1, 4), (24, 6, 2, 9)])
@pytest.mark.parametrize("causal", [False, True])
def test_mha_matches_torch_multihead_attention(d_model, n_heads, b, t, causal):
    torch.manual_seed(d_model * 100 + t)
    ours = ref.MultiHeadSelfAttention(d_model, n_heads).double()
    with torch.no_grad():
        for p in ours.parameters():
            p.normal_()
    mha = _torch_mha_from(ours)
    x = torch.randn(b, t, d_model, dtype=torch.float64)
    mask = ref.causal_mask(t) if causal else None
    got = ours(x, mask)
    # nn.MultiheadAttention's boolean attn_mask uses the opposite convention: True = blocked.
    want, _ = mha(x, x, x, attn_mask=None if mask is None else ~mask, need_weights=False)
    torch.testing.assert_close(got, want, atol=1e-10, rtol=1e-10)


def test_sdpa_leaves_inputs_alone():
    g = torch.Generator().manual_seed(3)
    q = torch.randn(2, 4, 8, generator=g)
    before = q.clone()
    ref.scaled_dot_product_attention(q, q, q, ref.causal_mask(4))
    assert torch.equal(q, before)
