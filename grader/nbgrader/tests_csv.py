"""The engine's results of `nbgrader autograde` as a per-test CSV, and which of them are stale.

    python -m grader.nbgrader.tests_csv [--course .] [--output tests.csv]

`nbgrader export` writes totals only; this writes one row per (student, hidden test), in the same
columns as the `tests.csv` of `grader grade --results` (grader/report.py). The results are the
JSON files autograde stores in `<course>/grader_results/` (grader/results.py); a result graded by
an older hidden suite, reference or grader is named on stderr, with the command that regrades it.
No nbgrader import here: it starts fast. (`grader report grader_results/` writes this CSV too,
with the rest of the report folder.)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader import report, results


def write_tests_csv(results_root: Path, output) -> int:
    """One row per (student, hidden test) into the text stream `output`; returns the number of rows."""
    stored = results.load([results_root], detail=False)
    rows = list(report.per_test_rows(stored))
    output.write(report.csv_text(rows))
    return len(rows) - 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.nbgrader.tests_csv",
                                     description="per-test CSV from the results of nbgrader autograde")
    parser.add_argument("--course", default=".", help="course directory (default: here)")
    parser.add_argument("--output", help="CSV file (default: stdout)")
    args = parser.parse_args(argv)
    results_root = Path(args.course) / results.RESULTS_DIR
    if not results_root.is_dir():
        print(f"{results_root}: no results; run `nbgrader autograde` first", file=sys.stderr)
        return 2
    if args.output:
        with open(args.output, "w", newline="", encoding="utf-8") as handle:
            rows = write_tests_csv(results_root, handle)
    else:
        rows = write_tests_csv(results_root, sys.stdout)
    print(f"{rows} rows", file=sys.stderr)
    for assignment, students in results.stale(results_root).items():
        more = f" and {len(students) - 10} more" if len(students) > 10 else ""
        names = ", ".join(students[:10]) + more
        print(f"{assignment}: {len(students)} results were graded by another hidden suite, reference "
              f"or grader ({names}); regrade with `nbgrader autograde {assignment} --force`",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
