"""The threshold fits behind the relevance floor, the partnership floor and found_cosine."""

import numpy as np

from eval.calibrate import _best_threshold, found_cosine


def test_threshold_separates_positives_from_negatives_by_balanced_accuracy():
    scored = [(True, 0.3), (True, 0.2), (True, 0.09), (False, 0.05), (False, 0.02), (False, 0.5)]
    threshold, accuracy = _best_threshold(scored, np.round(np.arange(0.01, 0.96, 0.01), 2))
    assert 0.05 < threshold <= 0.09  # every positive kept, the two weak negatives left out
    assert accuracy == round((1.0 + 2 / 3) / 2, 3)


def test_found_cosine_sits_just_under_the_least_similar_answerable_question():
    assert found_cosine([0.71, 0.439, 0.55]) == 0.40
    assert found_cosine([0.5], margin=0.0) == 0.5 and found_cosine([]) == 0.0
