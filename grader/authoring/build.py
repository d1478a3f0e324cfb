"""Build the generated files of an assignment from their single sources.

    python -m grader.authoring.build 12_evaluation      # or --all

1. `assignments/<id>/source.py` (jupytext percent: narrative and cell directives) plus the code in
   `solutions/<id>.py` -> the nbgrader source notebook `assignments/<id>/<id>.ipynb`. Points of each
   autograded-test cell come from the hidden suite's markers, so they are declared once.
2. nbgrader `generate_assignment` -> `release/<id>/` (the student version).
3. `release/embedded_solutions.json`: which other assignments' graded solutions the release
   notebook carries as given code (grader/authoring/embedded.py), what the release gate reads.

`tests/project/test_generated_in_sync.py` rebuilds all three and compares them with what is committed.
"""
from __future__ import annotations

import argparse
import ast
import os
import shutil
import sys
import tempfile
from pathlib import Path

import jupytext
import nbformat

from grader import definitions, forbidden
from grader.assignments import Assignment, all_ids, get
from grader.load import SKIP_TAG
from grader.suite import points_per_cell

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
# Put before the first code cell of every notebook: in a kernel, a failing check cell or an unfilled
# stub shows a short Korean message instead of a traceback (the grader never runs it).
CHECK_MESSAGES = Path(__file__).with_name("check_messages.py")
# A support cell naming given code from solutions/course_model.py ("course_model:load_course_model",
# "course_model:load_course_checkpoint", ...) means the notebook reads the course GPT's folder.
COURSE_MODEL_SUPPORT = '"course_model:'


# ----------------------------------------------------------------------------- solution cells

def _region(lines: list[str], indent: str) -> list[str]:
    return [indent + BEGIN] + lines + [indent + END]


def _function_with_hidden_body(node, lines: list[str]) -> list[str]:
    """`def` line(s) and docstring stay; the rest of the body becomes a solution region."""
    start = definitions.first_line(node) - 1
    body = node.body
    has_doc = (isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
               and isinstance(body[0].value.value, str))
    visible_end = body[0].end_lineno if has_doc else body[0].lineno - 1
    hidden = lines[visible_end:node.end_lineno]
    first = next((line for line in hidden if line.strip()), "    pass")
    indent = first[: len(first) - len(first.lstrip())]
    if not hidden:
        return lines[start:node.end_lineno]
    return lines[start:visible_end] + _region(hidden, indent)


def _class_with_hidden_methods(node: ast.ClassDef, lines: list[str]) -> list[str]:
    """Class line, docstring and method signatures stay; method bodies and the rest are regions."""
    start = definitions.first_line(node) - 1
    out = lines[start:node.body[0].lineno - 1]
    for index, member in enumerate(node.body):
        member_start = definitions.first_line(member) - 1
        gap = lines[(node.body[index - 1].end_lineno if index else member_start):member_start]
        out += gap
        if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out += _function_with_hidden_body(member, lines)
        elif index == 0 and isinstance(member, ast.Expr):
            out += lines[member_start:member.end_lineno]  # the class docstring
        else:
            block = lines[member_start:member.end_lineno]
            indent = block[0][: len(block[0]) - len(block[0].lstrip())]
            out += _region(block, indent)
    return out


def support_cell_source(references: list[str]) -> str:
    """Given code copied whole from other solutions: "07_attention:MultiHeadSelfAttention"."""
    parts = []
    for reference in references:
        assignment_id, _, name = reference.partition(":")
        source = Assignment(assignment_id).solution.read_text(encoding="utf-8")
        node = (definitions.top_level(source).get(name)
                or definitions.top_level_constants(source).get(name))
        if node is None:
            raise KeyError(f"support cell names {reference!r}, which solutions/{assignment_id}.py "
                           f"does not define")
        parts.append(definitions.text(source, node))
    return "\n\n\n".join(parts)


def solution_cell_source(names: list[str], impl_source: str) -> str:
    """The code of a solution cell: the named definitions of the implementation module."""
    lines = impl_source.splitlines()
    defined = definitions.top_level(impl_source)
    parts = []
    for name in names:
        node = defined.get(name)
        if node is None:
            raise KeyError(f"solution cell names {name!r}, which the implementation does not define")
        if isinstance(node, ast.ClassDef):
            parts.append("\n".join(_class_with_hidden_methods(node, lines)))
        else:
            parts.append("\n".join(_function_with_hidden_body(node, lines)))
    return "\n\n\n".join(parts)


# ----------------------------------------------------------------------------- notebook

def build_notebook(assignment: Assignment, impl_source: str | None = None) -> nbformat.NotebookNode:
    """The nbgrader source notebook, with solution cells taken from `impl_source`."""
    if impl_source is None:
        impl_source = assignment.solution.read_text(encoding="utf-8")
    spec = jupytext.reads(assignment.notebook_spec.read_text(encoding="utf-8"), fmt="py:percent")
    points = points_per_cell(assignment)
    rules = forbidden.rules_for(assignment)
    cells, seen_tests = [], set()
    for index, cell in enumerate(spec.cells, start=1):
        if cell.cell_type == "code" and not any(c.cell_type == "code" for c in cells):
            cells.append(_check_messages_cell())
        meta = dict(cell.metadata)
        solution = meta.pop("solution", None)
        tests = meta.pop("tests", None)
        support = meta.pop("support", None)
        tags = list(meta.pop("tags", []))
        if cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(with_due_line(cell.source, assignment.id)
                                                if index == 1 else cell.source)
            new.id = f"md-{index:03d}"
        elif solution is not None:
            new = nbformat.v4.new_code_cell(solution_cell_source(list(solution), impl_source))
            new.metadata["nbgrader"] = _nbgrader(solution[0], solution=True)
            new.id = f"solution-{solution[0].strip('_')}"[:64]
        elif support is not None:
            new = nbformat.v4.new_code_cell(support_cell_source(list(support)))
            new.metadata["nbgrader"] = _nbgrader(f"support_{index:03d}", locked=True)
            new.id = f"support-{index:03d}"
        elif tests is not None:
            if tests not in points:
                raise ValueError(f"tests cell {tests!r} has no hidden tests marked with it")
            seen_tests.add(tests)
            new = nbformat.v4.new_code_cell(cell.source)
            new.metadata["nbgrader"] = _nbgrader(tests, grade=True, locked=True, points=points[tests])
            new.id = f"tests-{tests}"[:64]
        elif SKIP_TAG in tags:
            new = nbformat.v4.new_code_cell(cell.source)
            new.metadata["nbgrader"] = _nbgrader(f"demo_{index:03d}", locked=True)
            new.id = f"demo-{index:03d}"
        else:
            new = nbformat.v4.new_code_cell(cell.source)
            new.id = f"code-{index:03d}"
        if tags:
            new.metadata["tags"] = tags
        cells.append(new)
        if index == 1 and cell.cell_type == "markdown" and rules:
            cells.append(_forbidden_calls_cell(rules))
    missing = set(points) - seen_tests
    if missing:
        raise ValueError(f"hidden tests mark cells the notebook does not have: {sorted(missing)}")
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    nb.nbformat_minor = 5
    return nb


def with_due_line(source: str, assignment_id: str) -> str:
    """The notebook's first cell with the due date and the late rule (course.toml) under its
    heading; grader/authoring/student_dist.py puts a student's extension in their personal copy."""
    from grader import course, late

    line = late.due_line(course.load(), assignment_id)
    if line is None:
        return source
    heading, _, rest = source.partition("\n")
    return f"{heading}\n\n{line}\n" + (rest if rest.startswith("\n") else "\n" + rest if rest else "")


def _forbidden_calls_cell(rules) -> nbformat.NotebookNode:
    """The assignment's forbidden list from course.toml, as students read it (grader/forbidden.py)."""
    lines = ["> **이 과제에서 쓰지 않는 것** — 채점되는 함수(해답 칸에 쓰는 코드)에서는 아래 라이브러리 기능을",
             "> 쓰지 마세요. 그 기능을 직접 만드는 것이 이 과제입니다. 채점기는 제출한 코드를 읽어 이 기능을 쓴",
             "> 함수를 찾고, 채점하는 동안 이 기능의 호출을 막습니다. 쓴 함수의 테스트는 0점입니다. 주어진 코드와",
             "> 그림 셀은 예외입니다.", ">"]
    for rule in rules:
        where = "" if forbidden.ANY in rule.scope else f" — `{'`, `'.join(rule.scope)}` 안에서"
        lines.append(f"> - `{rule.name}`{where}")
    cell = nbformat.v4.new_markdown_cell("\n".join(lines))
    cell.id = "forbidden-calls"
    return cell


def _check_messages_cell() -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(CHECK_MESSAGES.read_text(encoding="utf-8").strip())
    cell.metadata["nbgrader"] = _nbgrader("check_messages", locked=True)
    cell.metadata["tags"] = [SKIP_TAG]
    cell.metadata["jupyter"] = {"source_hidden": True}  # shown folded: run it, no need to read it
    cell.id = "check-messages"
    return cell


def _nbgrader(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def write_source_notebook(assignment: Assignment) -> Path:
    nbformat.write(build_notebook(assignment), assignment.source_notebook)
    return assignment.source_notebook


# ----------------------------------------------------------------------------- release

def generate_release(assignment: Assignment, target_root: Path) -> Path:
    """Run nbgrader generate_assignment in a scratch course; copy release/<id> under target_root."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    _venv_tools_on_path()
    with tempfile.TemporaryDirectory(prefix="grader-build-") as scratch:
        course = Path(scratch)
        shutil.copytree(assignment.source_dir, course / "assignments" / assignment.id,
                        ignore=shutil.ignore_patterns("source.py", "__pycache__", ".*"))
        _add_course_model(assignment, course / "assignments" / assignment.id)
        config = Config()
        config.CourseDirectory.root = str(course)
        config.CourseDirectory.source_directory = "assignments"
        config.CourseDirectory.release_directory = "release"
        config.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
        config.Application.log_level = "WARNING"
        result = NbGraderAPI(config=config).generate_assignment(assignment.id, force=True, create=True)
        if not result.get("success"):
            raise RuntimeError(f"nbgrader generate_assignment failed:\n{result.get('log', '')}"
                               f"\n{result.get('error', '')}")
        target = target_root / assignment.id
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(course / "release" / assignment.id, target)
    return target


def _add_course_model(assignment: Assignment, folder: Path) -> None:
    """A notebook that loads the course GPT (a support cell from solutions/course_model.py) ships its
    folder; the checkpoint itself lives once, in 09_generation (docs/course_model.md)."""
    if (COURSE_MODEL_SUPPORT in assignment.notebook_spec.read_text(encoding="utf-8")
            and not (folder / "course_model").exists()):
        shutil.copytree(Assignment("09_generation").source_dir / "course_model", folder / "course_model")


def _venv_tools_on_path() -> None:
    """nbgrader runs `alembic` by name; find it beside this interpreter even without an activated venv."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def build(assignment: Assignment) -> None:
    from grader.authoring import embedded

    write_source_notebook(assignment)
    generate_release(assignment, assignment.release_dir.parent)
    embedded.update_record([assignment.id])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.authoring.build", description=__doc__.split("\n")[0])
    parser.add_argument("ids", nargs="*")
    parser.add_argument("--all", action="store_true")
    args = parser.parse_args(argv)
    for assignment_id in all_ids() if args.all else args.ids:
        build(get(assignment_id))
        print(f"built {assignment_id}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
