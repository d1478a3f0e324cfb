"""The course file (`course.toml` beside `nbgrader_config.py`): calendar and per-assignment policies.

One source for everything both grading paths, the build and the student distribution must agree
on: due dates, per-student extensions, the late-submission rule, how much of each hidden test
students see before and after the due date (grader/disclosure.py), the forbidden calls and each
submission's budget. Read
with the standard library's `tomllib` (the student-distribution builder runs without a virtual
environment); unknown keys are an error, so a typo in the file cannot silently turn a policy off.

Which file: `GRADER_COURSE_FILE` when set, else `course.toml` of this repository. nbgrader reads the
`course.toml` in its course directory when there is one (`for_directory`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import os
import tomllib
from pathlib import Path

from grader.assignments import ROOT

COURSE_FILE = ROOT / "course.toml"
COURSE_FILE_ENV = "GRADER_COURSE_FILE"
# What a student sees of each hidden test (grader/disclosure.py).
DISCLOSURE_LEVELS = ("full", "hint-only", "score-only")


class CourseFileError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class LatePolicy:
    """The late-submission rule (grader/late.py applies it on both grading paths).

    A submission up to `grace_minutes` after its due date (the student's extension included) is on
    time. Later, it loses `per_day` of the score it earned for every started day (24 hours) after
    the due date, and all of it when it is more than `max_days` days late."""
    grace_minutes: float = 0.0
    per_day: float = 0.0
    max_days: int | None = None

    @property
    def penalises(self) -> bool:
        return self.per_day > 0 or self.max_days is not None


@dataclasses.dataclass(frozen=True)
class Disclosure:
    """The feedback level students get until their due date and after it (DISCLOSURE_LEVELS)."""
    before_due: str = "full"
    after_due: str = "full"


@dataclasses.dataclass(frozen=True)
class AssignmentPolicy:
    id: str
    due: dt.datetime | None = None
    # Modules and calls the graded functions may not use (grader/forbidden.py): "sklearn.metrics",
    # "torch.nn.functional.gelu", "torch.nn.LayerNorm in layer_norm".
    forbidden: tuple[str, ...] = ()
    late: LatePolicy | None = None            # None: the course's [late] rule
    disclosure: Disclosure | None = None      # None: the course's [disclosure] levels
    # (student id, extended due date), from [assignments.<id>.extensions].
    extensions: tuple[tuple[str, dt.datetime], ...] = ()
    # What one submission may cost in all (grader.budget; `python -m grader.authoring.budget --write`).
    budget_seconds: float | None = None


@dataclasses.dataclass(frozen=True)
class Course:
    id: str
    timezone: str
    assignments: dict[str, AssignmentPolicy]
    title: str = ""
    late: LatePolicy = LatePolicy()
    disclosure: Disclosure = Disclosure()

    def policy(self, assignment_id: str) -> AssignmentPolicy:
        return self.assignments.get(assignment_id, AssignmentPolicy(assignment_id))

    def late_policy(self, assignment_id: str) -> LatePolicy:
        return self.policy(assignment_id).late or self.late

    def disclosure_for(self, assignment_id: str) -> Disclosure:
        return self.policy(assignment_id).disclosure or self.disclosure

    def due_for(self, assignment_id: str, student: str | None = None) -> dt.datetime | None:
        """The student's due date: their extension where they have one, else the assignment's."""
        return self.extension(assignment_id, student) or self.policy(assignment_id).due

    def extension(self, assignment_id: str, student: str | None) -> dt.datetime | None:
        if student is None:
            return None
        return dict(self.policy(assignment_id).extensions).get(student)


_COURSE_KEYS = {"id", "title", "timezone"}
_TOP_KEYS = {"course", "assignments", "late", "disclosure"}
_POLICY_KEYS = {field.name for field in dataclasses.fields(AssignmentPolicy)} - {"id"}
_LATE_KEYS = {field.name for field in dataclasses.fields(LatePolicy)}
_DISCLOSURE_KEYS = {field.name for field in dataclasses.fields(Disclosure)}
_EXTENSION_KEYS = {"days", "hours", "minutes"}


def _known(table: dict, keys: set[str], where: str, path: Path) -> None:
    unknown = set(table) - keys
    if unknown:
        raise CourseFileError(f"{path}: {where} has unknown keys {sorted(unknown)}; known: {sorted(keys)}")


def _late(table, where: str, path: Path, base: LatePolicy = LatePolicy()) -> LatePolicy:
    if not isinstance(table, dict):
        raise CourseFileError(f"{path}: {where} must be a table, e.g. {{ per_day = 0.1, max_days = 7 }}")
    _known(table, _LATE_KEYS, where, path)
    late = dataclasses.replace(base, **table)
    number = (int, float)
    if not isinstance(late.grace_minutes, number) or isinstance(late.grace_minutes, bool) \
            or not 0 <= late.grace_minutes < math.inf:
        raise CourseFileError(f"{path}: {where} grace_minutes must be a number of minutes >= 0")
    if not isinstance(late.per_day, number) or isinstance(late.per_day, bool) or not 0 <= late.per_day <= 1:
        raise CourseFileError(f"{path}: {where} per_day must be the share of the score lost per day "
                              f"late, between 0 and 1 (0.1 = 10%)")
    if late.max_days is not None and (not isinstance(late.max_days, int) or isinstance(late.max_days, bool)
                                      or late.max_days < 0):
        raise CourseFileError(f"{path}: {where} max_days must be a whole number of days >= 0")
    return late


def _disclosure(table, where: str, path: Path, base: Disclosure = Disclosure()) -> Disclosure:
    if not isinstance(table, dict):
        raise CourseFileError(f"{path}: {where} must be a table, e.g. "
                              f"{{ before_due = \"score-only\", after_due = \"full\" }}")
    _known(table, _DISCLOSURE_KEYS, where, path)
    for key, value in table.items():
        if value not in DISCLOSURE_LEVELS:
            raise CourseFileError(f"{path}: {where} {key} = {value!r}: one of {', '.join(DISCLOSURE_LEVELS)}")
    return dataclasses.replace(base, **table)


def _moment(value, where: str, path: Path) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise CourseFileError(f"{path}: {where} must be a date and time with its UTC offset, "
                              f"e.g. 2027-03-09T23:59:00+09:00")
    return value


def _extensions(table, due: dt.datetime | None, where: str, path: Path) -> tuple:
    if not isinstance(table, dict):
        raise CourseFileError(f"{path}: {where} must be a table of student id = new due date")
    found = []
    for student, value in table.items():
        what = f"{where} {student!r}"
        if isinstance(value, dict):
            _known(value, _EXTENSION_KEYS, what, path)
            if due is None:
                raise CourseFileError(f"{path}: {what}: an extension by days or hours needs the "
                                      f"assignment's due date")
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0
                       for v in value.values()):
                raise CourseFileError(f"{path}: {what}: days, hours and minutes are numbers >= 0")
            extended = due + dt.timedelta(**{key: float(v) for key, v in value.items()})
        else:
            extended = _moment(value, what, path)
        found.append((str(student), extended))
    return tuple(sorted(found))


def _policy(assignment_id: str, table: dict, path: Path, course_late: LatePolicy,
            course_disclosure: Disclosure) -> AssignmentPolicy:
    where = f"[assignments.{assignment_id}]"
    _known(table, _POLICY_KEYS, where, path)
    due = table.get("due")
    if due is not None:
        _moment(due, f"{where} due", path)
    forbidden = table.get("forbidden", [])
    if not isinstance(forbidden, list) or not all(isinstance(item, str) and item.strip() for item in forbidden):
        raise CourseFileError(f"{path}: {where} forbidden must be a list of dotted "
                              f"names, e.g. [\"sklearn.metrics\", \"torch.nn.LayerNorm in layer_norm\"]")
    budget = table.get("budget_seconds")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, (int, float))
                               or not budget > 0):
        raise CourseFileError(f"{path}: {where} budget_seconds must be a positive number of seconds "
                              f"(python -m grader.authoring.budget measures it)")
    late = _late(table["late"], f"{where} late", path, course_late) if "late" in table else None
    disclosure = (_disclosure(table["disclosure"], f"{where} disclosure", path, course_disclosure)
                  if "disclosure" in table else None)
    extensions = _extensions(table.get("extensions", {}), due, f"[assignments.{assignment_id}.extensions]",
                             path)
    return AssignmentPolicy(assignment_id, due=due, forbidden=tuple(item.strip() for item in forbidden),
                            late=late, disclosure=disclosure, extensions=extensions,
                            budget_seconds=float(budget) if budget is not None else None)


def current_path() -> Path:
    """The course file in use: $GRADER_COURSE_FILE, else this repository's course.toml."""
    value = os.environ.get(COURSE_FILE_ENV, "").strip()
    return Path(value) if value else COURSE_FILE


def load(path: Path | None = None) -> Course:
    return _load(Path(path) if path is not None else current_path())


def reread() -> None:
    """The next `load` reads the course file again (after something wrote it)."""
    _load.cache_clear()


def for_directory(folder: Path) -> Course:
    """The course file of an nbgrader course directory: its own course.toml, else the default."""
    candidate = Path(folder) / "course.toml"
    return load(candidate if candidate.is_file() else None)


@functools.cache
def _load(path: Path) -> Course:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CourseFileError(f"cannot read the course file {path}: {exc}") from None
    _known(doc, _TOP_KEYS, "the file", path)
    course = doc.get("course", {})
    _known(course, _COURSE_KEYS, "[course]", path)
    late = _late(doc.get("late", {}), "[late]", path)
    disclosure = _disclosure(doc.get("disclosure", {}), "[disclosure]", path)
    assignments = {aid: _policy(aid, table, path, late, disclosure)
                   for aid, table in doc.get("assignments", {}).items()}
    course_id = course.get("id", "course")
    return Course(id=course_id, timezone=course.get("timezone", "UTC"), assignments=assignments,
                  title=course.get("title", course_id), late=late, disclosure=disclosure)
