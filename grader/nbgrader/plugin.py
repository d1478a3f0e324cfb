"""nbgrader front door: `nbgrader autograde` scores through the grading engine.

Stock autograde runs the notebook, hidden tests included, in the student's kernel. Here the
`Execute` preprocessor is replaced by `EngineGrades`, which grades the *submitted* notebook with
`grader.grade.grade_notebook` (the same call as `grader grade`: isolated worker, hidden suite in
the grader) and writes into each autograded-test cell what nbgrader's `determine_grade` reads:
a number (the cell's earned points) or, for 0 points, an error output. Stream outputs carry the
Korean per-test messages, which are student-safe, so `generate_feedback` shows them and nothing
from the hidden suite. The instructor's full result (with details) goes to
`<course>/grader_results/<assignment>/<student>.json`, outside every folder nbgrader copies to
students (grader/results.py); `python -m grader.nbgrader.tests_csv` turns those into a per-test CSV.

`RepairMetadata` (first sanitize step) makes a student's edits to nbgrader metadata harmless:
each cell's metadata is replaced by the source notebook's for the same grade_id, unknown,
duplicate or malformed metadata is dropped (stock nbgrader aborts the whole batch on a bad
`schema_version`), and deleted graded cells are put back.
`LmsFileNames` is the zip_collect collector for LMS archives, with explicit timestamp parsing.
`GatedReleaseAssignment` is `release_assignment` (command line and formgrader) refusing a notebook
that carries answers not yet due (grader/authoring/release_gate.py).
Late submissions follow the course file (course.toml in the course directory, else the grader's):
`CourseDeadlines` puts its due date and each student's extension into the gradebook before
nbgrader's `AssignLatePenalties` runs, whose plugin `CourseLatePenalty` applies the course's rule
with grader.late.penalty, the function `grader grade` uses. The messages written into graded cells
(and so the feedback) are at the disclosure level then in force (grader/disclosure.py); the
saved result keeps everything.
`configure(c)` wires all of it into an nbgrader config.
"""
from __future__ import annotations

import copy
import datetime as dt
import os
import sys
import zoneinfo
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default.release_assignment import ExchangeReleaseAssignment
from nbgrader.plugins import FileNameCollectorPlugin, LateSubmissionPlugin
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Unicode

from grader import course as course_file, disclosure, fingerprint, late, results


def _coursedir(preprocessor) -> CourseDirectory:
    """The converter's CourseDirectory (preprocessor -> exporter -> converter), else from config."""
    node = preprocessor
    while node is not None:
        if isinstance(getattr(node, "coursedir", None), CourseDirectory):
            return node.coursedir
        node = getattr(node, "parent", None)
    return CourseDirectory(config=preprocessor.config)


class RepairMetadata(NbGraderPreprocessor):
    """Sanitize: nbgrader metadata comes from the source notebook, never from the submission.

    Graded cells the student deleted (or whose metadata is gone) are put back after the cell that
    precedes them in the source, so every graded cell of the gradebook gets the engine's points.
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        coursedir = _coursedir(self)
        source = nbformat.read(Path(coursedir.format_path(
            coursedir.source_directory, ".", info["assignment"]), f"{info['notebook']}.ipynb"), 4)
        wanted = {c.metadata["nbgrader"]["grade_id"]: c for c in source.cells
                  if c.metadata.get("nbgrader", {}).get("grade_id")}
        seen = set()
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta is None:
                continue
            grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
            known = grade_id in wanted and wanted[grade_id].cell_type == cell.cell_type
            if known and grade_id not in seen:
                seen.add(grade_id)
                cell.metadata["nbgrader"] = copy.deepcopy(wanted[grade_id].metadata["nbgrader"])
            else:
                self.log.warning("%s: dropping nbgrader metadata that the source notebook does not "
                                 "have (grade_id %r)", info["student"], grade_id)
                del cell.metadata["nbgrader"]
        position = 0
        for grade_id, source_cell in wanted.items():
            if grade_id in seen:
                position = 1 + next(i for i, c in enumerate(nb.cells)
                                    if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
            elif utils.is_grade(source_cell):
                self.log.warning("%s: graded cell %r was missing; put back", info["student"],
                                 grade_id)
                nb.cells.insert(position, copy.deepcopy(source_cell))
                position += 1
        return nb, resources


class EngineGrades(NbGraderPreprocessor):
    """Autograde: the engine grades the submitted file; graded cells get its points and messages."""

    results_directory = Unicode(
        results.RESULTS_DIR, help="Where each instructor result JSON goes, relative to the course root."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        from grader import assignments
        from grader.grade import grade_notebook

        info = resources["nbgrader"]
        coursedir = _coursedir(self)
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, info["student"],
                                               info["assignment"]), f"{info['notebook']}.ipynb")
        result = grade_notebook(submitted, assignments.get(info["assignment"]), info["student"])
        course = course_file.for_directory(Path(coursedir.root))
        moment, problem = late.read_timestamp(submitted.parent)  # as nbgrader reads it
        result.submitted_at = moment.isoformat() if moment else None
        if problem:
            self.log.warning("%s: %s; not checked for lateness", info["student"], problem)
        late.apply(result, course)
        results.save(result, Path(coursedir.root) / self.results_directory,
                     notebook_sha256=fingerprint.notebook_sha256(submitted))
        self.log.info("engine: %s %s %g / %g (%s)", info["student"], info["assignment"],
                      result.raw_score, result.max_score, ", ".join(result.isolation) or "no isolation")

        # Points from the result; the text students read at the disclosure level now in force.
        view = disclosure.student_view(result, course=course)
        cells, notes_written = result.cells(), False
        for cell in nb.cells:
            if not utils.is_grade(cell) or utils.is_solution(cell) or cell.cell_type != "code":
                continue
            grade_id = cell.metadata.nbgrader["grade_id"]
            if grade_id not in cells:
                raise RuntimeError(f"graded cell {grade_id!r} has no hidden tests; rebuild the "
                                   f"assignment (python -m grader.authoring.build {info['assignment']})")
            lines = [] if notes_written else [f"채점 알림: {note}" for note in view.notes]
            notes_written = True
            lines += [_test_line(t) for t in view.tests if t.grade_id == grade_id]
            cell.outputs = _cell_outputs(cells[grade_id]["points"], cells[grade_id]["max_points"],
                                         "\n".join(lines))
        return nb, resources


def _test_line(t) -> str:
    """One hidden test for the student: what it checked (its docstring) when passed, its message
    (what it checks, then what went wrong) when not; never its source, inputs or values."""
    head = f"{t.points:g}/{t.max_points:g}점 {t.name}"
    if t.status != "passed":
        return f"[실패] {head}: {t.message}"
    return f"[통과] {head}" + (f": {t.doc}" if t.doc else "")


def _cell_outputs(points: float, max_points: float, text: str) -> list:
    """What determine_grade reads: an error output scores 0, a number scores that number."""
    outputs = [nbformat.v4.new_output("stream", name="stdout", text=text + "\n")]
    points = min(round(points, 6), max_points)
    if points <= 0:
        outputs.append(nbformat.v4.new_output(
            "error", ename="채점", evalue=f"0 / {max_points:g}점",
            traceback=[f"이 셀에 연결된 테스트를 하나도 통과하지 못했습니다 (0 / {max_points:g}점)."]))
    else:
        outputs.append(nbformat.v4.new_output(
            "execute_result", data={"text/plain": repr(points)}, execution_count=None))
    return outputs


class CourseDeadlines(NbGraderPreprocessor):
    """Autograde: the gradebook's due date and the student's extension come from the course file
    (course.toml in the course directory, else the grader's), before AssignLatePenalties reads
    them; the formgrader then shows the same dates."""

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        course = course_file.for_directory(Path(_coursedir(self).root))
        due = course.policy(info["assignment"]).due
        if due is None:
            return nb, resources
        extended = course.extension(info["assignment"], info["student"])
        with Gradebook(info["db_url"]) as gradebook:
            assignment = gradebook.find_assignment(info["assignment"])
            utc = due.astimezone(dt.UTC).replace(tzinfo=None)
            if assignment.duedate != utc:
                self.log.warning("%s: due date %s from the course file (the gradebook had %s)",
                                 info["assignment"], due.isoformat(), assignment.duedate)
                assignment.duedate = utc
            submission = gradebook.find_submission(info["assignment"], info["student"])
            extension = (extended - due) if extended is not None else None
            if submission.extension not in (None, extension):
                self.log.warning("%s %s: extension from the course file (the gradebook had %s); "
                                 "grant extensions in course.toml, which both grading paths read",
                                 info["student"], info["assignment"], submission.extension)
            submission.extension = extension
            gradebook.db.commit()
        return nb, resources


class CourseLatePenalty(LateSubmissionPlugin):
    """nbgrader's late-submission plugin with the course file's rule (grader.late.penalty, the
    function `grader grade` applies), so both paths give the same totals."""

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        assignment_id = getattr(self.parent, "assignment_id", None)
        course = course_file.for_directory(Path(_coursedir(self).root))
        if course.policy(assignment_id).due is None:
            return None  # as on the grader path: no due date in the course file, never late
        days, fraction, points = late.penalty(course.late_policy(assignment_id), score, total_seconds_late)
        self.log.info("late penalty for %s (%s): %g points (%d days, %.0f%%)", student_id,
                      assignment_id, points, days, 100 * fraction)
        return points or None


class LmsFileNames(FileNameCollectorPlugin):
    """zip_collect collector whose timestamps are parsed with a format and a time zone.

    nbgrader reads the `timestamp` group with dateutil, which takes the tail of
    `2026-03-09-23-59-00` for a UTC offset and silently gets the time wrong by hours; here it is
    read with `timestamp_format` in the LMS's `timezone` and passed on with an explicit offset.
    """

    timestamp_format = Unicode("%Y-%m-%d-%H-%M-%S", help="strptime format of the timestamp group"
                               ).tag(config=True)
    timezone = Unicode("Asia/Seoul", help="time zone of the LMS's timestamps").tag(config=True)

    def collect(self, submitted_file):
        info = super().collect(submitted_file)
        if info and info.get("timestamp"):
            try:
                moment = dt.datetime.strptime(info["timestamp"], self.timestamp_format)
            except ValueError:
                self.log.error("%s: timestamp %r does not match %r; skipped", submitted_file,
                               info["timestamp"], self.timestamp_format)
                return None
            moment = moment.replace(tzinfo=zoneinfo.ZoneInfo(self.timezone))
            info["timestamp"] = moment.isoformat(" ")
        return info


class GatedReleaseAssignment(ExchangeReleaseAssignment):
    """nbgrader's release to the exchange, refused while the notebook carries another
    assignment's graded solutions that are not yet due (the message names them and the date)."""

    allow_early_release = Bool(
        False, help="Release even if the notebook carries answers that are not due yet "
                    "(also: GRADER_ALLOW_EARLY_RELEASE=1)."
    ).tag(config=True)

    def init_src(self):
        from grader.authoring import release_gate
        from grader.authoring.embedded import RecordError

        super().init_src()
        try:
            overridden = release_gate.check(
                self.coursedir.assignment_id, allow_early=self.allow_early_release,
                how_to_override="rerun with --GatedReleaseAssignment.allow_early_release=True "
                                f"(or {release_gate.ALLOW_ENV}=1)")
        except (release_gate.EarlyRelease, RecordError, ValueError) as exc:
            self.fail(str(exc))
        for blocker in overridden:
            self.log.warning("Releasing %s early: it carries the graded solutions of %s, not yet due",
                             self.coursedir.assignment_id, blocker.assignment_id)


def configure(c) -> None:
    """Put the engine into nbgrader's autograde (call it from nbgrader_config.py)."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        ClearOutput,
        DeduplicateIds,
        IgnorePattern,
        LimitOutput,
        OverwriteCells,
        OverwriteKernelspec,
        SaveAutoGrades,
    )

    # nbgrader runs `alembic` by name: find it beside this interpreter.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    c.Autograde.sanitize_preprocessors = [RepairMetadata, ClearOutput, DeduplicateIds,
                                          OverwriteKernelspec, OverwriteCells, CheckCellMetadata]
    c.Autograde.autograde_preprocessors = [EngineGrades, IgnorePattern, ClearMetadataPreprocessor,
                                           LimitOutput, SaveAutoGrades, CourseDeadlines,
                                           AssignLatePenalties, CheckCellMetadata]
    c.AssignLatePenalties.plugin_class = CourseLatePenalty
    c.ZipCollectApp.collector_plugin = LmsFileNames
    c.ExchangeFactory.release_assignment = GatedReleaseAssignment
    # Blackboard-style names: <assignment>_<student>_attempt_<YYYY-mm-dd-HH-MM-SS>_<notebook>.ipynb
    c.FileNameCollectorPlugin.named_regexp = (
        r".*_(?P<student_id>[A-Za-z0-9\-]+)_attempt_(?P<timestamp>[0-9\-]+)_(?P<file_id>\w+)")
