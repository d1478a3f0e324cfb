"""The engine's results of `nbgrader autograde`, kept for the instructor, and their per-test CSV.

    python -m grader.nbgrader_results [--course .] [--output tests.csv]

`nbgrader export` writes totals only; this writes one row per (student, hidden test). The result
files live in `<course>/grader_results/<assignment>/<student>.json` (instructor detail included),
outside every folder nbgrader copies to students. Each carries, as the batch results of `grader
grade` do, the notebook's SHA-256 and the fingerprint of what graded it (grader.fingerprint): a
result graded by an older hidden suite, reference or grader is named on stderr, with the command
that regrades it. No nbgrader import here: it starts fast.
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


def save_result(result, results_root: Path, notebook: Path | None = None) -> Path:
    """Write one Result atomically (a rerun replaces it; an interrupted write leaves the old one),
    with the SHA-256 of the graded notebook and the fingerprint of what graded it."""
    from grader import assignments, fingerprint

    doc = result.to_dict(instructor=True)
    doc["notebook_sha256"] = fingerprint.notebook_sha256(notebook) if notebook else None
    doc["graded_by"] = fingerprint.graded_by(assignments.get(result.assignment))
    folder = results_root / result.assignment
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{result.student}.json"
    temporary = folder / f".{result.student}.json.tmp"
    try:
        temporary.write_bytes(json.dumps(doc, ensure_ascii=False, indent=1)
                              .encode("utf-8", "backslashreplace"))
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def stale_results(results_root: Path) -> dict[str, list[str]]:
    """assignment -> students whose saved result another hidden suite, reference or grader made."""
    from grader import assignments, fingerprint

    known, current, stale = set(assignments.all_ids()), {}, {}
    for path in sorted(results_root.glob("*/*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            assignment, student = doc["assignment"], doc["student"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if assignment not in known:
            continue
        if assignment not in current:
            current[assignment] = fingerprint.graded_by(assignments.get(assignment))
        graded_by = doc.get("graded_by")
        if not isinstance(graded_by, dict) or \
                graded_by.get("fingerprint") != current[assignment]["fingerprint"]:
            stale.setdefault(assignment, []).append(str(student))
    return stale


def write_tests_csv(results_root: Path, output) -> int:
    """One row per (student, hidden test); returns the number of rows."""
    from grader.report import csv_cell

    writer = csv.DictWriter(output, fieldnames=FIELDS)
    writer.writeheader()
    rows = 0
    for path in sorted(results_root.glob("*/*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for t in doc["tests"]:
            row = {"assignment": doc["assignment"], "student": doc["student"],
                   "grade_id": t["grade_id"], "test": t["name"], "points": t["points"],
                   "max_points": t["max_points"], "status": t["status"], "message": t["message"]}
            writer.writerow({key: csv_cell(value) for key, value in row.items()})
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
    for assignment, students in stale_results(results_root).items():
        more = f" and {len(students) - 10} more" if len(students) > 10 else ""
        names = ", ".join(students[:10]) + more
        print(f"{assignment}: {len(students)} results were graded by another hidden suite, reference "
              f"or grader ({names}); regrade with `nbgrader autograde {assignment} --force`",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
