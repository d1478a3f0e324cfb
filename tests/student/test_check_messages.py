"""The check-message cell in a real kernel (no browser): what a student reads when a check fails."""
import os
import sys
from pathlib import Path

import nbclient
import nbformat

from grader.authoring.build import CHECK_MESSAGES


def _run(monkeypatch, *cells: str) -> list[nbformat.NotebookNode]:
    """Each cell's error output (None if it ran clean), after the check-message cell."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CHECK_MESSAGES.read_text())]
                                  + [nbformat.v4.new_code_cell(c) for c in cells])
    # the venv's python3 kernelspec runs `python` from PATH
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    nbclient.NotebookClient(nb, allow_errors=True, kernel_name="python3", timeout=60).execute()
    return [next((o for o in cell.outputs if o.output_type == "error"), None) for cell in nb.cells[1:]]


def test_failures_read_as_short_korean_messages_and_other_errors_keep_their_traceback(monkeypatch):
    stub = "def accuracy_score(y_true, y_pred):\n    '''doc'''\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    errors = _run(
        monkeypatch,
        stub,
        "assert accuracy_score([1], [1]) == 1.0, '다 맞혔으니 1.0입니다.'",
        "def accuracy_score(y_true, y_pred):\n    return 0.5",
        "x = 1\nassert accuracy_score([1], [1]) == 1.0, '다 맞혔으니 1.0입니다.'",
        "assert accuracy_score([1], [1]) == 1.0",
        "def helper():\n    assert False, 'inside'\nhelper()",
        "1 / 0",
    )
    assert errors[0] is None
    assert errors[1].ename == "NotImplementedError"
    assert errors[1].traceback[0].startswith("[아직 구현하지 않음] `accuracy_score`")
    assert errors[2] is None
    assert errors[3].traceback[:2] == ["[확인 실패] 이 셀의 2번째 줄", "  기대한 것: 다 맞혔으니 1.0입니다."]
    # no message: the assert itself is what was expected
    assert errors[4].traceback[1] == "  기대한 것: assert accuracy_score([1], [1]) == 1.0"
    # an assert inside the student's own function and any other error: the usual traceback
    for error in errors[5:]:
        assert "Traceback" in "\n".join(error.traceback)
