"""The course file: every assignment has its table, deadlines carry a zone, typos are errors."""
import pytest

from grader import assignments, course


def test_every_assignment_has_a_due_date_with_its_zone():
    loaded = course.load()
    for assignment_id in assignments.all_ids():
        due = loaded.policy(assignment_id).due
        assert due is not None and due.tzinfo is not None, assignment_id


def test_course_file_names_no_assignment_that_does_not_exist():
    assert set(course.load().assignments) <= set(assignments.all_ids())


def test_unknown_key_in_the_course_file_is_an_error(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text('[assignments.01_ngram]\ndeu = 2027-03-09T23:59:00+09:00\n', encoding="utf-8")
    with pytest.raises(course.CourseFileError, match="deu"):
        course.load(path)


def test_due_date_without_zone_is_an_error(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text('[assignments.01_ngram]\ndue = 2027-03-09T23:59:00\n', encoding="utf-8")
    with pytest.raises(course.CourseFileError, match="UTC offset"):
        course.load(path)


def test_unknown_course_key_is_an_error(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text('[course]\nid = "x"\ntitel = "LLM"\n', encoding="utf-8")
    with pytest.raises(course.CourseFileError, match="titel"):
        course.load(path)
