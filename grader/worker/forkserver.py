"""The warm fork server: imports numpy and torch once, then forks one fresh worker per submission.

Started by `grader.forkserver` inside the same bubblewrap sandbox a worker gets (as
`python -I -S -c <boot> <socket fd> <module>...`), with the cleared environment and one thread.
It never runs student code itself: each worker is a child forked from it, and that child alone
loads the notebook. Between two submissions `clean` kills every other process of the sandbox's
PID namespace and reaps them (this server is their subreaper, so daemons that double-forked come
back to it), so nothing a submission started is alive when the next one is forked; then it empties
/tmp and /dev/shm (the sandbox's only writable places besides the scratch folder bound from the
host, which the host empties).

The server makes itself non-dumpable, so a worker (same uid, no capabilities) can neither ptrace
it nor read its memory through /proc. A worker can still signal it; a server that dies, stops or
answers late is torn down with its whole sandbox by the host, and a new one is started.

Protocol: one JSON request per datagram on a SOCK_SEQPACKET socket, one JSON answer each;
`spawn` carries the worker's request, response and log descriptors (SCM_RIGHTS).
"""
from __future__ import annotations

import ctypes
import importlib
import json
import os
import shutil
import signal
import socket
import stat
import sys
import time

from grader.worker import rlimits

PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
MAX_REQUEST_BYTES = 1 << 16


def _prctl(option: int, value: int) -> None:
    if ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl failed")


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))


WIPED = ("/tmp", "/dev/shm")


class Server:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        # Mounted below /tmp: the worker runtime (read-only) and the scratch folder (the host
        # empties it itself). They and the folders leading to them stay; all else goes.
        self.keep = [path for path in _mount_points() if path.startswith("/tmp/")]
        folders = set(WIPED)
        for path in self.keep:
            folders.update(_parents_below(path, "/tmp"))
        self.modes = {path: stat.S_IMODE(os.stat(path).st_mode) for path in folders}

    def serve(self) -> None:
        while True:
            message, fds, _, _ = socket.recv_fds(self.sock, MAX_REQUEST_BYTES, 3)
            if not message:
                return
            request = json.loads(message)
            answer = getattr(self, "op_" + request["op"])(request, fds)
            self.sock.send(json.dumps(answer).encode())

    def op_spawn(self, request: dict, fds: list[int]) -> dict:
        request_fd, response_fd, log_fd = fds
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                self.sock.close()
                _become_worker(request, request_fd, response_fd, log_fd)
                status = 0
            except BaseException:  # noqa: BLE001 — as a fresh interpreter would: traceback, status 1
                import traceback
                traceback.print_exc()
            finally:
                os._exit(status)  # never return into the server's loop
        for fd in fds:
            os.close(fd)
        return {"ok": True, "pid": pid}

    def op_wait(self, request: dict, fds: list[int]) -> dict:
        """The exit status of a worker that closed its pipe, if it ends within the given time."""
        deadline = time.monotonic() + float(request["seconds"])
        pid = int(request["pid"])
        while True:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return {"ok": True, "status": None}
            if done:
                return {"ok": True, "status": os.waitstatus_to_exitcode(status)}
            if time.monotonic() > deadline:
                return {"ok": True, "status": None}
            time.sleep(0.01)

    def op_clean(self, request: dict, fds: list[int]) -> dict:
        """Kill every process in the namespace but this one and init, and reap them all."""
        rounds = 0
        while True:
            rounds += 1
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break  # no child, orphan or daemon left: all of them would be ours to reap
        for path, mode in self.modes.items():  # a worker may have chmod-ed them to 000
            os.chmod(path, mode)
        for folder in WIPED:
            _wipe(folder, self.keep)
        return {"ok": True, "rounds": rounds}


def _parents_below(path: str, top: str) -> list[str]:
    """The folders between `top` and `path`, both excluded."""
    parents = []
    while True:
        path = os.path.dirname(path)
        if not path.startswith(top + "/"):
            return parents
        parents.append(path)


def _mount_points() -> list[str]:
    with open("/proc/self/mountinfo") as mountinfo:
        return [line.split()[4].replace("\\040", " ") for line in mountinfo]


def _wipe(folder: str, keep: list[str]) -> None:
    """Remove everything in `folder` except the paths in `keep` and the folders leading to them."""
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if path in keep:
            continue
        if (any(k.startswith(path + "/") for k in keep)
                and os.path.isdir(path) and not os.path.islink(path)):
            _wipe(path, keep)
        elif os.path.isdir(path) and not os.path.islink(path):
            remove_tree(path)
        else:
            os.unlink(path)


def remove_tree(path: str) -> None:
    """rmtree that first gives back the permissions a worker took from its own folders."""
    os.chmod(path, 0o700)
    for folder, dirs, _ in os.walk(path):
        for name in dirs:
            inner = os.path.join(folder, name)
            if not os.path.islink(inner):
                os.chmod(inner, 0o700)
    shutil.rmtree(path)


def _become_worker(request: dict, request_fd: int, response_fd: int, log_fd: int) -> None:
    """In the forked child: the same state a freshly started worker would have, then serve."""
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    keep = {0, 1, 2, request_fd, response_fd}
    for name in os.listdir("/proc/self/fd"):
        if int(name) not in keep:
            try:
                os.close(int(name))
            except OSError:
                pass
    os.setsid()
    _prctl(PR_SET_DUMPABLE, 1)  # before confine: a non-dumpable process cannot map its own ids
    from grader.worker import confine
    confine.enter(request.get("confine") or {})
    rlimits.apply(request["limits"])
    os.chdir(request["workdir"])  # the private one, where confine mounted it
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path[:] = request["path"] + [p for p in sys.path if p not in request["path"]]  # + stdlib
    if "numpy" in sys.modules:  # a fresh process seeds numpy's global generator from the OS
        sys.modules["numpy"].random.seed()
    from grader.worker.serve import main
    main([str(request_fd), str(response_fd)])


def main(argv: list[str]) -> None:
    sock = socket.socket(fileno=int(argv[0]))
    modules = argv[1:]
    _prctl(PR_SET_DUMPABLE, 0)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    for module in modules:
        importlib.import_module(module)
    import grader.worker.serve  # noqa: F401
    threads = _threads()
    if threads != 1:  # forking a process with other threads can copy a held lock into the child
        sock.send(json.dumps({"ok": False, "error": f"{threads} threads after the imports"}).encode())
        return
    server = Server(sock)
    sock.send(json.dumps({"ok": True, "modules": modules}).encode())
    server.serve()
