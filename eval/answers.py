"""Answer evaluation: runs the answer layer on the question set and scores what users see.

Metrics (issue targets in brackets):
- citation support [>= 0.98]: share of citations whose quote occurs verbatim in the cited
  chunk as stored in the index, and whose partnership and document match that chunk;
- key facts [>= 0.85]: share of each answerable question's must-mention terms in the answer;
- gold cited (no target; what key facts cannot see): share of each answerable question's gold
  quotes that the answer quotes, whole or one sentence (of four words or more) of it;
- partnership recall [>= 0.95] / irrelevant share [<= 0.05], on "which" and compare
  questions: qualifying partnerships cited, and cited partnerships that do not qualify;
- abstention [>= 0.9 correct on unanswerable, <= 0.05 false on answerable];
- latency p50/p95 of one answer with the model loaded [p50 <= 1 s].
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eval import metrics as M

CROSS_KINDS = ("which", "compare")


@dataclass
class AnswerOutcome:
    question_id: str
    kind: str
    answerable: bool
    abstained: bool
    ms: float
    citations: int
    supported: int
    facts: float | None  # share of must-mention terms present; None when unanswerable/none listed
    gold_cited: float | None = None  # share of gold quotes the citations quote; None when unanswerable/no gold
    missing_facts: list[str] = field(default_factory=list)
    qualifying: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)
    answer: str = ""


def _norm(text: str) -> str:
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text.lower())
    text = text.replace("’", "'").replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text)


def facts_present(answer: str, terms: Sequence[str]) -> list[bool]:
    norm = _norm(answer)
    return [_norm(t) in norm for t in terms]


def gold_quoted(citation_quotes: Sequence[str], gold: Sequence[str], min_words: int = 4) -> list[bool]:
    """For each gold quote, whether the answer quotes it: a citation contains it, or it contains a
    citation of at least ``min_words`` words (one sentence of a gold passage, one item of a gold
    list). Compared as the retrieval metrics compare (``metrics.contains``)."""
    return [any(M.contains(c, g) or (len(c.split()) >= min_words and M.contains(g, c)) for c in citation_quotes)
            for g in gold]


def citation_supported(citation: Any, chunk_text: str | None, meta: dict[str, Any] | None) -> bool:
    """The quote is in the chunk as indexed, and the chunk is the cited partnership's document."""
    if chunk_text is None or meta is None:
        return False
    return (citation.quote in chunk_text and chunk_text[citation.start:citation.end] == citation.quote
            and meta.get("partnership") == citation.partnership and meta.get("document") == citation.document)


def run_answers(rt: Any, questions: Sequence[Any]) -> list[AnswerOutcome]:
    """Answer every question (after one warm-up) and score each answer against the index."""
    answerer = rt.answerer
    answerer.answer("community safety partnership priorities")
    view = rt.searcher.view()
    out: list[AnswerOutcome] = []
    for q in questions:
        rt.searcher.query_vectors.clear()  # timed as first asked: the retrieval pass embedded it already
        t0 = time.perf_counter()
        a = answerer.answer(q.question)
        ms = (time.perf_counter() - t0) * 1000
        supported = 0
        for c in a.citations:
            i = view.index_of.get(c.chunk_id)
            supported += citation_supported(c, view.texts[i] if i is not None else None,
                                            view.metas[i] if i is not None else None)
        facts, missing = None, []
        if q.answerable and q.must_mention:
            present = facts_present(a.answer, q.must_mention)
            facts = sum(present) / len(present)
            missing = [t for t, ok in zip(q.must_mention, present) if not ok]
        quoted = gold_quoted([c.quote for c in a.citations], [g.quote for g in q.gold]) if q.answerable else []
        out.append(AnswerOutcome(
            question_id=q.id, kind=q.kind, answerable=q.answerable, abstained=a.abstained, ms=ms,
            citations=len(a.citations), supported=supported, facts=facts, missing_facts=missing,
            gold_cited=sum(quoted) / len(quoted) if quoted else None,
            qualifying=list(q.partnerships) if q.kind in CROSS_KINDS else [],
            cited=sorted({c.partnership for c in a.citations}) if not a.abstained else [], answer=a.answer,
        ))
    return out


@dataclass
class AnswerScores:
    n: int
    citation_support: float
    key_facts: float
    gold_cited: float
    partnership_recall: float
    irrelevant_share: float
    abstain_correct: float
    false_abstain: float
    p50_ms: float
    p95_ms: float


def aggregate(outcomes: Sequence[AnswerOutcome]) -> AnswerScores:
    cits = sum(o.citations for o in outcomes)
    facts = [o.facts for o in outcomes if o.facts is not None]
    quoted = [o.gold_cited for o in outcomes if o.gold_cited is not None]
    cross = [o for o in outcomes if o.kind in CROSS_KINDS and o.answerable]
    qual = sum(len(o.qualifying) for o in cross)
    hit = sum(len(set(o.cited) & set(o.qualifying)) for o in cross)
    cited = sum(len(o.cited) for o in cross)
    stray = sum(len(set(o.cited) - set(o.qualifying)) for o in cross)
    unans = [o for o in outcomes if not o.answerable]
    ans = [o for o in outcomes if o.answerable]
    nan = float("nan")
    return AnswerScores(
        n=len(outcomes),
        citation_support=sum(o.supported for o in outcomes) / cits if cits else nan,
        key_facts=M.mean(facts) if facts else nan,
        gold_cited=M.mean(quoted) if quoted else nan,
        partnership_recall=hit / qual if qual else nan,
        irrelevant_share=stray / cited if cited else (0.0 if cross else nan),
        abstain_correct=sum(o.abstained for o in unans) / len(unans) if unans else nan,
        false_abstain=sum(o.abstained for o in ans) / len(ans) if ans else nan,
        p50_ms=M.percentile([o.ms for o in outcomes], 50),
        p95_ms=M.percentile([o.ms for o in outcomes], 95),
    )


ANSWER_COLUMNS = ("n", "CiteSupport", "KeyFacts", "GoldCited", "PRecall", "PIrrelevant", "AbstainOK", "FalseAbstain",
                  "p50 ms", "p95 ms")


def row(label: str, s: AnswerScores) -> list[str]:
    def f(x: float) -> str:
        return "-" if math.isnan(x) else f"{x:.3f}"

    return [label, str(s.n), f(s.citation_support), f(s.key_facts), f(s.gold_cited), f(s.partnership_recall),
            f(s.irrelevant_share), f(s.abstain_correct), f(s.false_abstain), f"{s.p50_ms:.0f}", f"{s.p95_ms:.0f}"]


def table(outcomes: Sequence[AnswerOutcome], kinds: Sequence[str]) -> list[list[str]]:
    """Overall, then one row per question kind."""
    rows = [row("all", aggregate(outcomes))]
    for kind in kinds:
        subset = [o for o in outcomes if o.kind == kind]
        if subset:
            rows.append(row(kind, aggregate(subset)))
    return rows
