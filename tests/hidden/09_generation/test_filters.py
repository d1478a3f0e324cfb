"""Temperature, top-k and top-p: exact boundary cases on dyadic probabilities (exact float sums)."""
import math

import pytest
import torch

from grader.checks import assert_close, expect, student_raises

DYADIC = [0.5, 0.25, 0.125, 0.0625, 0.0625]


def _dyadic_logits(order):
    """log-probabilities of DYADIC, placed at the positions `order` (so sorting matters)."""
    logits = torch.empty(len(DYADIC))
    for rank, position in enumerate(order):
        logits[position] = math.log(DYADIC[rank])
    return logits


def _kept(got):
    """Indices that survive a filter (finite logits)."""
    got = torch.as_tensor(got)
    return set(torch.nonzero(torch.isfinite(got)).flatten().tolist())


def _randn(rng, *shape, scale=1.0):
    return torch.tensor(rng.standard_normal(shape) * scale, dtype=torch.float32)


# ----------------------------------------------------------------------------- temperature

@pytest.mark.cell("test_temperature")
@pytest.mark.points(5)
def test_temperature_scaling(student, rng):
    """apply_temperature가 로짓을 T로 나누는지 확인합니다."""
    logits = _randn(rng, 2, 3, 7, scale=2.0)
    assert_close(student.apply_temperature(logits, 0.001), logits * 1000, rtol=1e-5, atol=1e-4,
                 hint="T가 아주 작으면 로짓이 아주 커져야 합니다: logits / T 인지 확인하세요.")
    assert_close(student.apply_temperature(logits, 2.5), logits / 2.5, rtol=1e-6, atol=1e-6,
                 hint="apply_temperature(logits, T) = logits / T 입니다.")


@pytest.mark.cell("test_temperature")
@pytest.mark.points(2)
def test_temperature_rejects_nonpositive(student):
    """T ≤ 0은 ValueError여야 합니다 (0으로 나누면 inf/NaN이 됩니다)."""
    for bad in (0.0, -1.0):
        with student_raises(ValueError, hint="온도가 0 이하이면 ValueError를 일으키세요 (T = 0은 sample_next에서 greedy)."):
            student.apply_temperature(torch.tensor([1.0, 2.0]), bad)


@pytest.mark.cell("test_temperature")
@pytest.mark.points(2)
def test_temperature_no_inplace(student, rng):
    """apply_temperature가 호출한 쪽의 로짓 텐서를 그대로 두는지 확인합니다."""
    logits = _randn(rng, 3, 6)
    _, args, _ = student.call_with_args("apply_temperature", logits.clone(), 0.5)
    assert_close(args[0], logits, atol=0, hint="입력 로짓을 제자리(in-place)에서 바꾸지 말고 새 텐서를 돌려주세요.")


# ----------------------------------------------------------------------------- top-k

@pytest.mark.cell("test_top_k")
@pytest.mark.points(5)
def test_top_k_ties_keep_exactly_k(student):
    """top-k는 경계에서 값이 같아도 정확히 k개만 남겨야 합니다 (torch.topk와 같이)."""
    got = torch.as_tensor(student.top_k_filter(torch.tensor([3.0, 2.0, 2.0, 1.0]), 2))
    kept = _kept(got)
    expect(len(kept) == 2, "k = 2인데 남은 토큰 수가 2가 아닙니다: 경계에서 값이 같은 토큰이 여럿이어도 torch.topk처럼 정확히 k개만 남깁니다.")
    expect(0 in kept and (1 in kept or 2 in kept), "가장 큰 k개의 로짓이 남아야 합니다.")
    expect(all(float(got[i]) == v for i, v in zip(range(4), [3.0, 2.0, 2.0, 1.0]) if i in kept),
           "남는 토큰의 로짓 값은 바꾸지 마세요.")


@pytest.mark.cell("test_top_k")
@pytest.mark.points(3)
def test_top_k_matches_topk(student, ref, rng):
    """배치 로짓에서 top-k가 마지막 축의 큰 k개만 남기고 나머지를 -inf로 바꾸는지 확인합니다."""
    logits = _randn(rng, 3, 4, 11, scale=2.0)
    assert_close(student.top_k_filter(logits, 4), ref.top_k_filter(logits, 4), atol=1e-6,
                 hint="마지막 축(어휘 축)에서 큰 k개만 남기고 나머지를 -inf로 바꿨는지 확인하세요.")
    assert_close(student.top_k_filter(logits, 11), logits, atol=1e-6,
                 hint="k가 어휘 크기 이상이면 아무것도 거르지 않아야 합니다.")


@pytest.mark.cell("test_top_k")
@pytest.mark.points(2)
def test_top_k_no_inplace(student, rng):
    """top_k_filter가 호출한 쪽의 로짓 텐서를 그대로 두는지 확인합니다."""
    logits = _randn(rng, 2, 9)
    _, args, _ = student.call_with_args("top_k_filter", logits.clone(), 3)
    assert_close(args[0], logits, atol=0, hint="입력 로짓에 -inf를 직접 써넣지 말고 새 텐서를 만드세요.")


# ----------------------------------------------------------------------------- top-p

@pytest.mark.cell("test_top_p")
@pytest.mark.points(5)
def test_top_p_keeps_crossing_token(student):
    """top-p는 누적 확률이 p를 넘기게 만드는 토큰까지 남겨야 합니다."""
    order = [3, 0, 4, 1, 2]
    got = student.top_p_filter(_dyadic_logits(order), 0.8)
    expect(_kept(got) == set(order[:3]),
           "누적 확률이 p에 도달하는 가장 작은 집합을 남기세요: p를 넘기는 토큰도 포함합니다 (cum ≤ p로 거르면 빠집니다).")


@pytest.mark.cell("test_top_p")
@pytest.mark.points(5)
def test_top_p_exact_boundary(student):
    """누적 확률이 정확히 p가 되면 거기서 멈춰야 합니다."""
    order = [2, 4, 0, 3, 1]
    for p, n in ((0.75, 2), (0.5, 1)):
        got = student.top_p_filter(_dyadic_logits(order), p)
        expect(_kept(got) == set(order[:n]),
               "누적 확률이 정확히 p에 도달한 토큰 다음부터는 빼야 합니다 (앞까지의 누적 확률 < p인 토큰만 남김).")


@pytest.mark.cell("test_top_p")
@pytest.mark.points(2)
def test_top_p_min_tokens(student, rng):
    """p가 아주 작아도 가장 확률이 큰 토큰 하나는 남아야 합니다."""
    logits = _randn(rng, 3, 8, scale=3.0)
    got = torch.as_tensor(student.top_p_filter(logits, 1e-9))
    expect(got.shape == logits.shape, "top_p_filter는 입력과 같은 모양을 돌려줘야 합니다.")
    for row in range(3):
        expect(_kept(got[row]) == {int(torch.argmax(logits[row]))},
               "p가 아주 작으면 모든 토큰이 -inf가 되지 않도록 가장 큰 토큰 하나를 항상 남기세요.")


@pytest.mark.cell("test_top_p")
@pytest.mark.points(2)
def test_top_p_batch(student, ref, rng):
    """배치 로짓에서 top-p를 행마다 따로 적용하는지 확인합니다."""
    logits = _randn(rng, 4, 2, 13, scale=2.0)
    want, got = ref.top_p_filter(logits, 0.7), torch.as_tensor(student.top_p_filter(logits, 0.7))
    expect(got.shape == want.shape and torch.equal(torch.isfinite(got), torch.isfinite(want)),
           "행마다(마지막 축) 확률을 정렬하고 누적해 남길 토큰을 고르세요.")
    assert_close(got[torch.isfinite(got)], want[torch.isfinite(want)], atol=1e-6,
                 hint="남는 토큰의 로짓 값은 바꾸지 마세요.")


@pytest.mark.cell("test_top_p")
@pytest.mark.points(2)
def test_top_p_no_inplace(student, rng):
    """top_p_filter가 호출한 쪽의 로짓 텐서를 그대로 두는지 확인합니다."""
    logits = _randn(rng, 2, 9)
    _, args, _ = student.call_with_args("top_p_filter", logits.clone(), 0.6)
    assert_close(args[0], logits, atol=0, hint="입력 로짓을 제자리에서 바꾸지 말고 새 텐서를 돌려주세요.")


@pytest.mark.cell("test_top_k")
@pytest.mark.points(1)
def test_top_k_larger_than_vocabulary(student, rng):
    """k가 어휘 크기보다 크면 top_k_filter가 아무것도 거르지 않는지 확인합니다."""
    logits = _randn(rng, 2, 6)
    assert_close(student.top_k_filter(logits, 9), logits, atol=0,
                 hint="k가 어휘 크기 V보다 크면 로짓을 그대로 돌려주세요 (torch.topk에는 min(k, V)를 넘기세요).")
