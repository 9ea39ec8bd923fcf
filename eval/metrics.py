"""Pure retrieval metrics over ranked hits and gold quotes (no I/O, no index access).

A gold quote is *found* in a hit when the hit's text contains the quote after both are
normalised by ``normalise`` (markup ``**`` stripped, whitespace collapsed). Ranks are
1-based; ``None`` means "not in the list". Every function takes plain data, so the
harness, the tests and any other caller compute the same numbers.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

_WS = re.compile(r"\s+")
#: a table-cell separator as the chunk text writes it (" | "; the source has a tab there)
_CELL = re.compile(r"\s+\|\s+")
_STARS = re.compile(r"\*{2,}")  # `**bold**` / `***bold italic***` markup, as ingest cleaning removes it


@dataclass(frozen=True)
class Hit:
    """One retrieved passage, as the metrics see it."""

    text: str
    partnership: str = ""
    source: str = ""
    chunk_id: str = ""
    score: float = 0.0


@dataclass(frozen=True)
class Gold:
    """One gold quote and the partnership whose document it comes from."""

    quote: str
    partnership: str = ""
    file: str = ""


@functools.lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """Strip ``**`` markup (runs of two or more ``*``), read a table-cell separator as the
    whitespace it stands for, and collapse whitespace (what matching compares): a quote that
    spans a table row's cells in the source (tabs) matches the row in a chunk (" | ").
    Cached: every question's scoring normalises the same chunks again."""
    return _WS.sub(" ", _CELL.sub(" ", _STARS.sub("", text))).strip()


def contains(hit_text: str, quote: str) -> bool:
    """Whether the (normalised) hit text contains the (normalised) quote."""
    q = normalise(quote)
    return bool(q) and q in normalise(hit_text)


def gold_ranks(hits: Sequence[Hit], gold: Sequence[Gold]) -> list[int | None]:
    """For each gold quote, the 1-based rank of the first hit containing it (None: not found)."""
    texts = [normalise(h.text) for h in hits]
    ranks: list[int | None] = []
    for g in gold:
        q = normalise(g.quote)
        ranks.append(next((i + 1 for i, t in enumerate(texts) if q and q in t), None))
    return ranks


def relevance(hits: Sequence[Hit], gold: Sequence[Gold]) -> list[bool]:
    """Binary relevance per hit: True if the hit contains any gold quote."""
    quotes = [q for q in (normalise(g.quote) for g in gold) if q]
    return [any(q in normalise(h.text) for q in quotes) for h in hits]


def recall_at_k(ranks: Sequence[int | None], k: int) -> float:
    """Share of gold quotes found within the top k (0.0 when there is no gold)."""
    if not ranks:
        return 0.0
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def all_found_at_k(ranks: Sequence[int | None], k: int) -> float:
    """1.0 if every gold quote is found within the top k, else 0.0 (0.0 when there is no gold)."""
    return 1.0 if ranks and all(r is not None and r <= k for r in ranks) else 0.0


def reciprocal_rank(relevant: Sequence[bool], k: int | None = None) -> float:
    """1/rank of the first relevant hit (within the top k if given), else 0.0."""
    limit = len(relevant) if k is None else min(k, len(relevant))
    for i in range(limit):
        if relevant[i]:
            return 1.0 / (i + 1)
    return 0.0


def ndcg_at_k(relevant: Sequence[bool], n_gold: int, k: int) -> float:
    """Binary nDCG@k; the ideal list holds min(n_gold, k) relevant hits.

    Capped at 1.0: with overlapping chunks, more hits than there are gold quotes can each
    contain a quote, which would otherwise push DCG above the ideal.
    """
    ideal_n = min(n_gold, k)
    if ideal_n <= 0:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i, rel in enumerate(relevant[:k]) if rel)
    idcg = sum(1.0 / math.log2(i + 2) for i in range(ideal_n))
    return min(1.0, dcg / idcg)


def partnership_coverage_at_k(hits: Sequence[Hit], gold: Sequence[Gold], partnerships: Sequence[str],
                              k: int) -> float:
    """Share of the question's partnerships with at least one top-k hit *from that
    partnership* that contains one of *that partnership's* gold quotes (0.0 if none listed)."""
    wanted = list(dict.fromkeys(partnerships))
    if not wanted:
        return 0.0
    top = hits[:k]
    covered = 0
    for p in wanted:
        quotes = [q for q in (normalise(g.quote) for g in gold if g.partnership == p) if q]
        if any(h.partnership == p and any(q in normalise(h.text) for q in quotes) for h in top):
            covered += 1
    return covered / len(wanted)


def abstain_rate(found_flags: Sequence[bool]) -> float:
    """Share of results that reported nothing relevant (found == False)."""
    if not found_flags:
        return 0.0
    return sum(1 for f in found_flags if not f) / len(found_flags)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def percentile(values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100), as numpy's default; 0.0 for no values."""
    if not values:
        return 0.0
    xs = sorted(values)
    if len(xs) == 1:
        return float(xs[0])
    pos = (len(xs) - 1) * p / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return float(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo))


def recall_within_words(hits: Sequence[Hit], gold: Sequence[Gold], budget: int) -> float:
    """Share of gold quotes a reader meets in the first ``budget`` words of the ranked hits
    (read in order; the last hit is cut at the budget). Compares systems whose retrieval units
    differ in size on the same amount of reading."""
    parts: list[str] = []
    left = budget
    for h in hits:
        if left <= 0:
            break
        words = normalise(h.text).split()[:left]
        parts.append(" ".join(words))
        left -= len(words)
    read = " \u00b6 ".join(parts)  # a hit boundary no quote spans
    quotes = [normalise(g.quote) for g in gold]
    return sum(1.0 for q in quotes if q and q in read) / len(quotes) if quotes else 0.0


def mean_words(texts: Sequence[str]) -> float:
    """Mean whitespace-separated word count."""
    return mean([float(len(t.split())) for t in texts])


#: rank bands for where gold quotes sit in a full ranking (inclusive; None: no upper bound)
RANK_BANDS: tuple[tuple[int, int | None], ...] = ((1, 5), (6, 10), (11, 20), (21, 40), (41, None))


def rank_band(rank: int | None) -> str:
    """The band a 1-based rank falls in ("1-5", "6-10", ..., "41+"), "none" when not ranked."""
    if rank is None:
        return "none"
    for low, high in RANK_BANDS:
        if high is None or rank <= high:
            return f"{low}-{high}" if high is not None else f"{low}+"
    raise AssertionError("unreachable: the last band has no upper bound")


def best_cover(unit_texts: Sequence[str], gold: Sequence[Gold]) -> list[int]:
    """How many gold quotes the best ``n`` units can hold, for n = 1, 2, ...: an upper-bound
    ranking (greedy set cover, so at least what the best ranking of these units could reach).
    ``result[n - 1]`` quotes are coverable by n units; the list ends when no unit adds a quote,
    so ``result[-1] < len(gold)`` means some quotes are in no unit at all."""
    quotes = [normalise(g.quote) for g in gold]
    holds = {frozenset(i for i, q in enumerate(quotes) if q and q in t) for t in (normalise(u) for u in unit_texts)}
    holds.discard(frozenset())
    left, counts = set(range(len(quotes))), []
    while left:
        best = max(holds, key=lambda h: len(h & left), default=frozenset())
        if not best & left:
            break
        left -= best
        counts.append(len(quotes) - len(left))
    return counts


@dataclass(frozen=True)
class QuestionScores:
    """Per-question retrieval metrics for one system (answerable questions)."""

    recall_small: float
    recall_k: float
    mrr: float
    ndcg: float
    all_found: float
    partnership_coverage: float
    recall_words: float = 0.0  # within WORD_BUDGET words of reading (see recall_within_words)


#: words of reading for ``recall_within_words``: about what our top 10 returns (10 x ~150)
WORD_BUDGET = 1500


def score_question(hits: Sequence[Hit], gold: Sequence[Gold], partnerships: Sequence[str],
                   k: int = 10, small_k: int = 5, word_budget: int = WORD_BUDGET) -> QuestionScores:
    """All retrieval metrics for one answerable question from its ranked hits."""
    hits = list(hits)[:k]
    ranks = gold_ranks(hits, gold)
    rel = relevance(hits, gold)
    return QuestionScores(
        recall_small=recall_at_k(ranks, small_k),
        recall_k=recall_at_k(ranks, k),
        mrr=reciprocal_rank(rel, k),
        ndcg=ndcg_at_k(rel, len(gold), k),
        all_found=all_found_at_k(ranks, k),
        partnership_coverage=partnership_coverage_at_k(hits, gold, partnerships, k),
        recall_words=recall_within_words(hits, gold, word_budget),
    )
