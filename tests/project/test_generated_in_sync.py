"""Generated files are never edited by hand: a fresh generation must equal what is committed."""
import nbformat

from grader.authoring.build import build_notebook, generate_release


def test_source_notebook_matches_its_sources(assignment):
    fresh = build_notebook(assignment)
    committed = nbformat.read(assignment.source_notebook, as_version=4)
    assert nbformat.writes(fresh) == nbformat.writes(committed), (
        f"assignments/{assignment.id}/{assignment.id}.ipynb is stale: run "
        f"`python -m grader.authoring.build {assignment.id}`")


def test_release_matches_a_fresh_nbgrader_generation(assignment, tmp_path):
    fresh_dir = generate_release(assignment, tmp_path)
    # Files in sub-folders too (09 ships its pretrained model in release/09_generation/course_model/).
    committed_files = sorted(str(p.relative_to(assignment.release_dir))
                             for p in assignment.release_dir.rglob("*") if p.is_file())
    fresh_files = sorted(str(p.relative_to(fresh_dir)) for p in fresh_dir.rglob("*") if p.is_file())
    assert committed_files == fresh_files
    for name in fresh_files:
        fresh, committed = fresh_dir / name, assignment.release_dir / name
        assert fresh.read_bytes() == committed.read_bytes(), (
            f"release/{assignment.id}/{name} is stale: run `python -m grader.authoring.build {assignment.id}`")


def test_graded_cells_carry_the_hidden_suite_points(assignment):
    from grader.suite import points_per_cell

    nb = nbformat.read(assignment.release_notebook, as_version=4)
    cells = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"].get("points")
             for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    assert cells == points_per_cell(assignment)


def test_embedded_solutions_record_matches_the_release_notebook(assignment):
    from grader.authoring import embedded

    assert embedded.load_record().get(assignment.id) == embedded.derive(assignment.id), (
        f"release/embedded_solutions.json is stale for {assignment.id}: run "
        f"`python -m grader.authoring.build {assignment.id}`")


def test_embedded_solutions_record_lists_exactly_the_assignments():
    from grader.assignments import all_ids
    from grader.authoring import embedded

    assert sorted(embedded.load_record()) == all_ids(), (
        "release/embedded_solutions.json is stale: run `python -m grader.authoring.build --all`")
