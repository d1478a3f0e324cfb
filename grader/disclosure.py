"""Disclosure: how much of each hidden test a student's feedback shows, set per assignment.

Levels (course.toml: `[disclosure]` for the course, `disclosure = {...}` per assignment; one level
until the student's due date, their extension included, and one after it):

- `full`: every test by name, the Korean hint of each failed one and what each test checked;
- `hint-only`: the hint of each failed test, the test named only by its graded cell and number
  ("test_f1 · 2번"), nothing about what the tests check;
- `score-only`: the total and the points of each graded cell, nothing per test.

`student_view` makes the copy of a result that every student-facing format renders (Markdown,
Gradescope, JUnit, nbgrader's feedback through grader/nbgrader_plugin.py); the instructor's JSON is
rendered from the result itself and always keeps every detail. Scores never depend on the level.
The level is the one in force when the feedback is written (`GRADER_NOW` replaces the clock):
rewrite it after the due date (`grader report`, `nbgrader autograde --force`) to show more.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import os

from grader import course as course_file, late
from grader.records import Result, failure_reason

LEVELS = course_file.DISCLOSURE_LEVELS
NOW_ENV = "GRADER_NOW"
_WHAT = {"full": "테스트마다 무엇을 검사했는지와 틀린 테스트의 힌트를",
         "hint-only": "틀린 테스트의 힌트를",
         "score-only": "점수를"}
_ONLY = {"hint-only": "틀린 테스트의 힌트만", "score-only": "점수와 셀별 점수만"}


def now() -> dt.datetime:
    value = os.environ.get(NOW_ENV, "").strip()
    if not value:
        return dt.datetime.now(dt.UTC)
    moment = late.parse_iso(value)
    if moment is None:
        raise ValueError(f"{NOW_ENV}={value!r}: give a time with its UTC offset, e.g. 2027-05-26T09:00:00+09:00")
    return moment


def level_for(assignment_id: str, student: str, course: course_file.Course | None = None,
              at: dt.datetime | None = None) -> tuple[str, bool]:
    """(level, before the due date) for this student's feedback now. Without a due date the
    `before_due` level holds."""
    course = course or course_file.load()
    levels = course.disclosure_for(assignment_id)
    due = course.due_for(assignment_id, student)
    before = due is None or (at or now()) < due
    return (levels.before_due if before else levels.after_due), before


def student_view(result: Result, level: str | None = None, *, course: course_file.Course | None = None,
                 at: dt.datetime | None = None) -> Result:
    """What the student may see of `result` (a copy): the level from the course file unless given,
    plus notes on lateness and on what the level holds back. Same scores as the result."""
    course = course or course_file.load()
    before = True
    if level is None:
        level, before = level_for(result.assignment, result.student, course, at)
    if level not in LEVELS:
        raise ValueError(f"unknown disclosure level {level!r}; one of {', '.join(LEVELS)}")
    view = copy.deepcopy(result)
    view.detail = ""
    for test in view.tests:
        test.detail = ""
        test.nodeid = test.name
    if level == "hint-only":
        view.tests = _anonymised(view.tests)
    elif level == "score-only":
        view.tests = _per_cell(view.tests)
    notes = [late.student_note(result.late, result.raw_score, course.timezone),
             _level_note(result, level, before, course)]
    view.notes = list(result.notes) + [note for note in notes if note]
    return view


def _anonymised(tests: list) -> list:
    numbers: dict[str, int] = {}
    out = []
    for test in tests:
        numbers[test.grade_id] = numbers.get(test.grade_id, 0) + 1
        name = f"{test.grade_id} · {numbers[test.grade_id]}번"
        out.append(dataclasses.replace(test, name=name, nodeid=name, doc="",
                                       message=failure_reason(test) if test.status != "passed" else ""))
    return out


def _per_cell(tests: list) -> list:
    cells: dict[str, list] = {}
    for test in tests:
        cells.setdefault(test.grade_id, []).append(test)
    out = []
    for grade_id, group in cells.items():
        points = round(sum(t.points for t in group), 6)
        full = round(sum(t.max_points for t in group), 6)
        done = points >= full
        out.append(dataclasses.replace(
            group[0], name=grade_id, nodeid=grade_id, points=points, max_points=full,
            status="passed" if done else "failed", doc="", duration_s=sum(t.duration_s for t in group),
            message="" if done else f"이 셀은 {full:g}점 중 {points:g}점입니다. 테스트별 결과는 공개하지 않습니다."))
    return out


def _level_note(result: Result, level: str, before: bool, course: course_file.Course) -> str | None:
    if level == "full":
        return None
    levels = course.disclosure_for(result.assignment)
    due = course.due_for(result.assignment, result.student)
    if before and due is not None and levels.after_due != level:
        return (f"마감({late.when(due, course.timezone)}) 전이라 {_ONLY[level]} 보여 줍니다. 마감이 "
                f"지나면 {_WHAT[levels.after_due]} 볼 수 있습니다.")
    return f"이 과제의 피드백은 {_ONLY[level]} 보여 줍니다."
