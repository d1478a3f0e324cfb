"""Class-scale grading: parallel slots, shards, and results that survive an interruption.

Each submission's result is stored as soon as it is graded (grader/results.py: written atomically
to `<results>/<assignment>/<student>.json`, tagged with the notebook's SHA-256 and the fingerprint
of what graded it). Rerunning the same command skips every submission whose result is already
there for the same notebook bytes and the same fingerprint, so a batch killed part-way resumes
without losing or duplicating a result; a result whose notebook, hidden suite, reference or grader
changed is graded again, and every score that changed is reported (old -> new). A submission
without a gradable notebook (grader.discover) gets a row that scores 0 with the reason.
`--shard I/N` keeps the submissions whose stable hash falls in shard I, so N machines of a CI
matrix split a class without talking to each other; without it, the shard comes from a job-array
engine's variables (Kubernetes Indexed Jobs, Slurm arrays: `shard_from_env`). The shards write to
folders of their own or to one shared folder (every file lands by atomic rename under a name
unique to its writer); `grader merge` combines their result folders.

Memory does not grow with the class beyond a few kilobytes a student: the slots get two
submissions each at a time, and the parent keeps each stored result without its instructor detail
(grader.records.summary); the JSON report reads the detail back from the stored files.
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import multiprocessing
import os
import sys
import traceback
import zlib
from pathlib import Path

from grader import fingerprint, late
from grader.discover import Submission, escape_name
from grader.records import Result, ScoreChange, summary
from grader.results import save, stored

GRADER_FAILED = ("채점기 내부 오류로 이 제출물을 채점하지 못했습니다. 강사에게 알려 주세요. "
                 "(grader error: not graded; rerun to retry)")


@dataclasses.dataclass
class BatchRun:
    results: list[Result]           # one per submission, in the order given; without the
                                    # instructor's detail where it was stored (records.summary)
    changes: list[ScoreChange]      # regraded results whose score changed
    grader_errors: int = 0          # submissions the grader itself failed on (not stored)


def in_shard(submission: Submission, shard: tuple[int, int] | None) -> bool:
    if shard is None:
        return True
    index, count = shard
    key = f"{submission.assignment}/{submission.student}"
    return zlib.crc32(key.encode("utf-8", "surrogateescape")) % count == index - 1


def parse_shard(text: str, flag: str = "--shard") -> tuple[int, int]:
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"{flag} takes I/N, e.g. 2/4; got {text!r}") from None
    if not 1 <= index <= count:
        raise ValueError(f"{flag} {text}: I must be between 1 and N")
    return index, count


def shard_from_env(environ=os.environ) -> tuple[tuple[int, int], str] | None:
    """The shard a job-array engine gave this process, and the variables it came from; None when
    no engine set one. `--shard I/N` on the command line wins over all of these.

    - `GRADER_SHARD=I/N`: set by hand (any engine, a shell loop);
    - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX` (0-based, set by Kubernetes) and
      `JOB_COMPLETIONS`, which the Job's pod template sets to the Job's `spec.completions`
      (Kubernetes does not give a pod the count; docs/kubernetes-indexed-job.yaml);
    - Slurm job arrays: `SLURM_ARRAY_TASK_ID` within `SLURM_ARRAY_TASK_MIN`..`MAX` (every
      `SLURM_ARRAY_TASK_STEP`-th id), `SLURM_ARRAY_TASK_COUNT` tasks: `--array=1-8`, `0-7`,
      `0-14:2` all work (docs/slurm-array.sh); a list with gaps (`--array=1,4,9`) is refused.
    """
    if environ.get("GRADER_SHARD"):
        return parse_shard(environ["GRADER_SHARD"], "GRADER_SHARD"), "GRADER_SHARD"
    if environ.get("JOB_COMPLETION_INDEX") is not None:
        index = _env_int(environ, "JOB_COMPLETION_INDEX")
        if not environ.get("JOB_COMPLETIONS"):
            raise ValueError("JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but "
                             "JOB_COMPLETIONS is not: set it to the Job's spec.completions in the "
                             "pod template (docs/kubernetes-indexed-job.yaml), or pass --shard I/N")
        count = _env_int(environ, "JOB_COMPLETIONS")
        return _checked(index + 1, count, "JOB_COMPLETION_INDEX/JOB_COMPLETIONS"), \
            "Kubernetes JOB_COMPLETION_INDEX"
    if environ.get("SLURM_ARRAY_TASK_ID") is not None:
        task = _env_int(environ, "SLURM_ARRAY_TASK_ID")
        low, high = _env_int(environ, "SLURM_ARRAY_TASK_MIN"), _env_int(environ, "SLURM_ARRAY_TASK_MAX")
        count = _env_int(environ, "SLURM_ARRAY_TASK_COUNT")
        if environ.get("SLURM_ARRAY_TASK_STEP"):
            step = _env_int(environ, "SLURM_ARRAY_TASK_STEP")
        else:  # older Slurm: the step follows from the span and the count
            step = (high - low) // (count - 1) if count > 1 else 1
        if step < 1 or (task - low) % step or (high - low) // step + 1 != count:
            raise ValueError(f"this Slurm array ({low}-{high}:{step}, {count} tasks) is not evenly "
                             f"spaced: use --array=LOW-HIGH[:STEP], or pass --shard I/N")
        return _checked((task - low) // step + 1, count, "SLURM_ARRAY_TASK_ID"), \
            "Slurm SLURM_ARRAY_TASK_ID"
    return None


def _env_int(environ, name: str) -> int:
    try:
        return int(environ.get(name, ""))
    except ValueError:
        raise ValueError(f"{name} must be a whole number; got {environ.get(name)!r}") from None


def _checked(index: int, count: int, names: str) -> tuple[int, int]:
    if not 1 <= index <= count:
        raise ValueError(f"{names}: shard {index} of {count} does not exist")
    return index, count


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
        save(result, results, notebook_sha256=digest, graded_by=graded_by)
        result = summary(result)  # the detail is stored: the parent need not hold it
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


def _prestart_servers(submissions: list[Submission], results: Path | None, jobs: int) -> None:
    """Start the slots' fork servers first (grader.forkserver.prestart), so that they import
    torch while this process does, not after it: where at least two submissions have no stored
    result at all and so will be graded in parallel slots (a rerun with nothing to grade starts
    none)."""
    from grader import assignments, forkserver
    from grader.results import result_path
    from grader.sandbox import Limits

    fresh = [s for s in submissions if s.problem is None and (
        results is None or not result_path(results, s.assignment, s.student).exists())]
    if jobs <= 1 or len(fresh) < 2:
        return
    # One set of modules for every server, so any slot can grade any of the batch's assignments.
    warm = tuple(dict.fromkeys(module for assignment_id in sorted({s.assignment for s in fresh})
                               for module in assignments.get(assignment_id).warm_modules))
    forkserver.prestart(warm, Limits(), min(jobs, len(fresh)))


def _slot_started(parent: int, claim) -> None:
    # A slot dies with the grader: `kill -9` of the main process must not leave slots grading on
    # and writing results (their fork servers and workers follow: bubblewrap --die-with-parent).
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the grader died before the line above
        os._exit(1)
    from grader import forkserver

    with claim.get_lock():
        index, claim.value = claim.value, claim.value + 1
    forkserver.adopt(index)
    # The slots share the cores one each: numpy's BLAS and torch's intra-op threads in a slot
    # (the hidden suite's own computations) would only oversubscribe them and spin while they
    # wait, 15 % more CPU for a class of 07_attention.
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    # Pool processes end with os._exit, which skips atexit: close this slot's fork servers (and
    # their scratch folders and cgroups) through multiprocessing's own exit hook instead.
    import multiprocessing.util

    multiprocessing.util.Finalize(None, forkserver.close_all, exitpriority=10)


def _grader_failed(submission: Submission, detail: str) -> Result:
    from grader import assignments, suite

    print(f"grader: internal error grading {submission.student} {submission.assignment}:\n"
          f"{detail}", file=sys.stderr)
    tests = suite.all_failed(assignments.get(submission.assignment), GRADER_FAILED, detail)
    return Result(submission.assignment, submission.student, tests, [], 0.0,
                  notes=[GRADER_FAILED], detail=detail)


def grade_batch(submissions: list[Submission], *, jobs: int, results: Path | None = None,
                shard: tuple[int, int] | None = None, progress: bool = True,
                before_grading=lambda: None) -> BatchRun:
    """Grade many submissions in `jobs` parallel slots; current results are reused on a rerun.
    `before_grading()` is called once the slots' imports are done and before the first submission
    is graded or a slot forked (the start-up canary's verdict: it may raise to stop)."""
    from grader import assignments, forkserver

    mine = [s for s in submissions if in_shard(s, shard)]
    _prestart_servers(mine, results, jobs)
    graded_by = {a: fingerprint.graded_by(assignments.get(a)) for a in {s.assignment for s in mine}}
    finished: dict[int, Result] = {}
    stale: dict[int, tuple[object, list[str]]] = {}  # the stored score, why it is stale
    todo = []
    for index, submission in enumerate(mine):
        found = None if results is None else stored(
            results, submission.assignment, submission.student,
            submission.notebook if submission.problem is None else None,
            graded_by[submission.assignment])
        if found is not None:
            if found.current:
                finished[index] = summary(Result.from_dict(found.doc))
                finished[index].submitted_at = submission.submitted_at  # as found now
                late.apply(finished[index])
                continue
            stale[index] = (found.doc.get("score"), list(found.reasons))
        todo.append(index)
    bar = _progress(len(mine), len(finished), progress)
    failed = 0

    def done(index: int, outcome: tuple[Result, bool]) -> None:
        nonlocal failed
        finished[index], stored = outcome
        if results is not None and stored:  # shared strings: each came in a pickle of its own
            finished[index] = summary(finished[index])
        failed += not stored
        bar.update(1)

    if jobs <= 1 or len(todo) <= 1:
        before_grading()
        for index in todo:
            done(index, _grade_one(mine[index], results, graded_by[mine[index].assignment]))
    else:
        _warm_up({mine[index].assignment for index in todo})
        before_grading()
        context = multiprocessing.get_context("fork")
        claim = context.Value("i", 0)  # the slots take the prestarted servers one each
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context,
                                                    initializer=_slot_started,
                                                    initargs=(os.getpid(), claim)) as pool:
            # A few submissions queued per slot, not the whole class: a finished future keeps its
            # result, and the parent must hold only what it keeps of each (records.summary).
            waiting = iter(todo)
            running: dict[concurrent.futures.Future, int] = {}

            def submit_next() -> None:
                for index in waiting:
                    try:
                        running[pool.submit(_grade_one, mine[index], results,
                                            graded_by[mine[index].assignment])] = index
                        return
                    except Exception as exc:  # noqa: BLE001 — the pool broke: no slot grades it
                        done(index, (_grader_failed(mine[index], f"{type(exc).__name__}: {exc}"),
                                     False))

            for _ in range(2 * jobs):
                submit_next()
            # Forked pools start every slot at the first submission: the servers are theirs now.
            forkserver.handed_over()
            while running:
                ended, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in ended:
                    index = running.pop(future)
                    try:
                        outcome = future.result()
                    except Exception as exc:  # noqa: BLE001 — a slot died (BrokenProcessPool)
                        outcome = (_grader_failed(mine[index], f"{type(exc).__name__}: {exc}"), False)
                    del future
                    done(index, outcome)
                    submit_next()
    bar.close()
    changes = []
    for index, (old, reasons) in sorted(stale.items()):
        new = finished[index].score
        if isinstance(old, (int, float)) and old != new:
            changes.append(ScoreChange(mine[index].student, mine[index].assignment, old, new,
                                       tuple(reasons)))
    return BatchRun([finished[index] for index in range(len(mine))], changes, failed)


def _progress(total: int, done: int, enabled: bool):
    """A progress bar on stderr for more than one submission (tqdm's own off switch otherwise)."""
    from tqdm import tqdm

    return tqdm(total=total, initial=done, desc="채점", unit="제출물", file=sys.stderr,
                disable=not enabled or total <= 1)
