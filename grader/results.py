"""Stored results: where each one lives, how it is written and read, and whether it is current.

Both grading paths store one JSON per (assignment, student), with the instructor's detail:
`grader grade --results R/` in `R/<assignment>/<student>.json`, nbgrader's autograde in
`<course>/grader_results/<assignment>/<student>.json` (outside every folder nbgrader copies to
students). Each is `Result.to_dict(instructor=True)` plus the SHA-256 of the graded notebook and
`graded_by`, the fingerprint of what graded it (grader.fingerprint). A file is written through a
temporary name and `os.replace`, so a reader (or a second writer) never sees half of one.

A rerun of a batch reuses a stored result only when both the notebook and the fingerprint match
(`stored`); `grader merge` combines the folders of several shards (`merge`); `stale` names the
results an older hidden suite, reference or grader produced.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import secrets
from pathlib import Path

from grader import fingerprint, late
from grader.discover import escape_name, unescape_name
from grader.records import Result, summary

RESULTS_DIR = "grader_results"  # nbgrader's autograde: relative to the course directory


def file_stem(student: str) -> str:
    """The file name a student's results go under: the (escaped) id, bounded in length."""
    canonical = escape_name(unescape_name(student)) == student  # already escaped: keep it
    stem = (student if canonical else escape_name(student)).replace("/", "%2F")
    if stem.startswith("."):
        stem = "%2E" + stem[1:]
    if len(stem.encode("utf-8")) > 150:  # file names hold 255 bytes; temp names add some
        digest = hashlib.sha256(stem.encode("utf-8")).hexdigest()[:16]
        stem = stem.encode("utf-8")[:100].decode("utf-8", "ignore") + "~" + digest
    return stem


def result_path(results: Path, assignment: str, student: str) -> Path:
    return results / assignment / f"{file_stem(student)}.json"


def write_atomically(path: Path, text) -> None:
    """Write through a temp file and os.replace; nothing is left behind if writing fails.

    The temporary name is random and created exclusively, not just this process's id: shards on
    several machines (pods are often all pid 1) may share one results folder, and two writers of
    one file must never write into the same temporary. Readers see the old file or the new one,
    whole; the last rename wins. `text`: a string, or an iterable of strings written as they come
    (a class's CSV is never one string in memory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(fd, "wb") as out:
            for chunk in [text] if isinstance(text, str) else text:
                # a stray surrogate: "\udcff", valid JSON
                out.write(chunk.encode("utf-8", "backslashreplace"))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write_doc(results: Path, doc: dict) -> Path:
    path = result_path(results, doc["assignment"], doc["student"])
    write_atomically(path, json.dumps(doc, ensure_ascii=False, indent=1))
    return path


def save(result: Result, results: Path, *, notebook_sha256: str | None,
         graded_by: dict | None = None) -> Path:
    """Store one result (a rerun replaces it; an interrupted write leaves the old one), with the
    SHA-256 of the graded notebook and what graded it (computed here when not given)."""
    if graded_by is None:
        from grader import assignments

        graded_by = fingerprint.graded_by(assignments.get(result.assignment))
    doc = result.to_dict(instructor=True)
    doc["notebook_sha256"] = notebook_sha256
    doc["graded_by"] = graded_by
    return _write_doc(results, doc)


def read(path: Path) -> dict | None:
    """A stored result's JSON, or None when the file is not one (the report, stray files)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        Result.from_dict(doc)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return doc


@dataclasses.dataclass(frozen=True)
class Stored:
    doc: dict
    reasons: tuple[str, ...]  # why it is stale (keys of fingerprint.DESCRIPTIONS); empty: current

    @property
    def current(self) -> bool:
        return not self.reasons


def stored(results: Path, assignment: str, student: str, notebook: Path | None,
           graded_by: dict) -> Stored | None:
    """The result stored for this submission, and whether it still holds for `notebook` (None:
    the submission has no gradable notebook, and its row is always made again) and `graded_by`."""
    doc = read(result_path(results, assignment, student))
    if doc is None or doc.get("student") != student:
        return None
    digest = fingerprint.notebook_sha256(notebook) if notebook is not None else None
    return Stored(doc, tuple(fingerprint.changed_parts(doc, digest, graded_by)))


def _newest(folders: list[Path], keep) -> list:
    """`keep(path, doc)` of every result JSON under the given result folders (shards), newest file
    per student, in (assignment, student) order; files that are not results (the report, stray
    files) are left out. Only what `keep` returns is held: one document is parsed at a time."""
    chosen: dict[tuple[str, str], tuple[float, object]] = {}
    for folder in folders:
        for path in folder.glob("*/*.json"):
            doc = read(path)
            try:
                mtime = path.stat().st_mtime
            except OSError:
                doc = None
            if doc is None:
                continue
            key = (str(doc["assignment"]), str(doc["student"]))
            if key not in chosen or mtime > chosen[key][0]:
                chosen[key] = (mtime, keep(path, doc))
    return [chosen[key][1] for key in sorted(chosen)]


def load_docs(folders: list[Path]) -> list[dict]:
    """Every stored result's JSON under the given folders (shards), newest file wins per student."""
    return _newest(folders, lambda path, doc: doc)


def load(folders: list[Path], *, detail: bool = True) -> list[Result]:
    """The stored results, late penalties worked out from the course file as it is now.
    `detail=False`: without the instructor's detail (records.summary), which reports never show:
    a class's results then take kilobytes each in memory."""
    def keep(path, doc):
        result = Result.from_dict(doc)
        return result if detail else summary(result)

    return [late.apply(result) for result in _newest(folders, keep)]


def merge(folders: list[Path], out: Path) -> list[Result]:
    """The results of several folders (shards) in one, as stored: each keeps the notebook's
    SHA-256 and what graded it, so a rerun into `out` resumes from them. Copied one at a time;
    returned without the instructor's detail (records.summary)."""
    merged = []
    for path in _newest(folders, lambda path, doc: path):
        doc = read(path)
        if doc is None:  # removed meanwhile
            continue
        _write_doc(out, doc)
        merged.append(summary(Result.from_dict(doc)))
    return merged


def stale(results: Path) -> dict[str, list[str]]:
    """assignment -> students whose stored result another hidden suite, reference or grader made."""
    from grader import assignments

    known, current, found = set(assignments.all_ids()), {}, {}
    for doc in load_docs([results]):
        assignment, student = doc["assignment"], doc["student"]
        if assignment not in known:
            continue
        if assignment not in current:
            current[assignment] = fingerprint.graded_by(assignments.get(assignment))
        graded_by = doc.get("graded_by")
        if not isinstance(graded_by, dict) or \
                graded_by.get("fingerprint") != current[assignment]["fingerprint"]:
            found.setdefault(assignment, []).append(str(student))
    return found
