"""Fingerprint: what graded a stored result, so that a result graded by an older suite is redone.

Every stored result (`grader grade --results`, nbgrader's `grader_results/`) carries the SHA-256 of
the notebook it graded and `graded_by`: one SHA-256 per input that decides a score and one over all
of them. A rerun grades again every result whose notebook or fingerprint differs, and says which
part changed. The parts:

- `hidden_suite`: every file of tests/hidden/<id>/ (conftest and helpers included; the mutant
  table `mutants.py` is the project's own test data and never runs in grading),
- `reference`: solutions/<id>.py,
- `assignment`: the source notebook (which cells are graded or skipped) and release/<id>/ (the
  notebook's data and model files, mounted in the sandbox),
- `grader`: the grader's own code (grader/**.py) and version,
- `runtime`: the Python, numpy and torch versions that computed the reference values.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import stat
import sys
from pathlib import Path

from grader.assignments import ROOT, Assignment

PARTS = ("hidden_suite", "reference", "assignment", "grader", "runtime")
DESCRIPTIONS = {"notebook": "the notebook changed", "hidden_suite": "the hidden tests changed",
                "reference": "the reference solution changed",
                "assignment": "the assignment's notebook or data changed",
                "grader": "the grader changed", "runtime": "Python, numpy or torch changed",
                "unknown": "graded before results recorded what graded them"}
_CHUNK = 1 << 20


def graded_by(assignment: Assignment) -> dict:
    """The fingerprint of what grades `assignment` here and now (JSON-ready)."""
    parts = {
        "hidden_suite": _tree_digest(assignment.hidden_suite, skip=("mutants.py",)),
        "reference": _file_digest(assignment.solution),
        "assignment": _combine([_file_digest(assignment.source_notebook),
                                _tree_digest(assignment.release_dir)]),
        "grader": _combine([_tree_digest(ROOT / "grader"), grader_version()]),
        "runtime": _runtime(),
    }
    return {"fingerprint": _combine([f"{name}={parts[name]}" for name in PARTS]),
            "parts": parts, "grader_version": grader_version()}


def changed_parts(stored: dict, notebook_sha256: str | None, current: dict) -> list[str]:
    """Why a stored result is stale (empty: it is current). Keys of DESCRIPTIONS."""
    reasons = []
    if stored.get("notebook_sha256") is None or stored.get("notebook_sha256") != notebook_sha256:
        reasons.append("notebook")
    previous = stored.get("graded_by")
    if not isinstance(previous, dict) or not isinstance(previous.get("parts"), dict):
        return reasons + ["unknown"]
    if previous.get("fingerprint") != current["fingerprint"]:
        reasons += [name for name in PARTS if previous["parts"].get(name) != current["parts"][name]]
    return reasons


def describe(reasons: list[str]) -> str:
    return ", ".join(DESCRIPTIONS.get(reason, reason) for reason in reasons)


def notebook_sha256(path: Path) -> str | None:
    """SHA-256 of a submitted regular file, never following a link or waiting on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        digest = hashlib.sha256()
        while chunk := os.read(fd, _CHUNK):
            digest.update(chunk)
        return digest.hexdigest()
    finally:
        os.close(fd)


@functools.cache
def grader_version() -> str:
    try:
        return importlib.metadata.version("llm-course-grader")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _runtime() -> str:
    versions = [f"python {sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}"]
    for package in ("numpy", "torch"):
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} absent")
    return "; ".join(versions)


def _combine(items: list[str]) -> str:
    digest = hashlib.sha256()
    for item in items:
        digest.update(item.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


@functools.cache  # per process: a batch hashes each input once, in the parent, before forking
def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return "absent"
    return digest.hexdigest()


@functools.cache
def _tree_digest(folder: Path, skip: tuple[str, ...] = ()) -> str:
    """Names and contents of every file below `folder` (no links followed, caches left out)."""
    entries = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name.endswith(".pyc") or name in skip:
                continue
            path = Path(current, name)
            entries.append(f"{path.relative_to(folder).as_posix()}:{_file_digest(path)}")
    return _combine(entries)
