"""Numeric divergence: a failed array comparison says which output, its shape and how far off it
is, and never an input, an expected value or a returned value."""
from __future__ import annotations

import importlib.util
import re
import textwrap

import numpy as np
import pytest

from grader import assignments, divergence
from grader.authoring import mutants
from grader.checks import SHAPE_MESSAGE, HintedFailure, assert_close
from grader.grade import grade_trusted_source

HIDDEN_TEST = '''
import numpy as np
from grader.checks import assert_close


def test_direct(student):
    assert_close(student.scores(np.arange(3)), np.array([0.125, 0.25, 0.5, 0.75, 1.0]), atol=1e-6,
                 hint="점수를 정규화했나요?")


def test_assigned(student):
    got = student.scores(np.arange(3))
    assert_close(got, np.array([0.125, 0.25, 0.5, 0.75, 1.0]), atol=1e-6, hint="변수로 받은 값.")


def test_unpacked(student):
    fpr, tpr, _ = student.curve([1, 0])
    assert_close(tpr, np.zeros(5), atol=0, hint="두 번째 반환값.")


def test_method_of_a_handle(student):
    model = student.Model(3)
    logits = model.forward(np.ones((2, 3)))
    assert_close(logits, np.ones(5), hint="핸들의 메서드.")


def test_shape(student):
    assert_close(student.scores(1), np.zeros((2, 3)), hint="모양.")


def test_scalar(student):
    assert_close(student.mean([1, 2]), 0.987654, atol=1e-9, hint="평균.")
'''


class Student:
    """Returns 9.87654-ish values, so that the returned values are recognisable in a message."""

    def scores(self, x):
        return np.array([0.125, 0.25, 0.5, 9.87654, 1.0])

    def curve(self, y):
        return np.zeros(5), np.array([0, 0, 0, 0.4321, 0]), np.zeros(5)

    def Model(self, n):
        return self

    def forward(self, x):
        return np.full(5, 3.5)

    def mean(self, values):
        return 1.2345678


@pytest.fixture(scope="module")
def hidden(tmp_path_factory):
    path = tmp_path_factory.mktemp("hidden") / "test_fake_hidden.py"
    path.write_text(textwrap.dedent(HIDDEN_TEST), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("test_fake_hidden", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _message(hidden, name: str) -> str:
    with pytest.raises(HintedFailure) as failure:
        getattr(hidden, name)(Student())
    return failure.value.hint


@pytest.mark.parametrize("test, named", [
    ("test_direct", "`scores`의 반환값"),
    ("test_assigned", "`scores`의 반환값"),
    ("test_unpacked", "`curve`의 반환값 중 2번째"),
    ("test_method_of_a_handle", "`forward`의 반환값"),
])
def test_the_message_names_the_output_its_shape_and_how_far_off(hidden, test, named):
    message = _message(hidden, test)
    assert f"[수치 비교: {named}, 모양 (5,)" in message
    assert re.search(r"최대 절대 오차 [0-9.e+-]+", message)
    assert re.search(r"값 5개 중 1개\(20%\)가 허용 오차 밖|값 5개 중 5개\(100%\)가 허용 오차 밖", message)


def test_no_input_expected_or_returned_value_is_quoted(hidden):
    for test in ("test_direct", "test_assigned", "test_unpacked", "test_method_of_a_handle", "test_scalar"):
        message = _message(hidden, test)
        for value in ("0.125", "0.75", "9.87", "0.432", "0.987", "1.23", "3.5", "arange"):
            assert value not in message, (test, value)


def test_a_single_number_gets_no_error_sizes_that_would_give_the_expected_value_away(hidden):
    message = _message(hidden, "test_scalar")
    assert message == "평균. [수치 비교: `mean`의 반환값(스칼라)이 허용 오차 밖]"


def test_a_wrong_shape_names_the_students_shape_only(hidden):
    message = _message(hidden, "test_shape")
    assert message == f"{SHAPE_MESSAGE} [모양 비교: `scores`의 반환값, 모양 (5,)]"
    assert "(2, 3)" not in message


def test_nan_where_a_number_was_expected_is_counted():
    with pytest.raises(HintedFailure) as failure:
        assert_close(np.array([np.nan, 1.0, 2.0, 3.0]), np.array([0.0, 1.0, 2.0, 3.0]), hint="h")
    assert "값 4개 중 1개(25%)가 허용 오차 밖, 그중 1개는 NaN이나 무한대가 한쪽에만 있음" in failure.value.hint
    assert "최대 절대 오차" not in failure.value.hint  # the finite entries all match


def test_the_item_analysis_key_drops_the_numbers():
    assert divergence.hint_key("힌트. [수치 비교: `f`의 반환값, 모양 (5,), 최대 절대 오차 0.5]") == "힌트."
    assert divergence.hint_key("힌트. [모양 비교: `f`의 반환값, 모양 (5,)]") == "힌트."
    assert divergence.hint_key("[대괄호] 가 있는 힌트") == "[대괄호] 가 있는 힌트"


def test_a_real_hidden_test_names_the_graded_function():
    """12's transposed confusion matrix (a catalog bug) through the real hidden suite."""
    assignment = assignments.get("12_evaluation")
    table, _ = mutants.load(assignment)
    source = mutants.apply(assignment.solution.read_text(encoding="utf-8"),
                           table["eval-05-confusion-matrix-transposed"])
    result = grade_trusted_source(assignment, source, "transposed")
    test = next(t for t in result.tests if t.name == "test_rows_are_true_labels_and_columns_predictions")
    assert test.status == "failed"
    assert "[수치 비교: `confusion_matrix`의 반환값, 모양 (3, 3), 최대 절대 오차 1" in test.message
    assert "값 9개 중 6개(67%)가 허용 오차 밖" in test.message
