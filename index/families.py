"""Word families: the corpus's stems that are one word but that the stemmer leaves apart.

Snowball stemming joins "prioritises" and "prioritise" but not "violence" and "violent",
"offending" and "reoffending", "strategy" and "strategic", "knife" and "knives", or
"neighbourhood" and "neighborhood". A question about "violence" then reads a sentence on
"violent crime" as not covering it. Two stems of the corpus's vocabulary are one family when

1. they look related: they share a prefix of four letters or more that is at least 60% of
   the shorter ("violenc"/"violent", "strategi"/"strateg"), or the shorter, of five letters
   or more, is inside the longer ("offend"/"reoffend", "group"/"subgroup"); and
2. the embedding model agrees their words mean nearly the same: cosine of the two words'
   vectors at least ``min_cosine``. This keeps out the look-alikes that differ in meaning
   ("polic"/"polici": police/policy, "counti"/"countri"). A word and its negation
   ("accept"/"unaccept", "employ"/"unemploy") are never one family: their vectors are close.

The families come from the corpus itself (no word list); the word vectors are cached on
disk per model (``WordVectorCache``), so a view rebuilt after one more document embeds only
that document's new words.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from index.lexical import tokenize

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_MIN_PREFIX = 4
_PREFIX_SHARE = 0.6
_MIN_INSIDE = 5
#: a prefix that turns a word into its opposite: "unacceptable" is not a form of "acceptable"
_NEGATING = ("un", "non", "dis", "in", "im", "il", "ir", "anti", "mis")


def vocabulary(texts: Iterable[str]) -> dict[str, str]:
    """Each stem of the texts (three letters or more) and the word it most often comes from."""
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for word in _WORD.findall(text):
            stems = tokenize(word)
            if len(stems) == 1 and len(stems[0]) >= 3 and stems[0].isalpha():
                forms[stems[0]][word.lower()] += 1
    return {stem: c.most_common(1)[0][0] for stem, c in sorted(forms.items())}


def looks_related(a: str, b: str) -> bool:
    """Whether two stems look like forms of one word (rule 1 of the module docstring)."""
    if a == b or any(b == neg + a or a == neg + b for neg in _NEGATING):
        return False
    shorter = min(len(a), len(b))
    n = 0
    while n < shorter and a[n] == b[n]:
        n += 1
    if n >= _MIN_PREFIX and n >= _PREFIX_SHARE * shorter:
        return True
    return shorter >= _MIN_INSIDE and (a in b or b in a)


def candidate_pairs(stems: Iterable[str]) -> set[tuple[str, str]]:
    """Pairs of stems (sorted) that look related, without comparing every pair."""
    stems = set(stems)
    pairs: set[tuple[str, str]] = set()
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for s in sorted(stems):
        by_prefix[s[:_MIN_PREFIX]].append(s)
    for group in by_prefix.values():
        for i, a in enumerate(group):
            pairs.update((a, b) for b in group[i + 1:] if looks_related(a, b))
    for b in stems:  # the shorter inside the longer, anywhere: "reoffend" holds "offend"
        for i in range(len(b)):
            for j in range(i + _MIN_INSIDE, len(b) + 1):
                a = b[i:j]
                if a in stems and looks_related(a, b):  # never a word and its negation: "accept" in "unaccept"
                    pairs.add((min(a, b), max(a, b)))
    return pairs


def word_families(words: dict[str, str], vectors: Callable[[Sequence[str]], np.ndarray],
                  min_cosine: float) -> dict[str, frozenset[str]]:
    """Each stem's family (the other stems of its word), from ``words`` (stem -> the word it
    comes from, as ``vocabulary`` gives) and ``vectors`` (unit vectors of words)."""
    pairs = sorted(candidate_pairs(words))
    if not pairs:
        return {}
    needed = sorted({words[s] for p in pairs for s in p})
    row = {w: i for i, w in enumerate(needed)}
    matrix = np.asarray(vectors(needed), dtype=np.float32)
    family: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        if float(matrix[row[words[a]]] @ matrix[row[words[b]]]) >= min_cosine:
            family[a].add(b)
            family[b].add(a)
    return {s: frozenset(f) for s, f in family.items()}


class WordVectorCache:
    """Unit vectors of single words, embedded once and kept in an ``.npz`` file (one per model)."""

    def __init__(self, path: Path, embed: Callable[[list[str]], list[list[float]]]) -> None:
        self.path = path
        self._embed = embed
        self._lock = threading.Lock()
        self._vectors: dict[str, np.ndarray] | None = None

    def _load(self) -> dict[str, np.ndarray]:
        try:
            with np.load(self.path, allow_pickle=False) as data:
                return dict(zip(data["words"].tolist(), data["vectors"], strict=True))
        except (OSError, KeyError, ValueError):
            return {}  # no cache yet, or one that cannot be read: embed again

    def __call__(self, words: Sequence[str]) -> np.ndarray:
        with self._lock:
            if self._vectors is None:
                self._vectors = self._load()
            missing = [w for w in dict.fromkeys(words) if w not in self._vectors]
            if missing:
                fresh = np.asarray(self._embed(missing), dtype=np.float32)
                fresh /= np.linalg.norm(fresh, axis=1, keepdims=True).clip(1e-12)
                self._vectors.update(zip(missing, fresh, strict=True))
                self._save()
            return np.stack([self._vectors[w] for w in words]) if words else np.zeros((0, 0), dtype=np.float32)

    def _save(self) -> None:
        assert self._vectors is not None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp.npz")
            np.savez(tmp, words=np.array(list(self._vectors)), vectors=np.stack(list(self._vectors.values())))
            tmp.replace(self.path)
        except OSError:
            pass  # a read-only data folder: the vectors stay in memory for this process
