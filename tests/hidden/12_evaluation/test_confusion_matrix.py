import numpy as np
import pytest

from grader.checks import assert_close, expect

pytestmark = pytest.mark.cell("test_confusion_matrix")


@pytest.mark.points(4)
def test_rows_are_true_labels_and_columns_predictions(student):
    """혼동 행렬의 행은 실제 클래스, 열은 예측 클래스여야 합니다."""
    got = student.confusion_matrix([0, 1, 1, 2, 2, 2], [0, 0, 1, 2, 1, 0])
    assert_close(got, [[1, 0, 0], [1, 1, 0], [1, 1, 1]], atol=0,
                 hint="C[i, j]는 '실제가 i인데 j로 예측한 개수'입니다.",
                 likely={"행과 열이 바뀌었습니다: 행은 실제 클래스, 열은 예측 클래스입니다.":
                         [[1, 1, 1], [0, 1, 1], [0, 0, 1]]})


@pytest.mark.points(3)
def test_classes_missing_from_predictions_are_kept(student):
    """예측에 한 번도 나오지 않은 클래스도 행렬에 행과 열이 있어야 합니다."""
    got = student.confusion_matrix([0, 1, 2, 2], [0, 0, 0, 0])
    assert_close(got, [[1, 0, 0], [1, 0, 0], [2, 0, 0]], atol=0,
                 hint="레이블은 y_true와 y_pred 양쪽에 나오는 모든 클래스입니다.",
                 shape_hint="행렬의 크기는 y_true와 y_pred 양쪽에 나오는 클래스의 수입니다 "
                            "(예측에 없는 클래스도 행과 열이 있습니다).")


@pytest.mark.points(3)
def test_labels_argument_fixes_order_and_subset(student):
    """labels 인자가 있으면 그 순서대로 행렬을 만들고, 없는 클래스의 샘플은 세지 않아야 합니다."""
    got = student.confusion_matrix([3, 1, 1, 7, 3], [3, 3, 1, 7, 1], labels=[3, 1, 5])
    assert_close(got, [[1, 1, 0], [1, 1, 0], [0, 0, 0]], atol=0,
                 hint="labels 인자를 주면 그 순서로 행과 열을 만들고, labels에 없는 클래스는 무시하세요.")


@pytest.mark.points(2)
def test_confusion_matrix_is_integer_counts(student, ref, rng):
    """임의의 다중 클래스 레이블에서 개수가 맞고 정수 배열이어야 합니다."""
    y_true, y_pred = rng.integers(0, 5, 70), rng.integers(0, 5, 70)
    got = student.confusion_matrix(y_true, y_pred)
    assert_close(got, ref.confusion_matrix(y_true, y_pred), atol=0,
                 hint="각 칸의 개수를 다시 세어 보세요.")
    expect(np.asarray(got).dtype.kind in "iu", "혼동 행렬은 개수이므로 정수 배열이어야 합니다.")
