"""Report: render results as JSON, Markdown feedback (Korean), JUnit XML, Gradescope, or a table.

JSON is the instructor's format and keeps each test's `detail`; every other format is safe to show
the student (messages only: no hidden inputs, expected values or tracebacks into hidden code).
A passed test shows what it checked (its docstring, `checks`); a failed one shows its message
(what it checks, then what went wrong).
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from grader.score import Result

FORMATS = ("table", "json", "md", "junit", "gradescope")
_CONTROL = {code: None for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)}


def csv_cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: a leading = + - @ (a formula) gets a quote in
    front, and control characters other than tab and newlines are dropped."""
    text = str(value).translate(_CONTROL)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


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
        rows.append((r.assignment, r.student, f"{r.score:g}", f"{r.max_score:g}", f"{percent:.0f}",
                     f"{passed}/{len(r.tests)}", f"{r.duration_s:.1f}s"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_markdown(results: list[Result]) -> str:
    return "\n\n---\n\n".join(_markdown_one(r) for r in results)


def _markdown_one(r: Result) -> str:
    out = [f"# {r.assignment} 채점 결과 — {r.student}", "",
           f"**점수: {r.score:g} / {r.max_score:g}**", ""]
    if r.notes:
        out += ["## 노트북 실행 중 알림", ""] + [f"- {note}" for note in r.notes] + [""]
    out += ["## 셀별 점수", "", "| 채점 셀 | 점수 |", "|---|---|"]
    out += [f"| `{cell}` | {v['points']:g} / {v['max_points']:g} |" for cell, v in r.cells().items()]
    failed = [t for t in r.tests if t.status != "passed"]
    passed = [t for t in r.tests if t.status == "passed"]
    out += ["", "## 통과하지 못한 테스트" if failed else "## 모든 테스트를 통과했습니다 🎉", ""]
    for t in failed:
        out.append(f"- **{t.name}** (`{t.grade_id}`, {t.max_points:g}점): {t.message}")
    if passed:
        out += ["", "## 통과한 테스트", ""]
        out += [f"- ✓ **{t.name}** (`{t.grade_id}`, {t.points:g}점)" + (f": {t.doc}" if t.doc else "")
                for t in passed]
    out += ["", f"_격리 수준: {', '.join(r.isolation) or '없음'} · 채점 시간 {r.duration_s:.1f}초_"]
    return "\n".join(out)


def render_junit(results: list[Result]) -> str:
    suites = ET.Element("testsuites")
    for r in results:
        failures = sum(t.status != "passed" for t in r.tests)
        suite = ET.SubElement(suites, "testsuite", name=f"{r.assignment}.{r.student}",
                              tests=str(len(r.tests)), failures=str(failures),
                              time=f"{r.duration_s:.3f}")
        properties = ET.SubElement(suite, "properties")
        for key, value in (("score", r.score), ("max_score", r.max_score)):
            ET.SubElement(properties, "property", name=key, value=f"{value:g}")
        for t in r.tests:
            case = ET.SubElement(suite, "testcase", classname=f"{r.assignment}.{t.grade_id}",
                                 name=t.name, time=f"{t.duration_s:.3f}")
            ET.SubElement(case, "properties")
            for key, value in (("points", t.points), ("max_points", t.max_points)):
                ET.SubElement(case.find("properties"), "property", name=key, value=f"{value:g}")
            if t.status != "passed":
                ET.SubElement(case, "failure", message=t.message).text = t.message
            elif t.doc:
                ET.SubElement(case, "system-out").text = t.doc
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
            "output": "\n".join(r.notes),
            "visibility": "visible",
            "tests": [{"name": t.name, "number": str(i), "score": t.points,
                       "max_score": t.max_points, "status": "passed" if t.status == "passed" else "failed",
                       "output": t.message if t.status != "passed" else t.doc,
                       "tags": [t.grade_id], "visibility": "visible"}
                      for i, t in enumerate(r.tests, start=1)],
        })
    return json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2)
