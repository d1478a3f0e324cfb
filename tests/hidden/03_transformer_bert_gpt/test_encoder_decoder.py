"""Hidden suite for 03_transformer_bert_gpt, part 2: cross-attention and the encoder-decoder masks.

Shapes all differ (B 3, T_tgt 4, T_src 6, d_dec 8, d_enc 5, d_k 6, d_v 3) and every batch member has
its own source and target length, so a transposed mask, the wrong sequence's lengths or the first
example's mask used for all shows.
"""
import math

import numpy as np
import pytest
import torch

from grader.checks import assert_close, expect
from grader.worker.testkit_torch import GradProbe

B, T_TGT, T_SRC, D_DEC, D_ENC = 3, 4, 6, 8, 5
SOURCE_LENGTHS, TARGET_LENGTHS = [6, 2, 4], [3, 4, 1]


def _randn(rng, *shape, dtype=torch.float32):
    return torch.tensor(rng.standard_normal(shape), dtype=dtype)


def _source_mask(lengths=SOURCE_LENGTHS, t=T_SRC):
    return torch.arange(t)[None, :] < torch.tensor(lengths)[:, None]


def _reference(dec, enc, w_q, w_k, w_v, mask=None):
    q, k, v = dec @ w_q.T, enc @ w_k.T, enc @ w_v.T
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask[:, None, :], float("-inf"))
    weights = torch.softmax(scores, -1)
    return weights @ v, weights


def _pair(value):
    expect(isinstance(value, (tuple, list)) and len(value) == 2,
           "cross_attention은 (output, weights) 두 값을 반환해야 합니다.")
    return torch.as_tensor(value[0]), torch.as_tensor(value[1])


CROSS = pytest.mark.cell("test_cross_attention")


@CROSS
@pytest.mark.points(4)
def test_cross_attention_matches_torch_attention(student, rng):
    """출력이 torch의 scaled_dot_product_attention(원문 패딩 마스크)과 같고 가중치가 softmax(q·kᵀ/√d_k)인지 확인합니다."""
    dec, enc = _randn(rng, B, T_TGT, D_DEC), _randn(rng, B, T_SRC, D_ENC)
    w_q, w_k, w_v = _randn(rng, D_DEC, D_DEC), _randn(rng, D_DEC, D_ENC), _randn(rng, D_DEC, D_ENC)
    mask = _source_mask()
    want_out = torch.nn.functional.scaled_dot_product_attention(dec @ w_q.T, enc @ w_k.T, enc @ w_v.T,
                                                                attn_mask=mask[:, None, :])
    _, want_weights = _reference(dec, enc, w_q, w_k, w_v, mask)
    out, attn = _pair(student.cross_attention(dec, enc, w_q, w_k, w_v, mask))
    assert_close(attn, want_weights, atol=1e-6,
                 hint="어텐션 가중치가 다릅니다. query는 디코더에서, key와 value는 인코더에서 만들고, 점수를 √d_k로 "
                      "나눈 뒤 원문의 패딩(source_mask가 False)인 key를 가리고 key 축으로 softmax하세요.")
    assert_close(out, want_out, atol=1e-5, hint="출력이 다릅니다. weights · v (v는 인코더에서)인지 확인하세요.")


@CROSS
@pytest.mark.points(3)
def test_cross_attention_padding_gets_zero_weight(student, rng):
    """원문의 패딩 위치는 문장마다 자기 길이대로 가중치가 정확히 0이고, 각 행의 합이 1인지 확인합니다."""
    dec, enc = _randn(rng, B, T_TGT, D_DEC), _randn(rng, B, T_SRC, D_ENC)
    w_q, w_k, w_v = _randn(rng, 6, D_DEC), _randn(rng, 6, D_ENC), _randn(rng, 3, D_ENC)
    _, attn = _pair(student.cross_attention(dec, enc, w_q, w_k, w_v, _source_mask()))
    expect(tuple(attn.shape) == (B, T_TGT, T_SRC), "weights의 모양은 (B, T_tgt, T_src)여야 합니다.")
    padded = ~_source_mask()[:, None, :].expand(B, T_TGT, T_SRC)
    expect(bool(torch.all(attn[padded] == 0)),
           "원문의 패딩 위치에 가중치가 남았습니다. 문장마다 자기 source_mask로, softmax 전에 -inf로 가리세요.")
    assert_close(attn.sum(-1), torch.ones(B, T_TGT), atol=1e-6, hint="각 query의 가중치 합은 1이어야 합니다.")


@CROSS
@pytest.mark.points(3)
def test_cross_attention_scales_by_key_size(student, rng):
    """d_k = 6, d_v = 3, d_dec = 8로 모두 다를 때 출력 모양이 (B, T_tgt, d_v)이고 √d_k로 나누는지 확인합니다."""
    dec, enc = _randn(rng, B, T_TGT, D_DEC), _randn(rng, B, T_SRC, D_ENC)
    w_q, w_k, w_v = _randn(rng, 6, D_DEC), _randn(rng, 6, D_ENC), _randn(rng, 3, D_ENC)
    out, attn = _pair(student.cross_attention(dec, enc, w_q, w_k, w_v))
    want_out, want_attn = _reference(dec, enc, w_q, w_k, w_v)
    expect(tuple(out.shape) == (B, T_TGT, 3), "output의 모양은 (B, T_tgt, d_v)여야 합니다 (value는 인코더에서).")
    assert_close(attn, want_attn, atol=1e-6,
                 hint="source_mask가 None일 때 가중치가 다릅니다. 점수는 q·kᵀ / √d_k (d_k = W_q의 행 수)입니다.")
    assert_close(out, want_out, atol=1e-5, hint="출력이 다릅니다.")


@CROSS
@pytest.mark.points(3)
def test_cross_attention_gradients_and_dtype(student, rng):
    """float64에서 결과 dtype과, 디코더·인코더 상태와 세 가중치로 가는 기울기가 torch autograd와 같은지 확인합니다."""
    inputs = [_randn(rng, B, T_TGT, D_DEC, dtype=torch.float64), _randn(rng, B, T_SRC, D_ENC, dtype=torch.float64),
              _randn(rng, 6, D_DEC, dtype=torch.float64), _randn(rng, 6, D_ENC, dtype=torch.float64),
              _randn(rng, 3, D_ENC, dtype=torch.float64)]
    mask = _source_mask()
    cotangents = [_randn(rng, B, T_TGT, 3, dtype=torch.float64), _randn(rng, B, T_TGT, T_SRC, dtype=torch.float64)]
    probe = student.value("torch").nn.Identity()(GradProbe())
    outputs, grads = probe.vjp(student.value("cross_attention"), inputs + [mask], cotangents)
    expect(len(outputs) == 2 and all(torch.as_tensor(o).dtype == torch.float64 for o in outputs),
           "float64 입력에서 결과가 float64가 아닙니다. 새 텐서를 float32로 만들지 말고 입력의 연산으로 계산하세요.")
    leaves = [t.clone().requires_grad_(True) for t in inputs]
    out, attn = _reference(*leaves, mask)
    ((out * cotangents[0]).sum() + (attn * cotangents[1]).sum()).backward()
    for got, leaf in zip(grads, leaves):
        assert_close(got, leaf.grad, atol=1e-9,
                     hint="기울기가 torch와 다릅니다. 계산 그래프를 끊지 않도록 (.detach(), .data, numpy 없이) "
                          "텐서 연산으로만 계산하세요.")


# ---------------------------------------------------------------- encoder_decoder_masks
MASKS = pytest.mark.cell("test_encoder_decoder_masks")


def _masks(student):
    got = student.encoder_decoder_masks(SOURCE_LENGTHS, TARGET_LENGTHS, T_SRC, T_TGT)
    expect(isinstance(got, dict) and {"encoder", "decoder", "cross"} <= set(got),
           'encoder_decoder_masks는 "encoder", "decoder", "cross" 세 키의 딕셔너리를 반환해야 합니다.')
    shapes = {"encoder": (B, T_SRC, T_SRC), "decoder": (B, T_TGT, T_TGT), "cross": (B, T_TGT, T_SRC)}
    arrays = {}
    for name, shape in shapes.items():
        array = np.asarray(torch.as_tensor(got[name]))
        expect(array.dtype == np.bool_, f'"{name}" 마스크는 불리언(Bool) 텐서여야 합니다 (True = 볼 수 있음).')
        expect(array.shape == shape, f'"{name}" 마스크의 모양이 (B, query 길이, key 길이)가 아닙니다.')
        arrays[name] = array
    return arrays


def _real_rows(lengths, t):
    return np.arange(t)[None, :] < np.array(lengths)[:, None]


@MASKS
@pytest.mark.points(4)
def test_cross_mask_hides_source_padding_only(student):
    """교차 어텐션 마스크가 번역문의 실제 query마다 원문의 실제 토큰(문장마다 자기 길이)을 모두, 미래 구분 없이 보는지 확인합니다."""
    cross = _masks(student)["cross"]
    want = np.broadcast_to(_real_rows(SOURCE_LENGTHS, T_SRC)[:, None, :], (B, T_TGT, T_SRC))
    rows = _real_rows(TARGET_LENGTHS, T_TGT)
    expect(np.array_equal(cross[rows], want[rows]),
           '"cross" 마스크가 다릅니다. key는 원문(인코더) 위치이고, 원문의 패딩만 가립니다. 원문은 처음부터 전부 '
           "주어지므로 미래를 가리지 않습니다.")


@MASKS
@pytest.mark.points(3)
def test_decoder_mask_is_causal_with_target_padding(student):
    """디코더 셀프 어텐션 마스크가 번역문의 미래와 번역문의 패딩을 가리는지 확인합니다."""
    decoder = _masks(student)["decoder"]
    keys = _real_rows(TARGET_LENGTHS, T_TGT)[:, None, :] & np.tril(np.ones((T_TGT, T_TGT), bool))[None]
    rows = _real_rows(TARGET_LENGTHS, T_TGT)
    expect(np.array_equal(decoder[rows], keys[rows]),
           '"decoder" 마스크가 다릅니다. 번역문(target) 길이로 패딩을 가리고, 미래(j > i)도 가리세요.')


@MASKS
@pytest.mark.points(2)
def test_encoder_mask_is_bidirectional_with_source_padding(student):
    """인코더 셀프 어텐션 마스크가 원문의 패딩만 가리고 미래는 보는지 확인합니다."""
    encoder = _masks(student)["encoder"]
    keys = np.broadcast_to(_real_rows(SOURCE_LENGTHS, T_SRC)[:, None, :], (B, T_SRC, T_SRC))
    rows = _real_rows(SOURCE_LENGTHS, T_SRC)
    expect(np.array_equal(encoder[rows], keys[rows]),
           '"encoder" 마스크가 다릅니다. 원문(source) 길이로 패딩만 가리고, 양방향이므로 미래는 가리지 마세요.')
