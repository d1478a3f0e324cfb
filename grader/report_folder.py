"""The report folder of a class: everything `grader grade --results`, `grader report`,
`grader merge` and `grader demo` write next to the results.

Gradebook CSV, per-test CSV, score changes, distribution plot, CI summary (grader/report.py),
per-student feedback at each student's disclosure level (grader/disclosure.py), and the instructor
reports: item analysis, similarity, LMS gradebooks (grader/insight/).
"""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from grader import course as course_file, disclosure, late, report
from grader.insight import analysis, lms, similarity
from grader.records import Result, ScoreChange
from grader.results import file_stem, write_atomically

STUDENT_FORMATS = ((".md", "md"), (".gradescope.json", "gradescope"), (".junit.xml", "junit"))


@dataclasses.dataclass
class Options:
    """What `grader report` (and the report of `grader grade --results`) may change."""
    disclosure: str | None = None          # None: each student's level from the course file
    similarity: bool = True
    similarity_threshold: float | None = None
    canvas_roster: Path | None = None
    canvas_id_column: str = "SIS Login ID"
    progress: bool = False


def write(results: list[Result], folder: Path, *, changes: list[ScoreChange] = (),
          skipped: list[str] = (), options: Options | None = None) -> list[Path]:
    """Write the report folder for `results` (late penalties worked out from the course file now);
    returns the files written."""
    options = options or Options()
    course = course_file.load()
    folder.mkdir(parents=True, exist_ok=True)
    results = sorted((late.apply(r, course) for r in results), key=lambda r: (r.assignment, r.student))
    written = [report.write_csv(folder / "gradebook.csv", report.gradebook_rows(results)),
               report.write_csv(folder / "tests.csv", report.per_test_rows(results)),
               report.write_csv(folder / "changes.csv", report.changes_rows(changes))]
    summary = folder / "summary.md"
    write_atomically(summary, report.render_summary(results, changes, skipped))
    written.append(summary)
    plot = report.write_plot(results, folder / "grades.png")
    if plot:
        written.append(plot)
    for result in results:
        base = folder / "feedback" / file_stem(result.student) / result.assignment
        view = disclosure.student_view(result, options.disclosure, course=course)
        for suffix, fmt in STUDENT_FORMATS:
            write_atomically(base.with_suffix(suffix), report.render([view], fmt) + "\n")
    written += analysis.write(results, folder / "items", write_atomically)
    if options.similarity:
        threshold = options.similarity_threshold
        written += similarity.write(results, folder / "similarity", write_atomically,
                                    similarity.THRESHOLD if threshold is None else threshold,
                                    progress=options.progress)
    lms_files, not_in_roster = lms.write(results, folder / "lms", write_atomically,
                                         id_column=options.canvas_id_column,
                                         roster_path=options.canvas_roster)
    written += lms_files
    if not_in_roster:
        print(f"grader: not in the Canvas roster (their rows in lms/canvas.csv will not match): "
              f"{', '.join(not_in_roster[:20])}{' ...' if len(not_in_roster) > 20 else ''}", file=sys.stderr)
    return written
