"""Load: read a submitted notebook and decide which of its cells the worker runs.

Nothing in the submission is trusted for scoring. Cells are matched to the *source* notebook by
nbgrader grade_id: its autograded-test cells (replaced by the hidden suite) and its `skip-grading`
cells (figures, long demos) are not run; every other code cell is, in order, students' own cells
included. IPython magics and shell escapes are turned into calls of a stub that does nothing.

The file itself is hostile too: it is opened without following links or waiting on a FIFO, read up
to a size cap, and its JSON nesting is measured before any recursive parser sees it, so that every
bad file becomes a NotebookLoadError with a reason (a row scoring 0), never a grader traceback.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
import stat
from pathlib import Path

import nbformat
import numpy as np

from grader import assignments
from grader.assignments import Assignment
from grader.errors import NotebookLoadError

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
MAX_JSON_DEPTH = 100  # notebooks nest a dozen levels; Python's parsers recurse once per level
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


def read_notebook_bytes(path: Path) -> bytes:
    """The bytes of a submitted regular file: a link is never followed, a FIFO or device never
    waited on, and no more than MAX_NOTEBOOK_BYTES are read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise NotebookLoadError("노트북 파일을 열 수 없습니다. 심볼릭 링크나 특수 파일이 아닌 일반 "
                                "파일로 제출하세요. (cannot open the notebook: not a regular file)",
                                f"open: {os.strerror(exc.errno or 0)}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotebookLoadError("노트북이 일반 파일이 아니라서 열지 않았습니다. (not a regular "
                                    "file; not opened)")
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise NotebookLoadError(_too_big(info.st_size))
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_NOTEBOOK_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_NOTEBOOK_BYTES:  # grew since fstat
        raise NotebookLoadError(_too_big(len(data)))
    return data


def _too_big(size: int) -> str:
    return (f"노트북 파일이 너무 큽니다 ({size // 2**20} MB). 큰 출력은 지우고 다시 제출하세요. "
            f"(notebook larger than {MAX_NOTEBOOK_BYTES // 2**20} MB)")


_UNREADABLE = ("노트북 파일을 읽을 수 없습니다. JSON 형식이 손상되었는지 확인하세요. "
               "(not a readable notebook: broken JSON)")
_NOT_A_NOTEBOOK = ("노트북 형식(nbformat 4)이 아닙니다. Jupyter에서 저장한 .ipynb 파일을 제출하세요. "
                   "(not an nbformat 4 notebook)")
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


def json_depth(data: bytes) -> int:
    """How deeply the JSON text nests arrays and objects, counted without parsing it: the
    parsers and nbformat recurse once per level, so a few hundred brackets would raise
    RecursionError inside the grader."""
    brackets = _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b"", data))
    if not brackets:
        return 0
    codes = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), np.int8(1), np.int8(-1))
    return int(np.cumsum(steps, dtype=np.int32).max())


def parse_notebook(data: bytes) -> list[dict]:
    """The cells of a submitted notebook (nbformat 4, or 3 converted), or NotebookLoadError.

    Lenient where the grader can still do its job (missing metadata, cell ids), strict where it
    cannot (no list of cells, a cell that is not an object)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotebookLoadError("노트북 파일이 UTF-8 텍스트가 아닙니다. (notebook is not UTF-8 text)",
                                "UnicodeDecodeError") from None
    depth = json_depth(data)
    if depth > MAX_JSON_DEPTH:
        raise NotebookLoadError(f"노트북의 JSON이 너무 깊게 중첩되어 있습니다 (최대 {MAX_JSON_DEPTH}단계). "
                                f"Jupyter에서 저장한 .ipynb 파일을 제출하세요. (JSON nested deeper "
                                f"than {MAX_JSON_DEPTH} levels)", f"JSON nested {depth} deep")
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise NotebookLoadError(_UNREADABLE, f"{type(exc).__name__}: {str(exc)[:300]}") from None
    if not isinstance(doc, dict):
        raise NotebookLoadError(_NOT_A_NOTEBOOK, f"top level is a {type(doc).__name__}")
    version = doc.get("nbformat")
    if version == 3:
        if not isinstance(doc.get("worksheets"), list):
            raise NotebookLoadError(_NOT_A_NOTEBOOK, "nbformat 3 without worksheets")
        try:
            doc = nbformat.convert(nbformat.from_dict(doc), 4)
        except Exception as exc:  # noqa: BLE001 — any malformed v3 document: a reason, not a crash
            raise NotebookLoadError(_NOT_A_NOTEBOOK, f"nbformat 3: {type(exc).__name__}: "
                                                     f"{str(exc)[:300]}") from None
    elif version != 4:
        raise NotebookLoadError(_NOT_A_NOTEBOOK, f"nbformat {str(version)[:20]!r}")
    cells = doc.get("cells")
    if not isinstance(cells, list):
        raise NotebookLoadError(_NOT_A_NOTEBOOK, "no list of cells")
    bad = [number for number, cell in enumerate(cells, start=1) if not isinstance(cell, dict)]
    if bad:
        raise NotebookLoadError(f"{bad[0]}번째 셀의 형식이 잘못되었습니다. Jupyter에서 다시 저장해 "
                                f"제출하세요. (cell {bad[0]} is not a notebook cell)",
                                f"{len(bad)} cells are not objects")
    return cells


def load_submission(path: Path, assignment: Assignment) -> LoadedNotebook:
    cells = parse_notebook(read_notebook_bytes(path))

    skipped = cells_not_run(assignment.source_notebook)
    plan, notes = [], _foreign_notebook_notes(cells, assignment)
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
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


@functools.cache
def _distinct_grade_ids() -> dict[str, str]:
    """grade_id -> assignment, for the grade_ids that only one assignment's source notebook has."""
    owners: dict[str, set[str]] = {}
    for assignment_id in assignments.all_ids():
        for cell in nbformat.read(assignments.get(assignment_id).source_notebook, 4).cells:
            grade_id = _grade_id(cell)
            if grade_id:
                owners.setdefault(grade_id, set()).add(assignment_id)
    return {grade_id: ids.pop() for grade_id, ids in owners.items() if len(ids) == 1}


def owner_of(cells: list[dict]) -> str | None:
    """The assignment whose graded cells these are, judged by grade_ids only one assignment
    has (None when none of them, or a tie)."""
    distinct = _distinct_grade_ids()
    hits: dict[str, int] = {}
    for cell in cells:
        owner = distinct.get(_grade_id(cell))
        if owner:
            hits[owner] = hits.get(owner, 0) + 1
    ranked = sorted(hits.items(), key=lambda item: -item[1])
    if not ranked or len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def _foreign_notebook_notes(cells: list[dict], assignment: Assignment) -> list[str]:
    owner = owner_of(cells)
    if owner is None or owner == assignment.id:
        return []
    return [f"이 노트북의 채점 셀(grade_id)은 {owner} 과제의 것입니다. {assignment.id} 과제의 노트북을 "
            f"제출했는지 확인하세요. (this notebook's graded cells belong to {owner}, not "
            f"{assignment.id})"]


def _grade_id(cell) -> str | None:
    meta = cell.get("metadata")
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
    return grade_id if isinstance(grade_id, str) else None


# Where IPython's transformers can find a magic or a shell escape: a line that starts with % or !
# (`%time`, `%%bash`, `!ls`) or an assignment from one (`x = %time f()`, `files = !ls`). A cell
# with neither (`a != b`, `"%d" % n`) is returned as it is, without tokenizing it (4 ms a cell).
_MAGIC_SIGNS = re.compile(r"^[ \t]*[%!]|=[ \t]*[%!]", re.MULTILINE)


def _without_magics(source: str) -> str:
    """`%magic`, `%%cell magic` and `!shell` become get_ipython() calls (a stub in the worker)."""
    if not _MAGIC_SIGNS.search(source):
        return source
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 — a syntax error is reported when the worker compiles it
        return source
