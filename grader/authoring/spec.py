"""What an assignment's notebook source (`assignments/<id>/source.py`, jupytext percent) declares
about its graded code: the names of its solution cells, in notebook order, and the graded-tests
cell that follows each. Read by the build's neighbours: samples, mutation testing, the
embedded-solutions record."""
from __future__ import annotations

from grader.assignments import Assignment


def solution_cells(assignment: Assignment) -> dict[str, str | None]:
    """Each name of a solution cell, in notebook order -> the grade_id of the tests cell that
    follows it (None when no tests cell does)."""
    import jupytext

    spec = jupytext.read(assignment.notebook_spec, fmt="py:percent")
    cells: dict[str, str | None] = {}
    pending: list[str] = []
    for cell in spec.cells:
        pending += cell.metadata.get("solution", [])
        if cell.metadata.get("tests") and pending:
            cells.update((name, cell.metadata["tests"]) for name in pending)
            pending = []
    cells.update((name, None) for name in pending)
    return cells


def graded_functions(assignment: Assignment) -> list[str]:
    """The public names of the solution cells (what students implement), in notebook order."""
    return [name for name in solution_cells(assignment) if not name.startswith("_")]
