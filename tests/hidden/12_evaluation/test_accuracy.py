import pytest

from grader.checks import assert_close, expect

pytestmark = pytest.mark.cell("test_accuracy")


@pytest.mark.points(3)
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


@pytest.mark.points(4)
def test_token_accuracy_ignores_padding(student):
    """토큰 정확도는 -100(패딩) 위치를 분자와 분모 모두에서 빼야 합니다."""
    y_true = [[4, 9, 2, -100, -100], [7, 7, -100, -100, -100]]
    y_pred = [[4, 1, 2, -100, 5], [7, 3, 0, 0, 0]]
    assert_close(student.token_accuracy(y_true, y_pred), 3 / 5, atol=1e-12,
                 hint="패딩(-100) 위치는 맞았든 틀렸든 세지 않아야 합니다.")


@pytest.mark.points(2)
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
