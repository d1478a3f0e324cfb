"""The course file: every assignment has its table, deadlines carry a zone, typos are errors."""
import datetime as dt

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


# ----------------------------------------------------------------------------- late, extensions, disclosure

def _course(tmp_path, text: str):
    path = tmp_path / "course.toml"
    path.write_text(text, encoding="utf-8")
    return course.load(path)


def test_the_late_rule_and_disclosure_levels_apply_to_every_assignment_unless_one_sets_its_own(tmp_path):
    loaded = _course(tmp_path, """
[late]
grace_minutes = 10
per_day = 0.1
[disclosure]
before_due = "score-only"
[assignments.01_ngram]
due = 2027-03-09T23:59:00+09:00
late = { per_day = 0.25 }
disclosure = { after_due = "hint-only" }
[assignments.02_rnn_lstm]
due = 2027-03-16T23:59:00+09:00
""")
    assert loaded.late_policy("02_rnn_lstm") == course.LatePolicy(grace_minutes=10, per_day=0.1)
    assert loaded.late_policy("01_ngram") == course.LatePolicy(grace_minutes=10, per_day=0.25)
    assert loaded.disclosure_for("02_rnn_lstm") == course.Disclosure("score-only", "full")
    assert loaded.disclosure_for("01_ngram") == course.Disclosure("score-only", "hint-only")


def test_an_extension_is_a_new_due_date_or_a_duration_after_the_due_date(tmp_path):
    loaded = _course(tmp_path, """
[assignments.12_evaluation]
due = 2027-05-25T23:59:00+09:00
[assignments.12_evaluation.extensions]
alice = 2027-05-28T12:00:00+09:00
bob = { days = 2, hours = 6 }
""")
    due = loaded.policy("12_evaluation").due
    assert loaded.due_for("12_evaluation", "alice").isoformat() == "2027-05-28T12:00:00+09:00"
    assert loaded.due_for("12_evaluation", "bob") - due == dt.timedelta(days=2, hours=6)
    assert loaded.due_for("12_evaluation", "carol") == due
    assert loaded.due_for("12_evaluation") == due


@pytest.mark.parametrize("text, complaint", [
    ('[late]\nper_dya = 0.1\n', "per_dya"),
    ('[late]\nper_day = 10\n', "between 0 and 1"),
    ('[late]\nmax_days = -1\n', "max_days"),
    ('[disclosure]\nbefore_due = "everything"\n', "score-only"),
    ('[disclosre]\nbefore_due = "full"\n', "disclosre"),
    ('[assignments.12_evaluation]\ndue = 2027-05-25T23:59:00+09:00\n'
     '[assignments.12_evaluation.extensions]\nalice = 2027-05-28T12:00:00\n', "UTC offset"),
    ('[assignments.12_evaluation.extensions]\nalice = { days = 2 }\n', "needs the assignment's due date"),
    ('[assignments.12_evaluation]\ndue = 2027-05-25T23:59:00+09:00\n'
     '[assignments.12_evaluation.extensions]\nalice = { weeks = 1 }\n', "weeks"),
])
def test_a_mistake_in_the_late_rule_extensions_or_levels_is_an_error_that_names_it(tmp_path, text, complaint):
    with pytest.raises(course.CourseFileError, match=complaint):
        _course(tmp_path, text)


def test_grader_course_file_chooses_the_course_file(tmp_path, monkeypatch):
    path = tmp_path / "other.toml"
    path.write_text('[course]\nid = "other-course"\n', encoding="utf-8")
    monkeypatch.setenv(course.COURSE_FILE_ENV, str(path))
    assert course.load().id == "other-course"
    monkeypatch.delenv(course.COURSE_FILE_ENV)
    assert course.load().id == "llm-course"
