"""What can go wrong on the student's side, each with the Korean message the student sees.

These are raised in the grader process by the worker proxy; a hidden test that hits one fails, and
the report turns it into `student_message` (safe to show) and `detail` (instructor only).
"""
from __future__ import annotations

import builtins

# The head of the message for code not written yet, the same words as the notebook's check cells
# (grader/authoring/check_messages.py), so a student recognises it in the feedback.
NOT_IMPLEMENTED = "[아직 구현하지 않음]"


class StudentSideError(Exception):
    """Base: a problem caused by the submission, never by the grader."""

    student_message = "제출한 코드를 실행하는 중 문제가 생겼습니다."

    def __init__(self, detail: str = ""):
        super().__init__(detail)
        self.detail = detail


class StudentCodeError(StudentSideError):
    """The student's function raised. `mro` is the exception's class names, most specific first.

    Everything here but `name` came from the worker: the type's name, its message and where it
    was raised are the student's to choose (a class named after a hidden input, a NameError whose
    text is the input, a code object whose co_name is), so they go only into the instructor's
    `detail`. The student reads the name the test called and the nearest built-in exception type.
    """

    def __init__(self, name: str, type_name: str, mro: list[str], message: str, where: str,
                 traceback: str = ""):
        super().__init__(f"{name}: {type_name}: {message}\n{where}\n{traceback}")
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
        known = builtin_exception_name([self.type_name, *self.mro])
        if known is None:
            kind = "직접 정의한 예외"
        elif known == self.type_name:
            kind = known
        else:
            kind = f"{known} 계열의 예외"
        hint = _TYPE_HINTS.get(known or "", "")
        return f"`{self.name}` 실행 중 예외가 발생했습니다: {kind}" + (f". {hint}" if hint else "")


# The exception types the grader itself knows: names the student may be told. A class the student
# defined is named by the first of these in its MRO, never by its own (student-chosen) name.
BUILTIN_EXCEPTIONS = frozenset(name for name, value in vars(builtins).items()
                               if isinstance(value, type) and issubclass(value, BaseException))

# What the quoted message of these types used to say, as the grader's own words.
_TYPE_HINTS = {
    "NameError": "정의되지 않은 이름(변수, 함수, import한 모듈)을 사용했습니다. 함수가 쓰는 이름이 "
                 "채점되는 셀에서 정의되는지 확인하세요",
    "UnboundLocalError": "값을 넣기 전에 지역 변수를 사용했습니다",
    "ImportError": "import할 수 없는 모듈이나 이름이 있습니다. 채점 환경에는 과제에 필요한 패키지만 "
                   "설치되어 있습니다",
    "ModuleNotFoundError": "설치되지 않은 모듈을 import했습니다. 채점 환경에는 과제에 필요한 패키지만 "
                           "설치되어 있습니다",
    "RecursionError": "재귀 호출이 너무 깊습니다. 종료 조건을 확인하세요",
    "MemoryError": "메모리가 부족합니다. 필요 이상으로 큰 배열이나 리스트를 만들지 않는지 확인하세요",
}


def builtin_exception_name(names: list) -> str | None:
    """The first name in `names` that is a built-in exception type, if any."""
    for name in names:
        if isinstance(name, str) and name in BUILTIN_EXCEPTIONS:
            return name
    return None


class MissingName(StudentSideError):
    """A graded name the test asked for is not in the student's namespace. `name` is the one the
    grader asked for, never the worker's reply."""

    def __init__(self, name: str, reply: str = ""):
        super().__init__(f"missing name {name!r} (worker said {reply!r})")
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


class BudgetExceeded(StudentSideError):
    """The submission used up its grading budget (grader.budget); its remaining tests fail.

    `resource`: "time" (wall time of the whole submission), "cpu" (the grader's own CPU time
    spent on it) or "bytes" (data its functions returned); `limit` is in seconds or bytes.
    """

    def __init__(self, resource: str, limit: float, detail: str = ""):
        super().__init__(detail or f"budget exceeded: {resource} {limit:g}")
        self.resource = resource
        self.limit = limit

    @property
    def student_message(self) -> str:  # type: ignore[override]
        if self.resource == "bytes":
            return (f"함수들이 반환한 데이터가 모두 합쳐 {self.limit / 2**20:g} MB를 넘어 남은 테스트를 "
                    f"실행하지 않았습니다. 과제가 요구하는 것보다 큰 배열을 반환하지 않는지 확인하세요.")
        if self.resource == "cpu":
            return (f"이 제출물의 반환값을 검사하는 데 쓸 수 있는 채점기 CPU 시간({self.limit:g}초)을 다 써서 "
                    f"남은 테스트를 실행하지 않았습니다. 반환값이 지나치게 크지 않은지 확인하세요.")
        return (f"이 제출물에 주어진 채점 시간(모두 합쳐 {self.limit:g}초)을 다 써서 남은 테스트를 "
                f"실행하지 않았습니다. 제한 시간에 가깝게 오래 걸리는 함수가 없는지 확인하세요.")


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
