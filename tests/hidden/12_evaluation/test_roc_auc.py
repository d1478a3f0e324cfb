import numpy as np
import pytest

from grader.checks import assert_close, expect, student_raises

pytestmark = pytest.mark.cell("test_roc_auc")


def _unpack(curve):
    expect(isinstance(curve, (tuple, list)) and len(curve) == 3,
           "roc_curve는 (fpr, tpr, thresholds) 세 값을 반환해야 합니다.")
    return curve


@pytest.mark.points(4)
def test_roc_curve_points_with_tied_scores(student, ref, rng):
    """ROC 곡선의 (FPR, TPR) 점들이 정의와 같아야 합니다 (동점 점수 포함)."""
    y_true = rng.integers(0, 2, 60)
    y_score = rng.integers(0, 12, 60) / 12  # many ties
    fpr, tpr, _ = _unpack(student.roc_curve(y_true, y_score))
    want_fpr, want_tpr, _ = ref.roc_curve(y_true, y_score)
    hint = ("임계값을 높은 점수부터 낮추며, score ≥ 임계값인 샘플을 양성으로 보고 FPR과 TPR을 "
            "계산하세요. 같은 점수는 한 임계값으로 묶습니다.")
    ties = "점은 서로 다른 점수마다 하나(그리고 맨 앞의 (0, 0))입니다: 같은 점수는 한 임계값으로 묶습니다."
    assert_close(fpr, want_fpr, atol=1e-12, hint=hint, shape_hint=ties)
    assert_close(tpr, want_tpr, atol=1e-12, hint=hint, shape_hint=ties)


@pytest.mark.points(2)
def test_roc_thresholds_start_at_infinity_and_descend(student, ref, rng):
    """thresholds는 inf로 시작하고, 서로 다른 점수를 내림차순으로 담아야 합니다."""
    y_true = rng.integers(0, 2, 25)
    y_score = rng.random(25).round(1)
    _, _, thresholds = _unpack(student.roc_curve(y_true, y_score))
    assert_close(thresholds, ref.roc_curve(y_true, y_score)[2], atol=0,
                 hint="thresholds = [inf, 가장 큰 점수, ..., 가장 작은 점수] (중복 없이)입니다.",
                 shape_hint="thresholds는 inf 하나와 서로 다른 점수마다 하나씩입니다 (중복 없이).")


@pytest.mark.points(4)
def test_auc_counts_tied_scores_as_half(student):
    """동점인 양성-음성 쌍은 AUC에서 절반으로 계산되어야 합니다."""
    assert_close(student.roc_auc_score([0, 1, 1, 0, 1], [0.3, 0.3, 0.8, 0.1, 0.6]), 5.5 / 6, atol=1e-12,
                 hint="점수가 같은 양성-음성 쌍은 ½로 셉니다.",
                 likely={"점수가 같은 양성-음성 쌍을 0으로 셌습니다('>'로만 비교): ½로 세세요.": 5 / 6,
                         "점수가 같은 양성-음성 쌍을 1로 셌습니다('>='로 비교): ½로 세세요.": 1.0})


@pytest.mark.points(4)
def test_auc_does_not_depend_on_sample_order(student, rng):
    """샘플 순서를 바꿔도 AUC는 같아야 합니다 (동점을 한 임계값으로 묶기)."""
    y_true = np.array([0, 1, 0, 1, 1, 0, 1, 0])
    y_score = np.array([0.4, 0.4, 0.4, 0.7, 0.2, 0.2, 0.9, 0.1])
    forward = student.roc_auc_score(y_true, y_score)
    backward = student.roc_auc_score(y_true[::-1].copy(), y_score[::-1].copy())
    order = rng.permutation(8)
    shuffled = student.roc_auc_score(y_true[order], y_score[order])
    hint = ("샘플 순서에 따라 AUC가 달라집니다. 같은 점수를 가진 샘플들을 한 번에 처리(한 임계값으로 "
            "묶기)하세요.")
    assert_close(backward, forward, atol=1e-12, hint=hint)
    assert_close(shuffled, forward, atol=1e-12, hint=hint)
    assert_close(forward, 12.5 / 16, atol=1e-12, hint=hint)


@pytest.mark.points(2)
def test_auc_uses_scores_not_hard_predictions(student, ref):
    """AUC는 0.5로 자른 예측이 아니라 점수의 순서로 계산해야 합니다."""
    y_true = [0, 0, 1, 1, 0, 1]
    y_score = [0.1, 0.35, 0.3, 0.45, 0.05, 0.2]  # all below 0.5
    assert_close(student.roc_auc_score(y_true, y_score), ref.roc_auc_score(y_true, y_score),
                 atol=1e-12, hint="AUC는 점수(확률)의 순서로 계산합니다.",
                 likely={"0.5로 자른 0/1 예측으로 계산한 AUC입니다: AUC는 점수의 순서로 계산합니다.":
                         ref.roc_auc_score(y_true, [int(s >= 0.5) for s in y_score])})


@pytest.mark.points(2)
def test_auc_with_a_single_class_raises_value_error(student):
    """y_true에 클래스가 하나뿐이면 AUC는 정의되지 않으므로 ValueError를 내야 합니다."""
    with student_raises(ValueError, hint="y_true에 양성과 음성이 모두 있는지 확인하고, 아니면 "
                                         "ValueError를 내세요."):
        student.roc_auc_score([1, 1, 1], [0.2, 0.5, 0.9])


@pytest.mark.points(1)
def test_auc_on_random_scores(student, ref, rng):
    """임의의 점수에서 AUC가 정의와 같아야 합니다."""
    y_true = rng.integers(0, 2, 200)
    y_score = rng.normal(size=200) + y_true
    assert_close(student.roc_auc_score(y_true, y_score), ref.roc_auc_score(y_true, y_score),
                 atol=1e-12, hint="AUC = P(양성 점수 > 음성 점수) + ½·P(같음) 입니다.")


@pytest.mark.points(2)
def test_roc_refuses_inputs_that_do_not_line_up(student):
    """길이가 다르거나, 1차원이 아니거나, 비어 있는 입력에 roc_curve와 roc_auc_score가 ValueError를 내는지 확인합니다."""
    hint = ("y_true와 y_score는 둘 다 1차원이고 길이가 같고 비어 있지 않아야 합니다. 아니면 ValueError를 내세요 "
            "(짧은 쪽에 맞춰 자르거나 브로드캐스팅하지 마세요).")
    for y_true, y_score in (([0, 1, 1, 0], [0.2, 0.9, 0.4]), ([0, 1], [0.2, 0.9, 0.4]),
                            ([0, 1, 1], [[0.2, 0.9, 0.4]]), ([0, 1, 1], [[0.2], [0.9], [0.4]]),
                            ([[0], [1], [1]], [0.2, 0.9, 0.4]), ([], [])):
        with student_raises(ValueError, hint=hint):
            student.roc_curve(y_true, y_score)
        with student_raises(ValueError, hint=hint):
            student.roc_auc_score(y_true, y_score)


@pytest.mark.points(2)
def test_roc_leaves_the_inputs_unchanged(student, rng):
    """roc_curve와 roc_auc_score가 넘겨받은 배열을 바꾸지 않는지 확인합니다."""
    y_true = rng.integers(0, 2, 30)
    y_true[:2] = [0, 1]
    y_score = rng.random(30).round(2)
    for name in ("roc_curve", "roc_auc_score"):
        _, (true_after, score_after), _ = student.call_with_args(name, y_true.copy(), y_score.copy())
        assert_close(true_after, y_true, atol=0, hint="넘겨받은 y_true 배열이 바뀌었습니다. 정렬은 제자리(sort)가 "
                                                      "아니라 새 배열(np.sort, argsort)로 하세요.")
        assert_close(score_after, y_score, atol=0, hint="넘겨받은 y_score 배열이 바뀌었습니다. 정렬은 제자리(sort)가 "
                                                        "아니라 새 배열(np.sort, argsort)로 하세요.")


@pytest.mark.points(1)
def test_boolean_labels_mark_the_positives(student, ref, rng):
    """불리언 y_true에서 True를 양성으로 보고 AUC를 계산하는지 확인합니다."""
    labels = rng.integers(0, 3, 40)
    y_score = rng.random(40).round(1)
    assert_close(student.roc_auc_score(labels == 1, y_score), ref.roc_auc_score((labels == 1).astype(int), y_score),
                 atol=1e-12, hint="불리언 y_true는 True가 양성(1)입니다 (일대다 ROC에서 씁니다).")


@pytest.mark.points(1)
def test_auc_with_only_negatives_raises_value_error(student):
    """y_true가 모두 음성(0)이어도 AUC가 정의되지 않으므로 ValueError를 내는지 확인합니다."""
    with student_raises(ValueError, hint="y_true에 양성이 하나도 없을 때도 ValueError를 내세요 (양성만 있을 "
                                         "때와 마찬가지로 클래스가 하나뿐입니다)."):
        student.roc_auc_score([0, 0, 0, 0], [0.1, 0.4, 0.35, 0.8])
