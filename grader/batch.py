"""Class-scale grading: parallel slots, shards, and results that survive an interruption.

Each submission's result is written atomically to `<results>/<assignment>/<student>.json` (a temp
file, then `os.replace`), tagged with the notebook's SHA-256. Rerunning the same command skips every
submission whose result is already there for the same notebook bytes, so a batch killed part-way
resumes without losing or duplicating a result. `--shard I/N` keeps the submissions whose stable
hash falls in shard I, so N machines of a CI matrix split a class without talking to each other;
`grader merge` combines their result folders.
"""
from __future__ import annotations

import concurrent.futures
import csv
import hashlib
import json
import multiprocessing
import os
import sys
import zlib
from pathlib import Path

from grader.score import Result

Submission = tuple[Path, str, str]  # notebook, assignment id, student


def in_shard(submission: Submission, shard: tuple[int, int] | None) -> bool:
    if shard is None:
        return True
    index, count = shard
    _, assignment, student = submission
    return zlib.crc32(f"{assignment}/{student}".encode()) % count == index - 1


def parse_shard(text: str) -> tuple[int, int]:
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard takes I/N, e.g. 2/4; got {text!r}") from None
    if not 1 <= index <= count:
        raise ValueError(f"--shard {text}: I must be between 1 and N")
    return index, count


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def result_path(results: Path, assignment: str, student: str) -> Path:
    return results / assignment / f"{student}.json"


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _done(results: Path, submission: Submission) -> Result | None:
    notebook, assignment, student = submission
    path = result_path(results, assignment, student)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if doc.get("notebook_sha256") != _sha256(notebook):
        return None
    return Result.from_dict(doc)


def _grade_one(submission: Submission, results: Path | None) -> Result:
    from grader import assignments
    from grader.grade import grade_notebook

    notebook, assignment, student = submission
    result = grade_notebook(notebook, assignments.get(assignment), student)
    if results is not None:
        doc = result.to_dict(instructor=True)
        doc["notebook_sha256"] = _sha256(notebook)
        write_atomically(result_path(results, assignment, student),
                         json.dumps(doc, ensure_ascii=False, indent=1))
    return result


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


def grade_batch(submissions: list[Submission], *, jobs: int, results: Path | None = None,
                shard: tuple[int, int] | None = None, progress: bool = True) -> list[Result]:
    """Grade many submissions in `jobs` parallel slots; finished ones are skipped on a rerun."""
    mine = [s for s in submissions if in_shard(s, shard)]
    finished: dict[int, Result] = {}
    todo = []
    for index, submission in enumerate(mine):
        previous = _done(results, submission) if results is not None else None
        if previous is not None:
            finished[index] = previous
        else:
            todo.append(index)
    bar = _progress(len(mine), len(finished), progress)
    if jobs <= 1 or len(todo) <= 1:
        for index in todo:
            finished[index] = _grade_one(mine[index], results)
            bar.update(1)
    else:
        _warm_up({mine[index][1] for index in todo})
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context,
                                                    initializer=_slot_started,
                                                    initargs=(os.getpid(),)) as pool:
            futures = {pool.submit(_grade_one, mine[index], results): index for index in todo}
            for future in concurrent.futures.as_completed(futures):
                finished[futures[future]] = future.result()
                bar.update(1)
    bar.close()
    return [finished[index] for index in range(len(mine))]


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


def load_results(folders: list[Path]) -> list[Result]:
    """Every result JSON under the given result folders (shards), newest file wins per student."""
    chosen: dict[tuple[str, str], tuple[float, Path]] = {}
    for folder in folders:
        for path in folder.glob("*/*.json"):
            key = (path.parent.name, path.stem)
            mtime = path.stat().st_mtime
            if key not in chosen or mtime > chosen[key][0]:
                chosen[key] = (mtime, path)
    return [Result.from_dict(json.loads(path.read_text(encoding="utf-8")))
            for _, path in (chosen[key] for key in sorted(chosen))]


# ----------------------------------------------------------------------------- batch outputs

def write_outputs(results: list[Result], folder: Path) -> list[Path]:
    """Gradebook CSV, per-test CSV, distribution plot, CI summary and per-student feedback."""
    from grader import report

    folder.mkdir(parents=True, exist_ok=True)
    written = [_write_gradebook(results, folder / "gradebook.csv"),
               _write_per_test(results, folder / "tests.csv")]
    summary = folder / "summary.md"
    write_atomically(summary, render_summary(results))
    written.append(summary)
    plot = _write_plot(results, folder / "grades.png")
    if plot:
        written.append(plot)
    for result in results:
        base = folder / "feedback" / result.student / result.assignment
        for suffix, fmt in ((".md", "md"), (".gradescope.json", "gradescope"), (".junit.xml", "junit")):
            write_atomically(base.with_suffix(suffix), report.render([result], fmt) + "\n")
    return written


def _write_gradebook(results: list[Result], path: Path) -> Path:
    """One row per (student, assignment): total, then one column per hidden test."""
    columns: list[str] = []
    for result in results:
        for test in result.tests:
            column = f"{result.assignment}:{test.name}"
            if column not in columns:
                columns.append(column)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", "score", "max_score", *columns])
        for result in results:
            points = {f"{result.assignment}:{t.name}": f"{t.points:g}" for t in result.tests}
            writer.writerow([result.student, result.assignment, f"{result.score:g}",
                             f"{result.max_score:g}", *(points.get(c, "") for c in columns)])
    return path


def _write_per_test(results: list[Result], path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", "grade_id", "test", "points", "max_points",
                         "status", "message"])
        for result in results:
            for t in result.tests:
                writer.writerow([result.student, result.assignment, t.grade_id, t.name,
                                 f"{t.points:g}", f"{t.max_points:g}", t.status, t.message])
    return path


def render_summary(results: list[Result]) -> str:
    """Markdown for a CI job summary: per assignment, the distribution and the hardest tests."""
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
    return "\n".join(lines) + "\n"


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
