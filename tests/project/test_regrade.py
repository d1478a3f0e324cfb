"""A stored result is graded again when what graded it changed, and the report names every score
that moved (old -> new); the nbgrader path records the same fingerprint."""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader import assignments, fingerprint
from grader.authoring import mutants
from grader.authoring.build import build_notebook
from grader.records import Result, TestOutcome
from grader.results import save, stale

AID = "12_evaluation"
ROOT = assignments.ROOT
# The hidden suite as first released: its token-accuracy checks compared the student with
# themselves, so counting padding (eval-10) went unnoticed. The course's suite is the fix.
UNFIXED = {"student.token_accuracy(y_true, y_pred), 3 / 5,":
               "student.token_accuracy(y_true, y_pred), student.token_accuracy(y_true, y_pred),",
           "[[-100, 3, 5]]), 0.0, atol=0,":
               "[[-100, 3, 5]]), student.token_accuracy([[-100, -100, -100]], [[-100, 3, 5]]), atol=0,",
           "ref.token_accuracy(y_true, y_pred, ignore_index=-1)":
               "student.token_accuracy(y_true, y_pred, ignore_index=-1)"}


def _course_copy(target: Path) -> Path:
    """What grading 12_evaluation reads, copied: the grader, the assignment's folder trio."""
    ignore = shutil.ignore_patterns("__pycache__", "mutants.py")
    for folder in ("grader", f"assignments/{AID}", f"tests/hidden/{AID}", f"release/{AID}"):
        shutil.copytree(ROOT / folder, target / folder, ignore=ignore)
    (target / "solutions").mkdir()
    for name in (f"solutions/{AID}.py", "course.toml"):
        shutil.copyfile(ROOT / name, target / name)
    return target


def _grade(course: Path, submitted: Path, results: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "grader", "grade", str(submitted), "--results",
                           str(results), "--jobs", "1", "--quiet"], cwd=course, text=True,
                          capture_output=True, timeout=600,
                          env=dict(os.environ, PYTHONPATH=str(course)))
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _changes(results: Path) -> list[dict]:
    with open(results / "report" / "changes.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _stored(results: Path, student: str) -> dict:
    return json.loads((results / AID / f"{student}.json").read_text("utf-8"))


@pytest.mark.xdist_group("regrade")
def test_a_fixed_hidden_test_regrades_and_reports_every_changed_score(tmp_path):
    evaluation = assignments.get(AID)
    course = _course_copy(tmp_path / "course")
    suite_file = course / "tests" / "hidden" / AID / "test_accuracy.py"
    fixed = suite_file.read_text("utf-8")
    unfixed = fixed
    for old, new in UNFIXED.items():
        assert unfixed.count(old) == 1
        unfixed = unfixed.replace(old, new)
    suite_file.write_text(unfixed, encoding="utf-8")

    reference = evaluation.solution.read_text("utf-8")
    padding = mutants.apply(reference, mutants.load(evaluation)[0]["eval-10-accuracy-counts-padding"])
    submitted = tmp_path / "submitted"
    for student, source in (("ref", reference), ("padding", padding)):
        (submitted / student / AID).mkdir(parents=True)
        nbformat.write(build_notebook(evaluation, source), submitted / student / AID / f"{AID}.ipynb")
    results = tmp_path / "results"

    _grade(course, submitted, results)
    assert (_stored(results, "ref")["score"], _stored(results, "padding")["score"]) == (100, 100)
    assert _changes(results) == []

    suite_file.write_text(fixed, encoding="utf-8")  # the instructor fixes the hidden test
    rerun = _grade(course, submitted, results)
    after = _stored(results, "padding")
    assert after["score"] < 100 and _stored(results, "ref")["score"] == 100
    assert _changes(results) == [{"student": "padding", "assignment": AID, "old_score": "100",
                                  "new_score": f"{after['score']:g}",
                                  "why": "the hidden tests changed"}]
    assert f"padding {AID} 100 -> {after['score']:g}" in rerun.stderr and "ref " not in rerun.stderr
    summary = (results / "report" / "summary.md").read_text("utf-8")
    assert f"| padding | {AID} | 100 | {after['score']:g} | the hidden tests changed |" in summary

    # A student's new notebook is graded again; an unchanged one is taken as stored.
    padding_json = results / AID / "padding.json"
    stamp = padding_json.stat().st_mtime_ns
    shutil.copyfile(evaluation.release_notebook, submitted / "ref" / AID / f"{AID}.ipynb")
    third = _grade(course, submitted, results)
    assert padding_json.stat().st_mtime_ns == stamp
    assert _changes(results) == [{"student": "ref", "assignment": AID, "old_score": "100",
                                  "new_score": "0", "why": "the notebook changed"}]
    assert "padding" not in third.stderr


def _fake_assignment(tmp_path: Path) -> assignments.Assignment:
    """An assignment whose inputs live in tmp_path (the fingerprint reads only these paths)."""
    evaluation = assignments.get(AID)
    for source, target in ((evaluation.hidden_suite, tmp_path / "suite"),
                           (evaluation.release_dir, tmp_path / "release")):
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(evaluation.solution, tmp_path / "solution.py")
    shutil.copyfile(evaluation.source_notebook, tmp_path / "source.ipynb")

    class Copy(assignments.Assignment):
        hidden_suite = tmp_path / "suite"
        release_dir = tmp_path / "release"
        solution = tmp_path / "solution.py"
        source_notebook = tmp_path / "source.ipynb"

    return Copy(AID)


def test_the_fingerprint_names_the_part_that_changed(tmp_path):
    copy = _fake_assignment(tmp_path)
    before = fingerprint.graded_by(copy)
    assert before == fingerprint.graded_by(assignments.get(AID))  # same bytes, same fingerprint
    fingerprint._file_digest.cache_clear()
    fingerprint._tree_digest.cache_clear()
    (copy.hidden_suite / "mutants.py").write_text("# the project's own test data\n")
    assert fingerprint.graded_by(copy) == before
    fingerprint._file_digest.cache_clear()
    fingerprint._tree_digest.cache_clear()
    with open(copy.hidden_suite / "test_f1.py", "a", encoding="utf-8") as handle:
        handle.write("\n# a fix\n")
    with open(copy.solution, "a", encoding="utf-8") as handle:
        handle.write("\n# a fix\n")
    after = fingerprint.graded_by(copy)
    stored = {"notebook_sha256": "abc", "graded_by": before}
    assert fingerprint.changed_parts(stored, "abc", after) == ["hidden_suite", "reference"]
    assert fingerprint.changed_parts(stored, "abc", before) == []
    assert fingerprint.changed_parts(stored, "def", before) == ["notebook"]
    assert fingerprint.changed_parts({"notebook_sha256": "abc"}, "abc", before) == ["unknown"]
    fingerprint._file_digest.cache_clear()
    fingerprint._tree_digest.cache_clear()


def _result(student: str) -> Result:
    test = TestOutcome(nodeid="t", name="t", grade_id="g", max_points=1.0, points=1.0,
                       status="passed")
    return Result(AID, student, [test], ["process"], 0.1)


def test_the_nbgrader_path_records_the_notebook_and_what_graded_it(tmp_path):
    evaluation = assignments.get(AID)
    saved = save(_result("alice"), tmp_path,
                 notebook_sha256=fingerprint.notebook_sha256(evaluation.release_notebook))
    doc = json.loads(saved.read_text("utf-8"))
    assert doc["graded_by"] == fingerprint.graded_by(evaluation)
    assert doc["notebook_sha256"] == fingerprint.notebook_sha256(evaluation.release_notebook)
    assert stale(tmp_path) == {}
    doc["graded_by"]["fingerprint"] = "an older suite"
    saved.write_text(json.dumps(doc), encoding="utf-8")
    assert stale(tmp_path) == {AID: ["alice"]}
    assert not list(tmp_path.rglob("*.tmp"))


def test_both_paths_write_the_per_test_csv_in_the_same_columns(tmp_path, monkeypatch):
    from grader import report, report_folder
    from grader.nbgrader.tests_csv import write_tests_csv

    monkeypatch.setattr(report, "write_plot", lambda results, path: None)
    graded = [_result("bob"), _result("alice")]
    for result in graded:
        save(result, tmp_path / "grader_results", notebook_sha256=None)
    report_folder.write(graded, tmp_path / "report", options=report_folder.Options(similarity=False))
    nbgrader_path = io.StringIO()
    assert write_tests_csv(tmp_path / "grader_results", nbgrader_path) == 2
    batch_path = (tmp_path / "report" / "tests.csv").read_bytes().decode("utf-8")
    assert nbgrader_path.getvalue() == batch_path
    assert batch_path.splitlines()[0].split(",")[:2] == ["student", "assignment"]
    assert [row.split(",")[0] for row in batch_path.splitlines()[1:]] == ["alice", "bob"]
