"""Measuring the grading budgets (`budget_seconds` per assignment in course.toml, grader/budget.py).

Each budget is MARGIN times what the reference notebook costs through the grader (the larger of
its wall and grader CPU seconds, workers started from nothing, the slowest of REFERENCE_RUNS),
rounded up to 10 s and never below FLOOR_SECONDS:

    python -m grader.authoring.budget            # grade every reference notebook, print the budgets
    python -m grader.authoring.budget --write    # ... and write them into course.toml
    python -m grader.authoring.budget 07_attention 12_evaluation
"""
from __future__ import annotations

import argparse
import math
import os
import re

from grader.budget import Budget, Meter

MARGIN = 10
FLOOR_SECONDS = 120
REFERENCE_RUNS = 2


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

    parser = argparse.ArgumentParser(prog="python -m grader.authoring.budget",
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
