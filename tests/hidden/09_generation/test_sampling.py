"""sample_next with a seeded torch.Generator: frequencies over 20 000 draws in one batched call."""
import numpy as np
import pytest
import torch

from grader.checks import assert_close, assert_equal, expect, student_raises
from grader.worker.testkit import TorchGenerator

pytestmark = pytest.mark.cell("test_sample_next")
N = 20_000


def _frequencies(draws, vocab):
    draws = np.asarray(torch.as_tensor(draws)).reshape(-1)
    expect(draws.shape == (N,), "로짓이 (N, V)이면 sample_next는 모양 (N,)의 토큰 id를 돌려줘야 합니다.")
    return np.bincount(draws.astype(int), minlength=vocab)[:vocab] / N


def _distribution(ref, logits, **kwargs):
    """The distribution the reference samples from: the same filters in the same order, then softmax."""
    z = ref.apply_temperature(logits, kwargs.get("temperature", 1.0))
    if kwargs.get("top_k") is not None:
        z = ref.top_k_filter(z, kwargs["top_k"])
    if kwargs.get("top_p") is not None:
        z = ref.top_p_filter(z, kwargs["top_p"])
    return torch.softmax(z, dim=-1).numpy()


@pytest.mark.points(4)
def test_sampling_frequencies(student, ref):
    """뽑힌 토큰의 빈도가 softmax 확률을 따르는지 확인합니다."""
    logits = torch.tensor([1.5, -0.5, 0.7, 0.0, 2.0, -1.0])
    got = _frequencies(student.sample_next(logits.repeat(N, 1), TorchGenerator(11)), 6)
    assert_close(got, _distribution(ref, logits), atol=0.01,
                 hint="확률 = softmax(로짓, 마지막 축)에서 주어진 generator로 뽑으세요 (배치의 행마다 하나).")


@pytest.mark.points(5)
def test_temperature_distribution(student, ref):
    """온도를 적용한 분포에서 뽑은 빈도가 softmax(logits / T)를 따르는지 확인합니다."""
    logits = torch.tensor([2.0, 1.0, 0.0, -1.0, 0.5])
    for seed, temperature in ((5, 0.5), (6, 2.0)):
        got = _frequencies(student.sample_next(logits.repeat(N, 1), TorchGenerator(seed),
                                               temperature=temperature), 5)
        assert_close(got, _distribution(ref, logits, temperature=temperature), atol=0.012,
                     hint="온도는 확률이 아니라 로짓에 적용합니다: softmax(logits / T).")


@pytest.mark.points(4)
def test_sampling_pipeline_order(student, ref):
    """온도·top-k·top-p를 함께 쓸 때 뽑은 빈도가 기대한 분포를 따르는지 확인합니다."""
    logits = torch.tensor([2.0, 1.5, 1.0, 0.5, 0.0, -1.0, -2.0])
    settings = dict(temperature=2.0, top_k=5, top_p=0.8)
    got = _frequencies(student.sample_next(logits.repeat(N, 1), TorchGenerator(7), **settings), 7)
    assert_close(got, _distribution(ref, logits, **settings), atol=0.012,
                 hint="순서는 온도 → top-k → top-p, 그다음 softmax와 추출입니다.")


@pytest.mark.points(3)
def test_sampling_seeded(student):
    """같은 시드의 generator면 같은 토큰을, 다른 시드면 다른 토큰을 뽑아야 합니다."""
    logits = torch.zeros(300, 8)
    first = torch.as_tensor(student.sample_next(logits, TorchGenerator(3)))
    again = torch.as_tensor(student.sample_next(logits, TorchGenerator(3)))
    other = torch.as_tensor(student.sample_next(logits, TorchGenerator(4)))
    expect(torch.equal(first, again), "torch.multinomial 등에 generator=generator를 넘겨 주어진 generator로 뽑으세요.")
    expect(not torch.equal(first, other), "전역 난수가 아니라 주어진 generator로 뽑으세요.")


@pytest.mark.points(3)
def test_temperature_zero_is_greedy(student, rng):
    """temperature = 0이면 추출 없이 argmax(greedy)여야 합니다."""
    logits = torch.tensor(rng.standard_normal((5, 9)), dtype=torch.float32)
    got = torch.as_tensor(student.sample_next(logits, TorchGenerator(0), temperature=0))
    assert_equal(got.reshape(-1).tolist(), torch.argmax(logits, dim=-1).tolist(),
                 hint="T = 0은 0으로 나누지 말고 가장 큰 로짓의 토큰을 고르세요.")


@pytest.mark.points(3)
def test_sampling_rows_use_their_own_distribution(student, ref):
    """(B, V) 로짓에서 행마다 그 행의 분포로 뽑는지 확인합니다 (서로 다른 두 분포가 번갈아 나오는 배치)."""
    first = torch.tensor([2.0, 0.0, -1.0, 1.0, -0.5])
    second = torch.tensor([-1.0, 1.5, 0.5, -2.0, 1.0])
    logits = torch.stack([first, second]).repeat(N // 2, 1)
    draws = np.asarray(torch.as_tensor(student.sample_next(logits, TorchGenerator(13)))).reshape(-1)
    expect(draws.shape == (N,), "로짓이 (N, V)이면 sample_next는 모양 (N,)의 토큰 id를 돌려줘야 합니다.")
    for parity, row in ((0, first), (1, second)):
        got = np.bincount(draws[parity::2].astype(int), minlength=5)[:5] / (N // 2)
        assert_close(got, _distribution(ref, row), atol=0.015,
                     hint="배치의 행마다 그 행의 softmax 확률에서 하나씩 뽑으세요 (첫 행의 분포를 모든 행에 쓰지 마세요).")


@pytest.mark.points(1)
def test_sample_next_leaves_logits_alone(student, rng):
    """sample_next가 호출한 쪽의 로짓 텐서를 바꾸지 않는지 확인합니다 (온도·top-k·top-p를 모두 쓸 때)."""
    logits = torch.tensor(rng.standard_normal((4, 9)), dtype=torch.float32)
    _, args, _ = student.call_with_args("sample_next", logits.clone(), TorchGenerator(2),
                                        temperature=0.5, top_k=4, top_p=0.8)
    assert_close(args[0], logits, atol=0,
                 hint="입력 로짓을 제자리(in-place)에서 나누거나 -inf로 채우지 말고 새 텐서로 계산하세요.")


@pytest.mark.points(1)
def test_sample_next_rejects_negative_temperature(student):
    """temperature < 0이면 sample_next가 ValueError를 일으키는지 확인합니다."""
    with student_raises(ValueError, hint="temperature가 0보다 작으면 ValueError입니다 (0만 greedy로 처리)."):
        student.sample_next(torch.zeros(3, 4), TorchGenerator(0), temperature=-0.5)


@pytest.mark.points(2)
def test_sample_next_any_leading_shape(student, ref):
    """로짓이 1차원 (V,)이면 0차원 텐서 하나를, (B, T, V)이면 모양 (B, T)의 토큰 id를 위치마다 그 분포에서 뽑는지 확인합니다 (temperature 0 포함)."""
    first = torch.tensor([2.0, 0.0, -1.0, 1.0, -0.5])
    second = torch.tensor([-1.0, 1.5, 0.5, -2.0, 1.0])
    shape_hint = "sample_next는 모양 logits.shape[:-1]의 토큰 id를 돌려줍니다: (V,)이면 0차원, (B, T, V)이면 (B, T)."
    for temperature in (1.0, 0):
        one = torch.as_tensor(student.sample_next(first, TorchGenerator(1), temperature=temperature))
        expect(tuple(one.shape) == () and 0 <= int(one) < 5, shape_hint)
    expect(int(torch.as_tensor(student.sample_next(second, TorchGenerator(1), temperature=0))) == 1,
           "temperature = 0이면 마지막 축(어휘 축)의 argmax를 돌려주세요.")
    logits = torch.stack([first.repeat(N // 2, 1), second.repeat(N // 2, 1)])   # (2, N/2, V)
    draws = torch.as_tensor(student.sample_next(logits, TorchGenerator(17)))
    expect(tuple(draws.shape) == (2, N // 2), shape_hint)
    for b, row in enumerate((first, second)):
        got = np.bincount(np.asarray(draws[b]).astype(int), minlength=5)[:5] / (N // 2)
        assert_close(got, _distribution(ref, row), atol=0.015,
                     hint="softmax와 추출은 마지막 축(어휘 축)을 따라, 위치마다 그 위치의 분포에서 하나씩입니다.")
    greedy = torch.as_tensor(student.sample_next(logits[:, :3], TorchGenerator(0), temperature=0))
    assert_equal(greedy.tolist(), torch.argmax(logits[:, :3], dim=-1).tolist(),
                 hint="temperature = 0이면 마지막 축(어휘 축)의 argmax를 돌려주세요.")
