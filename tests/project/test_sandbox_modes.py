"""GRADER_SANDBOX: each mode is named as requested, and a value that names none is refused; the
sandbox's temporary folders do not outlive a killed grader."""
import os

import pytest

from grader import assignments, cli, sandbox, selfcheck


def _selfcheck_lines() -> list[str]:
    lines = []
    assert selfcheck.check(lines.append)
    return lines


def test_process_mode_says_it_was_requested_not_that_bubblewrap_is_missing(monkeypatch):
    monkeypatch.setenv("GRADER_SANDBOX", "process")
    assert not sandbox.bubblewrap_works()
    (line,) = _selfcheck_lines()
    assert "reduced isolation" in line and "GRADER_SANDBOX=process" in line
    assert "not available" not in line and "not installed" not in line


def test_without_a_request_a_missing_bubblewrap_is_named_as_missing(monkeypatch):
    monkeypatch.delenv("GRADER_SANDBOX", raising=False)
    monkeypatch.setattr(sandbox, "_bubblewrap_starts", lambda: False)
    (line,) = _selfcheck_lines()
    assert "reduced isolation" in line and "bubblewrap is" in line and "GRADER_SANDBOX" not in line


@pytest.mark.parametrize("value, mode", [("", "auto"), ("auto", "auto"), ("Process", "process"),
                                         (" bubblewrap ", "bubblewrap")])
def test_accepted_values(monkeypatch, value, mode):
    monkeypatch.setenv("GRADER_SANDBOX", value)
    assert sandbox.requested_sandbox() == mode


def test_an_unknown_mode_is_an_exit_2_error_listing_the_accepted_ones(monkeypatch, capsys):
    monkeypatch.setenv("GRADER_SANDBOX", "bogus")
    release = assignments.get("12_evaluation").release_notebook
    assert cli.main(["grade", str(release), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "'bogus'" in err and all(mode in err for mode in ("auto", "bubblewrap", "process"))


def test_bubblewrap_requested_where_it_cannot_start_is_refused(monkeypatch, capsys):
    monkeypatch.setenv("GRADER_SANDBOX", "bubblewrap")
    monkeypatch.setattr(sandbox, "_bubblewrap_starts", lambda: False)
    release = assignments.get("12_evaluation").release_notebook
    assert cli.main(["grade", str(release), "--quiet"]) == 2
    assert "GRADER_SANDBOX=bubblewrap, but bubblewrap" in capsys.readouterr().err


def test_folders_of_a_killed_grader_are_swept_whatever_their_kind(monkeypatch, tmp_path):
    """A warm batch makes no cold `submission` folder, yet clears those a killed cold run left."""
    import subprocess
    import sys
    import tempfile

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True).stdout.strip()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    left = [tmp_path / f"grader-{kind}-{ended}-x" for kind in sandbox.OWNED_KINDS]
    alive = tmp_path / f"grader-submission-{os.getpid()}-y"
    for folder in (*left, alive):
        folder.mkdir()
    sandbox._sweep_stale.cache_clear()
    try:
        made = sandbox.owned_tempdir("slot")
    finally:
        sandbox._sweep_stale.cache_clear()
    assert [folder for folder in left if folder.exists()] == []
    assert alive.exists() and made.exists()
