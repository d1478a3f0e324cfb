"""The student distribution: what students receive, built from release/ and nothing else.

    python -m grader.authoring.student_dist                   # every assignment that may be released now
    python -m grader.authoring.student_dist 12_evaluation     # only these; refused if one may not be yet
    python -m grader.authoring.student_dist --student ID      # one student's copy: their extended due dates
        [--out dist] [--allow-early-release] [--no-zip]

Writes, under dist/ (ignored by git):
- `<course>-student/` and `<course>-student.zip`: `release/<id>/` of each assignment (the notebook
  and what it loads, e.g. the course model), the student runtime (`requirements.txt` from
  pyproject.toml's dependencies, no test tools; `make lab` / `tools/lab.py`; `make check` /
  `tools/check_notebooks.py`), the course's Jupyter settings (`jupyter/`: nbgrader's formgrader,
  create-assignment and course list off; an empty exchange until one is configured) and a Korean
  README.
- `<course>-classroom-template/`: the same notebooks at the top of a repository for GitHub
  Classroom, whose `.github/workflows/student-checks.yml` runs the visible checks on every push.

Everything besides release/ comes from student/ in this repository, filled in with the course's id,
title, assignments and due dates (course.toml). Nothing is read from solutions/, tests/ or
assignments/; tests/project/test_student_dist.py scans the result for answers. A notebook that
carries another assignment's graded solutions stays out until those are due (grader/authoring/release_gate.py).
Rebuilding keeps what a student added to an existing distribution folder (.venv/, mywork/, build/).
Standard library only: `make student-dist` needs no virtual environment.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import string
import sys
import tempfile
import tomllib
import zipfile
import zoneinfo
from pathlib import Path

from grader import course, late
from grader.assignments import ROOT
from grader.authoring import release_gate
from grader.authoring.embedded import RecordError

RELEASE = ROOT / "release"
STUDENT = ROOT / "student"        # the distribution's own files (templates where noted)
DEBIAN_PACKAGES = ROOT / "scripts" / "debian_packages.py"
KEEP = (".venv", "mywork", "build")  # a student's own folders in an existing distribution
# Dependencies of the course package that only instructors use (notebook sources -> notebooks).
INSTRUCTOR_ONLY = {"jupytext", "copydetect"}
ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed: the same release/ gives the same zip


@dataclasses.dataclass
class Built:
    student: Path
    zip: Path | None
    classroom: Path | None        # None for one student's own copy
    included: list[str]
    held_back: dict[str, str]     # assignment id -> why it is not released yet


# ----------------------------------------------------------------------------- what goes in

def released_ids() -> list[str]:
    return sorted(p.name for p in RELEASE.iterdir() if (p / f"{p.name}.ipynb").is_file())


def select(ids: list[str] | None, *, at: dt.datetime | None = None,
           allow_early: bool = False) -> tuple[list[str], dict[str, str]]:
    """(assignments to ship, {assignment held back: why}). Asked for by name, an assignment that
    may not be released yet is an error (release_gate.EarlyRelease); by default it is held back."""
    known = released_ids()
    unknown = [i for i in ids or [] if i not in known]
    if unknown:
        raise LookupError(f"not in release/: {', '.join(unknown)}; known: {', '.join(known)}")
    how = "pass --allow-early-release"
    included, held = [], {}
    for assignment_id in ids or known:
        try:
            overridden = release_gate.check(assignment_id, how_to_override=how, at=at,
                                            allow_early=allow_early)
        except release_gate.EarlyRelease as refusal:
            if ids:
                raise
            held[assignment_id] = str(refusal)
            continue
        if overridden:
            print(f"warning: {assignment_id} is released early (--allow-early-release): it carries "
                  f"the graded solutions of {', '.join(b.assignment_id for b in overridden)}",
                  file=sys.stderr)
        included.append(assignment_id)
    return included, held


def requirements() -> str:
    """The student runtime: the course package's dependencies without the instructors' tools
    (test tools are in the `dev` extra and never here)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = ["# 이 과정의 실습 환경 (make lab이 .venv/에 설치합니다).",
             "# 리눅스에서 GPU 없이 쓴다면 torch의 CPU 판이 훨씬 작습니다: make lab이 먼저 시도합니다.",
             "# (pip install torch==<아래 버전> --index-url https://download.pytorch.org/whl/cpu)"]
    for requirement in project["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0).lower()
        if name not in INSTRUCTOR_ONLY:
            lines.append(requirement)
    return "\n".join(lines) + "\n"


def python_version() -> str:
    """The oldest Python the course supports (pyproject's requires-python), for CI."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return re.search(r"\d+\.\d+", project["requires-python"]).group(0)


def _title(assignment_id: str) -> str:
    """The notebook's own heading ("# 12. 파인 튜닝된 모델 평가" -> "파인 튜닝된 모델 평가")."""
    notebook = json.loads((RELEASE / assignment_id / f"{assignment_id}.ipynb").read_text("utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            first = source.strip().splitlines()[0] if source.strip() else ""
            return re.sub(r"^#+\s*(\d+\.\s*)?", "", first).strip()
    return assignment_id


def _values(included: list[str], student: str | None = None) -> dict[str, str]:
    policies = course.load()
    zone = zoneinfo.ZoneInfo(policies.timezone)
    rows = []
    for assignment_id in included:
        due = policies.due_for(assignment_id, student)
        when = f"{due.astimezone(zone):%Y-%m-%d %H:%M}" if due else "강의에서 안내"
        if policies.extension(assignment_id, student) is not None:
            original = policies.policy(assignment_id).due
            when += f" (연장, 원래 {original.astimezone(zone):%Y-%m-%d %H:%M})"
        rows.append(f"| `{assignment_id}` | {_title(assignment_id)} | {when} |")
    return {"course_id": policies.id, "course_title": policies.title, "timezone": policies.timezone,
            "assignments": "\n".join(rows) or "| (아직 없음) | | |",
            "late_policy": _late_policy(included, policies),
            "python_version": python_version(),
            "torch": next(line for line in requirements().splitlines()
                          if line.startswith("torch"))}


def _late_policy(included: list[str], policies: course.Course) -> str:
    """The late rule as the README states it: the course's, then any assignment's own."""
    lines = [f"늦게 낸 과제: {late.rule_text(policies.late)}"]
    for assignment_id in included:
        own = policies.late_policy(assignment_id)
        if own != policies.late:
            lines.append(f"- `{assignment_id}`은(는) 다릅니다: {late.rule_text(own)}")
    if any(policies.policy(a).extensions for a in included):
        lines.append("")
        lines.append("마감을 연장받았다면 강의에서 받은 개인용 배포본의 README와 노트북 첫 셀에 연장된 마감이 "
                     "적혀 있습니다.")
    return "\n".join(lines)


def personalise(notebook: Path, assignment_id: str, student: str) -> bool:
    """A student's copy of a release notebook: the first cell names their extended due date.
    True when it changed (the student has an extension for this assignment)."""
    policies = course.load()
    general, mine = late.due_line(policies, assignment_id), late.due_line(policies, assignment_id, student)
    if general is None or mine == general:
        return False
    doc = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in doc["cells"]:
        if cell.get("cell_type") != "markdown":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if general not in source:
            raise ValueError(f"{notebook}: the first cell does not state the due date of course.toml; "
                             f"rebuild it (python -m grader.authoring.build {assignment_id})")
        source = source.replace(general, mine)
        cell["source"] = source.splitlines(keepends=True) if isinstance(cell["source"], list) else source
        break
    notebook.write_text(json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    return True


def _copy_runtime(target: Path, values: dict[str, str], readme: Path) -> None:
    """The files of student/ every layout shares: runtime, launcher, checker, Jupyter settings."""
    (target / "requirements.txt").write_text(requirements(), encoding="utf-8")
    shutil.copy(STUDENT / "Makefile", target / "Makefile")
    shutil.copytree(STUDENT / "tools", target / "tools", ignore=_ignored)
    shutil.copy(DEBIAN_PACKAGES, target / "tools" / DEBIAN_PACKAGES.name)
    shutil.copytree(STUDENT / "jupyter", target / "jupyter", ignore=_ignored)
    _render(target / "jupyter" / "nbgrader_config.py", values)
    shutil.copy(readme, target / "README.md")
    _render(target / "README.md", values)


def _ignored(_folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n in ("__pycache__", "no-exchange") or n.endswith(".pyc")]


def _render(path: Path, values: dict[str, str]) -> None:
    path.write_text(string.Template(path.read_text(encoding="utf-8")).substitute(values),
                    encoding="utf-8")


def workflow(values: dict[str, str]) -> str:
    """.github/workflows/student-checks.yml of the GitHub Classroom template."""
    return string.Template((STUDENT / "classroom" / "student-checks.yml").read_text(
        encoding="utf-8")).substitute(values)


# ----------------------------------------------------------------------------- layouts

def _student_tree(folder: Path, included: list[str], values: dict[str, str],
                  student: str | None = None) -> None:
    _copy_runtime(folder, values, STUDENT / "README.md")
    for assignment_id in included:
        shutil.copytree(RELEASE / assignment_id, folder / "release" / assignment_id, ignore=_ignored)
        if student is not None:
            personalise(folder / "release" / assignment_id / f"{assignment_id}.ipynb", assignment_id,
                        student)


def _classroom_tree(folder: Path, included: list[str], values: dict[str, str]) -> None:
    _copy_runtime(folder, values, STUDENT / "classroom" / "README.md")
    for assignment_id in included:
        shutil.copytree(RELEASE / assignment_id, folder / assignment_id, ignore=_ignored)
    (folder / ".github" / "workflows").mkdir(parents=True)
    (folder / ".github" / "workflows" / "student-checks.yml").write_text(workflow(values),
                                                                        encoding="utf-8")
    shutil.copy(STUDENT / "classroom" / "gitignore", folder / ".gitignore")


def _install(fresh: Path, target: Path) -> None:
    """Replace target's contents with fresh's, keeping the student's own folders (KEEP)."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in target.iterdir():
        if entry.name in KEEP:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in fresh.iterdir():
        shutil.move(str(entry), target / entry.name)


def _zip(folder: Path, archive: Path) -> None:
    """A zip whose top folder is the distribution's name; fixed dates and modes."""
    partial = archive.with_name(archive.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_dir():
                continue
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            zf.writestr(info, path.read_bytes())
    partial.replace(archive)


def build(out: Path = ROOT / "dist", ids: list[str] | None = None, *, at: dt.datetime | None = None,
          allow_early: bool = False, make_zip: bool = True, student: str | None = None) -> Built:
    """The distribution; with `student`, that student's own copy (`<course>-student-<id>/`): the
    README's table and each notebook's first cell give their extended due dates."""
    included, held = select(ids, at=at, allow_early=allow_early)
    values = _values(included, student)
    name = values["course_id"]
    out.mkdir(parents=True, exist_ok=True)
    suffix = f"-{_safe(student)}" if student is not None else ""
    student_dir, classroom = out / f"{name}-student{suffix}", out / f"{name}-classroom-template"
    with tempfile.TemporaryDirectory(prefix=".student-dist-", dir=out) as scratch:
        fresh_student, fresh_classroom = Path(scratch) / student_dir.name, Path(scratch) / classroom.name
        fresh_student.mkdir()
        _student_tree(fresh_student, included, values, student)
        archive = out / f"{student_dir.name}.zip" if make_zip else None
        if archive:
            _zip(fresh_student, archive)
        _install(fresh_student, student_dir)
        if student is None:  # the Classroom template is everyone's
            fresh_classroom.mkdir()
            _classroom_tree(fresh_classroom, included, values)
            _install(fresh_classroom, classroom)
    return Built(student_dir, archive, classroom if student is None else None, included, held)


def _safe(student: str) -> str:
    """A student id as part of a folder name."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", student).strip(".") or "student"
    return safe[:64]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.authoring.student_dist",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="assignments to ship (default: all that may be)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--allow-early-release", action="store_true",
                        help="ship notebooks that carry graded solutions not yet due")
    parser.add_argument("--no-zip", action="store_true")
    parser.add_argument("--student", metavar="ID",
                        help="that student's own copy: their extended due dates (course.toml) in "
                             "the README and each notebook's first cell")
    args = parser.parse_args(argv)
    try:
        built = build(args.out, args.ids or None, allow_early=args.allow_early_release,
                      make_zip=not args.no_zip, student=args.student)
    except (release_gate.EarlyRelease, LookupError, RecordError, ValueError,
            course.CourseFileError) as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 2
    for message in built.held_back.values():
        print(f"held back: {message}\n", file=sys.stderr)
    count = len(built.included)
    print(f"{_shown(built.student)}/: {count} assignment{'s' * (count != 1)} "
          f"({', '.join(built.included)})")
    if built.zip:
        print(_shown(built.zip))
    if built.classroom is not None:
        print(f"{_shown(built.classroom)}/: GitHub Classroom template")
    return 0


def _shown(path: Path) -> Path:
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


if __name__ == "__main__":
    raise SystemExit(main())
