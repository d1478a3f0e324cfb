"""Small synthetic classes of Result objects for the analysis, disclosure and LMS tests: no
notebook is graded, so the properties about reports are checked in milliseconds."""
from __future__ import annotations

import random

from grader.records import Result, TestOutcome, failure_message

# (test name, graded cell, points, ability needed to pass, Korean hint)
TESTS = [
    ("test_accuracy_basic", "test_accuracy", 5, 0.05, "정확도는 맞힌 개수를 전체 개수로 나눈 값입니다."),
    ("test_token_accuracy_ignores_padding", "test_accuracy", 5, 0.45,
     "ignore_index 위치를 분모에서도 뺐나요?"),
    ("test_precision_binary", "test_precision_recall", 10, 0.3, "정밀도의 분모는 TP + FP입니다."),
    ("test_recall_zero_division", "test_precision_recall", 10, 0.6,
     "분모가 0일 때 zero_division 값을 돌려주나요?"),
    ("test_macro_f1", "test_f1", 20, 0.7,
     "macro F1은 클래스별 F1의 평균입니다 (macro 정밀도와 재현율의 조화평균이 아닙니다)."),
    ("test_confusion_rows_are_true_labels", "test_confusion_matrix", 20, 0.4,
     "행은 실제 레이블, 열은 예측입니다."),
    ("test_roc_curve_ties", "test_roc_auc", 15, 0.8, "같은 점수는 한 임계값으로 묶어야 합니다."),
    ("test_always_passes", "test_roc_auc", 5, -1.0, "이 테스트는 누구나 통과합니다."),
    ("test_nobody_passes", "test_error_analysis", 10, 2.0, "확신도가 같으면 인덱스가 작은 것이 먼저입니다."),
]
ASSIGNMENT = "12_evaluation"


def result(student: str, passed: set[str], *, assignment: str = ASSIGNMENT, tests=TESTS,
           messages: dict[str, str] | None = None, submitted_at: str | None = None) -> Result:
    outcomes = []
    for name, cell, points, _, hint in tests:
        ok = name in passed
        doc = f"{name}: 무엇을 검사하는지"
        # As grader.suite writes it: what the test checks, then what went wrong.
        message = "" if ok else failure_message(doc, (messages or {}).get(name, hint))
        outcomes.append(TestOutcome(nodeid=f"tests/hidden/{assignment}/test_x.py::{name}", name=name,
                                    grade_id=cell, max_points=float(points),
                                    points=float(points) if ok else 0.0,
                                    status="passed" if ok else "failed", message=message,
                                    detail=f"want=[0.25, 0.5] got=[{student}]" if not ok else "",
                                    doc=doc))
    return Result(assignment, student, outcomes, ["bubblewrap"], 0.5, notebook="", notes=[],
                  detail="instructor detail", submitted_at=submitted_at)


def klass(size: int = 40, seed: int = 7, *, assignment: str = ASSIGNMENT) -> list[Result]:
    """`size` students of abilities spread over [0, 1): a student passes a test when her ability
    (plus a little noise) exceeds the test's threshold, so harder tests discriminate."""
    rng = random.Random(seed)
    out = []
    for index in range(size):
        ability = (index + 0.5) / size
        passed = {name for name, _, _, needed, _ in TESTS if ability + rng.gauss(0, 0.08) > needed}
        messages = {}
        if "test_precision_binary" not in passed:  # per-student numbers that must not split the hint
            messages["test_precision_binary"] = (
                f"정밀도의 분모는 TP + FP입니다. [수치 비교: `precision_score`의 반환값, 모양 (3,), "
                f"최대 절대 오차 0.{index + 1}, 값 3개 중 1개가 허용 오차 밖]")
        out.append(result(f"s{index:02d}", passed, assignment=assignment, messages=messages))
    return out
