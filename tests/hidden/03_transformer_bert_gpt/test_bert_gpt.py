"""Hidden suite for 03_transformer_bert_gpt, part 1: masks, BERT masking, GPT shift and loss.
Part 2 (cross-attention and the encoder-decoder masks) is test_encoder_decoder.py."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from grader.checks import assert_close, expect
from grader.worker.testkit import TorchGenerator
from grader.worker.testkit_torch import GradProbe

CLS, SEP, PAD, UNK, MASK = 1, 2, 0, 3, 4
SPECIALS = [PAD, CLS, SEP, UNK]
VOCAB = 30000


def _bools(value, shape, name):
    array = value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)
    expect(array.dtype == np.bool_, f"{name}은(는) 불리언(Bool) 텐서를 반환해야 합니다 (True = 볼 수 있음).")
    expect(array.shape == shape, f"{name}의 모양(shape)이 기대와 다릅니다.")
    return array


def _ints(value):
    array = value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)
    expect(array.dtype.kind in "iu", "토큰 id와 정답은 정수 텐서여야 합니다.")
    return array.astype(np.int64)


# ---------------------------------------------------------------- masks
@pytest.mark.cell("test_causal_mask")
@pytest.mark.points(5)
def test_causal_mask_values(student):
    """causal_mask(t)[i, j]는 j <= i일 때만 True여야 합니다 (자기 자신은 보고, 미래는 가림)."""
    got = _bools(student.causal_mask(7), (7, 7), "causal_mask")
    i, j = np.indices((7, 7))
    expect(got[0, 0], "첫 토큰이 자기 자신도 못 봅니다 (대각선이 빠졌습니다). 이러면 softmax가 NaN이 됩니다.")
    expect(np.array_equal(got, j <= i),
           "causal_mask 값이 다릅니다. True는 '볼 수 있음'이고, query i는 key j <= i만 봅니다.")


@pytest.mark.cell("test_causal_mask")
@pytest.mark.points(1)
def test_causal_mask_size_one(student):
    """t = 1이면 [[True]]여야 합니다."""
    got = _bools(student.causal_mask(1), (1, 1), "causal_mask")
    expect(bool(got[0, 0]), "t = 1이면 유일한 토큰이 자기 자신을 볼 수 있어야 합니다.")


@pytest.mark.cell("test_padding_mask")
@pytest.mark.points(5)
def test_padding_mask_from_list(student):
    """padding_mask는 실제 토큰 위치(j < 길이)에서만 True인 (B, t) 텐서여야 합니다."""
    lengths = [3, 6, 1, 4]
    got = _bools(student.padding_mask(lengths, 6), (4, 6), "padding_mask")
    want = np.arange(6)[None, :] < np.array(lengths)[:, None]
    expect(np.array_equal(got, want),
           "padding_mask 값이 다릅니다. 오른쪽 패딩이므로 앞쪽 길이만큼이 True(실제 토큰)입니다.")


@pytest.mark.cell("test_padding_mask")
@pytest.mark.points(2)
def test_padding_mask_from_tensor(student):
    """길이를 정수 텐서로 줘도 같아야 하고, 패딩이 없는 행과 빈 행도 맞아야 합니다."""
    lengths = torch.tensor([5, 0, 2])
    got = _bools(student.padding_mask(lengths, 5), (3, 5), "padding_mask")
    want = np.arange(5)[None, :] < lengths.numpy()[:, None]
    expect(np.array_equal(got, want), "길이를 텐서로 받았을 때 padding_mask 값이 다릅니다.")


def _attention_matches(got, lengths, t, causal):
    """Rows of real queries must match; rows of padded queries may be either convention."""
    keys = np.arange(t)[None, None, :] < np.array(lengths)[:, None, None]
    want = np.broadcast_to(keys, (len(lengths), t, t))
    if causal:
        want = want & np.tril(np.ones((t, t), bool))
    real_query = np.arange(t)[None, :] < np.array(lengths)[:, None]
    return bool(np.array_equal(got[real_query], want[real_query]))


@pytest.mark.cell("test_attention_mask")
@pytest.mark.points(5)
def test_bidirectional_sees_future(student):
    """BERT(causal=False, 기본값): 각 위치는 패딩이 아닌 모든 위치(미래 포함)를 볼 수 있어야 합니다."""
    lengths = [5, 3, 7]
    got = _bools(student.attention_mask(lengths, 7, causal=False), (3, 7, 7), "attention_mask")
    expect(bool(got[0, 0, 4]),
           "양방향(BERT) 마스크인데 첫 위치가 뒤쪽 토큰을 보지 못합니다. causal=False면 미래를 가리지 마세요.")
    expect(_attention_matches(got, lengths, 7, False),
           "양방향 마스크 값이 다릅니다. 패딩인 key만 가려야 합니다 (모양은 (B, t, t)).")
    default = _bools(student.attention_mask(lengths, 7), (3, 7, 7), "attention_mask")
    expect(np.array_equal(default, got),
           "causal을 주지 않으면 기본값 causal=False, 곧 양방향(BERT) 마스크입니다.")


@pytest.mark.cell("test_attention_mask")
@pytest.mark.points(5)
def test_causal_attention_hides_future_and_padding(student):
    """GPT(causal=True): 미래와 패딩을 모두 가려야 합니다."""
    lengths = [5, 3, 7]
    got = _bools(student.attention_mask(lengths, 7, causal=True), (3, 7, 7), "attention_mask")
    expect(not got[2, 0, 1],
           "단방향(GPT) 마스크인데 첫 위치가 미래 토큰을 봅니다. causal=True면 j > i를 가리세요.")
    expect(_attention_matches(got, lengths, 7, True),
           "단방향 마스크 값이 다릅니다. 패딩 마스크와 causal 마스크가 둘 다 True인 곳만 True입니다.")


# ---------------------------------------------------------------- BERT masking
def _batch(rows, length, seed):
    """[CLS] w... [SEP] [PAD]... rows with varied lengths; word ids in [5, VOCAB)."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(5, VOCAB, size=(rows, length))
    lengths = rng.integers(length // 2, length + 1, size=rows)
    for b, n in enumerate(lengths):
        ids[b, 0] = CLS
        ids[b, n - 1] = SEP
        ids[b, n:] = PAD
    return torch.tensor(ids, dtype=torch.long)


def _mask(student, ids, seed, **kwargs):
    out = student.mask_tokens(ids, MASK, VOCAB, SPECIALS, TorchGenerator(seed), **kwargs)
    expect(isinstance(out, (tuple, list)) and len(out) == 2, "mask_tokens는 (inputs, labels)를 반환해야 합니다.")
    inputs, labels = _ints(out[0]), _ints(out[1])
    expect(inputs.shape == tuple(ids.shape) and labels.shape == tuple(ids.shape),
           "inputs와 labels는 input_ids와 같은 (B, T) 모양이어야 합니다.")
    return inputs, labels


MLM = pytest.mark.cell("test_mask_tokens")


@MLM
@pytest.mark.points(6)
def test_mlm_labels(student):
    """labels는 고른 위치에서 원래 id, 나머지는 정확히 -100이어야 하고, 고르지 않은 입력은 그대로여야 합니다."""
    ids = _batch(60, 33, 1)
    original = ids.numpy()
    inputs, labels = _mask(student, ids, 11)
    selected = labels != -100
    expect(0.05 < selected.mean() < 0.3,
           "고르지 않은 위치의 labels는 -100이어야 합니다 (손실에서 무시). 고른 위치만 원래 id를 두세요.")
    expect(np.array_equal(labels[selected], original[selected]),
           "고른 위치의 labels는 (바꾸기 전) 원래 토큰 id여야 합니다.")
    expect(np.array_equal(inputs[~selected], original[~selected]),
           "고르지 않은 위치의 입력 토큰이 바뀌었습니다. 바꾸는 것은 고른 위치뿐입니다.")


@MLM
@pytest.mark.points(6)
def test_mlm_never_masks_specials(student):
    """[CLS]/[SEP]/[PAD] 같은 특수 토큰은 (확률을 크게 해도) 고르지 않는지 확인합니다."""
    ids = _batch(50, 40, 2)
    special = np.isin(ids.numpy(), SPECIALS)
    inputs, labels = _mask(student, ids, 12, mlm_probability=0.9)
    expect(np.all(labels[special] == -100) and np.array_equal(inputs[special], ids.numpy()[special]),
           "특수 토큰이 마스킹 대상으로 뽑혔습니다. special_ids 위치의 선택 확률은 0이어야 합니다.")
    expect((labels[~special] != -100).mean() > 0.8,
           "mlm_probability 인자를 쓰지 않는 것 같습니다. 선택 확률로 그 값을 쓰세요.")


@MLM
@pytest.mark.points(5)
def test_mlm_rate_is_per_token(student):
    """각 토큰을 독립적으로 15 % 확률로 골라야 합니다: 평균 ±0.005, 문장별 개수의 분산도 이항분포(±20 %)."""
    ids = _batch(1000, 100, 3)                       # ~ 73k eligible tokens
    eligible = ~np.isin(ids.numpy(), SPECIALS)
    _, labels = _mask(student, ids, 13)
    selected = (labels != -100) & eligible
    rate = selected.sum() / eligible.sum()
    expect(abs(rate - 0.15) < 0.005,                 # > 3.8 sigma
           "선택 비율이 15 %와 다릅니다. 특수 토큰이 아닌 토큰마다 mlm_probability로 고르세요.")
    n = eligible.sum(axis=1)
    counts = selected.sum(axis=1)
    dispersion = np.mean((counts - 0.15 * n) ** 2 / (0.15 * 0.85 * n))
    expect(0.8 < dispersion < 1.2,                   # > 4 sigma for 1000 rows
           "문장마다 고른 개수의 흩어짐이 토큰별 독립 선택과 다릅니다. 문장마다 정해진 개수나 문장 단위로 "
           "고르지 말고 토큰마다 따로 고르세요.")


@MLM
@pytest.mark.points(7)
def test_mlm_80_10_10(student):
    """고른 토큰 중 80 %는 [MASK], 10 %는 무작위 토큰, 10 %는 그대로여야 합니다 (각각 ±0.02, ±0.015)."""
    ids = _batch(400, 250, 4)
    original = ids.numpy()
    inputs, labels = _mask(student, ids, 14)
    selected = labels != -100
    n = selected.sum()
    masked = (inputs == MASK) & selected
    kept = (inputs == original) & selected
    randomized = selected & ~masked & ~kept
    expect(abs(masked.sum() / n - 0.8) < 0.02, "고른 토큰 중 [MASK]로 바꾼 비율이 80 %와 다릅니다.")
    expect(abs(randomized.sum() / n - 0.1) < 0.015,
           "무작위 토큰으로 바꾼 비율이 10 %와 다릅니다. [MASK]가 아닌 나머지 20 % 중 절반(0.5)을 바꾸세요.")
    expect(abs(kept.sum() / n - 0.1) < 0.015, "그대로 둔 비율이 10 %와 다릅니다.")
    values = inputs[randomized]
    expect(values.min() >= 0 and values.max() < VOCAB and abs(values.mean() - VOCAB / 2) < 0.05 * VOCAB,
           "무작위 토큰은 [0, vocab_size)에서 균등하게 뽑아야 합니다.")


@MLM
@pytest.mark.points(4)
def test_mlm_uses_the_generator(student):
    """같은 시드의 generator면 같은 결과, 다른 시드면 다른 결과여야 합니다."""
    ids = _batch(20, 30, 5)
    first, second, other = (_mask(student, ids, seed) for seed in (7, 7, 8))
    expect(np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1]),
           "같은 시드의 torch.Generator로 다른 결과가 나옵니다. 모든 무작위를 generator 인자로 뽑으세요.")
    expect(not np.array_equal(first[1], other[1]), "시드를 바꿔도 결과가 같습니다. 무작위 선택은 모두 generator 인자로 뽑습니다.")


# ---------------------------------------------------------------- GPT shift and loss
@pytest.mark.cell("test_shift_for_causal_lm")
@pytest.mark.points(5)
def test_shift_inputs_and_labels(student):
    """inputs = ids[:, :-1], labels = ids[:, 1:]이어야 합니다 (위치 t의 정답은 다음 토큰)."""
    ids = torch.arange(10, 10 + 3 * 8).reshape(3, 8)
    out = student.shift_for_causal_lm(ids, 0)
    expect(isinstance(out, (tuple, list)) and len(out) == 2, "shift_for_causal_lm은 (inputs, labels)를 반환해야 합니다.")
    inputs, labels = _ints(out[0]), _ints(out[1])
    expect(inputs.shape == (3, 7) and labels.shape == (3, 7),
           "inputs와 labels의 모양은 (B, T-1)이어야 합니다.")
    expect(np.array_equal(inputs, ids.numpy()[:, :-1]), "inputs는 마지막 토큰을 뺀 ids[:, :-1]입니다.")
    expect(np.all(labels == inputs + 1),
           "labels가 한 칸 밀리지 않았습니다 (또는 두 칸 밀렸습니다). 위치 t의 정답은 토큰 t+1입니다.")


@pytest.mark.cell("test_shift_for_causal_lm")
@pytest.mark.points(3)
def test_shift_pad_becomes_ignore(student):
    """labels의 패딩만 -100이 되고, inputs의 패딩과 다른 토큰은 그대로여야 합니다."""
    ids = torch.tensor([[5, 6, 7, 9, 9, 9], [5, 8, 8, 8, 8, 7], [5, 9, 9, 9, 9, 9]])
    inputs, labels = (_ints(x) for x in student.shift_for_causal_lm(ids, 9))
    want = ids.numpy()[:, 1:].copy()
    want[want == 9] = -100
    expect(np.array_equal(labels, want), "labels에서는 pad_id인 자리만 -100이고, 다른 토큰은 그대로입니다.")
    expect(np.array_equal(inputs, ids.numpy()[:, :-1]), "inputs의 패딩은 그대로 두어야 합니다.")


LOSS = pytest.mark.cell("test_lm_loss")


def _loss_case(rng, b=3, t=5, v=7):
    logits = torch.tensor(rng.standard_normal((b, t, v)) * 3, dtype=torch.float32)
    labels = torch.tensor(rng.integers(0, v, (b, t)))
    ignored = 1 + rng.permutation(b * t - 1)[: b * t // 3]     # a third of the positions, never (0, 0)
    labels.view(-1)[torch.tensor(ignored)] = -100
    return logits, labels


@LOSS
@pytest.mark.points(5)
def test_lm_loss_matches_cross_entropy(student, rng):
    """-100을 뺀 위치들의 교차 엔트로피 평균이어야 합니다 ((B, T, V) 로짓, 어휘 축은 마지막)."""
    logits, labels = _loss_case(rng)
    want = F.cross_entropy(logits.reshape(-1, 7), labels.reshape(-1), ignore_index=-100)
    assert_close(student.lm_loss(logits, labels), want, atol=1e-5,
                 hint="손실 값이 다릅니다. 어휘 축(마지막 축)으로 softmax를 하고 -100이 아닌 위치만 평균 내세요.")


@LOSS
@pytest.mark.points(4)
def test_loss_ignores_padding(student, rng):
    """뒤에 패딩(정답 -100)을 더 붙여도 손실이 그대로여야 합니다."""
    logits, labels = _loss_case(rng, b=2, t=6, v=9)
    extra = torch.tensor(rng.standard_normal((2, 4, 9)) * 3, dtype=torch.float32)
    padded_logits = torch.cat([logits, extra], dim=1)
    padded_labels = torch.cat([labels, torch.full((2, 4), -100)], dim=1)
    assert_close(student.lm_loss(padded_logits, padded_labels), student.lm_loss(logits, labels), atol=1e-5,
                 hint="패딩(-100)을 붙였더니 손실이 바뀌었습니다. 평균은 -100이 아닌 위치 수로만 나누세요.")


@LOSS
@pytest.mark.points(2)
def test_uniform_logits_give_log_vocab(student):
    """모든 로짓이 같으면 손실은 ln V여야 합니다."""
    labels = torch.tensor([[1, 4, -100, 0], [-100, 2, 3, 10]])
    assert_close(student.lm_loss(torch.zeros(2, 4, 11), labels), math.log(11), atol=1e-5,
                 hint="균등한 로짓에서 손실이 ln V가 아닙니다. 자연로그 기반 교차 엔트로피인지 확인하세요.")


# ---------------------------------------------------------------- inputs untouched, sentinels as data, torch equivalence
@MLM
@pytest.mark.points(2)
def test_mask_tokens_leaves_the_input_ids(student):
    """mask_tokens가 호출한 쪽의 input_ids를 바꾸지 않는지 확인합니다."""
    ids = _batch(8, 20, 6)
    _, args, _ = student.call_with_args("mask_tokens", ids, MASK, VOCAB, SPECIALS, TorchGenerator(21),
                                        mlm_probability=0.5)
    expect(np.array_equal(_ints(args[0]), ids.numpy()),
           "input_ids가 바뀌었습니다. inputs와 labels는 input_ids.clone()으로 만든 복사본에서 바꾸세요.")


@MLM
@pytest.mark.points(3)
def test_mask_token_id_that_also_occurs_as_data(student):
    """글에 원래 [MASK] id가 들어 있어도 그 위치가 다른 토큰처럼 15 %만 선택되는지 확인합니다 (±0.05)."""
    ids = _batch(300, 40, 7)
    natural = torch.rand(ids.shape, generator=torch.Generator().manual_seed(3)) < 0.2
    ids[natural & ~torch.isin(ids, torch.tensor(SPECIALS))] = MASK
    before = ids.numpy() == MASK
    _, labels = _mask(student, ids, 22)
    rate = (labels[before] != -100).mean()
    expect(abs(rate - 0.15) < 0.05,
           "원래 [MASK] id였던 위치의 정답이 이상합니다. 고른 위치는 inputs를 보고 짐작하지 말고, 고를 때 만든 "
           "선택 마스크로 labels를 정하세요.")


@pytest.mark.cell("test_shift_for_causal_lm")
@pytest.mark.points(1)
def test_shift_leaves_the_input_ids(student):
    """shift_for_causal_lm이 호출한 쪽의 input_ids를 바꾸지 않는지 확인합니다 (패딩을 -100으로 바꿀 때도)."""
    ids = torch.tensor([[5, 6, 0, 0], [7, 8, 9, 0]])
    _, args, _ = student.call_with_args("shift_for_causal_lm", ids, 0)
    expect(np.array_equal(_ints(args[0]), [[5, 6, 0, 0], [7, 8, 9, 0]]),
           "input_ids가 바뀌었습니다. labels는 복사본(clone)에서 -100으로 바꾸세요.")


@LOSS
@pytest.mark.points(2)
def test_lm_loss_gradient_and_dtype_match_cross_entropy(student, rng):
    """float64 로짓에서 손실의 dtype과 로짓에 대한 기울기가 F.cross_entropy(ignore_index=-100)와 같은지 확인합니다."""
    logits, labels = _loss_case(rng, b=2, t=5, v=6)
    logits = logits.double()
    value = student.lm_loss(logits, labels)
    expect(torch.as_tensor(value).dtype == torch.float64,
           "float64 로짓에서 손실이 float64가 아닙니다. 로짓의 연산으로 계산하세요.")
    probe = student.value("torch").nn.Identity()(GradProbe())
    _, grads = probe.vjp(student.value("lm_loss"), [logits, labels], [torch.tensor(1.0, dtype=torch.float64)])
    leaf = logits.clone().requires_grad_(True)
    F.cross_entropy(leaf.reshape(-1, 6), labels.reshape(-1), ignore_index=-100).backward()
    assert_close(grads[0], leaf.grad, atol=1e-9,
                 hint="로짓에 대한 기울기가 F.cross_entropy와 다릅니다. 손실이 계산 그래프에서 떨어지지 않게 "
                      "(.item(), .detach(), numpy 없이) 텐서 연산으로만 계산하세요.")
