"""Item analysis: what the class got wrong, test by test and graded cell by graded cell.

For each assignment of a results folder (either grading path: `grader grade --results`, or the
`grader_results/` nbgrader's autograde writes), per hidden test and per graded cell:

- difficulty: the share of students who pass it (a cell: who get all its points);
- discrimination: the point-biserial correlation (Pearson's r with pass/fail) between passing it
  and the rest of the score (the total without this item's points) — near 0 or negative, the item
  does not separate students who learnt the material from those who did not;
- the most frequent Korean hint among its failures (the reason after what the test checks),
  with its count (per-student numbers that
  grader/divergence.py appends, and where in the notebook an exception was raised, are left out,
  so one hint counts once however far each was off);
- a flag for review where every student passes it or every student fails it, or where the
  discrimination is negative.

Scores are the tests' points before any late penalty. Submissions with nothing graded (no
notebook, a file that is not one) are left out and counted. Written per assignment as
`items/<assignment>.csv` and `items/<assignment>.html` (grade histogram, test × student heat map,
the tables; jinja2 with autoescaping: student ids and messages are hostile input), with
`items/index.html` linking them.
"""
from __future__ import annotations

import base64
import collections
import dataclasses
import io
import math
import re
import statistics
import warnings
from pathlib import Path

from grader import divergence
from grader.records import Result, failure_reason, nothing_graded
from grader.report import write_csv

FLAG_ALL_PASS = "모두 통과"
FLAG_ALL_FAIL = "모두 실패"
FLAG_NEGATIVE = "변별도 음수"


@dataclasses.dataclass
class Item:
    kind: str                      # "test" | "cell"
    name: str                      # the test's name, or the cell's grade_id
    grade_id: str
    max_points: float
    students: int                  # students with this item in their result
    passed: int                    # passed the test / got all the cell's points
    mean_share: float | None       # mean share of the item's points
    discrimination: float | None   # point-biserial r against the rest of the score
    top_hint: str = ""
    top_hint_count: int = 0
    failures: int = 0

    @property
    def difficulty(self) -> float | None:
        return self.passed / self.students if self.students else None

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.students and self.passed == self.students:
            flags.append(FLAG_ALL_PASS)
        if self.students and self.passed == 0:
            flags.append(FLAG_ALL_FAIL)
        if self.discrimination is not None and self.discrimination < 0:
            flags.append(FLAG_NEGATIVE)
        return flags


@dataclasses.dataclass
class Analysis:
    assignment: str
    results: list[Result]          # analysed, best raw score first
    left_out: list[str]            # students with nothing graded
    tests: list[Item]
    cells: list[Item]

    @property
    def scores(self) -> list[float]:
        return [r.raw_score for r in self.results]

    @property
    def max_score(self) -> float:
        return max((r.max_score for r in self.results), default=0.0)

    def summary(self) -> dict:
        scores = self.scores
        return {"students": len(scores), "left_out": len(self.left_out),
                "mean": statistics.fmean(scores) if scores else None,
                "median": statistics.median(scores) if scores else None,
                "stdev": statistics.stdev(scores) if len(scores) > 1 else None,
                "full_marks": sum(r.raw_score >= r.max_score > 0 for r in self.results),
                "max_score": self.max_score,
                "flagged": sum(bool(item.flags) for item in self.tests)}


def _point_biserial(passed: list[int], rest: list[float]) -> float | None:
    if len(passed) < 3 or len(set(passed)) < 2 or len(set(rest)) < 2:
        return None
    import numpy as np

    # The point-biserial correlation is Pearson's r with a 0/1 variable (what
    # scipy.stats.pointbiserialr returns); numpy spares the report scipy.stats' 1 s import.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = float(np.corrcoef(passed, rest)[0, 1])
    return None if math.isnan(r) else r


# Where in the student's notebook an exception was raised ("(9번째 셀 20번째 줄, _safe_divide)"):
# different for every student, so left out when failures are grouped by hint.
_WHERE = re.compile(r"\s*\(\d+번째 셀[^()]*\)")


def hint_key(message: str) -> str:
    return _WHERE.sub("", divergence.hint_key(message)).strip()


def _top_hint(messages) -> tuple[str, int]:
    counts = collections.Counter(hint_key(m) for m in messages if m)
    if not counts:
        return "", 0
    hint, count = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0]
    return hint, count


def analyse(results: list[Result]) -> Analysis:
    """The item analysis of one assignment's results."""
    assignment = results[0].assignment if results else ""
    kept = sorted((r for r in results if not nothing_graded(r)),
                  key=lambda r: (-r.raw_score, r.student))
    left_out = sorted(r.student for r in results if nothing_graded(r))
    order: dict[str, tuple[str, float]] = {}
    for result in kept:
        for test in result.tests:
            order.setdefault(test.name, (test.grade_id, test.max_points))
    tests = []
    for name, (grade_id, max_points) in order.items():
        rows = [(r, next((t for t in r.tests if t.name == name), None)) for r in kept]
        rows = [(r, t) for r, t in rows if t is not None]
        passed = [int(t.status == "passed") for _, t in rows]
        rest = [r.raw_score - t.points for r, t in rows]
        failed = [t for _, t in rows if t.status != "passed"]
        hint, count = _top_hint(failure_reason(t) for t in failed)  # one message at a time
        shares = [t.points / t.max_points if t.max_points else float(ok) for (_, t), ok in zip(rows, passed)]
        tests.append(Item("test", name, grade_id, max_points, len(rows), sum(passed),
                          statistics.fmean(shares) if shares else None,
                          _point_biserial(passed, rest), hint, count, len(failed)))
    cells = []
    for grade_id in dict.fromkeys(grade_id for grade_id, _ in order.values()):
        rows = [(r, r.cells().get(grade_id)) for r in kept]
        rows = [(r, c) for r, c in rows if c is not None]
        full = [int(c["points"] >= c["max_points"]) for _, c in rows]
        rest = [r.raw_score - c["points"] for r, c in rows]
        failed = [t for r in kept for t in r.tests if t.grade_id == grade_id and t.status != "passed"]
        hint, count = _top_hint(failure_reason(t) for t in failed)
        max_points = max((c["max_points"] for _, c in rows), default=0.0)
        cells.append(Item("cell", grade_id, grade_id, max_points, len(rows), sum(full),
                          statistics.fmean(c["points"] / c["max_points"] if c["max_points"] else 0.0
                                           for _, c in rows) if rows else None,
                          _point_biserial(full, rest), hint, count, len(failed)))
    return Analysis(assignment, kept, left_out, tests, cells)


# ----------------------------------------------------------------------------- files

CSV_FIELDS = ["kind", "grade_id", "name", "max_points", "students", "passed", "difficulty",
              "mean_share", "discrimination", "top_hint", "top_hint_count", "failures", "flags"]


def csv_rows(analysis: Analysis) -> list[list[str]]:
    def number(value, digits=3):
        return "" if value is None else f"{value:.{digits}f}"

    rows = [list(CSV_FIELDS)]
    for item in analysis.tests + analysis.cells:
        rows.append([item.kind, item.grade_id, item.name, f"{item.max_points:g}", str(item.students),
                     str(item.passed), number(item.difficulty), number(item.mean_share),
                     number(item.discrimination), item.top_hint, str(item.top_hint_count),
                     str(item.failures), "; ".join(item.flags)])
    return rows


def histogram_png(analysis: Analysis) -> str:
    """The grade histogram as a data: URI (the page is one self-contained file)."""
    from matplotlib.figure import Figure

    top = analysis.max_score or 100.0
    fig = Figure(figsize=(6.4, 2.6))
    ax = fig.subplots()
    step = top / 20
    ax.hist(analysis.scores, bins=[step * i for i in range(21)], color="#4472c4", edgecolor="white")
    ax.set_xlim(0, top)
    ax.set_xlabel("score (points, before late penalties)")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def render_html(analysis: Analysis) -> str:
    return "".join(render_html_parts(analysis))


def render_html_parts(analysis: Analysis):
    """The page in pieces as jinja2 makes them: its student-by-test map grows with the class,
    and is written as it comes rather than held whole."""
    heat = []
    for item in analysis.tests:
        row = []
        for result in analysis.results:
            test = next((t for t in result.tests if t.name == item.name), None)
            row.append("missing" if test is None else "passed" if test.status == "passed"
                       else "error" if test.status == "error" else "failed")
        heat.append((item, row))
    yield from _environment().get_template("items.html.j2").generate(
        analysis=analysis, summary=analysis.summary(), histogram=histogram_png(analysis),
        heat=heat, short=_short)


def render_index(analyses: list[Analysis]) -> str:
    return _environment().get_template("items_index.html.j2").render(
        analyses=[(a, a.summary()) for a in analyses])


def _short(text: str, limit: int = 14) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def write(results: list[Result], folder: Path, write_text) -> list[Path]:
    """items/<assignment>.csv and .html for every assignment in `results`, and items/index.html.
    `write_text(path, text)` writes atomically (text: a string or an iterable of strings); CSV
    rows go through the report's CSV escaping."""
    by_assignment: dict[str, list[Result]] = {}
    for result in results:
        by_assignment.setdefault(result.assignment, []).append(result)
    written, analyses = [], []
    for assignment in sorted(by_assignment):
        analysis = analyse(by_assignment[assignment])
        analyses.append(analysis)
        written.append(write_csv(folder / f"{assignment}.csv", csv_rows(analysis)))
        page = folder / f"{assignment}.html"
        write_text(page, render_html_parts(analysis))
        written.append(page)
    if analyses:
        index = folder / "index.html"
        write_text(index, render_index(analyses))
        written.append(index)
    return written
