"""warmup_cosine (an exact list of learning rates) and EarlyStopping."""
import pytest

from grader.checks import assert_close, assert_equal, expect, student_raises


@pytest.mark.cell("test_warmup_cosine")
@pytest.mark.points(8)
def test_lr_schedule_exact_list(student, ref):
    """워밍업 + 코사인 학습률이 step마다 정확해야 합니다 (step 0의 학습률은 0, total_steps에서 min_lr, min_lr를 주지 않으면 0)."""
    for warmup, total, max_lr, min_lr in ((4, 13, 0.2, 0.01), (3, 8, 1.0, 0.0), (0, 5, 0.5, 0.1)):
        steps = range(total + 4)
        got = [float(student.warmup_cosine(s, warmup, total, max_lr, min_lr)) for s in steps]
        want = [ref.warmup_cosine(s, warmup, total, max_lr, min_lr) for s in steps]
        assert_close(got, want, atol=1e-9, rtol=1e-6,
                     hint="step < warmup_steps에서는 max_lr · step / warmup_steps, 그 뒤로는 "
                          "p = (step - warmup_steps) / (total_steps - warmup_steps)의 코사인입니다. 하나 어긋남(off-by-one)을 확인하세요.")
    got = [float(student.warmup_cosine(s, 2, 6, 0.4)) for s in range(9)]
    assert_close(got, [ref.warmup_cosine(s, 2, 6, 0.4, 0.0) for s in range(9)], atol=1e-9, rtol=1e-6,
                 hint="min_lr를 주지 않으면 0입니다 (끝에서 학습률 0까지 내려감).")


def _run(stopper, values):
    return [bool(stopper.step(v)) for v in values]


@pytest.mark.cell("test_early_stopping")
@pytest.mark.points(2)
def test_early_stopping_min_mode(student, ref):
    """검증 손실이 patience번 연속 나아지지 않으면 그때 True를 돌려줘야 합니다."""
    values = [1.0, 0.8, 0.85, 0.79, 0.81, 0.9, 0.95, 0.7]
    stopper = student.EarlyStopping(3)
    got = _run(stopper, values)
    want = _run(ref.EarlyStopping(3), values)
    assert_equal(got, want, hint="개선되면 카운터를 0으로, 아니면 1 늘리고, 카운터 ≥ patience이면 True입니다.")
    assert_close(float(stopper.best), 0.7, atol=1e-12, hint="best는 지금까지 가장 좋은 값입니다.")
    plateau = [1.0, 0.8, 0.8, 0.8, 0.8, 0.7]
    assert_equal(_run(student.EarlyStopping(3), plateau), _run(ref.EarlyStopping(3), plateau),
                 hint="best와 같은 값은 개선이 아닙니다 (value < best - min_delta 일 때만 개선).")


@pytest.mark.cell("test_early_stopping")
@pytest.mark.points(3)
def test_early_stopping_min_delta_and_max_mode(student, ref):
    """min_delta보다 작은 개선은 개선이 아니고, mode="max"(정확도)에서는 커지는 것이 개선입니다 (best와 같은 값은 두 모드 모두 개선이 아님)."""
    values = [0.5, 0.55, 0.58, 0.59, 0.70, 0.69, 0.705, 0.71]
    got = _run(student.EarlyStopping(2, min_delta=0.02, mode="max"), values)
    assert_equal(got, _run(ref.EarlyStopping(2, min_delta=0.02, mode="max"), values),
                 hint="mode='max'이면 value > best + min_delta 일 때만 개선입니다.")
    losses = [1.0, 0.95, 0.94, 0.93]
    stopper = student.EarlyStopping(2, min_delta=0.04)
    got = _run(stopper, losses)
    assert_equal(got, _run(ref.EarlyStopping(2, min_delta=0.04), losses),
                 hint="mode='min'이면 value < best - min_delta 일 때만 개선입니다.")
    expect(abs(float(stopper.best) - 0.95) < 1e-12, "best는 마지막으로 '개선'으로 인정된 값입니다.")
    plateau = [0.6, 0.7, 0.7, 0.7, 0.8]
    assert_equal(_run(student.EarlyStopping(2, mode="max"), plateau), _run(ref.EarlyStopping(2, mode="max"), plateau),
                 hint="mode='max'에서도 best와 같은 값은 개선이 아닙니다 (value > best + min_delta 일 때만 개선).")


@pytest.mark.cell("test_early_stopping")
@pytest.mark.points(1)
def test_early_stopping_rejects_unknown_mode(student):
    """mode가 "min"도 "max"도 아니면 EarlyStopping이 ValueError를 일으키는지 확인합니다."""
    with student_raises(ValueError, hint='mode가 "min"이나 "max"가 아니면 ValueError를 일으키세요 (오타가 조용히 "min"이 되지 않게).'):
        student.EarlyStopping(2, mode="maximum")


@pytest.mark.cell("test_early_stopping")
@pytest.mark.points(1)
def test_early_stopping_starts_empty(student):
    """EarlyStopping을 만든 직후 best는 None, counter는 0이고, 받은 patience·min_delta·mode를 속성으로 갖는지 확인합니다."""
    stopper = student.EarlyStopping(4, min_delta=0.25, mode="max")
    expect(stopper.best is None, "아직 값을 받지 않았으면 best는 None입니다.")
    counter = stopper.counter
    expect(isinstance(counter, int) and not isinstance(counter, bool) and counter == 0,
           "counter는 0에서 시작합니다.")
    assert_equal([stopper.patience, float(stopper.min_delta), stopper.mode], [4, 0.25, "max"],
                 hint="patience, min_delta, mode는 받은 값을 그대로 속성으로 둡니다.")
