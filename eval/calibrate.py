"""Fit the relevance calibration on the dev split: relevance = sigmoid(a*cosine + b*coverage + c).

Every hit the searcher returns for a dev question is labelled relevant when what it shows
(trail + passage) contains one of the question's gold quotes; hits for unanswerable
questions are all irrelevant. A small L2-regularised logistic regression gives (a, b, c);
the floor is the threshold on a question's best hit that best separates answerable from
unanswerable dev questions (balanced accuracy). ``found_cosine`` sits just under the dense
similarity of the least similar answerable dev question's best hit: below it, nothing in the
documents is about a question. The partnership floor is fitted the same way
on (question, partnership) pairs of the dev "which partnerships ..." questions (cross-partnership,
no partnership named; unanswerable ones too): the relevance of the partnership's best passage
against whether the partnership has gold evidence. The held-out split is never used here.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from eval.baselines import shown
from eval.harness import ensure_index, load_questions
from eval.metrics import contains
from index.search import Filters


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
    closest: list[float] = []  # per answerable question, its best hit's dense similarity
    for q in questions:
        result = rt.searcher.search(q.question, k=k)
        quotes = [g.quote for g in q.gold]
        for h in result.hits:
            rows.append([h.signals["cosine"], h.signals["coverage"]])
            labels.append(1.0 if any(contains(shown(h.trail, h.text), quote) for quote in quotes) else 0.0)
        best.append((q.answerable, [(h.signals["cosine"], h.signals["coverage"]) for h in result.hits]))
        shown_hits = result.hits[: rt.settings.retrieval.k]  # what a search returns, which the found rule reads
        if q.answerable and shown_hits:
            closest.append(max(h.signals["cosine"] for h in shown_hits))
    w = _fit_logistic(np.asarray(rows), np.asarray(labels))

    def top_relevance(signals: list[tuple[float, float]]) -> float:
        return max((1 / (1 + np.exp(-(w[0] * c + w[1] * v + w[2]))) for c, v in signals), default=0.0)

    tops = [(answerable, top_relevance(s)) for answerable, s in best]
    floor, accuracy = _best_threshold(tops, np.round(np.arange(0.05, 0.96, 0.01), 2))

    pairs = []  # (partnership has gold, relevance of its best passage) for "which" questions
    partnerships = sorted({str(m.get("partnership")) for m in rt.searcher.view().metas})
    for q in questions:
        result = rt.searcher.search(q.question, k=1)
        if not result.cross or result.partnerships_named:
            continue
        qualifying = {g.partnership for g in q.gold}
        for p in partnerships:
            hits = rt.searcher.search(q.question, k=1, filters=Filters(partnerships=[p])).hits
            pairs.append((p in qualifying, top_relevance([(hits[0].signals["cosine"], hits[0].signals["coverage"])]
                                                        if hits else [])))
    p_floor, p_accuracy = _best_threshold(pairs, np.round(np.arange(0.01, 0.96, 0.01), 2))
    return {"calibration": tuple(round(float(v), 3) for v in w), "floor": floor,
            "found_cosine": found_cosine(closest),
            "dev_balanced_accuracy": accuracy, "partnership_floor": p_floor,
            "partnership_balanced_accuracy": p_accuracy, "partnership_pairs": len(pairs), "hits": len(rows),
            "relevant_share": round(float(np.mean(labels)), 3)}


def found_cosine(closest: list[float], margin: float = 0.03) -> float:
    """The similarity below which a search reports that nothing in the documents is about the
    question: ``margin`` under the least similar answerable question's best hit, rounded down
    to 0.01, so every answerable dev question is found and a question on another subject
    (a recipe, train times) is not."""
    return math.floor((min(closest) - margin) * 100) / 100 if closest else 0.0


def _best_threshold(scored: list[tuple[bool, float]], candidates: np.ndarray) -> tuple[float, float]:
    """The threshold that best separates positives (score >= t) from negatives (balanced accuracy)."""

    def balanced(t: float) -> float:
        pos = [s >= t for positive, s in scored if positive]
        neg = [s < t for positive, s in scored if not positive]
        return float((np.mean(pos) if pos else 0.0) + (np.mean(neg) if neg else 0.0)) / 2

    best = float(max(candidates, key=balanced))
    return best, round(balanced(best), 3)
