"""What can go wrong on the student's side, each with the Korean message the student sees.

These are raised in the grader process by the worker proxy; a hidden test that hits one fails, and
the report turns it into `student_message` (safe to show) and `detail` (instructor only).
"""
from __future__ import annotations


# The head of the message for code not written yet, the same words as the notebook's check cells
# (grader/check_messages.py), so a student recognises it in the feedback.
NOT_IMPLEMENTED = "[아직 구현하지 않음]"


class StudentSideError(Exception):
    """Base: a problem caused by the submission, never by the grader."""

    student_message = "제출한 코드를 실행하는 중 문제가 생겼습니다."

    def __init__(self, detail: str = ""):
        super().__init__(detail)
        self.detail = detail


class StudentCodeError(StudentSideError):
    """The student's function raised. `mro` is the exception's class names, most specific first."""

    def __init__(self, name: str, type_name: str, mro: list[str], message: str, where: str,
                 traceback: str = ""):
        super().__init__(f"{name}: {type_name}: {message}\n{traceback}")
        self.name = name
        self.type_name = type_name
        self.mro = mro
        self.message = message
        self.where = where

    def is_instance_of(self, exc_type: type[BaseException]) -> bool:
        return exc_type.__name__ in self.mro

    @property
    def student_message(self) -> str:  # type: ignore[override]
        if self.is_instance_of(NotImplementedError):
            return (f"{NOT_IMPLEMENTED} `{self.name}`을(를) 부르자 NotImplementedError가 났습니다: "
                    f"이 함수나 이 함수가 쓰는 함수의 `# YOUR CODE HERE` 부분을 아직 채우지 않았습니다.")
        # The message text itself may echo hidden inputs, so only types without data are quoted.
        shown = f": {self.message[:200]}" if self.type_name in _QUOTABLE else ""
        where = f" ({self.where})" if self.where else ""
        return f"`{self.name}` 실행 중 예외가 발생했습니다: {self.type_name}{shown}{where}"


_QUOTABLE = {"NotImplementedError", "NameError", "ImportError", "ModuleNotFoundError",
             "UnboundLocalError", "RecursionError", "MemoryError"}


class MissingName(StudentSideError):
    def __init__(self, name: str):
        super().__init__(f"missing name {name!r}")
        self.name = name

    @property
    def student_message(self) -> str:  # type: ignore[override]
        return (f"`{self.name}`을(를) 찾을 수 없습니다. 이름을 바꾸거나 지우지 않았는지, "
                f"정의한 셀이 오류 없이 실행되는지 확인하세요.")


class ForbiddenUse(StudentSideError):
    """The worker's guard refused a library call the assignment forbids (grader/forbidden.py)."""

    def __init__(self, name: str, known: bool):
        super().__init__(f"forbidden call refused: {name}")
        self.name = name if known else ""

    @property
    def student_message(self) -> str:  # type: ignore[override]
        what = f"`{self.name}`" if self.name else "이 과제에서 쓸 수 없는 라이브러리 기능"
        return (f"채점되는 함수가 {what}을(를) 불렀습니다. 이 과제에서는 그 기능을 직접 구현해야 합니다 "
                f"(과제 첫머리의 '이 과제에서 쓰지 않는 것').")


class CallTimeout(StudentSideError):
    def __init__(self, name: str, seconds: float):
        super().__init__(f"{name} exceeded {seconds:.1f} s")
        self.name = name
        self.seconds = seconds

    @property
    def student_message(self) -> str:  # type: ignore[override]
        return (f"`{self.name}` 호출이 제한 시간({self.seconds:g}초) 안에 끝나지 않았습니다. "
                f"무한 루프나 지나치게 느린 계산이 없는지 확인하세요.")


class WorkerCrashed(StudentSideError):
    student_message = ("제출한 코드를 실행하던 프로세스가 비정상 종료되었습니다 "
                       "(os._exit, 메모리 초과, 시그널 등). 이 호출의 테스트는 실패로 처리됩니다.")


class WorkerUnavailable(StudentSideError):
    student_message = ("앞선 오류(시간 초과나 비정상 종료)로 제출 코드를 더 실행할 수 없어 "
                       "이 테스트를 채점하지 못했습니다.")


class BadResponse(StudentSideError):
    student_message = ("반환값을 채점기로 전달할 수 없습니다. 숫자, 문자열, 리스트, 딕셔너리, "
                       "numpy 배열이나 torch 텐서처럼 평범한 값을 반환하세요.")


class NotebookLoadError(StudentSideError):
    """The notebook could not be read or loading it failed as a whole (deadline, crash)."""

    def __init__(self, student_message: str, detail: str = ""):
        super().__init__(detail or student_message)
        self._message = student_message

    @property
    def student_message(self) -> str:  # type: ignore[override]
        return self._message
