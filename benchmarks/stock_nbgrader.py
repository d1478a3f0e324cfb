"""The baseline of bench_batch_vs_nbgrader: stock nbgrader grading with the same hidden tests.

A stock nbgrader course keeps its hidden tests in the autograded-test cells, where `nbgrader
autograde` runs them in each student's own kernel, every cell of the notebook executed in order
(figures and demos included), and scores each test cell from its output. `write_source_notebook`
writes such a course: each autograded-test cell runs the hidden tests of that cell against the
kernel's namespace and evaluates to the points earned, which nbgrader reads as partial credit. Same
tests and points as `grader grade`, but nbgrader's executor, kernel per notebook and scoring, so the
two totals can be compared submission by submission.
"""
from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent

CELL_TEMPLATE = """\
import sys
sys.path.insert(0, {here!r})
from stock_nbgrader import hidden_cell_points
hidden_cell_points({assignment!r}, {grade_id!r}, globals())"""


def write_source_notebook(assignment, folder: Path) -> Path:
    """nbgrader's source/<id>/ folder: the assignment's notebook with hidden tests in its test cells."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in assignment.release_dir.rglob("*"):
        if path.is_file() and path.suffix != ".ipynb":
            target = folder / path.relative_to(assignment.release_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    notebook = nbformat.read(assignment.source_notebook, as_version=4)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            cell.source = CELL_TEMPLATE.format(here=str(HERE), assignment=assignment.id,
                                               grade_id=meta["grade_id"])
    target = folder / assignment.source_notebook.name
    nbformat.write(notebook, target)
    return target


def hidden_cell_points(assignment_id: str, grade_id: str, namespace: dict) -> float:
    """Runs in the student's kernel: the hidden tests of one cell against its globals → points."""
    from grader import assignments, suite
    from grader.proxy import InProcessBackend, Student

    student = Student(InProcessBackend.over_namespace(namespace))
    # Anything on stderr makes nbgrader give the cell 0 points, warnings included.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        outcomes = suite.run_suite(assignments.get(assignment_id), student, cell=grade_id)
    return sum(outcome.points for outcome in outcomes)
