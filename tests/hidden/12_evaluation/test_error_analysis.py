import numpy as np
import pytest

from grader.checks import assert_equal, expect, student_raises

pytestmark = pytest.mark.cell("test_error_analysis")


def _as_ints(value):
    expect(isinstance(value, (list, tuple)) or hasattr(value, "tolist"),
           "most_confident_errors는 인덱스 리스트를 반환해야 합니다.")
    return [int(i) for i in (value.tolist() if hasattr(value, "tolist") else value)]


@pytest.mark.points(3)
def test_most_confident_mistakes_come_first(student):
    """가장 확신하고 틀린 샘플이 먼저 와야 합니다."""
    y_true = [1, 0, 1, 0, 1, 0, 1]
    y_score = [0.45, 0.7, 0.05, 0.99, 0.9, 0.52, 0.35]
    got = _as_ints(student.most_confident_errors(y_true, y_score, k=3))
    assert_equal(got, [3, 2, 1], hint="틀린 샘플을 |점수 − 임계값|이 큰 순서로 정렬하세요.")


@pytest.mark.points(2)
def test_only_mistakes_are_returned(student):
    """맞힌 샘플은 아무리 확신이 커도 포함되지 않아야 합니다 (점수가 임계값과 같으면 양성 예측)."""
    y_true = [1, 1, 0, 0, 1, 0]
    y_score = [0.99, 0.2, 0.01, 0.6, 0.5, 0.5]
    got = _as_ints(student.most_confident_errors(y_true, y_score, k=10))
    assert_equal(got, [1, 3, 5], hint="예측 = score ≥ threshold 일 때 1입니다 (같을 때도 1). 틀린 샘플만 "
                                      "골라야 합니다.")


@pytest.mark.points(1)
def test_threshold_argument_is_used(student):
    """threshold 인자로 예측을 정하고 확신도를 재야 합니다."""
    y_true = [0, 1, 0, 1]
    y_score = [0.75, 0.8, 0.95, 0.4]
    got = _as_ints(student.most_confident_errors(y_true, y_score, k=2, threshold=0.9))
    assert_equal(got, [3, 1], hint="예측은 score ≥ threshold이면 1이고, 확신도는 |score − threshold|입니다.",
                 likely={"threshold=0.9 대신 0.5로 나눈 결과입니다: threshold 인자로 예측과 확신도를 "
                         "정합니다.": [2, 0]})


@pytest.mark.points(1)
def test_ties_keep_index_order(student):
    """확신도가 같으면 인덱스가 작은 샘플이 먼저 와야 합니다 (틀린 샘플이 많을 때도)."""
    got = _as_ints(student.most_confident_errors([0, 0, 0], [0.8, 0.8, 0.8], k=3))
    assert_equal(got, [0, 1, 2], hint="확신도가 같을 때는 원래 순서(인덱스 오름차순)를 유지하세요.")
    y_score = [0.8, 0.9] * 20  # 40 mistakes, two confidence levels
    got = _as_ints(student.most_confident_errors([0] * 40, y_score, k=40))
    want = list(range(1, 40, 2)) + list(range(0, 40, 2))
    if sorted(got[:20]) == want[:20] and sorted(got[20:]) == want[20:]:
        hint = ("틀린 샘플이 많을 때 확신도가 같은 샘플들이 인덱스 순서를 지키지 않았습니다. 안정 정렬을 쓰세요: "
                "np.argsort의 기본 정렬은 원소가 많으면 같은 값의 순서를 바꿀 수 있으니 kind=\"stable\"을 주거나 "
                "파이썬의 sorted를 쓰세요.")
    else:
        hint = "틀린 샘플을 확신도 |score − threshold|가 큰 순서로, 같으면 인덱스가 작은 순서로 정렬하세요."
    assert_equal(got, want, hint=hint)


@pytest.mark.points(1)
def test_no_mistakes_or_k_zero_gives_an_empty_list(student):
    """틀린 샘플이 없거나 k = 0이면 빈 리스트를 돌려주는지 확인합니다."""
    assert_equal(_as_ints(student.most_confident_errors([1, 0, 1], [0.9, 0.1, 0.6], k=3)), [],
                 hint="틀린 샘플이 하나도 없으면 빈 리스트입니다.")
    assert_equal(_as_ints(student.most_confident_errors([1, 0, 1], [0.1, 0.9, 0.6], k=0)), [],
                 hint="k = 0이면 빈 리스트입니다. k개까지만 돌려주세요.")


@pytest.mark.points(1)
def test_error_analysis_leaves_the_inputs_unchanged(student):
    """most_confident_errors가 넘겨받은 배열을 바꾸지 않는지 확인합니다."""
    y_true = np.array([1, 0, 1, 0, 1, 0])
    y_score = np.array([0.3, 0.8, 0.9, 0.6, 0.05, 0.2])
    _, (true_after, score_after, _), _ = student.call_with_args("most_confident_errors", y_true.copy(),
                                                                y_score.copy(), 3)
    assert_equal([true_after.tolist(), score_after.tolist()], [y_true.tolist(), y_score.tolist()],
                 hint="넘겨받은 배열이 바뀌었습니다. 정렬은 제자리(sort)가 아니라 새 배열(argsort)로 하세요.")


@pytest.mark.points(1)
def test_error_analysis_refuses_inputs_that_do_not_line_up(student):
    """y_true와 y_score의 길이가 다르거나 비어 있으면 ValueError를 내는지 확인합니다."""
    with student_raises(ValueError, hint="y_true와 y_score의 길이가 다르면 ValueError를 내세요 (짧은 쪽에 맞춰 "
                                         "자르지 마세요)."):
        student.most_confident_errors([1, 0, 1, 0], [0.9, 0.8], k=2)
    with student_raises(ValueError, hint="빈 입력은 ValueError입니다 (5절의 _check_scores로 검사합니다)."):
        student.most_confident_errors([], [], k=2)
