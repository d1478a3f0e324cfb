"""Every submitted item appears exactly once, the same in every run, and nobody poses as another.

Discovery cases are checked on small trees (no grading); one class with every hostile item at once
goes through the real grader (`grader grade submitted/ --results R/ --jobs 2`, then a rerun); a
property test grades random trees with a stub grader, where the promise is about bookkeeping.
"""
import csv
import json
import os
import subprocess
import sys
import threading

import nbformat
import pytest

from grader import assignments, cli, discover
from grader.authoring.build import build_notebook
from grader.discover import DiscoveryError, escape_name, unescape_name
from grader.errors import NotebookLoadError
from grader.load import json_depth, load_submission, parse_notebook, read_notebook_bytes
from grader.report import csv_cell
from grader.results import file_stem, write_atomically

AID = "12_evaluation"
ROOT = assignments.ROOT
# One xdist worker for the file: the hostile class below is graded once for all its tests.
pytestmark = pytest.mark.xdist_group("submitted_trees")


@pytest.fixture(scope="module")
def evaluation():
    return assignments.get(AID)


@pytest.fixture(scope="module")
def notebooks(evaluation):
    """The texts a class hands in: the reference, the untouched release, another assignment's."""
    return {"ref": nbformat.writes(build_notebook(evaluation, evaluation.solution.read_text("utf-8"))),
            "stub": evaluation.release_notebook.read_text("utf-8"),
            "other": assignments.get("01_ngram").release_notebook.read_text("utf-8")}


def put(root, relative, text="{}"):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def only(found):
    (submission,) = found.submissions
    return submission


# ----------------------------------------------------------------------------- discovery

def test_two_notebooks_in_one_folder_give_one_row_graded_by_the_documented_rule(tmp_path):
    put(tmp_path, f"alice/{AID}/{AID} (1).ipynb")
    put(tmp_path, f"alice/{AID}/{AID}.ipynb")
    put(tmp_path, f"alice/{AID}/homework.ipynb")
    first = only(discover.discover(tmp_path, AID))
    assert first.notebook == tmp_path / "alice" / AID / f"{AID}.ipynb"
    assert f"`{AID}/{AID} (1).ipynb`" in first.notes[0]
    assert f"`{AID}/homework.ipynb`" in first.notes[0]
    assert "several notebooks" in first.notes[0]
    assert all(only(discover.discover(tmp_path, AID)) == first for _ in range(4))


def test_a_browser_copy_is_graded_when_it_is_the_only_notebook(tmp_path):
    put(tmp_path, f"alice/{AID}/{AID}-2.ipynb")
    put(tmp_path, f"alice/{AID}/timestamp.txt", "2026-03-09 12:00:00")
    submission = only(discover.discover(tmp_path))
    assert submission.notebook.name == f"{AID}-2.ipynb" and submission.notes == ()


def test_a_python_file_handed_in_instead_of_the_notebook_gets_a_zero_row_with_a_note(tmp_path):
    put(tmp_path, f"bob/{AID}.ipynb")
    put(tmp_path, f"frank/{AID}/{AID}.py", "def accuracy_score(): ...\n")
    frank = discover.discover(tmp_path, AID).submissions[1]
    assert (frank.student, frank.notebook) == ("frank", None)
    assert "노트북(.ipynb)을 찾지 못해 0점" in frank.problem and "no gradable notebook" in frank.problem
    assert any(f"`{AID}/{AID}.py`" in note and "not a notebook" in note for note in frank.notes)


def test_the_flat_layout_names_the_student_not_the_notebook(tmp_path):
    put(tmp_path, f"alice/{AID}.ipynb")
    put(tmp_path, f"bob/{AID}.ipynb")
    found = discover.discover(tmp_path)
    assert [(s.student, s.assignment) for s in found.submissions] == [("alice", AID), ("bob", AID)]


def test_a_nested_copy_inside_ones_own_folder_is_never_another_students_submission(tmp_path):
    put(tmp_path, f"alice/{AID}/{AID}.ipynb")
    put(tmp_path, f"alice/bob/{AID}/{AID}.ipynb")
    put(tmp_path, f"bob/{AID}/{AID}.ipynb")
    put(tmp_path, f"carol/deeper/{AID}/{AID}.ipynb")
    found = discover.discover(tmp_path, AID)
    assert {s.student: s.notebook for s in found.submissions} == {
        "alice": tmp_path / "alice" / AID / f"{AID}.ipynb",
        "bob": tmp_path / "bob" / AID / f"{AID}.ipynb", "carol": None}
    assert any("`deeper/`" in note for note in found.submissions[2].notes)


@pytest.mark.parametrize("name", [f"{AID} (1).ipynb", f"{AID}(2).ipynb", f"{AID}-2.ipynb",
                                  f"{AID}_3.ipynb", f"{AID} copy.ipynb", f"{AID} - 복사본 (2).ipynb",
                                  "12_Evaluation.ipynb"])
def test_a_browser_renamed_download_is_recognised(tmp_path, name):
    path = put(tmp_path / "ren", name)
    submission = only(discover.discover(path))
    assert (submission.assignment, submission.notebook) == (AID, path)


def test_an_lms_file_names_its_student_and_an_unnamed_notebook_is_told_by_its_graded_cells(
        tmp_path, notebooks):
    lms = put(tmp_path, f"{AID}_carol_attempt_2026-03-09-23-59-00_{AID}.ipynb")
    carol = only(discover.discover(lms))
    assert (carol.student, carol.assignment) == ("carol", AID)
    homework = put(tmp_path, "homework.ipynb", notebooks["stub"])
    assert only(discover.discover(homework)).assignment == AID


def test_an_unrecognisable_notebook_asks_for_assignment_with_exit_2(tmp_path, capsys):
    path = put(tmp_path / "ren", "homework (1).ipynb", json.dumps({"nbformat": 4, "cells": []}))
    with pytest.raises(DiscoveryError, match="--assignment"):
        discover.discover(path)
    assert cli.main(["grade", str(path)]) == 2
    err = capsys.readouterr().err
    assert "--assignment" in err and "unknown assignment 'ren'" not in err


def test_lms_downloads_grade_each_students_latest_attempt(tmp_path):
    for stamp in ("2026-03-09-20-00-00", "2026-03-09-23-59-00", "2026-03-08-23-00-00"):
        put(tmp_path, f"{AID}_carol_attempt_{stamp}_{AID}.ipynb")
    put(tmp_path, f"{AID}_dave_attempt_2026-03-10-00-30-00_{AID}.py", "x = 1\n")
    carol, dave = discover.discover(tmp_path).submissions
    assert carol.student == "carol" and "23-59-00" in carol.notebook.name
    assert "20-00-00" in carol.notes[0] and "08-23-00-00" in carol.notes[0]
    assert dave.student == "dave" and dave.notebook is None and "not a notebook" in " ".join(dave.notes)


def test_special_files_are_reported_by_name_and_never_opened(tmp_path, evaluation):
    (tmp_path / "dirnb" / AID / f"{AID}.ipynb").mkdir(parents=True)
    (tmp_path / "fifo" / AID).mkdir(parents=True)
    os.mkfifo(tmp_path / "fifo" / AID / f"{AID}.ipynb")
    (tmp_path / "link" / AID).mkdir(parents=True)
    os.symlink(evaluation.source_notebook, tmp_path / "link" / AID / f"{AID}.ipynb")
    put(tmp_path, f"mixed/{AID}/{AID} (1).ipynb")
    os.symlink("/etc/passwd", tmp_path / "mixed" / AID / f"{AID}.ipynb")
    os.symlink(tmp_path / "mixed", tmp_path / "mixed-link")
    found = discover.discover(tmp_path, AID)
    rows = {s.student: s for s in found.submissions}
    assert set(rows) == {"dirnb", "fifo", "link", "mixed"}
    for student, kind in (("dirnb", "directory"), ("fifo", "FIFO"), ("link", "symlink")):
        assert rows[student].notebook is None and f"{kind}, not a regular file" in rows[student].notes[1]
    assert rows["mixed"].notebook.name == f"{AID} (1).ipynb"
    assert "symlink" in rows["mixed"].notes[0]
    assert found.skipped and "mixed-link (symlink" in found.skipped[0]


def test_a_students_folder_given_instead_of_submitted_is_refused_with_a_hint(tmp_path, capsys):
    put(tmp_path, f"submitted/alice/{AID}/{AID}.ipynb")
    assert cli.main(["grade", str(tmp_path / "submitted" / "alice")]) == 2
    assert "submitted/" in capsys.readouterr().err
    assert cli.main(["grade", str(tmp_path)]) == 2
    assert "submitted" in capsys.readouterr().err


def test_assignments_of_a_tree_come_from_its_assignment_folders(tmp_path):
    put(tmp_path, f"alice/{AID}/{AID}.ipynb")
    put(tmp_path, "alice/07_attention/07_attention.ipynb")
    put(tmp_path, f"bob/{AID}/{AID}.ipynb")
    put(tmp_path, "bob/01_ngram.ipynb")  # a stray notebook beside the folders names nothing
    found = discover.discover(tmp_path)
    assert [(s.student, s.assignment, s.problem is None) for s in found.submissions] == [
        ("alice", "07_attention", True), ("bob", "07_attention", False),
        ("alice", AID, True), ("bob", AID, True)]


# ----------------------------------------------------------------------------- names

@pytest.mark.parametrize("raw", ["=HYPERLINK(\"http://x\",\"y\")", "\x1b[31mred\x1b[0m", "a%41b",
                                 "caf\udce9", "\u202eevil", "tab\there", "김철수", "-1+2", "`code`"])
def test_student_ids_are_printable_and_reversible(raw):
    escaped = escape_name(raw)
    assert escaped.isprintable() and "`" not in escaped
    assert escaped.encode("utf-8")  # no surrogates left
    assert unescape_name(escaped) == raw
    assert "/" not in file_stem(escaped) and not file_stem(escaped).startswith(".")


def test_csv_cells_never_start_a_formula_and_hold_no_control_characters():
    assert csv_cell('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert [csv_cell(v)[0] for v in ("+1", "-1", "@SUM(A1)")] == ["'"] * 3
    assert csv_cell("a\x1b[31mb\x00c") == "a[31mbc"
    assert csv_cell("100") == "100" and csv_cell("김철수") == "김철수"


def test_a_very_long_student_id_still_fits_a_file_name():
    stem = file_stem(escape_name("\x01" * 250))
    assert len(stem.encode("utf-8")) <= 150
    assert file_stem(escape_name("\x01" * 250) + "x") != stem


def test_an_unwritable_result_leaves_no_temp_file(tmp_path):
    target = tmp_path / "r" / "x.json"
    target.mkdir(parents=True)  # os.replace onto a folder fails
    with pytest.raises(OSError):
        write_atomically(target, "{}")
    write_atomically(tmp_path / "ok.json", '{"s": "caf\udce9"}')
    assert json.loads((tmp_path / "ok.json").read_text("utf-8")) == {"s": "caf\udce9"}
    assert not list(tmp_path.rglob("*.tmp"))


# ----------------------------------------------------------------------------- reading

@pytest.mark.parametrize("text, why", [
    ("[" * 950 + "]" * 950, "JSON nested 950 deep"),
    ("[" * 400_000, "JSON nested 400000 deep"),
    (json.dumps({"nbformat": 4, "nbformat_minor": 5}), "no list of cells"),
    (json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": ["print(1)"]}),
     "1 cells are not objects"),
    (json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}}), "without worksheets"),
    (json.dumps({"nbformat": "4", "cells": []}), "nbformat '4'"),
    ('{"cells": [', "JSONDecodeError"),
    ("[1, 2]", "top level is a list"),
])
def test_a_malformed_notebook_is_a_load_error_with_a_reason_never_a_crash(text, why):
    with pytest.raises(NotebookLoadError) as caught:
        parse_notebook(text.encode("utf-8"))
    assert why in caught.value.detail
    assert "(" in caught.value.student_message  # Korean, then English in brackets


def test_lenient_where_the_grader_can_still_grade():
    cells = parse_notebook(json.dumps({"nbformat": 4, "cells": [
        {"cell_type": "code", "source": "x = 1"}]}).encode("utf-8-sig"))
    assert cells[0]["source"] == "x = 1"
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": "y = 2", "outputs": [], "language": "python", "metadata": {}}]}]}
    assert parse_notebook(json.dumps(v3).encode())[0]["source"] == "y = 2"


def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth(b'{"a": "[[[[{{{", "b": ["\\"[[["]}') == 2
    assert json_depth(b"17") == 0


def test_a_fifo_a_link_and_a_folder_are_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "fifo.ipynb")
    os.symlink("/etc/passwd", tmp_path / "link.ipynb")
    (tmp_path / "dir.ipynb").mkdir()
    outcomes = {}

    def read_all():
        for name in ("fifo", "link", "dir"):
            try:
                read_notebook_bytes(tmp_path / f"{name}.ipynb")
            except NotebookLoadError as exc:
                outcomes[name] = exc.student_message

    reader = threading.Thread(target=read_all, daemon=True)
    reader.start()
    reader.join(timeout=30)
    assert set(outcomes) == {"fifo", "link", "dir"}, "reading a FIFO blocked"
    assert all("root:" not in message for message in outcomes.values())


def test_a_notebook_of_another_assignment_gets_a_note_naming_it(evaluation):
    loaded = load_submission(assignments.get("01_ngram").release_notebook, evaluation)
    assert any("01_ngram" in note and "12_evaluation" in note for note in loaded.notes)
    assert load_submission(evaluation.release_notebook, evaluation).notes == []


# ----------------------------------------------------------------------------- one hostile class

HOSTILE = {  # student folder -> what it holds, and what its row must say
    "alice": "the reference, and a stub in alice/bob/12_evaluation/ (posing as bob)",
    "bob": "the reference",
    "two": "the reference and a stub as '12_evaluation (1).ipynb'",
    "flat": "the reference as submitted/flat/12_evaluation.ipynb",
    "other": "01_ngram's release notebook as 12_evaluation.ipynb",
    "caf\udce9": "the reference, in a folder whose name is not UTF-8",
    "pyonly": "12_evaluation.py",
    "dirnb": "a folder named 12_evaluation.ipynb",
    "fifo": "a FIFO named 12_evaluation.ipynb",
    "solution-link": "a symlink to the course's source notebook (solutions inside)",
    "passwd-link": "a symlink to /etc/passwd",
    "nometa": "no metadata and no cells",
    "cellstr": "a cell that is a string",
    "v3": "nbformat 3 without worksheets",
    "deep": "JSON nested 950 deep",
    "brackets": "400 KB of brackets",
    "=HYPERLINK(\"evil\",\"y\")": "a broken notebook, in a folder named like a formula",
    "\x1b[31mred\x1b[0m": "a broken notebook, in a folder named with ANSI escapes",
    "empty": "nothing",
}


def _hostile_class(root, evaluation, notebooks):
    root.mkdir()
    for folder in ("alice", "bob", "two", "caf\udce9"):
        put(root, f"{folder}/{AID}/{AID}.ipynb", notebooks["ref"])
    put(root, f"alice/bob/{AID}/{AID}.ipynb", notebooks["stub"])
    put(root, f"two/{AID}/{AID} (1).ipynb", notebooks["stub"])
    put(root, f"flat/{AID}.ipynb", notebooks["ref"])
    put(root, f"other/{AID}/{AID}.ipynb", notebooks["other"])
    put(root, f"pyonly/{AID}/{AID}.py", "def accuracy_score(y_true, y_pred): ...\n")
    (root / "dirnb" / AID / f"{AID}.ipynb").mkdir(parents=True)
    (root / "fifo" / AID).mkdir(parents=True)
    os.mkfifo(root / "fifo" / AID / f"{AID}.ipynb")
    (root / "solution-link" / AID).mkdir(parents=True)
    os.symlink(evaluation.source_notebook, root / "solution-link" / AID / f"{AID}.ipynb")
    (root / "passwd-link" / AID).mkdir(parents=True)
    os.symlink("/etc/passwd", root / "passwd-link" / AID / f"{AID}.ipynb")
    bad = {"nometa": json.dumps({"nbformat": 4, "nbformat_minor": 5}),
           "cellstr": json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": ["x"]}),
           "v3": json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}}),
           "deep": "[" * 950 + "]" * 950, "brackets": "[" * 400_000,
           "=HYPERLINK(\"evil\",\"y\")": '{"cells": [', "\x1b[31mred\x1b[0m": '{"cells": ['}
    for folder, text in bad.items():
        put(root, f"{folder}/{AID}/{AID}.ipynb", text)
    (root / "empty").mkdir()
    put(root, "stray.txt", "not a student")
    os.symlink(root / "bob", root / "bob-link")


def _run(*args):
    return subprocess.run([sys.executable, "-m", "grader", "grade", *map(str, args), "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, timeout=900,
                          errors="backslashreplace")


def _gradebook(results):
    with open(results / "report" / "gradebook.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, evaluation, notebooks):
    top = tmp_path_factory.mktemp("hostile")
    submitted = top / "submitted"
    _hostile_class(submitted, evaluation, notebooks)
    results = top / "results"
    first = _run(submitted, "--results", results, "--jobs", "2", "--format", "json",
                 "--output", top / "first.json")
    assert first.returncode == 0, first.stderr[-3000:]
    gradebook = (results / "report" / "gradebook.csv").read_bytes()
    again = _run(submitted, "--results", results, "--jobs", "1")
    assert again.returncode == 0, again.stderr[-3000:]
    return {"results": results, "stderr": first.stderr, "rerun_gradebook": gradebook,
            "rows": {row["student"]: row for row in _gradebook(results)}}


def test_every_student_folder_gets_exactly_one_row_and_nothing_else_does(hostile):
    expected = {csv_cell(escape_name(folder)) for folder in HOSTILE}
    assert set(hostile["rows"]) == expected and len(_gradebook(hostile["results"])) == len(HOSTILE)
    stored = [json.loads(p.read_text("utf-8")) for p in (hostile["results"] / AID).glob("*.json")]
    assert sorted(doc["student"] for doc in stored) == sorted(escape_name(f) for f in HOSTILE)
    assert (hostile["results"] / "report" / "gradebook.csv").read_bytes() == hostile["rerun_gradebook"]
    assert not [p for p in hostile["results"].rglob("*") if p.name.endswith(".tmp")]


def test_nobody_poses_as_another_and_links_are_not_followed(hostile):
    rows = hostile["rows"]
    assert [rows[s]["score"] for s in ("alice", "bob", "two", "flat", "caf%E9")] == ["100"] * 5
    for student in ("solution-link", "passwd-link", "fifo", "dirnb"):
        assert rows[student]["score"] == "0" and "not opened" in rows[student]["notes"]
    everything = b"".join(p.read_bytes() for p in hostile["results"].rglob("*") if p.is_file())
    assert b"root:x:" not in everything and b"/bin/bash" not in everything


def test_every_unusable_item_scores_zero_with_a_reason(hostile):
    rows = hostile["rows"]
    reasons = {"pyonly": "not a notebook", "nometa": "not an nbformat 4 notebook",
               "cellstr": "cell 1 is not a notebook cell", "v3": "not an nbformat 4 notebook",
               "deep": "nested deeper", "brackets": "nested deeper", "empty": "nothing handed in",
               "other": "belong to 01_ngram", "two": "several notebooks"}
    for student, reason in reasons.items():
        assert reason in rows[student]["notes"], (student, rows[student]["notes"])
    summary = (hostile["results"] / "report" / "summary.md").read_text("utf-8")
    assert "stray.txt" in summary and "bob-link" in summary
    assert "## 노트북을 채점하지 못한 제출물" in summary and "- pyonly" in summary


def test_hostile_folder_names_are_escaped_in_every_output(hostile):
    results = hostile["results"]
    gradebook = (results / "report" / "gradebook.csv").read_text("utf-8")
    assert "\n=" not in gradebook and "\n\"=" not in gradebook and "\x1b" not in gradebook
    assert "%1B[31mred%1B[0m" in gradebook and "'=HYPERLINK" in gradebook
    for path in results.rglob("*"):
        assert "\x1b" not in str(path) and path.name.encode("utf-8")
        if path.is_file() and path.suffix in (".json", ".md", ".xml", ".csv"):
            text = path.read_text("utf-8")
            assert "\x1b" not in text and "\\udce9" not in text, path
    assert "\x1b" not in hostile["stderr"]


# ----------------------------------------------------------------------------- grader failures

def _stub_grade(crash_on):
    def grade_notebook(path, assignment, student, limits=None):
        from grader.records import Result, TestOutcome

        if student == crash_on[0]:
            os._exit(3) if crash_on[1] == "exit" else 1 / 0
        test = TestOutcome(nodeid="t", name="t", grade_id="g", max_points=1.0, points=1.0,
                           status="passed")
        return Result(assignment.id, student, [test], ["stub"], 0.0)
    return grade_notebook


@pytest.mark.parametrize("how, jobs", [("raise", 1), ("exit", 2)])
def test_a_grader_failure_costs_its_rows_never_the_batch_and_is_retried(tmp_path, monkeypatch,
                                                                        capsys, how, jobs):
    from grader import grade, report, selfcheck

    for student in ("alice", "bob", "carol"):
        put(tmp_path, f"submitted/{student}/{AID}/{AID}.ipynb")
    monkeypatch.setattr(selfcheck, "check", lambda log: True)
    monkeypatch.setattr(report, "write_plot", lambda results, path: None)
    results = tmp_path / "results"
    args = ["grade", str(tmp_path / "submitted"), "--results", str(results), "--jobs", str(jobs),
            "--quiet"]
    monkeypatch.setattr(grade, "grade_notebook", _stub_grade(("bob", how)))
    assert cli.main(args) == 1
    rows = {row["student"]: row for row in _gradebook(results)}
    assert set(rows) == {"alice", "bob", "carol"} and "grader error" in rows["bob"]["notes"]
    assert not (results / AID / "bob.json").exists()
    assert "internal error grading bob" in capsys.readouterr().err
    monkeypatch.setattr(grade, "grade_notebook", _stub_grade((None, how)))
    assert cli.main(args) == 0
    assert {row["student"]: row["score"] for row in _gradebook(results)} == \
        {"alice": "1", "bob": "1", "carol": "1"}
