"""Shared fixtures: settings pointing at temporary indexes, one real embedder per session,
and a real `chroma run` server (started here unless CSPKB_TEST_CHROMA_URL names one)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

from cspkb.settings import Settings

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    """URL of a running Chroma server on 127.0.0.1."""
    url = os.environ.get("CSPKB_TEST_CHROMA_URL")
    if url:
        yield url
        return
    exe = shutil.which("chroma")
    if exe is None:
        pytest.fail("the `chroma` CLI is not installed (pip install chromadb)")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma server did not start within 60 s")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def make_settings(tmp_path: Path, *, corpus_dir: Path | None = None, url: str | None = None) -> Settings:
    """Settings for an isolated index (own folder and collection name)."""
    settings = Settings()
    settings.paths.data_dir = tmp_path / "data"
    settings.paths.corpus_dir = corpus_dir or (tmp_path / "corpus")
    settings.paths.partnerships = CORPUS / "partnerships.yaml"
    settings.store.collection = "t" + uuid.uuid4().hex[:12]
    settings.store.url = url
    return settings


@pytest.fixture(scope="session")
def embedder():
    """One real all-MiniLM-L6-v2 embedder for the whole session (loads offline)."""
    from index.embedding import Embedder

    return Embedder(Settings().embedding)


@pytest.fixture(params=["embedded", "server"])
def store_url(request: pytest.FixtureRequest) -> str | None:
    """Run a test against the embedded store and against a real Chroma server."""
    if request.param == "server":
        return request.getfixturevalue("chroma_server")
    return None


@pytest.fixture
def runtime_factory(embedder, tmp_path: Path):
    """Build a Runtime over an isolated index that reuses the session's embedder."""
    from cspkb.runtime import Runtime

    def build(*, corpus_dir: Path | None = None, url: str | None = None, settings: Settings | None = None,
              check_fingerprint: bool = True) -> Runtime:
        rt = Runtime(settings or make_settings(tmp_path, corpus_dir=corpus_dir, url=url),
                     check_fingerprint=check_fingerprint)
        rt.__dict__["embedder"] = embedder  # share the loaded model
        return rt

    return build


@pytest.fixture
def indexed_document(runtime_factory, tmp_path: Path):
    """A Runtime whose index holds one document, ``name`` with ``text``, ingested."""
    def build(name: str, text: str) -> Any:
        corpus = tmp_path / "corpus"
        corpus.mkdir(exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
        rt = runtime_factory(corpus_dir=corpus)
        rt.pipeline.run([corpus])
        return rt

    return build
