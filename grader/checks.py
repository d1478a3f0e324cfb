"""Assertions for hidden tests.

Every failure carries a Korean *hint* written by the test author. The student sees the hint (after
the test's docstring, which says what was checked); the values that were compared go only into the
instructor's detail (the AssertionError's text).

A hint says what was expected, or names a mistake only when the failure shows that mistake: pass
`likely={hint: wrong_value}` and the hint of the first wrong value the answer matches is shown
instead of the neutral one (e.g. `likely={"행과 열이 바뀌었습니다.": want.T}`). An answer of the
wrong shape or type gets a plain shape/type message, never a hint about values. A student function
that is not written yet (NotImplementedError) fails with the engine's "아직 구현하지 않음" message,
never with a hint.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np


class HintedFailure(AssertionError):
    """A failed check: `hint` is student-visible, `detail` is for the instructor only."""

    def __init__(self, hint: str, detail: str = ""):
        super().__init__(f"{hint}\n{detail}".strip())
        self.hint = hint
        self.detail = detail


def _as_array(value, name: str) -> np.ndarray:
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value)
    except Exception as exc:  # noqa: BLE001 — ragged lists and the like: any is a wrong return value
        raise HintedFailure("반환값을 숫자 배열로 바꿀 수 없습니다. 반환 형식을 확인하세요.",
                            f"{name}: {type(value).__name__}: {exc}") from None
    if array.dtype.kind not in "biufc":
        raise HintedFailure("반환값이 숫자가 아닙니다. 반환 형식을 확인하세요.",
                            f"{name} dtype {array.dtype}")
    return array


SHAPE_MESSAGE = "반환값의 모양(shape)이 기대한 모양과 다릅니다. 과제 설명의 반환 모양을 다시 보세요."


def _close(got_array: np.ndarray, want, atol: float, rtol: float) -> bool:
    try:
        want_array = _as_array(want, "want")
    except HintedFailure:
        return False
    return (got_array.shape == want_array.shape
            and bool(np.allclose(got_array, want_array, atol=atol, rtol=rtol, equal_nan=True)))


def assert_close(got, want, *, atol: float = 0.0, rtol: float = 0.0, hint: str,
                 likely: dict | None = None, shape_hint: str = "") -> None:
    """Shape must match exactly; values within ``atol + rtol * |want|`` (NaNs equal NaNs).

    `likely`: {hint naming a mistake: what that mistake returns}; shown when `got` matches it.
    `shape_hint`: what a wrong shape means here, when the shape itself is what the test checks."""
    got_array = _as_array(got, "got")
    want_array = _as_array(want, "want")
    # Which output, its shape and how far off, never a value (grader/divergence.py).
    from grader import divergence

    if got_array.shape != want_array.shape:
        raise HintedFailure(f"{SHAPE_MESSAGE} {shape_hint}".strip()
                            + divergence.shape_text(got_array, divergence.output_name()),
                            f"shape {got_array.shape} != expected {want_array.shape}")
    if not np.allclose(got_array, want_array, atol=atol, rtol=rtol, equal_nan=True):
        diff = np.abs(got_array.astype(np.complex128) - want_array.astype(np.complex128))
        shown = next((h for h, wrong in (likely or {}).items()
                      if _close(got_array, wrong, atol, rtol)), hint)
        raise HintedFailure(shown + divergence.values_text(got_array, want_array, atol, rtol,
                                                           divergence.output_name()),
                            f"max |got - want| = {np.nanmax(diff) if diff.size else 0}"
                            f" (atol={atol}, rtol={rtol})\ngot={got_array!r}\nwant={want_array!r}")


def assert_equal(got, want, *, hint: str, likely: dict | None = None) -> None:
    """Exact equality of plain values (lists, tuples, dicts, strings, ints).

    `likely`: {hint naming a mistake: what that mistake returns}; shown when `got` equals it."""
    if not (type(got) is type(want) and got == want) and not _equal_loosely(got, want):
        if not _same_kind(got, want):
            raise HintedFailure(f"반환값의 타입({type(got).__name__})이 기대한 타입"
                                f"({type(want).__name__})과 다릅니다.", f"got={got!r}\nwant={want!r}")
        shown = next((h for h, wrong in (likely or {}).items()
                      if (type(got) is type(wrong) and got == wrong) or _equal_loosely(got, wrong)),
                     hint)
        raise HintedFailure(shown, f"got={got!r}\nwant={want!r}")


def _same_kind(got, want) -> bool:
    """Both sequences, both numbers, or the same type: only then can a value hint apply."""
    kinds = ((list, tuple), (int, float, np.integer, np.floating))
    return isinstance(got, type(want)) or isinstance(want, type(got)) or any(
        isinstance(got, kind) and isinstance(want, kind) and not isinstance(got, bool)
        for kind in kinds)


def _equal_loosely(got, want) -> bool:
    # list vs tuple is allowed where the API promises a sequence; everything else must match.
    if isinstance(got, (list, tuple)) and isinstance(want, (list, tuple)):
        return len(got) == len(want) and all(
            (type(a) is type(b) and a == b) or _equal_loosely(a, b) for a, b in zip(got, want))
    if isinstance(got, (int, float, np.integer, np.floating)) and isinstance(
            want, (int, float, np.integer, np.floating)) and not isinstance(got, bool):
        return got == want
    return False


def expect(condition, hint: str, detail: str = "") -> None:
    """Fail with `hint` unless `condition` is truthy (a plain bool, never a student object)."""
    if not bool(condition):
        raise HintedFailure(hint, detail)


@contextlib.contextmanager
def student_raises(exc_type: type[BaseException], *, hint: str) -> Iterator[None]:
    """Pass only if the student's code raised `exc_type` (checked by class hierarchy in the worker)."""
    from grader.errors import StudentCodeError

    try:
        yield
    except StudentCodeError as err:
        if err.is_instance_of(exc_type):
            return
        if err.is_instance_of(NotImplementedError):
            raise  # not written yet: the engine says so, and the hint would send the student astray
        raise HintedFailure(hint, f"raised {err.type_name}, expected {exc_type.__name__}") from None
    raise HintedFailure(hint, f"nothing raised, expected {exc_type.__name__}")


def student_vjp(student, name: str, inputs, cotangent):
    """(output, gradients of every input) of the student's function `name` under PyTorch's
    autograd, computed in the worker with torch.autograd.functional.vjp."""
    result = student.value("torch").autograd.functional.vjp(student.value(name), tuple(inputs), cotangent)
    expect(isinstance(result, (tuple, list)) and len(result) == 2, f"{name}의 기울기를 계산할 수 없습니다.")
    output, grads = result
    return output, grads
