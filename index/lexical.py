"""Lexical scoring: BM25 (bm25s) over the same chunks the dense index holds, and the share
of a question's terms a passage (``BM25Index.coverage``) or one of its sentences
(``SentenceCoverage``) contains.

Tokenisation keeps figures intact ("3,275" -> "3275", "2018/19" -> "2018", "19") and
acronyms searchable, so exact names, numbers and acronyms match where embeddings blur.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

STOPWORDS = frozenset(
    "a an and are as at be been but by can could did do does for from had has have how i if in into is it its "  # noqa: SIM905 - a word list reads best as text
    "of on or our over so such than that the their them then there these they this those to was we were what "
    "when where which who whom why will with would you your about any all also each other more most some "
    # contractions are function words too ("a drug-using offender who isn't in treatment")
    "isn't aren't wasn't weren't doesn't don't didn't hasn't haven't hadn't won't can't couldn't wouldn't shouldn't "
    "it's what's who's there's that's i'm i've we're we've they're they've".split()
)
_TOKEN = re.compile(r"[a-z0-9]+(?:[&'][a-z0-9]+)*")


@functools.lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer  # PyStemmer: Snowball English, in C

    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed word tokens without stopwords ("prioritises" and "prioritise" meet)."""
    text = re.sub(r"\b([A-Z]{2,})s\b", r"\1", text)  # an acronym's plural: "NRMs", "IDVAs", "CSPs"
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text.lower().replace("’", "'"))
    text = re.sub(r"(?<=[a-z])'s\b", "", text)  # possessives: "birmingham's" -> "birmingham"
    return _stemmer().stemWords([t for t in _TOKEN.findall(text) if t not in STOPWORDS])


def token_set(words: Iterable[str]) -> frozenset[str]:
    """The tokens ``tokenize`` gives for these words: for word lists compared with tokens."""
    return frozenset(tokenize(" ".join(words)))


#: the words a question is asked with, not what it is about ("does either say how ...",
#: "who is named as ..."): rare in the documents, so their IDF would make them count most
ASKING_WORDS = token_set({"say", "says", "said", "tell", "tells", "mention", "mentions", "mentioned", "describe",
                          "describes", "described", "explain", "explains", "give", "gives", "given", "put", "go", "going",
                          "goes", "either", "neither", "anything", "anywhere", "anyone", "something", "named", "exactly",
                          "actually", "really", "please", "kind", "sort", "document", "documents", "talk", "talks",
                          "context", "connection", "doing", "many", "much", "meant", "called", "me", "us", "about",
                          "overview", "summary", "summarise", "summarize",
                          # "in what way", "as a way of", "which ones?", "each one": how a question asks, not its topic
                          "way", "ways", "one", "ones",
                          # what a plan is asked for ("what did Walsall promise on drugs?"), not its topic
                          "promise", "promised", "promises", "pledge", "pledged", "pledges", "commitment", "commitments",
                          "intend", "intends", "intended"})


def query_terms(query: str) -> list[str]:
    """A question's tokens without the words it is asked with (``ASKING_WORDS``)."""
    return [t for t in tokenize(query) if t not in ASKING_WORDS]


def _postings(token_lists: Iterable[Iterable[str]]) -> dict[str, np.ndarray]:
    """term -> the rows (in order) whose tokens include it."""
    rows: dict[str, list[int]] = {}
    for row, tokens in enumerate(token_lists):
        for tok in set(tokens):
            rows.setdefault(tok, []).append(row)
    return {t: np.asarray(r, dtype=np.int64) for t, r in rows.items()}


def _term_shares(query: str, idf: Callable[[str], float], postings: dict[str, np.ndarray], size: int) -> np.ndarray:
    """Per row: the IDF-weighted share of the query's distinct terms (``query_terms``) it contains."""
    terms = sorted(set(query_terms(query)))
    out = np.zeros(size, dtype=np.float32)
    weights = [idf(t) for t in terms]
    total = sum(weights)
    if not terms or total <= 0:
        return out
    for term, weight in zip(terms, weights):
        rows = postings.get(term)
        if rows is not None:
            out[rows] += weight / total
    return out


class BM25Index:
    """BM25 over a fixed list of texts; ``scores`` gives one score per text."""

    def __init__(self, texts: list[str]) -> None:
        import bm25s

        self.size = len(texts)
        self._model = bm25s.BM25()
        corpus_tokens = [tokenize(t) or ["_empty_"] for t in texts]
        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(tok, len(vocab)) for tok in doc] for doc in corpus_tokens]
        self._vocab = vocab
        if texts:  # bm25s cannot index an empty corpus; an empty index scores nothing
            self._model.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
        self._postings = _postings(corpus_tokens)

    def __contains__(self, token: object) -> bool:
        """Whether any text uses this (tokenised) term."""
        return token in self._postings

    def idf(self, token: str) -> float:
        """Smoothed inverse document frequency; a term the corpus never uses gets the maximum."""
        df = len(self._postings.get(token, ()))
        return float(np.log((self.size + 1) / (df + 0.5)))

    def coverage(self, query: str) -> np.ndarray:
        """Per text: the IDF-weighted share of the query's distinct terms it contains (0..1).
        An absolute signal, unlike BM25 scores: a question about a place or figure the
        corpus never mentions cannot be covered well by any chunk."""
        return _term_shares(query, self.idf, self._postings, self.size)

    def scores(self, query: str) -> np.ndarray:
        ids = [self._vocab[t] for t in query_terms(query) if t in self._vocab]
        if not ids or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores(ids), dtype=np.float32)


class SentenceCoverage:
    """Per passage, the largest IDF-weighted share of a question's terms that one of its
    sentences contains: words said together, not scattered over a passage. "Work with
    schools to prevent violence" is answered by a sentence naming schools and violence, not
    by a passage that says "schools" in one paragraph and "violence" in another (BM25 and
    passage coverage cannot tell the two apart).

    ``units[i]`` are passage ``i``'s sentences; ``idf`` weighs terms as the passage index
    does, so the scores are on the same scale as ``BM25Index.coverage``."""

    def __init__(self, units: Sequence[Sequence[str]], idf: Callable[[str], float]) -> None:
        self.size = len(units)
        self._idf = idf
        self._owner = np.asarray([passage for passage, sentences in enumerate(units) for _ in sentences], dtype=np.int64)
        self._postings = _postings(tokenize(sentence) for sentences in units for sentence in sentences)

    def scores(self, query: str) -> np.ndarray:
        """One score in [0, 1] per passage (0 for a passage without sentences)."""
        out = np.zeros(self.size, dtype=np.float32)
        if len(self._owner):
            np.maximum.at(out, self._owner, _term_shares(query, self._idf, self._postings, len(self._owner)))
        return out
