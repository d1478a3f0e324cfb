"""Disclosure levels: each changes what students see of the hidden tests, and nothing else.

Every student-facing format (Markdown, Gradescope, JUnit, the lines nbgrader's feedback shows) is
rendered from `disclosure.student_view`; scores, and the instructor's JSON, never change."""
from __future__ import annotations

import copy
import datetime as dt
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _synthetic_class import TESTS, result
from grader import course, disclosure, report, report_folder
from grader.nbgrader.plugin import _test_line

KST = dt.timezone(dt.timedelta(hours=9))
DUE = dt.datetime(2027, 5, 25, 23, 59, tzinfo=KST)
PASSED = {"test_accuracy_basic", "test_precision_binary", "test_always_passes"}
FAILED = [t for t in TESTS if t[0] not in PASSED]


@pytest.fixture
def student_result():
    r = result("alice", PASSED)
    r.notes = ["3번째 셀을 실행하다가 ValueError 예외가 발생했습니다."]
    return r


def _course(tmp_path, before: str, after: str, extra: str = "") -> course.Course:
    path = tmp_path / "course.toml"
    path.write_text(f"""
[course]
timezone = "Asia/Seoul"
[disclosure]
before_due = "{before}"
after_due = "{after}"
[assignments.12_evaluation]
due = {DUE.isoformat()}
{extra}""", encoding="utf-8")
    return course.load(path)


def _student_texts(view) -> dict[str, str]:
    return {fmt: report.render([view], fmt) for fmt in ("md", "gradescope", "junit")} | {
        "nbgrader": "\n".join(_test_line(t) for t in view.tests) + "\n" + "\n".join(view.notes)}


@pytest.mark.parametrize("level", disclosure.LEVELS)
def test_a_level_never_changes_a_score_or_the_instructors_detail(student_result, level):
    instructor = copy.deepcopy(student_result.to_dict(instructor=True))
    view = disclosure.student_view(student_result, level)
    assert (view.score, view.raw_score, view.max_score) == \
        (student_result.score, student_result.raw_score, student_result.max_score)
    assert view.cells() == student_result.cells()
    assert student_result.to_dict(instructor=True) == instructor  # the view is a copy
    gradescope = json.loads(report.render([view], "gradescope"))
    assert (gradescope["score"], gradescope["max_score"]) == (student_result.score, student_result.max_score)
    assert sum(t["score"] for t in gradescope["tests"]) == student_result.raw_score
    assert f'name="score" value="{student_result.score:g}"' in report.render([view], "junit")
    json_text = report.render([student_result], "json")
    assert all(name in json_text for name, *_ in TESTS) and "want=[0.25, 0.5]" in json_text


def test_full_shows_every_test_by_name_with_its_hint(student_result):
    texts = _student_texts(disclosure.student_view(student_result, "full"))
    for fmt, text in texts.items():
        for name, _, _, _, hint in FAILED:
            assert name in text and hint in text, (fmt, name)
        assert "want=[0.25" not in text and "instructor detail" not in text, fmt
    assert "test_precision_binary: 무엇을 검사하는지" in texts["nbgrader"]  # what a passed test checked


def test_hint_only_shows_the_hints_but_not_which_tests_or_what_they_check(student_result):
    texts = _student_texts(disclosure.student_view(student_result, "hint-only"))
    for fmt, text in texts.items():
        for name, *_ in TESTS:
            assert name not in text, (fmt, name)
        for _, _, _, _, hint in FAILED:
            assert hint in text, (fmt, hint)
        assert "무엇을 검사하는지" not in text and "want=[0.25" not in text, fmt
    assert "test_f1 · 1번" in texts["md"]


def test_score_only_shows_the_total_and_each_cells_points_and_no_hint(student_result):
    view = disclosure.student_view(student_result, "score-only")
    texts = _student_texts(view)
    for fmt, text in texts.items():
        for name, _, _, _, hint in TESTS:
            assert name not in text and hint not in text, (fmt, name)
        assert "무엇을 검사하는지" not in text, fmt
    assert [(t.name, t.points, t.max_points) for t in view.tests] == \
        [(cell, v["points"], v["max_points"]) for cell, v in student_result.cells().items()]
    assert "| `test_precision_recall` | 10 / 20 |" in texts["md"]
    assert "3번째 셀을 실행하다가" in texts["md"]  # notes about the student's own notebook stay


@pytest.mark.parametrize("level", disclosure.LEVELS)
def test_names_and_hints_are_the_only_difference_between_levels(student_result, level):
    """Rendered at any level, the Markdown keeps the header, total, cell table and notes."""
    full = report.render([disclosure.student_view(student_result, "full")], "md")
    other = report.render([disclosure.student_view(student_result, level)], "md")
    def shared(text):
        return [line for line in text.splitlines() if line.startswith(("# ", "**점수", "| `", "- 3번째"))]
    assert shared(other) == shared(full)


def test_the_level_switches_at_each_students_own_due_date(tmp_path, student_result):
    loaded = _course(tmp_path, "score-only", "full",
                     '[assignments.12_evaluation.extensions]\nbob = { days = 2 }\n')
    before, after = DUE - dt.timedelta(minutes=1), DUE + dt.timedelta(days=1)
    assert disclosure.level_for("12_evaluation", "alice", loaded, before) == ("score-only", True)
    assert disclosure.level_for("12_evaluation", "alice", loaded, after) == ("full", False)
    assert disclosure.level_for("12_evaluation", "bob", loaded, after) == ("score-only", True)
    view = disclosure.student_view(student_result, course=loaded, at=before)
    assert any("마감(2027-05-25 23:59) 전이라 점수와 셀별 점수만 보여 줍니다" in note for note in view.notes)
    assert all(t.name in {c for _, c, *_ in TESTS} for t in view.tests)
    assert disclosure.student_view(student_result, course=loaded, at=after).tests[0].name == TESTS[0][0]


def test_batch_feedback_files_follow_the_level_and_the_gradebook_does_not(tmp_path, student_result,
                                                                          monkeypatch):
    monkeypatch.setenv(course.COURSE_FILE_ENV, str(tmp_path / "course.toml"))
    _course(tmp_path, "score-only", "full")
    monkeypatch.setenv(disclosure.NOW_ENV, (DUE - dt.timedelta(hours=1)).isoformat())
    options = report_folder.Options(similarity=False)
    report_folder.write([student_result], tmp_path / "before", options=options)
    monkeypatch.setenv(disclosure.NOW_ENV, (DUE + dt.timedelta(hours=1)).isoformat())
    report_folder.write([student_result], tmp_path / "after", options=options)
    feedback = Path("feedback") / "alice" / "12_evaluation.md"
    before = (tmp_path / "before" / feedback).read_text(encoding="utf-8")
    after = (tmp_path / "after" / feedback).read_text(encoding="utf-8")
    assert "test_macro_f1" not in before and "test_macro_f1" in after
    for name in ("gradebook.csv", "tests.csv", "lms/grades.csv", "lms/canvas.csv"):
        assert (tmp_path / "before" / name).read_bytes() == (tmp_path / "after" / name).read_bytes()
