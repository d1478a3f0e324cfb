"""JupyterLab for this course: `make lab`, or `python tools/lab.py` with the course's Python.

- In the distribution (it has release/): each assignment folder of release/ is copied into mywork/
  unless mywork/<assignment>/ exists already (work is never overwritten), and JupyterLab opens
  mywork/. In a course repository made from the GitHub Classroom template (no release/), it opens
  the repository itself.
- jupyter/ holds the course's Jupyter settings, put first on JUPYTER_CONFIG_PATH: nbgrader's Validate
  and Assignment List on, the instructors' formgrader and create-assignment off, and the nbgrader
  exchange (jupyter/nbgrader_config.py).
- The 10/11 fine-tuning notebooks classify LibreOffice's Korean help paragraphs when they are
  unpacked under build/corpus/debs/tree (found from the notebook's folder upwards): on Debian and
  Ubuntu they are fetched once with `apt-get download` (no root needed); elsewhere the notebooks use
  konlpy's sentences. COURSE_NO_DOWNLOAD=1 skips the attempt.
- Run as root (e.g. in a container), JupyterLab refuses to start without --allow-root: a notice,
  then the flag.
Other arguments go to `jupyter lab` (e.g. `--port 8899 --no-browser`).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from debian_packages import HELP_PACKAGE, fetch_debs  # noqa: E402


def workspace(here: Path = HERE) -> Path:
    """The folder JupyterLab opens, with every assignment of release/ present in it."""
    release = here / "release"
    if not release.is_dir():
        return here
    mywork = here / "mywork"
    mywork.mkdir(exist_ok=True)
    for folder in sorted(p for p in release.iterdir() if p.is_dir()):
        if not (mywork / folder.name).exists():
            shutil.copytree(folder, mywork / folder.name)
            print(f"mywork/{folder.name}: 새 과제를 복사했습니다")
    return mywork


def fetch_help_data(here: Path = HERE) -> None:
    corpus = here / "build" / "corpus"
    if (corpus / "debs" / "tree").is_dir() or os.environ.get("COURSE_NO_DOWNLOAD"):
        return
    log: list[str] = []
    try:
        tree = fetch_debs(corpus, log, (HELP_PACKAGE,))
    except (OSError, subprocess.CalledProcessError) as exc:
        tree, log = None, [str(exc)]
    if tree is None:
        print("참고: LibreOffice 도움말 데이터를 받지 못했습니다. 10·11 과제는 konlpy 문장으로 "
              "실습합니다.", *log, sep="\n  ")


def command(root: Path, args: list[str], is_root: bool) -> list[str]:
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}", *args]
    if is_root and "--allow-root" not in args:
        print("참고: 관리자(root) 계정으로 실행하고 있어서 --allow-root를 붙여 JupyterLab을 엽니다. "
              "여러 사람이 쓰는 컴퓨터라면 일반 사용자 계정으로 실행하세요.")
        cmd.append("--allow-root")
    return cmd


def environment(here: Path = HERE) -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(here / "jupyter"), *filter(None, env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep))]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(paths)
    return env


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = workspace()
    fetch_help_data()
    cmd = command(root, args, is_root=hasattr(os, "geteuid") and os.geteuid() == 0)
    env = environment()
    os.chdir(root)
    sys.stdout.flush()
    if os.name == "posix":  # JupyterLab in this process: Ctrl+C and signals reach it directly
        os.execve(cmd[0], cmd, env)
    return subprocess.call(cmd, env=env)


if __name__ == "__main__":
    raise SystemExit(main())
