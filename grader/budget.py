"""Budget: what one submission may cost in all, per assignment (`budget_seconds`, course.toml).

A per-call deadline stops one hung call, not a notebook whose every call ends just under its
deadline: 36 calls of 9.5 s held a grading slot for six minutes. So each submission also gets a
budget, counted from its first worker start:
- wall time (every later call's deadline is cut to what is left),
- the grader's own CPU time spent on it (decoding and checking what it returned; read between
  calls),
- each of its workers' CPU time (RLIMIT_CPU),
- the bytes its workers send back.
Past any of them the remaining tests fail with a Korean reason (grader.errors.BudgetExceeded) and
the result gets a note. The seconds come from the reference notebook graded on this course's own
grader, with a wide margin, so an honest submission on a loaded CI machine stays far inside:

    python -m grader.budget            # grade every reference notebook, print the budgets
    python -m grader.budget --write    # ... and write them into course.toml
    python -m grader.budget 07_attention 12_evaluation
"""
from __future__ import annotations

import argparse
import dataclasses
import math
import os
import re
import sys
import time

from grader.errors import BudgetExceeded

# Budget = MARGIN x the reference's cost (the larger of its wall and grader CPU seconds, workers
# started from nothing, the slowest of REFERENCE_RUNS), never below FLOOR_SECONDS.
MARGIN = 10
FLOOR_SECONDS = 120
REFERENCE_RUNS = 2
DEFAULT_SECONDS = 300.0  # an assignment course.toml gives no budget
RECEIVED_BYTES = 1024 * 1024**2  # the references receive well under 1 MB


@dataclasses.dataclass(frozen=True)
class Budget:
    """`seconds` bounds the wall time, each worker's CPU time and (unless `grader_cpu_seconds`
    says otherwise) the grader's own CPU time spent on the submission."""
    seconds: float = DEFAULT_SECONDS
    received_bytes: int = RECEIVED_BYTES
    grader_cpu_seconds: float | None = None

    @property
    def grader_cpu(self) -> float:
        return self.seconds if self.grader_cpu_seconds is None else self.grader_cpu_seconds

    @classmethod
    def unlimited(cls) -> "Budget":
        return cls(math.inf, sys.maxsize)


def for_assignment(assignment_id: str) -> Budget:
    from grader import course

    seconds = course.load().policy(assignment_id).budget_seconds
    return Budget(seconds if seconds is not None else DEFAULT_SECONDS)


class Meter:
    """What one submission has used so far; `check` raises BudgetExceeded once past the budget.

    Once exceeded it stays exceeded: every later call fails at once with the same reason.
    """

    def __init__(self, budget: Budget = Budget()):
        self.budget = budget
        self.received = 0
        self.exceeded: BudgetExceeded | None = None
        self._started: float | None = None
        self._cpu_started = 0.0

    def start(self) -> None:
        if self._started is None:
            self._started = time.monotonic()
            self._cpu_started = time.process_time()

    @property
    def elapsed(self) -> float:
        return 0.0 if self._started is None else time.monotonic() - self._started

    @property
    def grader_cpu(self) -> float:
        return 0.0 if self._started is None else time.process_time() - self._cpu_started

    def remaining(self) -> float:
        return self.budget.seconds - self.elapsed

    def check(self) -> None:
        if self.exceeded is None:
            if self.remaining() <= 0:
                self._exceed("time", self.budget.seconds, f"wall {self.elapsed:.1f} s")
            elif self.grader_cpu > self.budget.grader_cpu:
                self._exceed("cpu", self.budget.grader_cpu, f"grader CPU {self.grader_cpu:.1f} s")
        if self.exceeded is not None:
            raise self.exceeded

    def charge(self, n: int) -> None:
        """Count `n` more bytes from a worker; raises before reading past the budget."""
        if self.received + n > self.budget.received_bytes:
            self._exceed("bytes", self.budget.received_bytes,
                         f"{self.received} + {n} bytes received")
            raise self.exceeded
        self.received += n

    def expire(self) -> BudgetExceeded:
        """A call cut short because the wall budget ran out."""
        self._exceed("time", self.budget.seconds, f"wall {self.elapsed:.1f} s")
        return self.exceeded

    def _exceed(self, resource: str, limit: float, detail: str) -> None:
        if self.exceeded is None:
            self.exceeded = BudgetExceeded(resource, limit, f"budget exceeded: {detail}")


# ------------------------------------------------------------------------------ measuring

def measure(assignment_id: str, runs: int = REFERENCE_RUNS) -> dict:
    """Grade the reference notebook with workers started from nothing: its cost, the slowest run."""
    from grader import assignments
    from grader.grade import grade_notebook

    assignment = assignments.get(assignment_id)
    previous = os.environ.get("GRADER_FORKSERVER")
    os.environ["GRADER_FORKSERVER"] = "0"
    worst = {"wall_s": 0.0, "grader_cpu_s": 0.0, "received_bytes": 0, "score": None}
    try:
        for _ in range(runs):
            meter = Meter(Budget.unlimited())
            result = grade_notebook(assignment.source_notebook, assignment, "reference",
                                    meter=meter)
            worst = {"wall_s": max(worst["wall_s"], meter.elapsed),
                     "grader_cpu_s": max(worst["grader_cpu_s"], meter.grader_cpu),
                     "received_bytes": max(worst["received_bytes"], meter.received),
                     "score": result.score}
    finally:
        if previous is None:
            os.environ.pop("GRADER_FORKSERVER", None)
        else:
            os.environ["GRADER_FORKSERVER"] = previous
    worst["budget_seconds"] = budget_from(worst["wall_s"], worst["grader_cpu_s"])
    return worst


def budget_from(wall_s: float, grader_cpu_s: float) -> int:
    """MARGIN x the reference's cost, rounded up to 10 s, at least FLOOR_SECONDS."""
    return max(FLOOR_SECONDS, 10 * math.ceil(MARGIN * max(wall_s, grader_cpu_s) / 10))


def write_budgets(budgets: dict[str, int], path=None) -> None:
    """Set `budget_seconds` in each assignment's table of course.toml; all else stays as it is."""
    from grader import course

    path = path or course.COURSE_FILE
    out: list[str] = []
    current, last_key = None, None

    def close_table():
        if current in budgets and last_key is not None:
            out.insert(last_key + 1, f"budget_seconds = {budgets[current]}\n")

    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        header = re.match(r"\[assignments\.([^\]]+)\]", line)
        if header or line.startswith("["):
            close_table()
            current = header.group(1) if header else None
            last_key = len(out) if current in budgets else None
        elif current in budgets:
            if re.match(r"\s*budget_seconds\s*=", line):
                continue
            if line.strip() and not line.lstrip().startswith("#"):
                last_key = len(out)
        out.append(line)
    close_table()
    text = "".join(out)
    seen = set(re.findall(r"^\[assignments\.([^\]]+)\]", text, re.MULTILINE))
    for assignment_id in budgets:
        if assignment_id not in seen:
            text = text.rstrip("\n") + (f"\n\n[assignments.{assignment_id}]\n"
                                        f"budget_seconds = {budgets[assignment_id]}\n")
    path.write_text(text, encoding="utf-8")
    course.reread()


def main(argv: list[str] | None = None) -> int:
    from grader import assignments

    parser = argparse.ArgumentParser(prog="python -m grader.budget",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    parser.add_argument("--write", action="store_true", help="write the budgets into course.toml")
    args = parser.parse_args(argv)
    ids = args.assignments or assignments.all_ids()
    print(f"{'assignment':26s} {'wall s':>7s} {'CPU s':>7s} {'bytes':>10s} {'budget s':>9s}   "
          f"(load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores)")
    budgets = {}
    for assignment_id in ids:
        cost = measure(assignment_id)
        budgets[assignment_id] = cost["budget_seconds"]
        print(f"{assignment_id:26s} {cost['wall_s']:7.1f} {cost['grader_cpu_s']:7.1f} "
              f"{cost['received_bytes']:10d} {cost['budget_seconds']:9d}"
              + ("" if cost["score"] == 100 else f"   reference scored {cost['score']:g}!"),
              flush=True)
    if args.write:
        write_budgets(budgets)
        print("written to course.toml")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
