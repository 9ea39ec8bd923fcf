"""index/embedding.py: the bounded vector cache."""

from __future__ import annotations

import numpy as np

from index.embedding import VectorCache


def test_a_full_cache_never_drops_a_vector_the_same_call_returns():
    """A text cached long ago and a new one asked together: making room for the new one must not
    evict the old one before it is returned (a KeyError once 512 questions had been asked)."""
    embedded: list[str] = []

    def embed(texts: list[str]) -> list[list[float]]:
        embedded.extend(texts)
        return [[float(ord(t[0])), 1.0] for t in texts]

    cache = VectorCache(embed, size=2)
    cache(["a"])
    cache(["b"])
    out = cache(["a", "c"])  # "a" is the oldest entry; "c" needs its place
    assert out[:, 0].tolist() == [ord("a"), ord("c")]
    assert embedded == ["a", "b", "c"]  # "a" came from the cache


def test_the_cache_keeps_what_was_used_last():
    embedded: list[str] = []
    cache = VectorCache(lambda texts: embedded.extend(texts) or [[1.0] for _ in texts], size=2)
    cache(["a"])
    cache(["b"])
    cache(["a"])  # used again: "b" is now the least recently used
    cache(["c"])
    cache(["a"])
    assert embedded == ["a", "b", "c"]
    assert np.asarray(cache(["a", "c"])).shape == (2, 1)
