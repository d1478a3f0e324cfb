"""The course file (`course.toml` beside `nbgrader_config.py`): calendar and per-assignment policies.

One source for everything both grading paths, the build and the student distribution must agree
on. Read with the standard library's `tomllib`; unknown keys are an error, so a typo in the file
cannot silently turn a policy off.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import tomllib
from pathlib import Path

from grader.assignments import ROOT

COURSE_FILE = ROOT / "course.toml"


class CourseFileError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class AssignmentPolicy:
    id: str
    due: dt.datetime | None = None
    # What one submission may cost in all (grader.budget; `python -m grader.budget --write`).
    budget_seconds: float | None = None
    # Modules and calls the graded functions may not use (grader/forbidden.py): "sklearn.metrics",
    # "torch.nn.functional.gelu", "torch.nn.LayerNorm in layer_norm".
    forbidden: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Course:
    id: str
    timezone: str
    assignments: dict[str, AssignmentPolicy]
    title: str = ""

    def policy(self, assignment_id: str) -> AssignmentPolicy:
        return self.assignments.get(assignment_id, AssignmentPolicy(assignment_id))


_COURSE_KEYS = {"id", "title", "timezone"}
_POLICY_KEYS = {field.name for field in dataclasses.fields(AssignmentPolicy)} - {"id"}


def _policy(assignment_id: str, table: dict, path: Path) -> AssignmentPolicy:
    unknown = set(table) - _POLICY_KEYS
    if unknown:
        raise CourseFileError(f"{path}: [assignments.{assignment_id}] has unknown keys {sorted(unknown)}; "
                              f"known: {sorted(_POLICY_KEYS)}")
    due = table.get("due")
    if due is not None and (not isinstance(due, dt.datetime) or due.tzinfo is None):
        raise CourseFileError(f"{path}: [assignments.{assignment_id}] due must be a date and time "
                              f"with its UTC offset, e.g. 2027-03-09T23:59:00+09:00")
    budget = table.get("budget_seconds")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, (int, float))
                               or not budget > 0):
        raise CourseFileError(f"{path}: [assignments.{assignment_id}] budget_seconds must be a "
                              f"positive number of seconds (python -m grader.budget measures it)")
    forbidden = table.get("forbidden", [])
    if not isinstance(forbidden, list) or not all(isinstance(item, str) and item.strip() for item in forbidden):
        raise CourseFileError(f"{path}: [assignments.{assignment_id}] forbidden must be a list of dotted "
                              f"names, e.g. [\"sklearn.metrics\", \"torch.nn.LayerNorm in layer_norm\"]")
    return AssignmentPolicy(assignment_id, due=due, forbidden=tuple(item.strip() for item in forbidden),
                            budget_seconds=float(budget) if budget is not None else None)


@functools.cache
def load(path: Path = COURSE_FILE) -> Course:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CourseFileError(f"cannot read the course file {path}: {exc}") from None
    course = doc.get("course", {})
    unknown = set(course) - _COURSE_KEYS
    if unknown:
        raise CourseFileError(f"{path}: [course] has unknown keys {sorted(unknown)}; "
                              f"known: {sorted(_COURSE_KEYS)}")
    assignments = {aid: _policy(aid, table, path) for aid, table in doc.get("assignments", {}).items()}
    course_id = course.get("id", "course")
    return Course(id=course_id, timezone=course.get("timezone", "UTC"), assignments=assignments,
                  title=course.get("title", course_id))
