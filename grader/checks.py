"""Assertions for hidden tests.

Every failure carries a Korean *hint* written by the test author. The student sees the hint; the
values that were compared go only into the instructor's detail (the AssertionError's text).
"""
from __future__ import annotations

import contextlib
from typing import Iterator

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
    except Exception as exc:  # ragged lists and the like
        raise HintedFailure("반환값을 숫자 배열로 바꿀 수 없습니다. 반환 형식을 확인하세요.",
                            f"{name}: {type(value).__name__}: {exc}") from None
    if array.dtype.kind not in "biufc":
        raise HintedFailure("반환값이 숫자가 아닙니다. 반환 형식을 확인하세요.",
                            f"{name} dtype {array.dtype}")
    return array


def assert_close(got, want, *, atol: float = 0.0, rtol: float = 0.0, hint: str) -> None:
    """Shape must match exactly; values within ``atol + rtol * |want|`` (NaNs equal NaNs)."""
    got_array = _as_array(got, "got")
    want_array = _as_array(want, "want")
    # Which output, its shape and how far off, never a value (grader/divergence.py).
    from grader import divergence

    if got_array.shape != want_array.shape:
        raise HintedFailure(hint + divergence.shape_text(got_array, divergence.output_name()),
                            f"shape {got_array.shape} != expected {want_array.shape}")
    if not np.allclose(got_array, want_array, atol=atol, rtol=rtol, equal_nan=True):
        diff = np.abs(got_array.astype(np.complex128) - want_array.astype(np.complex128))
        raise HintedFailure(hint + divergence.values_text(got_array, want_array, atol, rtol,
                                                          divergence.output_name()),
                            f"max |got - want| = {np.nanmax(diff) if diff.size else 0}"
                            f" (atol={atol}, rtol={rtol})\ngot={got_array!r}\nwant={want_array!r}")


def assert_equal(got, want, *, hint: str) -> None:
    """Exact equality of plain values (lists, tuples, dicts, strings, ints)."""
    if not (type(got) is type(want) and got == want) and not _equal_loosely(got, want):
        raise HintedFailure(hint, f"got={got!r}\nwant={want!r}")


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
        raise HintedFailure(hint, f"raised {err.type_name}, expected {exc_type.__name__}") from None
    raise HintedFailure(hint, f"nothing raised, expected {exc_type.__name__}")
