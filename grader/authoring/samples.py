"""Sample submissions for the demo, generated from each assignment's single sources.

For every assignment: the reference (`ref-solution`), the untouched release (`stub-untouched`),
half of the exercises done (`partial-half`), and the realistic buggy mixes named in the
assignment's `mutants.py` SAMPLES. Written in nbgrader's `submitted/<student>/<assignment>/` layout.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from grader import assignments
from grader.authoring import mutants, spec
from grader.authoring.build import build_notebook


def submissions_for(assignment) -> dict[str, str | None]:
    """student name -> implementation source (None: the untouched release notebook)."""
    reference = assignment.solution.read_text(encoding="utf-8")
    names = spec.graded_functions(assignment)
    mutant_table, samples = mutants.load(assignment)
    result: dict[str, str | None] = {
        "ref-solution": reference,
        "stub-untouched": None,
        "partial-half": mutants.stub_definitions(reference, names[len(names) // 2:]),
    }
    for student, mutant_names in samples.items():
        source = reference
        for name in mutant_names:
            source = mutants.apply(source, mutant_table[name])
        result[student] = source
    return result


def write_samples(root: Path, only: str | None = None) -> Path:
    submitted = root / "submitted"
    if submitted.exists():
        shutil.rmtree(submitted)
    for assignment_id in assignments.all_ids():
        if only and assignment_id != only:
            continue
        assignment = assignments.get(assignment_id)
        for student, source in submissions_for(assignment).items():
            folder = submitted / student / assignment_id
            folder.mkdir(parents=True)
            target = folder / f"{assignment_id}.ipynb"
            if source is None:
                shutil.copyfile(assignment.release_notebook, target)
            else:
                nbformat.write(build_notebook(assignment, source), target)
    return submitted


def write_class(submitted: Path, assignment_id: str, students: int, scratch: Path) -> Path:
    """A class of `students` for benchmarks: copies of the assignment's samples (written under
    `scratch`) in nbgrader's submitted/<student>/<assignment>/ layout, each student named after
    the sample it copies."""
    templates = sorted(write_samples(scratch, assignment_id).glob(f"*/{assignment_id}/*.ipynb"))
    for i in range(students):
        template = templates[i % len(templates)]
        folder = submitted / f"s{i:05d}-{template.parent.parent.name}" / assignment_id
        folder.mkdir(parents=True)
        shutil.copyfile(template, folder / template.name)
    return submitted
