"""The engine's results of `nbgrader autograde`, kept for the instructor, and their per-test CSV.

    python -m grader.nbgrader_results [--course .] [--output tests.csv]

`nbgrader export` writes totals only; this writes one row per (student, hidden test). The result
files live in `<course>/grader_results/<assignment>/<student>.json` (instructor detail included),
outside every folder nbgrader copies to students. No nbgrader import here: it starts fast.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

RESULTS_DIR = "grader_results"
FIELDS = ["assignment", "student", "grade_id", "test", "points", "max_points", "status", "message"]


def save_result(result, results_root: Path) -> Path:
    """Write one Result atomically (a rerun replaces it; an interrupted write leaves the old one)."""
    folder = results_root / result.assignment
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{result.student}.json"
    temporary = folder / f".{result.student}.json.tmp"
    temporary.write_text(json.dumps(result.to_dict(instructor=True), ensure_ascii=False, indent=1),
                         encoding="utf-8")
    os.replace(temporary, target)
    return target


def write_tests_csv(results_root: Path, output) -> int:
    """One row per (student, hidden test); returns the number of rows."""
    writer = csv.DictWriter(output, fieldnames=FIELDS)
    writer.writeheader()
    rows = 0
    for path in sorted(results_root.glob("*/*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for t in doc["tests"]:
            writer.writerow({"assignment": doc["assignment"], "student": doc["student"],
                             "grade_id": t["grade_id"], "test": t["name"], "points": t["points"],
                             "max_points": t["max_points"], "status": t["status"],
                             "message": t["message"]})
            rows += 1
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.nbgrader_results",
                                     description="per-test CSV from the results of nbgrader autograde")
    parser.add_argument("--course", default=".", help="course directory (default: here)")
    parser.add_argument("--output", help="CSV file (default: stdout)")
    args = parser.parse_args(argv)
    results_root = Path(args.course) / RESULTS_DIR
    if not results_root.is_dir():
        print(f"{results_root}: no results; run `nbgrader autograde` first", file=sys.stderr)
        return 2
    if args.output:
        with open(args.output, "w", newline="", encoding="utf-8") as handle:
            rows = write_tests_csv(results_root, handle)
    else:
        rows = write_tests_csv(results_root, sys.stdout)
    print(f"{rows} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
