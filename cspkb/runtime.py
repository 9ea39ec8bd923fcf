"""Wiring: builds the store, embedder, searcher, answerer and ingest pipeline from one Settings object.

The CLI, the app, the evaluation harness and the benchmarks all get their components here,
so there is one place that decides how the pieces fit together.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from cspkb.settings import Settings

if TYPE_CHECKING:
    from index.answer import AnswerQuestionPipeline
    from index.embedding import Embedder
    from index.search import Searcher
    from index.store import ChunkStore
    from ingest.pipeline import IndexDocumentsPipeline


class Runtime:
    """Lazily built components for one Settings object (thread-safe to read once built)."""

    def __init__(self, settings: Settings | None = None, *, check_fingerprint: bool = True) -> None:
        self.settings = settings or Settings()
        self.check_fingerprint = check_fingerprint

    @cached_property
    def embedder(self) -> Embedder:
        from index.embedding import Embedder

        return Embedder(self.settings.embedding)

    @cached_property
    def store(self) -> ChunkStore:
        from index.store import ChunkStore

        return ChunkStore(self.settings, check_fingerprint=self.check_fingerprint)

    @cached_property
    def searcher(self) -> Searcher:
        from index.search import Searcher

        return Searcher(self.settings, self.store, self.embedder)

    @cached_property
    def answerer(self) -> AnswerQuestionPipeline:
        from index.answer import AnswerQuestionPipeline

        return AnswerQuestionPipeline(self.settings, self.searcher)

    @cached_property
    def pipeline(self) -> IndexDocumentsPipeline:
        from ingest.pipeline import IndexDocumentsPipeline

        return IndexDocumentsPipeline(self.settings, self.store, self.embedder)
