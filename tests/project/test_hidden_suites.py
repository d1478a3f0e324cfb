"""Honest assessment, per assignment: the reference scores full marks, the untouched release scores
0 without crashing the grader, and every buggy variant (one per BUG_CATALOG row) loses points."""
import pytest

from _feedback import passed_feedback_problems
from grader import suite
from grader.authoring import mutants
from grader.errors import NOT_IMPLEMENTED
from grader.grade import grade_notebook, grade_trusted_source


def _failing(result):
    return "\n".join(f"{t.name}: {t.message}\n{t.detail[-1500:]}" for t in result.tests
                     if t.status != "passed")


def test_hidden_suite_is_worth_100_points(assignment):
    total = sum(t.max_points for t in suite.collect(assignment))
    assert total == 100, f"{assignment.id}: hidden tests total {total} points"


def test_reference_scores_full_marks_in_process(assignment):
    source = assignment.solution.read_text(encoding="utf-8")
    result = grade_trusted_source(assignment, source, "reference")
    assert result.score == result.max_score == 100, _failing(result)
    # Every test passed: each says what it checked, in every format, and none reads as a failure.
    problems = passed_feedback_problems(result)
    assert not problems, "\n".join(problems)
    # The 20 s budget per suite is a speed target: benchmarks/bench_hidden_suites.py measures it.


def test_reference_notebook_scores_full_marks_through_the_worker(assignment):
    result = grade_notebook(assignment.source_notebook, assignment, "reference")
    assert result.score == 100, _failing(result) + "\n" + "\n".join(result.notes)
    assert "process" in result.isolation


def test_release_stub_scores_zero_without_crashing(assignment):
    result = grade_notebook(assignment.release_notebook, assignment, "stub")
    assert result.score == 0
    assert all(t.message for t in result.tests), "every failed test must say why"
    # Code not written yet is named as such, never answered with a hint about a mistake.
    unwritten = [t for t in result.tests if "NotImplementedError" in t.detail]
    assert unwritten, "the release stub's functions raise NotImplementedError"
    wrong = [f"{t.name}: {t.message}" for t in unwritten if NOT_IMPLEMENTED not in t.message]
    assert not wrong, "\n".join(wrong)


def _mutant_cases():
    from grader import assignments

    for assignment_id in assignments.all_ids():
        assignment = assignments.get(assignment_id)
        table, _ = mutants.load(assignment)
        for name in table:
            yield pytest.param(assignment, name, id=f"{assignment_id}:{name}")


@pytest.mark.parametrize("assignment_under_test, mutant", list(_mutant_cases()))
def test_every_catalog_bug_loses_points(assignment_under_test, mutant):
    table, _ = mutants.load(assignment_under_test)
    reference = assignment_under_test.solution.read_text(encoding="utf-8")
    source = mutants.apply(reference, table[mutant])
    assert source != reference
    result = grade_trusted_source(assignment_under_test, source, mutant)
    assert result.score < result.max_score, f"{mutant} kept full marks: the suite cannot see this bug"


def test_every_assignment_has_mutants(assignment):
    table, _ = mutants.load(assignment)
    assert table, f"{assignment.id} has no tests/hidden/{assignment.id}/mutants.py MUTANTS"


def _alternative_cases():
    from grader import assignments

    for assignment_id in assignments.all_ids():
        assignment = assignments.get(assignment_id)
        for name in mutants.alternatives(assignment):
            yield pytest.param(assignment, name, id=f"{assignment_id}:{name}")


@pytest.mark.parametrize("assignment_under_test, alternative", list(_alternative_cases()))
def test_correct_solution_written_differently_keeps_full_marks(assignment_under_test, alternative):
    changes = mutants.alternatives(assignment_under_test)[alternative]
    reference = assignment_under_test.solution.read_text(encoding="utf-8")
    source = mutants.apply(reference, changes)
    assert source != reference
    result = grade_trusted_source(assignment_under_test, source, alternative)
    assert result.score == result.max_score, f"{alternative} lost points:\n" + _failing(result)
