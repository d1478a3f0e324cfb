"""The pipeline for one submission: load -> run in worker -> test -> score."""
from __future__ import annotations

import time
from pathlib import Path

from grader import forbidden, suite
from grader.assignments import Assignment
from grader.errors import NotebookLoadError
from grader.load import load_submission
from grader.proxy import InProcessBackend, Student
from grader.sandbox import Limits
from grader.score import Result
from grader.session import WorkerSession


def grade_notebook(path: Path, assignment: Assignment, student: str,
                   limits: Limits = Limits()) -> Result:
    """Grade one submitted notebook; never raises for anything the submission does."""
    started = time.monotonic()
    session = None
    notes: list[str] = []
    detail = ""
    try:
        loaded = load_submission(path, assignment)
        notes += loaded.notes
        scanned = forbidden.scan(loaded.cells, assignment)
        session = WorkerSession(loaded.cells, [assignment.release_dir, path.parent], limits,
                                warm=assignment.warm_modules,
                                guard=forbidden.worker_guard(loaded.cells, assignment))
        session.start()
        notes += _failed_cell_notes(session.cell_outcomes)
        tests = forbidden.apply(suite.run_suite(assignment, Student(session, limits.call_seconds)),
                                scanned)
        detail = "\n".join(scanned.instructor_notes() + [session.log_tail()]).strip()
        isolation = list(session.isolation)
    except NotebookLoadError as exc:
        tests = suite.all_failed(assignment, exc.student_message, exc.detail)
        notes.append(exc.student_message)
        detail = exc.detail
        isolation = list(session.isolation) if session else []
    finally:
        if session is not None:
            session.close()
    return Result(assignment.id, student, tests, isolation, time.monotonic() - started,
                  notebook=str(path), notes=notes, detail=detail)


def grade_trusted_source(assignment: Assignment, source: str, label: str, *,
                         cell: str | None = None, exitfirst: bool = False) -> Result:
    """Grade project-written code (the reference, a mutant) in-process: fast, not isolated.

    `cell` and `exitfirst` are `suite.run_suite`'s (mutation testing asks only whether a test fails)."""
    started = time.monotonic()
    student = Student(InProcessBackend(source, label))
    tests = suite.run_suite(assignment, student, cell=cell, exitfirst=exitfirst)
    return Result(assignment.id, label, tests, ["in-process (trusted code only)"],
                  time.monotonic() - started)


def _failed_cell_notes(outcomes: list[dict]) -> list[str]:
    notes = []
    for outcome in outcomes:
        if outcome.get("ok") is False:
            cell = str(outcome.get("cell", "")).removeprefix("cell ")
            kind = str(outcome.get("type", "오류"))[:100]
            notes.append(f"{cell}번째 셀을 실행하다가 {kind} 예외가 발생했습니다. 이 셀에서 정의하는 "
                         f"함수가 있다면 채점에서 찾지 못할 수 있습니다.")
    return notes
