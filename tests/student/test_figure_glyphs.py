"""The missing-glyph check of the notebook tests (tests/student/_student.missing_glyphs) reads what a
kernel really prints when a figure's text has a character the Korean font lacks."""
import os
import sys
from pathlib import Path

import nbclient
import nbformat

from _student import missing_glyphs

FIGURE = """import matplotlib.pyplot as plt
import koreanize_matplotlib
plt.plot([0, 1])
plt.title({title!r})
plt.show()"""


def test_a_missing_glyph_in_a_figure_is_named_and_hangul_is_not(monkeypatch):
    # U+22C5 DOT OPERATOR is absent from NanumGothic (koreanize_matplotlib's font and Debian's).
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FIGURE.format(title="한국어 제목 a ⋅ b")),
                                         nbformat.v4.new_code_cell(FIGURE.format(title="한국어 제목만"))])
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    stderr = ["".join(o.text for o in cell.outputs if o.get("name") == "stderr") for cell in nb.cells]
    assert [glyph.split(" (")[0] for glyph in missing_glyphs(stderr[0])] == ["U+22C5 '⋅'"], stderr[0]
    assert missing_glyphs(stderr[1]) == [], stderr[1]
