"""Report: render results as JSON, Markdown feedback (Korean), JUnit XML, Gradescope, or a table.

JSON is the instructor's format and keeps each test's `detail`; every other format is safe to show
the student (messages only: no hidden inputs, expected values or tracebacks into hidden code).
Every text that goes into them passes `safe_text`: student ids come from folder names, and no
control character (an ANSI escape, a NUL that makes XML invalid) reaches a terminal, a Markdown
page or a JUnit file.
A passed test shows what it checked (its docstring, `checks`); a failed one shows its message
(what it checks, then what went wrong).

A class's tables too (the report folder, grader/report_folder.py): the gradebook and per-test CSVs
(one column order on both grading paths; every cell through `csv_cell`), the score changes, the
Markdown summary for a CI job and the grade distribution plot.
"""
from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from grader import fingerprint
from grader.records import Result, ScoreChange, nothing_graded
from grader.results import write_atomically

FORMATS = ("table", "json", "md", "junit", "gradescope")
_CONTROL = {code: None for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)}


def csv_cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: a leading = + - @ (a formula) gets a quote in
    front, and control characters other than tab and newlines are dropped."""
    text = str(value).translate(_CONTROL)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# C0/C1 controls but tab and newline, DEL, lone surrogates (undecodable file names) and the two
# non-characters XML 1.0 forbids: each becomes U+FFFD, so that something was there stays visible.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("[\t\n\u2028\u2029]+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")


def safe_text(text, one_line: bool = False) -> str:
    """`text` without control characters (and, for one line, without line breaks)."""
    text = _UNSAFE.sub("\ufffd", str(text))
    return _LINE_BREAKS.sub(" ", text) if one_line else text


def _md_name(text) -> str:
    """A name (student id, assignment) as literal Markdown text: no markup, links or HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", safe_text(text, one_line=True))


def render(results: list[Result], fmt: str) -> str:
    return {"table": render_table, "json": render_json, "md": render_markdown,
            "junit": render_junit, "gradescope": render_gradescope}[fmt](results)


def render_json(results: list[Result]) -> str:
    docs = [r.to_dict(instructor=True) for r in results]
    return json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2)


def render_table(results: list[Result]) -> str:
    rows = [("assignment", "student", "score", "max", "%", "passed", "time")]
    for r in results:
        passed = sum(t.status == "passed" for t in r.tests)
        percent = 100 * r.score / r.max_score if r.max_score else 0.0
        rows.append((safe_text(r.assignment, True), safe_text(r.student, True), f"{r.score:g}",
                     f"{r.max_score:g}", f"{percent:.0f}", f"{passed}/{len(r.tests)}",
                     f"{r.duration_s:.1f}s"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_markdown(results: list[Result]) -> str:
    return "\n\n---\n\n".join(_markdown_one(r) for r in results)


def _markdown_one(r: Result) -> str:
    out = [f"# {_md_name(r.assignment)} 채점 결과 — {_md_name(r.student)}", "",
           f"**점수: {r.score:g} / {r.max_score:g}**", ""]
    if r.notes:
        out += ["## 노트북 실행 중 알림", ""] + [f"- {safe_text(note, True)}" for note in r.notes] + [""]
    out += ["## 셀별 점수", "", "| 채점 셀 | 점수 |", "|---|---|"]
    out += [f"| `{safe_text(cell, True)}` | {v['points']:g} / {v['max_points']:g} |"
            for cell, v in r.cells().items()]
    failed = [t for t in r.tests if t.status != "passed"]
    passed = [t for t in r.tests if t.status == "passed"]
    out += ["", "## 통과하지 못한 테스트" if failed else "## 모든 테스트를 통과했습니다 🎉", ""]
    for t in failed:
        out.append(f"- **{safe_text(t.name, True)}** (`{safe_text(t.grade_id, True)}`, "
                   f"{t.max_points:g}점): {safe_text(t.message, True)}")
    if passed:
        out += ["", "## 통과한 테스트", ""]
        out += [f"- ✓ **{safe_text(t.name, True)}** (`{safe_text(t.grade_id, True)}`, {t.points:g}점)"
                + (f": {safe_text(t.doc, True)}" if t.doc else "") for t in passed]
    isolation = safe_text(", ".join(r.isolation) or "없음", True)
    out += ["", f"_격리 수준: {isolation} · 채점 시간 {r.duration_s:.1f}초_"]
    return "\n".join(out)


def render_junit(results: list[Result]) -> str:
    suites = ET.Element("testsuites")
    for r in results:
        failures = sum(t.status != "passed" for t in r.tests)
        suite = ET.SubElement(suites, "testsuite", name=safe_text(f"{r.assignment}.{r.student}", True),
                              tests=str(len(r.tests)), failures=str(failures),
                              time=f"{r.duration_s:.3f}")
        properties = ET.SubElement(suite, "properties")
        for key, value in (("score", r.score), ("max_score", r.max_score)):
            ET.SubElement(properties, "property", name=key, value=f"{value:g}")
        for t in r.tests:
            case = ET.SubElement(suite, "testcase",
                                 classname=safe_text(f"{r.assignment}.{t.grade_id}", True),
                                 name=safe_text(t.name, True), time=f"{t.duration_s:.3f}")
            ET.SubElement(case, "properties")
            for key, value in (("points", t.points), ("max_points", t.max_points)):
                ET.SubElement(case.find("properties"), "property", name=key, value=f"{value:g}")
            if t.status != "passed":
                message = safe_text(t.message)
                ET.SubElement(case, "failure", message=message).text = message
            elif t.doc:
                ET.SubElement(case, "system-out").text = safe_text(t.doc)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)


def render_gradescope(results: list[Result]) -> str:
    """Gradescope's results.json (one submission; a list for several)."""
    docs = []
    for r in results:
        docs.append({
            "score": r.score,
            "max_score": r.max_score,
            "execution_time": round(r.duration_s, 3),
            "output": safe_text("\n".join(r.notes)),
            "visibility": "visible",
            "tests": [{"name": safe_text(t.name, True), "number": str(i), "score": t.points,
                       "max_score": t.max_points, "status": "passed" if t.status == "passed" else "failed",
                       "output": safe_text(t.message if t.status != "passed" else t.doc),
                       "tags": [safe_text(t.grade_id, True)], "visibility": "visible"}
                      for i, t in enumerate(r.tests, start=1)],
        })
    return json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2)


# ----------------------------------------------------------------------------- a class's tables

def csv_text(rows: list[list], lineterminator: str = "\r\n") -> str:
    """Every cell through `csv_cell`: no formulas, no control characters in a spreadsheet."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator=lineterminator)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return text.getvalue()


def write_csv(path: Path, rows) -> Path:
    """`rows`: any iterable (a generator for a class's per-test rows), written as they come."""
    write_atomically(path, (csv_text(batch) for batch in _batches(rows, 1000)))
    return path


def _batches(rows, size: int):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def gradebook_rows(results: list[Result]) -> list[list[str]]:
    """One row per (student, assignment): total, then one column per hidden test."""
    columns: list[str] = []
    for result in results:
        for test in result.tests:
            column = f"{result.assignment}:{test.name}"
            if column not in columns:
                columns.append(column)
    rows = [["student", "assignment", "score", "max_score", "raw_score", "late_penalty",
             "submitted_at", *columns, "notes"]]
    for result in results:
        points = {f"{result.assignment}:{t.name}": f"{t.points:g}" for t in result.tests}
        rows.append([result.student, result.assignment, f"{result.score:g}",
                     f"{result.max_score:g}", f"{result.raw_score:g}", f"{result.late_penalty:g}",
                     result.submitted_at or "", *(points.get(c, "") for c in columns),
                     " / ".join(result.notes)])
    return rows


PER_TEST_COLUMNS = ["student", "assignment", "grade_id", "test", "points", "max_points", "status",
                    "message"]


def per_test_rows(results: list[Result]):
    """One row per (student, hidden test), on both grading paths (`tests.csv`): a generator (a
    class of 10,000 has half a million)."""
    yield list(PER_TEST_COLUMNS)
    for result in results:
        for t in result.tests:
            yield [result.student, result.assignment, t.grade_id, t.name, f"{t.points:g}",
                   f"{t.max_points:g}", t.status, t.message]


def changes_rows(changes: list[ScoreChange]) -> list[list[str]]:
    rows = [["student", "assignment", "old_score", "new_score", "why"]]
    rows += [[c.student, c.assignment, f"{c.old:g}", f"{c.new:g}", fingerprint.describe(c.reasons)]
             for c in changes]
    return rows


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def render_summary(results: list[Result], changes: list[ScoreChange] = (),
                   skipped: list[str] = ()) -> str:
    """Markdown for a CI job summary: per assignment, the distribution and the hardest tests;
    scores changed by a regrade, submissions without a gradable notebook, items not graded."""
    lines = ["# 채점 요약", ""]
    by_assignment: dict[str, list[Result]] = {}
    for result in results:
        by_assignment.setdefault(result.assignment, []).append(result)
    lines += ["| 과제 | 제출 | 평균 | 최저 | 최고 | 만점 |", "|---|---|---|---|---|---|"]
    for assignment, group in sorted(by_assignment.items()):
        scores = [r.score for r in group]
        lines.append(f"| {assignment} | {len(group)} | {sum(scores) / len(scores):.1f} | "
                     f"{min(scores):g} | {max(scores):g} | {sum(r.score == r.max_score for r in group)} |")
    for assignment, group in sorted(by_assignment.items()):
        failures: dict[str, int] = {}
        for result in group:
            for test in result.tests:
                if test.status != "passed":
                    failures[test.name] = failures.get(test.name, 0) + 1
        hardest = sorted(failures.items(), key=lambda item: (-item[1], item[0]))[:5]
        if hardest:
            lines += ["", f"## {assignment}: 가장 많이 실패한 테스트", ""]
            lines += [f"- `{name}`: {count}/{len(group)}명 실패" for name, count in hardest]
    if changes:
        lines += ["", "## 다시 채점해 점수가 바뀐 제출물 (score changed on regrading)", "",
                  "| 학생 | 과제 | 이전 | 지금 | 이유 |", "|---|---|---|---|---|"]
        lines += [f"| {_md_cell(c.student)} | {c.assignment} | {c.old:g} | {c.new:g} | "
                  f"{fingerprint.describe(c.reasons)} |" for c in changes]
    late_ones = [r for r in results if r.late_penalty]
    if late_ones:
        lines += ["", "## 지각 감점 (late penalties)", "", "| 학생 | 과제 | 원점수 | 감점 | 점수 |",
                  "|---|---|---|---|---|"]
        lines += [f"| {_md_cell(r.student)} | {r.assignment} | {r.raw_score:g} | {r.late_penalty:g} | "
                  f"{r.score:g} |" for r in late_ones]
    unloaded = [(r, r.tests[0].message) for r in results if nothing_graded(r)]
    if unloaded:
        lines += ["", "## 노트북을 채점하지 못한 제출물 (nothing graded)", ""]
        lines += [f"- {_md_cell(r.student)} ({r.assignment}): {why}" for r, why in unloaded]
    if skipped:
        lines += ["", "## 채점 대상이 아닌 항목 (not graded: not in a student folder)", ""]
        lines += [f"- {item}" for item in skipped]
    return "\n".join(lines) + "\n"


def write_plot(results: list[Result], path: Path) -> Path | None:
    """grades.png: the distribution of scores (%), one histogram per assignment."""
    try:
        from matplotlib.figure import Figure  # no pyplot: its import and global state are not needed
    except ImportError:  # pragma: no cover
        return None
    by_assignment: dict[str, list[float]] = {}
    for result in results:
        percent = 100 * result.score / result.max_score if result.max_score else 0.0
        by_assignment.setdefault(result.assignment, []).append(percent)
    names = sorted(by_assignment)
    fig = Figure(figsize=(6, 2.2 * len(names)))
    axes = fig.subplots(len(names), 1, squeeze=False)
    for ax, name in zip(axes[:, 0], names):
        ax.hist(by_assignment[name], bins=range(0, 105, 5), color="#4472c4", edgecolor="white")
        ax.set_title(f"{name} (n={len(by_assignment[name])})")
        ax.set_xlabel("score (%)")
        ax.set_ylabel("students")
        ax.set_xlim(0, 100)
        ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path
