"""Random submitted/ trees: one gradebook row per student folder, nothing for anyone else, and the
same rows in every run, with --jobs 1 and --jobs 2.

Grading is replaced by a stub that reads the notebook through the real loader (so malformed files
fail as they would) and scores the number the notebook's first cell names: the promise here is
about discovery and bookkeeping; test_submitted_trees.py runs a hostile class through the real
grader.
"""
import csv
import io
import json
import os
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from grader import assignments, cli, grade, report, selfcheck, suite
from grader.discover import escape_name
from grader.errors import NotebookLoadError
from grader.load import load_submission
from grader.records import Result, TestOutcome
from grader.report import csv_cell

AID = "12_evaluation"
LINKED_SCORE = 999  # the notebook every symlink points at: never graded


def _notebook(score: int) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "source": f"SCORE = {score}", "metadata": {}, "outputs": [],
         "execution_count": None}]})


def stub_grade(path, assignment, student, limits=None):
    try:
        loaded = load_submission(path, assignment)
    except NotebookLoadError as exc:
        return Result(assignment.id, student, suite.all_failed(assignment, exc.student_message),
                      ["stub"], 0.0, notes=[exc.student_message])
    code = loaded.cells[0][1] if loaded.cells else ""
    score = float(code.removeprefix("SCORE = ")) if code.startswith("SCORE = ") else 0.0
    test = TestOutcome(nodeid="stub", name="stub", grade_id="stub", max_points=1000.0,
                       points=score, status="passed" if score else "failed")
    return Result(assignment.id, student, [test], ["stub"], 0.0, notes=list(loaded.notes))


CONTENTS = ("good", "good", "good", "broken-json", "deep", "no-cells", "symlink", "fifo", "folder",
            "empty")
NAMES = (f"{AID}.ipynb", f"{AID} (1).ipynb", f"{AID}-2.ipynb", "homework.ipynb", f"{AID}.py",
         "notes.txt", f"{AID}.ipynb.txt")
PLACES = ("assignment-folder", "copied-folder", "student-folder", "nested", "other-assignment")
ODD_NAMES = ('=HYPERLINK("x","y")', "\x1b[31mred", "-1+2", "@me", "김철수", "a b", "%41",
             "tab\there", "\u202eevil", "new\nline")
BYTE_NAMES = (b"caf\xe9", b"\xff\xfe", b"ok\x80")

item = st.tuples(st.sampled_from(PLACES), st.sampled_from(NAMES), st.sampled_from(CONTENTS),
                 st.integers(1, 100))
plain_names = st.text(st.characters(blacklist_characters="/\x00.", blacklist_categories=("Cs",)),
                      min_size=1, max_size=8)
student_name = st.one_of(st.sampled_from(ODD_NAMES), st.sampled_from(BYTE_NAMES), plain_names)
# canonical: a notebook in nbgrader's own place and name, written first (None: none there)
canonical = st.one_of(st.none(), st.integers(1, 100))
trees = st.lists(st.tuples(student_name, canonical, st.lists(item, max_size=5)), min_size=1, max_size=6,
                 unique_by=lambda entry: os.fsencode(entry[0]))
extras = st.lists(st.sampled_from(("stray-file", "link-to-student", "top-fifo", "hidden")),
                  unique=True, max_size=3)


def _write_item(folder: Path, place: str, name: str, content: str, score: int, linked: Path):
    where = {"assignment-folder": folder / AID, "copied-folder": folder / f"{AID} (2)",
             "student-folder": folder, "nested": folder / "deeper" / AID,
             "other-assignment": folder / "07_attention"}[place]
    where.mkdir(parents=True, exist_ok=True)
    path = where / name
    if os.path.lexists(path):
        return
    if content == "symlink":
        os.symlink(linked, path)
    elif content == "fifo":
        os.mkfifo(path)
    elif content == "folder":
        path.mkdir()
    else:
        path.write_text({"good": _notebook(score), "broken-json": '{"cells": [',
                         "deep": "[" * 3000, "no-cells": '{"nbformat": 4}', "empty": ""}[content])


def _build(root: Path, tree, top_extras) -> list[str]:
    """The tree on disk; returns the student folder names (as os.fsdecode gives them)."""
    root.mkdir()
    linked = root.parent / "linked.ipynb"
    linked.write_text(_notebook(LINKED_SCORE))
    folders = []
    for raw_name, first, items in tree:
        name = os.fsdecode(raw_name)
        if name.startswith(".") or name in assignments.all_ids() or name == "submitted":
            continue
        folder = root / name
        folder.mkdir()
        folders.append(name)
        if first is not None:
            _write_item(folder, "assignment-folder", f"{AID}.ipynb", "good", first, linked)
        for place, file_name, content, score in items:
            _write_item(folder, place, file_name, content, score, linked)
    for extra in top_extras:
        if extra == "stray-file":
            (root / "stray.txt").write_text("x")
        elif extra == "link-to-student" and folders:
            os.symlink(root / folders[0], root / "linked-student")
        elif extra == "top-fifo":
            os.mkfifo(root / f"{AID}.ipynb")
        elif extra == "hidden":
            (root / ".ipynb_checkpoints").mkdir()
    return folders


def _grade(root: Path, results: Path, jobs: int) -> bytes:
    code = cli.main(["grade", str(root), "--assignment", AID, "--results", str(results),
                     "--jobs", str(jobs), "--quiet", "--format", "json",
                     "--output", str(results.parent / f"{results.name}.json")])
    assert code == 0
    return (results / "report" / "gradebook.csv").read_bytes()


@pytest.fixture(scope="module")
def stubbed():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(grade, "grade_notebook", stub_grade)
        patch.setattr(selfcheck, "check", lambda log: True)  # the canary needs no rerun per tree
        patch.setattr(report, "write_plot", lambda results, path: None)
        suite.collect(assignments.get(AID))  # forked slots inherit the collected suite
        yield


@settings(max_examples=10, deadline=None, derandomize=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(tree=trees, top_extras=extras)
def test_random_trees_give_one_row_per_student_folder_in_every_run(stubbed, tree, top_extras):
    with tempfile.TemporaryDirectory() as top:
        top = Path(top)
        folders = _build(top / "submitted", tree, top_extras)
        if not folders:
            return
        first = _grade(top / "submitted", top / "r1", jobs=1)
        assert _grade(top / "submitted", top / "r1", jobs=1) == first  # resumed
        assert _grade(top / "submitted", top / "r2", jobs=1) == first
        assert _grade(top / "submitted", top / "r3", jobs=2) == first

        expected = sorted(escape_name(name) for name in folders)
        rows = list(csv.DictReader(io.StringIO(first.decode("utf-8"))))
        assert sorted(row["student"] for row in rows) == sorted(csv_cell(s) for s in expected)
        stored = [json.loads(p.read_text("utf-8")) for p in (top / "r1" / AID).glob("*.json")]
        assert sorted(doc["student"] for doc in stored) == expected
        assert sorted(os.listdir(top / "r1")) == [AID, "report"]
        assert not list(top.rglob("*.tmp"))
        report = json.loads((top / "r1.json").read_text("utf-8"))
        by_student = {doc["student"]: doc for doc in (report if isinstance(report, list) else [report])}
        assert sorted(by_student) == expected
        assert LINKED_SCORE not in {doc["score"] for doc in by_student.values()}
        for name in folders:  # nbgrader's own place and name wins over every other notebook
            exact = top / "submitted" / name / AID / f"{AID}.ipynb"
            if os.path.lexists(exact) and stat.S_ISREG(os.lstat(exact).st_mode):
                text = exact.read_text("utf-8")
                if text.startswith('{"nbformat": 4, "nbformat_minor": 5'):
                    score = float(json.loads(text)["cells"][0]["source"].removeprefix("SCORE = "))
                    assert by_student[escape_name(name)]["score"] == score
