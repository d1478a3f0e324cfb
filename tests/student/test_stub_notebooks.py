"""Each release notebook as handed out, run top to bottom by nbgrader's own Validate (no browser).

The stub checks need a kernel, not a browser: what a student reads when a check fails is the
check-message cell's output, and the browser only draws it (tests/student/test_jupyterlab_browser.py
draws one, and clicks Validate on it). Here nbgrader's `Validator` runs the notebook exactly as the
toolbar's Validate button does (clear outputs, a fresh kernel, every cell, errors allowed), once per
notebook, and the executed notebook it produced is kept for the checks:
- every visible check fails with the short Korean message (unfilled function or failed
  expectation), and no cell fails any other way;
- Validate reports a failure that names the unfilled code;
- no figure that runs on the stub needs a glyph its font lacks (the filled notebooks' figures are
  checked the same way in test_jupyterlab_browser.py).
"""
from __future__ import annotations

import shutil
import time

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbgrader.preprocessors import ClearOutput, Execute
from nbgrader.validator import Validator

from _student import SCREENSHOTS, kernel_env, missing_glyphs

MAX_MESSAGE_LINES = 6  # a check's failure must read as a message, not a traceback
MESSAGE_HEADS = ("[아직 구현하지 않음]", "[확인 실패]")


class KeepExecuted(Preprocessor):
    """Last step of the Validator's pipeline: keeps the notebook it executed."""
    executed: nbformat.NotebookNode | None = None

    def preprocess(self, nb, resources):
        KeepExecuted.executed = nb
        return nb, resources


def _is_check(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _where(index: int, cell) -> str:
    return f"cell {index + 1} ({cell.metadata.get('nbgrader', {}).get('grade_id') or cell.source[:40]!r})"


def test_stub_runs_top_to_bottom_with_clear_failures(assignment, tmp_path, monkeypatch):
    for name, value in kernel_env().items():
        monkeypatch.setenv(name, value)
    # The whole release folder, as a student gets it (09 ships its course_model/ beside it).
    folder = shutil.copytree(assignment.release_dir, tmp_path / assignment.id)
    started = time.monotonic()
    KeepExecuted.executed = None
    validator = Validator(preprocessors=[ClearOutput, Execute, KeepExecuted])
    results = validator.validate(str(folder / f"{assignment.id}.ipynb"))
    elapsed = time.monotonic() - started
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{assignment.id}-stub-timing.txt").write_text(
        f"{assignment.id} stub validate+run={elapsed:.1f}s\n", encoding="utf-8")

    nb = KeepExecuted.executed
    assert nb is not None, f"Validate did not run the notebook: {results}"
    problems = []
    checks = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("execution_count") is None:
            problems.append(f"{_where(index, cell)} did not run")
        errors = [o for o in cell.outputs if o.output_type == "error"]
        glyphs = [g for o in cell.outputs if o.get("name") == "stderr" for g in missing_glyphs(o.text)]
        if glyphs:
            problems.append(f"{assignment.id} {_where(index, cell)}: figure text uses characters its font "
                            f"lacks (drawn blank): {', '.join(glyphs)}; use characters the font has")
        for error in errors:
            traceback = "\n".join(error.traceback)
            if error.ename not in ("NotImplementedError", "AssertionError"):
                problems.append(f"{_where(index, cell)}: {error.ename} in the stub:\n{traceback[-800:]}")
            elif not (traceback.startswith(MESSAGE_HEADS)
                      and len(traceback.splitlines()) <= MAX_MESSAGE_LINES):
                problems.append(f"{_where(index, cell)}: not the short Korean message:\n{traceback[:800]}")
        if _is_check(cell):
            checks += 1
            if not errors:
                problems.append(f"{_where(index, cell)}: this visible check passes on the stub")
    assert checks, "the notebook has no visible-check cells"

    failed = results.get("failed", [])
    if not failed or not any("[아직 구현하지 않음]" in f["raw_error"] for f in failed):
        problems.append(f"nbgrader Validate did not fail the stub clearly: {str(results)[:1500]}")
    (SCREENSHOTS / f"{assignment.id}-stub-validate.txt").write_text(
        "\n\n".join(f"{f['source']}\n{f['raw_error']}" for f in failed), encoding="utf-8")
    assert not problems, "\n\n".join(problems)
