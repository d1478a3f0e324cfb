"""What a worker does to itself before any student code runs: private folders, no capabilities,
a seccomp filter. Runs in the worker (started from nothing or forked by a fork server) as its
first act; `plan` comes from the grader (grader.sandbox.confinement_plan).

Private folders (inside bubblewrap only): the worker enters its own user, mount and IPC
namespaces and mounts fresh tmpfs on /tmp and /dev/shm (and on the host folders bound writable
for it, `plan["hide"]`, where those are not below /tmp), each with a size *and an inode* limit
(bubblewrap's --size cannot cap inodes, and a few million empty files cost gigabytes of kernel
memory). The host folders bound into the sandbox for it (its working folder, a fork server's
scratch space) disappear behind them:
the assignment's files stay visible, bound read-only into the new working folder, and so do the
read-only mounts below /tmp (the worker runtime). Everything the worker writes is in memory it
cannot grow past the limits, and is gone with its last process. Its own IPC namespace gives it
SysV IPC objects no other worker sees.

Then it drops every capability (those it had in its new namespace) and loads the seccomp filter:
no new namespaces, no mounts, no keyring, no SysV IPC (grader.sandbox.seccomp_programs).
"""
from __future__ import annotations

import ctypes
import os

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
MS_NOSUID, MS_NODEV, MS_RDONLY = 2, 4, 1
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 24, 47, 4
LINUX_CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)
# The kernel reads these arguments as full machine words: declared, so no garbage upper halves.
_libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
_libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.capset.argtypes = [ctypes.c_void_p, ctypes.c_void_p]


def enter(plan: dict) -> None:
    if plan.get("mounts"):
        private_folders(plan)
    if plan.get("filter"):
        load_filter(bytes.fromhex(plan["filter"]))


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(source, target: str, fstype, flags: int, data=None) -> None:
    encode = lambda v: v.encode() if isinstance(v, str) else v  # noqa: E731
    _check(_libc.mount(encode(source), encode(target), encode(fstype), flags, encode(data)),
           f"mount {target}")


def _tmpfs(target: str, size: int, inodes: int, mode: str = "1777") -> None:
    _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV,
           f"size={size},nr_inodes={inodes},mode={mode}")


def _bind_read_only(source: str, target: str) -> None:
    _mount(source, target, None, MS_BIND | MS_REC)
    _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _below(path: str, top: str) -> bool:
    return path.startswith(top.rstrip("/") + "/")


def _read_only_mounts_below(top: str) -> list[str]:
    """The topmost read-only mount points strictly below `top` (the worker runtime copy)."""
    found = []
    with open("/proc/self/mountinfo") as mountinfo:
        for line in mountinfo:
            fields = line.split()
            point = fields[4].replace("\\040", " ")
            if _below(point, top) and "ro" in fields[5].split(","):
                found.append(point)
    return [p for p in sorted(set(found)) if not any(_below(p, q) for q in found if q != p)]


def private_folders(plan: dict) -> None:
    workdir, home = plan["workdir"], plan["home"]
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC), "unshare")
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"{gid} {gid} 1")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    # Opened in the new mount namespace (a bind needs its source there), before they are hidden.
    assets = os.open(workdir, os.O_PATH | os.O_DIRECTORY)  # the host's copy of the assets
    kept = {path: os.open(path, os.O_PATH | os.O_DIRECTORY)
            for path in _read_only_mounts_below("/tmp")}
    _tmpfs("/tmp", plan["tmp_bytes"], plan["tmp_inodes"])
    _tmpfs("/dev/shm", plan["shm_bytes"], plan["shm_inodes"])
    for path, fd in kept.items():
        os.makedirs(path, exist_ok=True)
        _bind_read_only(f"/proc/self/fd/{fd}", path)
        os.close(fd)
    # The host's writable folders bound for this sandbox (below /tmp they are hidden already).
    for folder in plan.get("hide", [workdir, home]):
        if not _below(folder, "/tmp"):
            _tmpfs(folder, plan["tmp_bytes"], plan["tmp_inodes"], "0700")
    for folder in (workdir, home):
        os.makedirs(folder, mode=0o700, exist_ok=True)
    source = f"/proc/self/fd/{assets}"
    for name in os.listdir(source):
        origin, target = os.path.join(source, name), os.path.join(workdir, name)
        if os.path.islink(origin):
            continue
        if os.path.isdir(origin):
            os.mkdir(target)
        else:
            open(target, "w").close()
        _bind_read_only(origin, target)
    os.close(assets)
    _drop_capabilities()
    os.chdir(workdir)  # the old working folder is now hidden under the new one


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _drop_capabilities() -> None:
    """Every capability gained with the new user namespace goes, for good."""
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # past the last capability this kernel knows
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.addressof(header), ctypes.addressof(data)), "capset")


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def load_filter(program: bytes) -> None:
    """Load a compiled seccomp BPF program (what libseccomp exports) on this process."""
    count = len(program) // ctypes.sizeof(_SockFilter)
    instructions = (_SockFilter * count).from_buffer_copy(program)
    fprog = _SockFprog(count, instructions)
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0),
           "seccomp")


def main(argv: list[str]) -> None:
    """The probe of grader.sandbox.private_mounts_work: confine by the plan in argv[0], say so."""
    import json

    enter(json.loads(argv[0]))
    print("confined")
