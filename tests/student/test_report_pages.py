"""The instructor's report pages in a real browser: item analysis and similarity render, their
figures load, and hostile student ids, messages and code stay text (no script runs, no element is
injected). Screenshots land in build/screenshots/ beside the notebooks' (look at them).

Pages come from a synthetic class of 40 (item analysis) and from students of the generated class of
40 (similarity; tests/project/_class_of_40.py), with a hostile student added to each."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

from _student import SCREENSHOTS

PROJECT_TESTS = Path(__file__).resolve().parents[1] / "project"
sys.path.insert(0, str(PROJECT_TESTS))
import _class_of_40 as generated  # noqa: E402
from _synthetic_class import klass, result  # noqa: E402
from grader import assignments  # noqa: E402
from grader.insight import analysis, similarity  # noqa: E402
from grader.results import write_atomically  # noqa: E402

CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.access(p, os.X_OK)), None)
HOSTILE_ID = '<img src=x onerror="alert(1)">'
HOSTILE_TEXT = '</pre><script>alert("x")</script>'
AID = "12_evaluation"


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if CHROMIUM is None or sync_playwright is None:
        message = "report pages need chromium (make browser) and playwright"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    hostile = result(HOSTILE_ID, {"test_accuracy_basic"}, messages={"test_macro_f1": HOSTILE_TEXT})
    analysis.write(klass(40) + [hostile], out / "items", write_atomically)

    evaluation = assignments.get(AID)
    submitted = out / "submitted"
    generated.write_class(submitted, evaluation.release_notebook)
    students = ["s05", "copy-light", "s12", "copy-cells", "s20", "copy-renamed", "unrelated", "s01", "s02"]
    notebooks = {s: submitted / s / AID / f"{AID}.ipynb" for s in students}
    evil = nbformat.read(notebooks["s01"], 4)
    evil.cells.append(nbformat.v4.new_code_cell(f"note = {HOSTILE_TEXT!r}"))
    nbformat.write(evil, submitted / "s01" / AID / "evil.ipynb")
    notebooks[HOSTILE_ID] = submitted / "s01" / AID / "evil.ipynb"
    report = similarity.analyse(evaluation, notebooks)
    write_atomically(out / "similarity.html", similarity.render_html(report))
    return {"items": out / "items" / f"{AID}.html", "index": out / "items" / "index.html",
            "similarity": out / "similarity.html", "report": report}


def _open(browser, path: Path, height: int):
    page = browser.new_page(viewport={"width": 1300, "height": height}, locale="ko-KR")
    events = {"dialogs": [], "errors": []}
    page.on("dialog", lambda dialog: (events["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: events["errors"].append(str(error)))
    page.on("console", lambda message: message.type == "error" and events["errors"].append(message.text))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, events


def _no_injection(page, events) -> None:
    assert events["dialogs"] == [] and events["errors"] == [], events
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert page.evaluate("[...document.querySelectorAll('img')].filter(i => i.getAttribute('src') === 'x').length") == 0


def test_the_item_analysis_page_renders_with_its_histogram_heat_map_and_tables(browser, pages):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page, events = _open(browser, pages["items"], 1500)
    try:
        _no_injection(page, events)
        assert page.evaluate("document.querySelector('img').naturalWidth") > 300  # the histogram
        assert page.locator("#tests tbody tr").count() == 9
        assert page.locator("#cells tbody tr").count() == 6
        assert page.locator("#heatmap td.h").count() == 9 * 41
        assert page.locator("#tests tr.flagged").count() >= 1  # nobody passes one test
        titles = page.evaluate("[...document.querySelectorAll('#heatmap th.student')].map(t => t.title)")
        assert HOSTILE_ID in titles  # the id, as text
        page.screenshot(path=str(SCREENSHOTS / "report-items.png"), full_page=True)
    finally:
        page.close()
    page, events = _open(browser, pages["index"], 600)
    try:
        _no_injection(page, events)
        page.click(f"text={AID}")
        page.wait_for_load_state("load")
        assert page.locator("#heatmap").count() == 1
    finally:
        page.close()


def test_the_similarity_page_shows_the_planted_pairs_first_side_by_side(browser, pages):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page, events = _open(browser, pages["similarity"], 2200)
    try:
        _no_injection(page, events)
        rows = page.locator("#pairs tbody tr")
        top = {frozenset(rows.nth(i).locator("code").all_inner_texts()) for i in range(4)}
        # The planted copies, and the hostile student, who copied s01 and added a cell.
        assert top == {frozenset(pair) for pair in generated.PLANTED} | {frozenset((HOSTILE_ID, "s01"))}
        assert page.locator(".pair pre").count() == 2 * len(pages["report"].flagged[:similarity.MAX_SHOWN_PAIRS])
        assert page.locator(".pair mark").count() > 10
        assert HOSTILE_TEXT in page.inner_text("body") or HOSTILE_ID in page.inner_text("body")
        assert page.evaluate("document.querySelector('img').naturalWidth") > 300
        page.screenshot(path=str(SCREENSHOTS / "report-similarity.png"))  # the top of the page
    finally:
        page.close()
