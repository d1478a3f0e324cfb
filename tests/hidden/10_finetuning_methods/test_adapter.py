"""BottleneckAdapter: identity at init (up zero-initialised) and x + up(gelu(down(x)))."""
import pytest
import torch
from torch.nn import functional as F

from grader.checks import assert_close, assert_equal

pytestmark = pytest.mark.cell("test_adapter")


@pytest.mark.points(4)
def test_adapter_identity_at_init(student, rng):
    """처음 만든 어댑터는 입력을 그대로 돌려줘야 합니다 (up을 0으로 초기화, 잔차 연결)."""
    adapter = student.BottleneckAdapter(6, 3)
    x = torch.as_tensor(rng.normal(0, 1, (2, 5, 6)), dtype=torch.float32)
    assert_close(adapter(x), x, atol=0, rtol=0,
                 hint="처음에는 항등 함수여야 합니다: up 층의 가중치와 편향을 0으로 초기화하고 x를 더하세요.")
    assert_equal(student.count_trainable_parameters(adapter), 6 * 3 + 3 + 3 * 6 + 6,
                 hint="어댑터의 파라미터는 down(d→병목)과 up(병목→d) 두 선형층(편향 포함)입니다.")


@pytest.mark.points(4)
def test_adapter_residual(student, rng):
    """어댑터의 출력은 x + up(gelu(down(x)))이어야 합니다."""
    adapter = student.BottleneckAdapter(6, 3)
    t = lambda *shape: torch.as_tensor(rng.normal(0, 0.7, shape), dtype=torch.float32)  # noqa: E731
    state = {"down.weight": t(3, 6), "down.bias": t(3), "up.weight": t(6, 3), "up.bias": t(6)}
    adapter.load_state_dict(state)
    x = t(2, 5, 6)
    hidden = F.gelu(x @ state["down.weight"].T + state["down.bias"])
    assert_close(adapter(x), x + hidden @ state["up.weight"].T + state["up.bias"], atol=1e-5, rtol=1e-5,
                 hint="x + up(gelu(down(x)))인지 확인하세요: 잔차(x 더하기)와 정확한 GELU(erf)를 씁니다.")
