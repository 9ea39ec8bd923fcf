"""Search: hybrid, partnership-aware retrieval with a calibrated relevance floor.

Pipeline for one query:
1. understand it (``index.query``): partnerships named, cross-partnership intent, its topic
   (names and "which partnerships" wording removed), acronyms expanded from the corpus's own
   definitions;
2. score every eligible chunk densely (cosine; the best of the passage's vector and its
   sentences' vectors) and lexically (BM25) and fuse the rankings with reciprocal rank
   fusion, the lexical weight shrinking when the best passages share few of the question's
   words (a question in the user's own words is ranked mostly by meaning); when the question
   names one partnership, the dense ranking is the topic's (the filter already handles the
   name); for cross-partnership questions the dense weight is shared between the question's
   and the topic's dense rankings, the topic without the domain every partnership works in
   ("in their community safety work": it tells none of them apart), which is also what a
   question naming no partnership is matched on lexically; for a question about one topic
   the dense ranking is corrected for hubness (``index.hubness``: a passage close to the
   whole corpus is lowered);
3. for "which/compare/across" questions, rank within each partnership and interleave, so
   every partnership with relevant evidence appears and the others are not padded in
   (partnerships compared by name share the places left in turn); within a partnership a
   third ranking joins the fusion, by the share of the question's words a passage contains
   (BM25 rewards a passage repeating one word; the evidence that a partnership does the
   thing asked about usually names most of it), and a fourth, by the largest share of the
   topic's words one of its sentences contains (said together, not scattered over the
   passage);
4. optionally rerank a bounded candidate set with a local cross-encoder;
5. give each hit a calibrated relevance in [0, 1]; ``found`` is False when no hit is close
   in meaning to the question (``found_cosine``): nothing in the documents is about it.
   Whether what they say answers it (a near miss: another borough, a figure not given) is
   the answer layer's decision.

Chroma (through LlamaIndex) is the system of record; the retriever keeps an in-memory view
of the chunks (vectors, BM25, neighbours, the corpus's word families for the answer layer)
rebuilt when the index changes.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from cspkb.settings import Settings
from index.embedding import Embedder, VectorCache
from index.families import WordVectorCache, vocabulary, word_families
from index.fusion import reciprocal_rank_fusion
from index.hubness import passage_hubness
from index.mentions import Mentions
from index.query import QueryPlan, analyse, build_glossary
from index.store import ChunkStore
from ingest.models import unit_hash
from ingest.partnerships import Registry, load_registry, with_partnerships


@dataclass
class Filters:
    """What a search is restricted to. Empty lists mean no restriction."""

    partnerships: list[str] = field(default_factory=list)
    doc_types: list[str] = field(default_factory=list)
    year: int | None = None

    def allows(self, meta: dict[str, Any], registry: Registry) -> bool:
        if self.partnerships and meta.get("partnership") not in {registry.canonical(p) for p in self.partnerships}:
            return False
        if self.doc_types and str(meta.get("doc_type", "")).lower() not in {t.lower() for t in self.doc_types}:
            return False
        return not self.year or int(meta.get("year_start") or 0) <= self.year <= int(meta.get("year_end") or 0)


@dataclass
class SearchHit:
    rank: int
    score: float  # calibrated relevance in [0, 1]
    text: str
    partnership: str
    document: str
    source: str
    page: int | None
    section: str | None
    chunk_id: str
    trail: str = ""
    doc_type: str = ""
    period: str = ""
    date: str = ""
    position: int = 0
    context_before: str = ""  # the previous chunk, when this hit continues a list or table
    continues: str = ""  # the trail's last part names the list the passage opens in (``Chunk.continues``)
    signals: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        keys = ("rank", "score", "text", "partnership", "document", "source", "page", "section", "chunk_id")
        return {k: v for k, v in asdict(self).items() if k in keys}


@dataclass
class SearchResult:
    query: str
    hits: list[SearchHit]
    found: bool = True  # False: nothing cleared the relevance floor
    partnerships_named: list[str] = field(default_factory=list)
    partnerships_searched: list[str] = field(default_factory=list)
    partnerships_with_evidence: list[str] = field(default_factory=list)
    cross: bool = False
    expansions: dict[str, list[str]] = field(default_factory=dict)
    topic: str = ""  # the question without partnership names and cross wording ("" when the same)

    def to_json(self) -> dict[str, Any]:
        return {"query": self.query, "hits": [h.to_json() for h in self.hits], "found": self.found}


class CorpusView:
    """In-memory view of every chunk: vectors, BM25, metadata, neighbours, glossary."""

    def __init__(self, snapshot: dict[str, Any], hubness_k: int = 10) -> None:
        import json

        from index.lexical import BM25Index, SentenceCoverage
        from ingest.structure import repeated_line_labels, sentence_units

        self.ids: list[str] = list(snapshot["ids"])
        self.index_of: dict[str, int] = {cid: i for i, cid in enumerate(self.ids)}
        self.texts: list[str] = [t or "" for t in snapshot["documents"]]
        self.metas: list[dict[str, Any]] = [m or {} for m in snapshot["metadatas"]]
        vectors = snapshot["embeddings"]
        self.matrix = np.asarray(vectors if vectors is not None and len(vectors) else np.zeros((0, 1)), dtype=np.float32)
        sentences = snapshot.get("sentences") or {}
        owners = [self.index_of.get(str(m.get("chunk_id"))) for m in sentences.get("metadatas") or []]
        keep = [j for j, o in enumerate(owners) if o is not None]  # sentences of a chunk just removed: ignored
        svectors = sentences.get("embeddings")
        self.sentence_owner = np.array([owners[j] for j in keep], dtype=np.int64)
        self.sentence_matrix = (np.asarray(svectors, dtype=np.float32)[keep] if keep and svectors is not None
                                else np.zeros((0, self.matrix.shape[1]), dtype=np.float32))
        self.hubness = passage_hubness(self.matrix, self.sentence_matrix, self.sentence_owner, k=hubness_k)
        smetas = sentences.get("metadatas") or []
        self.sentence_row: dict[str, int] = {str(smetas[j].get("unit_hash")): row for row, j in enumerate(keep)}
        self.bm25 = BM25Index([f"{m.get('trail', '')}\n{t}" for m, t in zip(self.metas, self.texts)])
        self.sentence_coverage = SentenceCoverage([sentence_units(t, min_words=1) for t in self.texts], self.bm25.idf)
        self.partnership = np.array([str(m.get("partnership", "")) for m in self.metas])
        self.position = {(m.get("source"), int(m.get("position", 0))): i for i, m in enumerate(self.metas)}
        seen: dict[str, dict[str, str]] = {}
        for m in self.metas:
            seen.setdefault(str(m.get("source")), json.loads(m.get("doc_acronyms") or "{}"))
        self.glossary = build_glossary(list(seen.values()))
        self.partnership_names = {str(m.get("partnership")): str(m.get("partnership_full", "")) for m in self.metas}
        #: line labels the documents repeat ("Recent work:"): line types, not names (the answer layer)
        self.repeated_labels = repeated_line_labels(self.texts)
        #: stems of one word the stemmer leaves apart (``index.families``); set by ``Searcher.view``
        self.families: dict[str, frozenset[str]] = {}

    def __len__(self) -> int:
        return len(self.ids)

    @functools.cached_property
    def lower_words(self) -> frozenset[str]:
        """The words the documents use in lower case ("leader", "executive"): a capitalised name
        made of none of them is a person's or a place's, not a title (the answer layer's)."""
        return frozenset(w for t in self.texts for w in re.findall(r"(?<![\w'’-])[a-z][a-z'’]*", t))

    @functools.cached_property
    def mentions(self) -> Mentions:
        """Which partnerships' documents mention a term (built on first use: the answer layer's)."""
        return Mentions(self.texts, [str(m.get("trail", "")) for m in self.metas], [str(p) for p in self.partnership])

    def stored_sentence_vectors(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        """The vector each text was given at ingest as a sentence of some chunk (None if it
        was not embedded on its own), so the answer layer need not embed it again."""
        rows = [self.sentence_row.get(unit_hash(t)) for t in texts]
        return [None if r is None else self.sentence_matrix[r] for r in rows]

    def dense_scores(self, qvec: np.ndarray) -> np.ndarray:
        """Each chunk's cosine with the query: the best of the passage's own vector and its
        sentences' vectors, so a passage with one sentence that answers is not diluted."""
        if self.matrix.shape[1] != qvec.shape[0]:
            return np.zeros(len(self))
        cos = self.matrix @ qvec
        if len(self.sentence_owner) and self.sentence_matrix.shape[1] == qvec.shape[0]:
            np.maximum.at(cos, self.sentence_owner, self.sentence_matrix @ qvec)
        return cos


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _in_turn(order: list[int], partnerships: list[str], owner: np.ndarray) -> list[int]:
    """``order`` rearranged to take one passage of each of ``partnerships`` in turn (each one's
    in ``order``'s order); passages of other partnerships follow, in order."""
    queues = [[i for i in order if owner[i] == p] for p in partnerships]
    turns = [q[d] for d in range(max(map(len, queues), default=0)) for q in queues if d < len(q)]
    return turns + [i for i in order if owner[i] not in partnerships]


def _is_fragment(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    return first.startswith("- ") or " | " in first or bool(first[:3].strip().rstrip(".").isdigit())


class Searcher:
    """Hybrid, partnership-aware retrieval over a ChunkStore (see module docstring)."""

    def __init__(self, settings: Settings, store: ChunkStore, embedder: Embedder, reranker: Any = None) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        # a question's vectors, kept: per-partnership searches and the answer layer ask again
        self.query_vectors = VectorCache(embedder.embed_documents, size=512)
        self.registry = load_registry(settings.paths.partnerships_path())
        self._view: CorpusView | None = None
        self._view_key: tuple[int, str] | None = None
        self._lock = threading.Lock()
        self._reranker = reranker
        model = re.sub(r"[^A-Za-z0-9]+", "-", settings.embedding.model).strip("-")[-80:]
        self.word_vectors = WordVectorCache(settings.paths.data_dir / "word-vectors" / f"{model}.npz", embedder.embed_documents)
        if self._reranker is None and settings.retrieval.reranker:
            from index.rerank import CrossEncoderReranker

            self._reranker = CrossEncoderReranker(settings.retrieval.reranker)

    # --- the in-memory view ------------------------------------------------------------
    def view(self) -> CorpusView:
        """The current view, rebuilt when the index's size or content changed."""
        key = self.store.version()
        with self._lock:
            if self._view is None or key != self._view_key:
                view = CorpusView(self.store.snapshot(), hubness_k=self.settings.retrieval.hubness_k)
                if self.settings.answer.family_cosine < 1.0:
                    view.families = word_families(vocabulary(view.texts), self.word_vectors, self.settings.answer.family_cosine)
                self._view, self._view_key = view, key
            return self._view

    def registry_for(self, view: CorpusView) -> Registry:
        """The partnership registry plus partnerships known only from the index: how a
        question's partnership names are resolved (the answer layer resolves them the same way)."""
        return with_partnerships(self.registry, view.partnership_names)

    # --- scoring -----------------------------------------------------------------------
    def relevance(self, cosine: np.ndarray, coverage: np.ndarray) -> np.ndarray:
        """Calibrated probability that each chunk is relevant, from its cosine similarity and the
        IDF-weighted share of the query's terms it contains (coefficients fitted on dev)."""
        a, b, c = self.settings.retrieval.calibration
        return _sigmoid(a * np.asarray(cosine, dtype=np.float64) + b * np.asarray(coverage, dtype=np.float64) + c)

    def _fused_order(self, idx: np.ndarray, cos: np.ndarray, lex: np.ndarray,
                     topic_cos: np.ndarray | None = None, lexical_share: float = 1.0,
                     coverage: np.ndarray | None = None, sentence_coverage: np.ndarray | None = None) -> list[int]:
        """Indices in ``idx`` ordered by RRF of their dense and lexical ranks; with ``topic_cos``
        the dense weight is shared between the question's and its topic's dense ranks; with
        ``coverage`` and ``sentence_coverage`` (cross-partnership questions) rankings by the
        share of the question's words a passage, or one of its sentences, contains join them,
        scaled like the lexical one."""
        if idx.size == 0:
            return []
        r = self.settings.retrieval
        n = r.candidates

        def top(scores: np.ndarray) -> list[int]:
            return idx[np.argsort(-scores[idx], kind="stable")][:n].tolist()

        def sharing(scores: np.ndarray) -> list[int]:  # a chunk sharing no term with the question is not ranked
            return [i for i in top(scores) if scores[i] > 0]

        lexical = sharing(lex)
        lw = r.lexical_weight * lexical_share
        rankings, weights = [top(cos), lexical], [r.dense_weight, lw]
        if topic_cos is not None:
            rankings.append(top(topic_cos))
            weights = [r.dense_weight / 2, lw, r.dense_weight / 2]
        if coverage is not None and r.coverage_weight:
            rankings.append(sharing(coverage))
            weights.append(r.coverage_weight * lexical_share)
        if sentence_coverage is not None and r.sentence_coverage_weight:
            rankings.append(sharing(sentence_coverage))
            weights.append(r.sentence_coverage_weight * lexical_share)
        fused = reciprocal_rank_fusion(rankings, k=r.rrf_k, weights=weights)
        return sorted(fused, key=lambda i: -fused[i])

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> SearchResult:
        k = k or self.settings.retrieval.k
        filters = filters or Filters()
        r = self.settings.retrieval
        view = self.view()
        registry = self.registry_for(view)
        plan: QueryPlan = analyse(query, registry, view.glossary, expand_acronyms=r.expand_acronyms)
        result = SearchResult(query=query, hits=[], partnerships_named=plan.partnerships, cross=plan.cross,
                              expansions=plan.expansions, topic=plan.topic)
        if len(view) == 0:
            result.found = False
            return result
        scope = {self.registry.canonical(p) for p in (filters.partnerships or plan.partnerships)}
        eligible = np.array([i for i, m in enumerate(view.metas)
                             if filters.allows(m, self.registry) and (not scope or m.get("partnership") in scope)],
                            dtype=np.int64)
        use_topic = bool(plan.topic) and r.topic_query
        qvecs = self.query_vectors([plan.expanded, plan.focus] if use_topic else [plan.expanded])
        cos = view.dense_scores(qvecs[0])
        topic_cos = view.dense_scores(qvecs[1]) if use_topic else None
        # "which partnerships ... in their community safety work?": with no partnership named, the
        # words a question asks across partnerships with match every partnership's passages alike
        lex = view.bm25.scores(plan.focus if plan.cross and plan.focus and len(plan.partnerships) < 2 else plan.expanded)
        coverage = view.bm25.coverage(plan.text)  # the user's own words: expansions must not dilute it
        rel = self.relevance(cos, coverage)
        rank_cos = cos
        if topic_cos is not None and not plan.cross:
            # one partnership named: the filter already restricts to it, so the name is noise in
            # the question's vector; rank densely by the topic alone
            rank_cos, topic_cos = topic_cos, None
        if not plan.cross and r.hubness_weight:
            # one topic: a passage close to everything (a foreword, an overview) is not the
            # answer because it is close to this question too; "which/compare" questions keep
            # plain cosine, where the overviews that list every priority are often evidence
            rank_cos = rank_cos - r.hubness_weight * view.hubness

        share = self._lexical_share(coverage, eligible)
        # said together: the topic's words in one sentence (cross-partnership rankings only)
        said = view.sentence_coverage.scores(plan.focus or plan.text) if plan.cross else None
        partnerships = sorted({str(view.partnership[i]) for i in eligible})
        result.partnerships_searched = partnerships
        if plan.cross and r.per_partnership and len(partnerships) > 1:
            per: dict[str, list[int]] = {}
            for p in partnerships:
                order = self._fused_order(eligible[view.partnership[eligible] == p], rank_cos, lex, topic_cos, share, coverage, said)
                order = self._rerank(plan.text, order, view, rel)
                if order and (rel[order[0]] >= r.partnership_floor or p in plan.partnerships):
                    per[p] = order
            # interleave: every qualifying partnership's best first, strongest partnership first
            ranked_ps = sorted(per, key=lambda p: -rel[per[p][0]])
            chosen: list[int] = []
            depth = 0
            while len(chosen) < k and any(depth < len(per[p]) for p in ranked_ps):
                for p in ranked_ps:
                    if depth < len(per[p]) and len(chosen) < k and (depth == 0 or rel[per[p][depth]] >= r.floor * 0.6):
                        chosen.append(per[p][depth])
                depth += 1
            if len(chosen) < k:  # fill with the best remaining overall
                rest = [i for i in self._fused_order(eligible, rank_cos, lex, topic_cos, share, coverage, said) if i not in chosen]
                if len(plan.partnerships) >= 2:
                    # partnerships compared by name share the places left in turn, strongest first,
                    # instead of the one with most to say taking them all
                    rest = _in_turn(rest, ranked_ps, view.partnership)
                chosen += rest[: k - len(chosen)]
        else:
            # a cross question searched within one partnership (the answer layer asks once per
            # partnership) is ranked as each partnership is above (``said`` is None otherwise)
            order = self._fused_order(eligible, rank_cos, lex, topic_cos, share, coverage if plan.cross else None, said)
            order = self._rerank(plan.text, order, view, rel)
            chosen = order[:k]

        for rank, i in enumerate(chosen, start=1):
            result.hits.append(self._hit(view, i, rank, float(rel[i]), float(cos[i]), float(coverage[i])))
        # whether the documents are about the question at all: relevance near 0 is compressed by the
        # sigmoid and falls with a question's length, dense similarity does not (eval: NoFind)
        result.found = any(cos[i] >= r.found_cosine for i in chosen)
        result.partnerships_with_evidence = sorted({h.partnership for h in result.hits if h.score >= r.floor})
        return result

    def _lexical_share(self, coverage: np.ndarray, eligible: np.ndarray) -> float:
        """How much to trust the lexical ranking for this question, in (0, 1]: the share of its
        (IDF-weighted) words that the best-covering passages contain, relative to
        ``lexical_confidence``. A question in the user's own words, which the documents share
        few words with, is ranked mostly by meaning."""
        full = self.settings.retrieval.lexical_confidence
        if not full or eligible.size == 0:
            return 1.0
        best = float(np.sort(coverage[eligible])[-3:].mean())
        return float(np.clip(best / full, self.settings.retrieval.lexical_min_share, 1.0))

    def _rerank(self, query: str, order: list[int], view: CorpusView, rel: np.ndarray) -> list[int]:
        if self._reranker is None or not order:
            return order
        top = order[: self.settings.retrieval.rerank_top]
        scores = self._reranker.score(query, [view.texts[i] for i in top])
        reranked = [i for _, i in sorted(zip(scores, top), key=lambda t: -t[0])]
        return reranked + order[len(top):]

    def _hit(self, view: CorpusView, i: int, rank: int, relevance: float, cosine: float, coverage: float) -> SearchHit:
        m = view.metas[i]
        page = int(m.get("page_start") or 0) or None
        position = int(m.get("position", 0))
        context = ""
        if _is_fragment(view.texts[i]):
            prev = view.position.get((m.get("source"), position - 1))
            if prev is not None and str(view.metas[prev].get("trail", "")).split(" > ")[0] == str(m.get("trail", "")).split(" > ")[0]:
                context = view.texts[prev]
        return SearchHit(
            rank=rank, score=round(relevance, 4), text=view.texts[i],
            partnership=str(m.get("partnership", "")), document=str(m.get("document", "")),
            source=str(m.get("source", "")), page=page, section=str(m.get("section") or "") or None,
            chunk_id=view.ids[i], trail=str(m.get("trail", "")), doc_type=str(m.get("doc_type", "")),
            period=str(m.get("period", "")), date=str(m.get("date", "")), position=position,
            context_before=context, continues=str(m.get("continues") or ""), signals={"cosine": round(cosine, 4), "coverage": round(coverage, 4)},
        )
