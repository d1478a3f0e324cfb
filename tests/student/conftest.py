"""One JupyterLab server and one headless Chromium for every notebook of the browser test.

The server is the student distribution's own: the distribution is built into a temporary folder
(grader/authoring/student_dist.py, every assignment) and its launcher `tools/lab.py` starts JupyterLab as
`make lab` does (the course's Jupyter settings, `--allow-root` when root, release/ copied into
mywork/), on 127.0.0.1 with no token. So every notebook opened comes from the distribution:
`mywork/<id>/` as the launcher copied it (untouched, as a student gets it) and `mywork/_filled/<id>/`
(the distribution's release folder with the reference code typed into its solution cells).
HOME and the Jupyter config/data/runtime folders are temporary too, so nothing is read from or
written to the user's own setup; kernels come from the interpreter's environment (see
_student.kernel_env).

The browser is Debian's chromium (`make browser`, which `make test` runs), driven by Playwright over
its own pipe: Playwright's browser download is never used.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from _student import CHROMIUM_FLAGS, SCREENSHOTS, chromium_path, filled_notebook, kernel_env
from grader import assignments
from grader.authoring import student_dist

SERVER_START_S = 90


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


class Lab:
    def __init__(self, base_url: str, root: Path, page, log_path: Path):
        self.base_url = base_url
        self.root = root  # the server's root_dir (the distribution's mywork/): paths are relative to it
        self.page = page
        self.log_path = log_path

    def server_log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def server_log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@pytest.fixture(scope="module")
def lab():
    chromium = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    missing = [what for what, ok in (("chromium (make browser)", chromium),
                                     ("playwright (pip install -e '.[dev]')", sync_playwright)) if not ok]
    if missing:
        message = "browser test needs " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs both; a silent skip there would hide the test
        pytest.skip(message)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="student-lab-"))
    distribution = student_dist.build(scratch / "dist", allow_early=True, make_zip=False).student
    root = distribution / "mywork"
    for assignment_id in assignments.all_ids():
        # The whole release folder, as the distribution has it (09 ships its course_model/ beside it).
        release = distribution / "release" / assignment_id
        filled = shutil.copytree(release, root / "_filled" / assignment_id) / f"{assignment_id}.ipynb"
        nbformat.write(filled_notebook(assignments.get(assignment_id), release / filled.name), filled)

    home = scratch / "home"
    settings = scratch / "lab-settings"
    # Every cell stays in the page (no virtual scrolling), and no news or update checks.
    _write_json(settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings",
                {"windowingMode": "none"})
    _write_json(settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings",
                {"fetchNews": "false", "checkForUpdates": False})
    env = dict(os.environ)
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(scratch / "config"),
               JUPYTER_DATA_DIR=str(scratch / "data"), JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(scratch / "ws"),
               IPYTHONDIR=str(scratch / "ipython"), MPLCONFIGDIR=str(scratch / "matplotlib"),
               COURSE_NO_DOWNLOAD="1", **kernel_env())
    for name in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTER_PREFER_ENV_PATH", "PYTHONSTARTUP"):
        env.pop(name, None)
    home.mkdir()

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = SCREENSHOTS / "jupyterlab-server.log"
    log = open(log_path, "w", encoding="utf-8")
    server = subprocess.Popen(  # `make lab` in the distribution, with a test's server options
        [sys.executable, str(distribution / "tools" / "lab.py"), "--no-browser",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         "--ServerApp.token=", "--IdentityProvider.token=", "--ServerApp.password=",
         "--ServerApp.open_browser=False",
         "--ServerApp.terminals_enabled=False", "--LabApp.expose_app_in_browser=True",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=distribution, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/api/status", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("JupyterLab did not start:\n" + log_path.read_text(errors="replace")[-3000:])
            time.sleep(0.3)

        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(scratch / "chromium-profile"), executable_path=chromium, headless=True,
                args=CHROMIUM_FLAGS, viewport={"width": 1280, "height": 1400}, locale="ko-KR")
            try:
                page = context.pages[0] if context.pages else context.new_page()
                yield Lab(base_url, root, page, log_path)
            finally:
                context.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        shutil.rmtree(scratch, ignore_errors=True)
