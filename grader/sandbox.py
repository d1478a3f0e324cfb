"""Starting, talking to and killing the worker process that runs a student's code.

A worker is either started from nothing here (`_FreshWorker`) or forked by a warm fork server that
lives in the same kind of sandbox (`grader.forkserver`); the layers below hold for both.

Layers, strongest first (the result's `isolation` field lists those that ran):
- `bubblewrap`: the worker runs in its own user, PID, IPC, UTS and network namespaces (no network
  at all), as uid 65534 inside, with a read-only system and /dev, a private /tmp and /dev/shm, and
  only the Python installation, a copy of the worker runtime and the submission's own folder
  mounted: the course folder, the hidden tests and the solutions are not in its filesystem.
  Killing the bubblewrap process kills every process in the namespace, daemons included. Without
  bubblewrap (or where user namespaces are denied) the grader still grades with the layers below
  and says "reduced isolation".
- `process`: the student's code never shares a process with the grader; results cross as plain data.
- `pids-cgroup`: where the pids cgroup controller is writable (root), each worker (or each fork
  server with its one worker) gets its own cgroup with `pids.max`, so a fork bomb stops at a
  bounded number of processes (RLIMIT_NPROC cannot do this: it does not apply to uids mapped to
  root).
- `rlimits`: address space, CPU seconds, file size, open files, no core dumps; set before any
  student code runs.
- `deadline`: every request has an absolute deadline; past it the worker and every process it
  started are killed with SIGKILL.
- `clean-env`: the environment is cleared, stdin is /dev/null, the working directory is a fresh
  temporary folder, and `sys.path` holds only a copy of the worker runtime and the site-packages
  (never the course folder, the hidden tests or the solutions).
"""
from __future__ import annotations

import atexit
import dataclasses
import functools
import itertools
import os
import pickle
import select
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from grader.errors import CallTimeout, WorkerCrashed, WorkerUnavailable
from grader.worker import rlimits, wire

GRADER_DIR = Path(__file__).resolve().parent


@dataclasses.dataclass(frozen=True)
class Limits:
    processes: int = 256
    memory_bytes: int = 4 * 1024**3
    cpu_seconds: int = 600
    file_bytes: int = 64 * 1024**2
    open_files: int = 256
    load_seconds: float = 60.0
    call_seconds: float = 10.0
    log_bytes: int = 64 * 1024

    def rlimits(self) -> dict[str, int]:
        return {"RLIMIT_AS": self.memory_bytes, "RLIMIT_CPU": self.cpu_seconds,
                "RLIMIT_FSIZE": self.file_bytes, "RLIMIT_NOFILE": self.open_files,
                "RLIMIT_CORE": 0}


def owned_tempdir(kind: str) -> Path:
    """A new `grader-<kind>-<pid>-*` folder; ones whose owner died (killed graders) are removed."""
    _sweep_stale(kind)
    return Path(tempfile.mkdtemp(prefix=f"grader-{kind}-{os.getpid()}-"))


@functools.cache
def _sweep_stale(kind: str) -> None:
    for folder in Path(tempfile.gettempdir()).glob(f"grader-{kind}-*-*"):
        if _owner_died(folder, 2):
            shutil.rmtree(folder, ignore_errors=True)


def _owner_died(folder: Path, position: int) -> bool:
    """Whether the grader whose pid is part `position` of the "-"-separated name has ended."""
    owner = folder.name.split("-")[position]
    return owner.isdigit() and not Path(f"/proc/{owner}").exists()


_RUNTIME: Path | None = None


def worker_runtime() -> Path:
    """A copy of grader/worker (and an empty grader/__init__) that the worker may import."""
    global _RUNTIME
    if _RUNTIME is None or not _RUNTIME.exists():
        root = owned_tempdir("runtime")
        (root / "grader").mkdir()
        (root / "grader" / "__init__.py").write_text("")
        shutil.copytree(GRADER_DIR / "worker", root / "grader" / "worker",
                        ignore=shutil.ignore_patterns("__pycache__"))
        atexit.register(_remove_runtime, root, os.getpid())
        _RUNTIME = root
    return _RUNTIME


def _remove_runtime(root: Path, owner: int) -> None:
    if os.getpid() == owner:  # not in a forked child that inherited the exit hook
        shutil.rmtree(root, ignore_errors=True)


_BOOT = ("import sys; sys.path[:0] = {paths!r}; "
         "from grader.worker.serve import main; main(sys.argv[1:])")


BWRAP = shutil.which("bwrap")
SANDBOXED_UID = 65534
TMP_BYTES = 256 * 1024**2
SHM_BYTES = 64 * 1024**2


def bwrap_args(writable: list[Path], chdir: Path, env: dict[str, str]) -> list[str]:
    """The bubblewrap command line: everything read-only but /tmp, /dev/shm and `writable`."""
    args = [BWRAP, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--uid", str(SANDBOXED_UID), "--gid", str(SANDBOXED_UID), "--clearenv"]
    # Mount order matters: the private /tmp first, so that binds below /tmp stay visible.
    # tmpfs lives in RAM and is not covered by RLIMIT_AS: both get a size.
    args += ["--size", str(TMP_BYTES), "--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev",
             "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm"]
    for path in ("/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc/alternatives"):
        args += ["--ro-bind-try", path, path]
    for path in _python_mounts():
        args += ["--ro-bind", path, path]
    for path in writable:
        args += ["--bind", str(path), str(path)]
    # /dev itself read-only too: /tmp and /dev/shm are then the only writable places a fork
    # server has to empty between two submissions.
    args += ["--remount-ro", "/", "--remount-ro", "/dev", "--chdir", str(chdir)]
    for name, value in env.items():
        args += ["--setenv", name, value]
    return args


def _python_mounts() -> list[str]:
    """The interpreter, its standard library and site-packages, and the worker runtime copy."""
    paths = {sys.base_prefix, sys.prefix, str(worker_runtime())}
    return sorted(p for p in paths if p and Path(p).exists())


SANDBOX_MODES = {
    "auto": "bubblewrap where it starts, else process (the default)",
    "bubblewrap": "bubblewrap or refuse to grade",
    "process": "no bubblewrap: the process boundary, rlimits and deadlines only",
}


class SandboxModeError(ValueError):
    """GRADER_SANDBOX names no mode, or asks for bubblewrap where it cannot start."""


def requested_sandbox() -> str:
    """The mode GRADER_SANDBOX asks for ("auto" when unset or empty)."""
    value = os.environ.get("GRADER_SANDBOX", "").strip().lower() or "auto"
    if value not in SANDBOX_MODES:
        accepted = "; ".join(f"{name} ({what})" for name, what in SANDBOX_MODES.items())
        shown = os.environ["GRADER_SANDBOX"].encode("ascii", "backslashreplace").decode()[:40]
        raise SandboxModeError(f"GRADER_SANDBOX={shown!r} is not a sandbox mode; accepted: {accepted}")
    return value


def bubblewrap_works() -> bool:
    """Whether workers go into bubblewrap, as GRADER_SANDBOX asks: `process` keeps only the
    process boundary (for machines without namespaces), `bubblewrap` insists on it."""
    mode = requested_sandbox()
    if mode == "process":
        return False
    if mode == "bubblewrap" and not _bubblewrap_starts():
        raise SandboxModeError("GRADER_SANDBOX=bubblewrap, but " + bubblewrap_missing())
    return _bubblewrap_starts()


def bubblewrap_missing() -> str:
    """Why bubblewrap does not start here, in words."""
    if BWRAP is None:
        return "bubblewrap is not installed (the 'bubblewrap' package)"
    return "bubblewrap is installed but cannot start here (user namespaces are denied)"


@functools.cache
def _bubblewrap_starts() -> bool:
    if BWRAP is None:
        return False
    probe = subprocess.run([BWRAP, "--unshare-all", "--die-with-parent", "--uid", str(SANDBOXED_UID),
                            "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


PIDS_CGROUP_ROOTS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))


def new_pids_cgroup(limit: int) -> Path | None:
    """A fresh pids cgroup capped at `limit` processes, or None where cgroups are not writable."""
    for root in PIDS_CGROUP_ROOTS:
        folder = root / f"grader-{os.getpid()}-{next(_cgroup_numbers)}"
        try:
            folder.mkdir()
        except OSError:
            continue
        try:
            (folder / "pids.max").write_text(str(limit))
            return folder
        except OSError:
            folder.rmdir()
    return None


def remove_cgroup(folder: Path | None) -> None:
    for _ in range(50):  # the last processes of a killed sandbox take a moment to be reaped
        try:
            folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)


def kill_cgroup(folder: Path) -> None:
    """SIGKILL every process in a pids cgroup; no new one can start meanwhile (pids.max 0)."""
    try:
        (folder / "pids.max").write_text("0")
    except OSError:
        return
    for _ in range(100):
        try:
            pids = (folder / "cgroup.procs").read_text().split()
        except OSError:
            return
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        time.sleep(0.01)


_cgroup_numbers = itertools.count()


def _remove_stale_cgroups() -> None:
    """Cgroups left by a grader that was killed (its pid is in the name and no longer runs)."""
    for root in PIDS_CGROUP_ROOTS:
        for folder in root.glob("grader-*-*") if root.is_dir() else ():
            if _owner_died(folder, 1):
                try:
                    folder.rmdir()
                except OSError:
                    pass


@functools.cache
def pids_cgroup_works() -> bool:
    _remove_stale_cgroups()
    folder = new_pids_cgroup(8)
    if folder is None:
        return False
    remove_cgroup(folder)
    return True


def isolation_layers() -> tuple[str, ...]:
    """What a worker started now is isolated by (reported in every result)."""
    layers = ("process", "rlimits", "deadline", "clean-env")
    if pids_cgroup_works():
        layers = ("pids-cgroup",) + layers
    if bubblewrap_works():
        return ("bubblewrap", "no-network", "pid-namespace", "read-only-system") + layers
    return layers + ("reduced isolation",)


class WorkerProcess:
    """One untrusted worker. Every request has an absolute deadline; a miss kills the worker."""

    def __init__(self, workdir: Path, limits: Limits = Limits(), server=None):
        self.workdir = workdir
        self.limits = limits
        self.server = server  # a grader.forkserver.ForkServer, or None: start from nothing
        self.child = None
        self.dead_reason: str | None = None
        self._next_id = 0
        self._buffer = b""
        self.log_path = workdir.parent / f"{workdir.name}.log"

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        request_read, request_write = os.pipe()
        response_read, response_write = os.pipe()
        paths = [str(worker_runtime()), str(self.workdir)] + site_paths()
        home = self.workdir.parent / f"{self.workdir.name}-home"
        home.mkdir(exist_ok=True)
        env = clean_env(home)
        with open(self.log_path, "wb") as log:
            if self.server is not None:
                self.child = self._fork_from_server(env, paths, (request_read, response_write,
                                                                 log.fileno()))
            if self.child is None:
                self.child = _FreshWorker(self.workdir, home, env, paths, self.limits,
                                          (request_read, response_write), log)
        os.close(request_read)
        os.close(response_write)
        self._request_fd = request_write
        self._response_fd = response_read

    def kill(self, reason: str) -> None:
        if self.dead_reason is None:
            self.dead_reason = reason
        if self.child is not None:
            self.child.kill(keep=self.workdir.parent)
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

    def _fork_from_server(self, env: dict[str, str], paths: list[str], fds: tuple[int, int, int]):
        from grader.forkserver import ForkServerError  # it builds on this module

        try:
            return self.server.spawn(self.workdir, env, paths, self.limits, fds)
        except ForkServerError:
            return None  # torn down; this worker starts from nothing instead

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

    def request(self, op: str, seconds: float, what: str, **fields) -> tuple[dict, list[bytes]]:
        """Send one request and wait for its answer until an absolute deadline."""
        if not self.alive:
            raise WorkerUnavailable(self.dead_reason or "")
        self._next_id += 1
        request_id = self._next_id
        deadline = time.monotonic() + seconds
        try:
            wire.write_frame(self._request_fd, pickle.dumps(dict(fields, op=op, id=request_id)))
        except OSError:
            self._crashed()
        while True:
            payload = self._read_frame(deadline, seconds, what)
            try:
                doc, blobs = wire.unpack_message(payload)
            except wire.WireError as exc:
                self.kill(f"protocol violation: {exc}")
                raise
            if doc.get("id") == request_id:
                return doc, blobs
            # A stale or forged id: ignore it, but the deadline still runs.

    def _read_frame(self, deadline: float, seconds: float, what: str) -> bytes:
        head = self._read_exact(wire.HEADER.size, deadline, seconds, what)
        magic, length = wire.HEADER.unpack(head)
        if magic != wire.MAGIC or length > wire.MAX_FRAME_BYTES:
            self.kill("protocol violation: bad frame header")
            raise wire.WireError("bad frame header")
        return self._read_exact(length, deadline, seconds, what)

    def _read_exact(self, n: int, deadline: float, seconds: float, what: str) -> bytes:
        while len(self._buffer) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill(f"timeout in {what}")
                raise CallTimeout(what, seconds)
            ready, _, _ = select.select([self._response_fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self._response_fd, 1 << 20)
            if not chunk:
                self._crashed()
            self._buffer += chunk
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def _crashed(self):
        code = self.child.wait(5) if self.child else None
        reason = (f"killed by signal {-code}" if code is not None and code < 0
                  else f"exited with status {code}")
        self.kill(reason)
        raise WorkerCrashed(f"worker {reason}\n{self.log_tail()}")


class _FreshWorker:
    """A worker started from nothing: bubblewrap (where it works) around a new interpreter."""

    def __init__(self, workdir: Path, home: Path, env: dict[str, str], paths: list[str],
                 limits: Limits, fds: tuple[int, int], log):
        command = [sys.executable, "-I", "-S", "-c", _BOOT.format(paths=paths),
                   str(fds[0]), str(fds[1])]
        if bubblewrap_works():
            command = bwrap_args([workdir, home], workdir, env) + command
        self.cgroup = new_pids_cgroup(limits.processes) if pids_cgroup_works() else None
        cgroup = self.cgroup
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            cwd=workdir, env=env, pass_fds=fds, start_new_session=True,
            preexec_fn=lambda: enter_limits(limits, cgroup))

    def wait(self, seconds: float) -> int | None:
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return None

    def kill(self, keep: Path | None = None) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.wait(5)
        if self.cgroup is not None:
            remove_cgroup(self.cgroup)
            self.cgroup = None


def site_paths() -> list[str]:
    paths = sysconfig.get_paths()
    return list(dict.fromkeys([paths["purelib"], paths["platlib"]]))


def clean_env(home: Path) -> dict[str, str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(home),
        # One thread each: a class of submissions is graded in parallel processes instead.
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # machine-specific BLAS safety settings
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def enter_limits(limits: Limits, cgroup: Path | None) -> None:
    """In the child, before exec: join the pids cgroup, then set the rlimits."""
    if cgroup is not None:
        with open(cgroup / "cgroup.procs", "w") as procs:
            procs.write(str(os.getpid()))
    rlimits.apply(limits.rlimits())
