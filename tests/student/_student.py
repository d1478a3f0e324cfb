"""What the student-side tests share: where their artifacts go, the notebook a student who solved
everything has, and the environment a kernel of these tests runs in."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import nbformat

from grader.authoring.build import BEGIN, END

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"  # the CI artifacts

# matplotlib's warning when a figure's text has a character its font lacks: the character is drawn
# as an empty box (or nothing), so the student reads a broken label.
MISSING_GLYPH = re.compile(r"Glyph (\d+) \(.*?\) missing from font\(s\) ([^\n]+?)\.?$", re.MULTILINE)


def missing_glyphs(stderr: str) -> list[str]:
    """One entry per missing-glyph warning in a cell's stderr: "U+22C5 '⋅' (NanumGothic)"."""
    return [f"U+{int(code):04X} {chr(int(code))!r} ({font})" for code, font in MISSING_GLYPH.findall(stderr)]


# Debian's chromium (`make browser`), driven by Playwright over its pipe: no browser download.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    return next((path for path in CHROMIUM_CANDIDATES if os.access(path, os.X_OK)), None)


def filled_notebook(assignment, release: Path | None = None) -> nbformat.NotebookNode:
    """The release notebook (by default release/<id>/<id>.ipynb; or its copy in the student
    distribution) with every solution cell holding the reference code (markers removed), i.e. what
    a student who solved everything has, release metadata and checksums untouched.

    The reference code comes from the committed source notebook (assignments/<id>/<id>.ipynb,
    which tests/project/test_generated_in_sync.py keeps equal to a fresh build; building it here
    again cost about a second per notebook)."""
    release = nbformat.read(release or assignment.release_notebook, as_version=4)
    reference = {cell.metadata["nbgrader"]["grade_id"]: cell.source
                 for cell in nbformat.read(assignment.source_notebook, as_version=4).cells
                 if cell.metadata.get("nbgrader", {}).get("solution")}
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            lines = reference[meta["grade_id"]].splitlines()
            cell.source = "\n".join(line for line in lines if line.strip() not in (BEGIN, END))
    return release


def kernel_env() -> dict[str, str]:
    """Variables for the kernels these tests start (directly or through JupyterLab).

    - the interpreter's bin folder first on PATH: the venv's `python3` kernelspec runs `python`;
    - one thread for torch/OpenMP: the tests run beside another pytest worker on CI's 2 cores,
      where OpenMP's spinning threads made 08's training cell 7 times slower (116 s against 16 s
      with one thread, measured on a loaded 2-core machine);
    - COURSE_QUICK_RUN: the fine-tuning notebooks run their experiments for a few steps only.
    """
    return {
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "COURSE_QUICK_RUN": "1",  # notebooks shorten their long experiments (10's comparison, 11's run)
    }
