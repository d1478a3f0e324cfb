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
grader, with a wide margin, so an honest submission on a loaded CI machine stays far inside
(measured and written into course.toml by `python -m grader.authoring.budget --write`).
"""
from __future__ import annotations

import dataclasses
import math
import sys
import time

from grader.errors import BudgetExceeded

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
    def unlimited(cls) -> Budget:
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
