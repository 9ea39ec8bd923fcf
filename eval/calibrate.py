"""Fit the relevance calibration on the dev split: relevance = sigmoid(a*cosine + b*coverage + c).

Every hit the searcher returns for a dev question is labelled relevant when what it shows
(trail + passage) contains one of the question's gold quotes; hits for unanswerable
questions are all irrelevant. A small L2-regularised logistic regression gives (a, b, c);
the floor is the threshold on a question's best hit that best separates answerable from
unanswerable dev questions (balanced accuracy). The held-out split is never used here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eval.baselines import shown
from eval.harness import ensure_index, load_questions
from eval.metrics import contains


def _fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 50) -> np.ndarray:
    """Newton's method on [x, 1]; returns weights (a, b, c)."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) + l2 * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + l2 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return w


def calibrate(rt: Any, k: int = 20) -> dict[str, Any]:
    ensure_index(rt)
    questions = load_questions(split="dev")
    rows, labels, best = [], [], []
    for q in questions:
        result = rt.searcher.search(q.question, k=k)
        quotes = [g.quote for g in q.gold]
        for h in result.hits:
            rows.append([h.signals["cosine"], h.signals["coverage"]])
            labels.append(1.0 if any(contains(shown(h.trail, h.text), quote) for quote in quotes) else 0.0)
        best.append((q.answerable, [(h.signals["cosine"], h.signals["coverage"]) for h in result.hits]))
    w = _fit_logistic(np.asarray(rows), np.asarray(labels))

    def top_relevance(signals: list[tuple[float, float]]) -> float:
        return max((1 / (1 + np.exp(-(w[0] * c + w[1] * v + w[2]))) for c, v in signals), default=0.0)

    tops = [(answerable, top_relevance(s)) for answerable, s in best]
    candidates = np.round(np.arange(0.05, 0.96, 0.01), 2)

    def balanced(floor: float) -> float:
        pos = [t >= floor for a, t in tops if a]
        neg = [t < floor for a, t in tops if not a]
        return (np.mean(pos) + np.mean(neg)) / 2

    floor = float(max(candidates, key=balanced))
    return {"calibration": tuple(round(float(v), 3) for v in w), "floor": floor,
            "dev_balanced_accuracy": round(float(balanced(floor)), 3), "hits": len(rows),
            "relevant_share": round(float(np.mean(labels)), 3)}
