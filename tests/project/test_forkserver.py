"""Warm workers: forked from a server that imported torch, and still fresh for every submission."""
import json
import os
import subprocess
import sys

import pytest

from grader import assignments, forkserver
from grader.authoring.samples import write_samples
from grader.grade import grade_notebook
from grader.proxy import Student
from grader.sandbox import Limits
from grader.session import WorkerSession

pytestmark = pytest.mark.skipif(not forkserver.enabled(),
                                reason="warm workers need bubblewrap's PID namespace")

LIMITS = Limits(load_seconds=30, call_seconds=10)
WARM = ("numpy", "torch")


def _session(code: str, warm=WARM) -> WorkerSession:
    session = WorkerSession([("cell 1", code)], [], LIMITS, warm=warm)
    session.start()
    return session


def test_a_warm_worker_finds_torch_imported_and_is_single_threaded():
    session = _session("import os, sys\nalready = 'torch' in sys.modules\n"
                       "def probe():\n    return already, len(os.listdir('/proc/self/task'))\n")
    try:
        assert session._server is not None
        assert Student(session).probe() == (True, 1)
    finally:
        session.close()


LEAVE_TRACES = """
import os, signal, numpy as np, torch
scratch = os.path.dirname(os.path.dirname(os.getcwd()))
for folder in ("/tmp", "/dev/shm", os.path.expanduser("~"), scratch, os.path.dirname(os.getcwd())):
    open(os.path.join(folder, "left-MARK"), "w").write("secret")
os.makedirs("/tmp/locked-MARK/inner")
os.chmod("/tmp/locked-MARK", 0)
os.environ["LEFT"] = "MARK"
torch.add = None
np.random.seed(0)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "120", "MARK"])
    os._exit(0)
os.chmod("/tmp", 0o555)
"""

LOOK_FOR_TRACES = """
import os, numpy as np, torch
scratch = os.path.dirname(os.path.dirname(os.getcwd()))
def probe():
    found = [f for f in ("/tmp", "/dev/shm", os.path.expanduser("~"), scratch)
             if os.path.exists(os.path.join(f, "left-MARK"))]
    return {"files": found, "locked": os.path.exists("/tmp/locked-MARK"),
            "env": os.environ.get("LEFT"), "torch.add": torch.add is not None,
            "seeded": float(np.random.rand()), "tmp writable": os.access("/tmp", os.W_OK)}
"""


def test_nothing_of_one_submission_reaches_the_next_one_forked_by_the_same_server():
    mark = f"warmtrace{os.getpid()}"
    first = _session(LEAVE_TRACES.replace("MARK", mark))
    server = first._server
    first.close()
    second = _session(LOOK_FOR_TRACES.replace("MARK", mark))
    try:
        assert second._server is server, "the second submission should reuse the warm server"
        seen = Student(second).probe()
    finally:
        second.close()
    import numpy as np

    np.random.seed(0)
    assert seen.pop("seeded") != float(np.random.rand()), "numpy's global seed leaked"
    assert seen == {"files": [], "locked": False, "env": None, "torch.add": True,
                    "tmp writable": True}
    alive = subprocess.run(["pgrep", "-f", mark], capture_output=True, text=True).stdout
    assert alive == "", "a daemon of the first submission outlived it"


def test_a_worker_cannot_read_or_trace_the_server_it_was_forked_from():
    session = _session("import os\ndef probe(name):\n    try:\n"
                       "        return open(f'/proc/{os.getppid()}/{name}', 'rb').read(16).hex()\n"
                       "    except OSError as exc:\n        return type(exc).__name__\n")
    try:
        student = Student(session)
        assert student.probe("mem") == "PermissionError"
        assert student.probe("environ") == "PermissionError"
    finally:
        session.close()


def test_a_stopped_server_is_replaced_and_the_next_submission_grades(monkeypatch):
    monkeypatch.setattr(forkserver, "CONTROL_SECONDS", 2.0)
    first = _session("import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)\n")
    server = first._server
    first.close()
    assert server.broken
    second = _session("def probe():\n    return 42\n")
    try:
        assert second._server is not server
        assert Student(second).probe() == 42
    finally:
        second.close()


def test_warm_workers_grade_exactly_like_workers_started_from_nothing(tmp_path, monkeypatch):
    attention = assignments.get("07_attention")
    submitted = write_samples(tmp_path, attention.id)
    notebooks = sorted(submitted.glob(f"*/{attention.id}/{attention.id}.ipynb"))
    assert len(notebooks) >= 4

    def grade_all():
        return {nb.parent.parent.name: [(t.name, t.status, t.points)
                                        for t in grade_notebook(nb, attention, "s").tests]
                for nb in notebooks}

    warm = grade_all()
    monkeypatch.setenv("GRADER_FORKSERVER", "0")
    assert grade_all() == warm


def test_a_submission_needing_fewer_modules_reuses_an_idle_warmer_server():
    _session("x = 1").close()
    started = list(forkserver._started)
    session = _session("def probe():\n    return 1\n", warm=("numpy",))
    try:
        assert forkserver._started == started, "a new server was started"
        assert Student(session).probe() == 1
    finally:
        session.close()


def test_servers_preload_what_the_assignment_notebook_imports():
    assert assignments.get("07_attention").warm_modules[:2] == ("numpy", "torch")
    assert assignments.get("12_evaluation").warm_modules == ("numpy",)
    assert assignments.get("05_tokenization").warm_modules == ()


def test_a_warm_workers_first_backward_pass_imports_nothing_more():
    # autograd imports its symbolic-shape support (and sympy, 0.4 s) on the first backward pass:
    # a torch assignment's server has done that once for all of its workers.
    session = _session("import sys, torch\n"
                       "def probe():\n    before = set(sys.modules)\n"
                       "    x = torch.ones(3, requires_grad=True)\n    (x * x).backward(torch.ones(3))\n"
                       "    return sorted(set(sys.modules) - before)\n",
                       warm=assignments.get("07_attention").warm_modules)
    try:
        assert session._server is not None
        assert Student(session).probe() == []
    finally:
        session.close()


def test_a_server_that_cannot_start_leaves_the_submission_to_a_cold_worker(capfd):
    session = _session("def probe():\n    return 7\n", warm=("no_such_module_for_the_server",))
    try:
        assert session._server is None
        assert Student(session).probe() == 7
    finally:
        session.close()
    assert "warm workers unavailable" in capfd.readouterr().err


# Grades a class twice in parallel slots (the second time with every result stored), counting the
# servers started and which process started each: the count survives the fork into the slots.
_PRESTART_SCRIPT = """
import json, os, sys
from pathlib import Path
from grader import batch, discover, forkserver

log = Path(sys.argv[2])
original = forkserver.ForkServer.__init__

def counted(self, *args, **kwargs):
    with log.open("a") as out:
        out.write(f"{os.getpid()}\\n")
    original(self, *args, **kwargs)

forkserver.ForkServer.__init__ = counted
found = discover.discover(Path(sys.argv[1]), "12_evaluation").submissions
runs = []
for _ in range(2):
    run = batch.grade_batch(found, jobs=2, results=Path(sys.argv[3]), progress=False)
    runs.append({"errors": run.grader_errors, "scores": sorted(r.score for r in run.results),
                 "started_by": log.read_text().split() if log.exists() else []})
    log.unlink(missing_ok=True)
print(json.dumps({"parent": str(os.getpid()), "runs": runs}))
"""


@pytest.mark.skipif(not forkserver.enabled(), reason="warm workers need bubblewrap")
def test_slots_grade_on_servers_started_before_them_and_a_rerun_starts_none(tmp_path):
    # The grader starts one server per slot before it imports what the slots need (they import
    # torch at the same time), and each slot adopts one instead of starting its own afterwards.
    submitted = write_samples(tmp_path / "samples", "12_evaluation")
    done = subprocess.run([sys.executable, "-c", _PRESTART_SCRIPT, str(submitted),
                           str(tmp_path / "started.log"), str(tmp_path / "results")],
                          capture_output=True, text=True, timeout=600, cwd=assignments.ROOT)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    graded, rerun = report["runs"]
    assert graded["errors"] == 0 and len(graded["scores"]) == 6 and max(graded["scores"]) == 100
    assert graded["started_by"] == [report["parent"]] * 2
    assert rerun["scores"] == graded["scores"] and rerun["started_by"] == []
