"""Grades to the LMS: Canvas's gradebook import, and a generic long CSV any LMS can map.

    grader report RESULTS/ [--canvas-roster canvas_export.csv] [--canvas-id-column "SIS Login ID"]

- `lms/canvas.csv`: the columns Canvas's gradebook import reads — Student, ID, SIS User ID, SIS
  Login ID, Section — then one column per assignment, and a "Points Possible" row under the
  header. Canvas finds each student by ID, SIS User ID or SIS Login ID; the grader's student id
  (nbgrader's, the submitted/ folder name) goes in `--canvas-id-column` (default: SIS Login ID),
  and in Student. With `--canvas-roster` (the CSV Canvas's gradebook export gives) the identity
  columns come from the roster row of that student, and an assignment column takes the roster's
  header for it ("12_evaluation (4711)": Canvas's own assignment id), so the import updates that
  assignment instead of creating a new one. A student without a result has an empty cell (Canvas
  leaves such a grade as it is).
- `lms/grades.csv`: one row per (student, assignment): student_id, assignment, score, max_score.

Scores are totals after late penalties (grader/late.py), as `nbgrader export` gives them. Every cell
goes through the report's CSV escaping (a leading = + - @ gets a quote: an id starting with one
will not match in the LMS, which is the safe failure).
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

from grader.records import Result
from grader.report import csv_text

CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_ID_COLUMNS = ("SIS Login ID", "SIS User ID", "ID")
POINTS_POSSIBLE = "Points Possible"
GENERIC = ["student_id", "assignment", "score", "max_score"]
_CANVAS_ASSIGNMENT = re.compile(r"^(?P<name>.*?)\s*\((?P<id>\d+)\)\s*$")


def _number(value: float) -> str:
    return f"{value:g}"


def _csv(rows: list[list[str]]) -> str:
    return csv_text(rows, lineterminator="\n")


def read_roster(path: Path) -> tuple[list[dict[str, str]], list[str]]:
    """(student rows, header) of a Canvas gradebook export; its "Points Possible" row (and any
    other row without a student id) is left out."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        missing = [column for column in CANVAS_IDENTITY if column not in header]
        if missing:
            raise ValueError(f"{path}: not a Canvas gradebook export (no {', '.join(missing)} column)")
        rows = [row for row in reader if (row.get("Student") or "").strip() != POINTS_POSSIBLE
                and any((row.get(column) or "").strip() for column in CANVAS_ID_COLUMNS)]
    return rows, header


def canvas_rows(results: list[Result], *, id_column: str = "SIS Login ID",
                roster: tuple[list[dict[str, str]], list[str]] | None = None) -> tuple[list[list[str]], list[str]]:
    """(rows of the Canvas import CSV, students who are not in the roster)."""
    if id_column not in CANVAS_ID_COLUMNS:
        raise ValueError(f"--canvas-id-column must be one of {', '.join(CANVAS_ID_COLUMNS)}")
    assignments = sorted({r.assignment for r in results})
    max_score = {a: max(r.max_score for r in results if r.assignment == a) for a in assignments}
    scores = {(r.student, r.assignment): r.score for r in results}
    students = sorted({r.student for r in results})
    headers = {a: a for a in assignments}
    people: dict[str, dict[str, str]] = {}
    unknown: list[str] = []
    if roster is not None:
        rows, header = roster
        for column in header:
            match = _CANVAS_ASSIGNMENT.match(column)
            if match and match["name"] in headers:
                headers[match["name"]] = column
        people = {row[id_column].strip(): row for row in rows if (row.get(id_column) or "").strip()}
        unknown = [s for s in students if s not in people]
    out = [CANVAS_IDENTITY + [headers[a] for a in assignments],
           [POINTS_POSSIBLE, "", "", "", ""] + [_number(max_score[a]) for a in assignments]]
    for student in students:
        person = people.get(student)
        if person is not None:
            identity = [(person.get(column) or "") for column in CANVAS_IDENTITY]
        else:
            identity = [student if column in ("Student", id_column) else "" for column in CANVAS_IDENTITY]
        out.append(identity + [_number(scores[(student, a)]) if (student, a) in scores else ""
                               for a in assignments])
    return out, unknown


def generic_rows(results: list[Result]) -> list[list[str]]:
    rows = [list(GENERIC)]
    for r in sorted(results, key=lambda r: (r.student, r.assignment)):
        rows.append([r.student, r.assignment, _number(r.score), _number(r.max_score)])
    return rows


def write(results: list[Result], folder: Path, write_text, *, id_column: str = "SIS Login ID",
          roster_path: Path | None = None) -> tuple[list[Path], list[str]]:
    """lms/canvas.csv and lms/grades.csv; returns (paths, students missing from the roster)."""
    roster = read_roster(roster_path) if roster_path else None
    rows, unknown = canvas_rows(results, id_column=id_column, roster=roster)
    canvas, generic = folder / "canvas.csv", folder / "grades.csv"
    write_text(canvas, _csv(rows))
    write_text(generic, _csv(generic_rows(results)))
    return [canvas, generic], unknown
