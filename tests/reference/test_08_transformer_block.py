"""The 08 reference against torch: nn.LayerNorm, F.gelu, nn.TransformerEncoderLayer(norm_first=True)."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from grader.assignments import ROOT, load_solution

ref = load_solution("08_transformer_block")


def _randomize(module, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype) * 0.5)
    return module


@settings(max_examples=40, deadline=None)
@given(shape=st.tuples(st.integers(1, 3), st.integers(1, 5), st.integers(2, 9)),
       eps=st.sampled_from([1e-5, 1e-2, 0.1, 1.0]), seed=st.integers(0, 2**16))
def test_layer_norm_matches_torch(shape, eps, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=g, dtype=torch.float64) * 3 + 1
    ln = torch.nn.LayerNorm(shape[-1], eps=eps, dtype=torch.float64)
    _randomize(ln, seed)
    got = ref.layer_norm(x, ln.weight, ln.bias, eps=eps)
    torch.testing.assert_close(got, ln(x), atol=1e-12, rtol=1e-10)


def test_gelu_is_the_exact_erf_form():
    x = torch.linspace(-8, 8, 1001, dtype=torch.float64)
    torch.testing.assert_close(ref.gelu(x), F.gelu(x), atol=1e-14, rtol=0)
    assert (ref.gelu(x) - F.gelu(x, approximate="tanh")).abs().max() > 1e-4


def _encoder_layer_from(block, d_model, n_heads, d_ff):
    layer = torch.nn.TransformerEncoderLayer(d_model, n_heads, d_ff, dropout=0.0, activation="gelu",
                                             batch_first=True, norm_first=True, dtype=torch.float64)
    attn = block.attn
    with torch.no_grad():
        layer.self_attn.in_proj_weight.copy_(torch.cat([attn.q_proj.weight, attn.k_proj.weight, attn.v_proj.weight]))
        layer.self_attn.in_proj_bias.copy_(torch.cat([attn.q_proj.bias, attn.k_proj.bias, attn.v_proj.bias]))
        layer.self_attn.out_proj.weight.copy_(attn.o_proj.weight)
        layer.self_attn.out_proj.bias.copy_(attn.o_proj.bias)
        for ours, theirs in ((block.ln1, layer.norm1), (block.ln2, layer.norm2),
                             (block.ff.fc1, layer.linear1), (block.ff.fc2, layer.linear2)):
            theirs.weight.copy_(ours.weight)
            theirs.bias.copy_(ours.bias)
    return layer.eval()


@pytest.mark.parametrize("d_model,n_heads,d_ff,b,t", [(12, 3, 20, 2, 5), (16, 4, 64, 3, 7), (8, 1, 8, 1, 1)])
def test_block_matches_torch_encoder_layer(d_model, n_heads, d_ff, b, t):
    block = _randomize(ref.TransformerBlock(d_model, n_heads, d_ff).double(), d_model + t)
    layer = _encoder_layer_from(block, d_model, n_heads, d_ff)
    x = torch.randn(b, t, d_model, dtype=torch.float64)
    blocked = ~ref.causal_mask(t)  # torch's boolean masks mean True = blocked
    with torch.no_grad():
        torch.testing.assert_close(block(x), layer(x, src_mask=blocked), atol=1e-10, rtol=1e-10)


def test_feed_forward_matches_torch():
    ff = _randomize(ref.FeedForward(6, 10).double(), 0)
    x = torch.randn(2, 3, 6, dtype=torch.float64)
    want = F.linear(F.gelu(F.linear(x, ff.fc1.weight, ff.fc1.bias)), ff.fc2.weight, ff.fc2.bias)
    torch.testing.assert_close(ff(x), want, atol=1e-12, rtol=0)


CONFIGS = [(11, 8, 12, 2, 3, 20), (50, 16, 16, 3, 4, 64), (7, 4, 8, 1, 2, 5), (4096, 128, 128, 4, 4, 512)]


@pytest.mark.parametrize("config", CONFIGS)
def test_count_parameters_matches_the_model(config):
    vocab, n_ctx, d, layers, heads, d_ff = config
    model = ref.MiniGPT(*config)
    assert ref.count_parameters(vocab, n_ctx, d, layers, d_ff) == sum(p.numel() for p in model.parameters())


def test_count_parameters_agrees_with_the_gpt2_formula():
    # d_ff = 4d: 12·d² + 13·d per layer + (V + n_ctx)·d + 2·d (04_scaling's formula); GPT-2 small.
    assert ref.count_parameters(50257, 1024, 768, 12, 3072) == 124_439_808
    # The course's shipped model (DATA.md): 4 layers, d 128, context 128, vocabulary 4,096 -> 1.33 M.
    assert round(ref.count_parameters(4096, 128, 128, 4, 512) / 1e6, 2) == 1.33


def test_head_shares_storage_with_token_embedding():
    model = ref.MiniGPT(*CONFIGS[0])
    assert model.head.weight is model.tok_emb.weight
    assert model.head.weight.data_ptr() == model.tok_emb.weight.data_ptr()


def test_mini_gpt_matches_a_torch_composition():
    vocab, n_ctx, d, layers, heads, d_ff = CONFIGS[1]
    model = _randomize(ref.MiniGPT(*CONFIGS[1]).double(), 5).eval()
    ids = torch.randint(0, vocab, (3, 9))
    x = model.tok_emb.weight[ids] + model.pos_emb.weight[:9]
    for block in model.blocks:
        x = _encoder_layer_from(block, d, heads, d_ff)(x, src_mask=~ref.causal_mask(9))
    want = F.layer_norm(x, (d,), model.ln_f.weight, model.ln_f.bias) @ model.tok_emb.weight.T
    with torch.no_grad():
        torch.testing.assert_close(model(ids), want, atol=1e-10, rtol=1e-10)


def test_mini_gpt_is_causal():
    model = _randomize(ref.MiniGPT(*CONFIGS[0]), 1).eval()
    ids = torch.randint(0, 11, (2, 6))
    changed = ids.clone()
    changed[:, 4:] = (changed[:, 4:] + 1) % 11
    with torch.no_grad():
        torch.testing.assert_close(model(ids)[:, :4], model(changed)[:, :4])


def test_attention_is_07s_not_a_copy():
    """08 uses 07's attention itself (the notebook's support cell is built from the same file)."""
    attention = load_solution("07_attention")
    assert ref.MultiHeadSelfAttention.__qualname__ == "MultiHeadSelfAttention"
    assert ref.MultiHeadSelfAttention.__module__ == "solution_07_attention"
    assert torch.equal(ref.causal_mask(6), attention.causal_mask(6))
    source = (ROOT / "assignments" / "08_transformer_block" / "source.py").read_text()
    assert '"07_attention:MultiHeadSelfAttention"' in source and "class MultiHeadSelfAttention" not in source
