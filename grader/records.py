"""The result records every part of the grader passes around, and their JSON form.

One `TestOutcome` per hidden test (its `message` is safe to show the student, its `detail` is for
the instructor), one `Result` per (submission, assignment), and `Result.to_dict` / `from_dict`:
the JSON that results are stored, merged and reported in. The ground floor: the standard library
only, so that reading and reporting results never imports pytest or numpy.
"""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(slots=True)  # slots: a class of 10,000 holds hundreds of thousands
class TestOutcome:
    nodeid: str
    name: str
    grade_id: str
    max_points: float
    points: float = 0.0
    status: str = "failed"  # passed | failed | error
    message: str = ""
    detail: str = ""
    duration_s: float = 0.0
    doc: str = ""  # what the test checks (its docstring's first line): student-visible, pass or fail

    __test__ = False  # a record, not a test class: pytest skips it where a test module imports it


def failure_message(doc: str, reason: str) -> str:
    """`<what the test checks> — <what went wrong>`; the docstring alone is never a failure text."""
    return f"{doc} — {reason}" if doc else reason


def failure_reason(test: TestOutcome) -> str:
    """A failed test's message without what the test checks: the inverse of `failure_message`."""
    prefix = f"{test.doc} — " if test.doc else ""
    return test.message[len(prefix):] if prefix and test.message.startswith(prefix) else test.message


@dataclasses.dataclass
class Result:
    assignment: str
    student: str
    tests: list[TestOutcome]
    isolation: list[str]
    duration_s: float
    notebook: str = ""
    notes: list[str] = dataclasses.field(default_factory=list)  # student-visible, about loading
    detail: str = ""                                            # instructor only
    submitted_at: str | None = None   # ISO 8601 with its offset; None: unknown, never late
    late: dict | None = None          # grader.late.Lateness.to_dict(), set by grader.late.apply
    late_penalty: float = 0.0         # points off for lateness (grader.late)

    @property
    def raw_score(self) -> float:
        """The points of the hidden tests, before any late penalty."""
        return round(sum(t.points for t in self.tests), 6)

    @property
    def score(self) -> float:
        """The total: the tests' points less the late penalty."""
        return round(max(0.0, self.raw_score - self.late_penalty), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_points for t in self.tests), 6)

    def cells(self) -> dict[str, dict[str, float]]:
        """Points per graded cell, in the order the tests were collected."""
        cells: dict[str, dict[str, float]] = {}
        for test in self.tests:
            cell = cells.setdefault(test.grade_id, {"points": 0.0, "max_points": 0.0})
            cell["points"] += test.points
            cell["max_points"] += test.max_points
        return cells

    def to_dict(self, instructor: bool = True) -> dict:
        tests = []
        for t in self.tests:
            entry = {"name": t.name, "grade_id": t.grade_id, "points": t.points,
                     "max_points": t.max_points, "status": t.status, "checks": t.doc,
                     "message": t.message}
            if instructor:
                entry.update(detail=t.detail, nodeid=t.nodeid, duration_s=round(t.duration_s, 4))
            tests.append(entry)
        doc = {"assignment": self.assignment, "student": self.student, "score": self.score,
               "max_score": self.max_score, "tests": tests, "cells": self.cells(),
               "isolation": list(self.isolation), "duration_s": round(self.duration_s, 3),
               "notes": list(self.notes), "raw_score": self.raw_score,
               "late_penalty": self.late_penalty, "submitted_at": self.submitted_at,
               "late": self.late}
        if instructor:
            doc["notebook"] = self.notebook
            doc["detail"] = self.detail
        return doc

    @classmethod
    def from_dict(cls, doc: dict) -> Result:
        """The inverse of `to_dict(instructor=True)` (for resumed batches and merged shards)."""
        tests = [TestOutcome(nodeid=t.get("nodeid", t["name"]), name=t["name"], grade_id=t["grade_id"],
                             max_points=t["max_points"], points=t["points"], status=t["status"],
                             message=t["message"], detail=t.get("detail", ""),
                             duration_s=t.get("duration_s", 0.0), doc=t.get("checks", ""))
                 for t in doc["tests"]]
        return cls(doc["assignment"], doc["student"], tests, list(doc["isolation"]),
                   doc["duration_s"], notebook=doc.get("notebook", ""), notes=list(doc.get("notes", [])),
                   detail=doc.get("detail", ""), submitted_at=doc.get("submitted_at"),
                   late=doc.get("late"), late_penalty=float(doc.get("late_penalty") or 0.0))


def summary(result: Result) -> Result:
    """`result` as a batch keeps it in memory once it is stored: without the instructor's detail
    (tracebacks, up to 6 kB a failed test; it is in the stored JSON) and with the strings every
    student's result repeats (test names, docstrings, hints) shared, so that grading a class of
    10,000 holds kilobytes per student, not the whole of every result."""
    intern = _shared
    tests = [TestOutcome(intern(t.nodeid), intern(t.name), intern(t.grade_id), t.max_points,
                         t.points, intern(t.status), intern(t.message), "", t.duration_s,
                         intern(t.doc)) for t in result.tests]
    return dataclasses.replace(result, tests=tests, detail="",
                               isolation=[intern(i) for i in result.isolation],
                               notes=[intern(n) for n in result.notes])


_SHARED: dict[str, str] = {}
_SHARED_MAX = 100_000  # distinct strings kept; past it a string is kept as it is


def _shared(text: str) -> str:
    """One copy of each distinct short text (sys.intern would keep them all forever)."""
    if len(text) > 2000:
        return text
    found = _SHARED.get(text)
    if found is not None:
        return found
    if len(_SHARED) < _SHARED_MAX:
        _SHARED[text] = text
    return text


def nothing_graded(result: Result) -> bool:
    """Every test failed for one reason that is also a note: no notebook, or none that loads."""
    messages = {t.message for t in result.tests}
    return len(messages) == 1 and messages <= set(result.notes)


@dataclasses.dataclass(frozen=True)
class ScoreChange:
    student: str
    assignment: str
    old: float
    new: float
    reasons: tuple[str, ...]  # keys of fingerprint.DESCRIPTIONS
