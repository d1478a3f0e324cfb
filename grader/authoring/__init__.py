"""Preparing and handing out assignments, for course authors and instructors: the build (source.py
and the reference -> notebooks, `build`), mutants and sample submissions (`mutants`, `samples`),
mutation testing (`mutation_testing`), grading budgets (`budget`), which answers a notebook carries
(`embedded`), the release gate (`release_gate`) and the student distribution (`student_dist`).
Nothing here runs while a submission is graded."""
