"""The sandbox's primitives: limits, folders, the worker runtime, bubblewrap, seccomp, cgroups, env.

Everything a sandboxed process is made of, and nothing that starts or talks to one: the launcher
(grader/launcher.py) puts these together for a worker started from nothing and for a fork server
(grader/forkserver.py); grader/worker_process.py talks to a worker. The layers below hold for both.

Layers, strongest first (the result's `isolation` field lists those that ran):
- `bubblewrap`: the worker runs in its own user, PID, IPC, UTS and network namespaces (no network
  at all), as uid 65534 inside, with a read-only system and /dev, a private /tmp and /dev/shm, and
  only the Python installation, a copy of the worker runtime and the submission's own folder
  mounted: the course folder, the hidden tests and the solutions are not in its filesystem.
  Killing the bubblewrap process kills every process in the namespace, daemons included. Without
  bubblewrap (or where user namespaces are denied) the grader still grades with the layers below
  and says "reduced isolation".
- `private-tmpfs`: inside bubblewrap each worker then enters its own user, mount and IPC
  namespaces and gets fresh tmpfs for /tmp, /dev/shm and its working folder, each capped in size
  and in inodes; the host folders bound for it are hidden (grader/worker/confine.py).
- `seccomp`: a filter passed to bubblewrap (the fork server and every worker) denies the kernel
  keyring and SysV IPC, the state a fork server's workers would otherwise share with the next
  student; each worker adds one that denies new namespaces and mounts (built with libseccomp).
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
import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from grader.worker import rlimits

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


OWNED_KINDS = ("runtime", "slot", "submission", "probe")


def owned_tempdir(kind: str) -> Path:
    """A new `grader-<kind>-<pid>-*` folder; ones whose owner died (killed graders) are removed."""
    assert kind in OWNED_KINDS, kind
    _sweep_stale()
    return Path(tempfile.mkdtemp(prefix=f"grader-{kind}-{os.getpid()}-"))


@functools.cache
def _sweep_stale() -> None:
    """Every kind at once: a warm batch never makes a cold `submission` folder, and would otherwise
    leave those of a killed cold run in /tmp until some later cold run."""
    for kind in OWNED_KINDS:
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


def python_command(entry: str, args: list[str], paths: list[str]) -> list[str]:
    """The command line of every Python the grader starts for untrusted code (a worker, a fork
    server, the private-folder probe): an isolated interpreter (`-I -S`: no user site, no .pth
    files, no PYTHON* variables) whose sys.path starts with `paths` (the worker runtime copy
    first), calling `<entry>.main(args)`."""
    boot = f"import sys; sys.path[:0] = {paths!r}; from {entry} import main; main(sys.argv[1:])"
    return [sys.executable, "-I", "-S", "-c", boot, *args]


BWRAP = shutil.which("bwrap")
SANDBOXED_UID = 65534
TMP_BYTES = 256 * 1024**2
SHM_BYTES = 64 * 1024**2
# A worker's own tmpfs (grader/worker/confine.py): its /tmp holds its working and home folders.
TMP_INODES = 8192
SHM_INODES = 1024


def bwrap_args(writable: list[Path], chdir: Path, env: dict[str, str],
               seccomp_fd: int | None = None) -> list[str]:
    """The bubblewrap command line: everything read-only but /tmp, /dev/shm and `writable`.
    `seccomp_fd`: a file holding the filter bubblewrap loads before the command (pass_fds it)."""
    args = [BWRAP, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--uid", str(SANDBOXED_UID), "--gid", str(SANDBOXED_UID), "--clearenv"]
    if seccomp_fd is not None:
        args += ["--seccomp", str(seccomp_fd)]
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


# ---------------------------------------------------------------------- seccomp
# The kernel keyring and SysV IPC hold state outside any folder the grader empties: a fork server's
# workers share one keyring and one IPC namespace, so a key or a shared-memory segment one student
# leaves would reach the next (and segments stay resident outside every memory limit). Docker's
# default profile denies the keyring calls the same way.
DENIED = ("add_key", "request_key", "keyctl",
          "shmget", "shmat", "shmctl", "shmdt", "semget", "semop", "semtimedop", "semctl",
          "msgget", "msgsnd", "msgrcv", "msgctl")
# Denied in workers once they have set up their own folders: a new user namespace would let
# student code mount a tmpfs of its own without limits.
DENIED_IN_WORKERS = ("unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_tree",
                     "move_mount", "fsopen", "fsmount", "fspick", "mount_setattr")
NAMESPACE_FLAGS = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000,
                   0x40000000)  # CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET


@functools.cache
def seccomp_programs() -> tuple[bytes, bytes] | None:
    """(bubblewrap's filter, a worker's filter) as BPF, or None where libseccomp is missing."""
    try:
        import errno

        import pyseccomp as seccomp

        def program(names: tuple[str, ...], worker: bool) -> bytes:
            rules = seccomp.SyscallFilter(seccomp.ALLOW)
            for name in names:
                rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
            if worker:
                for flag in NAMESPACE_FLAGS:
                    rules.add_rule(seccomp.ERRNO(errno.EPERM), "clone",
                                   seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
                # Its flags are behind a pointer, out of a filter's reach: ENOSYS, and the C
                # library falls back to clone (as under Docker's profile).
                rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
            with tempfile.TemporaryFile() as exported:
                rules.export_bpf(exported)
                exported.seek(0)
                return exported.read()

        return program(DENIED, False), program(DENIED + DENIED_IN_WORKERS, True)
    except Exception:  # noqa: BLE001 — no libseccomp here: the layer is reported missing
        return None


def seccomp_fd() -> int | None:
    """A new file with bubblewrap's filter at offset 0 (each bubblewrap reads its own to the end)."""
    programs = seccomp_programs()
    if programs is None:
        return None
    fd = os.memfd_create("grader-seccomp")
    os.write(fd, programs[0])
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def confinement_plan(workdir: Path, home: Path, sandboxed: bool,
                     hide: list[Path] | None = None) -> dict:
    """What a worker does to itself before student code runs (grader/worker/confine.py).
    `hide`: the host folders bound writable into its sandbox (its own folders by default)."""
    programs = seccomp_programs()
    return {"mounts": sandboxed and private_mounts_work(), "workdir": str(workdir),
            "home": str(home), "hide": [str(p) for p in (hide or [workdir, home])],
            "tmp_bytes": TMP_BYTES, "tmp_inodes": TMP_INODES,
            "shm_bytes": SHM_BYTES, "shm_inodes": SHM_INODES,
            "filter": programs[1].hex() if programs else None}


@functools.cache
def private_mounts_work() -> bool:
    """Whether a worker in bubblewrap can set up its own tmpfs (nested user namespaces allowed)."""
    if not _bubblewrap_starts():
        return False
    root = owned_tempdir("probe")
    try:
        workdir, home = root / "work", root / "home"
        workdir.mkdir()
        home.mkdir()
        plan = {"mounts": True, "workdir": str(workdir), "home": str(home),
                "tmp_bytes": 1 << 20, "tmp_inodes": 64, "shm_bytes": 1 << 20, "shm_inodes": 64}
        probe = subprocess.run(bwrap_args([workdir, home], workdir, clean_env(home))
                               + python_command("grader.worker.confine", [json.dumps(plan)],
                                                [str(worker_runtime())]),
                               capture_output=True, text=True, timeout=30)
        return probe.returncode == 0 and probe.stdout.strip() == "confined"
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        shutil.rmtree(root, ignore_errors=True)


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
    if seccomp_programs() is not None:
        layers = ("seccomp",) + layers
    if pids_cgroup_works():
        layers = ("pids-cgroup",) + layers
    if bubblewrap_works():
        private = ("private-tmpfs",) if private_mounts_work() else ()
        return ("bubblewrap", "no-network", "pid-namespace", "read-only-system") + private + layers
    return layers + ("reduced isolation",)


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
