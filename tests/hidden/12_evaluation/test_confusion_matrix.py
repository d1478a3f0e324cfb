import numpy as np
import pytest

from grader.checks import assert_close, expect, student_raises

pytestmark = pytest.mark.cell("test_confusion_matrix")


@pytest.mark.points(3)
def test_rows_are_true_labels_and_columns_predictions(student):
    """혼동 행렬의 행은 실제 클래스, 열은 예측 클래스여야 합니다."""
    got = student.confusion_matrix([0, 1, 1, 2, 2, 2], [0, 0, 1, 2, 1, 0])
    assert_close(got, [[1, 0, 0], [1, 1, 0], [1, 1, 1]], atol=0,
                 hint="C[i, j]는 '실제가 i인데 j로 예측한 개수'입니다.",
                 likely={"행과 열이 바뀌었습니다: 행은 실제 클래스, 열은 예측 클래스입니다.":
                         [[1, 1, 1], [0, 1, 1], [0, 0, 1]]})


@pytest.mark.points(2)
def test_classes_missing_from_predictions_are_kept(student):
    """예측에 한 번도 나오지 않은 클래스도 행렬에 행과 열이 있어야 합니다."""
    got = student.confusion_matrix([0, 1, 2, 2], [0, 0, 0, 0])
    assert_close(got, [[1, 0, 0], [1, 0, 0], [2, 0, 0]], atol=0,
                 hint="레이블은 y_true와 y_pred 양쪽에 나오는 모든 클래스입니다.",
                 shape_hint="행렬의 크기는 y_true와 y_pred 양쪽에 나오는 클래스의 수입니다 "
                            "(예측에 없는 클래스도 행과 열이 있습니다).")


@pytest.mark.points(2)
def test_labels_argument_fixes_order_and_subset(student):
    """labels 인자가 있으면 그 순서대로 행렬을 만들고, 없는 클래스의 샘플은 세지 않아야 합니다."""
    # the last two samples have one side in labels and the other (7) not: neither is counted
    got = student.confusion_matrix([3, 1, 1, 7, 3, 7, 1], [3, 3, 1, 7, 1, 3, 7], labels=[3, 1, 5])
    assert_close(got, [[1, 1, 0], [1, 1, 0], [0, 0, 0]], atol=0,
                 hint="labels 인자를 주면 그 순서로 행과 열을 만들고, 실제나 예측 중 하나라도 labels에 없는 "
                      "샘플은 세지 마세요.")


@pytest.mark.points(1)
def test_confusion_matrix_is_integer_counts(student, ref, rng):
    """임의의 다중 클래스 레이블에서 개수가 맞고 정수 배열이어야 합니다."""
    y_true, y_pred = rng.integers(0, 5, 70), rng.integers(0, 5, 70)
    got = student.confusion_matrix(y_true, y_pred)
    assert_close(got, ref.confusion_matrix(y_true, y_pred), atol=0,
                 hint="각 칸의 개수를 다시 세어 보세요.")
    expect(np.asarray(got).dtype.kind in "iu", "혼동 행렬은 개수이므로 정수 배열이어야 합니다.")


@pytest.mark.points(2)
def test_default_labels_are_sorted_not_in_order_of_appearance(student):
    """labels가 없을 때 행과 열이 처음 나온 순서가 아니라 정렬된 클래스 순서인지 확인합니다."""
    got = student.confusion_matrix([2, 0, 1, 2, 0], [1, 0, 2, 2, 2])
    assert_close(got, [[1, 0, 1], [0, 0, 1], [0, 1, 1]], atol=0,
                 hint="labels를 주지 않으면 클래스를 정렬한 순서(0, 1, 2, ...)로 행과 열을 만드세요. 처음 "
                      "나온 순서를 쓰지 않았나요?")


@pytest.mark.points(2)
def test_classes_only_in_predictions_are_kept(student):
    """예측에만 나오는 클래스도 행렬에 행과 열이 있는지 확인합니다."""
    got = student.confusion_matrix([0, 0, 1, 1], [0, 3, 1, 3])
    assert_close(got, [[1, 0, 1], [0, 1, 1], [0, 0, 0]], atol=0,
                 hint="레이블은 y_true와 y_pred에 나오는 모든 클래스(합집합)입니다. y_true에만 있는 "
                      "클래스로 만들지 않았나요?")


@pytest.mark.points(2)
def test_confusion_matrix_refuses_inputs_that_do_not_line_up(student):
    """길이가 다르거나 레이블 자리에 점수가 오면 confusion_matrix가 ValueError를 내는지 확인합니다."""
    for y_true, y_pred in (([0, 1, 1, 2], [0, 1]), ([0, 1], [0, 1, 1, 2])):
        with student_raises(ValueError, hint="길이가 다른 두 입력은 ValueError입니다. zip으로 짝을 지으면 "
                                             "짧은 쪽에서 조용히 끝나니 길이를 먼저 확인하세요."):
            student.confusion_matrix(y_true, y_pred)
    with student_raises(ValueError, hint="레이블 자리에 정수가 아닌 점수가 오면 ValueError를 내세요."):
        student.confusion_matrix([0, 1, 1], [0.1, 0.8, 0.6])
