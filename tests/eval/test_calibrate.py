"""The threshold fit behind the relevance floor and the partnership floor."""

import numpy as np

from eval.calibrate import _best_threshold


def test_threshold_separates_positives_from_negatives_by_balanced_accuracy():
    scored = [(True, 0.3), (True, 0.2), (True, 0.09), (False, 0.05), (False, 0.02), (False, 0.5)]
    threshold, accuracy = _best_threshold(scored, np.round(np.arange(0.01, 0.96, 0.01), 2))
    assert 0.05 < threshold <= 0.09  # every positive kept, the two weak negatives left out
    assert accuracy == round((1.0 + 2 / 3) / 2, 3)
