"""The systems the harness compares, each behind one ``retrieve(query, k)`` call.

- ``bm25``: BM25 (bm25s) alone over the same chunks as ours (trail + passage indexed).
- ``dense``: dense alone over the same chunks (our embedder, our Chroma collection).
- ``llamaindex-default``: LlamaIndex's default pipeline over the raw corpus files
  (SimpleDirectoryReader -> SentenceSplitter() defaults -> in-memory VectorStoreIndex),
  with our embedder and no LLM.
- ``ours``: ``Runtime.searcher.search``.

Each returns a ``Retrieval`` (hits as ``eval.metrics.Hit`` plus the ``found`` flag; the
baselines never abstain, so ``found`` is always True for them).
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.metrics import Hit
from ingest.models import with_trail

SYSTEMS = ("bm25", "dense", "llamaindex-default", "ours")

_TOKEN = re.compile(r"\w+")


@dataclass
class Retrieval:
    hits: list[Hit]
    found: bool = True


@dataclass
class System:
    name: str
    retrieve: Callable[[str, int], Retrieval]
    #: Texts of the units this system retrieves (for the mean-chunk-words line); optional.
    unit_texts: list[str] = field(default_factory=list)


def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def tokenise(text: str, stopwords: frozenset[str]) -> list[str]:
    """Lowercase word tokens without English stopwords."""
    return [t for t in _TOKEN.findall(text.lower()) if t not in stopwords]


def shown(trail: str, text: str) -> str:
    """What a hit over our chunks shows a user: its section heading trail, then the passage.
    Evidence that is a heading ("Priority: ... Lead partner: ...") is found in the trail."""
    return with_trail(trail, text)


def _hit_from_stored(chunk: Any) -> Hit:
    m = chunk.metadata
    return Hit(text=shown(str(m.get("trail", "")), chunk.text), partnership=str(m.get("partnership", "")), source=str(m.get("source", "")),
               chunk_id=chunk.chunk_id, score=float(chunk.score))


def bm25_system(rt: Any) -> System:
    import bm25s
    import numpy as np

    chunks = rt.store.all_chunks()
    stop = _stopwords()
    corpus = [tokenise(f"{c.metadata.get('trail', '')}\n{c.text}", stop) for c in chunks]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)

    def retrieve(query: str, k: int) -> Retrieval:
        tokens = tokenise(query, stop)
        if not tokens or not chunks:
            return Retrieval([])
        scores = np.asarray(retriever.get_scores(tokens))
        order = np.argsort(-scores, kind="stable")[:k]
        hits = []
        for i in order:
            if scores[i] <= 0:  # no query term in the chunk: not a BM25 match at all
                break
            c = chunks[int(i)]
            hits.append(Hit(text=shown(str(c.metadata.get("trail", "")), c.text),
                            partnership=str(c.metadata.get("partnership", "")),
                            source=str(c.metadata.get("source", "")), chunk_id=c.chunk_id,
                            score=float(scores[i])))
        return Retrieval(hits)

    return System("bm25", retrieve, [c.text for c in chunks])


def dense_system(rt: Any) -> System:
    def retrieve(query: str, k: int) -> Retrieval:
        stored = rt.store.query(rt.embedder.embed_query(query), k)
        return Retrieval([_hit_from_stored(c) for c in stored])

    return System("dense", retrieve)


def ours_system(rt: Any) -> System:
    def retrieve(query: str, k: int) -> Retrieval:
        result = rt.searcher.search(query, k=k)
        hits = [Hit(text=shown(h.trail, h.text), partnership=h.partnership, source=h.source, chunk_id=h.chunk_id,
                    score=float(h.score)) for h in result.hits]
        return Retrieval(hits, found=bool(getattr(result, "found", True)))

    return System("ours", retrieve, [c.text for c in rt.store.all_chunks()])


def corpus_files(corpus_dir: Path, extensions: tuple[str, ...] = (".txt", ".md", ".pdf")) -> list[Path]:
    """The corpus documents (config files such as manifest.yaml and README are not documents)."""
    from ingest.pipeline import CONFIG_FILES

    return sorted(p for p in Path(corpus_dir).iterdir()
                  if p.is_file() and p.suffix.lower() in extensions and p.name.lower() not in CONFIG_FILES
                  and not p.name.startswith("."))


def manifest_partnerships(manifest_path: Path) -> dict[str, str]:
    """file name -> partnership, from the manifest's ``documents`` list."""
    import yaml

    if not Path(manifest_path).is_file():
        return {}
    data = yaml.safe_load(Path(manifest_path).read_text(encoding="utf-8")) or {}
    return {str(d["file"]): str(d.get("partnership", "")) for d in data.get("documents", []) if "file" in d}


def llamaindex_default_system(rt: Any) -> System:
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter

    settings = rt.settings
    embed_model = rt.embedder.as_llama_embedding()
    with contextlib.redirect_stdout(io.StringIO()):  # it prints "LLM is explicitly disabled. Using MockLLM."
        LlamaSettings.llm = None  # nothing may default to OpenAI
    LlamaSettings.embed_model = embed_model
    files = corpus_files(settings.paths.corpus_dir, tuple(settings.ingest.extensions))
    documents = SimpleDirectoryReader(input_files=[str(f) for f in files]).load_data(show_progress=False)
    nodes = SentenceSplitter()(documents)
    index = VectorStoreIndex(nodes, embed_model=embed_model)
    partnership_of = manifest_partnerships(settings.paths.manifest_path())
    cache: dict[int, Any] = {}

    def retrieve(query: str, k: int) -> Retrieval:
        if k not in cache:
            cache[k] = index.as_retriever(similarity_top_k=k)
        hits = []
        for n in cache[k].retrieve(query):
            name = str(n.node.metadata.get("file_name", ""))
            hits.append(Hit(text=n.node.get_content(), partnership=partnership_of.get(name, ""), source=name,
                            chunk_id=n.node.node_id, score=float(n.score or 0.0)))
        return Retrieval(hits)

    return System("llamaindex-default", retrieve, [n.get_content() for n in nodes])


BUILDERS: dict[str, Callable[[Any], System]] = {
    "bm25": bm25_system,
    "dense": dense_system,
    "llamaindex-default": llamaindex_default_system,
    "ours": ours_system,
}
