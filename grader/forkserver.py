"""Warm workers: a sandboxed fork server per grading slot, so a worker starts in milliseconds.

A worker started from nothing pays for an interpreter and for `import torch` (about 1.5 s of the
1.7 s a 07_attention submission takes). A fork server is started once per slot, inside the same
bubblewrap sandbox and resource limits a worker gets, imports the assignment's heavy modules
(numpy, torch) while it is still single-threaded, and forks one worker per submission
(`grader/worker/forkserver.py`). A class graded in parallel slots starts their servers before
anything else (`prestart`), so they import torch while the grader does; each slot adopts one
(`adopt`) and alone talks to it, and the grader only kills them at its end. What one submission
leaves behind never reaches the next:

- processes: between two submissions the server kills and reaps every other process of the
  sandbox's PID namespace (it is their subreaper), and where the pids cgroup works the host checks
  that only the server is left;
- files: the server empties the sandbox's /tmp and /dev/shm (both tmpfs; the rest of /dev and the
  system are read-only), and the host empties the scratch folder bound into the sandbox, except
  the folder of the submission still being graded; each worker also writes only to its own
  tmpfs (grader/worker/confine.py), which ends with it;
- kernel state: the seccomp filter bubblewrap loads for the server and its workers denies the
  keyring and SysV IPC, which no folder clean-up would reach;
- memory: each worker is a fresh fork of a server that never ran student code, and the server is
  not dumpable, so a worker cannot read or change it.

A server that dies, hangs or answers wrongly is torn down with its sandbox, and the next submission
gets a new one. Only where bubblewrap works (the namespace is what makes "kill every other
process" safe); `GRADER_FORKSERVER=0` starts every worker from nothing, as before.
"""
from __future__ import annotations

import atexit
import dataclasses
import json
import os
import shutil
import socket
import sys
from pathlib import Path

from grader import sandbox
from grader.launcher import SandboxedProcess, launch
from grader.worker.forkserver import remove_tree
from grader.worker_process import StartRefused

MAX_IDLE_SERVERS = 2
START_SECONDS = 60.0
CONTROL_SECONDS = 10.0


class ForkServerError(StartRefused):
    """The server is torn down (or would not answer): its workers start from nothing instead."""


class ForkServer:
    """One sandbox with a warm server in it; serves one submission at a time. A worker starter
    (grader.worker_process.Starter): `spawn` forks the submission's worker."""

    def __init__(self, warm: tuple[str, ...], limits: sandbox.Limits, wait: bool = True):
        """`wait`: until the server has imported `warm` and is ready (else `await_ready` later)."""
        self.warm = warm
        self.limits = limits
        self.root = sandbox.owned_tempdir("slot")
        self.scratch = self.root / "scratch"
        self.scratch.mkdir()
        self.broken: str | None = None
        self.process: SandboxedProcess | None = None
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock = ours
        try:
            # The server and every worker it forks get bubblewrap's seccomp filter; its cgroup
            # holds the server and one worker's processes.
            with open(self.root / "server.log", "wb") as log:
                self.process = launch(
                    "grader.worker.forkserver", [str(theirs.fileno()), *warm],
                    paths=[str(sandbox.worker_runtime())] + sandbox.site_paths(), limits=limits,
                    processes=limits.processes + 1, sandboxed=True, writable=[self.scratch],
                    workdir=self.scratch, env=sandbox.clean_env(self.scratch),
                    pass_fds=(theirs.fileno(),), log=log.fileno())
        finally:
            theirs.close()
        self.ready = False
        if wait:
            self.await_ready()

    def await_ready(self) -> None:
        """Until the server said it imported its modules; closed (and raising) if it did not."""
        if self.ready:
            return
        try:
            ready = self._receive(START_SECONDS)
            if not ready.get("ok"):
                self.teardown(f"server refused: {ready.get('error')}")
                raise ForkServerError(self.broken)
        except ForkServerError:
            self.close()
            raise
        self.ready = True
        self.baseline = self._cgroup_count()

    # ------------------------------------------------------------------ requests

    def spawn(self, workdir: Path, home: Path, env: dict[str, str], paths: list[str],
              limits: sandbox.Limits, fds: tuple[int, int, int]) -> ForkedWorker:
        """Fork a worker for the submission whose folder is `workdir`'s parent (in the scratch
        folder). Its own tmpfs hide the whole scratch folder (grader.worker.confine)."""
        plan = sandbox.confinement_plan(workdir, home, sandboxed=True, hide=[self.scratch])
        answer = self._request({"op": "spawn", "workdir": str(workdir), "env": env,
                                "path": paths, "limits": limits.rlimits(), "confine": plan}, fds)
        pid = answer.get("pid")
        if not isinstance(pid, int):
            self.teardown(f"bad spawn answer {answer!r}")
            raise ForkServerError(self.broken)
        return ForkedWorker(self, pid, keep=workdir.parent)

    def wait(self, pid: int, seconds: float) -> int | None:
        try:
            status = self._request({"op": "wait", "pid": pid, "seconds": seconds},
                                   timeout=seconds + CONTROL_SECONDS).get("status")
        except ForkServerError:
            return None
        return status if isinstance(status, int) else None

    def clean(self, keep: Path | None) -> None:
        """No process of the last worker alive, /tmp and /dev/shm and the scratch space empty."""
        try:
            self._request({"op": "clean"})
        except ForkServerError:
            return
        if self._cgroup_count() > self.baseline:
            self.teardown("processes survived the clean-up")
            return
        self.empty_scratch(keep)

    def empty_scratch(self, keep: Path | None = None) -> None:
        try:
            os.chmod(self.scratch, 0o700)
            _empty(self.scratch, keep)
        except OSError as exc:  # this server's folder is then removed with it, never reused
            self.teardown(f"could not empty the scratch folder: {exc}")

    def _request(self, request: dict, fds: tuple[int, ...] = (),
                 timeout: float | None = None) -> dict:
        if self.broken:
            raise ForkServerError(self.broken)
        self.sock.settimeout(CONTROL_SECONDS)  # a server that stops reading cannot hold us either
        try:
            socket.send_fds(self.sock, [json.dumps(request).encode()], list(fds))
        except OSError as exc:
            self.teardown(f"server gone: {exc}")
            raise ForkServerError(self.broken) from None
        return self._receive(timeout or CONTROL_SECONDS)

    def _receive(self, timeout: float) -> dict:
        self.sock.settimeout(timeout)
        try:
            message = self.sock.recv(1 << 16)
            answer = json.loads(message) if message else None
        except (OSError, ValueError) as exc:  # socket.timeout is an OSError
            answer, reason = None, f"{type(exc).__name__}: {exc}"
        else:
            reason = "server closed its socket"
        if not isinstance(answer, dict):
            self.teardown(f"{reason}; server log: {self._log_tail()}")
            raise ForkServerError(self.broken)
        return answer

    # ------------------------------------------------------------------ lifecycle

    def _log_tail(self) -> str:
        try:
            return (self.root / "server.log").read_text(errors="replace")[-1500:]
        except OSError:
            return ""

    def _cgroup_count(self) -> int:
        return self.process.processes() if self.process is not None else 0

    def teardown(self, reason: str) -> None:
        """Kill the sandbox and everything in it (its PID namespace ends with it)."""
        if self.broken is None:
            self.broken = reason
        if self.process is not None:
            self.process.kill(CONTROL_SECONDS)
        self.sock.close()

    def close(self) -> None:
        self.teardown("closed")
        shutil.rmtree(self.root, ignore_errors=True)


@dataclasses.dataclass
class ForkedWorker:
    """A worker forked by a server (a grader.worker_process.Child): killing it is the server's
    clean-up between two submissions, which spares the folder of the submission still graded."""
    server: ForkServer
    pid: int
    keep: Path | None = None

    def wait(self, seconds: float) -> int | None:
        return self.server.wait(self.pid, seconds)

    def kill(self) -> None:
        self.server.clean(self.keep)


def _empty(folder: Path, keep: Path | None) -> None:
    for entry in list(folder.iterdir()) if folder.is_dir() else ():
        if keep is not None and entry == keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            remove_tree(str(entry))
        else:
            entry.unlink(missing_ok=True)


# ---------------------------------------------------------------------- the pool of this process

_idle: list[ForkServer] = []
_started: list[ForkServer] = []  # idle or in use: all are closed when this process ends
_unavailable: dict[tuple, str] = {}
_prestarted: list[ForkServer] = []  # started here for the grading slots this process forks next


def enabled() -> bool:
    """Warm workers need bubblewrap's PID namespace and the seccomp filter (without it, workers
    forked by one server would share a keyring and SysV IPC objects)."""
    return (os.environ.get("GRADER_FORKSERVER", "1") != "0" and sandbox.bubblewrap_works()
            and sandbox.seccomp_programs() is not None)


def acquire(warm: tuple[str, ...], limits: sandbox.Limits) -> ForkServer | None:
    """An idle server with these limits that imported at least these modules (the exact set
    first), a new one, or None (start from nothing)."""
    key = (warm, limits)
    if not enabled() or key in _unavailable:
        return None
    while True:
        fitting = [s for s in _idle if s.limits == limits and set(s.warm) >= set(warm) and not s.broken]
        if not fitting:
            break
        server = min(fitting, key=lambda s: len(s.warm))
        _idle.remove(server)
        try:
            server.await_ready()  # a prestarted one may still be importing
        except ForkServerError as exc:
            _close(server)
            print(f"grader: a prestarted warm worker server failed ({exc}); starting another",
                  file=sys.stderr)
            continue
        return server
    try:
        server = ForkServer(warm, limits)
    except Exception as exc:  # noqa: BLE001 — any failure here only costs speed, never a grade
        _unavailable[key] = str(exc)
        print(f"grader: warm workers unavailable ({exc}); starting each worker from scratch",
              file=sys.stderr)
        return None
    _started.append(server)
    return server


def release(server: ForkServer) -> None:
    """Back to the idle pool once its scratch folder is empty; closed if it broke meanwhile."""
    if not server.broken:
        server.empty_scratch()
    if server.broken:
        _close(server)
        return
    _idle.append(server)
    while len(_idle) > MAX_IDLE_SERVERS:
        _close(_idle[0])


def _close(server: ForkServer) -> None:
    server.close()
    for pool in (_idle, _started):
        if server in pool:
            pool.remove(server)


def prestart(warm: tuple[str, ...], limits: sandbox.Limits, count: int) -> None:
    """Start `count` servers now, for the grading slots this process forks next (`adopt`, one
    each): they import torch while this process imports what the slots need, instead of after."""
    if not enabled() or (warm, limits) in _unavailable:
        return
    for _ in range(count):
        try:
            server = ForkServer(warm, limits, wait=False)
        except Exception:  # noqa: BLE001 — only speed is lost: the slot starts its own
            return
        _started.append(server)
        _prestarted.append(server)


def adopt(index: int) -> None:
    """In a grading slot just forked: the `index`-th prestarted server becomes this slot's own
    (killed with it), and this slot lets go of the other slots' servers."""
    mine = _prestarted[index] if 0 <= index < len(_prestarted) else None
    for server in _prestarted:
        if server is not mine:
            server.sock.close()
    _prestarted.clear()
    if mine is not None:
        mine.process.adopted = True
        _started.append(mine)
        _idle.append(mine)


def handed_over() -> None:
    """In the process that prestarted servers, once its slots are forked: the servers are theirs.
    This process keeps each only to kill and reap it when it ends; its end of the socket closes,
    so that a server whose slot died reads the end of its socket and exits."""
    for server in _prestarted:
        server.sock.close()
        server.broken = server.broken or "handed over to a grading slot"
    _prestarted.clear()


def close_all() -> None:
    while _started:
        _close(_started[0])


def _forget_inherited() -> None:
    """A forked process must not share its parent's servers (nor their sockets), except the
    prestarted ones a grading slot adopts (`adopt`)."""
    for server in _started:
        if server not in _prestarted:
            server.sock.close()
    _idle.clear()
    _started.clear()


atexit.register(close_all)
os.register_at_fork(after_in_child=_forget_inherited)

