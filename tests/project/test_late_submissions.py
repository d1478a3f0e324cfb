"""Late submissions: the course file's rule, worked out the same way wherever a result is reported.

Both grading paths call grader.late.penalty; tests/project/test_nbgrader_workflow.py grades a late
notebook through nbgrader's autograde and `grader grade` and compares the totals."""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _synthetic_class import result
from grader import course, discover, late, results

KST = dt.timezone(dt.timedelta(hours=9))
DUE = dt.datetime(2027, 5, 25, 23, 59, tzinfo=KST)
RULE = course.LatePolicy(grace_minutes=10, per_day=0.1, max_days=3)


def _course(tmp_path, extra: str = "") -> course.Course:
    path = tmp_path / "course.toml"
    path.write_text(f"""
[course]
timezone = "Asia/Seoul"
[late]
grace_minutes = 10
per_day = 0.1
max_days = 3
[assignments.12_evaluation]
due = {DUE.isoformat()}
{extra}""", encoding="utf-8")
    return course.load(path)


@pytest.mark.parametrize("late_by, days, fraction", [
    (dt.timedelta(0), 0, 0.0),
    (dt.timedelta(minutes=10), 0, 0.0),                      # within the grace period
    (dt.timedelta(minutes=11), 1, 0.1),                      # a started day counts whole
    (dt.timedelta(hours=24), 1, 0.1),
    (dt.timedelta(hours=24, seconds=1), 2, 0.2),
    (dt.timedelta(days=3), 3, 0.3),
    (dt.timedelta(days=3, seconds=1), 4, 1.0),               # past max_days: nothing left
])
def test_the_penalty_is_a_share_of_the_earned_score_per_started_day(late_by, days, fraction):
    got_days, got_fraction, points = late.penalty(RULE, 80.0, late_by.total_seconds())
    assert (got_days, got_fraction) == (days, pytest.approx(fraction))
    assert points == pytest.approx(80.0 * fraction)


def test_no_rule_means_no_penalty_and_a_zero_score_loses_nothing():
    assert late.penalty(course.LatePolicy(), 80.0, 10 * 86400) == (0, 0.0, 0.0)
    assert late.penalty(RULE, 0.0, 86400)[2] == 0.0


def test_a_late_result_keeps_its_test_points_and_loses_the_penalty_from_its_total(tmp_path):
    loaded = _course(tmp_path)
    r = result("alice", {"test_accuracy_basic", "test_macro_f1", "test_always_passes"},
               submitted_at=(DUE + dt.timedelta(hours=30)).isoformat())
    late.apply(r, loaded)
    assert r.raw_score == 30 and r.late_penalty == 6.0 and r.score == 24
    assert r.late["days"] == 2 and r.late["seconds_late"] == 30 * 3600
    doc = r.to_dict()
    assert (doc["score"], doc["raw_score"], doc["late_penalty"]) == (24, 30, 6.0)
    note = late.student_note(r.late, r.raw_score, loaded.timezone)
    assert "지각 제출" in note and "30점의 20%인 6점" in note and "2027-05-25 23:59" in note


def test_an_extension_granted_after_grading_changes_the_penalty_without_regrading(tmp_path):
    submitted = (DUE + dt.timedelta(hours=30)).isoformat()
    r = late.apply(result("alice", {"test_macro_f1"}, submitted_at=submitted), _course(tmp_path))
    assert r.late_penalty == 4.0
    (tmp_path / "later").mkdir()
    extended = _course(tmp_path / "later", '[assignments.12_evaluation.extensions]\nalice = { days = 2 }\n')
    late.apply(r, extended)
    assert r.late_penalty == 0 and r.score == 20 and r.late["extended"]
    assert "연장된 마감" in late.student_note(r.late, r.raw_score, extended.timezone)


def test_without_a_submission_time_nothing_is_late(tmp_path):
    r = late.apply(result("alice", {"test_macro_f1"}), _course(tmp_path))
    assert r.late is None and r.late_penalty == 0 and r.score == r.raw_score


def test_stored_results_get_the_penalty_of_the_course_file_in_force(tmp_path, monkeypatch):
    monkeypatch.setenv(course.COURSE_FILE_ENV, str(tmp_path / "course.toml"))
    _course(tmp_path)
    r = result("bob", {"test_macro_f1"}, submitted_at=(DUE + dt.timedelta(minutes=30)).isoformat())
    path = results.result_path(tmp_path / "results", r.assignment, r.student)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(r.to_dict()), encoding="utf-8")
    [loaded] = results.load([tmp_path / "results"])
    assert (loaded.raw_score, loaded.late_penalty, loaded.score) == (20, 2.0, 18)


# ----------------------------------------------------------------------------- when it was handed in

def _notebook(folder: Path, name: str = "12_evaluation.ipynb") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', encoding="utf-8")
    return path


def test_discovery_reads_nbgraders_timestamp_and_the_lms_attempt_time(tmp_path):
    submitted = tmp_path / "submitted"
    _notebook(submitted / "alice" / "12_evaluation")
    (submitted / "alice" / "12_evaluation" / "timestamp.txt").write_text(
        "2027-05-25 15:30:00.000000 UTC\n", encoding="utf-8")
    _notebook(submitted / "bob" / "12_evaluation")  # no timestamp.txt: unknown, never late
    found = {s.student: s for s in discover.discover(submitted, "12_evaluation").submissions}
    assert found["alice"].submitted_at == "2027-05-25T15:30:00+00:00"
    assert found["bob"].submitted_at is None

    lms = tmp_path / "lms"
    _notebook(lms, "12_evaluation_carol_attempt_2027-05-26-00-30-00_12_evaluation.ipynb")
    [carol] = discover.discover(lms, "12_evaluation").submissions
    assert dt.datetime.fromisoformat(carol.submitted_at) == dt.datetime(2027, 5, 26, 0, 30, tzinfo=KST)


def test_a_timestamp_that_is_not_a_time_or_a_link_is_named_and_not_followed(tmp_path):
    submitted = tmp_path / "submitted"
    _notebook(submitted / "alice" / "12_evaluation")
    (submitted / "alice" / "12_evaluation" / "timestamp.txt").write_text("yesterday-ish", encoding="utf-8")
    _notebook(submitted / "bob" / "12_evaluation")
    secret = tmp_path / "secret.txt"
    secret.write_text("2020-01-01 00:00:00 UTC", encoding="utf-8")
    os.symlink(secret, submitted / "bob" / "12_evaluation" / "timestamp.txt")
    found = {s.student: s for s in discover.discover(submitted, "12_evaluation").submissions}
    for student in ("alice", "bob"):
        assert found[student].submitted_at is None
        assert any("timestamp.txt" in note for note in found[student].notes), found[student].notes


def test_timestamps_are_read_in_the_forms_nbgrader_writes():
    utc = dt.UTC
    assert late.parse_timestamp("2027-05-25 15:30:00.123456 UTC") == \
        dt.datetime(2027, 5, 25, 15, 30, 0, 123456, tzinfo=utc)
    assert late.parse_timestamp("2027-05-26 00:30:00+09:00") == dt.datetime(2027, 5, 25, 15, 30, tzinfo=utc)
    assert late.parse_timestamp("2027-05-26 00:30:00 Asia/Seoul") == \
        dt.datetime(2027, 5, 25, 15, 30, tzinfo=utc)


def test_students_read_their_due_date_and_the_rule_in_korean(tmp_path):
    loaded = _course(tmp_path, '[assignments.12_evaluation.extensions]\nalice = 2027-05-28T12:00:00+09:00\n')
    general = late.due_line(loaded, "12_evaluation")
    assert "2027-05-25 (화) 23:59" in general and "10분" in general and "10%" in general \
        and "3일이 넘게 늦으면 0점" in general
    mine = late.due_line(loaded, "12_evaluation", "alice")
    assert "2027-05-28 (금) 12:00" in mine and "연장" in mine and "원래 마감 2027-05-25" in mine
    assert late.due_line(loaded, "12_evaluation", "bob") == general
