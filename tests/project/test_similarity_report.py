"""Similarity: on a generated class of 40 (tests/project/_class_of_40.py), the planted copies top
the report, a solution written in a way of its own does not, and only what students wrote counts."""
from __future__ import annotations

import html.parser
import itertools
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import _class_of_40 as generated
from _synthetic_class import result
from grader import assignments, forbidden
from grader.insight import similarity
from grader.results import write_atomically

AID = "12_evaluation"


@pytest.fixture(scope="module")
def evaluation():
    return assignments.get(AID)


@pytest.fixture(scope="module")
def submitted(tmp_path_factory, evaluation):
    folder = tmp_path_factory.mktemp("class40") / "submitted"
    kinds = generated.write_class(folder, evaluation.release_notebook)
    return folder, kinds


def _notebooks(folder: Path, students) -> dict[str, Path]:
    return {s: folder / s / AID / f"{AID}.ipynb" for s in students}


@pytest.fixture(scope="module")
def report(submitted, evaluation):
    folder, kinds = submitted
    return similarity.analyse(evaluation, _notebooks(folder, kinds))


def test_the_class_of_40_is_as_described(submitted):
    _, kinds = submitted
    assert len(kinds) == 40 and sum(kind == "ordinary" for kind in kinds.values()) == 36
    choices = generated.combinations()
    assert all(sum(a == b for a, b in zip(x, y)) <= generated.MOST_SHARED
               for x, y in itertools.combinations(choices, 2))


def test_the_planted_copies_top_the_report(report):
    top = {frozenset((p.first, p.second)) for p in report.pairs[:len(generated.PLANTED)]}
    assert top == {frozenset(pair) for pair in generated.PLANTED}
    assert all(p.similarity >= report.threshold for p in report.pairs[:len(generated.PLANTED)])


def test_a_solution_written_its_own_way_resembles_nobody(report):
    mine = [p for p in report.pairs if "unrelated" in (p.first, p.second)]
    assert len(mine) == 39
    assert max(p.similarity for p in mine) < report.threshold
    assert max(p.similarity for p in mine) < min(p.similarity for p in report.pairs[:3]) / 2


def test_renamed_variables_and_new_spacing_do_not_hide_a_copy(report):
    scores = {frozenset((p.first, p.second)): p.similarity for p in report.pairs}
    assert scores[frozenset(("copy-renamed", "s20"))] > 0.85
    assert scores[frozenset(("copy-light", "s05"))] > 0.95


def test_only_what_students_wrote_is_compared(submitted, evaluation, tmp_path):
    release = similarity.release_code(evaluation)
    given = frozenset(forbidden.normalise(code) for code in release)
    lines = similarity.given_lines(release)
    stub = tmp_path / "stub.ipynb"
    shutil.copyfile(evaluation.release_notebook, stub)
    assert similarity.student_code(stub, given, lines) == ""   # the untouched release: nothing
    folder, _ = submitted
    code = similarity.student_code(folder / "s00" / AID / f"{AID}.ipynb", given, lines)
    assert "def accuracy_score(y_true, y_pred):" in code        # where a function starts, kept
    assert "import numpy as np" not in code                     # given code
    assert "정확도 (Accuracy)" not in code and "raise NotImplementedError" not in code  # the stub
    markdown = [c.source for c in nbformat.read(evaluation.release_notebook, 4).cells
                if c.cell_type == "markdown"]
    assert not any(line.strip() and line.strip() in code for text in markdown for line in text.splitlines()
                   if len(line.strip()) > 20)
    two_stubs = similarity.analyse(evaluation, {"a": stub, "b": stub, "c": folder / "s00" / AID / f"{AID}.ipynb"})
    assert two_stubs.empty == ["a", "b"] and two_stubs.pairs == []


def test_the_vectorised_overlap_is_copydetects_measure(submitted, evaluation):
    from copydetect import compare_files

    folder, _ = submitted
    release = similarity.release_code(evaluation)
    given = frozenset(forbidden.normalise(code) for code in release)
    lines = similarity.given_lines(release)
    boilerplate = similarity._boilerplate(tuple(release))
    codes = []
    for student in ("s05", "copy-light", "s20", "unrelated"):
        text = similarity.student_code(folder / student / AID / f"{AID}.ipynb", given, lines)
        codes.append(similarity.Code(student, text, similarity._fingerprint(text, boilerplate)).index())
    for first, second in itertools.combinations(codes, 2):
        tokens, (share1, share2), _ = compare_files(first.fingerprint, second.fingerprint)
        mine = similarity.overlap(first, second)
        assert (mine[0], mine[1], mine[2]) == (tokens, pytest.approx(share1), pytest.approx(share2))


class _Elements(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_the_report_shows_flagged_pairs_side_by_side_and_escapes_everything(submitted, evaluation, tmp_path):
    folder, _ = submitted
    hostile = '</pre><script>alert(1)</script>'
    evil = tmp_path / "evil" / AID / f"{AID}.ipynb"
    evil.parent.mkdir(parents=True)
    nb = nbformat.read(folder / "s05" / AID / f"{AID}.ipynb", 4)
    nb.cells.append(nbformat.v4.new_code_cell(f"note = {hostile!r}"))
    nbformat.write(nb, evil)
    notebooks = _notebooks(folder, ["s05", "copy-light", "unrelated"]) | {'<b onclick="x()">eve</b>': evil}
    page = similarity.render_html(similarity.analyse(evaluation, notebooks))
    parsed = _Elements()
    parsed.feed(page)
    assert "script" not in parsed.tags and "b" not in parsed.tags
    text = "".join(parsed.text)
    assert hostile in text and '<b onclick="x()">eve</b>' in text
    assert "점수도 판정도 아닙니다" in text                          # evidence, never a grade
    assert parsed.tags.count("pre") == 2 * 3 and parsed.tags.count("mark") > 3  # 3 pairs of 4 students


def test_the_report_folder_gets_a_page_and_a_csv_per_assignment(submitted, tmp_path):
    folder, _ = submitted
    results = []
    for student in ("s05", "copy-light", "unrelated"):
        r = result(student, set())
        r.notebook = str(folder / student / AID / f"{AID}.ipynb")
        results.append(r)
    written = similarity.write(results, tmp_path, write_atomically)
    assert sorted(p.name for p in written) == [f"{AID}.csv", f"{AID}.html"]
    rows = (tmp_path / f"{AID}.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("student_a,student_b,similarity") and len(rows) == 1 + 3
    assert rows[1].startswith("copy-light,s05,1.000")
