"""The 03_transformer_bert_gpt reference against torch (SDPA, cross_entropy) and the collator's rates."""
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

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

    def share(x):
        return (x & selected).sum().item() / selected.sum().item()

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


# ---------------------------------------------------------------- encoder-decoder

@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 7), min_size=1, max_size=4), st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_cross_attention_equals_multihead_attention(source_lengths, t_target, seed):
    torch.manual_seed(seed)
    batch, t_source, d_dec, d_enc = len(source_lengths), 7, 6, 5
    mha = torch.nn.MultiheadAttention(d_dec, 1, bias=False, kdim=d_enc, vdim=d_enc, batch_first=True)
    with torch.no_grad():
        mha.out_proj.weight.copy_(torch.eye(d_dec))
    dec, enc = torch.randn(batch, t_target, d_dec), torch.randn(batch, t_source, d_enc)
    mask = m.padding_mask(source_lengths, t_source)
    with torch.no_grad():
        want_out, want_weights = mha(dec, enc, enc, key_padding_mask=~mask)
        out, weights = m.cross_attention(dec, enc, mha.q_proj_weight, mha.k_proj_weight, mha.v_proj_weight, mask)
    torch.testing.assert_close(weights, want_weights, atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(out, want_out, atol=1e-5, rtol=1e-5)
    assert torch.all(weights[~mask[:, None, :].expand_as(weights)] == 0)


def test_cross_attention_gradients_equal_sdpa():
    torch.manual_seed(3)
    dec = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
    enc = torch.randn(2, 5, 4, dtype=torch.float64, requires_grad=True)
    w = [torch.randn(4, 4, dtype=torch.float64, requires_grad=True) for _ in range(3)]
    mask = m.padding_mask([5, 2], 5)
    out, _ = m.cross_attention(dec, enc, *w, mask)
    out.sum().backward()
    got = [t.grad.clone() for t in [dec, enc, *w]]
    for t in [dec, enc, *w]:
        t.grad = None
    F.scaled_dot_product_attention(dec @ w[0].T, enc @ w[1].T, enc @ w[2].T, attn_mask=mask[:, None, :]).sum().backward()
    for g, t in zip(got, [dec, enc, *w]):
        torch.testing.assert_close(g, t.grad)


def test_encoder_decoder_masks_are_the_attention_masks():
    masks = m.encoder_decoder_masks([4, 2, 5], [3, 1, 2], 5, 3)
    assert torch.equal(masks["encoder"], m.attention_mask([4, 2, 5], 5))
    assert torch.equal(masks["decoder"], m.attention_mask([3, 1, 2], 3, causal=True))
    assert torch.equal(masks["cross"], m.padding_mask([4, 2, 5], 5)[:, None, :].expand(3, 3, 5))


# ---------------------------------------------------------------- the MLM vs CLM demo's given code

def test_topic_particles_follow_the_final_consonant():
    assert [m.topic_particle(w) for w in ["달", "해", "하늘", "바다", "강"]] == ["은", "는", "은", "는", "은"]
    sentences = m.toy_sentences()
    assert len(sentences) == len(set(sentences)) and "오늘 달은 밝다" in sentences and "오늘 해는 밝다" in sentences


def test_vocab_round_trip_and_mask_token():
    vocab = m.CharVocab(m.toy_sentences())
    ids = vocab.encode("오늘 [MASK]은 밝다", bos=True, eos=True)
    assert ids[0] == vocab.bos and ids[-1] == vocab.eos and ids.count(vocab.mask) == 1
    assert "".join(vocab.tokens[i] for i in vocab.encode("밤에 별은 빛난다")) == "밤에 별은 빛난다"


def test_tiny_lm_with_a_causal_mask_never_sees_the_future():
    torch.manual_seed(0)
    model = m.TinyTransformerLM(20, d_model=16, n_heads=2).eval()
    ids = torch.randint(0, 20, (1, 8))
    changed = ids.clone()
    changed[0, 5:] = (changed[0, 5:] + 1) % 20
    mask = m.attention_mask([8], 8, causal=True)
    with torch.no_grad():
        torch.testing.assert_close(model(ids, mask)[0, :5], model(changed, mask)[0, :5])
        bidirectional = m.attention_mask([8], 8)
        assert not torch.allclose(model(ids, bidirectional)[0, :5], model(changed, bidirectional)[0, :5])
