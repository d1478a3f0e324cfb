import pytest

from grader.checks import assert_close, student_raises

pytestmark = pytest.mark.cell("test_f1")


def _f1_of_macro_p_and_r(ref, y_true, y_pred):
    p = ref.precision_score(y_true, y_pred, average="macro")
    r = ref.recall_score(y_true, y_pred, average="macro")
    return 2 * p * r / (p + r)


@pytest.mark.points(6)
def test_macro_f1_is_the_mean_of_per_class_f1(student, ref):
    """macro F1이 클래스별 F1의 평균인지 확인합니다."""
    y_true, y_pred = [0, 0, 1, 1, 1, 2, 2, 2, 2], [0, 1, 1, 2, 2, 2, 2, 2, 0]
    # mean of per-class F1 = 0.5222; F1 of macro P and macro R would give 0.5305
    assert_close(student.f1_score(y_true, y_pred, average="macro"),
                 ref.f1_score(y_true, y_pred, average="macro"), atol=1e-9,
                 hint="macro F1은 클래스마다 F1을 구한 뒤 그 평균입니다.",
                 likely={"macro 정밀도와 macro 재현율의 조화평균을 계산했습니다: macro F1은 클래스마다 "
                         "F1을 구한 뒤 평균합니다.": _f1_of_macro_p_and_r(ref, y_true, y_pred)})


@pytest.mark.points(3)
def test_micro_and_weighted_f1(student, ref):
    """micro F1은 개수를 합친 F1, weighted F1은 실제 개수로 가중한 평균이어야 합니다."""
    y_true, y_pred = [0, 0, 1, 2, 2, 2, 2, 1], [0, 1, 1, 2, 0, 2, 1, 1]
    assert_close(student.f1_score(y_true, y_pred, average="micro"),
                 ref.f1_score(y_true, y_pred, average="micro"), atol=1e-9,
                 hint="micro 평균은 모든 클래스의 TP, FP, FN을 먼저 더한 뒤 계산합니다.")
    assert_close(student.f1_score(y_true, y_pred, average="weighted"),
                 ref.f1_score(y_true, y_pred, average="weighted"), atol=1e-9,
                 hint="weighted 평균의 가중치는 각 클래스의 실제 개수(support = TP + FN)입니다.")


@pytest.mark.points(1)
def test_binary_f1(student, ref, rng):
    """이진 F1 = 2·TP / (2·TP + FP + FN)이어야 합니다."""
    y_true, y_pred = rng.integers(0, 2, 33), rng.integers(0, 2, 33)
    assert_close(student.f1_score(y_true, y_pred), ref.f1_score(y_true, y_pred), atol=1e-12,
                 hint="F1은 정밀도와 재현율의 조화평균입니다: 2PR / (P + R).")


@pytest.mark.points(1)
@pytest.mark.parametrize("average", ["micro", "macro", "weighted"])
def test_f1_averages_on_random_labels(student, ref, rng, average):
    """여러 클래스의 임의 레이블에서 F1이 정의와 같아야 합니다."""
    y_true, y_pred = rng.integers(0, 4, 64), rng.integers(0, 4, 64)
    y_pred[y_pred == 0] = 1
    assert_close(student.f1_score(y_true, y_pred, average=average),
                 ref.f1_score(y_true, y_pred, average=average), atol=1e-12,
                 hint=f"average='{average}'인 F1을 확인하세요. 한 번도 예측되지 않은 클래스의 F1은 0입니다.")


@pytest.mark.points(1)
def test_f1_with_nothing_to_count_uses_zero_division(student):
    """TP, FP, FN이 모두 0이면 F1도 zero_division 값을 반환해야 합니다."""
    assert_close(student.f1_score([0, 0], [0, 0], zero_division=1.0), 1.0, atol=0,
                 hint="2·TP + FP + FN = 0이면 0으로 나누지 말고 zero_division을 반환하세요.")
    assert_close(student.f1_score([0, 0], [0, 0]), 0.0, atol=0,
                 hint="2·TP + FP + FN = 0이면 0으로 나누지 말고 zero_division을 반환하세요.")


@pytest.mark.points(2)
def test_f1_is_zero_when_nothing_is_right_but_something_was_counted(student, ref):
    """TP = 0이어도 FP + FN > 0이면 F1이 zero_division이 아니라 0.0인지 확인합니다 (클래스별 평균에서도)."""
    hint = "F1의 분모 2·TP + FP + FN이 0이 아니면 zero_division이 아니라 계산한 값(여기서는 0.0)입니다."
    assert_close(student.f1_score([0, 0, 1, 0], [1, 1, 0, 0], zero_division=1.0), 0.0, atol=0, hint=hint)
    y_true, y_pred = [0, 1, 2, 3, 3, 0, 2], [0, 2, 2, 0, 1, 0, 1]
    for average in ("macro", "weighted"):
        assert_close(student.f1_score(y_true, y_pred, average=average, zero_division=1.0),
                     ref.f1_score(y_true, y_pred, average=average, zero_division=1.0), atol=1e-12,
                     hint=hint + " 클래스마다 따로 판단하세요.")


@pytest.mark.points(1)
def test_f1_refuses_inputs_that_do_not_line_up(student):
    """길이가 다른 두 입력에 f1_score가 ValueError를 내는지 확인합니다."""
    for average in ("binary", "macro"):
        with student_raises(ValueError, hint="길이가 다른 두 입력은 ValueError입니다. 짧은 쪽에 맞춰 자르거나 "
                                             "브로드캐스팅하지 마세요."):
            student.f1_score([0, 1, 1, 0, 1], [0, 1, 1], average=average)
