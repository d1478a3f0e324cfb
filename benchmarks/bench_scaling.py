"""How `grader grade --results` scales with the class: time per submission and peak memory.

    .venv/bin/python benchmarks/bench_scaling.py [--sizes 10,100,1000] [--assignment 12_evaluation]
                                                 [--jobs N] [--similarity]

Each size is a generated class (copies of the assignment's demo samples: reference, untouched,
half-done and buggy notebooks, under different names) graded from scratch by the real command,
`grader grade submitted/ --results R/`, its report folder included (the similarity report only with
--similarity: it compares every pair of students, so its cost grows with the square of the class
and is left out of a table meant to show linear cost). Printed per
size: wall time per submission, as a ratio to the anchor (the hidden suite on the reference,
in-process, measured in this run) and to the smallest class; the peak resident memory of the
grader's main process, of its grading slots and of the sandboxed fork servers and workers, and
the main process's as a ratio to the smallest class's. Flat columns are the goal: cost linear in
the class, memory constant. The machine's load is printed: quote ratios, not seconds.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import assignments  # noqa: E402
from grader.authoring.samples import write_class  # noqa: E402
from grader.grade import grade_trusted_source  # noqa: E402

# Runs the grader's CLI in a process whose own peak memory it reports: ru_maxrss of RUSAGE_SELF is
# the main process only (its slots, fork servers and workers are measured from /proc meanwhile).
_MEASURED_CLI = """
import json, resource, sys
from grader.cli import main
try:
    code = main(sys.argv[2:])
finally:
    with open(sys.argv[1], "w") as out:
        json.dump({"parent_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}, out)
raise SystemExit(code)
"""


def make_class(root: Path, assignment_id: str, students: int) -> Path:
    """`students` copies of the demo's samples in nbgrader's submitted/<student>/<assignment>/ layout."""
    return write_class(root / "submitted", assignment_id, students, root / "templates")


class PeakWatcher(threading.Thread):
    """Samples the peak RSS (VmHWM) of every process below `pid`: the grading slots (the
    main process's own Python children) and everything else (bubblewrap, fork servers, workers)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.slots_kb = 0
        self.sandbox_kb = 0
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                children = self.root.children(recursive=True)
            except psutil.Error:
                break
            for child in children:
                try:
                    peak = _vm_hwm_kb(child.pid)
                    slot = child.ppid() == self.root.pid and child.name().startswith("python")
                except (psutil.Error, OSError, ValueError):
                    continue
                if slot:
                    self.slots_kb = max(self.slots_kb, peak)
                else:
                    self.sandbox_kb = max(self.sandbox_kb, peak)
            self.done.wait(0.1)


def _vm_hwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def grade(submitted: Path, assignment_id: str, jobs: int, similarity: bool) -> dict:
    results = submitted.parent / "results"
    usage = submitted.parent / "usage.json"
    command = [sys.executable, "-c", _MEASURED_CLI, str(usage), "grade", str(submitted),
               "--assignment", assignment_id, "--jobs", str(jobs), "--results", str(results),
               "--quiet", "--output", str(submitted.parent / "table.txt")]
    if not similarity:
        command += ["--no-similarity"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT)
    watcher = PeakWatcher(process.pid)
    watcher.start()
    code = process.wait()
    wall = time.perf_counter() - started
    watcher.done.set()
    watcher.join()
    if code not in (0, 1):
        raise SystemExit(f"grader grade failed ({code})")
    parent_kb = json.loads(usage.read_text())["parent_kb"]
    graded = len(list((results / assignment_id).glob("*.json")))
    return {"wall": wall, "parent_mb": parent_kb / 1024, "slots_mb": watcher.slots_kb / 1024,
            "sandbox_mb": watcher.sandbox_kb / 1024, "graded": graded}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,100,1000",
                        help="class sizes, comma-separated (1000 takes minutes on 2 busy cores)")
    parser.add_argument("--assignment", default="12_evaluation")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--similarity", action="store_true",
                        help="write the similarity report too (every pair: quadratic in the class)")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    assignment = assignments.get(args.assignment)
    source = assignment.solution.read_text(encoding="utf-8")
    anchor = min(grade_trusted_source(assignment, source, "anchor").duration_s for _ in range(3))

    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-scaling-") as scratch:
            submitted = make_class(Path(scratch), args.assignment, size)
            row = grade(submitted, args.assignment, args.jobs, args.similarity)
        if row["graded"] != size:
            raise SystemExit(f"{size} submissions, {row['graded']} results")
        rows.append(dict(row, size=size))
        print(f"  graded {size} in {row['wall']:.1f} s", file=sys.stderr)

    first = rows[0]
    per_first = first["wall"] / first["size"]
    print(f"class of {args.assignment}: sizes {', '.join(map(str, sizes))}, {os.cpu_count()} cores, "
          f"--jobs {args.jobs}, load average {os.getloadavg()[0]:.1f}, "
          f"report {'with' if args.similarity else 'without'} similarity")
    print(f"anchor (hidden suite on the reference, in-process): {anchor:.3f} s")
    print(f"{'class':>6} {'wall s':>8} {'s/sub':>7} {'/anchor':>8} {'/first':>7} "
          f"{'parent MB':>10} {'/first':>7} {'slot MB':>8} {'sandbox MB':>11}")
    for row in rows:
        per = row["wall"] / row["size"]
        print(f"{row['size']:>6} {row['wall']:>8.1f} {per:>7.3f} {per / anchor:>8.1f} "
              f"{per / per_first:>7.2f} {row['parent_mb']:>10.0f} "
              f"{row['parent_mb'] / first['parent_mb']:>7.2f} {row['slots_mb']:>8.0f} "
              f"{row['sandbox_mb']:>11.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
