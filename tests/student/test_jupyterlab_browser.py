"""Each release notebook, used as a student uses it: JupyterLab 4 in a real (headless) Chromium.

For every assignment, twice:
- `stub`: the release as handed out. Run cell by cell (Shift+Enter, as "Run All" stops at the first
  error): every visible check fails with the short Korean message of the check-message cell
  (unfilled function or failed expectation), and no cell fails any other way.
- `filled`: the release with the reference code in its solution cells. Run > Run All Cells: no
  error, no stderr, every visible check prints, every `plt.show()` cell shows a loaded image.
Then the nbgrader "Validate" button of the notebook toolbar (the server runs nbgrader's validator):
success for `filled`, a failure that names the unfilled code for `stub`.

Screenshots go to build/screenshots/ (the CI artifacts).
"""
from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"

CELL_TIMEOUT_MS = 60_000         # one cell (Shift+Enter)
RUN_ALL_TIMEOUT_MS = 150_000     # Run All Cells of one notebook
VALIDATE_TIMEOUT_MS = 150_000    # nbgrader validate runs the whole notebook again
OPEN_TIMEOUT_MS = 120_000        # JupyterLab's first page load, then each kernel start
MAX_MESSAGE_LINES = 6            # a check's failure must read as a message, not a traceback

# The notebook panel in front, through the app object JupyterLab exposes to the page
# (LabApp.expose_app_in_browser): state is read from it; actions go through the UI.
PANEL = "window.jupyterapp && window.jupyterapp.shell.currentWidget"

APP_READY = """() => !!(window.jupyterapp && window.jupyterapp.shell
                         && window.jupyterapp.commands.hasCommand('docmanager:open'))"""

KERNEL_IDLE = f"""(path) => {{
  const panel = {PANEL};
  if (!panel || !panel.context || panel.context.path !== path) return false;
  const kernel = panel.sessionContext && panel.sessionContext.session
                 && panel.sessionContext.session.kernel;
  return !!(kernel && kernel.status === 'idle' && panel.content && panel.content.widgets.length);
}}"""

# Nothing queued or running ([*]), the kernel idle, and cell `upto` has an execution count
# (or an error stopped a Run All).
SETTLED = f"""(upto) => {{
  const panel = {PANEL};
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const cells = panel.content.widgets;
  if (cells.some(c => c.model.type === 'code' && (c.node.querySelector('.jp-InputPrompt') || {{}})
                 .textContent && c.node.querySelector('.jp-InputPrompt').textContent.includes('*')))
    return false;
  const errored = cells.some(c => c.model.type === 'code'
                             && c.model.toJSON().outputs.some(o => o.output_type === 'error'));
  const done = cells.slice(0, upto + 1).every(c => c.model.type !== 'code'
                                              || c.model.executionCount !== null);
  return done || (upto === cells.length - 1 && errored);
}}"""

CELLS = f"""() => {{
  const panel = {PANEL};
  return panel.content.widgets.map(cell => {{
    const m = cell.model.toJSON();
    const area = cell.node.querySelector('.jp-OutputArea');
    return {{
      type: m.cell_type,
      source: Array.isArray(m.source) ? m.source.join('') : m.source,
      nbgrader: (m.metadata && m.metadata.nbgrader) || {{}},
      count: m.execution_count === undefined ? null : m.execution_count,
      outputs: (m.outputs || []).map(o => ({{
        type: o.output_type, name: o.name || null, ename: o.ename || null,
        text: Array.isArray(o.text) ? o.text.join('') : (o.text || ''),
        traceback: (o.traceback || []).join('\\n'),
        mimes: Object.keys(o.data || {{}})}})),
      shown: area ? area.innerText : '',
      images: [...cell.node.querySelectorAll('.jp-OutputArea img')]
                .map(img => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0),
    }};
  }});
}}"""


def _open(lab, assignment_id: str, variant: str):
    """Open the notebook as the file browser does (docmanager:open) in the one JupyterLab page,
    loaded once (with its file browser folded away, so the notebook gets the width)."""
    page = lab.page
    if not getattr(lab, "loaded", False):
        page.goto(f"{lab.base_url}/lab?reset", wait_until="domcontentloaded")
        page.wait_for_function(APP_READY, polling=200, timeout=OPEN_TIMEOUT_MS)
        lab.loaded = True
    path = f"{assignment_id}/{variant}/{assignment_id}.ipynb"
    page.evaluate("path => { window.jupyterapp.commands.execute('docmanager:open', {path}); }", path)
    page.wait_for_function(KERNEL_IDLE, arg=path, polling=200, timeout=OPEN_TIMEOUT_MS)
    panel = page.locator(f'[id="{page.evaluate(f"() => {PANEL}.id")}"]')
    panel.wait_for(state="visible", timeout=OPEN_TIMEOUT_MS)
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    return page, panel


def _run_all(page, panel) -> None:
    """Run > Run All Cells, from the menu bar."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    last = page.evaluate(f"() => {PANEL}.content.widgets.length - 1")
    page.wait_for_function(SETTLED, arg=last, polling=200, timeout=RUN_ALL_TIMEOUT_MS)


def _run_cell_by_cell(page, panel) -> None:
    """Select the first cell, then Shift+Enter down the notebook (Ctrl+Enter on the last cell,
    so no empty cell is added)."""
    count = page.evaluate(f"() => {PANEL}.content.widgets.length")
    panel.locator(".jp-Notebook .jp-Cell").first.click()
    page.keyboard.press("Escape")
    for index in range(count):
        page.keyboard.press("Control+Enter" if index == count - 1 else "Shift+Enter")
        page.wait_for_function(SETTLED, arg=index, polling=100, timeout=CELL_TIMEOUT_MS)


def _validate(page, panel, shot: str) -> tuple[str, str]:
    """Click the toolbar's Validate button; return the dialog's result class and text."""
    panel.locator(".jp-NotebookPanel-toolbar .jp-ToolbarButtonComponent-label",
                 has_text="Validate").first.click()
    message = page.locator("#validation-message")
    message.wait_for(state="visible", timeout=VALIDATE_TIMEOUT_MS)
    classes = message.get_attribute("class") or ""
    text = message.inner_text()
    (SCREENSHOTS / shot).with_suffix(".txt").write_text(text, encoding="utf-8")
    errors = message.locator("pre")
    if errors.count() > 1:  # the dialog scrolls: show the first failure's message
        errors.nth(1).scroll_into_view_if_needed()
    page.locator(".jp-Dialog-content").first.screenshot(path=SCREENSHOTS / shot)
    page.locator(".jp-Dialog .jp-mod-accept").first.click()
    return classes, text


def _close(page) -> None:
    """Shut the notebook's kernel down and close its tab (no save prompt: Validate saved it)."""
    if page.locator(".jp-Dialog").count():  # left open by a failed step
        page.keyboard.press("Escape")
    page.evaluate(f"async () => {{ const p = {PANEL}; if (p && p.sessionContext) {{ "
                  "await p.sessionContext.shutdown(); p.dispose(); } }")


def _shot(locator, name: str) -> None:
    """Screenshot one element, scrolled to the top of the notebook's view (not under the toolbar)."""
    locator.evaluate("node => node.scrollIntoView({block: 'start'})")
    locator.screenshot(path=SCREENSHOTS / name)


def _is_check(cell) -> bool:
    return bool(cell["nbgrader"].get("grade")) and not cell["nbgrader"].get("solution")


def _errors(cell) -> list[dict]:
    return [o for o in cell["outputs"] if o["type"] == "error"]


def _where(index: int, cell) -> str:
    return f"cell {index + 1} ({cell['nbgrader'].get('grade_id') or cell['source'][:40]!r})"


@pytest.mark.parametrize("variant", ["stub", "filled"])
def test_release_notebook_in_jupyterlab(lab, assignment, variant):
    timings = {}
    started = time.monotonic()
    page = lab.page
    try:
        page, panel = _open(lab, assignment.id, variant)
        timings["open"] = time.monotonic() - started
        mark = time.monotonic()
        (_run_cell_by_cell if variant == "stub" else _run_all)(page, panel)
        timings["run"] = time.monotonic() - mark
        cells = page.evaluate(CELLS)
        code_cells = [(i, c) for i, c in enumerate(cells) if c["type"] == "code"]
        checks = [(i, c) for i, c in code_cells if _is_check(c)]
        assert checks, "the notebook has no visible-check cells"
        notebook = panel.locator(".jp-Notebook .jp-Cell")

        problems = [f"{_where(i, c)} did not run" for i, c in code_cells if c["count"] is None]
        if variant == "stub":
            for i, cell in code_cells:
                for error in _errors(cell):
                    if error["ename"] not in ("NotImplementedError", "AssertionError"):
                        problems.append(f"{_where(i, cell)}: {error['ename']} in the stub:\n"
                                        f"{error['traceback'][-800:]}")
                    elif not (error["traceback"].startswith(("[아직 구현하지 않음]", "[확인 실패]"))
                              and len(error["traceback"].splitlines()) <= MAX_MESSAGE_LINES):
                        problems.append(f"{_where(i, cell)}: not the short Korean message:\n"
                                        f"{error['traceback'][:800]}")
                    elif error["traceback"].splitlines()[0] not in cell["shown"]:
                        problems.append(f"{_where(i, cell)}: the message is not on the page")
            for i, cell in checks:
                if not _errors(cell):
                    problems.append(f"{_where(i, cell)}: this visible check passes on the stub")
            _shot(notebook.nth(checks[0][0]), f"{assignment.id}-stub-check.png")
        else:
            for i, cell in code_cells:
                for output in cell["outputs"]:
                    if output["type"] == "error" or output["name"] == "stderr":
                        problems.append(f"{_where(i, cell)}: {output['ename'] or 'stderr'}:\n"
                                        f"{(output['traceback'] or output['text'])[-800:]}")
            for i, cell in checks:
                if not cell["shown"].strip():
                    problems.append(f"{_where(i, cell)}: the visible check printed nothing")
            notebook.first.scroll_into_view_if_needed()
            page.screenshot(path=SCREENSHOTS / f"{assignment.id}-filled-top.png")
            _shot(notebook.nth(checks[0][0]), f"{assignment.id}-filled-check.png")
            figures = [(i, c) for i, c in code_cells if "plt.show()" in c["source"]]
            for number, (i, cell) in enumerate(figures, start=1):
                if not cell["images"] or not all(cell["images"]):
                    problems.append(f"{_where(i, cell)}: the figure did not render "
                                    f"(outputs {[o['mimes'] or o['type'] for o in cell['outputs']]})")
                    continue
                _shot(notebook.nth(i).locator(".jp-OutputArea").first,
                      f"{assignment.id}-filled-figure-{number}.png")

        mark = time.monotonic()
        classes, text = _validate(page, panel, f"{assignment.id}-{variant}-validate.png")
        timings["validate"] = time.monotonic() - mark
        if variant == "filled":
            if "validation-success" not in classes:
                problems.append(f"nbgrader Validate did not pass the reference:\n{text[:1500]}")
        elif "validation-failed" not in classes or "[아직 구현하지 않음]" not in text:
            problems.append(f"nbgrader Validate did not fail the stub clearly:\n{text[:1500]}")
        assert not problems, "\n\n".join(problems) + "\n\nserver log:\n" + lab.server_log_tail()
    except Exception:
        with contextlib.suppress(Exception):  # what the page showed when it went wrong
            page.screenshot(path=SCREENSHOTS / f"{assignment.id}-{variant}-failure.png")
        raise
    finally:
        _close(page)
        timings["total"] = time.monotonic() - started
        with open(SCREENSHOTS / "timings.txt", "a", encoding="utf-8") as out:
            out.write(f"{assignment.id} {variant} "
                      + " ".join(f"{k}={v:.1f}s" for k, v in timings.items()) + "\n")
