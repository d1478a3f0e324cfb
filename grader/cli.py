"""`grader` command line.

    grader grade PATH [--assignment ID] [--format table|json|md|junit|gradescope] [--output FILE]
                      [--jobs N] [--results DIR] [--shard I/N]
    grader merge DIR... --out DIR    combine the result folders of several shards
    grader demo       build the sample submissions and grade them (the README's first command)
    grader list       the assignments this course has

Exit status 0 whenever grading completed, whatever the scores; 1 when it completed but the
grader itself failed on some submission (its row says so; a rerun retries it); 2 when the grader
could not run (bad arguments, unknown assignment or sandbox mode, nothing to grade).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from grader import assignments, discover, fingerprint, report, sandbox


def grade_paths(submissions, *, progress: bool, jobs: int = 1, results: Path | None = None,
                shard: tuple[int, int] | None = None):
    from grader import batch, selfcheck

    if not selfcheck.check(lambda line: print(line, file=sys.stderr)):
        raise SandboxBroken()
    return batch.grade_batch(submissions, jobs=jobs, results=results, shard=shard, progress=progress)


def _cmd_grade(args) -> int:
    path = Path(args.path)
    if not os.path.lexists(path):
        print(f"grader: {discover.escape_name(str(path))}: no such file or directory", file=sys.stderr)
        return 2
    sandbox.requested_sandbox()  # an unknown GRADER_SANDBOX is refused before anything runs
    from grader import batch

    try:
        shard = batch.parse_shard(args.shard) if args.shard else None
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
    run = grade_paths(found.submissions, progress=not args.quiet, jobs=args.jobs,
                      results=results_dir, shard=shard)
    for change in run.changes:
        print(f"grader: regraded ({fingerprint.describe(change.reasons)}): {change.student} "
              f"{change.assignment} {change.old:g} -> {change.new:g}", file=sys.stderr)
    if results_dir is not None:
        graded = {s.assignment for s in found.submissions}
        earlier = [r for r in batch.load_results([results_dir]) if r.assignment not in graded]
        batch.write_outputs(earlier + run.results, results_dir / "report", changes=run.changes,
                            skipped=found.skipped)
    text = report.render(run.results, args.format)
    if args.output:
        batch.write_atomically(Path(args.output), text + "\n")
    else:
        sys.stdout.write(text.encode("utf-8", "backslashreplace").decode("utf-8") + "\n")
    return 1 if run.grader_errors else 0


def _cmd_demo(args) -> int:
    from grader.samples import write_samples

    sandbox.requested_sandbox()
    root = Path(args.out)
    submitted = write_samples(root, args.assignment)
    run = grade_paths(discover.discover(submitted, args.assignment).submissions, progress=True,
                      jobs=os.cpu_count() or 1)
    print(report.render_table(run.results))
    return 0


def _cmd_merge(args) -> int:
    from grader import batch

    folders = [Path(f) for f in args.folders]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        print(f"grader: not a folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    docs = batch.load_docs(folders)
    out = Path(args.out)
    for doc in docs:  # as stored: the notebook's SHA-256 and what graded it come along
        batch.write_atomically(batch.result_path(out, doc["assignment"], doc["student"]),
                               json.dumps(doc, ensure_ascii=False, indent=1))
    results = [batch.Result.from_dict(doc) for doc in docs]
    batch.write_outputs(results, out / "report")
    print(report.render_table(results))
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
    grade.add_argument("--shard", help="I/N: grade only shard I of N (for CI matrices)")
    grade.set_defaults(run=_cmd_grade)

    merge = sub.add_parser("merge", help="combine the --results folders of several shards")
    merge.add_argument("folders", nargs="+")
    merge.add_argument("--out", required=True)
    merge.set_defaults(run=_cmd_merge)

    demo = sub.add_parser("demo", help="build the sample submissions and grade them")
    demo.add_argument("--out", default="build/samples")
    demo.add_argument("--assignment", help="only this assignment")
    demo.set_defaults(run=_cmd_demo)

    sub.add_parser("list", help="list assignments").set_defaults(run=_cmd_list)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (assignments.UnknownAssignment, sandbox.SandboxModeError) as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    except SandboxBroken:
        print("grader: refusing to grade: the sandbox is weaker than it reports", file=sys.stderr)
        return 2


class SandboxBroken(Exception):
    """The start-up canary escaped a sandbox that claims to hold."""
