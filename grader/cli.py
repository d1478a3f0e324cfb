"""`grader` command line.

    grader grade PATH [--assignment ID] [--format table|json|md|junit|gradescope] [--output FILE]
                      [--jobs N] [--results DIR] [--shard I/N]
    grader merge DIR... --out DIR    combine the result folders of several shards
    grader demo       build the sample submissions and grade them (the README's first command)
    grader list       the assignments this course has

Exit status 0 whenever grading completed, whatever the scores; 2 when the grader itself could not
run (bad arguments, unknown assignment, nothing to grade).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from grader import assignments, report


def find_submissions(path: Path, assignment_id: str | None) -> list[tuple[Path, str, str]]:
    """(notebook, assignment id, student) for one notebook or an nbgrader `submitted/` tree.

    In a tree, a notebook's folder names its assignment and the folder above it the student:
    `submitted/<student>/<assignment>/<notebook>.ipynb`.
    """
    known = set(assignments.all_ids())
    if path.is_file():
        found = assignment_id or (path.stem if path.stem in known else path.parent.name)
        in_tree = path.parent.name == found and path.parent.parent.parent.name == "submitted"
        return [(path, found, path.parent.parent.name if in_tree else path.stem)]
    found = []
    for notebook in sorted(path.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in notebook.parts:
            continue
        folder = notebook.parent.name
        assignment = folder if folder in known else notebook.stem
        if assignment_id and assignment != assignment_id:
            continue
        if assignment in known:
            student = notebook.parent.parent.name if folder == assignment else notebook.stem
            found.append((notebook, assignment, student))
    return found


def grade_paths(submissions, *, progress: bool, jobs: int = 1, results: Path | None = None,
                shard: tuple[int, int] | None = None):
    from grader import batch, selfcheck

    if not selfcheck.check(lambda line: print(line, file=sys.stderr)):
        raise SandboxBroken()
    return batch.grade_batch(submissions, jobs=jobs, results=results, shard=shard, progress=progress)


def _cmd_grade(args) -> int:
    path = Path(args.path)
    if not path.exists():
        print(f"grader: {path}: no such file or directory", file=sys.stderr)
        return 2
    if args.assignment:
        assignments.get(args.assignment)  # raises UnknownAssignment with the known ids
    submissions = find_submissions(path, args.assignment)
    if not submissions:
        print(f"grader: no notebooks of a known assignment under {path} "
              f"(known: {', '.join(assignments.all_ids())})", file=sys.stderr)
        return 2
    from grader import batch

    try:
        shard = batch.parse_shard(args.shard) if args.shard else None
    except ValueError as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    results_dir = Path(args.results) if args.results else None
    results = grade_paths(submissions, progress=not args.quiet, jobs=args.jobs,
                          results=results_dir, shard=shard)
    if results_dir is not None:
        batch.write_outputs(batch.load_results([results_dir]), results_dir / "report")
    text = report.render(results, args.format)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


def _cmd_demo(args) -> int:
    from grader.samples import write_samples

    root = Path(args.out)
    submitted = write_samples(root, args.assignment)
    results = grade_paths(find_submissions(submitted, args.assignment), progress=True,
                          jobs=os.cpu_count() or 1)
    print(report.render_table(results))
    return 0


def _cmd_merge(args) -> int:
    from grader import batch

    folders = [Path(f) for f in args.folders]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        print(f"grader: not a folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    results = batch.load_results(folders)
    out = Path(args.out)
    for result in results:
        doc = result.to_dict(instructor=True)
        batch.write_atomically(batch.result_path(out, result.assignment, result.student),
                               json.dumps(doc, ensure_ascii=False, indent=1))
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
    grade.add_argument("--results", help="folder for per-submission results; a rerun resumes, and "
                                         "a report/ (gradebook CSV, plot, summary, feedback) is written")
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
    except assignments.UnknownAssignment as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    except SandboxBroken:
        print("grader: refusing to grade: the sandbox is weaker than it reports", file=sys.stderr)
        return 2


class SandboxBroken(Exception):
    """The start-up canary escaped a sandbox that claims to hold."""
