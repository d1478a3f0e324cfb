"""Report: render results as JSON, Markdown feedback (Korean), JUnit XML, Gradescope, or a table.

JSON is the instructor's format and keeps each test's `detail`; every other format is safe to show
the student (messages only: no hidden inputs, expected values or tracebacks into hidden code).
Every text that goes into them passes `safe_text`: student ids come from folder names, and no
control character (an ANSI escape, a NUL that makes XML invalid) reaches a terminal, a Markdown
page or a JUnit file.
A passed test shows what it checked (its docstring, `checks`); a failed one shows its message
(what it checks, then what went wrong).
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from grader.records import Result

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
