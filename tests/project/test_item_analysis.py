"""Item analysis: per hidden test and graded cell, how many pass, whether it separates strong from
weak students, what hint failing students got most, and which tests to review.

A synthetic class of Result objects (tests/project/_synthetic_class.py) stands in for graded
notebooks: the analysis reads results, whichever path wrote them."""
from __future__ import annotations

import csv
import html.parser
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _synthetic_class import TESTS, klass, result
from grader.insight import analysis
from grader.results import write_atomically

HOSTILE_ID = '<img src=x onerror="alert(1)">'
HOSTILE_HINT = '<script>alert("hint")</script> 정밀도의 분모'


@pytest.fixture(scope="module")
def class_of_40():
    return klass(40)


@pytest.fixture(scope="module")
def analysed(class_of_40):
    return analysis.analyse(class_of_40)


def _item(analysed, name):
    return next(i for i in analysed.tests + analysed.cells if i.name == name)


def test_difficulty_is_the_share_of_students_passing(class_of_40, analysed):
    for name, *_ in TESTS:
        passed = sum(next(t for t in r.tests if t.name == name).status == "passed" for r in class_of_40)
        item = _item(analysed, name)
        assert (item.passed, item.students) == (passed, 40)
        assert item.difficulty == pytest.approx(passed / 40)


def test_discrimination_is_the_correlation_of_passing_with_the_rest_of_the_score(class_of_40, analysed):
    for name, *_ in TESTS:
        tests = [next(t for t in r.tests if t.name == name) for r in class_of_40]
        passed = np.array([t.status == "passed" for t in tests], dtype=float)
        rest = np.array([r.raw_score - t.points for r, t in zip(class_of_40, tests)])
        item = _item(analysed, name)
        if passed.std() == 0:
            assert item.discrimination is None
        else:
            assert item.discrimination == pytest.approx(np.corrcoef(passed, rest)[0, 1])
    # Harder tests, passed by the abler students, separate them.
    assert _item(analysed, "test_macro_f1").discrimination > 0.5


def test_a_cell_passes_with_all_its_points(class_of_40, analysed):
    cell = _item(analysed, "test_accuracy")
    full = sum(r.cells()["test_accuracy"]["points"] == 10 for r in class_of_40)
    mean = np.mean([r.cells()["test_accuracy"]["points"] / 10 for r in class_of_40])
    assert (cell.kind, cell.passed, cell.max_points) == ("cell", full, 10)
    assert cell.mean_share == pytest.approx(mean)


def test_tests_everyone_passes_or_fails_or_that_favour_weak_students_are_flagged(class_of_40):
    everyone = [result(r.student, {t.name for t in r.tests if t.status == "passed"} | {"test_roc_curve_ties"})
                for r in class_of_40]
    flagged = analysis.analyse(everyone)
    assert _item(flagged, "test_roc_curve_ties").flags == [analysis.FLAG_ALL_PASS]
    assert _item(flagged, "test_nobody_passes").flags == [analysis.FLAG_ALL_FAIL]
    # A test only the weakest pass (its expected answer is probably wrong).
    inverted = [result(r.student, {t.name for t in r.tests if t.status == "passed"} |
                       ({"test_nobody_passes"} if r.raw_score < 30 else set())) for r in class_of_40]
    item = _item(analysis.analyse(inverted), "test_nobody_passes")
    assert item.discrimination < 0 and analysis.FLAG_NEGATIVE in item.flags
    assert not _item(flagged, "test_macro_f1").flags


def test_the_most_frequent_hint_counts_one_hint_however_far_each_student_was_off(analysed):
    item = _item(analysed, "test_precision_binary")
    assert item.failures > 3
    assert item.top_hint == "정밀도의 분모는 TP + FP입니다."
    assert item.top_hint_count == item.failures


def test_submissions_with_nothing_graded_are_left_out_and_named(class_of_40):
    missing = result("nobody", set())
    for test in missing.tests:  # as grader.suite.all_failed writes it: the reason alone
        test.message = "제출한 파일이 없습니다."
    missing.notes = ["제출한 파일이 없습니다."]
    analysed = analysis.analyse(class_of_40 + [missing])
    assert analysed.left_out == ["nobody"] and len(analysed.results) == 40
    assert _item(analysed, "test_accuracy_basic").students == 40


def test_csv_and_html_are_written_per_assignment_with_an_index(tmp_path, class_of_40):
    other = klass(5, assignment="07_attention")
    written = analysis.write(class_of_40 + other, tmp_path, write_atomically)
    names = sorted(p.name for p in written)
    assert names == ["07_attention.csv", "07_attention.html", "12_evaluation.csv", "12_evaluation.html",
                     "index.html"]
    with open(tmp_path / "12_evaluation.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["name"] for r in rows if r["kind"] == "test"] == [name for name, *_ in TESTS]
    nobody = next(r for r in rows if r["name"] == "test_nobody_passes")
    assert (nobody["difficulty"], nobody["flags"]) == ("0.000", analysis.FLAG_ALL_FAIL)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="07_attention.html"' in index and 'href="12_evaluation.html"' in index


class _Elements(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.attributes = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [value or "" for _, value in attrs]

    def handle_data(self, data):
        self.text.append(data)


def test_the_page_escapes_student_ids_and_messages(class_of_40):
    hostile = result(HOSTILE_ID, {"test_accuracy_basic"}, messages={"test_precision_binary": HOSTILE_HINT})
    page = analysis.render_html(analysis.analyse(class_of_40[:3] + [hostile] * 6))
    parsed = _Elements()
    parsed.feed(page)
    assert "script" not in parsed.tags and parsed.tags.count("img") == 1  # the histogram only
    assert HOSTILE_HINT in "".join(parsed.text)                           # shown as text
    assert any(HOSTILE_ID in value for value in parsed.attributes)         # a title, escaped
    assert 'onerror="alert' not in page and "<script>alert" not in page


def test_the_page_has_the_histogram_the_heat_map_and_both_tables(analysed):
    page = analysis.render_html(analysed)
    assert page.count('src="data:image/png;base64,') == 1
    assert 'id="tests"' in page and 'id="cells"' in page and 'id="heatmap"' in page
    heat = page[page.index('id="heatmap"'):]
    assert heat.count('class="h ') == len(TESTS) * 40
    order = [r.student for r in analysed.results]
    assert [r.raw_score for r in analysed.results] == sorted((r.raw_score for r in analysed.results), reverse=True)
    assert heat.index(f'title="{order[0]}"') < heat.index(f'title="{order[-1]}"')


def test_an_exception_counts_as_one_hint_wherever_in_the_notebook_it_was_raised():
    messages = [f"`f1_score` 실행 중 예외가 발생했습니다: ZeroDivisionError ({cell}번째 셀 {line}번째 줄, _safe_divide)"
                for cell, line in ((9, 20), (11, 3), (9, 21))]
    results = [result(f"s{i}", set(), messages={"test_macro_f1": m}) for i, m in enumerate(messages)]
    item = _item(analysis.analyse(results), "test_macro_f1")
    assert (item.top_hint, item.top_hint_count) == ("`f1_score` 실행 중 예외가 발생했습니다: ZeroDivisionError", 3)
