"""Optional reranking stage: a sentence-transformers CrossEncoder loaded from a local folder.

Off unless ``retrieval.reranker`` names a folder (no reranker ships in a PyPI package that
loads offline here). The searcher applies it to a bounded candidate set only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cspkb.settings import apply_offline_environment


class CrossEncoderReranker:
    """Scores (query, passage) pairs with a local CrossEncoder; higher is more relevant."""

    def __init__(self, path: str) -> None:
        if not Path(path).is_dir():
            raise FileNotFoundError(f"reranker model folder not found: {path} (models are never downloaded)")
        self.path = path
        self._model: Any = None

    def score(self, query: str, passages: list[str]) -> list[float]:
        if self._model is None:
            apply_offline_environment()
            from sentence_transformers import CrossEncoder

            self._model = CrossEncoder(self.path, device="cpu")
        scores = self._model.predict([(query, p) for p in passages], show_progress_bar=False)
        return [float(s) for s in scores]
