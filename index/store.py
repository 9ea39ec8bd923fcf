"""The vector store: Chroma through LlamaIndex, embedded (persistent folder) or a server.

Owns: opening the collection (``chroma run`` server when a URL/host is configured), the
fingerprint of what built the index (checked on open: a mismatch raises ``IndexMismatch``
instead of mixing vectors), adding/replacing/deleting a document's chunks, listing
documents, similarity queries with metadata filters, and reading all chunks back (for
lexical search). Chroma's own embedding function is never used: we pass our vectors.

A second collection (``<collection>-sentences``) holds one vector per sentence of each chunk,
keyed by chunk id; it is written before the chunks and cleaned after them, so a reader never
sees a chunk whose sentences are missing except for a moment (and then falls back to the
chunk's own vector).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

from cspkb.settings import Settings
from ingest.models import Chunk, DocumentMeta, unit_hash

#: Metadata keys that belong to the document (repeated on each of its chunks).
DOC_KEYS = ("source", "doc_sha256", "partnership", "partnership_full", "source_title", "source_doc_type",
            "period", "date", "source_url", "inferred", "draft_markers")


class IndexMismatch(RuntimeError):
    """The index was built with other settings than the current ones."""


class StoreUnavailable(RuntimeError):
    """The vector store cannot be reached or opened."""


@dataclass
class StoredChunk:
    """A chunk as read back from the store."""

    chunk_id: str
    text: str
    metadata: dict[str, Any]
    score: float = 0.0

    @property
    def page(self) -> int | None:
        value = self.metadata.get("page_start")
        return int(value) if isinstance(value, int) and value > 0 else None


def _years(period: str) -> tuple[int, int]:
    import re

    years = [int(y) for y in re.findall(r"20\d\d", period or "")]
    return (min(years), max(years)) if years else (0, 0)


def chunk_metadata(chunk: Chunk, meta: DocumentMeta, doc_sha256: str) -> dict[str, Any]:
    """Flat metadata for Chroma (str/int/float/bool only)."""
    year_start, year_end = _years(chunk.period)
    return {
        "source": chunk.source,
        "doc_sha256": doc_sha256,
        "partnership": chunk.partnership,
        "partnership_full": chunk.partnership_full,
        "document": chunk.document,
        "doc_type": chunk.doc_type,
        "source_title": meta.title,
        "source_doc_type": meta.doc_type,
        "period": chunk.period,
        "date": chunk.date,
        "year_start": year_start,
        "year_end": year_end,
        "source_url": meta.source_url,
        "inferred": meta.inferred,
        "draft_markers": json.dumps(meta.draft_markers),
        "doc_acronyms": json.dumps(meta.acronyms),
        "page_start": chunk.page_start or 0,
        "page_end": chunk.page_end or 0,
        "section": chunk.section or "",
        "trail": chunk.trail,
        "continues": chunk.continues,
        "position": chunk.position,
        "text_hash": chunk.text_hash,
    }


class ChunkStore:
    """One Chroma collection of chunks, opened for the given settings."""

    def __init__(self, settings: Settings, *, check_fingerprint: bool = True) -> None:
        self.settings = settings
        self.client = self._connect()
        self.fingerprint = settings.index_fingerprint()
        self.collection = self._open_collection()
        self.sentences = self._open_sentences()
        if check_fingerprint:
            self.check_fingerprint()
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.vector_store = ChromaVectorStore(chroma_collection=self.collection)

    # --- opening -----------------------------------------------------------------------
    def _connect(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        server = self.settings.store.server()
        try:
            if server:
                host, port, ssl = server
                return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
            path = self.settings.paths.data_dir / "chroma"
            path.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        except Exception as exc:  # chromadb raises several types for an unreachable server
            where = f"server {server[0]}:{server[1]}" if server else f"folder {self.settings.paths.data_dir}"
            raise StoreUnavailable(f"cannot open the Chroma index at {where}: {exc}") from exc

    def _open_collection(self) -> Any:
        return self.client.get_or_create_collection(
            name=self.settings.store.collection,
            embedding_function=None,
            metadata={"hnsw:space": "cosine", **self.fingerprint},
        )

    def _open_sentences(self) -> Any:
        return self.client.get_or_create_collection(
            name=f"{self.settings.store.collection}-sentences", embedding_function=None,
            metadata={"hnsw:space": "cosine"},
        )

    def built_with(self) -> dict[str, Any]:
        return {k: v for k, v in (self.collection.metadata or {}).items() if k in self.fingerprint}

    def check_fingerprint(self) -> None:
        """Raise IndexMismatch if a non-empty index was built with other shaping settings."""
        stored = self.built_with()
        if self.collection.count() == 0:
            if stored.get("fingerprint") != self.fingerprint["fingerprint"]:
                self.reset()
            return
        if stored.get("fingerprint") != self.fingerprint["fingerprint"]:
            diffs = [
                f"{k}: index has {stored.get(k)!r}, settings say {v!r}"
                for k, v in self.fingerprint.items()
                if k != "fingerprint" and stored.get(k) != v
            ]
            raise IndexMismatch(
                "the index was built with different settings (" + "; ".join(diffs) + "). "
                "Rebuild it with `cspkb ingest --rebuild`, or point CSPKB_PATHS__DATA_DIR / "
                "CSPKB_STORE__COLLECTION at another index."
            )

    def reset(self) -> None:
        """Drop every chunk and record the current settings as what built the index."""
        for name in (self.settings.store.collection, f"{self.settings.store.collection}-sentences"):
            with contextlib.suppress(Exception):  # an absent collection: nothing to drop
                self.client.delete_collection(name)
        self.collection = self._open_collection()
        self.sentences = self._open_sentences()
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.vector_store = ChromaVectorStore(chroma_collection=self.collection)

    # --- writing -----------------------------------------------------------------------
    def add_document(self, chunks: list[Chunk], meta: DocumentMeta, doc_sha256: str,
                     embeddings: list[list[float]],
                     sentences: list[list[tuple[str, list[float]]]] | None = None) -> None:
        """Add a document's new chunks (and, per chunk, its embedded sentences as (text, vector)
        pairs), then remove its old ones: a failure leaves the old version."""
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

        old_ids = self.chunk_ids(meta.source)
        old_sentences = self._sentence_ids(meta.source)
        written: set[str] = set()
        if sentences is not None:
            ids, vectors, metas = [], [], []
            for chunk, pairs in zip(chunks, sentences, strict=True):
                for j, (text, vector) in enumerate(pairs):
                    ids.append(f"{chunk.chunk_id}:{j}")
                    vectors.append(vector)
                    metas.append({"source": meta.source, "chunk_id": chunk.chunk_id, "unit_hash": unit_hash(text)})
            for start in range(0, len(ids), 1000):
                self.sentences.upsert(ids=ids[start : start + 1000], embeddings=vectors[start : start + 1000],
                                      metadatas=metas[start : start + 1000])
            written = set(ids)
        nodes = []
        for chunk, vector in zip(chunks, embeddings, strict=True):
            node = TextNode(id_=chunk.chunk_id, text=chunk.text, embedding=vector,
                            metadata=chunk_metadata(chunk, meta, doc_sha256))
            node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=meta.source)
            nodes.append(node)
        for start in range(0, len(nodes), 256):
            self.vector_store.add(nodes[start : start + 256])
        stale = sorted(set(old_ids) - {c.chunk_id for c in chunks})
        if stale:
            self.collection.delete(ids=stale)
        stale_sentences = sorted(set(old_sentences) - written)
        if stale_sentences:
            self.sentences.delete(ids=stale_sentences)

    def delete_document(self, source: str) -> int:
        ids = self.chunk_ids(source)
        if ids:
            self.collection.delete(ids=ids)
        sentence_ids = self._sentence_ids(source)
        if sentence_ids:
            self.sentences.delete(ids=sentence_ids)
        return len(ids)

    # --- reading -----------------------------------------------------------------------
    def chunk_ids(self, source: str) -> list[str]:
        return list(self.collection.get(where={"source": source}, include=[])["ids"])

    def embeddings_by_text_hash(self, source: str) -> dict[str, list[float]]:
        """Existing vectors of a document, keyed by chunk text hash (to skip re-embedding)."""
        got = self.collection.get(where={"source": source}, include=["metadatas", "embeddings"])
        out: dict[str, list[float]] = {}
        for meta, vector in zip(got["metadatas"] or [], got["embeddings"] if got["embeddings"] is not None else []):
            out[str(meta.get("text_hash"))] = [float(x) for x in vector]
        return out

    def _sentence_ids(self, source: str) -> list[str]:
        return list(self.sentences.get(where={"source": source}, include=[])["ids"])

    def sentence_vectors_by_hash(self, source: str) -> dict[str, list[float]]:
        """Existing sentence vectors of a document, keyed by ``unit_hash`` of the embedded text."""
        got = self.sentences.get(where={"source": source}, include=["metadatas", "embeddings"])
        vectors = got["embeddings"] if got["embeddings"] is not None else []
        return {str(m.get("unit_hash")): [float(x) for x in v] for m, v in zip(got["metadatas"] or [], vectors)}

    def document_hashes(self) -> dict[str, str]:
        """source -> sha256 of the indexed version."""
        got = self.collection.get(include=["metadatas"])
        return {str(m["source"]): str(m["doc_sha256"]) for m in got["metadatas"] or []}

    def documents(self) -> list[dict[str, Any]]:
        """One summary per indexed document, with its chunk count and parts."""
        got = self.collection.get(include=["metadatas"])
        docs: dict[str, dict[str, Any]] = {}
        for m in got["metadatas"] or []:
            doc = docs.setdefault(str(m["source"]), {k: m.get(k) for k in DOC_KEYS} | {"chunks": 0, "parts": []})
            doc["chunks"] += 1
            if m.get("document") not in doc["parts"]:
                doc["parts"].append(m.get("document"))
        for doc in docs.values():
            doc["draft_markers"] = json.loads(doc.get("draft_markers") or "[]")
        return sorted(docs.values(), key=lambda d: (str(d["partnership"]), str(d["source"])))

    def version(self) -> tuple[int, str]:
        """Changes whenever chunks are added or removed (chunk ids embed the document hash)."""
        import hashlib

        ids = self.collection.get(include=[])["ids"]
        return len(ids), hashlib.sha1("\n".join(sorted(ids)).encode()).hexdigest()

    def count(self) -> int:
        return int(self.collection.count())

    def all_chunks(self) -> list[StoredChunk]:
        got = self.collection.get(include=["documents", "metadatas"])
        return [StoredChunk(i, t or "", m or {}) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"])]

    def snapshot(self) -> dict[str, Any]:
        """Every chunk with its text, metadata and vector, and under "sentences" every sentence
        vector with its chunk id (for the in-memory retrieval view)."""
        chunks = dict(self.collection.get(include=["documents", "metadatas", "embeddings"]))
        chunks["sentences"] = self.sentences.get(include=["metadatas", "embeddings"])
        return chunks

    def query(self, embedding: list[float], k: int, where: dict[str, Any] | None = None) -> list[StoredChunk]:
        """Top-k chunks by cosine similarity (score = 1 - cosine distance)."""
        from llama_index.core.vector_stores.types import VectorStoreQuery

        n = min(k, max(self.count(), 1))
        query = VectorStoreQuery(query_embedding=embedding, similarity_top_k=n)
        result = self.vector_store.query(query, where=where or {})
        hits = []
        for node, similarity in zip(result.nodes or [], result.similarities or []):
            hits.append(StoredChunk(node.node_id, node.get_content(), dict(node.metadata), float(similarity)))
        return hits
