"""What students receive: the student distribution holds the notebooks and their runtime, and no
answers; a notebook that carries answers not yet due stays out of it.

The distribution is built once for the module (every assignment, `--allow-early-release`, so that
every notebook is scanned), by the standard library alone, as `make student-dist` runs it before
any virtual environment exists.
"""
from __future__ import annotations

import ast
import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

from grader import assignments, course
from grader.assignments import ROOT
from grader.authoring import embedded, release_gate, student_dist

COURSE_ID = course.load().id
# Folders of this repository that students never receive, and names that only they hold.
INSTRUCTOR_FOLDERS = ("solutions", "tests", "assignments", "grader", "benchmarks")
INSTRUCTOR_NAMES = {"solutions", "tests", "hidden", "assignments", "grader", "mutants.py",
                    "source.py", "gradebook.db", "grader_results"}


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # -S: no site-packages, so the builder provably needs nothing but the standard library.
    result = subprocess.run([sys.executable, "-S", "-m", "grader.authoring.student_dist", "--out", str(out),
                             "--allow-early-release"], cwd=ROOT, capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert result.returncode == 0, result.stderr
    return out


def _student(dist: Path) -> Path:
    return dist / f"{COURSE_ID}-student"


def _classroom(dist: Path) -> Path:
    return dist / f"{COURSE_ID}-classroom-template"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ----------------------------------------------------------------------------- contents

def test_every_release_notebook_ships_with_what_it_loads(dist):
    for assignment_id in assignments.all_ids():
        release = _files(ROOT / "release" / assignment_id)
        assert _files(_student(dist) / "release" / assignment_id) == release, assignment_id
        assert _files(_classroom(dist) / assignment_id) == release, assignment_id


def test_the_zip_holds_the_student_folder_and_nothing_else(dist):
    with zipfile.ZipFile(dist / f"{COURSE_ID}-student.zip") as archive:
        zipped = {name: archive.read(name) for name in archive.namelist()}
    prefix = f"{COURSE_ID}-student/"
    assert all(name.startswith(prefix) for name in zipped)
    assert {name[len(prefix):]: data for name, data in zipped.items()} == _files(_student(dist))


def test_no_instructor_file_reaches_students(dist):
    released = set(_files(ROOT / "release").values())  # e.g. the course model, also under assignments/
    instructor = {data: f"{folder}/{name}" for folder in INSTRUCTOR_FOLDERS
                  for name, data in _files(ROOT / folder).items()
                  if data not in released and len(data) > 64}
    problems = []
    for layout in (_student(dist), _classroom(dist)):
        for name, data in _files(layout).items():
            parts = set(Path(name).parts)
            if parts & INSTRUCTOR_NAMES:
                problems.append(f"{layout.name}/{name}: an instructor-only name")
            if data in instructor:
                problems.append(f"{layout.name}/{name}: a copy of {instructor[data]}")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- no answers

def _reference_bodies() -> dict[str, set[tuple[str, str]]]:
    """Fingerprint -> {(module, top-level definition)}, for every function and method body of the
    reference solutions (helper modules included) and of the hidden suites."""
    sources = [(p.stem, p) for p in sorted((ROOT / "solutions").glob("*.py"))]
    sources += [(f"hidden/{p.parent.name}", p) for p in sorted((ROOT / "tests" / "hidden").rglob("*.py"))]
    owners: dict[str, set[tuple[str, str]]] = {}
    for module, path in sources:
        for top in ast.parse(path.read_text(encoding="utf-8")).body:
            for _, fingerprint in embedded.function_bodies(top):
                owners.setdefault(fingerprint, set()).add((module, getattr(top, "name", "")))
    return owners


def _declared_given(assignment_id: str) -> dict[str, set[tuple[str, str]]]:
    """grade_id of each support cell -> the definitions its source declares as given code."""
    spec = jupytext.read(assignments.Assignment(assignment_id).notebook_spec, fmt="py:percent")
    return {f"support_{index:03d}": {tuple(ref.split(":", 1)) for ref in cell.metadata["support"]}
            for index, cell in enumerate(spec.cells, start=1) if "support" in cell.metadata}


def _code_units(folder: Path):
    """(where, grade_id or '', AST) of every .py file and every notebook code cell under folder."""
    for path in sorted(folder.rglob("*")):
        where = path.relative_to(folder).as_posix()
        if path.suffix == ".py":
            yield where, "", ast.parse(path.read_text(encoding="utf-8"))
        elif path.suffix == ".ipynb":
            for cell, tree in embedded.notebook_code_cells(path):
                grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
                yield f"{where} cell {grade_id or cell.get('id')}", grade_id, tree


def _answers_in(folder: Path, owners, declared) -> tuple[list[str], int]:
    """(reference bodies found where no notebook declares them as given, given bodies found)."""
    leaks, given = [], 0
    for where, grade_id, tree in _code_units(folder):
        assignment_id = Path(where.split(" ")[0]).stem
        allowed = declared.get(assignment_id, {}).get(grade_id, set())
        for node, fingerprint in embedded.function_bodies(tree):
            found = owners.get(fingerprint)
            if not found:
                continue
            if found & allowed:
                given += 1
            else:
                leaks.append(f"{where}: {node.name} has the body of "
                             f"{', '.join(sorted(f'{m}:{n}' for m, n in found))}")
    return leaks, given


def test_no_reference_solution_body_except_declared_given_code(dist):
    owners = _reference_bodies()
    declared = {aid: _declared_given(aid) for aid in assignments.all_ids()}
    for layout in (_student(dist), _classroom(dist)):
        leaks, given = _answers_in(layout, owners, declared)
        assert not leaks, "\n".join(leaks)
        # The scan sees what it looks for: 08-11 do carry given code from other solutions.
        assert given >= 20, f"{layout.name}: only {given} given bodies found"


def test_the_scan_finds_a_reference_body_pasted_under_another_name(dist, tmp_path):
    owners = _reference_bodies()
    source = ast.parse(assignments.Assignment("12_evaluation").solution.read_text("utf-8"))
    function = next(n for n in source.body if isinstance(n, ast.FunctionDef))
    original, function.name = function.name, "my_own_helper"
    function.body = function.body[1:] if isinstance(function.body[0], ast.Expr) else function.body
    folder = tmp_path / "release" / "12_evaluation"
    folder.mkdir(parents=True)
    nb = nbformat.read(_student(dist) / "release" / "12_evaluation" / "12_evaluation.ipynb", 4)
    nb.cells.append(nbformat.v4.new_code_cell("# 혼자 썼어요\n" + ast.unparse(function)))
    nbformat.write(nb, folder / "12_evaluation.ipynb")
    leaks, _ = _answers_in(tmp_path, owners, {"12_evaluation": _declared_given("12_evaluation")})
    assert len(leaks) == 1 and "my_own_helper" in leaks[0] and f"12_evaluation:{original}" in leaks[0]


# ----------------------------------------------------------------------------- runtime

def test_requirements_are_the_course_runtime_without_test_tools(dist):
    lines = [line for line in (_student(dist) / "requirements.txt").read_text("utf-8").splitlines()
             if line and not line.startswith("#")]
    names = {line.split(";")[0].split("=")[0].split(">")[0].split("<")[0].strip().lower()
             for line in lines}
    assert "torch==2.13.0" in lines
    assert {"jupyterlab", "nbgrader", "numpy", "scikit-learn", "matplotlib", "konlpy"} <= names
    assert not names & {"pytest", "pytest-xdist", "hypothesis", "playwright", "peft", "jupytext",
                        "copydetect"}
    assert (_classroom(dist) / "requirements.txt").read_bytes() == \
        (_student(dist) / "requirements.txt").read_bytes()


def test_jupyter_settings_turn_the_instructor_tools_off_and_keep_the_assignment_list_quiet(dist):
    settings = _student(dist) / "jupyter"
    disabled = json.loads((settings / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    assert {k for k, v in disabled.items() if v} == {
        "@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
        "@jupyter/nbgrader:course-list"}
    servers = {}
    for path in (settings / "jupyter_server_config.d").glob("*.json"):
        servers |= json.loads(path.read_text())["ServerApp"]["jpserver_extensions"]
    assert servers == {"nbgrader.server_extensions.formgrader": False,
                       "nbgrader.server_extensions.course_list": False}

    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config(PyFileConfigLoader("nbgrader_config.py", str(settings)).load_config())
    assert config.CourseDirectory.course_id == COURSE_ID
    exchange = Path(config.Exchange.root)
    assert exchange.is_dir() and not any(exchange.iterdir())  # no exchange: an empty one, no error
    os.environ["COURSE_EXCHANGE"] = "/srv/nbgrader/exchange"
    try:
        config = Config(PyFileConfigLoader("nbgrader_config.py", str(settings)).load_config())
    finally:
        del os.environ["COURSE_EXCHANGE"]
    assert config.Exchange.root == "/srv/nbgrader/exchange"


def test_lab_copies_new_assignments_never_over_work_and_allows_root(dist, tmp_path):
    folder = tmp_path / "student"
    folder.mkdir()
    for name in ("release", "tools", "jupyter"):
        os.symlink(_student(dist) / name, folder / name)
    lab = _load(_student(dist) / "tools" / "lab.py", "course_lab")
    mine = folder / "mywork" / "12_evaluation" / "12_evaluation.ipynb"
    mine.parent.mkdir(parents=True)
    mine.write_text("내 작업", encoding="utf-8")

    assert lab.workspace(folder) == folder / "mywork"
    assert mine.read_text(encoding="utf-8") == "내 작업"
    for assignment_id in assignments.all_ids():
        assert (folder / "mywork" / assignment_id / f"{assignment_id}.ipynb").is_file()
    assert lab.workspace(_classroom(dist)) == _classroom(dist)  # a Classroom repository: itself

    assert "--allow-root" in lab.command(folder, [], is_root=True)
    assert "--allow-root" not in lab.command(folder, [], is_root=False)
    paths = lab.environment(folder)["JUPYTER_CONFIG_PATH"].split(os.pathsep)
    assert paths[0] == str(folder / "jupyter")


def test_rebuilding_keeps_the_students_own_folders(tmp_path):
    built = student_dist.build(tmp_path, ["12_evaluation"], make_zip=False)
    for name in student_dist.KEEP:
        (built.student / name).mkdir()
        (built.student / name / "keep.txt").write_text("x")
    (built.student / "stale.txt").write_text("x")
    built = student_dist.build(tmp_path, ["01_ngram"], make_zip=False)
    assert all((built.student / name / "keep.txt").exists() for name in student_dist.KEEP)
    assert not (built.student / "stale.txt").exists()
    assert sorted(p.name for p in (built.student / "release").iterdir()) == ["01_ngram"]


# ----------------------------------------------------------------------------- GitHub Classroom

def test_classroom_workflow_installs_the_runtime_and_runs_the_visible_checks(dist):
    workflow = yaml.safe_load(
        (_classroom(dist) / ".github" / "workflows" / "student-checks.yml").read_text("utf-8"))
    steps = workflow["jobs"]["checks"]["steps"]
    commands = "\n".join(step.get("run", "") for step in steps)
    assert "pip install -r requirements.txt" in commands
    assert "python tools/check_notebooks.py" in commands
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert str(python["with"]["python-version"]) == student_dist.python_version()
    assert workflow["jobs"]["checks"]["env"]["COURSE_QUICK_RUN"] == "1"


def test_check_notebooks_skips_untouched_passes_solved_and_fails_started(dist, tmp_path, monkeypatch):
    """The checker the workflow runs: one notebook untouched, one solved, one started and wrong."""
    aid = "04_scaling"
    student_helpers = _load(ROOT / "tests" / "student" / "_student.py", "student_helpers")
    for name, value in student_helpers.kernel_env().items():
        monkeypatch.setenv(name, value)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    release = _classroom(dist) / aid / f"{aid}.ipynb"
    paths = {kind: tmp_path / kind / f"{aid}.ipynb" for kind in ("untouched", "solved", "started")}
    for path in paths.values():
        path.parent.mkdir()
    paths["untouched"].write_bytes(release.read_bytes())
    nbformat.write(student_helpers.filled_notebook(assignments.get(aid)), paths["solved"])
    started = nbformat.read(release, 4)
    answer = next(c for c in started.cells if c.metadata.get("nbgrader", {}).get("solution"))
    answer.source += "\n# 여기부터 풀어 볼게요"
    nbformat.write(started, paths["started"])

    checker = _load(_classroom(dist) / "tools" / "check_notebooks.py", "check_notebooks")
    assert checker.main([str(p) for p in paths.values()]) == 1
    rows = [line for line in summary.read_text("utf-8").splitlines() if line.startswith(f"| {aid}")]
    assert [row.split("|")[2].strip() for row in rows] == ["시작 전", "통과", "실패"]
    assert "[아직 구현하지 않음]" in rows[2]
    assert checker.main([str(paths["untouched"])]) == 0  # nothing started: nothing fails


# ----------------------------------------------------------------------------- release gate

def _due(assignment_id: str) -> dt.datetime:
    return course.load().policy(assignment_id).due


MINUTE = dt.timedelta(minutes=1)


def test_the_record_names_the_answers_later_notebooks_carry():
    record = embedded.load_record()
    assert set(record) == set(assignments.all_ids())
    assert "07_attention" in record["08_transformer_block"]
    for later in ("09_generation", "10_finetuning_methods", "11_finetuning_process"):
        assert {"05_tokenization", "07_attention", "08_transformer_block"} <= set(record[later])


def test_the_builder_holds_back_a_notebook_until_the_answers_it_carries_are_due():
    blockers = embedded.load_record()["09_generation"]
    last = max(blockers, key=_due)
    included, held = student_dist.select(None, at=_due(last) - MINUTE)
    assert "09_generation" not in included and "12_evaluation" in included
    assert last in held["09_generation"]
    assert f"{_due(last):%Y-%m-%d %H:%M}" in held["09_generation"]
    # Only what is still open is named: the earlier ones are past due by then.
    assert all(other not in held["09_generation"] for other in blockers
               if _due(other) < _due(last) - MINUTE)

    included, held = student_dist.select(None, at=_due(last) + MINUTE)
    assert "09_generation" in included and "09_generation" not in held


def test_asking_for_a_notebook_early_is_refused_unless_allowed(monkeypatch, capsys, tmp_path):
    before = _due("07_attention") - MINUTE
    with pytest.raises(release_gate.EarlyRelease, match="07_attention"):
        student_dist.select(["08_transformer_block"], at=before)
    assert student_dist.select(["08_transformer_block"], at=before, allow_early=True)[0] == \
        ["08_transformer_block"]

    monkeypatch.setenv(release_gate.NOW_ENV, before.isoformat())
    assert student_dist.main(["08_transformer_block", "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "07_attention" in error and f"{_due('07_attention'):%Y-%m-%d %H:%M}" in error
    assert "--allow-early-release" in error
    assert not (tmp_path / f"{COURSE_ID}-student").exists()


def test_an_embedded_assignment_without_a_due_date_keeps_the_notebook_back(monkeypatch):
    loaded = course.load()
    policies = {aid: policy for aid, policy in loaded.assignments.items() if aid != "07_attention"}
    monkeypatch.setattr(course, "load", lambda: course.Course(
        loaded.id, loaded.timezone, policies, loaded.title))
    far_future = _due("12_evaluation") + dt.timedelta(days=3650)
    with pytest.raises(release_gate.EarlyRelease, match="07_attention.*no due date"):
        release_gate.check("08_transformer_block", how_to_override="x", at=far_future)


def test_a_release_time_without_its_offset_is_an_error(monkeypatch):
    monkeypatch.setenv(release_gate.NOW_ENV, "2027-04-21T09:00:00")
    with pytest.raises(ValueError, match="UTC offset"):
        release_gate.now()


# ----------------------------------------------------------------------------- due dates students see

def test_students_see_each_due_date_and_the_late_rule_in_the_readme_and_the_notebooks(dist):
    from grader import late

    loaded = course.load()
    readme = (_student(dist) / "README.md").read_text(encoding="utf-8")
    assert late.rule_text(loaded.late) in readme
    for assignment_id in assignments.all_ids():
        due = loaded.policy(assignment_id).due.astimezone(dt.timezone(dt.timedelta(hours=9)))
        assert f"| `{assignment_id}` |" in readme and f"{due:%Y-%m-%d %H:%M}" in readme
        first = nbformat.read(_student(dist) / "release" / assignment_id / f"{assignment_id}.ipynb", 4).cells[0]
        assert late.due_line(loaded, assignment_id) in first.source, assignment_id


def test_a_students_own_copy_shows_their_extension(tmp_path, monkeypatch):
    """`--student ID`: the README's table and the notebook's first cell give the extended date;
    every other file is the general distribution's."""
    path = tmp_path / "course.toml"
    path.write_text((ROOT / "course.toml").read_text(encoding="utf-8")
                    + '\n[assignments.12_evaluation.extensions]\n"2027123456" = { days = 3 }\n',
                    encoding="utf-8")
    monkeypatch.setenv(course.COURSE_FILE_ENV, str(path))
    ids = ["07_attention", "12_evaluation"]
    general = student_dist.build(tmp_path / "all", ids, allow_early=True, make_zip=False).student
    mine = student_dist.build(tmp_path / "mine", ids, allow_early=True, make_zip=False,
                              student="2027123456")
    assert mine.student.name == f"{COURSE_ID}-student-2027123456" and mine.classroom is None
    readme = (mine.student / "README.md").read_text(encoding="utf-8")
    assert "2027-05-28 23:59 (연장, 원래 2027-05-25 23:59)" in readme
    notebook = mine.student / "release" / "12_evaluation" / "12_evaluation.ipynb"
    first = nbformat.read(notebook, 4).cells[0].source
    assert "**마감: 2027-05-28 (금) 23:59 (Asia/Seoul)** — 2027123456의 연장된 마감입니다" in first
    nbformat.validate(nbformat.read(notebook, 4))
    everyone = _files(general)
    changed = {name for name, data in _files(mine.student).items() if everyone.get(name) != data}
    assert changed == {"README.md", "release/12_evaluation/12_evaluation.ipynb"}
