"""What a student reads about each hidden test, in every student-facing format, and the wording
that makes a text read as a failure (used by test_feedback_text.py and test_hidden_suites.py).

A passed test shows what it checked: its docstring's first line, a neutral statement such as
"소프트맥스가 torch.softmax와 같은 값을 내는지 확인합니다." or a requirement such as "…이어야 합니다".
It must never read as something that went wrong or as advice to change the code.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from grader import report
from grader.nbgrader import plugin as nbgrader_plugin

# Korean that says something went wrong, guesses at a mistake, or tells the reader to act. Each
# alternative is a verb ending or a fixed phrase, never a bare noun: "오류 없이", "틀린 샘플",
# "t와 d가 달라도" and "…지 않는지 확인합니다" are what neutral texts say and must not match.
FAILURE_WORDING = re.compile("|".join([
    r"다릅니다", r"달라요", r"달라졌", r"달라집니다",          # differs
    r"틀렸", r"틀립니다", r"틀려요", r"잘못",                   # wrong
    r"않습니다", r"않았", r"아닙니다", r"없습니다",             # is not / did not / there is no
    r"못\s?합니다", r"못했", r"안 됩니다",
    r"[었았였렸꿨했졌겼]습니다",                               # past tense: what the code did
    r"빠뜨렸", r"실패했", r"실패합니다", r"실패입니다",
    r"(?:오류|예외)가 (?:났|나|발생)",
    r"세요", r"십시오",                                        # advice: 확인하세요, 쓰세요 ...
    r"나요\?",                                                 # a guess: …했나요?
]))


def reads_as_failure(text: str) -> list[str]:
    return FAILURE_WORDING.findall(text)


def student_texts(result) -> dict[str, dict[str, str]]:
    """test name -> {format: the text a student reads about that test in that format}."""
    texts: dict[str, dict[str, str]] = {t.name: {} for t in result.tests}
    for t in result.tests:
        texts[t.name]["nbgrader"] = nbgrader_plugin._test_line(t)
    for line in report.render_markdown([result]).splitlines():
        match = re.match(r"- (?:✓ )?\*\*(\w+)\*\* \(", line)
        if match:
            texts[match.group(1)]["md"] = line
    for case in ET.fromstring(report.render_junit([result])).iter("testcase"):
        shown = [node.text or "" for node in case if node.tag in ("failure", "system-out")]
        texts[case.get("name")]["junit"] = " ".join(shown)
    for entry in json.loads(report.render_gradescope([result]))["tests"]:
        texts[entry["name"]]["gradescope"] = entry["output"]
    return texts


def passed_feedback_problems(result) -> list[str]:
    """Every place where a passed test's feedback is missing or reads as a failure."""
    texts = student_texts(result)
    problems = []
    for t in result.tests:
        if t.status != "passed":
            continue
        if not t.doc:
            problems.append(f"{t.name}: no docstring, so a pass cannot say what it checked")
        for fmt, text in texts[t.name].items():
            if t.doc and t.doc not in text:
                problems.append(f"{t.name} [{fmt}]: does not show what it checked: {text!r}")
            if reads_as_failure(text):
                problems.append(f"{t.name} [{fmt}] reads as a failure "
                                f"({', '.join(reads_as_failure(text))}): {text!r}")
    return problems
