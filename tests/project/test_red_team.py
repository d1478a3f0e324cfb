"""Red team: each attack is a submission whose probe function the test calls inside the sandbox.

The graded behaviour of the same attacks (scores, deadlines, messages) is in
test_untrusted_submissions.py; here we check what the worker can and cannot reach.
"""
import os
import socket
import subprocess
import sys
import time

import pytest

from grader import sandbox, selfcheck
from grader.assignments import ROOT
from grader.errors import StudentSideError
from grader.proxy import Student
from grader.sandbox import Limits, bubblewrap_works
from grader.session import WorkerSession

needs_bwrap = pytest.mark.skipif(not bubblewrap_works(), reason="bubblewrap not available here")


def _worker(code: str, limits: Limits = Limits(load_seconds=20, call_seconds=10)):
    session = WorkerSession([("cell 1", code)], [], limits)
    session.start()
    return session, Student(session, limits.call_seconds)


@pytest.fixture
def attack():
    sessions = []

    def start(code, **kw):
        session, student = _worker(code, **kw)
        sessions.append(session)
        return student

    yield start
    for session in sessions:
        session.close()


@needs_bwrap
def test_the_start_up_canary_finds_no_hole():
    assert selfcheck.problems() == []


@needs_bwrap
@pytest.mark.parametrize("path", [
    str(ROOT / "tests" / "hidden" / "12_evaluation" / "test_f1.py"),
    str(ROOT / "solutions" / "12_evaluation.py"),
    "../../tests/hidden/12_evaluation/test_f1.py",
    "/proc/1/cwd/solutions/12_evaluation.py",
    "/proc/1/environ",
])
def test_hidden_tests_and_solutions_cannot_be_read_from_disk(attack, path):
    student = attack("def probe(p):\n    try:\n        return open(p).read()[:50]\n"
                     "    except OSError as e:\n        return 'blocked'\n")
    got = student.probe(path)
    assert got == "blocked" or "def test_" not in got and "precision_score" not in got


@needs_bwrap
def test_no_network_not_even_the_hosts_loopback(attack):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    student = attack("import socket\ndef probe(port):\n    try:\n"
                     "        socket.create_connection(('127.0.0.1', port), timeout=2)\n"
                     "        return 'connected'\n    except OSError:\n        return 'blocked'\n"
                     "def dns():\n    try:\n        return socket.gethostbyname('pypi.org')\n"
                     "    except OSError:\n        return 'blocked'\n")
    try:
        assert student.probe(listener.getsockname()[1]) == "blocked"
        assert student.dns() == "blocked"
    finally:
        listener.close()


def test_environment_secrets_do_not_reach_the_worker(attack, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret_canary")
    student = attack("import os\ndef probe():\n    return dict(os.environ)\n")
    env = student.probe()
    assert "GITHUB_TOKEN" not in env
    assert not any("ghp_secret_canary" in v for v in env.values())


@needs_bwrap
def test_the_worker_is_not_root_and_cannot_become_root(attack):
    student = attack("import os\ndef probe():\n    try:\n        os.setuid(0)\n        became = True\n"
                     "    except OSError:\n        became = False\n    return os.getuid(), became\n")
    uid, became = student.probe()
    assert uid != 0 and not became


@needs_bwrap
def test_writes_outside_the_private_folders_fail(attack):
    student = attack("def probe(path):\n    try:\n        open(path, 'w').write('x')\n        return 'written'\n"
                     "    except OSError:\n        return 'blocked'\n")
    assert student.probe("/usr/pwned") == "blocked"
    # Under /tmp the write may land in the sandbox's private tmpfs; it must never reach the host.
    student.probe(str(ROOT / "pwned.txt"))
    assert not (ROOT / "pwned.txt").exists()


@needs_bwrap  # without the PID namespace, kill(-1) as root would hit this whole machine
@pytest.mark.parametrize("target", ["-1", "os.getppid()"])
def test_killing_everything_it_can_see_spares_the_grader_and_the_next_submission(target):
    """With warm workers the parent is the fork server: killing it must cost nothing but time."""
    session, student = _worker("import os, signal\ndef probe():\n"
                               f"    os.kill({target}, signal.SIGKILL)\n    return 'sent'\n")
    try:
        student.probe()
    except Exception:  # noqa: BLE001 — whether the attacker's own call survives does not matter
        pass
    session.close()
    session, student = _worker("def probe():\n    return 42\n")
    try:
        assert student.probe() == 42
    finally:
        session.close()


@needs_bwrap
def test_a_double_forked_daemon_dies_with_the_sandbox(tmp_path):
    marker = f"grader-daemon-canary-{os.getpid()}"
    code = ("import os, time\ndef probe():\n    if os.fork() == 0:\n        os.setsid()\n"
            "        if os.fork() == 0:\n"
            f"            os.execvp('sleep', ['sleep', '300', '{marker}'])\n"
            "        os._exit(0)\n    return 'forked'\n")
    session, student = _worker(code)
    assert student.probe() == "forked"
    session.close()
    time.sleep(0.5)
    alive = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.strip()
    assert alive == ""


@needs_bwrap
@pytest.mark.parametrize("folder", ["/tmp", "/dev/shm"])
def test_filling_the_in_memory_folders_stops_at_their_size(attack, folder):
    """/tmp and /dev/shm are tmpfs, in RAM and outside RLIMIT_AS: many small files must not add up."""
    student = attack("import os\ndef probe(folder):\n    written = 0\n    try:\n"
                     "        for i in range(2048):\n"
                     "            with open(os.path.join(folder, f'fill{i}'), 'wb') as f:\n"
                     "                f.write(b'x' * 2**20)\n            written += 2**20\n"
                     "    except OSError:\n        pass\n    return written\n")
    limit = sandbox.TMP_BYTES if folder == "/tmp" else sandbox.SHM_BYTES
    assert 0 < student.probe(folder) <= limit


@needs_bwrap
def test_fork_bomb_is_bounded_by_the_deadline(attack):
    student = attack("import os\ndef probe():\n    for _ in range(50):\n        if os.fork() == 0:\n"
                     "            import time; time.sleep(60); os._exit(0)\n    while True:\n        pass\n",
                     limits=Limits(load_seconds=20, call_seconds=2))
    started = time.monotonic()
    with pytest.raises(StudentSideError):
        student.probe()
    assert time.monotonic() - started < 15


def test_without_bubblewrap_the_grader_says_reduced_isolation(tmp_path):
    from grader.assignments import get

    release = get("12_evaluation").release_notebook
    env = dict(os.environ, GRADER_SANDBOX="process")
    done = subprocess.run([sys.executable, "-m", "grader", "grade", str(release), "--format", "json",
                           "--quiet"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0
    assert "reduced isolation" in done.stdout and "reduced isolation" in done.stderr
