"""The pipeline for one submission: load -> run in worker -> test -> score."""
from __future__ import annotations

import time
from pathlib import Path

from grader import budget, forbidden, suite
from grader.assignments import Assignment
from grader.errors import BudgetExceeded, NotebookLoadError, builtin_exception_name
from grader.load import load_submission
from grader.proxy import InProcessBackend, Student
from grader.records import Result
from grader.sandbox import Limits
from grader.session import WorkerSession


def grade_notebook(path: Path, assignment: Assignment, student: str,
                   limits: Limits = Limits(), meter: budget.Meter | None = None) -> Result:
    """Grade one submitted notebook; never raises for anything the submission does.

    The worker gets the notebook's code and the assignment's release assets (release/<id>/),
    never the files beside the submitted notebook: a copy of solutions/ or tests/hidden/ there
    must not be what it runs. `meter`: the submission's budget (the assignment's by default).
    """
    started = time.monotonic()
    meter = meter or budget.Meter(budget.for_assignment(assignment.id))
    session = None
    notes: list[str] = []
    detail = ""
    try:
        loaded = load_submission(path, assignment)
        notes += loaded.notes
        scanned = forbidden.scan(loaded.cells, assignment)
        session = WorkerSession(loaded.cells, [assignment.release_dir], limits,
                                warm=assignment.warm_modules, meter=meter,
                                guard=forbidden.worker_guard(loaded.cells, assignment))
        session.start()
        notes += _failed_cell_notes(loaded.cells, session.cell_outcomes)
        tests = forbidden.apply(suite.run_suite(assignment, Student(session, limits.call_seconds)),
                                scanned)
        detail = "\n".join(scanned.instructor_notes() + _failed_cell_details(session.cell_outcomes)
                           + [session.log_tail()]).strip()
        isolation = list(session.isolation)
    except (NotebookLoadError, BudgetExceeded) as exc:
        tests = suite.all_failed(assignment, exc.student_message, exc.detail)
        if not isinstance(exc, BudgetExceeded):
            notes.append(exc.student_message)
        detail = exc.detail
        isolation = list(session.isolation) if session else []
    finally:
        if session is not None:
            session.close()
    if meter.exceeded is not None:
        notes.append(f"채점 예산 초과: {meter.exceeded.student_message}")
        detail = f"{meter.exceeded.detail}\n{detail}"
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


def _failed_cell_details(outcomes: list[dict]) -> list[str]:
    """For the instructor: what the worker said about each cell that raised, as it said it."""
    return [f"load: {str(o.get('cell'))[:100]}: {str(o.get('type'))[:100]}: "
            f"{str(o.get('message'))[:500]}\n{str(o.get('traceback'))[-1500:]}"
            for o in outcomes if o.get("ok") is False]


def _failed_cell_notes(cells: list[tuple[str, str]], outcomes: list[dict]) -> list[str]:
    """A note per cell that raised. The cell is named by the grader's own label (the worker's
    answers are matched by position) and the exception by a built-in type: every string in the
    worker's answer is the student's to choose."""
    notes = []
    for (label, _), outcome in zip(cells, outcomes):
        if outcome.get("ok") is False:
            mro = outcome.get("mro") if isinstance(outcome.get("mro"), list) else []
            known = builtin_exception_name([outcome.get("type"), *mro[:20]])
            kind = f"{known} 예외" if known else "직접 정의한 예외"
            notes.append(f"{label.removeprefix('cell ')}번째 셀을 실행하다가 {kind}가 발생했습니다. "
                         f"이 셀에서 정의하는 함수가 있다면 채점에서 찾지 못할 수 있습니다.")
    return notes
