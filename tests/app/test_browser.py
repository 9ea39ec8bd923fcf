"""The app in a real browser: Debian's Chromium, driven by Playwright, against `python app.py`
on 127.0.0.1 over a temporary index built on first run from a copy of the bundled corpus.

Each main view is screenshotted to test-artifacts/app/; page-load and time-to-answer
figures are written to test-artifacts/app/timings.json."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.app.conftest import Page, record, shot

pytestmark = pytest.mark.browser

PROBE = """Safer Probeshire Partnership Community Safety Plan 2024-2025

Knife crime in Probeshire
<script>window.__xss = 1</script> The Safer Probeshire Partnership will reduce knife crime in Probeshire by a fifth in 2024.
<img src=x onerror="window.__xss = 2"> Probeshire knife crime outreach workers visit every secondary school in Probeshire.
![tracker](http://example.com/pixel.png) Probeshire knife crime panels meet monthly ${window.__xss = 3} {{value}}.
"""

GOOD = """Safer Testborough Partnership Community Safety Strategy 2023-2026

Our priorities
The Safer Testborough Partnership will tackle fly-tipping and street drinking in Testborough town centre.
Fly-tipping enforcement patrols in Testborough increased to four nights a week during 2023.
Street drinking outreach in Testborough is delivered with the local alcohol treatment service.
"""


def open_app(page: Page, url: str, *, timeout_s: float = 180) -> float:
    """Load the app and wait until the library is in (examples drawn from it shown); seconds to usable."""
    start = time.perf_counter()
    page.page.goto(url)
    page.page.wait_for_selector("#question textarea", timeout=30_000)
    usable = time.perf_counter() - start
    page.page.wait_for_selector("#examples .example", timeout=timeout_s * 1000)
    return usable


def ask(page: Page, question: str) -> float:
    page.page.fill("#question textarea", question)
    previous = page.page.locator("#answer-panel .question").all_inner_texts()
    start = time.perf_counter()
    page.page.click("#ask-button")
    page.page.wait_for_function(
        "([q, prev]) => { const el = document.querySelector('#answer-panel .question');"
        " return el && el.innerText.trim() === q && !prev.includes('__never__'); }",
        arg=[question, previous + ["x"]], timeout=60_000)
    return time.perf_counter() - start


def test_first_run_builds_the_library_with_visible_progress(app_url: str, page: Page) -> None:
    page.page.goto(app_url)
    page.page.wait_for_selector("#question textarea", timeout=30_000)
    banner = page.page.locator("#banner")
    # the first page opened on an empty index shows the bundled corpus being ingested
    page.page.wait_for_selector("#banner .progress-box", timeout=30_000)
    assert "bundled corpus" in banner.inner_text()
    shot(page, "first-run-progress", full_page=False)
    start = time.perf_counter()
    page.page.wait_for_selector("#examples .example", timeout=180_000)
    record("first_run_ingest_seen_in_browser_s", time.perf_counter() - start)
    assert "5 documents" in page.page.inner_text("#masthead")
    assert not page.external, page.external
    assert not page.errors, page.errors


def test_page_load_time(app_url: str, page: Page) -> None:
    start = time.perf_counter()
    page.page.goto(app_url)
    page.page.wait_for_selector("#question textarea", timeout=30_000)
    usable = time.perf_counter() - start
    page.page.wait_for_function("() => document.querySelector('#masthead .stats').innerText.includes('passages')")
    with_library = time.perf_counter() - start
    nav = page.page.evaluate("() => performance.getEntriesByType('navigation')[0].toJSON()")
    record("page_load_event_s", nav["loadEventEnd"] / 1000)
    record("page_usable_s", usable)
    record("page_with_library_s", with_library)
    assert usable < 10


def test_ask_shows_cited_answer_and_highlighted_source(app_url: str, page: Page) -> None:
    open_app(page, app_url)
    page.page.fill("#question textarea", "How is Sandwell tackling modern slavery?")
    seconds = ask(page, "How is Sandwell tackling modern slavery?")
    record("time_to_answer_s", seconds)
    answer = page.page.locator("#answer-panel .answer")
    assert "abstained" not in (answer.get_attribute("class") or "")
    markers = page.page.locator("#answer-panel a.cite")
    assert markers.count() >= 1
    sources = page.page.locator("#sources-panel .source")
    assert sources.count() >= 1
    first = page.page.locator("#src-1")
    assert "Sandwell" in first.locator(".src-partnership").inner_text()
    quote = first.locator("mark").inner_text()
    assert len(quote) > 20  # the quote is highlighted inside its passage
    shot(page, "ask")
    markers.first.click()
    page.page.wait_for_function("() => location.hash === '#src-1'")
    assert first.evaluate("el => el.matches(':target')")
    # export: the Markdown carries the answer and its sources
    page.page.click("#export button, #export .label-wrap")
    page.page.wait_for_selector("#export-markdown .cm-content", timeout=10_000)
    exported = page.page.inner_text("#export-markdown .cm-content")
    assert "### Sources" in exported and "[1] Sandwell" in exported
    assert page.page.locator("#download-md").is_visible()
    assert not page.errors, page.errors


def test_comparison_question_gets_one_column_per_partnership(app_url: str, page: Page) -> None:
    open_app(page, app_url)
    seconds = ask(page, "Which partnerships prioritise modern slavery?")
    record("time_to_answer_compare_s", seconds)
    columns = page.page.locator("#answer-panel .compare .column h4")
    assert columns.count() >= 3
    names = columns.all_inner_texts()
    assert len(set(names)) == len(names)
    shot(page, "compare")


def test_sessions_get_their_own_answers(app_url: str, browser) -> None:
    pages = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1360, "height": 1000})
        pages.append(Page(context.new_page()))
    questions = ["How is Sandwell tackling modern slavery?", "What does Dudley do about community cohesion?"]
    try:
        for p, q in zip(pages, questions):
            open_app(p, app_url)
            p.page.fill("#question textarea", q)
        for p in pages:  # both asked before either answer is read
            p.page.click("#ask-button")
        for p, q in zip(pages, questions):
            p.page.wait_for_function("q => document.querySelector('#answer-panel .question')?.innerText.trim() === q",
                                     arg=q, timeout=60_000)
        assert pages[0].page.locator("#src-1 .src-partnership").inner_text() == "Sandwell"
        assert pages[1].page.locator("#src-1 .src-partnership").inner_text() == "Dudley"
    finally:
        for p in pages:
            p.page.context.close()


def test_partnership_filter_restricts_sources(app_url: str, page: Page) -> None:
    open_app(page, app_url)
    page.page.click("#filter-partnerships input")
    page.page.get_by_role("option", name="Walsall", exact=True).click()
    page.page.keyboard.press("Escape")
    ask(page, "What are the priorities for tackling anti-social behaviour?")
    partnerships = page.page.locator("#sources-panel .src-partnership").all_inner_texts()
    assert partnerships and set(partnerships) == {"Walsall"}
    shot(page, "ask-filtered")


def test_themes_matrix_cell_shows_evidence(app_url: str, page: Page) -> None:
    open_app(page, app_url)
    page.page.get_by_role("tab", name="Themes").click()
    start = time.perf_counter()
    page.page.wait_for_selector("#heatmap button.cell", timeout=60_000)
    record("themes_matrix_shown_s", time.perf_counter() - start)
    cells = page.page.locator("#heatmap button.cell")
    assert cells.count() >= 5 * 10
    cell = page.page.locator('#heatmap button.cell[data-theme="Modern slavery"][data-partnership="Sandwell"]')
    cell.click()
    page.page.wait_for_selector("#evidence-panel .source", timeout=20_000)
    title = page.page.locator("#evidence-panel .panel-title").text_content()
    assert "Modern slavery" in title and "Sandwell" in title
    assert set(page.page.locator("#evidence-panel .src-partnership").all_inner_texts()) == {"Sandwell"}
    assert page.page.locator("#heatmap button.cell.selected").count() == 1
    # the heat-map re-renders with the selection; its cells stay clickable
    page.page.locator('#heatmap button.cell[data-theme="Hate crime"][data-partnership="Dudley"]').click()
    page.page.wait_for_function(
        "() => document.querySelector('#evidence-panel .panel-title')?.textContent.includes('Dudley')")
    assert "Hate crime" in page.page.locator("#evidence-panel .panel-title").text_content()
    cell.click()
    page.page.wait_for_function(
        "() => document.querySelector('#evidence-panel .panel-title')?.textContent.includes('Sandwell')")
    with page.page.expect_download() as download:
        page.page.click("#export-csv")
    csv_text = Path(download.value.path()).read_text()
    assert csv_text.startswith("theme,partnership,strength")
    shot(page, "themes")


def _upload(page: Page, files: list[Path]) -> None:
    page.page.get_by_role("tab", name="Documents").click()
    page.page.set_input_files("#upload input[type=file]", [str(f) for f in files])


def test_upload_text_and_corrupt_pdf(app_url: str, page: Page, tmp_path: Path) -> None:
    good = tmp_path / "testborough strategy 2023.txt"
    good.write_text(GOOD)
    bad = tmp_path / "broken-report.pdf"
    bad.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\n")
    open_app(page, app_url)
    _upload(page, [good, bad])
    error = page.page.locator("#upload-status li.error")
    error.wait_for(timeout=30_000)
    assert "broken-report.pdf" in error.inner_text() and "PDF" in error.inner_text()
    page.page.wait_for_selector("#detected table", timeout=10_000)
    detected = page.page.inner_text("#detected")
    assert "testborough-strategy-2023.txt" in detected and "Testborough" in detected
    shot(page, "upload-detected")
    page.page.click("#add-button")
    ok = page.page.locator("#upload-status li.ok")
    ok.wait_for(timeout=60_000)
    assert "testborough-strategy-2023.txt" in ok.inner_text()
    library = page.page.locator("#library")
    library.get_by_text("testborough-strategy-2023.txt").wait_for(timeout=10_000)
    assert "broken-report" not in library.inner_text()
    assert "6 documents" in page.page.inner_text("#masthead")
    shot(page, "documents")


def test_xss_probe_renders_as_text(app_url: str, page: Page, tmp_path: Path) -> None:
    probe = tmp_path / "probeshire-plan.txt"
    probe.write_text(PROBE)
    open_app(page, app_url)
    _upload(page, [probe])
    page.page.wait_for_selector("#detected table", timeout=30_000)
    page.page.click("#add-button")
    page.page.locator("#upload-status li.ok").wait_for(timeout=60_000)
    page.page.get_by_role("tab", name="Ask").click()
    ask(page, "How will Probeshire reduce knife crime?")
    page.page.wait_for_selector("#sources-panel .source")
    text = page.page.inner_text("#sources-panel")
    for literal in ("<script>window.__xss = 1</script>", '<img src=x onerror="window.__xss = 2">',
                    "![tracker](http://example.com/pixel.png)", "${window.__xss = 3} {{value}}"):
        assert literal in text
    assert "Probeshire" in page.page.inner_text("#answer-panel")
    assert page.page.evaluate("() => window.__xss") is None
    assert page.page.locator("#sources-panel script, #answer-panel script, img[src='x']").count() == 0
    assert page.page.locator("img[src*='example.com']").count() == 0
    assert not page.external, page.external
    shot(page, "xss-probe")


def test_remove_document(app_url: str, page: Page) -> None:
    open_app(page, app_url)
    page.page.get_by_role("tab", name="Documents").click()
    page.page.click("#remove-choice input")
    page.page.get_by_role("option", name="testborough-strategy-2023.txt", exact=False).first.click()
    page.page.click("#remove-button")
    page.page.locator("#remove-status li.ok").wait_for(timeout=20_000)
    assert "testborough-strategy-2023.txt" not in page.page.inner_text("#library")
