"""The grader's side of one worker process: start it, send it requests, read its answers under
deadlines, kill it.

A worker is started by a `Starter`: from nothing (`FreshStart`: a new interpreter through
grader/launcher.py, in bubblewrap where it works) or forked by the slot's warm fork server
(grader/forkserver.py); what it returns is the worker's `Child` (wait for it, kill it). The
sandbox's layers (grader/sandbox.py) hold for both. Requests go down one pipe as pickles (the
worker may see test inputs), answers come back up another as plain data only (grader.worker.wire);
every read and write has the call's absolute deadline, and a worker that misses it is killed.
"""
from __future__ import annotations

import json
import os
import pickle
import select
import time
from pathlib import Path
from typing import Protocol

from grader import sandbox
from grader.errors import CallTimeout, WorkerCrashed, WorkerUnavailable
from grader.launcher import launch
from grader.sandbox import Limits
from grader.worker import wire


class Child(Protocol):
    """A started worker: a process of its own (grader.launcher.SandboxedProcess) or one a fork
    server forked (grader.forkserver.ForkedWorker)."""

    def wait(self, seconds: float) -> int | None:
        """Its exit status, if it ends within `seconds`."""

    def kill(self) -> None:
        """End it and every process it started."""


class Starter(Protocol):
    """Starts workers. `fds`: the request pipe's read end, the response pipe's write end and the
    log, which the worker gets as its own; `paths`: its sys.path (runtime, working folder,
    site-packages); raises StartRefused when it cannot start this one."""

    def spawn(self, workdir: Path, home: Path, env: dict[str, str], paths: list[str],
              limits: Limits, fds: tuple[int, int, int]) -> Child: ...


class StartRefused(Exception):
    """A starter could not start the worker (a fork server torn down meanwhile); the worker starts
    from nothing instead."""


class FreshStart:
    """A worker started from nothing: a new interpreter, in bubblewrap where it works."""

    def spawn(self, workdir: Path, home: Path, env: dict[str, str], paths: list[str],
              limits: Limits, fds: tuple[int, int, int]) -> Child:
        sandboxed = sandbox.bubblewrap_works()
        plan = sandbox.confinement_plan(workdir, home, sandboxed)
        return launch("grader.worker.start", [str(fds[0]), str(fds[1]), json.dumps(plan)],
                      paths=paths, limits=limits, processes=limits.processes, sandboxed=sandboxed,
                      writable=[workdir, home], workdir=workdir, env=env, pass_fds=fds[:2],
                      log=fds[2])


FRESH = FreshStart()


class WorkerProcess:
    """One untrusted worker. Every request has an absolute deadline; a miss kills the worker."""

    def __init__(self, workdir: Path, limits: Limits = Limits(), starter: Starter = FRESH):
        self.workdir = workdir
        self.limits = limits
        self.starter = starter
        self.child: Child | None = None
        self.dead_reason: str | None = None
        self._next_id = 0
        self.log_path = workdir.parent / f"{workdir.name}.log"

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        request_read, request_write = os.pipe()
        response_read, response_write = os.pipe()
        paths = [str(sandbox.worker_runtime()), str(self.workdir)] + sandbox.site_paths()
        home = self.workdir.parent / f"{self.workdir.name}-home"
        home.mkdir(exist_ok=True)
        env = sandbox.clean_env(home)
        with open(self.log_path, "wb") as log:
            fds = (request_read, response_write, log.fileno())
            try:
                self.child = self.starter.spawn(self.workdir, home, env, paths, self.limits, fds)
            except StartRefused:
                self.child = FRESH.spawn(self.workdir, home, env, paths, self.limits, fds)
        os.close(request_read)
        os.close(response_write)
        os.set_blocking(request_write, False)  # every write waits for the pipe under a deadline
        self._request_fd = request_write
        self._response_fd = response_read

    def kill(self, reason: str) -> None:
        if self.dead_reason is None:
            self.dead_reason = reason
        if self.child is not None:
            self.child.kill()
            self.child = None
        for fd in (getattr(self, "_request_fd", None), getattr(self, "_response_fd", None)):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._request_fd = self._response_fd = None

    def close(self) -> None:
        self.kill("closed")

    @property
    def alive(self) -> bool:
        return self.dead_reason is None

    def log_tail(self) -> str:
        try:
            with open(self.log_path, "rb") as log:
                log.seek(max(0, os.path.getsize(self.log_path) - self.limits.log_bytes))
                return log.read().decode("utf-8", "replace")
        except OSError:
            return ""

    # ------------------------------------------------------------------ requests

    def request(self, op: str, seconds: float, what: str, meter=None,
                **fields) -> tuple[dict, list[bytes]]:
        """Send one request and wait for its answer; the deadline covers the write too (a worker
        that stops reading must not hold the grader). `meter` (grader.budget.Meter) is charged for
        every byte received."""
        if not self.alive:
            raise WorkerUnavailable(self.dead_reason or "")
        self._next_id += 1
        request_id = self._next_id
        deadline = time.monotonic() + seconds
        payload = pickle.dumps(dict(fields, op=op, id=request_id))
        self._write_all(wire.HEADER.pack(wire.MAGIC, len(payload)) + payload, deadline, seconds,
                        what)
        while True:
            payload = self._read_frame(deadline, seconds, what, meter)
            try:
                doc, blobs = wire.unpack_message(payload)
            except wire.WireError as exc:
                self.kill(f"protocol violation: {exc}")
                raise
            if doc.get("id") == request_id:
                return doc, blobs
            # A stale or forged id: ignore it, but the deadline still runs.

    def _wait(self, fd: int, writing: bool, deadline: float, seconds: float, what: str) -> None:
        """Until `fd` is ready, or the call's deadline passes (then the worker is killed)."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill(f"timeout in {what}")
                raise CallTimeout(what, seconds)
            ready = select.select([], [fd], [], remaining)[1] if writing else \
                select.select([fd], [], [], remaining)[0]
            if ready:
                return

    def _write_all(self, data: bytes, deadline: float, seconds: float, what: str) -> None:
        view = memoryview(data)
        while view:
            self._wait(self._request_fd, True, deadline, seconds, what)
            try:
                written = os.write(self._request_fd, view)
            except BlockingIOError:
                continue
            except OSError:
                self._crashed()
            view = view[written:]

    def _read_frame(self, deadline: float, seconds: float, what: str, meter=None) -> memoryview:
        head = self._read_exact(wire.HEADER.size, deadline, seconds, what)
        magic, length = wire.HEADER.unpack(head)
        if magic != wire.MAGIC or length > wire.MAX_FRAME_BYTES:
            self.kill("protocol violation: bad frame header")
            raise wire.WireError("bad frame header")
        if meter is not None:
            meter.charge(wire.HEADER.size + length)
        return self._read_exact(length, deadline, seconds, what)

    def _read_exact(self, n: int, deadline: float, seconds: float, what: str) -> memoryview:
        """Exactly `n` bytes, read into one buffer in place: linear in `n` (no leftovers: a read
        never asks for more than the frame still needs)."""
        buffer = memoryview(bytearray(n))
        got = 0
        while got < n:
            self._wait(self._response_fd, False, deadline, seconds, what)
            try:
                count = os.readv(self._response_fd, [buffer[got:]])
            except BlockingIOError:
                continue
            if not count:
                self._crashed()
            got += count
        return buffer

    def _crashed(self):
        code = self.child.wait(5) if self.child else None
        reason = (f"killed by signal {-code}" if code is not None and code < 0
                  else f"exited with status {code}")
        self.kill(reason)
        raise WorkerCrashed(f"worker {reason}\n{self.log_tail()}")
