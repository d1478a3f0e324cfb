"""The one way the grader starts a process for untrusted code: a worker from nothing, a fork server.

`launch` puts the sandbox's primitives (grader/sandbox.py) together: `python -I -S -c <boot>` that
calls `<entry>.main(args)` with the worker runtime first on its path, wrapped in bubblewrap with
the seccomp filter where asked, in a new session, in a pids cgroup of its own where cgroups are
writable, with the rlimits set before exec. The `SandboxedProcess` it returns owns that process
group and that cgroup: `kill` ends both (with bubblewrap, the sandbox's whole PID namespace ends
with its first process), `wait` reaps it.
"""
from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
from pathlib import Path

from grader import sandbox

KILL_WAIT_SECONDS = 5.0


@dataclasses.dataclass
class SandboxedProcess:
    process: subprocess.Popen
    cgroup: Path | None  # its pids cgroup (None where cgroups are not writable); removed by kill
    # Started by the process this one was forked from (a grading slot's prestarted fork server,
    # grader.forkserver.adopt): only that process can reap it, so this one can kill it but never
    # learns that it ended (its pid stays taken until then: killing its group stays safe).
    adopted: bool = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.adopted or self.process.poll() is None

    def wait(self, seconds: float) -> int | None:
        """Its exit status, if it ends within `seconds` (negative: the signal that ended it)."""
        if self.adopted:
            return None
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return None

    def processes(self) -> int:
        """How many processes its cgroup holds now (0 without a cgroup)."""
        if self.cgroup is None:
            return 0
        try:
            return len((self.cgroup / "cgroup.procs").read_text().split())
        except OSError:
            return 0

    def kill(self, seconds: float = KILL_WAIT_SECONDS) -> None:
        """SIGKILL its process group and reap it (waiting up to `seconds`), then every process
        left in its cgroup (a daemon that left the group), and remove the cgroup."""
        if self.running():
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.wait(seconds)
        if self.cgroup is not None:
            sandbox.kill_cgroup(self.cgroup)
            sandbox.remove_cgroup(self.cgroup)
            self.cgroup = None


def launch(entry: str, args: list[str], *, paths: list[str], limits: sandbox.Limits,
           processes: int, sandboxed: bool, writable: list[Path], workdir: Path,
           env: dict[str, str], pass_fds: tuple[int, ...], log: int) -> SandboxedProcess:
    """Start `<entry>.main(args)` (a module of the worker runtime) in a new sandboxed interpreter.

    `paths`: its sys.path before the standard library; `processes`: its cgroup's pids.max;
    `sandboxed`: inside bubblewrap (with the seccomp filter), where only `writable` is bound
    writable and `workdir` is the working folder; `env`: its whole environment; `pass_fds`: the
    descriptors it inherits; `log`: the descriptor its stdout and stderr go to."""
    command = sandbox.python_command(entry, args, paths)
    filter_fd = sandbox.seccomp_fd() if sandboxed else None
    if sandboxed:
        command = sandbox.bwrap_args(writable, workdir, env, filter_fd) + command
    cgroup = sandbox.new_pids_cgroup(processes) if sandbox.pids_cgroup_works() else None
    inherited = pass_fds + ((filter_fd,) if filter_fd is not None else ())
    try:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=workdir,
            env=env, pass_fds=inherited, start_new_session=True,
            preexec_fn=lambda: sandbox.enter_limits(limits, cgroup))
    except BaseException:
        if cgroup is not None:
            sandbox.remove_cgroup(cgroup)
        raise
    finally:
        if filter_fd is not None:
            os.close(filter_fd)
    return SandboxedProcess(process, cgroup)
