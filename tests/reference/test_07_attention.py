"""The 07 reference against torch: F.scaled_dot_product_attention and nn.MultiheadAttention."""
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from grader.assignments import ROOT, load_module_from, load_solution

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


# ----------------------------------------------------------------------------- the course model (section 5)

COURSE_MODEL = ROOT / "assignments" / "09_generation" / "course_model"


@pytest.fixture(scope="module")
def course():
    course_model = load_module_from(ROOT / "solutions" / "course_model.py", "course_model_07")
    state, tokenizer, config = course_model.load_course_checkpoint(COURSE_MODEL)
    return course_model, state, tokenizer, config


def test_course_model_from_torch_layers_equals_mini_gpt(course):
    """Section 5 runs the course GPT through PyTorch's layers (07 comes before MiniGPT): same logits."""
    course_model, state, tokenizer, config = course
    model, _, _ = course_model.load_course_model(COURSE_MODEL)
    layers = course_model.course_model_torch_layers(state, config)
    ids = torch.tensor([tokenizer.encode("나는 사과를 먹었다. 대한민국의 주권은 국민에게 있고")])
    t = ids.shape[1]
    with torch.no_grad():
        x = layers["tok_emb"](ids) + layers["pos_emb"](torch.arange(t))
        for block in layers["blocks"]:
            x = block(x, src_mask=~ref.causal_mask(t))
        logits = layers["ln_f"](x) @ layers["tok_emb"].weight.T
        torch.testing.assert_close(logits, model(ids), atol=1e-4, rtol=0)


def _course_maps(course, sentence):
    """(층, 헤드, T, T) maps of the reference attention with each layer's weights, checked against the
    model's own (nn.MultiheadAttention, need_weights=True), as the notebook computes them."""
    course_model, state, tokenizer, config = course
    layers = course_model.course_model_torch_layers(state, config)
    ids = torch.tensor([tokenizer.encode(sentence)])
    t, h, d = ids.shape[1], config["model"]["n_heads"], config["model"]["d_model"]
    mask = ref.causal_mask(t)
    maps = []
    with torch.no_grad():
        x = layers["tok_emb"](ids) + layers["pos_emb"](torch.arange(t))
        for index, block in enumerate(layers["blocks"]):
            attention = ref.MultiHeadSelfAttention(d, h)
            prefix = f"blocks.{index}.attn."
            attention.load_state_dict({k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)})
            normed = block.norm1(x)
            q, k = (proj(normed).view(1, t, h, d // h).transpose(1, 2) for proj in (attention.q_proj, attention.k_proj))
            weights = ref.attention_weights(q, k, mask)[0]
            out, model_weights = block.self_attn(normed, normed, normed, attn_mask=~mask, need_weights=True,
                                                 average_attn_weights=False)
            torch.testing.assert_close(weights, model_weights[0], atol=1e-5, rtol=0)
            torch.testing.assert_close(attention(normed, mask), out, atol=1e-5, rtol=0)
            maps.append(weights)
            x = block(x, src_mask=~mask)
    return torch.stack(maps), [tokenizer.vocab[i] for i in ids[0].tolist()]


def test_course_attention_maps_show_what_the_notebook_says(course):
    """Section 5's text: some heads give the particle 를 several times the uniform share from the tokens
    of 먹었다 (the shipped checkpoint; a retrained model must keep this true or the text must change)."""
    maps, pieces = _course_maps(course, "나는 사과를 먹었다")
    assert pieces[:4] == ["나는".encode(), " 사".encode(), "과".encode(), "를".encode()]
    assert b"".join(pieces[4:]) == " 먹었다".encode() and len(pieces) == 9
    verb_queries, particle = list(range(4, 9)), 3
    to_particle = maps[:, :, verb_queries, particle].mean(-1)
    uniform = sum(1 / (q + 1) for q in verb_queries) / len(verb_queries)
    assert to_particle.max() > 3 * uniform
    assert int((to_particle > 2 * uniform).sum()) >= 2
