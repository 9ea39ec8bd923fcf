"""Browser-test fixtures: the app as a real `python app.py` process on 127.0.0.1 over a
temporary index (first run ingests a copy of the bundled corpus), and Debian's Chromium
driven by Playwright. Screenshots and timings go to test-artifacts/app/ (git-ignored)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CSPKB_TEST_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = REPO / "test-artifacts" / "app"
TIMINGS: dict[str, float] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (apt-get install -y chromium; scripts/test.sh installs it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def start_app(tmp: Path, **env: str) -> tuple[subprocess.Popen, str, Path]:
    """`python app.py` on a free 127.0.0.1 port over its own index in ``tmp``; returns when it answers."""
    corpus = tmp / "corpus"
    if not corpus.exists():
        shutil.copytree(REPO / "corpus", corpus)
    port = _free_port()
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("CSPKB_")}
    child_env.update({"CSPKB_PATHS__DATA_DIR": str(tmp / "data"), "CSPKB_PATHS__CORPUS_DIR": str(corpus),
                      "CSPKB_APP__HOST": "127.0.0.1", "CSPKB_APP__PORT": str(port), "PYTHONUNBUFFERED": "1", **env})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / f"server-{port}.log"
    proc = subprocess.Popen([sys.executable, str(REPO / "app.py")], cwd=REPO, env=child_env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return proc, url, log
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"the app did not answer within 120 s: {log.read_text()[-2000:]}")


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_chromium()
    proc, url, _ = start_app(tmp_path_factory.mktemp("app"))
    yield url
    stop_app(proc)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


class Page:
    """A Playwright page that records every request leaving 127.0.0.1 and console errors."""

    def __init__(self, page: object) -> None:
        self.page = page
        self.external: list[str] = []
        self.errors: list[str] = []
        page.on("request", self._request)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _request(self, request: object) -> None:
        url = request.url
        if not (url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:"))):
            self.external.append(url)


@pytest.fixture
def page(browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1360, "height": 1000}, accept_downloads=True)
    wrapped = Page(context.new_page())
    yield wrapped
    context.close()


def shot(page: Page, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.page.wait_for_timeout(500)  # let Gradio's fade-in of fresh outputs finish
    page.page.screenshot(path=str(path), full_page=full_page)
    return path


def record(name: str, seconds: float) -> None:
    TIMINGS[name] = round(seconds, 3)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "timings.json").write_text(json.dumps(TIMINGS, indent=2))
