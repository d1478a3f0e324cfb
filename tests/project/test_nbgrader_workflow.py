"""The instructor's nbgrader workflow, headless, in temporary courses: scores from the engine.

Both ways courses run it: a shared server (`hub`: release_assignment -> students fetch_assignment
and submit -> collect, through a temporary exchange, two student accounts) and an LMS (`lms`:
zip_collect from an archive whose file names carry Korean local time). Then autograde ->
generate_feedback -> (hub) release_feedback / fetch_feedback -> export, and the per-test CSV.
The commands are the README's, run through nbgrader's own entry point (see _nbgrader_driver.py).

Students: alice (reference; her code writes warnings to stderr) and bob (buggy macro F1; moved a
function to a new cell, deleted a graded cell, edited nbgrader metadata) on the hub; carol
(reference, one minute early), dave (half done, 30 minutes late with a 15-minute extension;
rewrote a graded cell to print full points) and erin (not a notebook) from the LMS.
Each course has its own course.toml (due date, late rule, dave's extension), which nbgrader's
autograde and `grader grade` (GRADER_COURSE_FILE) both read.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import html.parser
import io
import json
import os
import subprocess
import sys
import tokenize
import zipfile
import zoneinfo
from pathlib import Path

import nbformat
import pytest

from grader import assignments, course, fingerprint
from grader.authoring import embedded, release_gate
from grader.authoring.build import build_notebook
from grader.authoring.samples import submissions_for
from grader.results import RESULTS_DIR

# One worker builds the courses once for every test here (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("nbgrader_workflow")

ROOT = Path(__file__).resolve().parents[2]
AID = "12_evaluation"
COURSE_ID = "llm-course"
DUE_UTC = dt.datetime(2026, 3, 9, 15, 0)  # 2026-03-10 00:00 in Korea
COURSE_FILES = {
    # The hub's students submit while the test runs: a due date far ahead.
    "hub": '[disclosure]\nbefore_due = "full"\n[assignments.12_evaluation]\ndue = 2099-01-01T00:00:00+09:00\n',
    # The LMS course: 10% per started day late, and dave's 15-minute extension.
    "lms": ('[late]\nper_day = 0.1\n[disclosure]\nafter_due = "full"\n'
            '[assignments.12_evaluation]\ndue = 2026-03-10T00:00:00+09:00\n'
            '[assignments.12_evaluation.extensions]\ndave = { minutes = 15 }\n'),
}
LMS = {  # student -> (sample, LMS timestamp in Korean time)
    "carol": ("ref-solution", "2026-03-09-23-59-00"),
    "dave": ("partial-half", "2026-03-10-00-30-00"),
    "erin": (None, "2026-03-09-20-00-00"),
}
STDERR_CELL = '''import sys, warnings
_accuracy_score = accuracy_score
def accuracy_score(*args, **kwargs):
    warnings.warn("디버그용 경고", UserWarning)
    print("accuracy_score 호출됨", file=sys.stderr)
    return _accuracy_score(*args, **kwargs)
'''


DRIVER = Path(__file__).with_name("_nbgrader_driver.py")


class Nbgrader:
    """`nbgrader ARGS` in a folder, through one long-lived process (see _nbgrader_driver.py)."""

    def __init__(self):
        env = dict(os.environ, PYTHONPATH=str(ROOT),
                   PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
        self.process = subprocess.Popen([sys.executable, str(DRIVER)], cwd=ROOT, env=env, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def __call__(self, *args, cwd: Path, check=True, env: dict | None = None) -> tuple[int, str]:
        request = {"args": list(args), "cwd": str(cwd), "env": {"HOME": str(cwd), **(env or {})}}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if check and answer["rc"] != 0:
            raise AssertionError(f"nbgrader {' '.join(args)} failed ({answer['rc']}):\n"
                                 f"{answer['log'][-6000:]}")
        return answer["rc"], answer["log"]

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


@functools.cache
def _samples(assignment) -> dict:
    return submissions_for(assignment)


def _sample(assignment, name: str) -> nbformat.NotebookNode:
    return build_notebook(assignment, _samples(assignment)[name])


def _graded(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _do_homework(student: str, fetched: Path, assignment) -> None:
    """Replace the fetched notebook with the student's work (keeping nbformat's own layout)."""
    target = fetched / f"{AID}.ipynb"
    if student == "alice":
        nb = _sample(assignment, "ref-solution")
        nb.cells.append(nbformat.v4.new_code_cell(STDERR_CELL))
    else:  # bob: buggy macro F1; moves f1_score to a new cell, deletes cells, edits metadata
        nb = _sample(assignment, "bug-macro-f1")
        moved = _graded(nb, "f1_score")
        nb.cells.remove(moved)
        nb.cells.remove(_graded(nb, "test_f1"))
        nb.cells.append(nbformat.v4.new_code_cell(moved.source))
        _graded(nb, "test_accuracy").metadata["nbgrader"]["points"] = 99
        _graded(nb, "test_roc_auc").metadata["nbgrader"]["schema_version"] = 99
        _graded(nb, "test_confusion_matrix").metadata["nbgrader"] = {"grade": True}
    nbformat.write(nb, target)


def _lms_archive(course: Path, assignment) -> None:
    archive = course / "downloaded" / AID / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "lms_export.zip", "w") as zf:
        for student, (sample, stamp) in LMS.items():
            name = f"{AID}_{student}_attempt_{stamp}_{AID}.ipynb"
            if sample is None:
                zf.writestr(name, "이건 노트북이 아닙니다")
                continue
            nb = _sample(assignment, sample)
            if student == "dave":  # "print full points" in a graded cell, unlocked
                cell = _graded(nb, "test_roc_auc")
                cell.source = "28"
                cell.metadata["nbgrader"]["locked"] = False
            zf.writestr(name, nbformat.writes(nb))


def _new_course(folder: Path, assignment, exchange: Path | None) -> Path:
    (folder / "assignments" / AID).mkdir(parents=True)
    (folder / "assignments" / AID / f"{AID}.ipynb").write_bytes(
        assignment.source_notebook.read_bytes())
    # The import path of course copies made before the nbgrader glue moved to grader/nbgrader/.
    lines = ["import sys", f"sys.path.insert(0, {str(ROOT)!r})",
             "from grader.nbgrader_plugin import configure", "c = get_config()", "configure(c)",
             "c.CourseDirectory.source_directory = 'assignments'"]
    if exchange is not None:
        lines += [f"c.CourseDirectory.course_id = {COURSE_ID!r}",
                  f"c.Exchange.root = {str(exchange)!r}"]
    (folder / "nbgrader_config.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "course.toml").write_text(COURSE_FILES.get(folder.name, ""), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def courses(tmp_path_factory):
    """Two courses, headless: `hub` (exchange: alice, bob), `lms` (zip_collect: carol, dave, erin)."""
    assignment = assignments.get(AID)
    top = tmp_path_factory.mktemp("nbgrader")
    exchange = top / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)  # as on a shared server: every account writes its submissions there
    hub = _new_course(top / "hub", assignment, exchange)
    lms = _new_course(top / "lms", assignment, None)
    nbgrader = Nbgrader()
    try:
        for course in (hub, lms):
            nbgrader("db", "assignment", "add", AID, "--duedate=2026-03-10 00:00:00 Asia/Seoul",
                     cwd=course)
            nbgrader("generate_assignment", AID, cwd=course)

        # Shared server: release; each student fetches and submits from their own home.
        nbgrader("release_assignment", AID, cwd=hub)
        homes = {}
        for student in ("alice", "bob"):
            home = top / "home" / student
            home.mkdir(parents=True)
            (home / "nbgrader_config.py").write_text(  # what the hub's global config provides
                f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\n"
                f"c.Exchange.root = {str(exchange)!r}\n"
                f"c.Exchange.cache = {str(home / '.cache')!r}\n", encoding="utf-8")
            nbgrader("fetch_assignment", AID, f"--student={student}", cwd=home)
            _do_homework(student, home / AID, assignment)
            nbgrader("submit", AID, f"--student={student}", cwd=home)
            homes[student] = home
        nbgrader("collect", AID, cwd=hub)

        # LMS: one downloaded archive of every submission.
        _lms_archive(lms, assignment)
        nbgrader("zip_collect", AID, cwd=lms)

        # `grader grade` on the same submitted files, beside nbgrader's own runs.
        grade = " && ".join(
            f"GRADER_COURSE_FILE={course / 'course.toml'} "
            f"{sys.executable} -m grader grade {course / 'submitted'} --format json --quiet "
            f"--output {top / (course.name + '.json')}" for course in (hub, lms))
        grader_run = subprocess.Popen(["bash", "-c", grade], cwd=ROOT, text=True,
                                      env=dict(os.environ, PYTHONPATH=str(ROOT)),
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

        logs = {}
        for course in (hub, lms):
            logs[course.name] = nbgrader("autograde", AID, cwd=course, check=False)
            nbgrader("generate_feedback", AID, cwd=course)
        nbgrader("release_feedback", AID, cwd=hub)
        for student, home in homes.items():
            nbgrader("fetch_feedback", AID, f"--student={student}", cwd=home)
        for course in (hub, lms):
            nbgrader("export", "--to=grades.csv", cwd=course)
            subprocess.run([sys.executable, "-m", "grader.nbgrader.tests_csv",
                            "--output", "tests.csv"], cwd=course, check=True,
                           env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True)
        # The instructor's reports from the nbgrader path's results.
        subprocess.run([sys.executable, "-m", "grader", "report", str(lms / RESULTS_DIR), "--quiet"],
                       cwd=ROOT, check=True, capture_output=True,
                       env=dict(os.environ, PYTHONPATH=str(ROOT), GRADER_COURSE_FILE=str(lms / "course.toml")))
    finally:
        nbgrader.close()

    output, _ = grader_run.communicate(timeout=300)
    assert grader_run.returncode == 0, output
    reference = {}
    for course in (hub, lms):
        reference |= {doc["student"]: doc
                      for doc in json.loads((top / f"{course.name}.json").read_text("utf-8"))}
    return {"hub": hub, "lms": lms, "homes": homes, "autograde": logs, "reference": reference,
            "course_of": {"alice": hub, "bob": hub, "carol": lms, "dave": lms, "erin": lms}}


def _csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _gradebook(course: Path) -> dict[str, dict]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for submission in gb.assignment_submissions(AID):
            out[submission.student.id] = {
                "cells": {g.name: g.auto_score for g in submission.notebooks[0].grades},
                "timestamp": submission.timestamp, "late": submission.total_seconds_late}
    return out


# ----------------------------------------------------------------------------- scores

def test_students_arrived_through_the_exchange_and_the_lms(courses):
    for name, students in (("hub", {"alice", "bob"}), ("lms", {"carol", "dave", "erin"})):
        assert {p.name for p in (courses[name] / "submitted").iterdir()} == students


def test_gradebook_totals_equal_grader_grade_test_by_test(courses):
    reference = courses["reference"]
    for name in ("hub", "lms"):
        course = courses[name]
        exported = {row["student_id"]: row for row in _csv(course / "grades.csv")}
        gradebook = _gradebook(course)
        for student, doc in reference.items():
            if courses["course_of"][student] != course:
                continue
            assert float(exported[student]["raw_score"]) == pytest.approx(doc["raw_score"]), student
            assert float(exported[student]["score"]) == pytest.approx(doc["score"]), student
            if student == "erin":
                continue  # not a notebook: nbgrader names the failure; both totals are 0
            cells = {grade_id: v["points"] for grade_id, v in doc["cells"].items()}
            assert gradebook[student]["cells"] == pytest.approx(cells), student
            saved = json.loads((course / RESULTS_DIR / AID / f"{student}.json").read_text("utf-8"))
            assert [(t["name"], t["points"], t["status"]) for t in saved["tests"]] == \
                [(t["name"], t["points"], t["status"]) for t in doc["tests"]], student
            # The same record of what graded it as `grader grade --results` keeps.
            submitted = course / "submitted" / student / AID / f"{AID}.ipynb"
            assert saved["notebook_sha256"] == fingerprint.notebook_sha256(submitted), student
            assert saved["graded_by"] == fingerprint.graded_by(assignments.get(AID)), student
    assert reference["erin"]["score"] == 0


def test_scores_follow_the_engine_not_the_notebook(courses):
    """stderr from correct code, deleted, rewritten and re-labelled cells change nothing."""
    scores = {student: doc["score"] for student, doc in courses["reference"].items()}
    assert scores["alice"] == scores["carol"] == 100  # alice's code warns on stderr
    assert 0 < scores["bob"] < 100 and 0 < scores["dave"] < 100 and scores["erin"] == 0
    # dave's "28" in the unlocked graded cell: the hidden tests of roc_curve / roc_auc_score decide.
    assert _gradebook(courses["lms"])["dave"]["cells"]["test_roc_auc"] == 0


def test_per_test_csv_has_one_row_per_hidden_test(courses):
    reference = courses["reference"]
    for name in ("hub", "lms"):
        rows = _csv(courses[name] / "tests.csv")
        students = {r["student"] for r in rows}
        enrolled = {s for s, c in courses["course_of"].items() if c == courses[name]}
        assert students == enrolled - {"erin"}
        for student in students:
            mine = {r["test"]: float(r["points"]) for r in rows if r["student"] == student}
            assert mine == {t["name"]: t["points"] for t in reference[student]["tests"]}


def test_a_broken_submission_is_named_and_the_others_are_graded(courses):
    code, log = courses["autograde"]["lms"]
    assert code != 0
    assert "error processing assignment '12_evaluation' for student 'erin'" in log
    assert "NotJSONError" in log or "does not appear to be JSON" in log
    for student in ("carol", "dave"):
        assert f"engine: {student} {AID}" in log
    code, log = courses["autograde"]["hub"]
    assert code == 0, log[-3000:]


def test_a_deleted_graded_cell_comes_back_with_its_points(courses):
    nb = nbformat.read(courses["hub"] / "autograded" / "bob" / AID / f"{AID}.ipynb", 4)
    cells = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    assert cells.index("test_precision_recall") + 1 == cells.index("test_f1")  # near its place
    points = courses["reference"]["bob"]["cells"]["test_f1"]["points"]
    assert 0 < points < 20
    assert _graded(nb, "test_f1").outputs[-1]["data"]["text/plain"] == repr(points)


def test_lms_timestamps_are_korean_time_not_utc_offsets(courses):
    gradebook = _gradebook(courses["lms"])
    assert gradebook["carol"]["timestamp"] == DUE_UTC - dt.timedelta(minutes=1)
    assert gradebook["carol"]["late"] == 0
    assert gradebook["dave"]["late"] == 15 * 60  # 30 minutes after the due date, 15 after his own


def test_a_late_submission_loses_the_course_files_penalty_on_both_paths_alike(courses):
    """dave: 15 minutes past his extended due date, a started day: 10% of what he earned."""
    lms = courses["lms"]
    graded = courses["reference"]["dave"]                       # grader grade
    exported = {r["student_id"]: r for r in _csv(lms / "grades.csv")}["dave"]  # nbgrader export
    raw = graded["raw_score"]
    assert 0 < raw < 100 and graded["late"]["days"] == 1 and graded["late"]["extended"]
    assert graded["late_penalty"] == pytest.approx(round(raw * 0.1, 4))
    assert float(exported["late_submission_penalty"]) == graded["late_penalty"]
    assert float(exported["score"]) == graded["score"] == pytest.approx(raw - graded["late_penalty"])
    # The nbgrader path's own results, reported by `grader report`, give the same total.
    reported = {(r["student_id"], r["assignment"]): r
                for r in _csv(lms / RESULTS_DIR / "report" / "lms" / "grades.csv")}
    assert float(reported[("dave", AID)]["score"]) == graded["score"]
    assert float(reported[("carol", AID)]["score"]) == 100
    feedback = _html_text(lms / "feedback" / "dave" / AID / f"{AID}.html")
    assert "지각 제출" in feedback and f"{graded['late_penalty']:g}점을 뺐습니다" in feedback


def test_timestamps_are_read_as_nbgrader_reads_them():
    from nbgrader.utils import parse_utc

    from grader import late

    for text in ("2026-03-09 14:59:00.123456 UTC", "2026-03-09 23:59:00+09:00",
                 "2026-03-09 23:59:00 Asia/Seoul", "2026-03-09 23:59:00 +0900", "2026-03-09T14:59:00"):
        assert late.parse_timestamp(text).replace(tzinfo=None) == parse_utc(text), text


def test_the_lms_collector_reads_local_time_where_dateutil_sees_an_offset():
    from nbgrader.utils import parse_utc
    from traitlets.config import Config

    from grader.nbgrader.plugin import LmsFileNames, configure

    config = Config()
    configure(config)
    collector = LmsFileNames(config=config)
    info = collector.collect(f"/x/{AID}_carol_attempt_2026-03-09-23-59-00_{AID}.ipynb")
    assert (info["student_id"], info["file_id"]) == ("carol", AID)
    assert parse_utc(info["timestamp"]) == dt.datetime(2026, 3, 9, 14, 59)
    assert parse_utc("2026-03-09-23-59-00") != dt.datetime(2026, 3, 9, 14, 59)  # the trap
    assert collector.collect(f"/x/{AID}_carol_attempt_2026-13-09-23-59-00_{AID}.ipynb") is None


# ----------------------------------------------------------------------------- feedback

class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _plain(text: str) -> str:
    return " ".join(text.split())


def _html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return _plain("".join(parser.parts))


def _hidden_code_lines(assignment) -> set[str]:
    """Lines of hidden-suite code: not comments, not string-only lines (docstrings are messages)."""
    lines = set()
    for path in assignment.hidden_suite.glob("test_*.py"):
        source = path.read_text(encoding="utf-8")
        code_rows = set()
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type not in (tokenize.STRING, tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE,
                                  tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
                code_rows.update(range(token.start[0], token.end[0] + 1))
        text = source.splitlines()
        lines |= {_plain(text[row - 1]) for row in code_rows if len(text[row - 1].strip()) >= 12}
    return lines


def _sources(notebook: Path) -> str:
    """What the student could see anyway: the cells of their notebook and of the source."""
    try:
        return " | ".join(_plain(cell.source) for cell in nbformat.read(notebook, 4).cells)
    except Exception:  # noqa: BLE001 — not a notebook
        return ""


def _feedback_files(courses) -> list[tuple[str, Path]]:
    files = [(path.parent.parent.name, path) for name in ("hub", "lms")
             for path in sorted((courses[name] / "feedback").glob(f"*/{AID}/*.html"))]
    for student, home in courses["homes"].items():
        files += [(student, path) for path in sorted((home / AID / "feedback").glob("*/*.html"))]
    return files


def test_feedback_reaches_students_through_the_exchange(courses):
    for student, home in courses["homes"].items():
        fetched = list((home / AID / "feedback").glob(f"*/{AID}.html"))
        assert len(fetched) == 1, student
        assert fetched[0].read_bytes() == \
            (courses["hub"] / "feedback" / student / AID / f"{AID}.html").read_bytes()


def test_feedback_has_korean_messages_and_no_hidden_code_inputs_or_tracebacks(courses):
    assignment = assignments.get(AID)
    reference = courses["reference"]
    hidden = _hidden_code_lines(assignment)
    assert len(hidden) > 100
    # The search works: the instructor's details (tracebacks into hidden code) are full of hits.
    details = _plain(" ".join(t["detail"] for t in reference["bob"]["tests"]))
    assert sum(line in details for line in hidden) >= 3
    files = _feedback_files(courses)
    assert len(files) == 4 + 2  # alice, bob, carol, dave generated; alice, bob fetched
    for student, path in files:
        submitted = courses["course_of"][student] / "submitted" / student / AID / f"{AID}.ipynb"
        public = " | ".join([_sources(submitted), _sources(assignment.source_notebook)]
                            + [_plain(t["message"]) for t in reference[student]["tests"]])
        text = _html_text(path)
        leaked = [line for line in hidden if line in text and line not in public]
        assert not leaked, (path, leaked[:5])
        for marker in ("Traceback", "tests/hidden", "AssertionError", "def test_", "student."):
            # Words the notebook itself contains (the check-message cell names AssertionError)
            # are not leaks; anything else is.
            assert marker in public or marker not in text, (path, marker)
        details = [t["detail"] for t in reference[student]["tests"] if t["detail"]]
        for detail in details:
            for line in detail.splitlines():
                if len(line.strip()) >= 20 and _plain(line) not in public:
                    assert _plain(line) not in text, (path, line)
    bob = _html_text(courses["hub"] / "feedback" / "bob" / AID / f"{AID}.html")
    failed = [t for t in reference["bob"]["tests"] if t["status"] != "passed"]
    assert failed and all(_plain(t["message"]) in bob for t in failed)


# ----------------------------------------------------------------------------- release gate

def test_release_assignment_waits_for_the_due_dates_of_the_answers_it_carries(tmp_path):
    """`nbgrader release_assignment` of a notebook that carries earlier graded solutions (08 runs
    on 07's attention) is refused before their due date, with the assignment and the date; after
    it, or with the instructor's explicit override, the notebook reaches the exchange."""
    later = "08_transformer_block"
    carried = embedded.load_record()[later]
    assert "07_attention" in carried
    last = max(carried, key=lambda aid: course.load().policy(aid).due)
    due = course.load().policy(last).due
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    hub = _new_course(tmp_path / "hub", assignments.get(AID), exchange)
    (hub / "release").mkdir()
    (hub / "release" / later).symlink_to(ROOT / "release" / later, target_is_directory=True)
    outbound = exchange / COURSE_ID / "outbound" / later

    def release(moment, *extra, allow=""):
        env = {release_gate.NOW_ENV: moment.isoformat(), release_gate.ALLOW_ENV: allow}
        return nbgrader("release_assignment", later, "--force", *extra, cwd=hub, check=False, env=env)

    nbgrader = Nbgrader()
    try:
        code, log = release(due - dt.timedelta(minutes=1))
        assert code != 0 and not outbound.exists()
        assert f"{later} cannot be released yet" in log and last in log
        assert f"{due.astimezone(zoneinfo.ZoneInfo(course.load().timezone)):%Y-%m-%d %H:%M}" in log
        assert "allow_early_release" in log

        code, log = release(due - dt.timedelta(minutes=1),
                            "--GatedReleaseAssignment.allow_early_release=True")
        assert code == 0 and (outbound / f"{later}.ipynb").is_file(), log[-3000:]
        assert f"Releasing {later} early" in log
        for path in sorted(outbound.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        outbound.rmdir()

        code, log = release(due - dt.timedelta(minutes=1), allow="1")
        assert code == 0 and outbound.is_dir(), log[-3000:]

        code, log = release(due + dt.timedelta(minutes=1))
        assert code == 0 and (outbound / f"{later}.ipynb").is_file(), log[-3000:]
        assert "early" not in log
    finally:
        nbgrader.close()
