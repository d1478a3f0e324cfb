"""`grader` command line.

    grader grade PATH [--assignment ID] [--format table|json|md|junit|gradescope] [--output FILE]
    grader demo       build the sample submissions and grade them (the README's first command)
    grader list       the assignments this course has

Exit status 0 whenever grading completed, whatever the scores; 2 when the grader itself could not
run (bad arguments, unknown assignment, nothing to grade).
"""
from __future__ import annotations

import argparse
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
        student = path.parent.parent.name if path.parent.name == found else path.stem
        return [(path, found, student or "student")]
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


def grade_paths(submissions, fmt: str, progress: bool):
    from grader.grade import grade_notebook

    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover
        tqdm = None
    iterator = submissions
    if progress and tqdm is not None and len(submissions) > 1:
        iterator = tqdm(submissions, desc="채점", unit="제출물", file=sys.stderr)
    return [grade_notebook(notebook, assignments.get(aid), student)
            for notebook, aid, student in iterator]


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
    results = grade_paths(submissions, args.format, progress=not args.quiet)
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
    results = grade_paths(find_submissions(submitted, args.assignment), "table", progress=True)
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
    grade.set_defaults(run=_cmd_grade)

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
