"""apply_repetition_penalty: Hugging Face's rule (positive logits divided, negative ones multiplied,
once per distinct previous token), row by row, on a copy. Dyadic values keep every result exact."""
import pytest
import torch

from grader.checks import assert_close, assert_equal, expect, student_raises

pytestmark = pytest.mark.cell("test_repetition_penalty")

LOGITS = [1.5, -0.75, 3.0, 0.0, -2.5, 0.5, 4.0]
# token 1 three times, token 2 twice, tokens 3 and 4 once, tokens 0, 5 and 6 never
PREVIOUS = [2, 1, 4, 1, 1, 3, 2]


def _penalized(logits, previous, penalty):
    """The rule written out element by element (the test's own statement of it)."""
    seen = set(previous)
    return [(z / penalty if z > 0 else z * penalty) if i in seen else z for i, z in enumerate(logits)]


@pytest.mark.points(4)
def test_repetition_penalty_rule(student):
    """이미 나온 토큰의 양수 로짓은 penalty로 나누고 음수 로짓은 곱하며, 여러 번 나온 토큰에도 한 번만 적용하는지 확인합니다 (penalty 2와 0.5)."""
    for penalty in (2.0, 0.5):
        got = torch.as_tensor(student.apply_repetition_penalty(torch.tensor(LOGITS), list(PREVIOUS), penalty))
        want = _penalized(LOGITS, PREVIOUS, penalty)
        expect(tuple(got.shape) == (len(LOGITS),), "apply_repetition_penalty는 logits와 같은 모양의 텐서를 돌려줘야 합니다.")
        got = got.tolist()
        expect(all(got[i] == LOGITS[i] for i in (0, 5, 6)),
               "previous_ids에 없는 토큰의 로짓은 그대로 두세요.")
        expect(got[4] == want[4] or got[4] != LOGITS[4] / penalty,
               "음수 로짓을 penalty로 나누면 0에 가까워져 그 토큰이 오히려 더 잘 나옵니다: 음수 로짓은 penalty를 곱하세요.")
        expect(got[1] == want[1] or got[1] != LOGITS[1] * penalty ** 3,
               "여러 번 나온 토큰에도 벌점은 한 번만 줍니다 (나온 횟수만큼 거듭 나누거나 곱하지 마세요).")
        assert_close(got, want, atol=0,
                     hint="나온 토큰의 로짓 z는 z > 0이면 z / penalty, z < 0이면 z · penalty, z = 0이면 그대로입니다.")


@pytest.mark.points(2)
def test_repetition_penalty_row_by_row(student, ref, rng):
    """logits가 (B, V)일 때 행마다 그 행의 이전 토큰에만 벌점을 주는지 확인합니다."""
    logits = torch.tensor(rng.standard_normal((3, 9)) * 2, dtype=torch.float32)
    previous = torch.tensor([[0, 0, 3, 3, 7, 1], [8, 2, 2, 5, 4, 4], [6, 6, 6, 6, 6, 6]])
    got = student.apply_repetition_penalty(logits, previous, 1.5)
    assert_close(got, ref.apply_repetition_penalty(logits, previous, 1.5), atol=1e-6,
                 hint="행 b의 벌점은 previous_ids[b]에 있는 토큰에만, 행마다 따로 줍니다.")


@pytest.mark.points(1)
def test_repetition_penalty_without_effect(student, rng):
    """penalty = 1이거나 이전 토큰이 없으면 로짓이 그대로인지 확인합니다."""
    logits = torch.tensor(rng.standard_normal(6), dtype=torch.float32)
    assert_close(student.apply_repetition_penalty(logits, [4, 0, 4], 1.0), logits, atol=0,
                 hint="penalty = 1이면 로짓은 그대로입니다.")
    assert_close(student.apply_repetition_penalty(logits, [], 3.0), logits, atol=0,
                 hint="previous_ids가 비어 있으면 로짓은 그대로입니다 (빈 목록도 처리하세요).")


@pytest.mark.points(1)
def test_repetition_penalty_rejects_nonpositive(student):
    """penalty ≤ 0이면 ValueError를 일으키는지 확인합니다."""
    for bad in (0.0, -1.2):
        with student_raises(ValueError, hint="penalty가 0 이하이면 ValueError를 일으키세요."):
            student.apply_repetition_penalty(torch.tensor([1.0, -1.0]), [0, 1], bad)


@pytest.mark.points(1)
def test_repetition_penalty_leaves_inputs_alone(student, rng):
    """apply_repetition_penalty가 호출한 쪽의 로짓과 이전 토큰을 바꾸지 않는지 확인합니다."""
    logits = torch.tensor(rng.standard_normal((2, 7)), dtype=torch.float32)
    previous = torch.tensor([[1, 5, 5], [0, 6, 2]])
    _, args, _ = student.call_with_args("apply_repetition_penalty", logits.clone(), previous.clone(), 2.0)
    assert_close(args[0], logits, atol=0, hint="입력 로짓을 제자리(in-place)에서 바꾸지 말고 새 텐서를 돌려주세요.")
    assert_equal(torch.as_tensor(args[1]).tolist(), previous.tolist(), hint="previous_ids를 바꾸지 마세요.")
