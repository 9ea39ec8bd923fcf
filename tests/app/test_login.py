"""Optional login (team deployment): with CSPKB_APP__USERNAME/PASSWORD set, the app asks for them."""

from __future__ import annotations

import pytest

from tests.app.conftest import Page, _need_chromium, start_app, stop_app

pytestmark = pytest.mark.browser


def test_login_required_when_configured(browser, tmp_path) -> None:
    _need_chromium()
    proc, url, _ = start_app(tmp_path, CSPKB_APP__USERNAME="analyst", CSPKB_APP__PASSWORD="s3cret-phrase",
                             CSPKB_APP__FIRST_RUN_INGEST="false")
    context = browser.new_context()
    try:
        page = Page(context.new_page())
        page.page.goto(url)
        page.page.wait_for_selector("input[type=password]", timeout=30_000)
        assert page.page.locator("#question").count() == 0
        page.page.fill("input[type=text]", "analyst")
        page.page.fill("input[type=password]", "wrong")
        page.page.keyboard.press("Enter")
        page.page.wait_for_timeout(1000)
        assert page.page.locator("#question").count() == 0
        page.page.fill("input[type=text]", "analyst")
        page.page.fill("input[type=password]", "s3cret-phrase")
        page.page.get_by_role("button", name="Login").click()
        page.page.wait_for_selector("#question textarea", timeout=30_000)
        # an empty library (no first-run ingest here) says so instead of failing
        page.page.wait_for_selector("#masthead .stats", state="attached")
        page.page.fill("#question textarea", "Anything about knife crime?")
        page.page.click("#ask-button")
        page.page.wait_for_selector("#answer-panel .empty-state", timeout=30_000)
        assert "library is empty" in page.page.inner_text("#answer-panel")
        assert not page.errors, page.errors
        assert not page.external, page.external
    finally:
        context.close()
        stop_app(proc)
