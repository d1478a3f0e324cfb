"""A class on the course's JupyterHub (`make hub`), in a real (headless) Chromium.

The instructor logs in, lands on the formgrader (a hub-managed service run by the course account)
and generates and releases 12_evaluation. Two students log in to their own JupyterLab and fetch it
from the Assignment List; llmc-student1 fills it with the reference (the fetched notebook, its
solution cells written with the reference code through the contents API, as the editor saves),
llmc-student2 leaves it; both submit. The instructor collects, autogrades each submission, and
generates and releases the feedback; each student fetches theirs and opens it. Then:

- the gradebook says 100 and 0, and the grading engine scored both (its instructor results);
- from llmc-student1's kernel, the answers (the course account's solutions/ and tests/hidden/, and
  this repository's), the gradebook, the other student's home and notebook, the exchange's list of
  submissions and the other student's submission, and the hub's state are all out of reach, while
  the student's own home, own submission and the released notebook are readable;
- a student who opens the formgrader's address gets 403;
- `hubctl stop` ends every process the hub started and removes the accounts and the class's files.

Screenshots of every step: build/screenshots/hub-NN-*.png (with the hub's log and hubctl's output).
Marked `hub`: `make test-hub` runs it, not the default `make test` (see README).
"""
from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import socket
import tempfile
from pathlib import Path

import nbformat
import pytest

from _student import SCREENSHOTS, filled_notebook
from grader import assignments

pytestmark = pytest.mark.hub

AID = "12_evaluation"
LOAD_MS = 300_000       # JupyterLab's first start for an account, on a busy machine
ACTION_MS = 300_000     # one formgrader action (autograde runs the engine)
UI_MS = 60_000
MARKER = "ISOLATION:"


class Shots:
    def __init__(self):
        self.count = 0
        self.taken: list[str] = []

    def __call__(self, page, name: str, locator=None) -> None:
        self.count += 1
        path = SCREENSHOTS / f"hub-{self.count:02d}-{name}.png"
        (locator or page).screenshot(path=path)
        self.taken.append(path.name)


def _context(hub):
    return hub.browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")


def _log_in(hub, name: str, shots: Shots | None = None):
    context = _context(hub)
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login", wait_until="domcontentloaded")
    page.fill("#username_input", name)
    page.fill("#password_input", hub.passwords[name])
    if shots:
        shots(page, "login")
    page.click("#login_submit")
    return context, page


# ----------------------------------------------------------------------------- formgrader

def _formgrader(hub, page, view: str = "manage_assignments"):
    page.goto(f"{hub.url}/services/{hub.course}/formgrader/{view}", wait_until="domcontentloaded")


def _assignment_row(page):
    row = page.locator("tr", has=page.locator("td.name", has_text=re.compile(rf"^{AID}$")))
    row.wait_for(state="visible", timeout=UI_MS)
    row.scroll_into_view_if_needed()
    return row


def _formgrader_action(page, cell, shots: Shots, name: str) -> str:
    """Click a formgrader button; return the result dialog's text (success) after its screenshot."""
    cell.locator("a").first.click()
    dialog = page.locator("#success-modal, #error-modal").first
    dialog.wait_for(state="visible", timeout=ACTION_MS)
    page.wait_for_timeout(500)  # the dialog's fade-in, for the screenshot
    shots(page, name)
    text = dialog.inner_text()
    failed = dialog.get_attribute("id") == "error-modal"
    dialog.locator(".modal-footer button").first.click()
    dialog.wait_for(state="detached", timeout=UI_MS)
    assert not failed, f"formgrader {name} failed:\n{text[-3000:]}"
    return text


# ----------------------------------------------------------------------------- a student's lab

def _lab(hub, page, name: str) -> None:
    """Wait until the account's JupyterLab (spawned at log-in) has loaded."""
    page.wait_for_url(re.compile(rf"/user/{name}/lab"), timeout=LOAD_MS)
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.wait_for(
        state="visible", timeout=LOAD_MS)


def _assignment_list(page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").first.click()
    page.locator("#released_assignments_list").wait_for(state="visible", timeout=UI_MS)


def _item(page, listing: str):
    return page.locator(f"#{listing} .list_item", has_text=AID).first


def _click_and_wait(page, listing: str, button: str, then_listing: str, then_text: str) -> None:
    _item(page, listing).locator("button", has_text=button).first.click()
    _item(page, then_listing).locator(f"text={then_text}").first.wait_for(
        state="visible", timeout=ACTION_MS)


def _api(context, hub, name: str, method: str, path: str, data: dict | None = None) -> dict:
    """The account's Jupyter server REST API with the browser's session (cookie and XSRF token)."""
    url = f"{hub.url}/user/{name}/api/{path}"
    xsrf = next(c["value"] for c in context.cookies(f"{hub.url}/user/{name}/")
                if c["name"] == "_xsrf")
    reply = context.request.fetch(url, method=method, data=json.dumps(data) if data else None,
                                  headers={"X-XSRFToken": xsrf, "Content-Type": "application/json"})
    assert reply.ok, f"{method} {url}: {reply.status} {reply.text()[:500]}"
    return reply.json() if reply.text() else {}


def _fill_with_the_reference(context, hub, name: str) -> None:
    """The fetched notebook, its solution cells holding the reference code, saved as the editor
    saves (PUT /api/contents)."""
    path = f"contents/{AID}/{AID}.ipynb"
    fetched = _api(context, hub, name, "GET", f"{path}?content=1&type=notebook")["content"]
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / f"{AID}.ipynb"
        copy.write_text(json.dumps(fetched), encoding="utf-8")
        filled = filled_notebook(assignments.get(AID), copy)
    _api(context, hub, name, "PUT", path, {"type": "notebook", "format": "json", "content": filled})


def _open_notebook(hub, page, name: str, path: str) -> None:
    """Open the notebook in the account's JupyterLab; return when its kernel is idle."""
    # ?reset: this notebook alone (no tabs restored from before, no second kernel)
    page.goto(f"{hub.url}/user/{name}/lab/tree/{path}?reset", wait_until="domcontentloaded")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(state="visible", timeout=LOAD_MS)
    status = page.locator("#jp-main-statusbar")
    status.filter(has_text=Path(path).name).filter(has_text="Idle").wait_for(timeout=LOAD_MS)


def _isolation_probe(paths: dict[str, str]) -> str:
    return f'''import json, os, pwd

def probe(path):
    try:
        if os.path.isdir(path):
            os.listdir(path)
            return "listed"
        with open(path, "rb") as handle:
            handle.read(1)
        return "read"
    except PermissionError:
        return "denied"
    except FileNotFoundError:
        return "missing"

paths = {json.dumps(paths, indent=1, ensure_ascii=False)}
seen = {{what: probe(path) for what, path in paths.items()}}
seen["account"] = pwd.getpwuid(os.getuid()).pw_name
print("{MARKER}" + json.dumps(seen))
for what, result in seen.items():
    print(f"{{what:<32}} {{result}}")
'''


def _run_in_kernel(context, hub, page, name: str, source: str) -> dict:
    """A notebook with `source` in the account's home, opened and run in its JupyterLab (its own
    kernel, as that account); the printed result."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                       "language": "python"}
    _api(context, hub, name, "PUT", "contents/isolation_check.ipynb",
         {"type": "notebook", "format": "json", "content": notebook})
    _open_notebook(hub, page, name, "isolation_check.ipynb")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    output = page.locator(".jp-OutputArea-output", has_text=MARKER).first
    output.wait_for(state="visible", timeout=LOAD_MS)
    output.scroll_into_view_if_needed()
    text = output.inner_text()
    return json.loads(text.split(MARKER, 1)[1].splitlines()[0])


# ----------------------------------------------------------------------------- the class

@pytest.fixture(scope="module")
def term(hub):
    return run_term(hub)


def run_term(hub) -> dict:
    """The whole term, step by step through the browser; what each test checks is kept."""
    shots = Shots()
    first, second = hub.students
    seen = {"shots": shots}
    try:
        # The instructor: log in, land on the formgrader, generate and release.
        instructor, formgrader = _log_in(hub, hub.instructor, shots)
        formgrader.wait_for_url(re.compile(rf"/services/{hub.course}/formgrader"), timeout=LOAD_MS)
        row = _assignment_row(formgrader)
        shots(formgrader, "formgrader-assignments")
        _formgrader_action(formgrader, row.locator("td.assign"), shots, "formgrader-generate")
        row = _assignment_row(formgrader)
        row.locator("td.release a").first.wait_for(state="visible", timeout=UI_MS)
        _formgrader_action(formgrader, row.locator("td.release"), shots, "formgrader-release")
        _assignment_row(formgrader).locator("td.status", has_text="released").wait_for(
            timeout=UI_MS)
        shots(formgrader, "formgrader-released")

        # The students: log in, fetch from the Assignment List.
        labs = {}
        for name in hub.students:
            context, page = _log_in(hub, name)
            _lab(hub, page, name)
            labs[name] = (context, page)
        for name, (_context, page) in labs.items():
            _assignment_list(page)
            _item(page, "released_assignments_list").wait_for(state="visible", timeout=UI_MS)
            shots(page, f"{name}-assignment-list")
            _click_and_wait(page, "released_assignments_list", "Fetch",
                            "fetched_assignments_list", "Submit")
            shots(page, f"{name}-fetched")
        seen["menu"] = _nbgrader_menu(labs[first][1], shots)

        # llmc-student1 solves it (the reference); llmc-student2 leaves it as handed out.
        context, page = labs[first]
        _fill_with_the_reference(context, hub, first)
        _open_notebook(hub, page, first, f"{AID}/{AID}.ipynb")
        solved = page.locator(".jp-NotebookPanel .jp-CodeCell", has_text="def accuracy_score").first
        solved.scroll_into_view_if_needed()
        shots(page, f"{first}-solved-notebook")
        for name, (_context, page) in labs.items():
            page.goto(f"{hub.url}/user/{name}/lab", wait_until="domcontentloaded")
            _lab(hub, page, name)
            _assignment_list(page)
            _item(page, "fetched_assignments_list").wait_for(state="visible", timeout=UI_MS)
            _click_and_wait(page, "fetched_assignments_list", "Submit",
                            "submitted_assignments_list", "Fetch Feedback")
            shots(page, f"{name}-submitted")

        # From llmc-student1's kernel: what a student can reach on the hub.
        context, page = labs[first]
        seen["probe_paths"] = paths = _probe_paths(hub, first, second)
        seen["probe"] = _run_in_kernel(context, hub, page, first, _isolation_probe(paths))
        shots(page, f"{first}-kernel-isolation-check",
              page.locator(".jp-OutputArea-output", has_text=MARKER).first)
        denied = context.new_page()
        reply = denied.goto(f"{hub.url}/services/{hub.course}/formgrader",
                            wait_until="domcontentloaded")
        seen["student_formgrader_status"] = reply.status if reply else None
        shots(denied, f"{first}-formgrader-forbidden")
        denied.close()

        # The instructor: collect, autograde each, generate and release the feedback.
        _formgrader(hub, formgrader)
        _formgrader_action(formgrader, _assignment_row(formgrader).locator("td.collect"), shots,
                           "formgrader-collect")
        _formgrader(hub, formgrader, f"manage_submissions/{AID}")
        for name in hub.students:
            row = formgrader.locator("tr", has=formgrader.locator("td.student-id",
                                                                   has_text=re.compile(rf"^{name}$")))
            row.wait_for(state="visible", timeout=UI_MS)
            _formgrader_action(formgrader, row.locator("td.autograde"), shots,
                               f"formgrader-autograde-{name}")
        _formgrader(hub, formgrader, f"manage_submissions/{AID}")
        formgrader.locator("td.score", has_text="/").first.wait_for(timeout=UI_MS)
        shots(formgrader, "formgrader-scores")
        seen["formgrader_scores"] = {
            name: formgrader.locator("tr", has=formgrader.locator(
                "td.student-id", has_text=re.compile(rf"^{name}$"))).locator("td.score").inner_text()
            for name in hub.students}
        _formgrader(hub, formgrader)
        _formgrader_action(formgrader, _assignment_row(formgrader).locator("td.generate-feedback"),
                           shots, "formgrader-generate-feedback")
        _formgrader_action(formgrader, _assignment_row(formgrader).locator("td.release-feedback"),
                           shots, "formgrader-release-feedback")

        # Each student: fetch the feedback and open it.
        seen["feedback"] = {}
        for name, (context, page) in labs.items():
            page.goto(f"{hub.url}/user/{name}/lab", wait_until="domcontentloaded")
            _lab(hub, page, name)
            _assignment_list(page)
            _click_and_wait(page, "submitted_assignments_list", "Fetch Feedback",
                            "submitted_assignments_list", "(view feedback)")
            shots(page, f"{name}-feedback-fetched")
            seen["feedback"][name] = _open_feedback(context, hub, page, name, shots)
        seen["gradebook"] = _gradebook(hub)
        seen["engine"] = {name: json.loads((hub.course_dir / "grader_results" / AID /
                                            f"{name}.json").read_text(encoding="utf-8"))
                          for name in hub.students}
        instructor.close()
        for context, _ in labs.values():
            context.close()
    except Exception as error:
        for number, page in enumerate(p for c in hub.browser.contexts for p in c.pages):
            with contextlib.suppress(Exception):  # what each page showed when it went wrong
                page.screenshot(path=SCREENSHOTS / f"hub-failure-{number}.png")
        raise AssertionError(f"{error}\n\nhub log:\n{hub.log_tail()}") from error
    finally:
        (SCREENSHOTS / "hub-screenshots.txt").write_text("\n".join(shots.taken) + "\n",
                                                          encoding="utf-8")
    return seen


def _nbgrader_menu(page, shots: Shots) -> list[str]:
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
    menu = page.locator(".lm-Menu").last
    menu.wait_for(state="visible", timeout=UI_MS)
    items = [t.strip() for t in menu.locator(".lm-Menu-itemLabel").all_inner_texts() if t.strip()]
    shots(page, "student-nbgrader-menu")
    page.keyboard.press("Escape")
    return items


def _probe_paths(hub, me: str, other: str) -> dict[str, str]:
    inbound = hub.exchange / hub.course / "inbound"
    mine = sorted(inbound.glob(f"{me}+{AID}+*"))
    theirs = sorted(inbound.glob(f"{other}+{AID}+*"))
    assert len(mine) == 1 and len(theirs) == 1, sorted(p.name for p in inbound.iterdir())
    home = Path(pwd.getpwnam(me).pw_dir)
    other_home = Path(pwd.getpwnam(other).pw_dir)
    repository = Path(__file__).resolve().parents[2]
    return {
        # what a student reaches
        "own home": str(home),
        "own submission": str(mine[0] / f"{AID}.ipynb"),
        "released notebook": str(hub.exchange / hub.course / "outbound" / AID / f"{AID}.ipynb"),
        # what they must not
        "course solutions/": str(hub.course_dir / "solutions" / f"{AID}.py"),
        "course tests/hidden/": str(hub.course_dir / "tests" / "hidden" / AID),
        "course gradebook": str(hub.course_dir / "gradebook.db"),
        "repository solutions/": str(repository / "solutions" / f"{AID}.py"),
        "repository tests/hidden/": str(repository / "tests" / "hidden" / AID),
        "other student's home": str(other_home),
        "other student's notebook": str(other_home / AID / f"{AID}.ipynb"),
        "exchange submissions list": str(inbound),
        "other student's submission": str(theirs[0] / f"{AID}.ipynb"),
        "hub state": str(hub.layout.demo_passwords),
    }


def _open_feedback(context, hub, page, name: str, shots: Shots) -> str:
    """Click "(view feedback)" (the file browser goes to the feedback folder), open the HTML file
    from there; return the file's text as the student's server serves it."""
    _item(page, "submitted_assignments_list").locator("text=(view feedback)").first.click()
    listing = page.locator(".jp-DirListing-item", has_text=f"{AID}.html").first
    listing.wait_for(state="visible", timeout=UI_MS)
    listing.dblclick()
    viewer = page.locator(".jp-HTMLViewer iframe").first
    viewer.wait_for(state="visible", timeout=UI_MS)
    feedback = page.frame_locator(".jp-HTMLViewer iframe").first
    feedback.locator("h4").first.wait_for(timeout=UI_MS)
    shots(page, f"{name}-feedback")
    message = feedback.locator(".output_subarea, .jp-OutputArea-output",
                               has_text=re.compile(r"\[(통과|실패)\]")).first
    message.scroll_into_view_if_needed(timeout=UI_MS)
    shots(page, f"{name}-feedback-messages")
    folder = _api(context, hub, name, "GET", f"contents/{AID}/feedback")["content"]
    assert len(folder) == 1, folder
    html = _api(context, hub, name, "GET",
                f"contents/{folder[0]['path']}/{AID}.html?content=1&type=file&format=text")
    return html["content"]


def _gradebook(hub) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{hub.course_dir / 'gradebook.db'}") as gradebook:
        return {s.student.id: s.score for s in gradebook.assignment_submissions(AID)}


# ----------------------------------------------------------------------------- what is checked

def test_the_formgrader_grades_through_the_engine_100_and_0(hub, term):
    first, second = hub.students
    assert term["gradebook"] == {first: pytest.approx(100), second: pytest.approx(0)}
    assert [term["engine"][n]["score"] for n in (first, second)] == [100, 0]
    assert term["formgrader_scores"][first].replace(" ", "").startswith("100")
    assert term["formgrader_scores"][second].replace(" ", "").startswith("0")
    (SCREENSHOTS / "hub-isolation-of-grading.txt").write_text(
        json.dumps({n: term["engine"][n].get("isolation") for n in hub.students}, indent=1),
        encoding="utf-8")


def test_each_student_opens_their_own_feedback(hub, term):
    first, second = hub.students
    assert "(Score: 100.0 / 100.0)" in term["feedback"][first]
    assert "(Score: 0.0 / 100.0)" in term["feedback"][second]
    assert "[통과]" in term["feedback"][first] and "[실패]" in term["feedback"][second]


def test_a_student_kernel_reaches_its_own_work_and_none_of_the_answers(hub, term):
    seen = term["probe"]
    assert seen.pop("account") == hub.students[0]
    expected = {what: ("denied" if i >= 3 else ("listed" if what == "own home" else "read"))
                for i, what in enumerate(term["probe_paths"])}
    assert seen == expected


def test_students_have_no_instructor_tools(hub, term):
    assert "Assignment List" in term["menu"]
    assert not [i for i in term["menu"] if i.startswith(("Formgrader", "Create assignment"))]
    assert term["student_formgrader_status"] == 403


def test_the_hub_stops_and_leaves_nothing_running(hub, term):
    accounts = [hub.instructor, hub.grader, *hub.students]
    uids = {pwd.getpwnam(n).pw_uid for n in accounts}
    repository = Path(__file__).resolve().parents[2]
    log = hub.stop()
    (SCREENSHOTS / "hub-stop.log").write_text(log, encoding="utf-8")
    left = []
    # This test's own ancestors name HUB_ROOT too (`make test-hub` runs pytest through a shell).
    ours, pid = set(), os.getpid()
    while pid > 1:
        ours.add(str(pid))
        pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if pid in ours:
            continue
        try:
            owner = os.stat(f"/proc/{pid}").st_uid
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if owner in uids or str(hub.layout.root) in command:
            left.append(f"{pid} {command[:120]}")
    assert not left, left
    for name in accounts:
        with pytest.raises(KeyError):
            pwd.getpwnam(name)
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", hub.settings["port"])) != 0
    for folder in (hub.layout.state, hub.layout.home, hub.exchange):
        assert not folder.exists()
    assert repository.stat().st_mode & 0o7777 == hub.repository_mode
