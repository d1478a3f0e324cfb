"""Similarity: which students' solutions look alike, as evidence for a human to read, never a grade.

Per assignment, every pair of submissions is compared with copydetect (PyPI `copydetect`, the
winnowing fingerprints of Stanford MOSS's paper): its tokeniser (pygments) replaces every variable,
function and class name by one letter and every string by another, and drops comments and
whitespace, so a copy with renamed variables, new comments or other spacing still matches, and a
solution written independently does not. Only what the student wrote is compared:

- the code cells of the submission that are not identical to a code cell of the release notebook
  (given code, visible checks, untouched stubs) — the solution cells and the student's own cells;
- and within them, every fingerprint that also occurs in the release notebook's code (the stub's
  `def` line and docstring, `raise NotImplementedError()`) is boilerplate and never a match.

The notebook's text (Markdown) is never compared. Fingerprints are every run of K characters of
the tokenised code, where a name is one character (copydetect's default noise threshold, with a
winnowing window of 1: the same inputs always give the same scores, whatever Python's hash seed).
A pair's similarity is the larger of the two shares of each student's code that the other
contains. Pairs at or above the threshold are shown side by side with the matching regions marked
(`similarity/<assignment>.html`, jinja2 with autoescaping: code and ids are hostile input); every
pair's scores are in `similarity/<assignment>.csv`, and each student's closest pair and their
similarity to the reference solution in the page's table. A high score says "look at these two",
nothing more: short exercises with one natural solution look alike when written independently.
"""
from __future__ import annotations

import base64
import dataclasses
import functools
import io
import re
import sys
from pathlib import Path

from grader import forbidden
from grader.assignments import Assignment
from grader.report import write_csv

K = 25                     # characters of tokenised code per fingerprint (copydetect's default)
THRESHOLD = 0.7            # pairs at or above are shown side by side
MAX_CODE_CHARS = 200_000   # per student; a longer notebook is compared on its first part
MAX_SHOWN_PAIRS = 20


@dataclasses.dataclass
class Code:
    student: str
    text: str
    fingerprint: object | None = None   # copydetect.CodeFingerprint, or its Coverage
    positions: object = None            # k-gram start offsets in the filtered code (numpy)
    position_hashes: object = None      # the fingerprint at each of those offsets (numpy)
    hash_array: object = None           # the fingerprints, sorted (numpy)

    def index(self) -> Code:
        """Arrays for fast pairwise comparison (see `overlap`)."""
        import numpy as np

        pairs = [(int(i), int(h)) for h, idx in self.fingerprint.hash_idx.items() for i in idx]
        pairs.sort()
        self.positions = np.array([i for i, _ in pairs], dtype=np.int64)
        self.position_hashes = np.array([h for _, h in pairs], dtype=np.int64)
        self.hash_array = np.unique(self.position_hashes)
        return self


@dataclasses.dataclass
class Coverage:
    """What comparing needs of a copydetect fingerprint (`overlap`, `_in_text`)."""
    token_coverage: int
    offsets: object                     # filtered-code offset -> text offset (numpy)


@dataclasses.dataclass
class Pair:
    first: str
    second: str
    similarity: float               # max of the two shares
    shares: tuple[float, float]     # share of first's code found in second, and the reverse
    tokens: int                     # matching tokens
    segments: tuple[list, list] = ((), ())  # [(text, matched)] of each side, for the report


@dataclasses.dataclass
class Report:
    assignment: str
    students: list[str]
    empty: list[str]                # wrote nothing of their own (or no readable notebook)
    pairs: list[Pair]               # every pair, most similar first
    to_reference: dict[str, float]  # student -> similarity to the reference solution
    threshold: float

    @property
    def flagged(self) -> list[Pair]:
        return [p for p in self.pairs if p.similarity >= self.threshold]

    def closest(self) -> dict[str, Pair]:
        best: dict[str, Pair] = {}
        for pair in self.pairs:  # most similar first
            for student in (pair.first, pair.second):
                best.setdefault(student, pair)
        return best


# ----------------------------------------------------------------------------- what is compared

def _code_cells(cells: list) -> list[str]:
    out = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        out.append("".join(source) if isinstance(source, list) else str(source))
    return out


def release_code(assignment: Assignment) -> list[str]:
    """Every code cell of the release notebook: given code, visible checks and the stubs."""
    import nbformat

    return [c.source for c in nbformat.read(assignment.release_notebook, 4).cells if c.cell_type == "code"]


def reference_code(assignment: Assignment) -> str:
    """The reference solution as it fills the source notebook's solution cells."""
    import nbformat

    given = {forbidden.normalise(code) for code in release_code(assignment)}
    lines = given_lines(release_code(assignment))
    cells = [c.source for c in nbformat.read(assignment.source_notebook, 4).cells
             if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    return "\n\n".join(_without_given_lines(code, lines) for code in cells
                       if forbidden.normalise(code) not in given)


def _squeezed(line: str) -> str:
    return "".join(line.split())


def given_lines(release: list[str]) -> frozenset[str]:
    """Every line of the release code, whitespace removed (a stub's def line, its docstring)."""
    return frozenset(_squeezed(line) for code in release for line in code.splitlines()) - {""}


def student_code(notebook: Path, given: frozenset[str], lines: frozenset[str] = frozenset()) -> str:
    """What the student wrote: the notebook's code cells that are not release code, less the
    lines they kept from it (the stubs' def lines and docstrings, however re-spaced); "" when the
    notebook cannot be read (it is read as the grader reads submissions)."""
    from grader.errors import NotebookLoadError
    from grader.load import parse_notebook, read_notebook_bytes

    try:
        cells = parse_notebook(read_notebook_bytes(notebook))
    except (NotebookLoadError, OSError):
        return ""
    own = []
    for code in _code_cells(cells):
        if forbidden.normalise(code) in given:
            continue
        kept = _without_given_lines(code, lines)
        if kept.strip():
            own.append(kept)
    return "\n\n".join(own)[:MAX_CODE_CHARS]


def _without_given_lines(code: str, lines: frozenset[str]) -> str:
    """`code` less the lines it shares with the release code, except `def`/`class` lines, which
    stay to show where a function starts (their fingerprints are boilerplate all the same)."""
    kept = [line for line in code.splitlines()
            if _squeezed(line) not in lines or line.lstrip().startswith(("def ", "class ", "async def "))]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")


# ----------------------------------------------------------------------------- comparing

def _fingerprint(text: str, boilerplate: frozenset = frozenset()):
    """copydetect's fingerprint of `text`, less every fingerprint of the boilerplate. (Removed
    here rather than through its `boilerplate` argument, whose set intersection assumes unique
    hashes, which a window of 1 does not give.)"""
    from copydetect import CodeFingerprint
    from copydetect.utils import get_token_coverage

    fingerprint = CodeFingerprint("student.py", K, 1, language="python", fp=io.StringIO(text))
    for value in fingerprint.hashes & boilerplate:
        fingerprint.hashes.discard(value)
        fingerprint.hash_idx.pop(value, None)
    fingerprint.token_coverage = get_token_coverage(fingerprint.hash_idx, K, len(fingerprint.filtered_code))
    return fingerprint


@functools.lru_cache(maxsize=16)
def _boilerplate(codes: tuple[str, ...]) -> frozenset:
    return frozenset(_fingerprint("\n\n".join(codes)).hashes)


def _segments(text: str, slices) -> list:
    """[(text, matched)] covering `text`, from copydetect's 2×N array of matched char ranges."""
    out, at = [], 0
    if slices is None or len(slices) == 0 or slices.shape[-1] == 0:
        return [(text, False)]
    for start, end in sorted(zip(slices[0].tolist(), slices[1].tolist())):
        start, end = max(int(start), at), min(int(end), len(text))
        if start > at:
            out.append((text[at:start], False))
        if end > start:
            out.append((text[start:end], True))
            at = end
    if at < len(text):
        out.append((text[at:], False))
    return out


def overlap(first: Code, second: Code) -> tuple[int, float, float, object, object]:
    """copydetect's `compare_files` measure, vectorised (it concatenates one small array per
    shared fingerprint, milliseconds per pair): (matching tokens of `first`, share of first's code
    in second, share of second's in first, first's and second's matched slices in the filtered
    code). A test checks it against compare_files."""
    import numpy as np
    from copydetect.utils import get_copied_slices

    idx1 = first.positions[np.isin(first.position_hashes, second.hash_array)]
    idx2 = second.positions[np.isin(second.position_hashes, first.hash_array)]
    slices1, slices2 = get_copied_slices(idx1, K), get_copied_slices(idx2, K)
    if len(slices1[0]) == 0:
        return 0, 0.0, 0.0, None, None
    tokens1 = int(np.sum(slices1[1] - slices1[0]))
    tokens2 = int(np.sum(slices2[1] - slices2[0]))
    share1 = tokens1 / first.fingerprint.token_coverage if first.fingerprint.token_coverage else 0.0
    share2 = tokens2 / second.fingerprint.token_coverage if second.fingerprint.token_coverage else 0.0
    return tokens1, float(share1), float(share2), slices1, slices2


def _in_text(fingerprint, slices):
    """Slices of the filtered code moved to the student's own text (as compare_files does)."""
    import numpy as np

    if slices is None:
        return None
    slices = np.array(slices, dtype=np.int64)
    offsets = fingerprint.offsets
    if len(offsets) > 0:
        slices += offsets[:, 1][np.clip(np.searchsorted(offsets[:, 0], slices), 0, offsets.shape[0] - 1)]
    return slices


def compare(first: Code, second: Code, with_segments: bool = False) -> Pair:
    tokens, share1, share2, slices1, slices2 = overlap(first, second)
    pair = Pair(first.student, second.student, max(share1, share2), (share1, share2), tokens)
    if with_segments:
        pair.segments = (_segments(first.text, _in_text(first.fingerprint, slices1)),
                         _segments(second.text, _in_text(second.fingerprint, slices2)))
    return pair


def analyse(assignment: Assignment, notebooks: dict[str, Path], threshold: float = THRESHOLD,
            progress: bool = False) -> Report:
    """Compare every pair of `notebooks` (student -> submitted notebook) of one assignment."""
    release = release_code(assignment)
    given = frozenset(forbidden.normalise(code) for code in release)
    boilerplate = _boilerplate(tuple(release))
    read = functools.partial(_read_code, given=given, lines=given_lines(release),
                             boilerplate=boilerplate)
    codes, empty = [], []
    for code in _map(read, sorted(notebooks.items())):
        if code.fingerprint is None:
            empty.append(code.student)
        else:
            codes.append(code)
    reference = reference_code(assignment)
    reference = Code("(참조 답안)", reference, _fingerprint(reference, boilerplate)).index()
    pairs = []
    bar = _bar(len(codes) * (len(codes) - 1) // 2, progress, assignment.id)
    global _COMPARED
    _COMPARED = codes
    try:
        for row in _map(_compare_with_later, range(len(codes))):
            pairs += row
            bar.update(len(row))
    finally:
        _COMPARED = []
    bar.close()
    pairs.sort(key=lambda p: (-p.similarity, -p.tokens, p.first, p.second))
    by_name = {code.student: code for code in codes}
    for pair in pairs[:MAX_SHOWN_PAIRS]:
        if pair.similarity >= threshold:
            pair.segments = compare(by_name[pair.first], by_name[pair.second], True).segments
    to_reference = {code.student: compare(code, reference).shares[0] for code in codes}
    return Report(assignment.id, [c.student for c in codes], empty, pairs, to_reference, threshold)


def _read_code(item: tuple[str, Path], given: frozenset[str], lines: frozenset[str],
               boilerplate: frozenset) -> Code:
    """One student's own code, fingerprinted and indexed (no fingerprint: nothing of their own)."""
    student, notebook = item
    text = student_code(notebook, given, lines)
    fingerprint = _fingerprint(text, boilerplate) if text.strip() else None
    if fingerprint is None or not fingerprint.hashes:
        return Code(student, text)
    code = Code(student, text, fingerprint).index()
    # Only what comparing reads of the fingerprint travels back from a worker process: all of it
    # (a dict of every hash's positions) would take longer to pickle than to compute.
    code.fingerprint = Coverage(fingerprint.token_coverage, fingerprint.offsets)
    return code


# The class's indexed codes while their pairs are compared: forked processes inherit them, so no
# code is sent to a process (`_compare_with_later` gets an index).
_COMPARED: list[Code] = []


def _compare_with_later(index: int) -> list[Pair]:
    first = _COMPARED[index]
    return [compare(first, second) for second in _COMPARED[index + 1:]]


STUDENTS_PER_PROCESS = 8  # fewer, and starting a process costs more than it saves


def _map(function, items):
    """`map` over the machine's cores, in order: fingerprinting every notebook (linear in the
    class) and comparing every pair (quadratic) are the similarity report, and after grading the
    cores are idle. Forked, so nothing is imported again; on one core, or for a small class, in
    this process."""
    import concurrent.futures
    import multiprocessing
    import os

    items = list(items)
    processes = min(len(os.sched_getaffinity(0)), len(items) // STUDENTS_PER_PROCESS)
    if processes <= 1:
        yield from map(function, items)
        return
    with concurrent.futures.ProcessPoolExecutor(
            processes, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(function, items, chunksize=max(1, len(items) // (8 * processes)))


def _bar(total: int, enabled: bool, label: str):
    """A progress bar only where comparing takes long enough to wait for (tqdm's own off switch)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=f"유사도 {label}", unit="쌍", leave=False,
                disable=not (enabled and total > 2000))


# ----------------------------------------------------------------------------- files

def csv_rows(report: Report) -> list[list[str]]:
    rows = [["student_a", "student_b", "similarity", "share_of_a_in_b", "share_of_b_in_a",
             "matching_tokens", "flagged"]]
    for pair in report.pairs:
        rows.append([pair.first, pair.second, f"{pair.similarity:.3f}", f"{pair.shares[0]:.3f}",
                     f"{pair.shares[1]:.3f}", str(pair.tokens),
                     "yes" if pair.similarity >= report.threshold else ""])
    return rows


def _histogram(report: Report) -> str | None:
    if not report.pairs:
        return None
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 2.4))
    ax = fig.subplots()
    ax.hist([p.similarity * 100 for p in report.pairs], bins=range(0, 105, 5), color="#7e57c2",
            edgecolor="white")
    ax.axvline(report.threshold * 100, color="#c62828", linestyle="--", linewidth=1)
    ax.set_xlim(0, 100)
    ax.set_yscale("log")
    ax.set_xlabel("similarity of a pair (%)")
    ax.set_ylabel("pairs")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def render_html(report: Report) -> str:
    from grader.insight.analysis import _environment

    closest = report.closest()
    students = sorted(report.students, key=lambda s: -(closest[s].similarity if s in closest else 0))
    return _environment().get_template("similarity.html.j2").render(
        report=report, shown=[p for p in report.flagged[:MAX_SHOWN_PAIRS]], closest=closest,
        students=students, histogram=_histogram(report), k=K)


def notebooks_of(results) -> dict[str, dict[str, Path]]:
    """assignment -> student -> the notebook a result graded (where it still exists)."""
    from grader.discover import unescape_name

    found: dict[str, dict[str, Path]] = {}
    gone = []
    for result in results:
        if not result.notebook:
            continue
        path = Path(unescape_name(result.notebook))
        if path.is_file() and not path.is_symlink():
            found.setdefault(result.assignment, {})[result.student] = path
        else:
            gone.append(result.student)
    if gone:
        print(f"grader: similarity leaves out {len(gone)} results whose notebooks are no longer where "
              f"they were graded (run `grader report` from the folder `grader grade` ran in)",
              file=sys.stderr)
    return found


def write(results, folder: Path, write_text, threshold: float = THRESHOLD,
          progress: bool = False) -> list[Path]:
    """similarity/<assignment>.html and .csv for every assignment whose notebooks are at hand."""
    from grader import assignments

    written = []
    for assignment_id, notebooks in sorted(notebooks_of(results).items()):
        if len(notebooks) < 2:
            continue
        report = analyse(assignments.get(assignment_id), notebooks, threshold, progress)
        written.append(write_csv(folder / f"{assignment_id}.csv", csv_rows(report)))
        page = folder / f"{assignment_id}.html"
        write_text(page, render_html(report))
        written.append(page)
    return written
