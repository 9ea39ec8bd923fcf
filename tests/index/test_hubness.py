"""Hubness: a passage close to the rest of the corpus scores high; its own sentences don't count."""

import numpy as np
import pytest

from index.hubness import passage_hubness


def unit(*rows: list[float]) -> np.ndarray:
    m = np.asarray(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_the_passage_between_all_others_is_the_hub():
    passages = unit([1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1])  # 0 is an overview of 1-3
    sentences = unit([1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1])
    owner = np.array([1, 2, 3, 0])
    hub = passage_hubness(passages, sentences, owner, k=3)
    assert int(np.argmax(hub)) == 0
    assert hub.mean() == pytest.approx(0.0, abs=1e-9)  # centred: the penalty only reorders


def test_a_passages_own_sentences_are_not_its_neighbours():
    passages = unit([1, 0], [0, 1])
    sentences = unit([1, 0], [0.6, 0.8])  # one sentence of each passage
    hub = passage_hubness(passages, sentences, np.array([0, 1]), k=1)
    # passage 0's only neighbour is passage 1's sentence (cosine 0.6); passage 1's is passage 0's (0)
    assert hub == pytest.approx([0.3, -0.3])
    foreign = passage_hubness(passages, sentences, np.array([9, 9]), k=1)  # as if neither were theirs
    assert foreign == pytest.approx([0.1, -0.1])  # own sentences would count: 1.0 and 0.8


def test_nothing_to_compare_with_gives_zeros():
    passages = unit([1, 0], [0, 1])
    assert passage_hubness(passages, np.zeros((0, 2), dtype=np.float32), np.zeros(0, dtype=np.int64)).tolist() == [0, 0]
    only_own = passage_hubness(passages, unit([1, 0]), np.array([0]), k=5)
    assert np.isfinite(only_own).all()


def test_neighbours_are_capped_and_blocks_give_the_same_result():
    rng = np.random.default_rng(0)
    passages = unit(*rng.normal(size=(40, 8)))
    sentences = unit(*rng.normal(size=(300, 8)))
    owner = rng.integers(0, 40, size=300)
    full = passage_hubness(passages, sentences, owner, k=5)
    assert passage_hubness(passages, sentences, owner, k=5, block=7) == pytest.approx(full)
    capped = passage_hubness(passages, sentences, owner, k=5, max_neighbours=100)
    assert capped.shape == (40,) and np.isfinite(capped).all() and not np.allclose(capped, full)
