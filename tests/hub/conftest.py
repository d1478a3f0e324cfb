"""One JupyterHub for the class of the hub test, started as `make hub` starts it, and one Chromium.

The hub is hub/hubctl.py's (`start --students 2` on a free port: accounts llmc-instructor,
llmc-student1, llmc-student2 and the course account llmc-grader, everything under HUB_ROOT); the
browser is Debian's chromium driven by Playwright (no browser download), one context (cookies) per
person. The hub is stopped by test_the_hub_stops_and_leaves_nothing_running, or here if a step
failed before it.

Needs root (the hub creates Unix accounts), npm (the proxy), chromium and Playwright; without them
the tests are skipped, or fail under CI=true. `make test-hub` runs them (they are marked `hub`,
which the default `make test` deselects).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "student"))
sys.path.insert(0, str(ROOT / "hub"))

import hubctl  # noqa: E402

from _student import CHROMIUM_FLAGS, SCREENSHOTS, chromium_path  # noqa: E402

STUDENTS = 2


class Hub:
    def __init__(self, layout: hubctl.Layout, settings: dict, passwords: dict[str, str],
                 browser):
        self.layout = layout
        self.settings = settings
        self.url = settings["url"]
        self.course = settings["course_id"]
        self.passwords = passwords
        self.instructor = settings["instructors"][0]
        self.students = settings["students"]
        self.grader = settings["grader"][0]
        self.course_dir = Path(settings["course_dir"])
        self.exchange = Path(settings["exchange"])
        self.browser = browser
        self.stopped = False
        self.stop_log = ""

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.layout.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> str:
        if not self.stopped:
            _keep_log(self.layout)
            done = subprocess.run([sys.executable, str(ROOT / "hub" / "hubctl.py"), "stop",
                                   "--root", str(self.layout.root)],
                                  capture_output=True, text=True, timeout=300)
            self.stopped = True
            self.stop_log = done.stdout + done.stderr
            if done.returncode != 0:
                raise AssertionError(f"hubctl stop failed ({done.returncode}):\n{self.stop_log}")
        return self.stop_log


def _keep_log(layout: hubctl.Layout) -> None:
    try:
        shutil.copy(layout.log, SCREENSHOTS / "hub-jupyterhub.log")
    except OSError:
        pass


def _missing() -> list[str]:
    missing = []
    if os.geteuid() != 0:
        missing.append("root (the hub creates a Unix account per person)")
    if not shutil.which("npm"):
        missing.append("npm (JupyterHub's proxy)")
    if not chromium_path():
        missing.append("chromium (make browser)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -e '.[dev]')")
    return missing


@pytest.fixture(scope="module")
def hub():
    missing = _missing()
    if missing:
        message = "the hub test needs " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    layout = hubctl.Layout(hubctl.DEFAULT_ROOT)
    if hubctl.running(layout):
        pytest.fail(f"a hub is already running from {layout.root}: make hub-stop first")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("hub-*"):
        old.unlink()
    port = hubctl._free_port()
    repository_mode = ROOT.stat().st_mode & 0o7777
    started = subprocess.run(  # `make hub`, with the test's class size and a free port
        [sys.executable, str(ROOT / "hub" / "hubctl.py"), "start", "--students", str(STUDENTS),
         "--port", str(port), "--root", str(layout.root)],
        capture_output=True, text=True, timeout=1800)
    (SCREENSHOTS / "hub-start.log").write_text(started.stdout + started.stderr, encoding="utf-8")
    if started.returncode != 0:
        pytest.fail(f"hubctl start failed ({started.returncode}):\n{started.stdout[-3000:]}\n"
                    f"{started.stderr[-3000:]}")
    settings = json.loads(layout.settings.read_text(encoding="utf-8"))
    passwords = json.loads(layout.demo_passwords.read_text(encoding="utf-8"))
    hub = None
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                                 args=CHROMIUM_FLAGS)
            try:
                hub = Hub(layout, settings, passwords, browser)
                hub.repository_mode = repository_mode
                yield hub
            finally:
                browser.close()
    finally:
        if hub is None or not hub.stopped:
            _keep_log(layout)
            subprocess.run([sys.executable, str(ROOT / "hub" / "hubctl.py"), "stop", "--root",
                            str(layout.root)], timeout=300)
