"""Each release notebook, used as a student uses it: JupyterLab 4 in a real (headless) Chromium,
started from the student distribution as `make lab` starts it (see conftest.py).

What only a browser shows is tested here; the stub's run top to bottom (every visible check fails
with its short Korean message, nothing else fails, Validate names the unfilled code) needs only a
kernel and is tested for every notebook in test_stub_notebooks.py.

- Every notebook, `filled` (the release with the reference code in its solution cells): opened from
  the one JupyterLab page, Run > Run All Cells on a fresh kernel, no error and no stderr, every
  visible check prints, every `plt.show()` cell shows a loaded image, no figure text needs a glyph
  its font lacks (matplotlib's "Glyph ... missing from font" warning, named with the notebook, the
  cell and the character); saved; nbgrader's Validator
  passes the notebook as the browser ran it (Validate's verdict without running it a second time).
- The toolbar's Validate button, clicked (the server runs nbgrader's validator on a fresh kernel):
  Success on one filled notebook; on the same notebook's stub, after Run All stops at the first
  check with the Korean message on the page, a failure that names the unfilled code.
- The distribution's Jupyter settings: the Nbgrader menu offers the Assignment List and none of
  the instructors' tools, /formgrader does not exist, and with no exchange configured the
  Assignment List says there is nothing rather than "Error fetching courses!".

One server, one browser page and one kernel at a time for the whole module, in its own xdist group
(`pytest -n 2 --dist loadgroup`). Screenshots go to build/screenshots/ (the CI artifacts), with
each notebook's timings (`<id>-<variant>-timing.txt`).
"""
from __future__ import annotations

import contextlib
import os
import time

import pytest
from nbgrader.validator import Validator

from _student import SCREENSHOTS, missing_glyphs
from grader import assignments

pytestmark = pytest.mark.xdist_group("jupyterlab")

# The notebook whose Validate button is clicked, filled and stub: the first one (a short one).
CLICKED = assignments.all_ids()[0]

RUN_ALL_TIMEOUT_MS = 180_000     # Run All Cells of one notebook
VALIDATE_TIMEOUT_MS = 120_000    # the server's validator runs the whole notebook again
OPEN_TIMEOUT_MS = 120_000        # JupyterLab's first page load, then each kernel start
SAVE_TIMEOUT_MS = 30_000
MAX_MESSAGE_LINES = 6            # a check's failure must read as a message, not a traceback

# The notebook panel the test opened (kept by _open from docmanager:open's result, through the app
# object JupyterLab exposes to the page, LabApp.expose_app_in_browser): state is read from it;
# actions go through the UI.
PANEL = "window.testPanel"

# The app has started and restored its (reset) workspace: opening a notebook now is not undone.
APP_STARTED = """() => !!(window.jupyterapp && window.jupyterapp.commands.hasCommand('docmanager:open'))"""
APP_RESTORED = "() => window.jupyterapp.restored.then(() => true)"

KERNEL_IDLE = f"""(path) => {{
  const panel = {PANEL};
  if (!panel || !panel.context || panel.context.path !== path) return false;
  const kernel = panel.sessionContext && panel.sessionContext.session
                 && panel.sessionContext.session.kernel;
  return !!(kernel && kernel.status === 'idle' && panel.content && panel.content.widgets.length);
}}"""

# Run All has finished: the kernel idle, no cell queued or running ([*]), and either every code
# cell has an execution count or an error stopped the run. Reads the models' counts and output
# types only (no output data), as it is polled.
SETTLED = f"""() => {{
  const panel = {PANEL};
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const code = panel.content.widgets.filter(c => c.model.type === 'code');
  if (code.some(c => ((c.node.querySelector('.jp-InputPrompt') || {{}}).textContent || '').includes('*')))
    return false;
  const errored = code.some(c => {{
    const outputs = c.model.outputs;
    for (let k = 0; k < outputs.length; k++) if (outputs.get(k).type === 'error') return true;
    return false;
  }});
  return errored || code.every(c => c.model.executionCount !== null);
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


def _path(assignment_id: str, variant: str) -> str:
    """Where the notebook is in the distribution's mywork/: the stub where `make lab` copied it."""
    if variant == "stub":
        return f"{assignment_id}/{assignment_id}.ipynb"
    return f"_{variant}/{assignment_id}/{assignment_id}.ipynb"


def _load_app(lab):
    """The one JupyterLab page, loaded once, its workspace reset."""
    page = lab.page
    if not getattr(lab, "loaded", False):
        page.goto(f"{lab.base_url}/lab?reset", wait_until="domcontentloaded")
        page.wait_for_function(APP_STARTED, polling=200, timeout=OPEN_TIMEOUT_MS)
        page.wait_for_function(APP_RESTORED, timeout=OPEN_TIMEOUT_MS)
        lab.loaded = True
    return page


def _open(lab, assignment_id: str, variant: str):
    """Open the notebook as the file browser does (docmanager:open) in the one JupyterLab page
    (with its file browser folded away, so the notebook gets the width); return when its kernel
    is idle."""
    page = _load_app(lab)
    path = _path(assignment_id, variant)
    page.evaluate("""async path => {
      const app = window.jupyterapp;
      window.testPanel = await app.commands.execute('docmanager:open', {path});
      app.shell.activateById(window.testPanel.id);
    }""", path)
    page.wait_for_function(KERNEL_IDLE, arg=path, polling=200, timeout=OPEN_TIMEOUT_MS)
    panel = page.locator(f'[id="{page.evaluate(f"() => {PANEL}.id")}"]')
    panel.wait_for(state="visible", timeout=OPEN_TIMEOUT_MS)
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    return page, panel


def _run_all(page) -> None:
    """Run > Run All Cells, from the menu bar; return when it has finished or stopped at an error."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.wait_for_function(SETTLED, polling=250, timeout=RUN_ALL_TIMEOUT_MS)


def _save(page) -> None:
    """File > Save Notebook (through its command), then wait until the file on disk is current."""
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function(f"() => !({PANEL}).context.model.dirty", polling=100,
                           timeout=SAVE_TIMEOUT_MS)


def _validate_click(page, panel, shot: str) -> tuple[str, str]:
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
    """Shut the notebook's kernel down and close its tab (no save prompt: it was saved)."""
    if page.locator(".jp-Dialog").count():  # left open by a failed step
        page.keyboard.press("Escape")
    page.evaluate(f"async () => {{ const p = {PANEL}; {PANEL} = null; if (p && p.sessionContext) {{ "
                  "await p.sessionContext.shutdown(); p.dispose(); } }")


def _shot(locator, name: str) -> None:
    """Screenshot one element, scrolled to the top of the notebook's view (not under the toolbar)."""
    locator.evaluate("node => node.scrollIntoView({block: 'start'})")
    locator.screenshot(path=SCREENSHOTS / name)


def _is_check(cell) -> bool:
    return bool(cell["nbgrader"].get("grade")) and not cell["nbgrader"].get("solution")


def _where(index: int, cell) -> str:
    return f"cell {index + 1} ({cell['nbgrader'].get('grade_id') or cell['source'][:40]!r})"


@contextlib.contextmanager
def _notebook(lab, assignment_id: str, variant: str, timings: dict):
    """The notebook open on a fresh kernel; on failure a screenshot of the page; always closed,
    with its timings written beside the screenshots."""
    started = time.monotonic()
    page = lab.page
    try:
        page, panel = _open(lab, assignment_id, variant)
        timings["open"] = time.monotonic() - started
        yield page, panel
    except Exception:
        with contextlib.suppress(Exception):  # what the page showed when it went wrong
            page.screenshot(path=SCREENSHOTS / f"{assignment_id}-{variant}-failure.png")
        raise
    finally:
        with contextlib.suppress(Exception):
            _close(page)
        timings["total"] = time.monotonic() - started
        (SCREENSHOTS / f"{assignment_id}-{variant}-timing.txt").write_text(
            f"{assignment_id} {variant} " + " ".join(f"{k}={v:.1f}s" for k, v in timings.items())
            + "\n", encoding="utf-8")


def test_filled_notebook_runs_in_jupyterlab(lab, assignment):
    timings = {}
    with _notebook(lab, assignment.id, "filled", timings) as (page, panel):
        mark = time.monotonic()
        _run_all(page)
        timings["run"] = time.monotonic() - mark
        cells = page.evaluate(CELLS)
        code_cells = [(i, c) for i, c in enumerate(cells) if c["type"] == "code"]
        checks = [(i, c) for i, c in code_cells if _is_check(c)]
        assert checks, "the notebook has no visible-check cells"
        notebook = panel.locator(".jp-Notebook .jp-Cell")

        problems = [f"{_where(i, c)} did not run" for i, c in code_cells if c["count"] is None]
        for i, cell in code_cells:
            for output in cell["outputs"]:
                glyphs = missing_glyphs(output["text"]) if output["name"] == "stderr" else []
                if glyphs:
                    problems.append(f"{assignment.id} {_where(i, cell)}: figure text uses characters its font "
                                    f"lacks (drawn blank): {', '.join(glyphs)}; use characters the font has")
                elif output["type"] == "error" or output["name"] == "stderr":
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
        _save(page)
        if assignment.id == CLICKED:
            classes, text = _validate_click(page, panel, f"{assignment.id}-filled-validate.png")
            passed = "validation-success" in classes
        else:
            # nbgrader's Validate on the notebook as the browser ran and saved it (the button
            # would run it all again on a fresh kernel, as Run All just did).
            results = Validator(preprocessors=[]).validate(
                str(lab.root / _path(assignment.id, "filled")))
            passed = results == {}
            text = ("Success: nbgrader's Validator passes the notebook as JupyterLab ran and saved it."
                    if passed else str(results))
            (SCREENSHOTS / f"{assignment.id}-filled-validate.txt").write_text(text, encoding="utf-8")
        timings["validate"] = time.monotonic() - mark
        if not passed:
            problems.append(f"nbgrader Validate did not pass the reference:\n{text[:1500]}")
        assert not problems, "\n\n".join(problems) + "\n\nserver log:\n" + lab.server_log_tail()


def test_stub_shows_the_message_and_validate_names_the_unfilled_code(lab):
    """Run All on the stub stops at the first visible check, which shows the short Korean message;
    Validate's dialog names the unfilled code."""
    timings = {}
    with _notebook(lab, CLICKED, "stub", timings) as (page, panel):
        mark = time.monotonic()
        _run_all(page)
        timings["run"] = time.monotonic() - mark
        cells = page.evaluate(CELLS)
        failed = [(i, c) for i, c in enumerate(cells) if c["type"] == "code"
                  and any(o["type"] == "error" for o in c["outputs"])]
        assert failed, "Run All ran the stub without an error"
        index, cell = failed[0]
        error = next(o for o in cell["outputs"] if o["type"] == "error")
        problems = []
        if not _is_check(cell):
            problems.append(f"{_where(index, cell)}: the first error is not in a visible check")
        if not (error["traceback"].startswith(("[아직 구현하지 않음]", "[확인 실패]"))
                and len(error["traceback"].splitlines()) <= MAX_MESSAGE_LINES):
            problems.append(f"{_where(index, cell)}: not the short Korean message:\n"
                            f"{error['traceback'][:800]}")
        elif error["traceback"].splitlines()[0] not in cell["shown"]:
            problems.append(f"{_where(index, cell)}: the message is not on the page")
        _shot(panel.locator(".jp-Notebook .jp-Cell").nth(index), f"{CLICKED}-stub-check.png")

        mark = time.monotonic()
        _save(page)
        classes, text = _validate_click(page, panel, f"{CLICKED}-stub-validate.png")
        timings["validate"] = time.monotonic() - mark
        if "validation-failed" not in classes or "[아직 구현하지 않음]" not in text:
            problems.append(f"nbgrader Validate did not fail the stub clearly:\n{text[:1500]}")
        assert not problems, "\n\n".join(problems) + "\n\nserver log:\n" + lab.server_log_tail()


def test_the_student_lab_has_no_instructor_tools_and_a_quiet_assignment_list(lab):
    page = _load_app(lab)
    problems = []
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in lab.server_log():
        problems.append("started as root without the launcher's --allow-root notice")
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
    menu = page.locator(".lm-Menu").last
    menu.wait_for(state="visible", timeout=OPEN_TIMEOUT_MS)
    items = [text.strip() for text in menu.locator(".lm-Menu-itemLabel").all_inner_texts()
             if text.strip()]
    page.screenshot(path=SCREENSHOTS / "student-nbgrader-menu.png")
    if "Assignment List" not in items:
        problems.append(f"the Nbgrader menu has no Assignment List: {items}")
    offered = [i for i in items if i.startswith(("Formgrader", "Create assignment", "Course List"))]
    if offered:
        problems.append(f"the Nbgrader menu offers instructors' tools: {offered}")
    menu.locator(".lm-Menu-itemLabel", has_text="Assignment List").first.click()
    course = page.locator("#course_list_default")
    page.wait_for_function(
        """() => { const e = document.querySelector('#course_list_default');
                   return e && !e.innerText.includes('Loading'); }""", timeout=OPEN_TIMEOUT_MS)
    shown = course.inner_text()
    page.screenshot(path=SCREENSHOTS / "student-assignment-list.png")
    if "Error" in shown or shown.strip() != "No courses found.":
        problems.append(f"the Assignment List says {shown!r}")
    errors = [t for t in page.locator("#assignments .list_error").all_inner_texts() if t.strip()]
    if errors:
        problems.append(f"the Assignment List shows errors: {errors}")
    reply = page.request.get(f"{lab.base_url}/formgrader")
    if reply.status != 404:
        problems.append(f"/formgrader answers {reply.status}")
    page.evaluate("() => window.jupyterapp.commands.execute('application:close-all')")
    assert not problems, "\n".join(problems) + "\n\nserver log:\n" + lab.server_log_tail()
