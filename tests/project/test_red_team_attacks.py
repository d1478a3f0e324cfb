"""The red-team suite: one graded submission per attack, with bubblewrap and once more without.

Every submission starts from a wrong answer (12_evaluation with `accuracy_score` returning 0.0) and
adds an attack. Each must be graded no better than a wrong answer deserves (returning 0.0, or raising
for every input), produce a valid
result within the deadline, show the student no hidden test text or hidden input, leave no process
behind and write no file outside the sandbox. Without bubblewrap the grader reports "reduced
isolation"; attacks on the filesystem, the network and stray processes are then out of its reach,
so they run only in the sandbox (running them unsandboxed would attack this machine).
"""
import json
import os
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

from grader import assignments, report
from grader.assignments import ROOT
from grader.authoring import mutants
from grader.authoring.build import build_notebook
from grader.grade import grade_notebook, grade_trusted_source
from grader.sandbox import Limits, bubblewrap_works, pids_cgroup_works

LIMITS = Limits(load_seconds=15, call_seconds=4, memory_bytes=2 * 1024**3)
WRONG = {"accuracy_score": "def accuracy_score(y_true, y_pred):\n    return 0.0\n"}
# 12 promises a ValueError for malformed inputs, so an accuracy_score that always raises earns that
# test's points honestly; attacks that raise are held to this wrong answer's score.
WRONG_BUT_RAISING = {"accuracy_score": "def accuracy_score(y_true, y_pred):\n    raise ValueError('x')\n"}
STUDENT_FORMATS = ("md", "junit", "gradescope", "table")


def _attack(body: str) -> dict:
    """An `accuracy_score` that attacks, then answers wrongly."""
    indented = "\n".join("    " + line for line in body.strip("\n").splitlines())
    return {"accuracy_score": f"def accuracy_score(y_true, y_pred):\n{indented}\n    return 0.0\n"}


# name -> (where: "load" appends a cell, "call" replaces accuracy_score, code, sandbox_only)
ATTACKS = {
    "01-fake-passed-then-os-exit": ("load", "import os\nprint('32 passed, 0 failed; score 100')\nos._exit(0)", False),
    "02a-system-exit-at-load": ("load", "raise SystemExit(0)", False),
    "02b-keyboard-interrupt-in-graded-function": ("call", "raise KeyboardInterrupt", False),
    "02c-sys-exit-in-graded-function": ("call", "import sys\nsys.exit(0)", False),
    "03-patch-comparisons-and-imports": ("load", """
import builtins, json, math, numpy as np, numpy.testing
np.allclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.array_equal = lambda *a, **k: True
math.isclose = lambda *a, **k: True
json.dump = lambda *a, **k: None
_real_import = builtins.__import__
builtins.__import__ = lambda name, *a, **k: _real_import(name, *a, **k)
""", False),
    "04a-always-equal-float": ("load", """
class _Yes(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = float.__hash__
_wrong = accuracy_score
def accuracy_score(y_true, y_pred):
    return _Yes(0.0)
""", False),
    "04b-ndarray-subclass-and-tricky-dunders": ("load", """
import numpy as np
class _Arr(np.ndarray):
    def __eq__(self, other): return np.ones(1, bool)
    def __float__(self): return 1.0
    def __len__(self): return 1
def confusion_matrix(y_true, y_pred, *, labels=None):
    return np.zeros((3, 3)).view(_Arr)
""", False),
    "04c-generator-and-huge-object": ("load", """
def most_confident_errors(y_true, y_score, k, threshold=0.5):
    return (i for i in range(k))
def roc_curve(y_true, y_score):
    return [list(range(10**6))] * 3
""", False),
    "05-plant-pytest-and-site-files": ("load", """
import os, site
for folder in (os.getcwd(), "/tmp", os.path.expanduser("~"), OUT, COURSE, COURSE + "/tests/hidden/12_evaluation",
               *site.getsitepackages()):
    for name in ("conftest.py", "pytest.ini", "sitecustomize.py", "MARK.pth"):
        try:
            with open(os.path.join(folder, name), "w") as f:
                f.write("import os\\nos.system('touch /tmp/MARK-pwned')\\n")
        except OSError:
            pass
""", True),
    "06-search-memory-for-tests-and-reference": ("call", """
import gc, sys, linecache
found = [m for m in list(sys.modules) if 'hidden' in m or 'solution' in m]
found += [o for o in gc.get_objects() if getattr(o, '__name__', '').startswith('test_')][:5]
found += [f for f in list(linecache.cache) if 'hidden' in f]
if found:
    return 1.0
""", False),
    "07-read-the-reference-from-disk-and-use-it": ("call", """
import glob
for pattern in (COURSE + "/solutions/12_evaluation.py", "../../solutions/*.py",
                "/proc/1/cwd/solutions/*.py", "/proc/*/cwd/solutions/*.py", COURSE + "/tests/hidden/*/*.py"):
    for path in glob.glob(pattern):
        try:
            namespace = {}
            exec(open(path).read(), namespace)
            return namespace["accuracy_score"](y_true, y_pred)
        except Exception:
            pass
""", True),
    "08-forge-result-files-and-a-rewriting-daemon": ("load", """
import json, os, time
forged = json.dumps({"score": 100, "max_score": 100, "tests": []})
for folder in (os.getcwd(), "/tmp", os.path.expanduser("~"), OUT):
    try:
        open(os.path.join(folder, "result.json"), "w").write(forged)
    except OSError:
        pass
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for _ in range(40):
            try:
                open(os.path.join(OUT, "result.json"), "w").write(forged)
            except OSError:
                pass
            time.sleep(0.1)
        os.execvp("sleep", ["sleep", "30", "MARK"])
    os._exit(0)
""", True),
    "09-pickle-payload-returned": ("load", """
class _Boom:
    def __reduce__(self):
        return (open, ("/tmp/MARK-unpickled", "w"))
def accuracy_score(y_true, y_pred):
    return _Boom()
""", False),
    "10a-infinite-loop": ("call", "while True:\n    pass", False),
    "10b-long-sleep": ("call", "import time\ntime.sleep(3600)", False),
    "10c-deadlock": ("call", "import threading\nlock = threading.Lock()\nlock.acquire()\nlock.acquire()", False),
    "10d-long-c-level-computation": ("call", "import numpy as np\nnp.linalg.matrix_power(np.ones((2000, 2000)), 2**40)", False),
    "10e-loop-at-load": ("load", "while True:\n    pass", False),
    "11a-memory-bomb": ("call", "blob = bytearray(10**11)", False),
    "11b-huge-returned-array": ("load", """
import numpy as np
def confusion_matrix(y_true, y_pred, *, labels=None):
    return np.zeros((200_000_000,), dtype=np.float64)
""", False),
    "12a-fork-bomb": ("call", """
import os
for _ in range(300):
    try:
        if os.fork() == 0:
            os.execvp("sleep", ["sleep", "30", "MARK"])
    except OSError:
        break
""", True),
    "12c-exponential-fork-bomb": ("call", """
import os, time
deadline = time.time() + 2
while time.time() < deadline:
    try:
        os.fork()
    except OSError:
        time.sleep(0.01)
""", "pids-cgroup"),
    "12b-thread-bomb": ("call", """
import threading, time
for _ in range(2000):
    try:
        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
    except RuntimeError:
        break
""", False),
    "13-double-forked-daemon": ("load", """
import os
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "60", "MARK"])
    os._exit(0)
""", True),
    "14a-fill-the-disk": ("call", """
import os
for folder in (os.getcwd(), "/tmp"):
    try:
        with open(os.path.join(folder, "MARK-fill"), "wb") as f:
            for _ in range(4096):
                f.write(b"\\0" * 2**20)
    except OSError:
        pass
""", True),
    "14b-exhaust-file-descriptors": ("call", """
handles = []
try:
    while True:
        handles.append(open("/dev/null"))
except OSError:
    pass
""", False),
    "15-network-and-dns": ("call", """
import socket
for target in (("127.0.0.1", PORT), ("pypi.org", 443)):
    try:
        socket.create_connection(target, timeout=2).close()
        return 1.0
    except OSError:
        pass
""", True),
    "16-harvest-secrets": ("call", """
import os
if os.environ.get("GITHUB_TOKEN"):
    raise ValueError("LEAK " + os.environ["GITHUB_TOKEN"])
for path in ("/root/.ssh/id_rsa", os.path.expanduser("~/.ssh/id_rsa"), "/proc/1/environ"):
    try:
        if "GITHUB_TOKEN" in open(path).read():
            raise ValueError("LEAK token")
    except OSError:
        pass
""", True),
    "17-echo-hidden-inputs": ("load", """
import sys, warnings
def accuracy_score(y_true, y_pred):
    print("LEAK", list(y_true))
    print("LEAK", list(y_pred), file=sys.stderr)
    warnings.warn("LEAK " + repr(list(y_true)))
    raise ValueError("LEAK " + repr(list(y_true)))
""", False),
    "18a-forged-frames-on-the-response-pipe": ("call", """
import os, struct, sys
fd = int(sys.argv[-1]) if sys.argv[-1].isdigit() else 5
body = b'{"id": 999, "ok": true, "value": 1.0, "blobs": []}'
frame = struct.pack(">Q", len(body)) + body
for _ in range(5000):
    os.write(fd, b"GRW1" + struct.pack(">Q", len(frame)) + frame)
os.write(fd, b"GRW1" + struct.pack(">Q", 2**40))
""", False),
    "18b-deep-nesting-and-5000-digit-ints": ("load", """
def accuracy_score(y_true, y_pred):
    value = 0.0
    for _ in range(10000):
        value = [value]
    return value
def token_accuracy(y_true, y_pred, ignore_index=-100):
    return 10**5000
""", False),
    "19-signal-the-grader": ("call", """
import os, signal
for action in (lambda: os.kill(os.getppid(), signal.SIGKILL), lambda: os.killpg(0, signal.SIGKILL),
               lambda: os.kill(-1, signal.SIGKILL)):
    try:
        action()
    except OSError:
        pass
""", True),
    # Text the worker controls, with a hidden input in it: none of it may reach the student.
    "21a-hidden-input-in-a-nameerror-message": ("call", """
raise NameError("LEAK " + repr(list(y_true)))
""", False),
    "21b-hidden-input-in-an-import-error-message": ("call", """
raise ModuleNotFoundError("LEAK " + repr(list(y_true)))
""", False),
    "21c-hidden-input-as-a-code-objects-name": ("call", """
import types
def _fail():
    raise ValueError("x")
renamed = _fail.__code__.replace(co_name="LEAK " + repr(list(y_true)))
types.FunctionType(renamed, globals())()
""", False),
    "21d-hidden-input-as-a-missing-name": ("call", """
import sys
raise sys.modules["grader.worker.serve"]._Missing("LEAK " + repr(list(y_true)))
""", False),
    "21e-hidden-input-as-an-exception-class-name": ("call", """
raise type("LEAK " + repr(list(y_true)), (ValueError,), {})()
""", False),
    "21f-hidden-input-in-a-failed-cells-outcome": ("load", """
import sys
_serve = sys.modules["grader.worker.serve"]
_serve._describe = lambda exc: {"cell": "LEAK cell", "type": "LEAK type", "mro": ["LEAK"],
                                "message": "LEAK", "where": "LEAK"}
def accuracy_score(y_true, y_pred):
    raise type("LEAK " + repr(list(y_true)), (ValueError,), {})()
raise type("LEAK at load", (ValueError,), {})()
""", False),
    "20-raise-limits-and-setuid": ("call", """
import os, resource
try:
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    return 1.0
except (ValueError, OSError):
    pass
try:
    os.setuid(0)
    if os.getuid() == 0 and os.path.exists("/usr"):
        open("/usr/MARK", "w")
        return 1.0
except OSError:
    pass
""", True),
}


def _hidden_lines() -> set[str]:
    lines = set()
    for path in assignments.get("12_evaluation").hidden_suite.glob("test_*.py"):
        lines |= {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                  if len(line.strip()) > 30}
    return lines


@pytest.fixture(scope="module")
def evaluation():
    return assignments.get("12_evaluation")


@pytest.fixture(scope="module")
def honest_score(evaluation):
    """The best score a plainly wrong accuracy_score gets: returning 0.0 or always raising."""
    reference = evaluation.solution.read_text(encoding="utf-8")
    return max(grade_trusted_source(evaluation, mutants.replace_definitions(reference, wrong), "wrong").score
               for wrong in (WRONG, WRONG_BUT_RAISING))


def _submission(evaluation, name, tmp_path, port):
    where, code, _ = ATTACKS[name]
    mark = f"redteam{os.getpid()}{name[:3]}"
    code = (code.replace("MARK", mark).replace("OUT", repr(str(tmp_path)))
            .replace("COURSE", repr(str(ROOT))).replace("PORT", str(port)))
    source = evaluation.solution.read_text(encoding="utf-8")
    source = mutants.replace_definitions(source, _attack(code) if where == "call" else WRONG)
    nb = build_notebook(evaluation, source)
    if where == "load":
        nb.cells.append(nbformat.v4.new_code_cell(code))
    path = tmp_path / "submission" / "12_evaluation.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    return path, mark


@pytest.mark.parametrize("sandbox", ["bubblewrap", "process"])
@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_is_graded_as_a_wrong_answer(name, sandbox, evaluation, honest_score, tmp_path,
                                            monkeypatch):
    sandbox_only = ATTACKS[name][2]
    if sandbox == "bubblewrap" and not bubblewrap_works():
        pytest.skip("bubblewrap is not available here")
    if sandbox_only == "pids-cgroup" and not pids_cgroup_works():
        pytest.skip("no writable pids cgroup here: an unbounded fork bomb would hit this machine")
    if sandbox == "process":
        if sandbox_only is True:
            pytest.skip("outside the process boundary's reach: needs the sandbox")
        monkeypatch.setenv("GRADER_SANDBOX", "process")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_redteam_canary")
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    path, mark = _submission(evaluation, name, tmp_path, listener.getsockname()[1])
    before = set(os.listdir(ROOT)) | set(os.listdir("/tmp"))

    started = time.monotonic()
    result = grade_notebook(path, evaluation, name, LIMITS)
    seconds = time.monotonic() - started
    listener.close()
    result_file = tmp_path / "result.json"
    result_file.write_text(json.dumps(result.to_dict(instructor=True), ensure_ascii=False))
    time.sleep(1.0)  # a daemon that survived would rewrite the result file by now

    assert result.score <= honest_score, f"{name} raised the score to {result.score}"
    assert json.loads(result_file.read_text())["score"] == result.score, "the result file was rewritten"
    assert seconds < 120
    visible = "\n".join([json.dumps(result.to_dict(instructor=False), ensure_ascii=False)]
                        + [report.render([result], fmt) for fmt in STUDENT_FORMATS])
    assert "LEAK" not in visible and "ghp_redteam_canary" not in visible
    assert not [line for line in _hidden_lines() if line in visible]
    assert ("reduced isolation" in result.isolation) == (sandbox == "process")
    assert not Path(f"/tmp/{mark}-unpickled").exists(), "the grader unpickled a student's object"
    if sandbox == "bubblewrap":
        alive = subprocess.run(["pgrep", "-f", mark], capture_output=True, text=True).stdout.strip()
        assert alive == "", "a process of the submission outlived grading"
        after = set(os.listdir(ROOT)) | set(os.listdir("/tmp"))
        assert not [f for f in after - before if mark in f or f in ("conftest.py", "pytest.ini",
                                                                     "sitecustomize.py")]
        assert not (ROOT / "tests" / "hidden" / "12_evaluation" / "conftest.py").exists()
        assert not Path(f"/tmp/{mark}-pwned").exists()


@pytest.mark.skipif(not bubblewrap_works(), reason="bubblewrap is not available here")
def test_submissions_do_not_see_each_other(evaluation, tmp_path):
    """Workers are never reused: what one submission leaves in its /tmp the next cannot read."""
    from grader.proxy import Student
    from grader.session import WorkerSession

    first = WorkerSession([("cell 1", "open('/tmp/left-behind', 'w').write('secret')\n"
                                      "open('left-in-cwd', 'w').write('secret')\n")], [])
    first.start()
    first.close()
    second = WorkerSession([("cell 1", "import os\ndef probe():\n"
                                       "    return os.path.exists('/tmp/left-behind'), os.path.exists('left-in-cwd')\n")], [])
    second.start()
    try:
        assert Student(second).probe() == (False, False)
    finally:
        second.close()
