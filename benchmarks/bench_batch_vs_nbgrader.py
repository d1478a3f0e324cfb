"""Throughput of `grader grade` against stock `nbgrader autograde`, same machine, same run, same scores.

    .venv/bin/python benchmarks/bench_batch_vs_nbgrader.py [--students 40] [--assignment 12_evaluation]
                                                           [--small 12]

Both grade the same generated class (reference, untouched, half-done and buggy notebooks, repeated
under different names) with the same hidden tests: `grader` runs the hidden suite against an
isolated worker; stock nbgrader runs them inside each student's kernel from its autograded-test
cells (benchmarks/stock_nbgrader.py), every notebook in a fresh kernel. `grader` runs three times:
with warm workers (forked from a fork server that already imported numpy/torch; the default), the
same without --results (so without the report folder, which nbgrader's autograde does not write:
feedback in three formats for every student, plots, item analysis, similarity, LMS files), and
cold (GRADER_FORKSERVER=0, every worker a new interpreter). Printed: wall time of each, the
throughput ratio (nbgrader time / grader time), whether every submission got the same total from
all of them, and the per-submission overhead of each beyond the anchor. CPU is the machine's busy
time during each run (all processes, sandboxed workers included): quote it only from a quiet
machine.

The anchor is each notebook of the class graded in this process (its cells, then the hidden suite,
no worker, no sandbox; CPU seconds on one thread, as in a grading slot; best of 3 per distinct
notebook), averaged over the class: the suite's own compute, which no grader can go below.

Then the goals of issue 22, each as a ratio from this run: throughput >= 50x nbgrader's (24
students); CPU per submission <= 0.10 s beyond the anchor, as the slope between the small class and
this one (what one more submission costs; the fixed costs are the next goal) and spread over this
class; and a small class (--small, default 12: the first students of the same class) within 2x of
this class's time per submission (the fixed costs: start-up, canary, first fork server per slot,
report).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from grader import assignments, fingerprint, load, suite  # noqa: E402
from grader.authoring.samples import write_class  # noqa: E402
from grader.grade import grade_trusted_source  # noqa: E402
from grader.proxy import InProcessBackend, Student  # noqa: E402
from stock_nbgrader import write_source_notebook  # noqa: E402


def make_class(root: Path, assignment_id: str, students: int) -> Path:
    """`students` copies of the demo's samples in nbgrader's submitted/<student>/<assignment>/ layout."""
    return write_class(root / "course" / "submitted", assignment_id, students, root / "templates")


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores, every process), from /proc/stat.

    Sandboxed workers are reaped inside their own PID namespace, so their CPU never reaches this
    process's RUSAGE_CHILDREN; the machine-wide count sees it. Run the benchmark on a quiet machine.
    """
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class Timed:
    """Wall seconds of the block and the machine's busy CPU seconds during it."""

    def __enter__(self):
        self.cpu, self.wall = busy_cpu_seconds(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.cpu, self.wall = busy_cpu_seconds() - self.cpu, time.perf_counter() - self.wall


def class_anchor(submitted: Path, assignment: assignments.Assignment) -> float:
    """CPU seconds the class's notebooks take graded in this process (no worker): per distinct
    notebook its cells and the hidden suite, best of 3, averaged over the class. Trusted code
    only: the generated class is the project's own samples."""
    best: dict[str, float] = {}
    notebooks = sorted(submitted.glob(f"*/{assignment.id}/*.ipynb"))
    for notebook in notebooks:
        digest = fingerprint.notebook_sha256(notebook)
        if digest not in best:
            cells = load.load_submission(notebook, assignment).cells
            best[digest] = min(_in_process(assignment, cells) for _ in range(3))
    return sum(best[fingerprint.notebook_sha256(n)] for n in notebooks) / len(notebooks)


def _in_process(assignment: assignments.Assignment, cells) -> float:
    """CPU seconds, on one thread as in a grading slot (grader/batch.py) and a worker."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        started = time.process_time()
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # what the cells print (a worker logs it)
                suite.run_suite(assignment, Student(InProcessBackend.over_cells(cells, "anchor")))
            return time.process_time() - started
        finally:
            torch.set_num_threads(threads)


def time_grader(submitted: Path, assignment_id: str, jobs: int, warm: bool = True,
                report: bool = True) -> tuple[Timed, dict[str, float]]:
    """`warm`: workers forked from a fork server (the default); else each started from nothing.
    `report`: with --results, so the report folder is written; else the scores only."""
    label = ("warm" if warm else "cold") + ("" if report else "-no-report")
    results = submitted.parent / f"grader-results-{label}"
    output = submitted.parent / f"grader-{label}.json"
    env = dict(os.environ, GRADER_FORKSERVER="1" if warm else "0")
    with Timed() as elapsed:
        subprocess.run([sys.executable, "-m", "grader", "grade", str(submitted), "--assignment",
                        assignment_id, "--jobs", str(jobs), "--quiet", "--format", "json",
                        "--output", str(output), *(["--results", str(results)] if report else [])],
                       cwd=ROOT, env=env, check=True)
    docs = json.loads(output.read_text(encoding="utf-8"))
    return elapsed, {doc["student"]: doc["score"] for doc in (docs if isinstance(docs, list) else [docs])}


def time_nbgrader(course: Path, assignment: assignments.Assignment) -> tuple[Timed, dict[str, float]]:
    write_source_notebook(assignment, course / "source" / assignment.id)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    nbgrader = [sys.executable, "-m", "nbgrader"]
    subprocess.run(nbgrader + ["generate_assignment", assignment.id, "--force", "--log-level=ERROR"],
                   cwd=course, env=env, check=True)
    with Timed() as elapsed:
        # stderr captured: every kernel warns about its unencrypted TCP transport; shown on failure.
        run = subprocess.run(nbgrader + ["autograde", assignment.id, "--force", "--log-level=ERROR"],
                             cwd=course, env=env, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        raise SystemExit(f"nbgrader autograde failed ({run.returncode}):\n{run.stderr[-4000:]}")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s.student.id: s.score for s in gradebook.assignment_submissions(assignment.id)}
    return elapsed, scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--assignment", default="12_evaluation")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--small", type=int, default=12,
                        help="a small class, for the fixed costs' share (default 12)")
    args = parser.parse_args()
    assignment = assignments.get(args.assignment)

    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        root = Path(scratch)
        submitted = make_class(root, args.assignment, args.students)
        source = assignment.solution.read_text(encoding="utf-8")
        reference = min(grade_trusted_source(assignment, source, "anchor").duration_s for _ in range(3))
        anchor = class_anchor(submitted, assignment)
        grader, grader_scores = time_grader(submitted, args.assignment, args.jobs)
        small_class = make_small_class(submitted, root / "small", args.small)
        small, _ = time_grader(small_class, args.assignment, args.jobs)
        bare, bare_scores = time_grader(submitted, args.assignment, args.jobs, report=False)
        cold, cold_scores = time_grader(submitted, args.assignment, args.jobs, warm=False)
        nbgrader, nbgrader_scores = time_nbgrader(root / "course", assignment)

    n = args.students
    def same(score: float, other: float | None) -> bool:
        return other is not None and abs(score - other) <= 1e-6

    differ = sorted(s for s, score in grader_scores.items()
                    if not (same(score, nbgrader_scores.get(s)) and same(score, cold_scores.get(s))
                            and same(score, bare_scores.get(s))))
    print(f"class: {n} submissions of {args.assignment}, {os.cpu_count()} cores, grader --jobs {args.jobs}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"anchor (the class's notebooks graded in-process, no worker): {anchor:.3f} s/submission "
          f"(the reference alone: {reference:.3f} s)")
    for name, run in (("grader grade", grader), ("  no report folder", bare),
                      ("  workers cold", cold), ("nbgrader autograde", nbgrader)):
        print(f"{name:19s} {run.wall:7.1f} s wall ({run.wall / n:.2f} s/submission), {run.cpu:7.1f} s CPU "
              f"busy ({run.cpu / n:.2f} s/submission, {run.cpu / n - anchor:+.2f} s beyond the anchor)")
    if differ:
        print(f"scores DIFFER for {len(differ)} of {n} submissions: " + ", ".join(
            f"{s} grader {grader_scores[s]:g} / cold {cold_scores.get(s, float('nan')):g} / "
            f"nbgrader {nbgrader_scores.get(s, float('nan')):g}"
            for s in differ[:5]))
    else:
        print(f"scores identical (warm, cold, nbgrader): {n}/{n} submissions "
              f"(totals {sorted(set(round(v, 2) for v in grader_scores.values()))})")
    print(f"throughput ratio (nbgrader / grader): {nbgrader.wall / grader.wall:.1f}x wall, "
          f"{nbgrader.cpu / grader.cpu:.1f}x CPU; warm workers vs cold: "
          f"{cold.wall / grader.wall:.1f}x wall, {cold.cpu / grader.cpu:.1f}x CPU")
    small_per, per = small.wall / args.small, grader.wall / n
    spread = grader.cpu / n - anchor
    slope = (grader.cpu - small.cpu) / (n - args.small) - anchor if n > args.small else float("nan")
    print("goals (issue 22):")
    print(f"  throughput vs nbgrader: {nbgrader.wall / grader.wall:.1f}x wall with the report folder, "
          f"{nbgrader.wall / bare.wall:.1f}x grading alone (goal >= 50x with 24 students; this "
          f"class: {n})")
    print(f"  CPU per submission beyond the anchor: {slope:+.3f} s for one more submission (class of "
          f"{args.small} to {n}), {spread:+.3f} s spread over this class with its fixed costs "
          f"(goal <= +0.10 s)")
    print(f"  class of {args.small} vs {n}: {small_per:.2f} vs {per:.2f} s/submission wall, "
          f"{small_per / per:.2f}x (goal <= 2x)")
    return 1 if differ else 0


def make_small_class(submitted: Path, root: Path, students: int) -> Path:
    """The first `students` of the generated class, in the same layout."""
    small = root / "submitted"
    for folder in sorted(submitted.iterdir())[:students]:
        shutil.copytree(folder, small / folder.name)
    return small


if __name__ == "__main__":
    raise SystemExit(main())
