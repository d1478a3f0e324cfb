"""Red team, the trusted side: what a submission can do to the grader itself and to the next student.

The worker sandbox holds against code that runs inside it (test_red_team*.py); these attacks aim
at the grader process and at what outlives a submission: text the worker controls reaching the
student's feedback, a worker that stops reading, huge answers, a slot held for minutes, kernel
state (SysV IPC, the keyring) left for the next student, an unbounded scratch folder, files beside
the notebook, orphans of a killed grader, control characters in the reports.

Each runs with warm workers (a fork server per slot), cold ones (GRADER_FORKSERVER=0) and, where
the attack does not need the sandbox to stay harmless, without bubblewrap.
"""
import ctypes
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from grader import assignments, budget, forkserver, grade, report, sandbox
from grader.assignments import ROOT
from grader.authoring import budget as authoring_budget
from grader.authoring.build import build_notebook
from grader.errors import BudgetExceeded, CallTimeout, StudentSideError
from grader.proxy import Student
from grader.records import Result, TestOutcome as Outcome
from grader.sandbox import Limits, bubblewrap_works
from grader.session import WorkerSession

FAST = Limits(load_seconds=20, call_seconds=5)
MODES = ["warm", "cold", "process"]
SANDBOXED = ["warm", "cold"]


@pytest.fixture(params=MODES)
def mode(request, monkeypatch):
    if request.param != "process" and not bubblewrap_works():
        pytest.skip("bubblewrap is not available here")
    if request.param == "warm" and not forkserver.enabled():
        pytest.skip("warm workers are not available here")
    monkeypatch.setenv("GRADER_FORKSERVER", "1" if request.param == "warm" else "0")
    if request.param == "process":
        monkeypatch.setenv("GRADER_SANDBOX", "process")
    return request.param


@pytest.fixture
def sandboxed_mode(mode):
    if mode == "process":
        pytest.skip("needs the sandbox: without it the attack would reach this machine")
    return mode


def _session(code: str, limits: Limits = FAST, meter=None, support=()) -> WorkerSession:
    session = WorkerSession([("cell 1", code)], list(support), limits,
                            warm=("numpy",), meter=meter)
    session.start()
    return session


def _one_after_another(first_code: str, second_code: str, mode: str):
    """Run `first_code` as one student, then return the second student's `probe()`. With warm
    workers both are forked by the same server, as two students of one grading slot are."""
    first = _session(first_code)
    server = first._server
    try:
        first_said = Student(first).setup()
    finally:
        first.close()
    second = _session(second_code)
    try:
        if mode == "warm":
            assert second._server is server, "the second student should get the same warm server"
        return first_said, Student(second).probe()
    finally:
        second.close()


# ------------------------------------------------------------------------------ 1. feedback

def test_a_returned_objects_class_name_is_never_quoted_to_the_student(mode):
    """A handle is named by how the test reached it, not by the class name the student chose."""
    session = _session("import time\n"
                       "def make(secret):\n"
                       "    cls = type(secret, (), {'boom': lambda self: 1 / 0,\n"
                       "                            'hang': lambda self: time.sleep(60)})\n"
                       "    cls.__qualname__ = cls.__module__ = secret\n"
                       "    return cls()\n", Limits(load_seconds=20, call_seconds=2))
    try:
        student = Student(session, 2)
        made = student.make("LEAK [0, 1, 1, 0]")
        with pytest.raises(StudentSideError) as failed:
            made.boom()
        assert "make(…).boom" in failed.value.student_message
        assert "ZeroDivisionError" in failed.value.student_message
        with pytest.raises(StudentSideError) as missing:
            _ = made.no_such_method
        with pytest.raises(CallTimeout) as hung:
            student.make("LEAK [0, 1, 1, 0]").hang()
        for exc in (failed.value, missing.value, hung.value):
            assert "LEAK" not in exc.student_message
        assert "LEAK" in missing.value.detail  # the instructor still sees what happened
    finally:
        session.close()


PLANTED_REPLIES = '''
import gc, sys
_serve = sys.modules["grader.worker.serve"]
_wire = sys.modules["grader.worker.wire"]
CHANNEL = {channel!r}

def _planted(request):
    # Every string of a reply carries the hidden inputs of the request, and escapes with them.
    secret = "PLANT\\x1b[2J\\x00 " + repr((request.get("name"), request.get("args"),
                                          request.get("kwargs")))[:400]
    error = {{"type": secret, "mro": [secret, "PLANT", "Exception"], "message": secret,
              "where": secret, "traceback": secret}}
    return secret, error

def _answer(self, request):
    secret, error = _planted(request)
    on_handle = request.get("op") in ("call_handle", "getattr", "setattr")
    doc = {{"id": request.get("id"), "ok": False}}
    if CHANNEL == "error" or (CHANNEL == "handle" and on_handle):
        doc["error"] = error
    elif CHANNEL == "builtin-error":
        doc["error"] = dict(error, type="NameError", mro=["NameError", "Exception"])
    elif CHANNEL == "missing":
        doc["missing"] = secret
    elif CHANNEL == "unencodable":
        doc["unencodable"] = secret
    elif CHANNEL == "forbidden":
        doc = {{"id": request.get("id"), "ok": True, "value": None, "forbidden": [secret]}}
    elif CHANNEL == "handle":
        doc = {{"id": request.get("id"), "ok": True, "value": {{"$handle": 1, "type": secret}}}}
    elif CHANNEL == "value":
        doc = {{"id": request.get("id"), "ok": True,
               "value": [secret, {{"$dict": [[secret, secret]]}}]}}
    return _wire.pack_message(doc, [])

if CHANNEL == "load":
    # This cell runs inside the load request (id 1): its answer is forged here and now, with a
    # failed outcome per cell; the real answer follows and is dropped as stale.
    _worker = next(o for o in gc.get_objects() if isinstance(o, _serve.Worker))
    _secret, _error = _planted({{"name": "load"}})
    _wire.write_frame(_worker.response_fd, _wire.pack_message(
        {{"id": 1, "ok": True, "value": [dict(_error, cell=_secret, ok=False)] * 40}}, []))
else:
    _serve.Worker.answer = _answer
'''
CHANNELS = ["error", "builtin-error", "missing", "unencodable", "forbidden", "handle", "value",
            "load"]


def _student_facing(result: Result) -> str:
    """Every format a student (or a student-visible CI page) is shown: the batch's feedback
    files are these renderers' output; nbgrader's feedback is built from `_test_line`."""
    from grader.nbgrader.plugin import _cell_outputs, _test_line

    texts = [json.dumps(result.to_dict(instructor=False), ensure_ascii=False)]
    texts += [report.render([result], fmt) for fmt in ("md", "junit", "gradescope", "table")]
    texts += [_test_line(t) for t in result.tests] + [f"채점 알림: {n}" for n in result.notes]
    texts += [json.dumps(_cell_outputs(v["points"], v["max_points"], ""), ensure_ascii=False)
              for v in result.cells().values()]
    texts.append(report.render_summary([result]))
    return "\n".join(texts)


def _needles(recorded: list[dict], suite_source: str) -> set[str]:
    """The hidden inputs the grader sent, as the worker would quote them (the suite's author may
    show an input on purpose: those in the suite's own text are left out)."""
    needles = {"PLANT"}
    for fields in recorded:
        for value in list(fields.get("args", ())) + list((fields.get("kwargs") or {}).values()):
            text = repr(value)
            if len(text) >= 20 and text[:40] not in suite_source:
                needles.add(text[:40])
    return needles


@pytest.mark.parametrize("assignment_id, channel", [("12_evaluation", c) for c in CHANNELS]
                         + [("05_tokenization", "handle")])
def test_fuzz_hidden_inputs_planted_in_every_worker_string_reach_no_student_format(
        assignment_id, channel, monkeypatch, tmp_path):
    if not bubblewrap_works():
        pytest.skip("bubblewrap is not available here")
    assignment = assignments.get(assignment_id)
    recorded: list[dict] = []

    class Recording(WorkerSession):
        def request(self, op, seconds, what, **fields):
            recorded.append(fields)
            return super().request(op, seconds, what, **fields)

    monkeypatch.setattr(grade, "WorkerSession", Recording)
    nb = build_notebook(assignment, assignment.solution.read_text(encoding="utf-8"))
    nb.cells.insert(0, nbformat.v4.new_code_cell(PLANTED_REPLIES.format(channel=channel)))
    path = tmp_path / f"{assignment_id}.ipynb"
    nbformat.write(nb, path)

    result = grade.grade_notebook(path, assignment, "fuzz", FAST)

    assert recorded, "no call reached the worker"
    if channel != "load":  # only the load's answer lies there; the calls answer honestly
        assert result.score < result.max_score
    instructor = json.dumps(result.to_dict(instructor=True), ensure_ascii=False)
    if channel in ("error", "missing", "unencodable", "load"):
        assert "PLANT" in instructor, "the planted text never reached the grader: the test is void"
    suite_source = "\n".join(p.read_text(encoding="utf-8")
                             for p in assignment.hidden_suite.glob("*.py"))
    visible = _student_facing(result)
    leaked = [needle for needle in _needles(recorded, suite_source) if needle in visible]
    assert leaked == []


# ------------------------------------------------------------------------------ 2. no hang

STOP_READING = '''
import fcntl, sys, time
_serve = sys.modules["grader.worker.serve"]
def _stop_reading(self):
    fcntl.fcntl(self.request_fd, 1031, 4096)  # F_SETPIPE_SZ: the smallest pipe there is
    time.sleep(3600)
def setup():
    _serve.Worker._read_frame = _stop_reading  # from the next request on, nobody reads
    return "stopped"
def probe(data):
    return len(data)
'''


def test_a_worker_that_stops_reading_cannot_block_the_grader(mode):
    session = _session(STOP_READING, Limits(load_seconds=20, call_seconds=3))
    student = Student(session, 3)
    outcome = []
    try:
        assert student.setup() == "stopped"

        def call():  # a request far larger than the shrunken pipe
            try:
                outcome.append(student.probe(b"x" * 1_000_000))
            except BaseException as exc:  # noqa: BLE001
                outcome.append(exc)

        caller = threading.Thread(target=call, daemon=True)
        caller.start()
        caller.join(30)
        assert not caller.is_alive(), "the grader is stuck writing to the worker"
    finally:
        session.close()  # also frees a caller stuck in the write
    assert isinstance(outcome[0], CallTimeout)


# ------------------------------------------------------------------------------ 3. big answers

BIG = '''
import numpy as np
def big(megabytes):
    return np.ones(megabytes * 2**20 // 8)
'''


def test_returned_bytes_are_capped_per_submission_and_the_cap_is_explained(mode):
    meter = budget.Meter(budget.Budget(seconds=600, received_bytes=100 * 2**20))
    session = _session(BIG, meter=meter)
    try:
        student = Student(session)
        assert student.big(40).shape == (40 * 2**17,)
        assert student.big(40).shape == (40 * 2**17,)
        with pytest.raises(BudgetExceeded) as third:
            student.big(40)
        with pytest.raises(BudgetExceeded):
            student.big(1)  # once spent, every later call fails at once with the same reason
    finally:
        session.close()
    assert third.value.resource == "bytes"
    assert "100 MB" in third.value.student_message


def test_reassembling_a_big_answer_costs_the_grader_linear_time():
    """CPU to receive 64 MB is a few copies of 64 MB (measured here as the anchor), not the
    thousand copies that growing a bytes object 64 KB at a time costs."""
    session = _session(BIG, Limits(load_seconds=20, call_seconds=120))
    try:
        student = Student(session, 120)
        student.big(1)
        anchor = min(_cpu(lambda: bytes(bytearray(64 * 2**20))) for _ in range(3))
        received = _cpu(lambda: student.big(64))
    finally:
        session.close()
    assert received < 40 * max(anchor, 0.005), f"{received:.2f} s CPU vs {anchor:.3f} s per copy"


def _cpu(function) -> float:
    started = time.process_time()
    function()
    return time.process_time() - started


def test_the_graders_own_cpu_time_per_submission_is_capped():
    meter = budget.Meter(budget.Budget(seconds=600, received_bytes=2**40, grader_cpu_seconds=0.25))
    session = _session(BIG, meter=meter)
    try:
        student = Student(session)
        with pytest.raises(BudgetExceeded) as spent:
            for _ in range(200):
                student.big(32)
    finally:
        session.close()
    assert spent.value.resource == "cpu"
    assert "CPU" in spent.value.student_message


# ------------------------------------------------------------------------------ 4. budget

SLEEP_UNDER_EVERY_DEADLINE = '''
import functools, time
def _slow(function):
    @functools.wraps(function)
    def slow(*args, **kwargs):
        time.sleep(1.5)
        return function(*args, **kwargs)
    return slow
for _name, _value in list(globals().items()):
    if callable(_value) and getattr(_value, "__module__", "") == "__main__" and not _name.startswith("_"):
        globals()[_name] = _slow(_value)
'''


def test_a_notebook_that_sleeps_just_under_every_deadline_stops_at_its_budget(mode, tmp_path):
    evaluation = assignments.get("12_evaluation")
    nb = build_notebook(evaluation, evaluation.solution.read_text(encoding="utf-8"))
    nb.cells.append(nbformat.v4.new_code_cell(SLEEP_UNDER_EVERY_DEADLINE))
    path = tmp_path / "12_evaluation.ipynb"
    nbformat.write(nb, path)
    meter = budget.Meter(budget.Budget(seconds=6))

    result = grade.grade_notebook(path, evaluation, "sleeper", Limits(load_seconds=20, call_seconds=2),
                                  meter=meter)

    out_of_budget = [t for t in result.tests if "채점 시간(모두 합쳐 6초)" in t.message]
    assert out_of_budget and len(out_of_budget) >= len(result.tests) // 2
    assert any("채점 예산 초과" in note for note in result.notes)
    assert meter.exceeded is not None and meter.exceeded.resource == "time"
    assert result.duration_s < 60  # without the budget: 1.5 s for each of ~40 calls


def test_every_assignment_has_a_budget_in_the_course_file():
    from grader import course

    for assignment_id in assignments.all_ids():
        seconds = course.load().policy(assignment_id).budget_seconds
        assert seconds is not None and seconds >= authoring_budget.FLOOR_SECONDS, assignment_id


def test_the_budget_command_writes_the_course_file_and_keeps_the_rest(tmp_path):
    from grader import course

    path = tmp_path / "course.toml"
    original = ("# comment\n[course]\nid = \"x\"\n\n[assignments.01_ngram]\n"
                "due = 2027-03-09T23:59:00+09:00\nbudget_seconds = 5\n\n[assignments.02_rnn_lstm]\n")
    path.write_text(original, encoding="utf-8")
    authoring_budget.write_budgets({"01_ngram": 130, "02_rnn_lstm": 140}, path)
    loaded = course.load(path)
    assert loaded.policy("01_ngram").budget_seconds == 130
    assert loaded.policy("02_rnn_lstm").budget_seconds == 140
    assert loaded.policy("01_ngram").due is not None
    assert path.read_text(encoding="utf-8").startswith("# comment\n")
    assert authoring_budget.budget_from(0.5, 0.2) == authoring_budget.FLOOR_SECONDS
    assert authoring_budget.budget_from(30.0, 12.0) == 300


# ------------------------------------------------------------------------------ 5. kernel state

def _libc_helpers() -> str:
    numbers = {"x86_64": (248, 249, 250), "aarch64": (217, 218, 219)}.get(platform.machine())
    if numbers is None:
        pytest.skip("keyring syscall numbers not known for this machine")
    return (f"import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
            f"ADD_KEY, REQUEST_KEY, KEYCTL = {numbers}\n"
            "libc.shmat.restype = ctypes.c_void_p\n")


SHM_KEY = 0x5EED0 + os.getpid() % 1000


def _remove_host_segments():
    """Old graders let a process-mode attack leave its segments on this machine: clean up."""
    libc = ctypes.CDLL(None, use_errno=True)
    for key in range(SHM_KEY, SHM_KEY + 5):
        segment = libc.shmget(key, 0, 0)
        if segment >= 0:
            libc.shmctl(segment, 0, None)  # IPC_RMID


def test_shared_memory_left_by_one_student_is_not_there_for_the_next(mode):
    leave = _libc_helpers() + f'''
def setup():
    segment = libc.shmget({SHM_KEY}, 4096, 0o1666)
    if segment < 0:
        return "denied"
    address = libc.shmat(segment, None, 0)
    ctypes.memmove(address, b"answers of the helper", 21)
    return "left"
'''
    find = _libc_helpers() + f'''
def probe():
    segment = libc.shmget({SHM_KEY}, 0, 0)
    if segment < 0:
        return None
    address = libc.shmat(segment, None, 0)
    return ctypes.string_at(address, 21).decode() if address != 2**64 - 1 else "attached"
'''
    try:
        left, found = _one_after_another(leave, find, mode)
    finally:
        _remove_host_segments()
    assert found is None
    assert left == "denied"


def test_shared_memory_cannot_be_hoarded_outside_the_memory_limits(mode):
    hoard = _libc_helpers() + f'''
def setup():
    made = 0
    for i in range(4):
        segment = libc.shmget({SHM_KEY} + 1 + i, 100 * 2**20, 0o1666)
        if segment < 0:
            break
        address = libc.shmat(segment, None, 0)
        ctypes.memset(address, 1, 100 * 2**20)
        libc.shmdt(ctypes.c_void_p(address))
        made += 1
    return made
'''
    count = '''
def probe():
    with open("/proc/sysvipc/shm") as table:
        return len(table.read().splitlines()) - 1
'''
    try:
        made, seen = _one_after_another(hoard, count, mode)
    finally:
        _remove_host_segments()
    assert made == 0
    if mode != "process":  # the host's own table may hold segments that are not ours
        assert seen == 0


def _invalidate_host_keys(description: bytes):
    """Old graders let the attack add a key to this process's own session keyring: remove it."""
    if platform.machine() not in ("x86_64", "aarch64"):
        return
    keyctl = {"x86_64": 250, "aarch64": 219}[platform.machine()]
    libc = ctypes.CDLL(None, use_errno=True)
    for keyring in (-3, -4, -5):  # session, user, user-session
        key = libc.syscall(keyctl, 10, keyring, b"user", description, 0)  # KEYCTL_SEARCH
        if key >= 0:
            libc.syscall(keyctl, 21, key)  # KEYCTL_INVALIDATE


def test_a_key_in_the_kernel_keyring_does_not_reach_the_next_student(mode):
    description = f"grader-redteam-{os.getpid()}".encode()
    leave = _libc_helpers() + f'''
def setup():
    added = []
    for keyring in (-3, -4, -5):  # session, user, user-session keyrings
        key = libc.syscall(ADD_KEY, b"user", {description!r}, b"answers", 7, keyring)
        added.append(key >= 0)
    return added
'''
    find = _libc_helpers() + f'''
def probe():
    key = libc.syscall(REQUEST_KEY, b"user", {description!r}, None, 0)
    if key < 0:
        return None
    buffer = ctypes.create_string_buffer(64)
    size = libc.syscall(KEYCTL, 11, key, buffer, 64)  # KEYCTL_READ
    return buffer.raw[:max(size, 0)].decode(errors="replace")
'''
    try:
        added, found = _one_after_another(leave, find, mode)
    finally:
        _invalidate_host_keys(description)
    assert found is None
    assert added == [False, False, False]


# ------------------------------------------------------------------------------ 6. scratch quota

FILL_THE_WORKING_FOLDER = '''
import os
def probe():
    files = 0
    try:
        for i in range(50_000):
            open(f"many-{i}", "w").close()
            files += 1
    except OSError:
        pass
    for i in range(files):
        os.unlink(f"many-{i}")
    written = 0
    try:
        for n in range(8):
            with open(f"big-{n}", "wb") as f:
                for _ in range(64):
                    f.write(b"x" * 2**20)
                    written += 2**20
    except OSError:
        pass
    return files, written
'''


def test_the_working_folder_is_capped_in_files_and_in_bytes(sandboxed_mode):
    session = _session(FILL_THE_WORKING_FOLDER, Limits(load_seconds=20, call_seconds=60))
    host_folder = session._tmp
    try:
        files, written = Student(session, 60).probe()
        on_the_host = sum(p.stat().st_size for p in host_folder.rglob("*") if p.is_file())
    finally:
        session.close()
    assert 0 < files <= sandbox.TMP_INODES
    assert 0 < written <= sandbox.TMP_BYTES
    assert on_the_host < 2**20, "the worker wrote to the host's disk"


# ------------------------------------------------------------------------------ 7. neighbours

def test_a_stub_beside_copies_of_the_solutions_and_hidden_tests_scores_zero(mode, tmp_path):
    evaluation = assignments.get("12_evaluation")
    folder = tmp_path / "alice" / "12_evaluation"
    folder.mkdir(parents=True)
    for source, target in ((evaluation.solution, folder / "solutions" / "12_evaluation.py"),
                           (evaluation.solution, folder / "12_evaluation.py")):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    shutil.copytree(evaluation.hidden_suite, folder / "tests" / "hidden" / "12_evaluation")
    nb = nbformat.read(evaluation.release_notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import glob\nfor _path in glob.glob('**/12_evaluation.py', recursive=True):\n"
        "    exec(open(_path).read())\n"))
    path = folder / "12_evaluation.ipynb"
    nbformat.write(nb, path)

    result = grade.grade_notebook(path, evaluation, "alice", FAST)

    assert result.score == 0


# ------------------------------------------------------------------------------ 8. orphans

SLOW_CELL = "import time\ntime.sleep(4)\n"


def _descendants(pid: int) -> dict[int, str]:
    """pid -> start time of every process below `pid` (start time tells a reused pid apart)."""
    children: dict[int, list[int]] = {}
    starts: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        starts[int(entry.name)] = fields[19]
    found, todo = {}, list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found[child] = starts.get(child, "")
        todo += children.get(child, [])
    return found


def _alive(pid: int, start: str) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z" and fields[19] == start


def test_killing_the_grader_leaves_no_slot_server_or_worker_behind(sandboxed_mode, tmp_path):
    evaluation = assignments.get("12_evaluation")
    nb = build_notebook(evaluation, evaluation.solution.read_text(encoding="utf-8"))
    nb.cells.append(nbformat.v4.new_code_cell(SLOW_CELL))
    submitted = tmp_path / "submitted"
    for student in ("ann", "bob", "cho", "dan", "eve", "fay"):
        (submitted / student / "12_evaluation").mkdir(parents=True)
        nbformat.write(nb, submitted / student / "12_evaluation" / "12_evaluation.ipynb")
    results = tmp_path / "results"
    tree: dict[int, str] = {}
    grader = subprocess.Popen([sys.executable, "-m", "grader", "grade", str(submitted), "--jobs", "2",
                               "--results", str(results), "--quiet"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        started = time.monotonic()
        while time.monotonic() - started < 120:  # until both slots run a sandboxed worker
            below = _descendants(grader.pid)
            slots = [pid for pid in below if _parent(pid) == grader.pid
                     and _name(pid).startswith("python")]
            # Warm, the servers are the grader's own children (started before the slots, which
            # adopt them): two servers and a worker forked by each are four sandboxed pythons.
            # Cold, each slot starts its worker itself.
            if len(slots) >= 2 and len(_sandboxed_pythons(below)) >= (4 if sandboxed_mode == "warm" else 2):
                break
            time.sleep(0.2)
        else:
            pytest.fail("the grader never started its slots")
        tree = _descendants(grader.pid)
        grader.send_signal(signal.SIGKILL)  # the main process only
        grader.wait()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(p, s) for p, s in tree.items()):
            time.sleep(0.2)
        survivors = {pid: _name(pid) for pid, start in tree.items() if _alive(pid, start)}
        written = sorted(results.rglob("*.json"))
        time.sleep(5)  # a surviving slot would finish its submission by now
        assert survivors == {}
        assert sorted(results.rglob("*.json")) == written, "results were written after the kill"
    finally:  # what an old grader left behind must not outlive the test either
        if grader.poll() is None:
            grader.kill()
        for pid, start in tree.items():
            if _alive(pid, start):
                os.kill(pid, signal.SIGKILL)


def _sandboxed_pythons(pids) -> list[int]:
    """The python processes among `pids` that run inside bubblewrap (a bwrap ancestor)."""
    def in_bwrap(pid: int) -> bool:
        while pid > 1:
            pid = _parent(pid)
            if _name(pid) == "bwrap":
                return True
        return False

    return [pid for pid in pids if _name(pid).startswith("python") and in_bwrap(pid)]


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError):
        return 0


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


# ------------------------------------------------------------------------------ 9. reports

HOSTILE = "\x1b[2J\x1b[31mmallory\x00\x07\r\x08\x7f\x9b\ud800\ufffe"


def _hostile_result() -> Result:
    tests = [Outcome(nodeid="t::a", name="test_a", grade_id="test_cell", max_points=2,
                         status="failed", message=f"실패 {HOSTILE}", detail=HOSTILE),
             Outcome(nodeid="t::b", name="test_b", grade_id="test_cell", max_points=3,
                         points=3, status="passed")]
    return Result("12_evaluation", f"student{HOSTILE}", tests, ["bubblewrap"], 1.0,
                  notes=[f"알림 {HOSTILE}"])


@pytest.mark.parametrize("fmt", ["md", "junit", "gradescope", "table"])
def test_no_control_character_reaches_any_student_format(fmt):
    text = report.render([_hostile_result()], fmt)
    allowed = {"\n", "\t"}
    assert not [c for c in text if (ord(c) < 32 or 127 <= ord(c) < 160) and c not in allowed]
    assert "\ud800" not in text and "\ufffe" not in text
    text.encode("utf-8")  # writable as UTF-8


def test_junit_files_validate_against_the_junit_schema(tmp_path):
    lxml = pytest.importorskip("lxml.etree")
    schema = lxml.XMLSchema(lxml.parse(str(Path(__file__).with_name("junit.xsd"))))
    evaluation = assignments.get("12_evaluation")
    graded = grade.grade_notebook(evaluation.release_notebook, evaluation, "stub", FAST)
    for results in ([_hostile_result()], [graded], [_hostile_result(), graded]):
        document = lxml.fromstring(report.render(results, "junit").encode("utf-8"))
        assert schema.validate(document), schema.error_log
