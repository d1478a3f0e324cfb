"""Load: read a submitted notebook and decide which of its cells the worker runs.

Nothing in the submission is trusted for scoring. Cells are matched to the *source* notebook by
nbgrader grade_id: its autograded-test cells (replaced by the hidden suite) and its `skip-grading`
cells (figures, long demos) are not run; every other code cell is, in order, students' own cells
included. IPython magics and shell escapes are turned into calls of a stub that does nothing.
"""
from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path

import nbformat

from grader.assignments import Assignment
from grader.errors import NotebookLoadError

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
SKIP_TAG = "skip-grading"


@dataclasses.dataclass
class LoadedNotebook:
    cells: list[tuple[str, str]]  # (label, code) in notebook order
    notes: list[str]              # student-visible remarks about loading


@functools.cache
def cells_not_run(source_notebook: Path) -> frozenset[str]:
    """grade_ids of the source notebook's test cells and skip-grading cells."""
    nb = nbformat.read(source_notebook, as_version=4)
    ids = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") or SKIP_TAG in cell.metadata.get("tags", []):
            ids.add(meta.get("grade_id"))
    return frozenset(i for i in ids if i)


def load_submission(path: Path, assignment: Assignment) -> LoadedNotebook:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise NotebookLoadError("노트북 파일을 열 수 없습니다.", str(exc)) from None
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookLoadError(f"노트북 파일이 너무 큽니다 ({size // 2**20} MB). 큰 출력은 지우고 "
                                f"다시 제출하세요.")
    try:
        nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        cells = list(nb.cells)
    except (ValueError, UnicodeDecodeError, json.JSONDecodeError, AttributeError, TypeError,
            KeyError, nbformat.reader.NotJSONError) as exc:
        raise NotebookLoadError("노트북 파일을 읽을 수 없습니다. JSON 형식이 손상되었는지 "
                                "확인하세요.", f"{type(exc).__name__}: {exc}") from None

    skipped = cells_not_run(assignment.source_notebook)
    plan, notes = [], []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        grade_id = _grade_id(cell)
        if grade_id in skipped:
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        code = _without_magics(source)
        if "get_ipython()" in code and "get_ipython()" not in source:
            notes.append(f"{number}번째 셀의 IPython 매직(%)이나 셸 명령(!)은 채점할 때 실행되지 않습니다.")
        plan.append((f"cell {number}", code))
    return LoadedNotebook(plan, notes)


def _grade_id(cell) -> str | None:
    meta = cell.get("metadata")
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
    return grade_id if isinstance(grade_id, str) else None


def _without_magics(source: str) -> str:
    """`%magic`, `%%cell magic` and `!shell` become get_ipython() calls (a stub in the worker)."""
    if "%" not in source and "!" not in source:
        return source
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 — a syntax error is reported when the worker compiles it
        return source
