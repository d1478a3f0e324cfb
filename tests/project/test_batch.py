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


ENGINE_VARIABLES = ("GRADER_SHARD", "JOB_COMPLETION_INDEX", "JOB_COMPLETIONS", "SLURM_ARRAY_TASK_ID",
                    "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_COUNT",
                    "SLURM_ARRAY_TASK_STEP")


def _engine_env(**variables):
    env = {k: v for k, v in os.environ.items() if k not in ENGINE_VARIABLES}
    return dict(env, **variables)


def _finish(*runs):
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
    return [run.stderr for run in runs]


def test_kubernetes_indexed_job_pods_share_one_results_folder_and_merge_to_the_whole(
        submitted, uninterrupted, tmp_path):
    shared = tmp_path / "shared"  # one volume all pods mount: they write into it at once
    pods = [_grader("grade", str(submitted), "--results", str(shared), "--jobs", "1",
                    "--format", "json", "--output", str(tmp_path / f"pod{index}.json"),
                    env=_engine_env(JOB_COMPLETION_INDEX=str(index), JOB_COMPLETIONS="2"))
            for index in (0, 1)]
    _finish(*pods)
    assert _scores(shared) == _scores(uninterrupted)
    # The batch holds results without the instructor's detail; the JSON report still has it all.
    shown = []
    for index in (0, 1):
        docs = json.loads((tmp_path / f"pod{index}.json").read_text(encoding="utf-8"))
        shown += docs if isinstance(docs, list) else [docs]
    assert sorted(doc["student"] for doc in shown) == sorted(_scores(uninterrupted))
    for doc in shown:
        stored = json.loads((shared / "12_evaluation" / f"{doc['student']}.json").read_text(encoding="utf-8"))
        assert [t["detail"] for t in doc["tests"]] == [t["detail"] for t in stored["tests"]]
    assert any(t["detail"] for doc in shown for t in doc["tests"] if t["status"] != "passed")
    assert (shared / "report-shard-1-of-2" / "gradebook.csv").exists()
    assert (shared / "report-shard-2-of-2" / "gradebook.csv").exists()
    assert not [p for p in shared.rglob("*") if p.name.endswith(".tmp")]
    merged = tmp_path / "merged"
    _finish(_grader("merge", str(shared), "--out", str(merged)))
    assert _scores(merged) == _scores(uninterrupted)
    assert (merged / "report" / "gradebook.csv").read_text(encoding="utf-8") == \
        (uninterrupted / "report" / "gradebook.csv").read_text(encoding="utf-8")


def test_slurm_array_tasks_grade_their_shards_and_the_shard_flag_wins(submitted, uninterrupted,
                                                                      tmp_path):
    # `sbatch --array=0-2:2`: tasks 0 and 2. The second is told --shard 1/2 on its command line:
    # the flag wins over the array, so the two folders hold both halves of the class only if so.
    slurm = dict(SLURM_ARRAY_TASK_MIN="0", SLURM_ARRAY_TASK_MAX="2", SLURM_ARRAY_TASK_COUNT="2",
                 SLURM_ARRAY_TASK_STEP="2")
    second, first = tmp_path / "task2", tmp_path / "flag"
    _finish(_grader("grade", str(submitted), "--results", str(second), "--jobs", "1",
                    env=_engine_env(SLURM_ARRAY_TASK_ID="2", **slurm)),
            _grader("grade", str(submitted), "--results", str(first), "--jobs", "1", "--shard", "1/2",
                    env=_engine_env(SLURM_ARRAY_TASK_ID="2", **slurm)))
    assert set(_scores(first)) and set(_scores(second)) and not set(_scores(first)) & set(_scores(second))
    merged = tmp_path / "merged"
    _finish(_grader("merge", str(first), str(second), "--out", str(merged)))
    assert _scores(merged) == _scores(uninterrupted)


@pytest.mark.parametrize("variables, shard", [
    ({"JOB_COMPLETION_INDEX": "0", "JOB_COMPLETIONS": "3"}, (1, 3)),
    ({"JOB_COMPLETION_INDEX": "2", "JOB_COMPLETIONS": "3"}, (3, 3)),
    ({"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "4",
      "SLURM_ARRAY_TASK_COUNT": "4"}, (4, 4)),
    ({"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "7",
      "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_STEP": "1"}, (1, 8)),
    ({"SLURM_ARRAY_TASK_ID": "10", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "14",
      "SLURM_ARRAY_TASK_COUNT": "8"}, (6, 8)),  # --array=0-14:2 on a Slurm without _STEP
    ({"GRADER_SHARD": "2/5", "JOB_COMPLETION_INDEX": "0", "JOB_COMPLETIONS": "3"}, (2, 5)),
    ({}, None),
])
def test_the_shard_is_read_from_the_job_array_engine(variables, shard):
    from grader.batch import shard_from_env

    found = shard_from_env(variables)
    assert (found[0] if found else None) == shard


@pytest.mark.parametrize("variables, named", [
    ({"JOB_COMPLETION_INDEX": "1"}, "JOB_COMPLETIONS"),
    ({"JOB_COMPLETION_INDEX": "3", "JOB_COMPLETIONS": "3"}, "does not exist"),
    ({"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "9",
      "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_STEP": "1"}, "evenly"),  # --array=1,4,9
    ({"SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "2",
      "SLURM_ARRAY_TASK_COUNT": "2"}, "whole number"),
])
def test_a_job_array_the_grader_cannot_split_by_is_refused_with_the_reason(variables, named):
    from grader.batch import shard_from_env

    with pytest.raises(ValueError, match=named):
        shard_from_env(variables)


def test_an_engine_variable_without_its_count_stops_the_grader_before_grading(submitted):
    run = _grader("grade", str(submitted), env=_engine_env(JOB_COMPLETION_INDEX="0"))
    _, err = run.communicate(timeout=120)
    assert run.returncode == 2 and "JOB_COMPLETIONS" in err


def test_a_job_array_task_that_grades_one_notebook_grades_it_whatever_its_index(submitted):
    notebook = next(submitted.glob("ref-solution/12_evaluation/*.ipynb"))
    # Task 2 of 2 of an array that gives each task its own notebook: never "not in my shard".
    run = _grader("grade", str(notebook), "--format", "json",
                  env=_engine_env(JOB_COMPLETION_INDEX="1", JOB_COMPLETIONS="2"))
    out, err = run.communicate(timeout=300)
    assert run.returncode == 0, err
    assert json.loads(out)["score"] == json.loads(out)["max_score"]


def _write_many(path, text, times):
    from grader.results import write_atomically

    for _ in range(times):
        write_atomically(path, text)


def test_two_writers_of_one_result_never_leave_a_partial_or_temporary_file(tmp_path):
    import multiprocessing

    path = tmp_path / "12_evaluation" / "alice.json"
    texts = [json.dumps({"writer": n, "pad": str(n) * 200_000}) for n in (1, 2)]
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_write_many, args=(path, text, 40)) for text in texts]
    for writer in writers:
        writer.start()
    seen = set()
    while any(w.is_alive() for w in writers):
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        assert text in texts  # whole, one writer's or the other's
        seen.add(json.loads(text)["writer"])
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    assert path.read_text(encoding="utf-8") in texts
    assert [p.name for p in path.parent.iterdir()] == ["alice.json"]


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
