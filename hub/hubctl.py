"""The course on JupyterHub on this machine, for a demo class: `make hub`, `make hub-stop`.

    python3 hub/hubctl.py start [--students N] [--port P]    # as root
    python3 hub/hubctl.py status | stop | clean

`start` installs and starts, everything under HUB_ROOT (default /srv/llmc-hub) but the Unix accounts:

  venv/      JupyterHub (pyproject's `hub` extra) and the runtime of the student distribution
             (JupyterLab, nbgrader, numpy, torch, ...): every server of the hub runs from it
  proxy/     configurable-http-proxy from npm, pinned by hub/proxy/package-lock.json
  student/   the student distribution (grader/authoring/student_dist.py): the students' Jupyter settings
  etc/       Jupyter settings of the students' servers and of the course account (hub/jupyter/)
  exchange/  nbgrader's exchange (1777: every account creates its entries, removes only its own)
  home/      one home per account (0700)
  state/     root only (0700): the hub's database and cookie secret, the password hashes, the
             demo passwords, settings, logs and process ids

and one Unix account per person (the hub's spawner runs each person's server as their account):
  llmc-grader       owns the course (home/llmc-grader/<course id>/: this repository's engine,
                    source notebooks, solutions and hidden tests; the gradebook) and runs the
                    formgrader as a hub-managed service at /services/<course id>/. Nobody logs in.
  llmc-instructor   hub admin, in the hub group formgrade-<course id>: reaches the formgrader
  llmc-student1..N  students: JupyterLab with the student distribution's settings (Assignment List,
                    Validate; no instructor tools), fetch and submit through the exchange

Students cannot read the course account's home, each other's homes, the hub's state or, since
this repository holds the answers, this repository: `start` closes it to other accounts
(chmod o-rwx) and `stop` gives it back its mode. Submissions in the exchange are readable by the
course account only (hub/jupyter/student/nbgrader_config.py; the course account is in every
student's group for that).

`stop` ends every process the hub started, by PID (the hub, its proxy, and any process of the
demo accounts), removes the accounts (only those `start` created, marked in their GECOS field),
their homes, the exchange, the state and the settings, and keeps venv/ and proxy/ for the next
start; `clean` removes HUB_ROOT entirely. Standard library only.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import passwords  # noqa: E402  (hub/passwords.py)

DEFAULT_ROOT = Path(os.environ.get("HUB_ROOT", "/srv/llmc-hub"))
PREFIX = "llmc-"
MARKER = "llm-course hub demo account (make hub-stop removes it)"
DEFAULT_PORT = 8000
START_TIMEOUT_S = 300          # a loaded 2-core machine: the hub, its proxy, then the formgrader
STOP_GRACE_S = 30
NOBODY = 65534                 # the account a Python must work for (python_for_everyone)
KEPT = ("venv", "proxy")       # what stop keeps for the next start (clean removes them)


class HubError(Exception):
    """What went wrong, for the operator; the command exits 2."""


# ----------------------------------------------------------------------------- layout

class Layout:
    def __init__(self, root: Path):
        self.root = root
        self.venv = root / "venv"
        self.proxy = root / "proxy"
        self.student = root / "student"
        self.etc = root / "etc"
        self.exchange = root / "exchange"
        self.home = root / "home"
        self.state = root / "state"

    @property
    def settings(self) -> Path:
        return self.state / "settings.json"

    @property
    def passwords(self) -> Path:      # hashes, read by the hub's DemoAuthenticator
        return self.state / "password_hashes.json"

    @property
    def demo_passwords(self) -> Path:  # the passwords themselves, for the operator and the test
        return self.state / "demo_passwords.json"

    @property
    def log(self) -> Path:
        return self.state / "jupyterhub.log"

    @property
    def pidfile(self) -> Path:
        return self.state / "hubctl.json"

    def python(self) -> Path:
        return self.venv / "bin" / "python"


def _say(message: str) -> None:
    print(message, flush=True)


# ----------------------------------------------------------------------------- installs

def requirements(student_requirements: Path) -> list[str]:
    """The student distribution's runtime, plus JupyterHub (pyproject's `hub` extra)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = [line.strip() for line in student_requirements.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.lstrip().startswith("#")]
    return runtime + list(project["optional-dependencies"]["hub"])


def python_for_everyone() -> str:
    """A Python (3.11 or later, with venv) that every account may run: the hub's venv is built on
    it and every server runs from it. Not necessarily this one: a Python under /root (pyenv) is
    out of the other accounts' reach. $HUB_PYTHON first if set."""
    candidates = [os.environ.get("HUB_PYTHON"), sys.executable, shutil.which("python3"),
                  "/usr/bin/python3", "/usr/local/bin/python3"]
    check = "import sys, venv, ensurepip; assert sys.version_info >= (3, 11)"
    tried = []
    for candidate in dict.fromkeys(c for c in candidates if c):
        real = os.path.realpath(candidate)
        try:
            subprocess.run([real, "-c", check], user=NOBODY, group=NOBODY, extra_groups=[],
                           check=True, capture_output=True, cwd="/", timeout=60)
        except (OSError, subprocess.SubprocessError):
            tried.append(real)
            continue
        return real
    raise HubError("no Python 3.11+ with venv that other accounts may run (tried "
                   f"{', '.join(tried)}): install one (Debian: apt-get install python3-venv) or "
                   "name it with HUB_PYTHON=/path/to/python3")


def install_venv(layout: Layout, wanted: list[str]) -> None:
    """venv/ with `wanted` installed: created on first use (or when the Python changes), then
    brought up to date by pip when the list changes; nothing to do when it has not."""
    python = python_for_everyone()
    stamp = layout.venv / ".llmc-hub-installed"
    recorded = _read_json(stamp)
    digest = hashlib.sha256("\n".join(wanted).encode()).hexdigest()
    if recorded == {"python": python, "requirements": digest}:
        return
    _say(f"{layout.venv}: installing JupyterHub and the course runtime on {python} (minutes)")
    if recorded.get("python") != python or not layout.python().exists():
        subprocess.run([python, "-m", "venv", "--clear", str(layout.venv)], check=True)
    pip = [str(layout.python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    torch = next((r for r in wanted if r.startswith("torch")), None)
    if torch and sys.platform == "linux" and _resolves("download.pytorch.org"):
        # torch's CPU build (much smaller than PyPI's) when its index is reachable; else PyPI below.
        subprocess.run([*pip, torch, "--index-url", "https://download.pytorch.org/whl/cpu",
                        "--timeout", "20", "--retries", "0"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([*pip, *wanted], check=True)
    stamp.write_text(json.dumps({"python": python, "requirements": digest}))


def quiet_jupyterlab(layout: Layout) -> None:
    """JupyterLab's defaults for everyone on the hub: no news or update prompts (overrides.json
    in the venv's application settings); anyone may still turn them on in Settings."""
    settings = layout.venv / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "overrides.json").write_text(json.dumps({
        "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                        "checkForUpdates": False}}, indent=1))


def _resolves(host: str) -> bool:
    try:
        socket.getaddrinfo(host, 443)
        return True
    except OSError:
        return False


def install_proxy(layout: Layout) -> Path:
    """npm's configurable-http-proxy (JupyterHub's own), from hub/proxy/'s lock file."""
    command = layout.proxy / "node_modules" / ".bin" / "configurable-http-proxy"
    lock = HERE / "proxy" / "package-lock.json"
    stamp = layout.proxy / ".llmc-hub-installed"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if command.exists() and stamp.is_file() and stamp.read_text().strip() == digest:
        return command
    node = shutil.which("node") and subprocess.run(["node", "--version"], capture_output=True,
                                                   text=True).stdout.strip()
    if not shutil.which("npm") or not node or int(node.lstrip("v").split(".")[0]) < 20:
        raise HubError(f"JupyterHub's proxy (configurable-http-proxy) needs Node.js 20 or later and "
                       f"npm (found: node {node or 'none'}, npm "
                       f"{'yes' if shutil.which('npm') else 'none'}); on Debian 13 / Ubuntu 24.10: "
                       f"apt-get install nodejs npm")
    _say(f"{layout.proxy}: installing configurable-http-proxy (npm ci)")
    layout.proxy.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(HERE / "proxy" / name, layout.proxy / name)
    subprocess.run(["npm", "ci", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=layout.proxy, check=True)
    stamp.write_text(digest + "\n")
    return command


def build_student_distribution(layout: Layout) -> Path:
    """The distribution students get (no answers), for its runtime and its Jupyter settings.
    Notebooks reach students through the exchange only, so its release/ folder is left out."""
    from grader.authoring import student_dist

    scratch = layout.root / ".dist-build"
    shutil.rmtree(scratch, ignore_errors=True)
    built = student_dist.build(scratch, make_zip=False)
    shutil.rmtree(layout.student, ignore_errors=True)
    shutil.move(str(built.student), layout.student)
    shutil.rmtree(scratch)
    shutil.rmtree(layout.student / "release", ignore_errors=True)
    _chmod_tree(layout.student, 0o644, 0o755)
    return layout.student


def _chmod_tree(top: Path, file_mode: int, dir_mode: int) -> None:
    for folder, _dirs, files in os.walk(top):
        os.chmod(folder, dir_mode)
        for name in files:
            path = Path(folder) / name
            if not path.is_symlink():
                os.chmod(path, file_mode | (0o111 if os.access(path, os.X_OK) else 0))


def _chown_tree(top: Path, uid: int, gid: int) -> None:
    for folder, _dirs, files in os.walk(top):
        os.chown(folder, uid, gid)
        for name in files:
            os.lchown(Path(folder) / name, uid, gid)


# ----------------------------------------------------------------------------- accounts

def account_names(students: int) -> dict[str, list[str]]:
    return {"grader": [f"{PREFIX}grader"], "instructors": [f"{PREFIX}instructor"],
            "students": [f"{PREFIX}student{i}" for i in range(1, students + 1)]}


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _ours(name: str) -> bool:
    try:
        return pwd.getpwnam(name).pw_gecos == MARKER
    except KeyError:
        return False


def create_account(layout: Layout, name: str) -> pwd.struct_passwd:
    home = layout.home / name
    subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--user-group",
                    "--shell", "/bin/bash", "--comment", MARKER, name], check=True)
    entry = pwd.getpwnam(name)
    os.chmod(home, 0o700)
    return entry


def remove_account(name: str) -> bool:
    if not _ours(name):
        return False
    subprocess.run(["userdel", name], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["groupdel", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return True


def _as(account: pwd.struct_passwd, venv: Path) -> dict:
    """subprocess.run keyword arguments that run a command as `account`, in its home."""
    env = {"HOME": account.pw_dir, "USER": account.pw_name, "LOGNAME": account.pw_name,
           "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": [], "env": env,
            "cwd": account.pw_dir}


# ----------------------------------------------------------------------------- the course

def course_files(root: Path = ROOT) -> list[Path]:
    """This repository's files: git's tracked and untracked-but-not-ignored ones, or (no git) all
    but the virtual environment, builds and caches."""
    if (root / ".git").exists() and shutil.which("git"):
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "-co", "--exclude-standard",
                                 "-z"], check=True, capture_output=True).stdout
        return [Path(p) for p in sorted(set(listed.decode().split("\0"))) if p
                and (root / p).is_file() and not (root / p).is_symlink()]
    skip = {".git", ".venv", "build", "dist", "__pycache__", ".pytest_cache", ".hypothesis"}
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skip]
        found += [Path(folder, f).relative_to(root) for f in files if not f.endswith(".pyc")]
    return sorted(found)


def install_course(layout: Layout, grader: pwd.struct_passwd, course_id: str) -> Path:
    """The course directory of the course account: this repository, as the instructor built it."""
    target = Path(grader.pw_dir) / course_id
    for relative in course_files():
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, destination)
    _chown_tree(target, grader.pw_uid, grader.pw_gid)
    return target


def course_info() -> tuple[str, str, str]:
    """(id, title, time zone) of course.toml."""
    data = tomllib.loads((ROOT / "course.toml").read_text(encoding="utf-8"))["course"]
    return data["id"], data.get("title", data["id"]), data.get("timezone", "UTC")


def close_repository(layout: Layout) -> str | None:
    """This repository holds the answers: other accounts may not enter it while the hub runs."""
    mode = ROOT.stat().st_mode & 0o7777
    if not mode & 0o007:
        return None
    (layout.state / "repository_mode.json").write_text(json.dumps({"path": str(ROOT), "mode": mode}))
    os.chmod(ROOT, mode & ~0o007)
    return f"closed {ROOT} to other accounts (mode {mode:o} -> {mode & ~0o007:o}; hub-stop restores it)"


def reopen_repository(layout: Layout) -> str | None:
    record = layout.state / "repository_mode.json"
    if not record.is_file():
        return None
    saved = json.loads(record.read_text())
    path = Path(saved["path"])
    if path.is_dir():
        os.chmod(path, saved["mode"])
        return f"gave {path} back its mode {saved['mode']:o}"
    return None


# ----------------------------------------------------------------------------- settings

def _free_port(preferred: int | None = None) -> int:
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise HubError("no free port on 127.0.0.1")


def _passwords(layout: Layout, names: list[str]) -> dict[str, str]:
    plain = {name: secrets.token_urlsafe(9) for name in names}
    hashes = {name: passwords.entry(password) for name, password in plain.items()}
    for path, data in ((layout.passwords, hashes), (layout.demo_passwords, plain)):
        path.touch(mode=0o600)
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return plain


def _render(source: Path, target: Path, values: dict[str, str]) -> None:
    text = source.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def write_jupyter_settings(layout: Layout, values: dict[str, str]) -> tuple[Path, Path]:
    """etc/student (world-readable) and etc/grader (the course account's) from hub/jupyter/."""
    for role in ("student", "grader"):
        for source in sorted((HERE / "jupyter" / role).rglob("*")):
            if source.is_file() and "__pycache__" not in source.parts:
                _render(source, layout.etc / role / source.relative_to(HERE / "jupyter" / role),
                        values)
    _chmod_tree(layout.etc, 0o644, 0o755)
    return layout.etc / "student", layout.etc / "grader"


# ----------------------------------------------------------------------------- processes

def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2:].split()  # fields from 3 (state) on


def _start_time(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[19]) if fields else None


def _alive(pid: int, started: int | None) -> bool:
    now = _start_time(pid)
    return now is not None and (started is None or now == started)


def _uid(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def hub_processes(layout: Layout, uids: set[int]) -> dict[int, str]:
    """{pid: why} for every process of this hub: the hub (by its recorded PID and start time), its
    session, its proxy (by its PID file), and any process of a demo account."""
    found = {}
    record = _read_json(layout.pidfile)
    hub_pid = record.get("pid")
    if hub_pid and _alive(hub_pid, record.get("start_time")):
        found[hub_pid] = "jupyterhub"
    proxy = _read_pid(layout.state / "proxy.pid")
    if proxy and "configurable-http-proxy" in _cmdline(proxy):
        found[proxy] = "configurable-http-proxy"
    for pid in _pids():
        if pid == os.getpid():
            continue
        fields = _stat(pid)
        if fields is None:
            continue
        if hub_pid in found and int(fields[3]) == hub_pid:  # session id
            found.setdefault(pid, "hub session")
        elif _uid(pid) in uids:
            found.setdefault(pid, f"account {pwd.getpwuid(_uid(pid)).pw_name}")
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _signal(pids, sig) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def _wait_gone(pids: dict[int, int | None], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while True:
        left = [pid for pid, started in pids.items() if _alive(pid, started)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def _http_status(url: str) -> int | None:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=5) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


# ----------------------------------------------------------------------------- commands

def running(layout: Layout) -> dict | None:
    record = _read_json(layout.pidfile)
    if record.get("pid") and _alive(record["pid"], record.get("start_time")):
        return record
    return None


def start(layout: Layout, students: int, port: int | None) -> dict:
    if os.geteuid() != 0:
        raise HubError("make hub runs as root: each person gets a Unix account (the hub starts "
                       "everyone's JupyterLab as that account, so students cannot read the answers "
                       "or each other's work), which only root can create. Run it with sudo.")
    if running(layout):
        raise HubError(f"a hub is already running ({_read_json(layout.settings).get('url')}); "
                       f"stop it first: make hub-stop")
    names = account_names(students)
    everyone = [n for group in names.values() for n in group]
    taken = [n for n in everyone if _exists(n)]
    if taken:
        raise HubError(f"accounts {', '.join(taken)} exist already (a hub that did not stop?): "
                       f"make hub-stop removes the ones it created")
    try:
        return _start(layout, names, port)
    except BaseException:
        _say("start failed; undoing what it did")
        for line in stop(layout):
            _say(f"- {line}")
        raise


def _start(layout: Layout, names: dict[str, list[str]], port: int | None) -> dict:
    everyone = [n for group in names.values() for n in group]
    course_id, course_title, timezone = course_info()
    did: list[str] = []

    layout.root.mkdir(parents=True, exist_ok=True)
    os.chmod(layout.root, 0o755)
    for folder in (layout.state, layout.home):
        folder.mkdir(exist_ok=True)
    os.chmod(layout.state, 0o700)
    os.chmod(layout.home, 0o755)
    build_student_distribution(layout)
    install_venv(layout, requirements(layout.student / "requirements.txt"))
    quiet_jupyterlab(layout)
    proxy = install_proxy(layout)
    closed = close_repository(layout)
    if closed:
        did.append(closed)

    accounts = {}
    (layout.state / "accounts.json").write_text(json.dumps(everyone))
    for name in everyone:
        accounts[name] = create_account(layout, name)
    # The course account reads submissions through the students' own groups (their homes are
    # 0700 all the same): hub/jupyter/student/nbgrader_config.py.
    subprocess.run(["usermod", "--append", "--groups", ",".join(names["students"]),
                    names["grader"][0]], check=True)
    did.append(f"created Unix accounts {', '.join(everyone)} (homes in {layout.home}/, 0700; "
               f"{names['grader'][0]} in the students' groups, to collect their submissions)")

    layout.exchange.mkdir(exist_ok=True)
    os.chmod(layout.exchange, 0o1777)
    grader = accounts[names["grader"][0]]
    course_dir = install_course(layout, grader, course_id)
    did.append(f"installed the course for {grader.pw_name} in {course_dir}")
    values = {"course_id": course_id, "course_dir": str(course_dir),
              "exchange": str(layout.exchange), "timezone": timezone}
    student_config, grader_config = write_jupyter_settings(layout, values)
    subprocess.run([str(layout.python()), str(course_dir / "hub" / "gradebook_setup.py"),
                    *names["students"]], check=True, **{**_as(grader, layout.venv),
                                                         "cwd": str(course_dir)})

    logins = _passwords(layout, names["instructors"] + names["students"])
    settings = {
        "course_id": course_id, "course_title": course_title, "state": str(layout.state),
        "venv": str(layout.venv), "proxy_command": str(proxy), "exchange": str(layout.exchange),
        "student_config": [str(student_config), str(layout.student / "jupyter")],
        "grader_config": [str(grader_config)], "course_dir": str(course_dir),
        "password_file": str(layout.passwords), **names,
        "port": _free_port(port or DEFAULT_PORT), "hub_port": _free_port(),
        "proxy_api_port": _free_port(), "service_port": _free_port(),
    }
    settings["url"] = f"http://127.0.0.1:{settings['port']}"
    layout.settings.write_text(json.dumps(settings, indent=1), encoding="utf-8")

    env = {"PATH": f"{layout.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
           "HOME": str(layout.state), "LLMC_HUB_SETTINGS": str(layout.settings)}
    log = open(layout.log, "ab")
    hub = subprocess.Popen([str(layout.venv / "bin" / "jupyterhub"), "-f",
                            str(HERE / "jupyterhub_config.py")], cwd=layout.state, env=env,
                           stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           start_new_session=True)
    log.close()
    layout.pidfile.write_text(json.dumps({"pid": hub.pid, "start_time": _start_time(hub.pid)}))
    formgrader = f"{settings['url']}/services/{course_id}/"
    deadline = time.monotonic() + START_TIMEOUT_S
    while not (_http_status(f"{settings['url']}/hub/api/") == 200
               and _http_status(formgrader) in (200, 302)):
        if hub.poll() is not None or time.monotonic() > deadline:
            tail = layout.log.read_text(errors="replace")[-4000:]
            raise HubError(f"the hub did not come up (log: {layout.log}):\n{tail}")
        time.sleep(0.5)
    did.append(f"started JupyterHub (PID {hub.pid}) on {settings['url']} (127.0.0.1 only)")
    _report(settings, logins, did)
    return settings


def _report(settings: dict, logins: dict[str, str], did: list[str]) -> None:
    width = max(len(n) for n in logins)
    lines = ["", *[f"- {line}" for line in did], "",
             f"{settings['course_title']} JupyterHub: {settings['url']}",
             f"formgrader (instructors): {settings['url']}/services/{settings['course_id']}/formgrader",
             "", "demo accounts (passwords are shown only now; root can read them again in "
                 f"{Path(settings['state']) / 'demo_passwords.json'}):"]
    for name, password in logins.items():
        role = "instructor" if name in settings["instructors"] else "student"
        lines.append(f"  {name:<{width}}  {password}  ({role})")
    lines += ["", "stop it and remove the demo class: make hub-stop"]
    _say("\n".join(lines))


def stop(layout: Layout) -> list[str]:
    if os.geteuid() != 0:
        raise HubError("make hub-stop runs as root (it removes the hub's Unix accounts)")
    did = []
    names = [n for n in _read_json_list(layout.state / "accounts.json") if n.startswith(PREFIX)]
    names += [p.pw_name for p in pwd.getpwall() if p.pw_gecos == MARKER and p.pw_name not in names]
    uids = {pwd.getpwnam(n).pw_uid for n in names if _ours(n)}
    record = _read_json(layout.pidfile)
    hub_pid = record.get("pid")
    if hub_pid and _alive(hub_pid, record.get("start_time")):
        # JupyterHub stops the servers, the services and the proxy it started (cleanup_* config).
        os.kill(hub_pid, signal.SIGTERM)
        if _wait_gone({hub_pid: record.get("start_time")}, STOP_GRACE_S):
            os.kill(hub_pid, signal.SIGKILL)
        did.append(f"stopped JupyterHub (PID {hub_pid})")
    for attempt in range(2):
        leftovers = hub_processes(layout, uids)
        if not leftovers:
            break
        started = {pid: _start_time(pid) for pid in leftovers}
        _signal(leftovers, signal.SIGTERM if attempt == 0 else signal.SIGKILL)
        _wait_gone(started, 10)
        did.append(f"{'terminated' if attempt == 0 else 'killed'} {len(leftovers)} leftover "
                   f"process(es): " + ", ".join(f"{pid} ({why})" for pid, why in sorted(leftovers.items())))
    left = hub_processes(layout, uids)
    if left:
        raise HubError(f"processes still running: {left}")
    removed = [n for n in names if remove_account(n)]
    if removed:
        did.append(f"removed Unix accounts {', '.join(removed)}")
    for uid in uids:
        for where in (Path("/tmp"), Path("/var/tmp"), Path("/dev/shm")):
            for entry in _owned_by(where, uid):
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
    reopened = reopen_repository(layout)
    if reopened:
        did.append(reopened)
    for folder in (layout.home, layout.exchange, layout.etc, layout.student, layout.state,
                   layout.root / ".dist-build"):
        if folder.exists():
            shutil.rmtree(folder)
    if layout.root.exists():
        did.append(f"removed the demo class's files from {layout.root}/ (kept: "
                   + ", ".join(k + "/" for k in KEPT if (layout.root / k).exists()) + ")")
    return did


def _owned_by(folder: Path, uid: int) -> list[Path]:
    try:
        return [entry for entry in folder.iterdir() if entry.lstat().st_uid == uid]
    except OSError:
        return []


def _read_json_list(path: Path) -> list[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [n for n in data if isinstance(n, str)] if isinstance(data, list) else []


def status(layout: Layout) -> int:
    record = running(layout)
    if not record:
        _say("no hub running")
        return 1
    settings = _read_json(layout.settings)
    _say(f"JupyterHub (PID {record['pid']}) on {settings.get('url')}; accounts: "
         + ", ".join(settings.get("instructors", []) + settings.get("students", [])))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hub/hubctl.py", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("start", "stop", "status", "clean"))
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT,
                        help=f"where everything goes (default {DEFAULT_ROOT}, or $HUB_ROOT)")
    parser.add_argument("--students", type=int, default=3, help="demo students (default 3)")
    parser.add_argument("--port", type=int, default=None,
                        help=f"the hub's port on 127.0.0.1 (default {DEFAULT_PORT}, else a free one)")
    args = parser.parse_args(argv)
    layout = Layout(args.root.resolve())
    try:
        if args.command == "start":
            if not 1 <= args.students <= 50:
                raise HubError("--students: between 1 and 50")
            start(layout, args.students, args.port)
        elif args.command in ("stop", "clean"):
            for line in stop(layout):
                _say(f"- {line}")
            if args.command == "clean" and layout.root.exists():
                shutil.rmtree(layout.root)
                _say(f"- removed {layout.root}/")
            _say("no hub process left running")
        else:
            return status(layout)
    except HubError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"error: {' '.join(map(str, error.cmd))} failed (exit {error.returncode})",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
