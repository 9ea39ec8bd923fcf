"""Ingestion in the background: one job at a time, watched by any number of sessions.

Ingesting runs on its own thread, so the event that started it only polls for progress and
searches from other sessions keep being answered meanwhile. Jobs are serialised (the
pipeline writes to one index); the first-run ingest of the bundled corpus is started once,
however many pages open while the index is empty.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.pipeline import FileOutcome, IngestReport, discover

if TYPE_CHECKING:
    from ingest.pipeline import IndexDocumentsPipeline


@dataclass
class IngestJob:
    """Progress of one ingestion, safe to read from any thread."""

    title: str
    total: int
    outcomes: list[FileOutcome] = field(default_factory=list)
    report: IngestReport | None = None
    error: str = ""
    started: float = field(default_factory=time.monotonic)
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def finished(self) -> bool:
        return self.done.is_set()

    def record(self, outcome: FileOutcome) -> None:
        self.outcomes = [*self.outcomes, outcome]  # readers see either the old or the new list

    def last(self) -> str:
        return self.outcomes[-1].source if self.outcomes else ""


class IngestRunner:
    """Runs ingestion jobs one after another on background threads."""

    def __init__(self, pipeline: Callable[[], IndexDocumentsPipeline],
                 on_done: Callable[[IngestJob], None] | None = None) -> None:
        self._pipeline = pipeline
        self._on_done = on_done
        self._write_lock = threading.Lock()
        self._first_lock = threading.Lock()
        self.first_run: IngestJob | None = None

    def submit(self, title: str, paths: list[Path], overrides: dict[str, dict] | None = None) -> IngestJob:
        files, problems = discover(paths)
        job = IngestJob(title, total=len(files) + len(problems))
        threading.Thread(target=self._run, args=(job, paths, overrides), daemon=True, name="cspkb-ingest").start()
        return job

    def first_run_job(self, corpus_dir: Path, index_is_empty: Callable[[], bool]) -> IngestJob | None:
        """The job ingesting the bundled corpus into an empty index (started on the first call)."""
        with self._first_lock:
            if self.first_run is None and index_is_empty() and corpus_dir.is_dir():
                self.first_run = self.submit("Building the library from the bundled corpus", [corpus_dir])
            return self.first_run

    def _run(self, job: IngestJob, paths: list[Path], overrides: dict[str, dict] | None) -> None:
        with self._write_lock:
            job.started = time.monotonic()
            try:
                job.report = self._pipeline().run(paths, progress=False, on_file=job.record, overrides=overrides)
            except Exception as exc:  # noqa: BLE001 - shown in the page instead of killing the thread
                job.error = f"{type(exc).__name__}: {exc}"
            finally:
                job.done.set()
        if self._on_done is not None:
            self._on_done(job)
