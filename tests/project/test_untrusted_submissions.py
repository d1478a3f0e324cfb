"""Bad input gets a clear reason and costs only that submission: hostile and broken notebooks.

All cases use 12_evaluation (the walking skeleton); the sandbox issue's red-team suite extends them.
"""
import json
import time

import nbformat
import pytest

from grader import assignments, cli
from grader.authoring import mutants
from grader.authoring.build import build_notebook
from grader.grade import grade_notebook
from grader.sandbox import Limits

FAST = Limits(load_seconds=8, call_seconds=3)


@pytest.fixture(scope="module")
def evaluation():
    return assignments.get("12_evaluation")


def _notebook(assignment, tmp_path, *, extra_cell=None, replace=None, rename=None, name="sub.ipynb"):
    source = assignment.solution.read_text(encoding="utf-8")
    if replace:
        source = mutants.apply(source, replace)
    nb = build_notebook(assignment, source)
    for old, new in (rename or {}).items():
        for cell in nb.cells:
            cell.source = cell.source.replace(f"def {old}(", f"def {new}(")
    if extra_cell is not None:
        nb.cells.append(nbformat.v4.new_code_cell(extra_cell))
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def _grade(assignment, path, limits=FAST):
    started = time.monotonic()
    result = grade_notebook(path, assignment, "attacker", limits)
    return result, time.monotonic() - started


def test_a_cell_that_loops_forever_scores_zero_within_the_load_deadline(evaluation, tmp_path):
    path = _notebook(evaluation, tmp_path, extra_cell="while True:\n    pass\n")
    result, seconds = _grade(evaluation, path)
    assert result.score == 0
    assert seconds < FAST.load_seconds + 15
    assert "제한 시간" in result.tests[0].message


def test_fake_passed_output_and_os_exit_score_zero(evaluation, tmp_path):
    cell = "import os\nprint('32 passed, 0 failed')\nprint('{\"score\": 100}')\nos._exit(0)\n"
    result, _ = _grade(evaluation, _notebook(evaluation, tmp_path, extra_cell=cell))
    assert result.score == 0
    assert "비정상 종료" in result.tests[0].message


def test_patching_numpy_testing_in_the_worker_cannot_make_wrong_answers_pass(evaluation, tmp_path):
    patch = ("import numpy as np, numpy.testing, math, builtins\n"
             "np.allclose = lambda *a, **k: True\n"
             "np.testing.assert_allclose = lambda *a, **k: None\n"
             "math.isclose = lambda *a, **k: True\n")
    wrong = mutants.load(evaluation)[0]["eval-01-precision-recall-swapped"]
    result, _ = _grade(evaluation, _notebook(evaluation, tmp_path, extra_cell=patch, replace=wrong))
    assert result.score < 100
    failed = {t.name for t in result.tests if t.status != "passed"}
    assert "test_precision_and_recall_are_not_swapped" in failed


def test_a_function_that_hangs_costs_only_its_own_tests(evaluation, tmp_path):
    hang = {"roc_auc_score": "def roc_auc_score(y_true, y_score):\n    while True:\n        pass\n"}
    result, _ = _grade(evaluation, _notebook(evaluation, tmp_path, replace=hang))
    by_cell = result.cells()
    assert by_cell["test_accuracy"]["points"] == by_cell["test_accuracy"]["max_points"]
    hung = [t for t in result.tests if t.name.startswith("test_auc") and t.status != "passed"]
    assert hung and any("제한 시간" in t.message for t in hung)
    assert 0 < result.score < 100


def test_a_memory_bomb_costs_only_its_own_tests(evaluation, tmp_path):
    bomb = {"confusion_matrix": "def confusion_matrix(y_true, y_pred, *, labels=None):\n"
                                "    return np.ones((1 << 40,), dtype=np.uint8)\n"}
    limits = Limits(load_seconds=8, call_seconds=5, memory_bytes=2 * 1024**3)
    result, _ = _grade(evaluation, _notebook(evaluation, tmp_path, replace=bomb), limits)
    cells = result.cells()
    assert cells["test_confusion_matrix"]["points"] == 0
    assert cells["test_f1"]["points"] == cells["test_f1"]["max_points"] > 0


def test_an_always_equal_object_is_not_equal_to_anything(evaluation, tmp_path):
    cheat = {"accuracy_score": "class _Yes(float):\n    def __eq__(self, other):\n        return True\n"
                               "    def __ne__(self, other):\n        return False\n\n\n"
                               "def accuracy_score(y_true, y_pred):\n    return _Yes(-1.0)\n"}
    result, _ = _grade(evaluation, _notebook(evaluation, tmp_path, replace=cheat))
    assert result.tests[0].status == "failed"
    assert result.cells()["test_accuracy"]["points"] < 10


def test_a_missing_function_is_named_in_the_message(evaluation, tmp_path):
    path = _notebook(evaluation, tmp_path, rename={"f1_score": "f1_scor"})
    result, _ = _grade(evaluation, path)
    f1_tests = [t for t in result.tests if t.grade_id == "test_f1"]
    assert all(t.status == "failed" and "`f1_score`" in t.message for t in f1_tests)
    assert result.score == 100 - sum(t.max_points for t in f1_tests)


def test_a_malformed_notebook_scores_zero_with_a_reason(evaluation, tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [', encoding="utf-8")
    result, _ = _grade(evaluation, path)
    assert result.score == 0
    assert "JSON" in result.tests[0].message


def test_magics_and_input_do_not_run_or_hang(evaluation, tmp_path):
    cell = "!touch /tmp/should-not-exist-grader\n%time x = 1\nname = input('이름? ')\n"
    result, seconds = _grade(evaluation, _notebook(evaluation, tmp_path, extra_cell=cell))
    assert result.score == 100
    assert any("매직" in note for note in result.notes)
    assert seconds < 30


def test_hidden_inputs_do_not_reach_the_student_visible_report(evaluation, tmp_path):
    leak = {"roc_auc_score": "def roc_auc_score(y_true, y_score):\n"
                             "    raise ValueError('LEAK ' + repr(list(y_score)))\n"}
    result, _ = _grade(evaluation, _notebook(evaluation, tmp_path, replace=leak))
    visible = json.dumps(result.to_dict(instructor=False), ensure_ascii=False)
    assert "LEAK" not in visible
    assert "LEAK" in json.dumps(result.to_dict(instructor=True), ensure_ascii=False)


def test_cli_json_for_the_release_notebook(evaluation, tmp_path, capsys):
    out = tmp_path / "result.json"
    code = cli.main(["grade", str(evaluation.release_notebook), "--assignment", "12_evaluation",
                     "--format", "json", "--output", str(out)])
    assert code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert {"assignment", "student", "score", "max_score", "tests", "isolation", "duration_s"} <= set(doc)
    assert doc["score"] == 0 and doc["max_score"] == 100
    assert all(t["status"] == "failed" and t["message"] for t in doc["tests"])
    assert {"name", "grade_id", "points", "max_points", "status", "message"} <= set(doc["tests"][0])


def test_cli_refuses_an_unknown_assignment_with_exit_2(evaluation, capsys):
    assert cli.main(["grade", str(evaluation.release_notebook), "--assignment", "99_nope"]) == 2
    assert "unknown assignment" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["md", "junit", "gradescope", "table"])
def test_every_report_format_renders(evaluation, fmt, capsys):
    assert cli.main(["grade", str(evaluation.source_notebook), "--assignment", "12_evaluation",
                     "--format", fmt, "--quiet"]) == 0
    assert "100" in capsys.readouterr().out
