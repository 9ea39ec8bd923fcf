"""App benchmark in a real browser: page load and time-to-answer, measured in Chromium.

Starts `python app.py` on 127.0.0.1 over a temporary index (the first run ingests the bundled
corpus, timed as the browser sees it), then with Debian's Chromium driven by Playwright:
- page load: fresh browser contexts, navigation to the question box being usable, and to
  the library (filters, counts) being filled in;
- time to answer: click "Ask" to the cited answer shown, over evaluation questions;
- themes: opening the Themes tab to the matrix shown, and a cell click to its evidence.

    python bench/app_bench.py [--questions 20] [--loads 5]     # prints JSON
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.app.conftest import CHROMIUM, start_app, stop_app


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"n": len(ordered), "p50_s": round(statistics.median(ordered), 3),
            "p95_s": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 3), "max_s": round(ordered[-1], 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    questions = [json.loads(line)["question"] for line in (REPO / "eval" / "questions.jsonl").open()][: args.questions]
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        proc, url, _ = start_app(Path(tmp))
        out["server_start_s"] = round(time.perf_counter() - started, 3)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM))
                page = browser.new_page(viewport={"width": 1360, "height": 1000})
                t = time.perf_counter()
                page.goto(url)
                page.wait_for_selector("#examples .example", timeout=300_000)
                out["first_run_ready_s"] = round(time.perf_counter() - t, 3)
                page.close()

                usable, library = [], []
                for _ in range(args.loads):
                    context = browser.new_context(viewport={"width": 1360, "height": 1000})
                    page = context.new_page()
                    t = time.perf_counter()
                    page.goto(url)
                    page.wait_for_selector("#question textarea")
                    usable.append(time.perf_counter() - t)
                    page.wait_for_function("() => document.querySelector('#masthead .stats')?.innerText.includes('passages')")
                    library.append(time.perf_counter() - t)
                    context.close()
                out["page_usable"] = _summary(usable)
                out["page_with_library"] = _summary(library)

                page = browser.new_page(viewport={"width": 1360, "height": 1000})
                page.goto(url)
                page.wait_for_selector("#examples .example")
                answers = []
                for q in questions:
                    page.fill("#question textarea", q)
                    t = time.perf_counter()
                    page.click("#ask-button")
                    page.wait_for_function("q => document.querySelector('#answer-panel .question')?.innerText.trim() === q",
                                           arg=q.strip(), timeout=60_000)
                    answers.append(time.perf_counter() - t)
                out["time_to_answer"] = _summary(answers)

                page.get_by_role("tab", name="Themes").click()
                t = time.perf_counter()
                page.wait_for_selector("#heatmap button.cell", timeout=120_000)
                out["themes_matrix_s"] = round(time.perf_counter() - t, 3)
                t = time.perf_counter()
                page.locator("#heatmap button.cell").first.click()
                page.wait_for_selector("#evidence-panel .panel-title")
                out["themes_cell_evidence_s"] = round(time.perf_counter() - t, 3)
                browser.close()
        finally:
            stop_app(proc)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
