"""Discover: turn the path given to `grader grade` into submissions, one per (student, assignment).

Accepted, and nothing else (nothing nested deeper is ever taken for a submission):

- one notebook file: `grader grade 12_evaluation.ipynb` (the student is the file's name, or the
  folder above `<assignment>/` when the file lies in `submitted/<student>/<assignment>/`);
- nbgrader's `submitted/<student>/<assignment>/<notebook>.ipynb`, and the flat
  `submitted/<student>/<assignment>.ipynb`: every folder directly below the given one is a student;
- LMS downloads (README "LMS"): files named
  `<assignment>_<student>_attempt_<YYYY-mm-dd-HH-MM-SS>_<notebook>.ipynb` directly in the given
  folder; of several attempts the latest is graded.

Every student folder gets exactly one row per assignment graded, with notes (Korean, then English)
saying what was graded and why anything else was not. Only regular files are ever opened: links,
FIFOs, devices and folders named `*.ipynb` are reported by name, from `lstat`. Names starting with
"." (`.ipynb_checkpoints`, `.DS_Store`) are ignored.

Several notebooks for one assignment in one student folder: the first by this rule is graded and
the others are named in the note:
1. the name of the assignment's notebook (`12_evaluation.ipynb`), then a browser's copy of it
   (`12_evaluation (1).ipynb`, `12_evaluation-2.ipynb`, `12_evaluation copy.ipynb`), then any
   other name (`homework.ipynb`, taken only when nothing names another assignment);
2. inside the assignment folder (`<student>/12_evaluation/`), then a copied folder name
   (`<student>/12_evaluation (1)/`), then the student folder itself (flat layout, LMS);
3. the latest LMS attempt; then the file name in code-point order.

Which assignments: `--assignment`, else those the assignment folders name (or, in a flat or LMS
tree without them, the notebooks' names); a single file also by its graded cells' grade_ids.

Student ids come from folder and file names, so they are escaped before they are written
anywhere: control and format characters, bytes that are not UTF-8, `%` and the backtick become
`%XX` (reversible with `unescape_name`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import stat
import unicodedata
import urllib.parse
from pathlib import Path

from grader import assignments

# nbgrader_plugin.configure's named_regexp (Blackboard), matched against a file name without .ipynb.
LMS_NAME = re.compile(r".*_(?P<student_id>[A-Za-z0-9\-]+)_attempt_(?P<timestamp>[0-9\-]+)"
                      r"_(?P<file_id>\w+)")
LMS_TIMESTAMP = "%Y-%m-%d-%H-%M-%S"
# What browsers and file managers append to a second copy: " (1)", "(2)", "-2", "_3", " copy",
# " - Copy", " 사본", " - 복사본 (2)".
_COPY_SUFFIX = re.compile(r"(?:\s*\(\d{1,3}\)|[ _-]\d{1,3}|\s*-?\s*(?:copy|사본|복사본)"
                          r"(?:\s*\(?\d{1,3}\)?)?)+", re.IGNORECASE)
_ESCAPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
MAX_LISTED = 8
MAX_NAME_CHARS = 80


class DiscoveryError(Exception):
    """Nothing to grade, or no way to tell what: `grader grade` exits with status 2."""


@dataclasses.dataclass(frozen=True)
class Submission:
    notebook: Path | None          # the regular .ipynb file graded; None: nothing gradable
    assignment: str
    student: str                   # escaped (see escape_name)
    notes: tuple[str, ...] = ()    # student-visible remarks about what was found
    problem: str | None = None     # set when nothing is gradable: every test fails with it
    submitted_at: str | None = None  # ISO 8601: timestamp.txt or the LMS attempt (grader/late.py)


@dataclasses.dataclass(frozen=True)
class Discovery:
    submissions: list[Submission]
    skipped: list[str]             # instructor-facing: items not in any student's submission


# ----------------------------------------------------------------------------- names

def escape_name(name: str) -> str:
    """A name that is safe to print and to write in any report, and reversible."""
    out = []
    for char in name:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (os.fsdecode's surrogateescape)
            out.append(f"%{code - 0xDC00:02X}")
        elif char in "%`" or unicodedata.category(char) in _ESCAPED_CATEGORIES:
            out.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass")))
        else:
            out.append(char)
    return "".join(out)


def unescape_name(escaped: str) -> str:
    """The file system's name (as os.fsdecode gives it) back from `escape_name`."""
    return os.fsdecode(urllib.parse.unquote_to_bytes(escaped))


def shown(name: str) -> str:
    """A file name as a note quotes it: escaped and bounded."""
    name = escape_name(name)
    return name if len(name) <= MAX_NAME_CHARS else name[:MAX_NAME_CHARS - 1] + "…"


def assignment_named(name: str, known: list[str], is_file: bool) -> tuple[str, bool] | None:
    """(assignment id, exact) that a file or folder name stands for, browser copies tolerated."""
    if is_file:  # a notebook by its stem; any other file by what precedes its first dot
        name = name[:-len(".ipynb")] if name.lower().endswith(".ipynb") else name.split(".", 1)[0]
    folded = name.casefold()
    for assignment_id in sorted(known, key=len, reverse=True):
        if folded == assignment_id.casefold():
            return assignment_id, True
        rest = folded[len(assignment_id):]
        if folded.startswith(assignment_id.casefold()) and _COPY_SUFFIX.fullmatch(rest):
            return assignment_id, False
    return None


def lms_name(name: str) -> tuple[str, str, dt.datetime | None] | None:
    """(student, file id, attempt time) of an LMS download name, or None."""
    match = LMS_NAME.fullmatch(name.rsplit(".", 1)[0] if "." in name else name)
    if match is None:
        return None
    try:
        moment = dt.datetime.strptime(match["timestamp"], LMS_TIMESTAMP)
    except ValueError:
        moment = None
    return match["student_id"], match["file_id"], moment


# ----------------------------------------------------------------------------- items

@dataclasses.dataclass(frozen=True)
class _Item:
    """One thing found in a student's submission (never opened here: lstat only)."""
    relative: str                  # as the notes quote it, relative to the student folder
    path: Path
    kind: str                      # file | directory | symlink | FIFO | device | socket
    assignment: str | None         # the assignment its name (or its folder's) stands for
    rank: tuple = ()               # (name rank, place rank): see _candidates
    lms: bool = False              # an LMS download at the top of the given folder
    lms_time: dt.datetime | None = None

    @property
    def is_notebook(self) -> bool:
        return self.kind == "file" and self.path.name.lower().endswith(".ipynb")


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


_NOT_OPENED = {"directory": "폴더라서", "symlink": "심볼릭 링크라서", "FIFO": "FIFO(이름 있는 파이프)라서",
               "device": "장치 파일이라서", "socket": "소켓이라서"}


def _entries(folder: Path) -> list[tuple[str, Path, str]]:
    """(name, path, kind) of a folder's entries, dot-names left out, in code-point order."""
    found = []
    try:
        with os.scandir(folder) as listing:
            for entry in listing:
                if entry.name.startswith("."):
                    continue
                try:
                    kind = _kind(entry.stat(follow_symlinks=False).st_mode)
                except OSError:
                    continue  # gone meanwhile
                found.append((entry.name, Path(entry.path), kind))
    except OSError:
        return []
    return sorted(found, key=lambda item: os.fsencode(item[0]))


def _student_items(folder: Path, known: list[str]) -> list[_Item]:
    """Everything in one student folder that could be part of a submission, one level into
    assignment folders and no deeper."""
    items = []
    for name, path, kind in _entries(folder):
        if kind == "directory":
            named = assignment_named(name, known, is_file=False)
            if named is None:
                items.append(_Item(name + "/", path, kind, None))
                continue
            assignment_id, exact_folder = named
            items.append(_Item(name + "/", path, "assignment-folder", assignment_id))
            for inner, inner_path, inner_kind in _entries(path):
                file_named = assignment_named(inner, known, is_file=True)
                rank = (_name_rank(file_named, assignment_id), 0 if exact_folder else 1)
                items.append(_Item(f"{name}/{inner}" + ("/" if inner_kind == "directory" else ""),
                                   inner_path, inner_kind, assignment_id, rank))
        else:
            named = assignment_named(name, known, is_file=True)
            assignment_id = named[0] if named else None
            items.append(_Item(name, path, kind, assignment_id, (_name_rank(named, assignment_id), 2)))
    return items


def _name_rank(named: tuple[str, bool] | None, assignment_id: str | None) -> int:
    if named is None:
        return 2
    if named[0] != assignment_id:
        return 3  # names another assignment: never chosen over anything else
    return 0 if named[1] else 1


def _candidates(items: list[_Item], assignment_id: str, only_assignment: bool) -> list[_Item]:
    """Regular notebooks that may be this assignment's, best first (the module docstring's rule).

    rank = (name: 0 exact, 1 browser copy, 2 other name, 3 another assignment's name;
            place: 0 assignment folder, 1 copied assignment folder, 2 student folder or LMS)."""
    chosen = []
    for item in items:
        if not item.is_notebook or not item.rank or item.assignment not in (assignment_id, None):
            continue
        in_folder = item.rank[1] < 2
        if in_folder or item.rank[0] < 2 or item.rank[0] == 2 and only_assignment:
            chosen.append(item)  # homework.ipynb at the top: taken when no other assignment is graded
    return sorted(chosen, key=lambda item: (item.rank, _latest_first(item), os.fsencode(item.relative)))


def _latest_first(item: _Item) -> float:
    return -(item.lms_time - dt.datetime(1970, 1, 1)).total_seconds() if item.lms_time else 0.0


# ----------------------------------------------------------------------------- notes

def _listing(items: list[_Item]) -> str:
    names = [f"`{shown(item.relative)}`" for item in items[:MAX_LISTED]]
    more = len(items) - MAX_LISTED
    return ", ".join(names) + (f" 외 {more}개 (and {more} more)" if more > 0 else "")


def _unopened(item: _Item) -> bool:
    """Named like a notebook, or no file at all: worth telling even when something was graded."""
    return item.kind in ("symlink", "FIFO", "device", "socket") or \
        item.kind == "directory" and item.relative.lower().endswith(".ipynb/")


def _why_not(item: _Item, assignment_id: str) -> str:
    if item.kind == "assignment-folder":
        return ""
    if item.kind == "directory" and not _unopened(item):
        return (f"`{shown(item.relative)}`: 과제 폴더가 아닌 폴더라서 열지 않았습니다 "
                f"(a folder below the student folder that names no assignment; not searched)")
    if item.kind != "file":
        return (f"`{shown(item.relative)}`: {_NOT_OPENED[item.kind]} 열지 않았습니다 "
                f"({item.kind}, not a regular file; not opened)")
    if item.assignment not in (None, assignment_id):
        return (f"`{shown(item.relative)}`: {item.assignment} 과제의 파일로 보여 채점하지 않았습니다 "
                f"(named for {item.assignment}; not graded here)")
    if not item.is_notebook:
        return (f"`{shown(item.relative)}`: 노트북(.ipynb)이 아니라 채점하지 않았습니다 "
                f"(not a notebook; not graded)")
    return f"`{shown(item.relative)}`: 채점하지 않았습니다 (not graded)"


def _submission(student: str, assignment_id: str, items: list[_Item],
                only_assignment: bool) -> Submission:
    candidates = _candidates(items, assignment_id, only_assignment)
    mine = [item for item in items if item.assignment in (assignment_id, None)
            and item.kind != "assignment-folder"]
    notes = [_why_not(item, assignment_id) for item in mine if _unopened(item)]
    if candidates:
        graded, others = candidates[0], candidates[1:]
        if others:
            notes.insert(0, f"노트북이 여러 개라서 `{shown(graded.relative)}`을(를) 채점했습니다. "
                            f"채점하지 않은 노트북: {_listing(others)} (several notebooks: graded "
                            f"`{shown(graded.relative)}`, the first by the rule in the README)")
        submitted_at, problem = _submission_time(graded)
        if problem:
            notes.append(problem)
        return Submission(graded.path, assignment_id, student, tuple(notes), submitted_at=submitted_at)
    if not items:
        problem = (f"제출한 파일이 없습니다. {assignment_id} 과제의 노트북을 찾지 못해 0점입니다. "
                   f"(nothing handed in: scored 0)")
    else:
        problem = (f"{assignment_id} 과제의 노트북(.ipynb)을 찾지 못해 0점입니다. "
                   f"(no gradable notebook of {assignment_id}: scored 0)")
        shown_items = mine or [item for item in items if item.kind != "assignment-folder"]
        reasons = [_why_not(item, assignment_id) for item in shown_items[:MAX_LISTED]]
        notes = [reason for reason in reasons if reason]
        if len(shown_items) > MAX_LISTED:
            more = len(shown_items) - MAX_LISTED
            notes.append(f"그 밖에 {more}개 항목 (and {more} more items)")
    return Submission(None, assignment_id, student, (problem, *notes), problem)


def _submission_time(item: _Item) -> tuple[str | None, str | None]:
    """(ISO time the notebook was handed in, or None; a note when its record is unreadable)."""
    from grader import course, late

    if item.lms:
        moment = late.local_moment(item.lms_time, course.load().timezone)
        return (moment.isoformat() if moment else None), None
    if item.rank and item.rank[1] < 2:  # in the assignment folder, beside nbgrader's timestamp.txt
        moment, problem = late.read_timestamp(item.path.parent)
        if problem:
            return None, (f"제출 시각(timestamp.txt)을 읽을 수 없어 지각 여부를 따지지 않았습니다. "
                          f"({problem}; not checked for lateness)")
        return (moment.isoformat() if moment else None), None
    return None, None


# ----------------------------------------------------------------------------- entry point

def discover(path: Path, assignment_id: str | None = None) -> Discovery:
    """The submissions under `path` (a notebook file or a submitted/LMS folder)."""
    known = assignments.all_ids()
    if assignment_id is not None:
        assignments.get(assignment_id)  # UnknownAssignment lists the known ids
    if path.is_dir():
        return _discover_tree(path, assignment_id, known)
    return Discovery([_single_file(path, assignment_id, known)], [])


def _single_file(path: Path, assignment_id: str | None, known: list[str]) -> Submission:
    kind = _kind(os.lstat(path).st_mode)
    lms = lms_name(path.name)
    named = (assignment_named(lms[1], known, is_file=False) if lms else None) or \
        assignment_named(path.name, known, is_file=True)
    in_folder = assignment_named(path.parent.name, known, is_file=False)
    found = assignment_id or (named or in_folder or (None,))[0]
    if found is None and kind == "file":
        found = _assignment_from_grade_ids(path)
    if found is None:
        raise DiscoveryError(
            f"cannot tell which assignment {shown(path.name)} is for (its name, its folder's name "
            f"and its graded cells name none); pass --assignment ID (known: {', '.join(known)})")
    in_tree = in_folder and in_folder[0] == found and path.parent.parent.parent.name == "submitted"
    student = lms[0] if lms else path.parent.parent.name if in_tree else path.stem
    item = _Item(path.name, path, kind, found, (0, 0))
    if item.is_notebook:
        submitted_at, problem = _submission_time(
            dataclasses.replace(item, rank=(0, 0 if in_tree else 2), lms=lms is not None,
                                lms_time=lms[2] if lms else None))
        return Submission(path, found, escape_name(student), (problem,) if problem else (),
                          submitted_at=submitted_at)
    problem = (f"{found} 과제의 노트북(.ipynb)이 아니라 채점하지 못해 0점입니다. "
               f"(not a gradable notebook: scored 0)")
    return Submission(None, found, escape_name(student), (problem, _why_not(item, found)), problem)


def _assignment_from_grade_ids(path: Path) -> str | None:
    from grader.errors import NotebookLoadError
    from grader.load import owner_of, parse_notebook, read_notebook_bytes

    try:
        return owner_of(parse_notebook(read_notebook_bytes(path)))
    except NotebookLoadError:
        return None


def _discover_tree(root: Path, assignment_id: str | None, known: list[str]) -> Discovery:
    students: dict[str, list[_Item]] = {}
    skipped: list[str] = []
    top_notebooks = []
    for name, path, kind in _entries(root):
        if kind == "directory":
            if name == "submitted":
                raise DiscoveryError(f"{escape_name(str(root))} looks like a course folder; grade "
                                     f"the student folders in {escape_name(str(root / name))}")
            if name in known:
                raise DiscoveryError(
                    f"{escape_name(root.name)}/{name}/ is an assignment folder, so "
                    f"{escape_name(str(root))} looks like one student's folder; pass the submitted/ "
                    f"folder that holds the student folders (submitted/<student>/<assignment>/), "
                    f"or one notebook file")
            students.setdefault(name, []).extend(_student_items(path, known))
            continue
        lms = lms_name(name)
        if lms is None:
            skipped.append(f"{shown(name)} ({kind}: not a student folder or an LMS download; "
                           f"not graded)")
            if kind == "file" and name.lower().endswith(".ipynb"):
                top_notebooks.append(name)
            continue
        student, file_id, moment = lms
        named = assignment_named(file_id, known, is_file=False) or \
            assignment_named(name.split("_" + student + "_attempt_")[0], known, is_file=False)
        students.setdefault(student, []).append(
            _Item(name, path, kind, named[0] if named else None,
                  (_name_rank(named, named[0] if named else None), 2), lms=True, lms_time=moment))

    wanted = _assignments_of(students, assignment_id)
    if not students:
        hint = (f"; to grade one of its notebooks: grader grade "
                f"{escape_name(str(root / top_notebooks[0]))}"
                if top_notebooks else "")
        raise DiscoveryError(f"no student folders or LMS downloads in {escape_name(str(root))} "
                             f"(layout: submitted/<student>/<assignment>/<notebook>.ipynb){hint}")
    if not wanted:
        raise DiscoveryError(
            f"cannot tell which assignment the submissions in {escape_name(str(root))} are for "
            f"(no folder or notebook is named for one); pass --assignment ID (known: {', '.join(known)})")
    submissions = [
        _submission(escape_name(student), assignment, items, only_assignment=len(wanted) == 1)
        for assignment in sorted(wanted)
        for student, items in sorted(students.items(), key=lambda item: os.fsencode(item[0]))]
    return Discovery(submissions, skipped)


def _assignments_of(students: dict[str, list[_Item]], assignment_id: str | None) -> set[str]:
    if assignment_id is not None:
        return {assignment_id}
    folders = {item.assignment for items in students.values() for item in items
               if item.kind == "assignment-folder" or item.lms}
    if folders - {None}:
        return folders - {None}
    return {item.assignment for items in students.values() for item in items
            if item.is_notebook and item.assignment is not None}
