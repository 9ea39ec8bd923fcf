"""Search: a query in, ranked hits with everything a citation needs out.

``Searcher`` turns filters (partnership, document type, year) into a store filter, embeds
the query and returns ``SearchResult`` objects whose ``to_json()`` is the CLI's JSON shape.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from cspkb.settings import Settings
from index.embedding import Embedder
from index.store import ChunkStore, StoredChunk
from ingest.partnerships import Registry, load_registry


@dataclass
class Filters:
    """What a search is restricted to. Empty lists mean no restriction."""

    partnerships: list[str] = field(default_factory=list)
    doc_types: list[str] = field(default_factory=list)
    year: int | None = None

    def where(self, registry: Registry) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.partnerships:
            names = sorted({registry.canonical(p) for p in self.partnerships})
            clauses.append({"partnership": {"$in": names}})
        if self.doc_types:
            clauses.append({"doc_type": {"$in": [t.lower() for t in self.doc_types]}})
        if self.year:
            clauses += [{"year_start": {"$lte": self.year}}, {"year_end": {"$gte": self.year}}]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass
class SearchHit:
    rank: int
    score: float
    text: str
    partnership: str
    document: str
    source: str
    page: int | None
    section: str | None
    chunk_id: str
    trail: str = ""
    doc_type: str = ""
    period: str = ""
    date: str = ""

    @classmethod
    def from_stored(cls, rank: int, chunk: StoredChunk) -> "SearchHit":
        m = chunk.metadata
        return cls(
            rank=rank,
            score=round(float(chunk.score), 4),
            text=chunk.text,
            partnership=str(m.get("partnership", "")),
            document=str(m.get("document", "")),
            source=str(m.get("source", "")),
            page=chunk.page,
            section=(str(m.get("section")) or None) if m.get("section") else None,
            chunk_id=chunk.chunk_id,
            trail=str(m.get("trail", "")),
            doc_type=str(m.get("doc_type", "")),
            period=str(m.get("period", "")),
            date=str(m.get("date", "")),
        )

    def to_json(self) -> dict[str, Any]:
        keys = ("rank", "score", "text", "partnership", "document", "source", "page", "section", "chunk_id")
        return {k: v for k, v in asdict(self).items() if k in keys}


@dataclass
class SearchResult:
    query: str
    hits: list[SearchHit]

    def to_json(self) -> dict[str, Any]:
        return {"query": self.query, "hits": [h.to_json() for h in self.hits]}


class Searcher:
    """Dense search over the store (the retrieval issue builds hybrid ranking on top)."""

    def __init__(self, settings: Settings, store: ChunkStore, embedder: Embedder) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.registry = load_registry(settings.paths.partnerships_path())

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> SearchResult:
        k = k or self.settings.retrieval.k
        filters = filters or Filters()
        vector = self.embedder.embed_query(query)
        stored = self.store.query(vector, k, filters.where(self.registry))
        for chunk in stored:  # Chroma via LlamaIndex reports exp(-distance); report cosine similarity
            chunk.score = 1.0 + math.log(chunk.score) if chunk.score > 0 else 0.0
        return SearchResult(query, [SearchHit.from_stored(i + 1, c) for i, c in enumerate(stored)])
