"""Feedback never contradicts itself: a passed test says what it checked, a failed one says what it
checks and what went wrong, and a hint follows what happened (code not written yet is named as such,
a hint naming a mistake appears only when the answer shows that mistake).

Every reference's real feedback is checked where the reference is graded anyway
(test_hidden_suites.py: in-process for the wording of passed tests, the release stub through the
worker for "아직 구현하지 않음"); this file checks the parts on small cases.
"""
import ast

import numpy as np
import pytest

from _feedback import passed_feedback_problems, reads_as_failure, student_texts
from grader import assignments
from grader.authoring import mutants
from grader.authoring.spec import graded_functions
from grader.checks import SHAPE_MESSAGE, HintedFailure, assert_close, assert_equal, student_raises
from grader.divergence import hint_key
from grader.errors import NOT_IMPLEMENTED, StudentCodeError
from grader.grade import grade_trusted_source
from grader.records import (
    Result,
    TestOutcome as Outcome,  # not `Test*`: pytest would collect it
)


def _outcome(name, status, doc, message=""):
    points = 2.0 if status == "passed" else 0.0
    return Outcome(nodeid=name, name=name, grade_id="test_cell", max_points=2.0, points=points,
                       status=status, message=message, doc=doc)


@pytest.mark.parametrize("text", [
    "소프트맥스 결과가 기대와 다릅니다.", "ε을 넣는 위치가 틀렸습니다.", "호출한 쪽의 로짓 텐서를 바꿨습니다.",
    "결과가 기대와 달라요.", "행렬이 전치되지 않았나요?", "dim=-1로 계산했는지 확인하세요.",
    "EOS를 빠뜨렸습니다.", "파라미터 수가 틀립니다.", "값이 0이 아닙니다.", "출력에 적용하지 않습니다.",
])
def test_failure_wording_is_recognised(text):
    assert reads_as_failure(text)


@pytest.mark.parametrize("text", [
    "소프트맥스가 torch.softmax와 같은 값을 내는지 확인합니다.",
    "정확도는 전체 예측 중 맞힌 예측의 비율이어야 합니다 (다중 클래스 포함).",
    "k=0이고 학습에서 본 적 없는 문맥이면 오류 없이 균등분포 1/V를 돌려줘야 합니다.",
    "가장 확신하고 틀린 샘플이 먼저 와야 합니다.", "t와 d가 달라도 (t, d) 모양이어야 합니다.",
    "블록의 앞 위치 출력이 뒤 위치 입력의 영향을 받지 않는지 확인합니다.",
    "0으로 나누기, 문법 오류는 예외가 아니라 \"Error:\" 문자열이어야 합니다.",
])
def test_neutral_wording_is_not_taken_for_a_failure(text):
    assert not reads_as_failure(text)


def test_every_hidden_test_says_what_it_checks_without_reading_as_a_failure():
    """Source-level: every hidden test has a docstring whose first line is neutral (the graded check
    in test_hidden_suites.py sees only the tests the references pass, which is all of them)."""
    problems = []
    for assignment_id in assignments.all_ids():
        for path in sorted(assignments.get(assignment_id).hidden_suite.glob("test_*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                    doc = (ast.get_docstring(node) or "").strip().splitlines()
                    if not doc:
                        problems.append(f"{assignment_id}::{node.name}: no docstring")
                    elif reads_as_failure(doc[0]):
                        problems.append(f"{assignment_id}::{node.name}: {doc[0]!r}")
    assert not problems, "\n".join(problems)


def test_every_format_shows_a_passed_test_what_it_checked_and_a_failed_one_its_message():
    passed = _outcome("test_a", "passed", "소프트맥스가 torch.softmax와 같은 값을 내는지 확인합니다.")
    failed = _outcome("test_b", "failed", "어텐션 출력을 확인합니다.",
                      "어텐션 출력을 확인합니다. — 결과가 기대와 다릅니다.")
    result = Result("07_attention", "s1", [passed, failed], ["process"], 1.0)
    texts = student_texts(result)
    assert set(texts["test_a"]) == set(texts["test_b"]) == {"nbgrader", "md", "junit", "gradescope"}
    for fmt, text in texts["test_a"].items():
        assert passed.doc in text, fmt
    for fmt, text in texts["test_b"].items():
        assert failed.message in text, fmt
    assert passed_feedback_problems(result) == []


def test_a_pass_whose_docstring_reads_as_a_failure_is_reported():
    result = Result("07_attention", "s1", [_outcome("test_a", "passed", "소프트맥스 결과가 기대와 다릅니다.")],
                    ["process"], 1.0)
    problems = passed_feedback_problems(result)
    assert len(problems) == 4 and all("reads as a failure" in p for p in problems)


def test_the_checked_text_survives_the_instructor_json():
    result = Result("07_attention", "s1", [_outcome("test_a", "passed", "무엇을 확인합니다.")], [], 1.0)
    assert Result.from_dict(result.to_dict()).tests[0].doc == "무엇을 확인합니다."


def _raised(type_name, mro):
    return StudentCodeError("roc_auc_score", type_name, mro, "", "")


def test_an_unwritten_function_is_not_given_the_hint_of_an_expected_exception():
    with pytest.raises(StudentCodeError) as caught:
        with student_raises(ValueError, hint="아니면 ValueError를 내세요."):
            raise _raised("NotImplementedError", ["NotImplementedError", "RuntimeError", "Exception"])
    assert caught.value.student_message.startswith(NOT_IMPLEMENTED)
    with pytest.raises(HintedFailure, match="ValueError를 내세요"):  # a real wrong exception
        with student_raises(ValueError, hint="아니면 ValueError를 내세요."):
            raise _raised("TypeError", ["TypeError", "Exception"])
    with student_raises(NotImplementedError, hint="…"):  # expected: passes
        raise _raised("NotImplementedError", ["NotImplementedError", "RuntimeError", "Exception"])


def test_a_hint_naming_a_mistake_appears_only_when_the_answer_shows_it():
    want = np.array([[1, 0], [2, 3]])
    likely = {"행과 열이 바뀌었습니다.": want.T}
    with pytest.raises(HintedFailure) as transposed:
        assert_close(want.T, want, hint="C[i, j]는 실제 i, 예측 j의 개수입니다.", likely=likely)
    # (after the hint, grader/divergence.py says how far off the answer is: hint_key drops that)
    assert hint_key(transposed.value.hint) == "행과 열이 바뀌었습니다."
    with pytest.raises(HintedFailure) as other:
        assert_close(want + 1, want, hint="C[i, j]는 실제 i, 예측 j의 개수입니다.", likely=likely)
    assert hint_key(other.value.hint) == "C[i, j]는 실제 i, 예측 j의 개수입니다."
    with pytest.raises(HintedFailure) as swapped:
        assert_equal([2, 1], [1, 2], hint="순서를 봅니다.", likely={"거꾸로입니다.": [2, 1]})
    assert swapped.value.hint == "거꾸로입니다."


def test_a_wrong_shape_or_type_is_named_as_such_not_given_a_value_hint():
    with pytest.raises(HintedFailure) as shape:
        assert_close(np.zeros((2, 3)), np.zeros((3, 2)), hint="마지막 축으로 정규화하세요.")
    assert hint_key(shape.value.hint) == SHAPE_MESSAGE
    with pytest.raises(HintedFailure) as typed:
        assert_equal("1, 2", [1, 2], hint="순서를 확인하세요.")
    assert "str" in typed.value.hint and "list" in typed.value.hint
    assert_equal((1, 2), [1, 2], hint="list 대신 tuple도 됩니다.")


def test_an_unimplemented_roc_auc_score_says_so_and_not_raise_value_error():
    """The issue's case: a stubbed roc_auc_score, graded through the hidden suite's roc cell."""
    evaluation = assignments.get("12_evaluation")
    names = [n for n in graded_functions(evaluation) if n.startswith("roc")]
    source = mutants.stub_definitions(evaluation.solution.read_text(encoding="utf-8"), names)
    result = grade_trusted_source(evaluation, source, "stub", cell="test_roc_auc")
    assert result.tests and all(t.status == "failed" for t in result.tests)
    for t in result.tests:
        # what the test checks, then what happened; never the hint "…아니면 ValueError를 내세요"
        assert t.message.startswith(f"{t.doc} — {NOT_IMPLEMENTED}"), t.message
        assert "세요" not in t.message.removeprefix(t.doc), t.message
