"""How far a returned array is from the expected one, said in Korean without giving either away.

`assert_close` (grader/checks.py) adds this to its hint when the values differ: which output (the
graded function whose return value it is, read from the hidden test's own source), its shape, the
largest absolute and relative error and the share of entries outside the tolerance. The numbers
are computed in the grader from decoded arrays; neither the inputs nor any expected or returned
value is quoted. For outputs of fewer than MIN_ENTRIES_FOR_ERRORS numbers only the count of wrong
entries is given: with one number, its error and relative error would give the expected value away.

`hint_key` strips what this module adds, so that the item analysis (grader/insight/analysis.py) counts one
hint however far each student was off.
"""
from __future__ import annotations

import ast
import functools
import inspect
import linecache
import re
import sys
import textwrap
from pathlib import Path

import numpy as np

MIN_ENTRIES_FOR_ERRORS = 4
VALUES_OPEN = " [수치 비교: "
SHAPE_OPEN = " [모양 비교: "
_SUFFIX = re.compile(r"( \[(?:수치|모양) 비교: [^\[\]]*\])+$")
_HERE = {str(Path(__file__).resolve()), str(Path(__file__).with_name("checks.py").resolve())}


def hint_key(message: str) -> str:
    """The hint without the per-student numbers this module appended."""
    return _SUFFIX.sub("", message)


def _number(value: float) -> str:
    if not np.isfinite(value):
        return "무한대" if value > 0 else "NaN"
    return f"{value:.2g}" if abs(value) < 1e4 else f"{value:.1e}"


def _shape(shape: tuple) -> str:
    return "스칼라" if shape == () else f"모양 {tuple(int(n) for n in shape)}"


def values_text(got: np.ndarray, want: np.ndarray, atol: float, rtol: float, name: str) -> str:
    """` [수치 비교: ...]` for arrays of the same shape whose values differ."""
    got_c = got.astype(np.complex128).ravel()
    want_c = want.astype(np.complex128).ravel()
    size = got_c.size
    off = ~np.isclose(got_c, want_c, atol=atol, rtol=rtol, equal_nan=True)
    count = int(np.count_nonzero(off))
    finite = np.isfinite(got_c) & np.isfinite(want_c)
    not_finite = int(np.count_nonzero(off & ~finite))
    if size == 1:
        parts = [f"{name}(스칼라)이 허용 오차 밖"]
    elif size < MIN_ENTRIES_FOR_ERRORS:
        parts = [f"{name}, {_shape(got.shape)}", f"값 {size}개 중 {count}개가 허용 오차 밖"]
    else:
        parts = [f"{name}, {_shape(got.shape)}"]
        wrong = off & finite
        if wrong.any():
            diff = np.abs(got_c - want_c)[wrong]
            parts.append(f"최대 절대 오차 {_number(float(diff.max()))}")
            scale = np.abs(want_c)[wrong]
            if (scale > 0).any():
                parts.append(f"최대 상대 오차 {_relative(float((diff[scale > 0] / scale[scale > 0]).max()))}")
        parts.append(f"값 {size}개 중 {count}개({count / size:.0%})가 허용 오차 밖")
    if not_finite:
        parts.append(f"그중 {not_finite}개는 NaN이나 무한대가 한쪽에만 있음")
    return VALUES_OPEN + ", ".join(parts) + "]"


def _relative(value: float) -> str:
    return f"{value:.0%}" if value < 10 else f"{value:.2g}배"


def shape_text(got: np.ndarray, name: str) -> str:
    """` [모양 비교: ...]` for a returned array whose shape is not the expected one: which output
    and its shape (only the student's own shape is named)."""
    return f"{SHAPE_OPEN}{name}, {_shape(got.shape)}]"


# ----------------------------------------------------------------------------- which output

def output_name() -> str:
    """The graded output the failing `assert_close` compared, named from the hidden test's source:
    `f의 반환값` for `assert_close(student.f(...), ...)` or for a variable the test assigned from
    `student.f(...)` ("f의 반환값 중 2번째" when unpacked), a method name for a handle's method;
    "반환값" when the source does not tell."""
    try:
        frame = sys._getframe(1)
        while frame is not None and str(Path(frame.f_code.co_filename).resolve()) in _HERE:
            frame = frame.f_back
        if frame is None:
            return "반환값"
        return _name_at(frame.f_code.co_filename, frame.f_code.co_firstlineno, frame.f_lineno) or "반환값"
    except Exception:  # noqa: BLE001 — naming is a courtesy; the message stands without it
        return "반환값"


@functools.lru_cache(maxsize=512)
def _name_at(filename: str, first_line: int, line: int) -> str | None:
    function = _function_node(filename, first_line)
    if function is None:
        return None
    call = _assert_call(function, line)
    if call is None or not call.args:
        return None
    return _describe(call.args[0], function, call.lineno)


def _function_node(filename: str, first_line: int):
    lines = linecache.getlines(filename)
    if not lines:
        return None
    block = inspect.getblock(lines[first_line - 1:])
    tree = ast.parse(textwrap.dedent("".join(block)))
    node = tree.body[0] if tree.body else None
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    ast.increment_lineno(tree, first_line - 1)
    return node


def _assert_call(function, line: int):
    best = None
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and _called_name(node.func) == "assert_close" \
                and node.lineno <= line <= (node.end_lineno or node.lineno):
            if best is None or node.lineno >= best.lineno:
                best = node
    return best


def _called_name(func) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _student_call(expr) -> str | None:
    """f of the first `student.f(...)` call inside `expr`."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "student":
            return node.func.attr
    return None


def _method_call(expr, function, line: int) -> str | None:
    """m of the first `obj.m(...)` inside `expr` whose `obj` the test got from `student.f(...)`."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name):
            source = _assigned_from(function, node.func.value.id, line)
            if source is not None and _student_call(source[0]):
                return node.func.attr
    return None


def _describe(expr, function, line: int) -> str | None:
    named = _student_call(expr) or _method_call(expr, function, line)
    if named:
        return f"`{named}`의 반환값"
    while isinstance(expr, (ast.Subscript, ast.Attribute)):
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    source = _assigned_from(function, expr.id, line)
    if source is None:
        return None
    value, position = source
    named = _student_call(value) or _method_call(value, function, line)
    if named is None:
        return None
    return f"`{named}`의 반환값" + (f" 중 {position + 1}번째" if position is not None else "")


def _assigned_from(function, name: str, line: int):
    """(value, position in an unpacking or None) of the last assignment to `name` before `line`."""
    found = None
    for node in ast.walk(function):
        if not isinstance(node, ast.Assign) or node.lineno > line:
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == name:
                candidate = (node.value, None)
            elif isinstance(target, (ast.Tuple, ast.List)):
                positions = [i for i, elt in enumerate(target.elts)
                             if isinstance(elt, ast.Name) and elt.id == name]
                candidate = (node.value, positions[0]) if positions else None
            else:
                candidate = None
            if candidate and (found is None or node.lineno >= found[0]):
                found = (node.lineno, candidate)
    return found[1] if found else None
