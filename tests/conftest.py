"""Shared helpers for the project's own tests."""

from grader import assignments


def pytest_generate_tests(metafunc):
    # Every assignment with a notebook source gets its own copy of the per-assignment tests.
    if "assignment" in metafunc.fixturenames:
        metafunc.parametrize("assignment", [assignments.get(i) for i in assignments.all_ids()],
                             ids=lambda a: a.id)
