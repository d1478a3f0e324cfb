"""Start-up self-check: a canary submission probes the sandbox before real submissions run in it.

If the grader reports bubblewrap but the canary can read a secret outside its mounts, reach a
listening socket on the host's loopback, runs as root, or (with seccomp reported) can create SysV
IPC objects or a user namespace, the reported isolation is a lie: the grader refuses to grade. Without bubblewrap it only warns ("reduced isolation").
"""
from __future__ import annotations

import socket
import tempfile

from grader.assignments import ROOT
from grader.proxy import Student
from grader.sandbox import bubblewrap_missing, bubblewrap_works, isolation_layers, requested_sandbox
from grader.session import WorkerSession

CANARY = '''
import ctypes, os, socket

def probe(secret_path, port):
    found = {}
    try:
        with open(secret_path) as f:
            found["secret"] = f.read()
    except OSError:
        found["secret"] = None
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        found["network"] = True
    except OSError:
        found["network"] = False
    try:
        open("/usr/canary-write", "w").close()
        found["system_writable"] = True
    except OSError:
        found["system_writable"] = False
    found["uid"] = os.getuid()
    found["sees_course"] = os.path.exists(os.path.join(COURSE, "solutions"))
    libc = ctypes.CDLL(None, use_errno=True)
    found["sysv_ipc"] = libc.shmget(0, 4096, 0o1600) >= 0  # IPC_PRIVATE
    found["new_namespace"] = libc.unshare(0x10000000) == 0  # CLONE_NEWUSER
    return found
'''


def run_canary() -> dict:
    """What a sandboxed submission can do here: read a secret, connect out, write the system."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    with tempfile.NamedTemporaryFile("w", dir=ROOT / "build" if (ROOT / "build").is_dir() else None,
                                     prefix="canary-secret-", delete=True) as secret:
        secret.write("canary")
        secret.flush()
        session = WorkerSession([("cell 1", f"COURSE = {str(ROOT)!r}\n" + CANARY)], [])
        try:
            session.start()
            found = Student(session, 20).probe(secret.name, listener.getsockname()[1])
        finally:
            session.close()
            listener.close()
    return found


def problems() -> list[str]:
    """Ways the sandbox is weaker than reported (empty when it holds)."""
    found = run_canary()
    issues = []
    if found.get("secret") is not None:
        issues.append("the worker can read a file outside its mounts")
    if found.get("network"):
        issues.append("the worker can reach the host's loopback network")
    if found.get("system_writable"):
        issues.append("the worker can write to /usr")
    if found.get("sees_course"):
        issues.append("the worker can see the course folder (solutions/)")
    if found.get("uid") == 0:
        issues.append("the worker runs as root")
    if "seccomp" in isolation_layers():
        if found.get("sysv_ipc"):
            issues.append("the worker can create SysV IPC objects (the seccomp filter did not load)")
        if found.get("new_namespace"):
            issues.append("the worker can create a user namespace (the seccomp filter did not load)")
    return issues


def check(log) -> bool:
    """True when grading may go on. Refuses only when bubblewrap is reported but does not hold."""
    if not bubblewrap_works():
        why = ("GRADER_SANDBOX=process switches bubblewrap off" if requested_sandbox() == "process"
               else bubblewrap_missing())
        log(f"grader: reduced isolation: {why}; the worker keeps the process boundary, rlimits "
            f"and deadlines only")
        return True
    issues = problems()
    for issue in issues:
        log(f"grader: sandbox self-check failed: {issue}")
    return not issues
