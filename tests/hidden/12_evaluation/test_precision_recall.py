import pytest

from grader.checks import assert_close

pytestmark = pytest.mark.cell("test_precision_recall")

AVERAGES = ("micro", "macro", "weighted")


@pytest.mark.points(4)
def test_precision_and_recall_are_not_swapped(student):
    """정밀도는 TP/(TP+FP), 재현율은 TP/(TP+FN)이어야 합니다."""
    y_true, y_pred = [0, 1, 0, 0, 1, 0], [1, 1, 1, 0, 1, 1]  # TP=2, FP=3, FN=0
    assert_close(student.precision_score(y_true, y_pred), 2 / 5, atol=1e-12,
                 hint="정밀도 = TP / (TP + FP): 분모는 '양성으로 예측한 개수'입니다.",
                 likely={"정밀도 대신 재현율 TP / (TP + FN)을 계산했습니다.": 1.0})
    assert_close(student.recall_score(y_true, y_pred), 1.0, atol=1e-12,
                 hint="재현율 = TP / (TP + FN): 분모는 '실제 양성의 개수'입니다.",
                 likely={"재현율 대신 정밀도 TP / (TP + FP)를 계산했습니다.": 2 / 5})


@pytest.mark.points(4)
def test_precision_without_positive_predictions_uses_zero_division(student):
    """양성 예측이 없으면 예외나 NaN 없이 zero_division 값을 반환해야 합니다."""
    assert_close(student.precision_score([1, 0, 1, 1], [0, 0, 0, 0]), 0.0, atol=0,
                 hint="TP + FP = 0이면 0으로 나누지 말고 zero_division(기본 0.0)을 반환하세요.")
    assert_close(student.precision_score([1, 0, 1, 1], [0, 0, 0, 0], zero_division=1.0), 1.0,
                 atol=0, hint="zero_division 인자의 값을 그대로 반환해야 합니다.")


@pytest.mark.points(2)
def test_recall_without_actual_positives_uses_zero_division(student):
    """실제 양성이 없으면 재현율도 zero_division 값을 반환해야 합니다."""
    assert_close(student.recall_score([0, 0, 0], [1, 0, 0]), 0.0, atol=0,
                 hint="TP + FN = 0이면 zero_division을 반환하세요.")
    assert_close(student.recall_score([0, 0, 0], [1, 0, 0], zero_division=1.0), 1.0, atol=0,
                 hint="zero_division 인자의 값을 그대로 반환해야 합니다.")


@pytest.mark.points(2)
def test_binary_metrics_respect_pos_label(student, ref, rng):
    """pos_label로 어느 클래스를 양성으로 볼지 정할 수 있어야 합니다."""
    y_true, y_pred = rng.integers(0, 2, 40), rng.integers(0, 2, 40)
    for name in ("precision_score", "recall_score"):
        assert_close(getattr(student, name)(y_true, y_pred, pos_label=0),
                     getattr(ref, name)(y_true, y_pred, pos_label=0), atol=1e-12,
                     hint="pos_label 인자로 받은 클래스를 양성으로 보고 계산해야 합니다.",
                     likely={"pos_label=0인데 1을 양성으로 본 값입니다: pos_label 인자를 쓰세요.":
                             getattr(ref, name)(y_true, y_pred, pos_label=1)})


@pytest.mark.points(4)
def test_precision_averages_match_definitions(student, ref, rng):
    """다중 클래스 정밀도의 micro / macro / weighted 평균이 정의와 같아야 합니다."""
    y_true, y_pred = rng.integers(0, 4, 80), rng.integers(0, 4, 80)
    y_pred[y_pred == 3] = 2  # class 3 is never predicted: its precision hits zero_division
    for average in AVERAGES:
        assert_close(student.precision_score(y_true, y_pred, average=average),
                     ref.precision_score(y_true, y_pred, average=average), atol=1e-12,
                     hint=f"average='{average}'의 정의를 확인하세요. micro는 개수를 먼저 더하고, "
                          f"macro는 단순 평균, weighted는 실제 개수로 가중 평균합니다.")


@pytest.mark.points(4)
def test_recall_averages_match_definitions(student, ref, rng):
    """다중 클래스 재현율의 micro / macro / weighted 평균이 정의와 같아야 합니다."""
    y_true, y_pred = rng.integers(0, 5, 90), rng.integers(0, 5, 90)
    y_true[y_true == 4] = 0  # class 4 appears only among predictions
    for average in AVERAGES:
        assert_close(student.recall_score(y_true, y_pred, average=average),
                     ref.recall_score(y_true, y_pred, average=average), atol=1e-12,
                     hint=f"average='{average}'의 정의를 확인하세요. 예측에만 나오는 클래스도 "
                          f"레이블에 포함해야 합니다.")
