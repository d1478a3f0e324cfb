"""Throughput of `grader grade` against stock `nbgrader autograde`, same machine, same run.

    .venv/bin/python benchmarks/bench_batch_vs_nbgrader.py [--students 40] [--assignment 12_evaluation]

Both grade the same generated class (reference, untouched, half-done and buggy notebooks, repeated
under different names). nbgrader runs each notebook in a fresh kernel and scores its visible check
cells; `grader` runs the hidden suite against an isolated worker. Printed: wall time of each, the
throughput ratio (nbgrader time / grader time), and the per-submission overhead of each beyond the
tests' own compute (the reference graded in-process, no worker: the anchor measured in this run).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import assignments  # noqa: E402
from grader.grade import grade_trusted_source  # noqa: E402
from grader.samples import write_samples  # noqa: E402


def make_class(root: Path, assignment_id: str, students: int) -> Path:
    """`students` submissions in nbgrader's submitted/<student>/<assignment>/ layout."""
    templates = sorted((write_samples(root / "templates", assignment_id)).glob(f"*/{assignment_id}/*.ipynb"))
    submitted = root / "course" / "submitted"
    for i in range(students):
        template = templates[i % len(templates)]
        folder = submitted / f"s{i:03d}-{template.parent.parent.name}" / assignment_id
        folder.mkdir(parents=True)
        shutil.copyfile(template, folder / template.name)
    return submitted


def time_grader(submitted: Path, assignment_id: str, jobs: int) -> float:
    results = submitted.parent / "grader-results"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grader", "grade", str(submitted), "--assignment",
                    assignment_id, "--jobs", str(jobs), "--results", str(results), "--quiet",
                    "--format", "json", "--output", str(submitted.parent / "grader.json")],
                   cwd=ROOT, check=True)
    return time.perf_counter() - started


def time_nbgrader(course: Path, assignment: assignments.Assignment) -> float:
    source = course / "source" / assignment.id
    source.mkdir(parents=True)
    shutil.copyfile(assignment.source_notebook, source / assignment.source_notebook.name)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    nbgrader = [sys.executable, "-m", "nbgrader"]
    subprocess.run(nbgrader + ["generate_assignment", assignment.id, "--force", "--log-level=ERROR"],
                   cwd=course, env=env, check=True)
    started = time.perf_counter()
    subprocess.run(nbgrader + ["autograde", assignment.id, "--force", "--log-level=ERROR"],
                   cwd=course, env=env, check=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--assignment", default="12_evaluation")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    assignment = assignments.get(args.assignment)

    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        root = Path(scratch)
        submitted = make_class(root, args.assignment, args.students)
        source = assignment.solution.read_text(encoding="utf-8")
        anchor = min(grade_trusted_source(assignment, source, "anchor").duration_s for _ in range(3))
        grader_s = time_grader(submitted, args.assignment, args.jobs)
        nbgrader_s = time_nbgrader(root / "course", assignment)

    n = args.students
    print(f"class: {n} submissions of {args.assignment}, {os.cpu_count()} cores, grader --jobs {args.jobs}")
    print(f"anchor (hidden suite on the reference, in-process): {anchor:.2f} s")
    print(f"grader grade:      {grader_s:7.1f} s  ({grader_s / n:.2f} s/submission, "
          f"overhead {grader_s * args.jobs / n - anchor:+.2f} s/submission per slot beyond the anchor)")
    print(f"nbgrader autograde:{nbgrader_s:7.1f} s  ({nbgrader_s / n:.2f} s/submission)")
    print(f"throughput ratio (nbgrader / grader): {nbgrader_s / grader_s:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
