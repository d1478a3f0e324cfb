"""Grades to the LMS: the Canvas gradebook import and the generic CSV, byte for byte as the
examples in tests/project/lms_examples/ (written by hand from the formats' documentation)."""
from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _synthetic_class import result
from grader import course, report_folder
from grader.insight import lms

EXAMPLES = Path(__file__).with_name("lms_examples")
TESTS = [("test_a", "cell_a", 60, 0, "힌트 a"), ("test_b", "cell_b", 25, 0, "힌트 b"),
         ("test_c", "cell_c", 7.5, 0, "힌트 c"), ("test_d", "cell_d", 7.5, 0, "힌트 d")]
DUE = dt.datetime(2027, 5, 25, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=9)))


@pytest.fixture
def small_class(tmp_path, monkeypatch):
    path = tmp_path / "course.toml"
    path.write_text(f"[late]\nper_day = 0.1\n[assignments.12_evaluation]\ndue = {DUE.isoformat()}\n",
                    encoding="utf-8")
    monkeypatch.setenv(course.COURSE_FILE_ENV, str(path))
    late_bob = (DUE + dt.timedelta(hours=5)).isoformat()
    return [result("alice", {"test_a", "test_b", "test_c", "test_d"}, assignment="07_attention", tests=TESTS),
            result("alice", {"test_a", "test_b"}, tests=TESTS),
            result("bob", {"test_a"}, tests=TESTS, submitted_at=late_bob),
            result("carol", {"test_a", "test_b", "test_c"}, assignment="07_attention", tests=TESTS)]


def _report(results, folder, **options):
    report_folder.write(results, folder, options=report_folder.Options(similarity=False, **options))
    return folder / "lms"


def test_the_canvas_import_and_the_generic_csv_match_their_examples(small_class, tmp_path):
    out = _report(small_class, tmp_path / "report")
    assert (out / "canvas.csv").read_text(encoding="utf-8") == \
        (EXAMPLES / "canvas_import.csv").read_text(encoding="utf-8")
    assert (out / "grades.csv").read_text(encoding="utf-8") == \
        (EXAMPLES / "grades.csv").read_text(encoding="utf-8")


def test_with_canvas_export_as_roster_rows_and_columns_are_canvass_own(small_class, tmp_path, capsys):
    out = _report(small_class, tmp_path / "report", canvas_roster=EXAMPLES / "canvas_roster.csv")
    assert (out / "canvas.csv").read_text(encoding="utf-8") == \
        (EXAMPLES / "canvas_import_with_roster.csv").read_text(encoding="utf-8")
    assert "not in the Canvas roster" not in capsys.readouterr().err


def test_the_canvas_example_has_canvass_columns_and_points_possible_row():
    with open(EXAMPLES / "canvas_import.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:5] == lms.CANVAS_IDENTITY
    assert rows[1][0] == "Points Possible" and rows[1][1:5] == ["", "", "", ""]
    assert all(len(row) == len(rows[0]) for row in rows)
    with open(EXAMPLES / "grades.csv", newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == lms.GENERIC


def test_scores_are_totals_after_the_late_penalty(small_class, tmp_path):
    out = _report(small_class, tmp_path / "report")
    rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(open(out / "grades.csv", encoding="utf-8"))}
    assert rows[("bob", "12_evaluation")]["score"] == "54"  # 60 less a day's 10%
    gradebook = {r["student"] + r["assignment"]: r
                 for r in csv.DictReader(open(tmp_path / "report" / "gradebook.csv", encoding="utf-8"))}
    assert (gradebook["bob12_evaluation"]["raw_score"], gradebook["bob12_evaluation"]["late_penalty"]) == ("60", "6")


def test_a_student_missing_from_the_roster_is_named_and_ids_cannot_become_formulas(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(course.COURSE_FILE_ENV, str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    results = [result("=HYPERLINK(\"x\")", {"test_a"}, tests=TESTS), result("erin", {"test_a"}, tests=TESTS)]
    out = _report(results, tmp_path / "report", canvas_roster=EXAMPLES / "canvas_roster.csv")
    assert "not in the Canvas roster" in capsys.readouterr().err
    for name in ("canvas.csv", "grades.csv"):
        cells = [cell for row in csv.reader(open(out / name, encoding="utf-8")) for cell in row]
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells), name


def test_a_roster_that_is_not_a_canvas_export_is_refused(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email\nalice,a@example.org\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a Canvas gradebook export"):
        lms.read_roster(roster)
