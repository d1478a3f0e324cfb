import numpy as np
import pytest

from grader.checks import assert_close, expect, student_raises

pytestmark = pytest.mark.cell("test_accuracy")


@pytest.mark.points(2)
def test_accuracy_is_share_of_correct_predictions(student, ref, rng):
    """정확도는 전체 예측 중 맞힌 예측의 비율이어야 합니다 (다중 클래스 포함)."""
    y_true, y_pred = rng.integers(0, 4, 57), rng.integers(0, 4, 57)
    assert_close(student.accuracy_score(y_true, y_pred), ref.accuracy_score(y_true, y_pred),
                 atol=1e-12, hint="정확도 = 맞힌 개수 / 전체 개수 인지 확인하세요.")


@pytest.mark.points(1)
def test_accuracy_returns_a_float(student):
    """accuracy_score는 float를 반환해야 합니다."""
    got = student.accuracy_score([0, 1, 1], [0, 1, 0])
    expect(isinstance(got, float), "accuracy_score는 float(예: 0.5)를 반환해야 합니다. "
                                   "리스트나 배열이 아닌지 확인하세요.")


@pytest.mark.points(3)
def test_token_accuracy_ignores_padding(student):
    """토큰 정확도는 -100(패딩) 위치를 분자와 분모 모두에서 빼야 합니다 (유효한 위치가 없으면 0.0)."""
    y_true = [[4, 9, 2, -100, -100], [7, 7, -100, -100, -100]]
    y_pred = [[4, 1, 2, -100, 5], [7, 3, 0, 0, 0]]
    assert_close(student.token_accuracy(y_true, y_pred), 3 / 5, atol=1e-12,
                 hint="패딩(-100) 위치는 맞았든 틀렸든 세지 않아야 합니다.")
    assert_close(student.token_accuracy([[-100, -100, -100]], [[-100, 3, 5]]), 0.0, atol=0,
                 hint="모든 위치가 패딩이면 셀 것이 없으니 0.0을 돌려줍니다 (0으로 나누거나 1.0을 돌려주지 마세요).")


@pytest.mark.points(1)
def test_token_accuracy_matches_reference_with_custom_ignore_index(student, ref, rng):
    """ignore_index 인자로 다른 패딩 값을 지정해도 올바르게 동작해야 합니다."""
    y_true = rng.integers(0, 5, (6, 9))
    y_true[:, 6:] = -1
    y_pred = rng.integers(0, 5, (6, 9))
    assert_close(student.token_accuracy(y_true, y_pred, ignore_index=-1),
                 ref.token_accuracy(y_true, y_pred, ignore_index=-1), atol=1e-12,
                 hint="ignore_index 인자로 받은 값의 위치는 분자와 분모 모두에서 뺍니다.",
                 likely={"ignore_index(여기서는 -1) 위치까지 센 값입니다: ignore_index 인자로 받은 값의 "
                         "위치는 세지 않습니다.": ref.token_accuracy(y_true, y_pred, ignore_index=-100)})


@pytest.mark.points(2)
def test_accuracy_refuses_inputs_that_do_not_line_up(student):
    """길이가 다르거나, 1차원이 아니거나, 비어 있는 입력에 accuracy_score가 ValueError를 내는지 확인합니다."""
    hint = ("accuracy_score는 입력을 배열로 바꾼 뒤 1차원인지, 길이가 같은지, 비어 있지 않은지 확인하고 아니면 "
            "ValueError를 내야 합니다. 짧은 쪽에 맞춰 자르거나 브로드캐스팅하면 안 됩니다.")
    for y_true, y_pred in (([0, 1, 1], [1]), ([1], [0, 1, 1]), ([0, 1, 1, 0], [0, 1, 1]),
                           ([[0, 1], [1, 1]], [[0, 1], [1, 0]]), ([], [])):
        with student_raises(ValueError, hint=hint):
            student.accuracy_score(y_true, y_pred)


@pytest.mark.points(2)
def test_boolean_labels_are_labels_and_scores_are_not(student):
    """불리언 레이블(True = 1)과 정수 값인 실수 레이블(1.0)은 받아들이고, 정수가 아닌 점수가 레이블 자리에 오면
    ValueError를 내는지 확인합니다."""
    got = student.accuracy_score(np.array([True, False, True, True, False]), [1, 0, 0, 1, 1])
    assert_close(got, 3 / 5, atol=1e-12, hint="불리언 레이블은 True = 1, False = 0으로 비교합니다.")
    got = student.accuracy_score([0, 1, 2, 1], np.array([0.0, 1.0, 1.0, 1.0]))
    assert_close(got, 3 / 4, atol=1e-12, hint="[0.0, 1.0]처럼 정수 값인 실수는 레이블로 받아들입니다. ValueError는 "
                                             "정수가 아닌 값(예: 0.7)이 있을 때만 내세요.")
    with student_raises(ValueError, hint="레이블 자리에 정수가 아닌 실수(점수, 확률)가 오면 ValueError를 내세요."):
        student.accuracy_score([0, 1, 1], [0.2, 0.7, 0.9])


@pytest.mark.points(1)
def test_token_accuracy_refuses_shapes_that_differ(student):
    """token_accuracy가 모양이 다른 두 입력에 ValueError를 내는지 확인합니다."""
    with student_raises(ValueError, hint="token_accuracy는 y_true와 y_pred의 모양이 다르면 ValueError를 내야 "
                                         "합니다 (브로드캐스팅하지 마세요)."):
        student.token_accuracy([[4, 9, -100], [7, 7, -100]], [[4, 9, 1]])
