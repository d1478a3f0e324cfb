"""A class at a time: an interrupted batch resumes to the same results; shards merge to the whole."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from grader.assignments import ROOT
from grader.authoring.samples import write_samples

# One xdist worker for the whole file: the tests share the uninterrupted batch below.
pytestmark = pytest.mark.xdist_group("batch")


def _grader(*args, **kwargs):
    quiet = ["--quiet"] if args[0] == "grade" else []
    return subprocess.Popen([sys.executable, "-m", "grader", *args, *quiet], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, **kwargs)


def _scores(folder):
    """student -> (score, per-test statuses): what must not depend on how the batch ran."""
    out = {}
    for path in sorted(folder.glob("12_evaluation/*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        out[doc["student"]] = (doc["score"], [(t["name"], t["status"], t["points"]) for t in doc["tests"]])
    return out


@pytest.fixture(scope="module")
def submitted(tmp_path_factory):
    return write_samples(tmp_path_factory.mktemp("samples"), "12_evaluation")


@pytest.fixture(scope="module")
def uninterrupted(submitted, tmp_path_factory):
    results = tmp_path_factory.mktemp("full")
    done = _grader("grade", str(submitted), "--results", str(results), "--jobs", "2")
    out, err = done.communicate(timeout=600)
    assert done.returncode == 0, err
    return results


def test_a_batch_killed_part_way_resumes_to_identical_results(submitted, uninterrupted, tmp_path):
    results = tmp_path / "resumed"
    first = _grader("grade", str(submitted), "--results", str(results), "--jobs", "1")
    deadline = time.monotonic() + 300
    while len(list(results.glob("12_evaluation/*.json"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(first.pid, signal.SIGKILL)
    first.communicate()
    partial = len(list(results.glob("12_evaluation/*.json")))
    assert 2 <= partial < 6, "the kill should land part-way through the batch"
    second = _grader("grade", str(submitted), "--results", str(results), "--jobs", "2")
    _, err = second.communicate(timeout=600)
    assert second.returncode == 0, err
    assert _scores(results) == _scores(uninterrupted)
    assert len(list(results.glob("12_evaluation/*.json"))) == 6


def test_shards_partition_the_class_and_merge_to_the_whole(submitted, uninterrupted, tmp_path):
    shard_dirs = []
    for index in (1, 2):
        folder = tmp_path / f"shard{index}"
        run = _grader("grade", str(submitted), "--results", str(folder), "--shard", f"{index}/2",
                      "--jobs", "1")
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
        shard_dirs.append(folder)
    first, second = (set(_scores(d)) for d in shard_dirs)
    assert first and second and not first & second
    merged = tmp_path / "merged"
    run = _grader("merge", *map(str, shard_dirs), "--out", str(merged))
    _, err = run.communicate(timeout=120)
    assert run.returncode == 0, err
    assert _scores(merged) == _scores(uninterrupted)


def test_a_batch_writes_gradebook_plot_summary_and_feedback(uninterrupted):
    report = uninterrupted / "report"
    header = (report / "gradebook.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:4] == ["student", "assignment", "score", "max_score"]
    assert any(column.startswith("12_evaluation:test_") for column in header)
    assert (report / "grades.png").stat().st_size > 1000
    assert "채점 요약" in (report / "summary.md").read_text(encoding="utf-8")
    feedback = report / "feedback" / "ref-solution" / "12_evaluation.md"
    assert "100 / 100" in feedback.read_text(encoding="utf-8")
    assert (report / "feedback" / "stub-untouched" / "12_evaluation.gradescope.json").exists()


def test_a_bad_shard_argument_is_refused(submitted):
    run = _grader("grade", str(submitted), "--shard", "3/2")
    _, err = run.communicate(timeout=120)
    assert run.returncode == 2 and "--shard" in err
