"""Run in worker: one submission's worker, loaded with its cells, restarted after a crash or hang.

A hang or crash in one graded function costs the tests that hit it, not the whole assignment: the
session starts a fresh worker and reloads the notebook (at most `max_restarts` times). Handles made
by an earlier worker are refused, never resolved to some other object. Workers are forked from
the slot's warm fork server where there is one (grader.forkserver), started from nothing otherwise;
the session's folder lives in that server's scratch space. Every call runs under the submission's
budget too (grader.budget): deadlines are cut to what is left of it, and past it every remaining
call fails at once with the budget's reason.
"""
from __future__ import annotations

import dataclasses
import math
import os
import shutil
import tempfile
from pathlib import Path

from grader import forkserver
from grader.budget import Budget, Meter
from grader.errors import BudgetExceeded, CallTimeout, NotebookLoadError, StudentSideError, WorkerUnavailable
from grader.sandbox import Limits, isolation_layers, owned_tempdir
from grader.worker import wire
from grader.worker_process import FRESH, WorkerProcess

MAX_SUPPORT_FILE_BYTES = 50 * 1024 * 1024


class WorkerSession:
    """`warm`: modules the worker finds already imported (forked from a warm server, where the
    sandbox allows one; see grader.forkserver). `support_dirs`: folders whose files the worker
    finds in its working folder (the assignment's release assets, never the submission's
    neighbours). `meter`: the submission's budget (a default Budget if not given)."""

    def __init__(self, cells: list[tuple[str, str]], support_dirs: list[Path],
                 limits: Limits = Limits(), max_restarts: int = 2, warm: tuple[str, ...] = (),
                 meter: Meter | None = None, guard: dict | None = None):
        """`guard`: {"rules": [(name, scope)], "given": [cell labels]} for grader.worker.guard."""
        self.cells = cells
        self.guard = guard
        self.forbidden_names = frozenset(name for name, _ in (guard or {}).get("rules", ()))
        self.support_dirs = support_dirs
        self.limits = limits
        self.meter = meter or Meter(Budget())
        self.max_restarts = max_restarts
        self.restarts = 0
        self.generation = 0
        self.cell_outcomes: list[dict] = []
        self._server = forkserver.acquire(warm, limits)
        self._tmp = (Path(tempfile.mkdtemp(prefix="grader-submission-", dir=self._server.scratch))
                     if self._server else owned_tempdir("submission"))
        self._worker: WorkerProcess | None = None
        self.isolation = isolation_layers()

    def start(self) -> None:
        """First load; its cell outcomes are what the student is told about their notebook."""
        self.meter.start()
        self.cell_outcomes = self._start_worker()

    def request(self, op: str, seconds: float, what: str, **fields):
        self._check_budget()
        if fields.get("handle") is not None and fields.get("handle_generation") != self.generation:
            raise WorkerUnavailable("handle from an earlier worker")
        if not self._worker.alive:
            if self.restarts >= self.max_restarts:
                raise WorkerUnavailable(self._worker.dead_reason or "")
            self.restarts += 1
            self._start_worker()
            if fields.get("handle") is not None:
                raise WorkerUnavailable("handle from an earlier worker")
        return self._within_budget(op, seconds, what, fields)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
        shutil.rmtree(self._tmp, ignore_errors=True)
        if self._server is not None:
            forkserver.release(self._server)
            self._server = None

    def log_tail(self) -> str:
        return self._worker.log_tail() if self._worker else ""

    # ------------------------------------------------------------------ internals

    def _check_budget(self) -> None:
        try:
            self.meter.check()
        except BudgetExceeded:
            if self._worker is not None:
                self._worker.kill("budget exceeded")
            raise

    def _within_budget(self, op: str, seconds: float, what: str, fields: dict):
        """The call's deadline, cut to what is left of the budget; a cut call that runs out is
        the budget's failure, not the call's."""
        left = self.meter.remaining()
        try:
            return self._worker.request(op, min(seconds, left), what, meter=self.meter, **fields)
        except CallTimeout:
            if left < seconds:
                self._worker.kill("budget exceeded")
                raise self.meter.expire() from None
            raise
        except BudgetExceeded:
            self._worker.kill("budget exceeded")
            raise

    def _worker_limits(self) -> Limits:
        """Each worker's CPU rlimit is at most the submission's budget."""
        seconds = self.meter.budget.seconds
        if math.isinf(seconds):
            return self.limits
        return dataclasses.replace(self.limits, cpu_seconds=min(self.limits.cpu_seconds,
                                                                max(1, math.ceil(seconds))))

    def _start_worker(self) -> list[dict]:
        if self._worker is not None:
            self._worker.close()
        self.generation += 1
        workdir = self._tmp / f"run{self.generation}"
        workdir.mkdir()
        for folder in self.support_dirs:
            _copy_regular_files(folder, workdir)
        # A server broken meanwhile refuses to spawn, and the worker then starts from nothing.
        self._worker = WorkerProcess(workdir, self._worker_limits(), self._server or FRESH)
        self._worker.start()
        try:
            doc, _ = self._within_budget("load", self.limits.load_seconds, "노트북 실행",
                                         {"cells": self.cells, "generation": self.generation,
                                          "guard": self.guard})
        except BudgetExceeded:
            raise
        except CallTimeout:
            raise NotebookLoadError(
                f"노트북의 셀들을 실행하는 데 제한 시간({self.limits.load_seconds:g}초)을 넘겼습니다. "
                f"무한 루프나 오래 걸리는 학습 코드가 채점되는 셀에 있는지 확인하세요.",
                self._worker.log_tail()) from None
        except (StudentSideError, wire.WireError) as exc:
            raise NotebookLoadError(
                "노트북을 실행하던 프로세스가 비정상 종료되었습니다 (os._exit, sys.exit, 메모리 초과 등).",
                f"{exc}\n{self._worker.log_tail()}") from None
        outcomes = doc.get("value")
        if not isinstance(outcomes, list):
            raise NotebookLoadError("노트북 실행 결과를 읽을 수 없습니다.", repr(doc)[:500])
        return [o for o in outcomes if isinstance(o, dict)]


def _copy_regular_files(source: Path, target: Path) -> None:
    """Data and support files only: links are never followed (they could point at hidden tests)."""
    if not source.is_dir():
        return
    for folder, dirs, files in os.walk(source, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(folder, name)
            if (name.startswith(".") or path.suffix == ".ipynb" or path.is_symlink()
                    or not path.is_file() or path.stat().st_size > MAX_SUPPORT_FILE_BYTES):
                continue
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
