"""calculator: Python's arithmetic on an AST walk; everything else is an "Error:" string."""
import math

import pytest

from grader.checks import HintedFailure, expect

pytestmark = pytest.mark.cell("test_calculator")


def _is_error(text):
    return isinstance(text, str) and text.startswith("Error:")


def _expect_same_number(got, want, hint):
    """`want` is the reference's text; ints and floats are compared as numbers."""
    expect(isinstance(got, str), "calculator는 문자열을 돌려줘야 합니다 (예: \"7\", \"2.5\").")
    expect(not _is_error(got), hint)
    try:
        value = float(got)
    except ValueError:
        raise HintedFailure("calculator의 결과를 숫자로 읽을 수 없습니다. str(값)을 돌려주세요.",
                            f"got={got!r}") from None
    expect(math.isclose(value, float(want), rel_tol=1e-12, abs_tol=1e-12), hint,
           f"got={got!r} want={want!r}")


@pytest.mark.points(7)
def test_calculator_follows_python_arithmetic(student, ref):
    """우선순위, 괄호, 거듭제곱(오른쪽 결합), 단항 마이너스, %, / 가 파이썬 산술과 같아야 합니다."""
    cases = ["1 + 2 * 3", "(1 + 2) * 3", "2 ** 3 ** 2", "-2 ** 2", "(-2) ** 2", "7 % 3", "-7 % 3",
             "7.5 % 2", "10 / 4", "2.5 * 4 - 0.5", "-(3 - 5)", "((2))", "1e3 / 8", " 12 *  (3 + 4) ",
             "2 ** -1", "3 - -2", "100 - 1 - 2", "64 / 4 / 2", "2 * 3 % 4"]
    for expression in cases:
        _expect_same_number(student.calculator(expression), ref.calculator(expression),
                            "계산 결과가 파이썬 산술과 다릅니다. 연산자와 ast 노드(BinOp, UnaryOp, "
                            "Constant)의 대응, 왼쪽/오른쪽 피연산자의 순서를 확인하세요.")


def _random_expression(rng, depth):
    if depth == 0 or rng.random() < 0.25:
        number = int(rng.integers(0, 30))
        return str(number) if rng.random() < 0.8 else f"{number}.5"
    op = rng.choice(["+", "-", "*", "/", "%", "**", "neg"])
    if op == "neg":
        return f"-({_random_expression(rng, depth - 1)})"
    if op == "**":  # small literal exponents keep every result small and exact
        return f"({_random_expression(rng, depth - 1)}) ** {int(rng.integers(0, 4))}"
    return f"({_random_expression(rng, depth - 1)}) {op} ({_random_expression(rng, depth - 1)})"


@pytest.mark.points(3)
def test_calculator_on_random_expressions(student, ref, rng):
    """무작위로 만든 식에서도 파이썬 산술과 같은 값이어야 합니다 (0으로 나누면 "Error:")."""
    for _ in range(40):
        expression = _random_expression(rng, 4)
        want = ref.calculator(expression)
        got = student.calculator(expression)
        if _is_error(want):
            expect(_is_error(got), "0으로 나누는 식은 예외 대신 \"Error:\" 문자열이어야 합니다.")
        else:
            _expect_same_number(got, want, "무작위 식에서 계산 결과가 다릅니다. 중첩된 괄호와 단항 "
                                           "마이너스를 재귀적으로 처리하는지 확인하세요.")


@pytest.mark.points(3)
def test_calculator_reports_errors_as_text(student):
    """0으로 나누기, 문법 오류, 허용되지 않은 연산자는 예외가 아니라 "Error:" 문자열이어야 합니다."""
    for expression in ["1 / 0", "5 % 0", "0 ** -1", "1 +", "", "(1 + 2", "7 // 2", "2 << 3", "1 < 2",
                       "not 0"]:
        expect(_is_error(student.calculator(expression)),
               "0으로 나누기, 문법 오류, 허용되지 않은 연산자(//, <<, 비교, not 등)는 "
               "\"Error:\"로 시작하는 문자열로 돌려주세요 (값을 계산해 돌려주지 않습니다).")


@pytest.mark.points(4)
def test_calculator_rejects_code(student):
    """이름, 함수 호출, 속성, 문자열, 리스트 같은 코드는 실행하지 않고 "Error:"를 돌려줘야 합니다."""
    for expression in ["__import__('os')", "abs(-3)", "x + 1", "'ab' * 3", "[1, 2][0]", "(1).real",
                       "()", "(lambda: 5)()", "1 if 1 else 2", "1, 2", "{1: 2}", "[i for i in (1, 2)]"]:
        expect(_is_error(student.calculator(expression)),
               "숫자와 + - * / ** %, 괄호, 단항 마이너스가 아닌 식이 실행되었습니다. eval을 쓰지 말고 "
               "ast 노드를 하나씩 허용 목록과 비교하세요.")


@pytest.mark.points(2)
def test_calculator_rejects_booleans(student):
    """불리언(True, False)은 숫자로 계산하지 않고 "Error:"를 돌려주는지 확인합니다."""
    for expression in ["True", "False", "True + 1", "2 * False", "-True"]:
        expect(_is_error(student.calculator(expression)),
               "True와 False는 숫자가 아닙니다. 파이썬에서는 bool이 int의 하위 클래스라 isinstance(값, (int, float))가 "
               "True를 통과시키니, type(값)으로 확인하세요.")


@pytest.mark.points(2)
def test_calculator_exponent_limit_is_one_hundred(student, ref):
    """지수의 절댓값이 100까지는 계산하고, 100을 넘으면 "Error:"를 돌려주는지 확인합니다."""
    for expression in ["2 ** 100", "2 ** -100", "(-3) ** 100"]:
        _expect_same_number(student.calculator(expression), ref.calculator(expression),
                            "지수의 절댓값이 100 이하이면 그대로 계산해야 합니다 (경계 100 포함).")
    for expression in ["2 ** 101", "2 ** -101", "9 ** 9 ** 9", "2 ** (50 * 3)"]:
        expect(_is_error(student.calculator(expression)),
               "지수의 절댓값이 100을 넘으면 계산하지 말고 \"Error:\" 문자열을 돌려주세요 (지수는 먼저 계산한 "
               "오른쪽 값으로 판단합니다).")
