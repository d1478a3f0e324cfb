"""`grader` command line.

    grader grade PATH [--assignment ID] [--format table|json|md|junit|gradescope] [--output FILE]
                      [--jobs N] [--results DIR] [--shard I/N]   (I/N: also from a Kubernetes
                      Indexed Job's or a Slurm array's variables; see grader.batch.shard_from_env)
    grader merge DIR... --out DIR    combine the result folders of several shards
    grader report DIR... [--out DIR] the report folder again, from stored results (either path:
                      `grader grade --results`, or nbgrader's grader_results/): item analysis,
                      similarity, LMS gradebooks, feedback at the disclosure level now in force
    grader demo       build the sample submissions, grade them, write build/samples/results/report
    grader list       the assignments this course has

Exit status 0 whenever grading completed, whatever the scores; 1 when it completed but the
grader itself failed on some submission (its row says so; a rerun retries it); 2 when the grader
could not run (bad arguments, unknown assignment or sandbox mode, nothing to grade).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from grader import assignments, discover, fingerprint, report, results, sandbox
from grader.course import CourseFileError


def grade_paths(submissions, *, progress: bool, jobs: int = 1, results: Path | None = None,
                shard: tuple[int, int] | None = None):
    """Grade, once the start-up canary found the sandbox as strong as it reports. The canary runs
    in a thread while the batch imports what its slots need (mostly waiting on its sandboxed
    worker: the two overlap on two cores); no submission is graded before it has passed."""
    import threading

    from grader import batch, selfcheck

    verdict: list = []

    def probe() -> None:
        try:
            verdict.append(selfcheck.check(lambda line: print(line, file=sys.stderr)))
        except BaseException as exc:  # noqa: BLE001 — raised in the main thread below
            verdict.append(exc)

    canary = threading.Thread(target=probe, name="canary", daemon=True)
    canary.start()

    def sandbox_holds() -> None:
        canary.join()  # ended, not only answered: slots are forked right after this
        if isinstance(verdict[0], BaseException):
            raise verdict[0]
        if not verdict[0]:
            raise SandboxBroken()

    try:
        run = batch.grade_batch(submissions, jobs=jobs, results=results, shard=shard,
                                progress=progress, before_grading=sandbox_holds)
    finally:
        canary.join()
    sandbox_holds()
    return run


def _cmd_grade(args) -> int:
    path = Path(args.path)
    if not os.path.lexists(path):
        print(f"grader: {discover.escape_name(str(path))}: no such file or directory", file=sys.stderr)
        return 2
    sandbox.requested_sandbox()  # an unknown GRADER_SANDBOX is refused before anything runs
    from grader import batch

    try:
        # A job array that grades one notebook per task has split the class itself.
        shard = batch.parse_shard(args.shard) if args.shard else \
            _shard_from_engine() if path.is_dir() else None
        found = discover.discover(path, args.assignment)
    except (ValueError, discover.DiscoveryError) as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    for item in found.skipped:
        print(f"grader: skipped {item}", file=sys.stderr)
    for submission in found.submissions:
        if submission.notes:
            print(f"grader: {submission.student} {submission.assignment}: "
                  f"{' / '.join(submission.notes)}", file=sys.stderr)
    results_dir = Path(args.results) if args.results else None
    options = _report_options(args)
    run = grade_paths(found.submissions, progress=not args.quiet, jobs=args.jobs,
                      results=results_dir, shard=shard)
    for change in run.changes:
        print(f"grader: regraded ({fingerprint.describe(change.reasons)}): {change.student} "
              f"{change.assignment} {change.old:g} -> {change.new:g}", file=sys.stderr)
    if results_dir is not None:
        from grader import report_folder

        graded = {s.assignment for s in found.submissions}
        earlier = [r for r in results.load([results_dir], detail=False)
                   if r.assignment not in graded]
        report_folder.write(earlier + run.results, results_dir / report_name(shard),
                            changes=run.changes, skipped=found.skipped, options=options)
    shown = run.results
    if args.format == "json" and results_dir is not None:
        shown = _with_detail(run.results, results_dir)
    text = report.render(_for_students(shown, args.format, options.disclosure), args.format)
    if args.output:
        results.write_atomically(Path(args.output), text + "\n")
    else:
        sys.stdout.write(text.encode("utf-8", "backslashreplace").decode("utf-8") + "\n")
    return 1 if run.grader_errors else 0


def _shard_from_engine() -> tuple[int, int] | None:
    from grader import batch

    found = batch.shard_from_env()
    if found is None:
        return None
    (index, count), source = found
    print(f"grader: grading shard {index}/{count} (from {source}; --shard I/N overrides it)",
          file=sys.stderr)
    return found[0]


def report_name(shard: tuple[int, int] | None) -> str:
    """A shard's report is its own (`report-shard-2-of-4/`): shards that share one results folder
    never write the same report files; `grader report R/` or `grader merge` writes the class's."""
    return "report" if shard is None or shard[1] == 1 else f"report-shard-{shard[0]}-of-{shard[1]}"


def _with_detail(kept, results_dir: Path):
    """The instructor's JSON: the batch kept each stored result without its detail
    (grader.records.summary); read back, one at a time, from where it was stored."""
    shown = []
    for result in kept:
        path = results.result_path(results_dir, result.assignment, result.student)
        doc = results.read(path)
        if doc is None or doc.get("student") != result.student:
            shown.append(result)  # not stored: a grader failure, which keeps its detail
            continue
        full = results.Result.from_dict(doc)
        full.submitted_at, full.late, full.late_penalty = \
            result.submitted_at, result.late, result.late_penalty
        shown.append(full)
    return shown


STUDENT_FORMATS = ("md", "junit", "gradescope")


def _for_students(results, fmt: str, level: str | None):
    """Student-facing formats show what the disclosure level allows (grader/disclosure.py); the
    table and the instructor's JSON keep everything."""
    from grader import disclosure

    if fmt not in STUDENT_FORMATS:
        return results
    return [disclosure.student_view(r, level) for r in results]


def _report_options(args):
    from grader import report_folder

    level = getattr(args, "disclosure", "course")
    return report_folder.Options(
        disclosure=None if level == "course" else level,
        similarity=not getattr(args, "no_similarity", False),
        similarity_threshold=getattr(args, "similarity_threshold", None),
        canvas_roster=Path(args.canvas_roster) if getattr(args, "canvas_roster", None) else None,
        canvas_id_column=getattr(args, "canvas_id_column", "SIS Login ID"),
        progress=not getattr(args, "quiet", False))


def _cmd_demo(args) -> int:
    from grader import report_folder
    from grader.authoring.samples import write_samples

    sandbox.requested_sandbox()
    root = Path(args.out)
    submitted = write_samples(root, args.assignment)
    run = grade_paths(discover.discover(submitted, args.assignment).submissions, progress=True,
                      jobs=os.cpu_count() or 1)
    print(report.render_table(run.results))
    folder = root / "report"
    report_folder.write(run.results, folder, options=report_folder.Options(progress=True))
    print(f"\nreport: {folder}/ (items/index.html: item analysis; similarity/: code similarity; "
          f"lms/: gradebooks for the LMS; feedback/: what each student gets)")
    return 0


def _cmd_report(args) -> int:
    from grader import report_folder

    folders = [Path(f) for f in args.folders]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        print(f"grader: not a folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    stored = results.load(folders, detail=False)
    if not stored:
        print(f"grader: no results in {', '.join(map(str, folders))} (grader grade --results DIR, "
              f"or nbgrader autograde's grader_results/)", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else folders[0] / "report"
    try:
        written = report_folder.write(stored, out, options=_report_options(args))
    except (OSError, ValueError) as exc:  # a roster that is not Canvas's export, GRADER_NOW
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    print(f"{len(stored)} results -> {out}/ ({len(written)} files)")
    for name in ("items/index.html", "similarity", "lms/canvas.csv", "lms/grades.csv"):
        if (out / name).exists():
            print(f"  {out / name}")
    return 0


def _cmd_merge(args) -> int:
    from grader import report_folder

    folders = [Path(f) for f in args.folders]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        print(f"grader: not a folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    out = Path(args.out)
    merged = results.merge(folders, out)
    report_folder.write(merged, out / "report")
    print(report.render_table(merged))
    return 0


def _cmd_list(args) -> int:
    for assignment_id in assignments.all_ids():
        print(assignment_id)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grader", description="LLM 과정 자동 채점기")
    sub = parser.add_subparsers(dest="command", required=True)

    grade = sub.add_parser("grade", help="grade one notebook or a submitted/ tree")
    grade.add_argument("path")
    grade.add_argument("--assignment", help="assignment id (default: from the path)")
    grade.add_argument("--format", choices=report.FORMATS, default="table")
    grade.add_argument("--output", help="write the report here instead of stdout")
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                       help="submissions graded in parallel (default: the number of cores)")
    grade.add_argument("--results", help="folder for per-submission results; a rerun resumes (and "
                                         "regrades what a changed notebook, suite or grader makes "
                                         "stale), and a report/ (gradebook CSV, score changes, "
                                         "plot, summary, feedback) is written")
    grade.add_argument("--shard", help="I/N: grade only shard I of N (a CI matrix); default: the "
                                       "job array's task (GRADER_SHARD, Kubernetes "
                                       "JOB_COMPLETION_INDEX + JOB_COMPLETIONS, Slurm "
                                       "SLURM_ARRAY_TASK_*), else the whole class")
    _add_report_arguments(grade)
    grade.set_defaults(run=_cmd_grade)

    merge = sub.add_parser("merge", help="combine the --results folders of several shards")
    merge.add_argument("folders", nargs="+")
    merge.add_argument("--out", required=True)
    merge.set_defaults(run=_cmd_merge)

    report_cmd = sub.add_parser("report", help="write the report folder from stored results "
                                               "(grader grade --results DIR, nbgrader's grader_results/)")
    report_cmd.add_argument("folders", nargs="+")
    report_cmd.add_argument("--out", help="report folder (default: FIRST/report)")
    report_cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_report_arguments(report_cmd)
    report_cmd.set_defaults(run=_cmd_report)

    demo = sub.add_parser("demo", help="build the sample submissions and grade them")
    demo.add_argument("--out", default="build/samples")
    demo.add_argument("--assignment", help="only this assignment")
    demo.set_defaults(run=_cmd_demo)

    sub.add_parser("list", help="list assignments").set_defaults(run=_cmd_list)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (assignments.UnknownAssignment, sandbox.SandboxModeError, CourseFileError) as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    except SandboxBroken:
        print("grader: refusing to grade: the sandbox is weaker than it reports", file=sys.stderr)
        return 2


def _add_report_arguments(parser) -> None:
    from grader.disclosure import LEVELS
    from grader.insight.lms import CANVAS_ID_COLUMNS

    parser.add_argument("--disclosure", choices=("course", *LEVELS), default="course",
                        help="what student-facing formats show of each test: the level course.toml "
                             "sets for each student now (default), or this one for everyone")
    parser.add_argument("--no-similarity", action="store_true", help="no similarity report")
    parser.add_argument("--similarity-threshold", type=float, metavar="SHARE",
                        help="pairs at or above this similarity (0-1) are shown side by side "
                             "(default 0.7)")
    parser.add_argument("--canvas-roster", metavar="CSV",
                        help="Canvas's gradebook export: names, ids, sections and Canvas's "
                             "assignment columns for lms/canvas.csv")
    parser.add_argument("--canvas-id-column", choices=CANVAS_ID_COLUMNS, default="SIS Login ID",
                        help="the Canvas column that holds the grader's student ids")


class SandboxBroken(Exception):
    """The start-up canary escaped a sandbox that claims to hold."""
