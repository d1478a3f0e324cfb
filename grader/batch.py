"""Class-scale grading: parallel slots, shards, and results that survive an interruption.

Each submission's result is written atomically to `<results>/<assignment>/<student>.json` (a temp
file, then `os.replace`), tagged with the notebook's SHA-256 and the fingerprint of what graded it
(grader.fingerprint). Rerunning the same command skips every submission whose result is already
there for the same notebook bytes and the same fingerprint, so a batch killed part-way resumes
without losing or duplicating a result; a result whose notebook, hidden suite, reference or grader
changed is graded again, and every score that changed is reported (old -> new). A submission
without a gradable notebook (grader.discover) gets a row that scores 0 with the reason.
`--shard I/N` keeps the submissions whose stable hash falls in shard I, so N machines of a CI
matrix split a class without talking to each other; `grader merge` combines their result folders.
"""
from __future__ import annotations

import concurrent.futures
import csv
import dataclasses
import hashlib
import json
import multiprocessing
import os
import sys
import traceback
import zlib
from pathlib import Path

from grader import fingerprint, late
from grader.discover import Submission, escape_name, unescape_name
from grader.records import Result

GRADER_FAILED = ("채점기 내부 오류로 이 제출물을 채점하지 못했습니다. 강사에게 알려 주세요. "
                 "(grader error: not graded; rerun to retry)")


@dataclasses.dataclass(frozen=True)
class ScoreChange:
    student: str
    assignment: str
    old: float
    new: float
    reasons: tuple[str, ...]  # keys of fingerprint.DESCRIPTIONS


@dataclasses.dataclass
class BatchRun:
    results: list[Result]           # one per submission, in the order given
    changes: list[ScoreChange]      # regraded results whose score changed
    grader_errors: int = 0          # submissions the grader itself failed on (not stored)


def in_shard(submission: Submission, shard: tuple[int, int] | None) -> bool:
    if shard is None:
        return True
    index, count = shard
    key = f"{submission.assignment}/{submission.student}"
    return zlib.crc32(key.encode("utf-8", "surrogateescape")) % count == index - 1


def parse_shard(text: str) -> tuple[int, int]:
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard takes I/N, e.g. 2/4; got {text!r}") from None
    if not 1 <= index <= count:
        raise ValueError(f"--shard {text}: I must be between 1 and N")
    return index, count


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


def write_atomically(path: Path, text: str) -> None:
    """Write through a temp file and os.replace; nothing is left behind if writing fails."""
    data = text.encode("utf-8", "backslashreplace")  # a stray surrogate: "\udcff", valid JSON
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _stored(results: Path, submission: Submission) -> dict | None:
    try:
        path = result_path(results, submission.assignment, submission.student)
        doc = json.loads(path.read_text(encoding="utf-8"))
        Result.from_dict(doc)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return doc if doc.get("student") == submission.student else None


def _grade_one(submission: Submission, results: Path | None,
               graded_by: dict) -> tuple[Result, bool]:
    """(result, stored). Never raises: a grader failure is a row that says so, and is not stored,
    so that the next run tries again."""
    from grader import assignments, grade, suite

    assignment = assignments.get(submission.assignment)
    digest = fingerprint.notebook_sha256(submission.notebook) if submission.notebook else None
    try:
        if submission.problem is not None:
            tests = suite.all_failed(assignment, submission.problem)
            result = Result(assignment.id, submission.student, tests, [], 0.0)
        else:
            result = grade.grade_notebook(submission.notebook, assignment, submission.student)
            result.notebook = escape_name(str(submission.notebook))
        result.notes[:0] = [note for note in submission.notes if note not in result.notes]
        result.submitted_at = submission.submitted_at
        late.apply(result)
    except Exception:  # noqa: BLE001 — one submission's grader failure must not end the batch
        return _grader_failed(submission, traceback.format_exc()), False
    if results is not None:
        doc = result.to_dict(instructor=True)
        doc["notebook_sha256"] = digest
        doc["graded_by"] = graded_by
        write_atomically(result_path(results, assignment.id, submission.student),
                         json.dumps(doc, ensure_ascii=False, indent=1))
    return result, True


def _warm_up(assignment_ids: set[str]) -> None:
    # Import once in the parent, so forked slots start warm: the hidden suites compare against
    # numpy/torch too, and each slot importing torch again would cost about 2 s of CPU.
    import importlib

    import numpy  # noqa: F401
    import pytest  # noqa: F401

    from grader import assignments, grade  # noqa: F401
    from grader.sandbox import worker_runtime

    worker_runtime()  # one copy for all slots, removed when this process exits

    for assignment_id in sorted(assignment_ids):
        for module in assignments.get(assignment_id).warm_modules:
            importlib.import_module(module)


def _slot_started(parent: int) -> None:
    # A slot dies with the grader: `kill -9` of the main process must not leave slots grading on
    # and writing results (their fork servers and workers follow: bubblewrap --die-with-parent).
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the grader died before the line above
        os._exit(1)
    # Pool processes end with os._exit, which skips atexit: close this slot's fork servers (and
    # their scratch folders and cgroups) through multiprocessing's own exit hook instead.
    import multiprocessing.util

    from grader import forkserver

    multiprocessing.util.Finalize(None, forkserver.close_all, exitpriority=10)


def _grader_failed(submission: Submission, detail: str) -> Result:
    from grader import assignments, suite

    print(f"grader: internal error grading {submission.student} {submission.assignment}:\n"
          f"{detail}", file=sys.stderr)
    tests = suite.all_failed(assignments.get(submission.assignment), GRADER_FAILED, detail)
    return Result(submission.assignment, submission.student, tests, [], 0.0,
                  notes=[GRADER_FAILED], detail=detail)


def grade_batch(submissions: list[Submission], *, jobs: int, results: Path | None = None,
                shard: tuple[int, int] | None = None, progress: bool = True) -> BatchRun:
    """Grade many submissions in `jobs` parallel slots; current results are reused on a rerun."""
    from grader import assignments

    mine = [s for s in submissions if in_shard(s, shard)]
    graded_by = {a: fingerprint.graded_by(assignments.get(a)) for a in {s.assignment for s in mine}}
    finished: dict[int, Result] = {}
    stale: dict[int, tuple[dict, list[str]]] = {}
    todo = []
    for index, submission in enumerate(mine):
        doc = _stored(results, submission) if results is not None else None
        if doc is not None:
            digest = (fingerprint.notebook_sha256(submission.notebook)
                      if submission.problem is None else None)
            reasons = fingerprint.changed_parts(doc, digest, graded_by[submission.assignment])
            if not reasons and digest is not None:
                finished[index] = Result.from_dict(doc)
                finished[index].submitted_at = submission.submitted_at  # as found now
                late.apply(finished[index])
                continue
            stale[index] = (doc, reasons)
        todo.append(index)
    bar = _progress(len(mine), len(finished), progress)
    failed = 0

    def done(index: int, outcome: tuple[Result, bool]) -> None:
        nonlocal failed
        finished[index], stored = outcome
        failed += not stored
        bar.update(1)

    if jobs <= 1 or len(todo) <= 1:
        for index in todo:
            done(index, _grade_one(mine[index], results, graded_by[mine[index].assignment]))
    else:
        _warm_up({mine[index].assignment for index in todo})
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context,
                                                    initializer=_slot_started,
                                                    initargs=(os.getpid(),)) as pool:
            futures = {pool.submit(_grade_one, mine[index], results,
                                   graded_by[mine[index].assignment]): index for index in todo}
            for future in concurrent.futures.as_completed(futures):
                index = futures[future]
                try:
                    done(index, future.result())
                except Exception as exc:  # noqa: BLE001 — a slot died (BrokenProcessPool)
                    done(index, (_grader_failed(mine[index], f"{type(exc).__name__}: {exc}"), False))
    bar.close()
    changes = []
    for index, (doc, reasons) in sorted(stale.items()):
        old, new = doc.get("score"), finished[index].score
        if isinstance(old, (int, float)) and old != new:
            changes.append(ScoreChange(mine[index].student, mine[index].assignment, old, new,
                                       tuple(reasons)))
    return BatchRun([finished[index] for index in range(len(mine))], changes, failed)


def _progress(total: int, done: int, enabled: bool):
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover
        enabled = False
    if not enabled or total <= 1:
        class _Silent:
            def update(self, n):
                pass

            def close(self):
                pass
        return _Silent()
    return tqdm(total=total, initial=done, desc="채점", unit="제출물", file=sys.stderr)


def load_docs(folders: list[Path]) -> list[dict]:
    """Every result JSON under the given result folders (shards), newest file wins per student;
    files that are not results (the report, stray files) are left out."""
    chosen: dict[tuple[str, str], tuple[float, dict]] = {}
    for folder in folders:
        for path in folder.glob("*/*.json"):
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
                Result.from_dict(doc)
                mtime = path.stat().st_mtime
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                continue
            key = (str(doc["assignment"]), str(doc["student"]))
            if key not in chosen or mtime > chosen[key][0]:
                chosen[key] = (mtime, doc)
    return [chosen[key][1] for key in sorted(chosen)]


def load_results(folders: list[Path]) -> list[Result]:
    """The stored results, late penalties worked out from the course file as it is now."""
    return [late.apply(Result.from_dict(doc)) for doc in load_docs(folders)]


# ----------------------------------------------------------------------------- batch outputs

@dataclasses.dataclass
class ReportOptions:
    """What `grader report` (and the report of `grader grade --results`) may change."""
    disclosure: str | None = None          # None: each student's level from the course file
    similarity: bool = True
    similarity_threshold: float | None = None
    canvas_roster: Path | None = None
    canvas_id_column: str = "SIS Login ID"
    progress: bool = False


def write_outputs(results: list[Result], folder: Path, *, changes: list[ScoreChange] = (),
                  skipped: list[str] = (), options: ReportOptions | None = None) -> list[Path]:
    """Gradebook CSV, per-test CSV, score changes, distribution plot, CI summary, per-student
    feedback (at each student's disclosure level), item analysis, similarity, LMS gradebooks."""
    from grader import analysis, disclosure, lms, report, similarity
    from grader import course as course_file

    options = options or ReportOptions()
    course = course_file.load()
    folder.mkdir(parents=True, exist_ok=True)
    results = sorted((late.apply(r, course) for r in results), key=lambda r: (r.assignment, r.student))
    written = [_write_gradebook(results, folder / "gradebook.csv"),
               _write_per_test(results, folder / "tests.csv"),
               _write_changes(changes, folder / "changes.csv")]
    summary = folder / "summary.md"
    write_atomically(summary, render_summary(results, changes, skipped))
    written.append(summary)
    plot = _write_plot(results, folder / "grades.png")
    if plot:
        written.append(plot)
    for result in results:
        base = folder / "feedback" / file_stem(result.student) / result.assignment
        view = disclosure.student_view(result, options.disclosure, course=course)
        for suffix, fmt in ((".md", "md"), (".gradescope.json", "gradescope"), (".junit.xml", "junit")):
            write_atomically(base.with_suffix(suffix), report.render([view], fmt) + "\n")
    written += analysis.write(results, folder / "items", write_atomically)
    if options.similarity:
        threshold = options.similarity_threshold
        written += similarity.write(results, folder / "similarity", write_atomically,
                                    similarity.THRESHOLD if threshold is None else threshold,
                                    progress=options.progress)
    lms_files, not_in_roster = lms.write(results, folder / "lms", write_atomically,
                                         id_column=options.canvas_id_column,
                                         roster_path=options.canvas_roster)
    written += lms_files
    if not_in_roster:
        print(f"grader: not in the Canvas roster (their rows in lms/canvas.csv will not match): "
              f"{', '.join(not_in_roster[:20])}{' ...' if len(not_in_roster) > 20 else ''}", file=sys.stderr)
    return written


def _write_gradebook(results: list[Result], path: Path) -> Path:
    """One row per (student, assignment): total, then one column per hidden test."""
    columns: list[str] = []
    for result in results:
        for test in result.tests:
            column = f"{result.assignment}:{test.name}"
            if column not in columns:
                columns.append(column)
    rows = [["student", "assignment", "score", "max_score", "raw_score", "late_penalty",
             "submitted_at", *columns, "notes"]]
    for result in results:
        points = {f"{result.assignment}:{t.name}": f"{t.points:g}" for t in result.tests}
        rows.append([result.student, result.assignment, f"{result.score:g}",
                     f"{result.max_score:g}", f"{result.raw_score:g}", f"{result.late_penalty:g}",
                     result.submitted_at or "", *(points.get(c, "") for c in columns),
                     " / ".join(result.notes)])
    return _write_csv(path, rows)


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    """Every cell through report.csv_cell: no formulas, no control characters in a spreadsheet."""
    import io

    from grader.report import csv_cell

    text = io.StringIO()
    writer = csv.writer(text)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    write_atomically(path, text.getvalue())
    return path


def _write_per_test(results: list[Result], path: Path) -> Path:
    rows = [["student", "assignment", "grade_id", "test", "points", "max_points", "status",
             "message"]]
    for result in results:
        for t in result.tests:
            rows.append([result.student, result.assignment, t.grade_id, t.name, f"{t.points:g}",
                         f"{t.max_points:g}", t.status, t.message])
    return _write_csv(path, rows)


def _write_changes(changes: list[ScoreChange], path: Path) -> Path:
    rows = [["student", "assignment", "old_score", "new_score", "why"]]
    rows += [[c.student, c.assignment, f"{c.old:g}", f"{c.new:g}", fingerprint.describe(c.reasons)]
             for c in changes]
    return _write_csv(path, rows)


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def render_summary(results: list[Result], changes: list[ScoreChange] = (),
                   skipped: list[str] = ()) -> str:
    """Markdown for a CI job summary: per assignment, the distribution and the hardest tests;
    scores changed by a regrade, submissions without a gradable notebook, items not graded."""
    lines = ["# 채점 요약", ""]
    by_assignment: dict[str, list[Result]] = {}
    for result in results:
        by_assignment.setdefault(result.assignment, []).append(result)
    lines += ["| 과제 | 제출 | 평균 | 최저 | 최고 | 만점 |", "|---|---|---|---|---|---|"]
    for assignment, group in sorted(by_assignment.items()):
        scores = [r.score for r in group]
        lines.append(f"| {assignment} | {len(group)} | {sum(scores) / len(scores):.1f} | "
                     f"{min(scores):g} | {max(scores):g} | {sum(r.score == r.max_score for r in group)} |")
    for assignment, group in sorted(by_assignment.items()):
        failures: dict[str, int] = {}
        for result in group:
            for test in result.tests:
                if test.status != "passed":
                    failures[test.name] = failures.get(test.name, 0) + 1
        hardest = sorted(failures.items(), key=lambda item: (-item[1], item[0]))[:5]
        if hardest:
            lines += ["", f"## {assignment}: 가장 많이 실패한 테스트", ""]
            lines += [f"- `{name}`: {count}/{len(group)}명 실패" for name, count in hardest]
    if changes:
        lines += ["", "## 다시 채점해 점수가 바뀐 제출물 (score changed on regrading)", "",
                  "| 학생 | 과제 | 이전 | 지금 | 이유 |", "|---|---|---|---|---|"]
        lines += [f"| {_md_cell(c.student)} | {c.assignment} | {c.old:g} | {c.new:g} | "
                  f"{fingerprint.describe(c.reasons)} |" for c in changes]
    late_ones = [r for r in results if r.late_penalty]
    if late_ones:
        lines += ["", "## 지각 감점 (late penalties)", "", "| 학생 | 과제 | 원점수 | 감점 | 점수 |",
                  "|---|---|---|---|---|"]
        lines += [f"| {_md_cell(r.student)} | {r.assignment} | {r.raw_score:g} | {r.late_penalty:g} | "
                  f"{r.score:g} |" for r in late_ones]
    unloaded = [(r, r.tests[0].message) for r in results if _nothing_graded(r)]
    if unloaded:
        lines += ["", "## 노트북을 채점하지 못한 제출물 (nothing graded)", ""]
        lines += [f"- {_md_cell(r.student)} ({r.assignment}): {why}" for r, why in unloaded]
    if skipped:
        lines += ["", "## 채점 대상이 아닌 항목 (not graded: not in a student folder)", ""]
        lines += [f"- {item}" for item in skipped]
    return "\n".join(lines) + "\n"


def _nothing_graded(result: Result) -> bool:
    from grader.analysis import nothing_graded

    return nothing_graded(result)


def _write_plot(results: list[Result], path: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover
        return None
    by_assignment: dict[str, list[float]] = {}
    for result in results:
        percent = 100 * result.score / result.max_score if result.max_score else 0.0
        by_assignment.setdefault(result.assignment, []).append(percent)
    names = sorted(by_assignment)
    fig, axes = plt.subplots(len(names), 1, figsize=(6, 2.2 * len(names)), squeeze=False)
    for ax, name in zip(axes[:, 0], names):
        ax.hist(by_assignment[name], bins=range(0, 105, 5), color="#4472c4", edgecolor="white")
        ax.set_title(f"{name} (n={len(by_assignment[name])})")
        ax.set_xlabel("score (%)")
        ax.set_ylabel("students")
        ax.set_xlim(0, 100)
        ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
