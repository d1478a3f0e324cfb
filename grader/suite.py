"""Test: run an assignment's hidden pytest suite in the (trusted) grader process.

The suite sees three fixtures: `student` (a proxy to the worker), `ref` (the reference module) and
`rng` (a numpy Generator seeded from the test id). Each test's outcome becomes a
`grader.records.TestOutcome` whose `message` is safe to show the student and whose `detail` is for
the instructor.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import os
import zlib

import numpy as np
import pytest

from grader.assignments import Assignment, load_solution
from grader.checks import HintedFailure
from grader.errors import StudentSideError
from grader.records import TestOutcome, failure_message


def _fixtures(student, ref) -> type:
    """The suite's fixtures, as a plugin class (pytest finds fixtures on a class, not on an instance)."""

    @pytest.fixture(scope="session", name="student")
    def student_fixture():
        return student

    @pytest.fixture(scope="session", name="ref")
    def ref_fixture():
        return ref

    @pytest.fixture(name="rng")
    def rng_fixture(request):
        """A Generator seeded from the test id: the same inputs for every submission."""
        return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))

    return type("SuiteFixtures", (), {"student": student_fixture, "ref": ref_fixture,
                                      "rng": rng_fixture})


class _SuitePlugin:
    def __init__(self, student, ref, collect_only: bool, cell: str | None = None):
        self.collect_only = collect_only
        self.cell = cell
        self.outcomes: dict[str, TestOutcome] = {}
        self.collection_errors: list[str] = []

        self.fixtures = _fixtures(student, ref)

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "points(n): points this test is worth")
        config.addinivalue_line("markers", "cell(grade_id): the notebook's graded cell it belongs to")
        # Native tracebacks for the instructor's detail (what --tb=native sets; the terminal plugin
        # that owns that flag is off): pytest's own style re-parses every frame's source with
        # `ast`, which was half the grading time of a submission with failing tests.
        config.option.tbstyle = "native"

    def pytest_collectreport(self, report):
        if report.failed:
            self.collection_errors.append(str(report.longrepr))

    def pytest_collection_modifyitems(self, items):
        for item in items:
            points = item.get_closest_marker("points")
            cell = item.get_closest_marker("cell")
            if points is None or cell is None:
                self.collection_errors.append(f"{item.nodeid}: needs @pytest.mark.points and .cell")
                continue
            doc = (getattr(item.obj, "__doc__", None) or "").strip().splitlines()
            self.outcomes[item.nodeid] = TestOutcome(
                nodeid=item.nodeid, name=item.name, grade_id=cell.args[0],
                max_points=float(points.args[0]), doc=doc[0].strip() if doc else "")
        if self.cell is not None:
            items[:] = [item for item in items if item.nodeid in self.outcomes
                        and self.outcomes[item.nodeid].grade_id == self.cell]
            self.outcomes = {item.nodeid: self.outcomes[item.nodeid] for item in items}
        if self.collect_only:
            items.clear()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        result = self.outcomes.get(item.nodeid)
        if result is None:
            return
        if call.when == "call":
            result.duration_s = report.duration
        if report.passed and call.when == "call":
            result.status, result.points, result.message = "passed", result.max_points, ""
        elif report.failed:
            result.status, result.points = "failed", 0.0
            result.message, result.detail = _explain(call.excinfo, result.doc, report)
        elif report.skipped and call.when in ("setup", "call"):
            result.status, result.message = "failed", failure_message(result.doc, "건너뛰었습니다.")


def _explain(excinfo, doc: str, report) -> tuple[str, str]:
    """Student-visible message and instructor detail for a failed test: what the test checks (its
    docstring), then what went wrong (the author's hint, or the engine's words for a crash, a
    timeout, code not written yet)."""
    detail = str(report.longrepr)[-6000:]
    exc = excinfo.value if excinfo is not None else None
    if isinstance(exc, HintedFailure):
        reason = exc.hint
    elif isinstance(exc, StudentSideError):
        reason, detail = exc.student_message, f"{exc.detail}\n{detail}"
    elif isinstance(exc, AssertionError):
        reason = "결과가 기대와 다릅니다."
    else:
        reason = ("반환값을 검사하는 중 문제가 생겼습니다. 반환값의 형식(타입, 모양)이 과제 설명과 "
                  "같은지 보세요.")
    return failure_message(doc, reason), detail


def _pytest_args(assignment: Assignment, exitfirst: bool = False) -> list[str]:
    suite = assignment.hidden_suite
    # Plugins a hidden suite never needs cost time in every submission's session: the
    # unraisable/thread-exception hooks alone run gc.collect() several times per session.
    unused = ("cacheprovider", "terminal", "warnings", "unraisableexception", "threadexception",
              "faulthandler", "logging", "junitxml", "doctest", "pastebin", "stepwise",
              "setuponly", "setupplan", "debugging", "unittest", "subtests")
    disabled = [arg for name in unused for arg in ("-p", f"no:{name}")]
    return [str(suite), *disabled,
            "-c", os.devnull, "--rootdir", str(suite), "--confcutdir", str(suite),
            "--import-mode=importlib", "-o", "python_files=test_*.py", *(["-x"] if exitfirst else [])]


def _run_pytest(assignment: Assignment, plugin: _SuitePlugin, exitfirst: bool = False) -> None:
    # No third-party plugins: the hidden suite's behaviour must not depend on what is installed.
    previous = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        with contextlib.redirect_stdout(io.StringIO()) as output:
            code = pytest.main(_pytest_args(assignment, exitfirst), plugins=[plugin, plugin.fixtures])
    finally:
        if previous is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = previous
    if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR):
        raise RuntimeError(f"pytest could not run the hidden suite of {assignment.id}: "
                           f"{code!r}\n{output.getvalue()}")
    if plugin.collection_errors:
        raise RuntimeError(f"hidden suite of {assignment.id} is broken:\n"
                           + "\n".join(plugin.collection_errors))


@functools.cache
def collect(assignment: Assignment) -> tuple[TestOutcome, ...]:
    """Every hidden test with its points and graded cell, without running anything."""
    plugin = _SuitePlugin(student=None, ref=None, collect_only=True)
    _run_pytest(assignment, plugin)
    return tuple(plugin.outcomes.values())


def points_per_cell(assignment: Assignment) -> dict[str, float]:
    totals: dict[str, float] = {}
    for test in collect(assignment):
        totals[test.grade_id] = totals.get(test.grade_id, 0.0) + test.max_points
    return totals


def run_suite(assignment: Assignment, student, cell: str | None = None,
              exitfirst: bool = False) -> list[TestOutcome]:
    """Run the hidden suite (only the tests of graded cell `cell`, if given) against `student`.

    `exitfirst` stops at the first failed test (mutation testing only asks whether one fails)."""
    plugin = _SuitePlugin(student=student, ref=load_solution(assignment.id), collect_only=False,
                          cell=cell)
    _run_pytest(assignment, plugin, exitfirst)
    outcomes = list(plugin.outcomes.values())
    for outcome in outcomes:
        if outcome.status == "failed" and not outcome.message:
            outcome.message = failure_message(outcome.doc, "실행되지 않았습니다.")
    return outcomes


def all_failed(assignment: Assignment, message: str, detail: str = "") -> list[TestOutcome]:
    """Every test failed for one reason (the notebook could not be loaded at all)."""
    return [dataclasses.replace(test, status="failed", points=0.0, message=message, detail=detail)
            for test in collect(assignment)]
