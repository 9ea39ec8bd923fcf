"""Hubness: how close each passage is to the rest of the corpus, for dense ranking.

Owns ``passage_hubness``. In embedding space some passages are "hubs": a foreword, an
overview or a plan on a page sits close to almost every question, so plain cosine ranks it
above the passage that actually answers. Following CSLS (Conneau et al., 2018, "Word
translation without parallel data"), a passage's hubness is the mean cosine to its ``k``
nearest neighbours, here the sentence vectors of *other* passages (its own sentences would
make every passage look central), centred on the corpus mean so the penalty only reorders.
The search lowers a passage's dense score by a weight times its hubness (see
``RetrievalSettings.hubness_weight``); it is computed from the index alone, once per view.

Cost is bounded: at most ``max_neighbours`` sentences (an even stride over them) serve as
neighbours, scored in blocks of passages, so a large index costs passages x 20,000 dot
products, not passages x all sentences.
"""

from __future__ import annotations

import numpy as np


def passage_hubness(passages: np.ndarray, sentences: np.ndarray, owner: np.ndarray, k: int = 10,
                    max_neighbours: int = 20_000, block: int = 256) -> np.ndarray:
    """Centred mean cosine of each passage vector (rows of ``passages``, unit length) to its
    ``k`` nearest sentence vectors of other passages (``owner[j]`` is sentence ``j``'s
    passage). Zeros when there are no other passages' sentences to compare with."""
    n = passages.shape[0]
    out = np.zeros(n, dtype=np.float64)
    if n == 0 or sentences.shape[0] == 0 or k <= 0 or sentences.shape[1] != passages.shape[1]:
        return out
    if sentences.shape[0] > max_neighbours:
        keep = np.linspace(0, sentences.shape[0] - 1, max_neighbours).astype(np.int64)
        sentences, owner = sentences[keep], owner[keep]
    k = min(k, sentences.shape[0])
    for start in range(0, n, block):
        rows = np.arange(start, min(start + block, n))
        sim = passages[rows] @ sentences.T
        sim[owner[None, :] == rows[:, None]] = -np.inf  # a passage's own sentences are not neighbours
        top = np.partition(sim, sim.shape[1] - k, axis=1)[:, -k:]
        finite = np.isfinite(top)
        counts = finite.sum(axis=1)
        out[rows] = np.where(counts > 0, np.where(finite, top, 0.0).sum(axis=1) / np.maximum(counts, 1), 0.0)
    return out - out.mean()
