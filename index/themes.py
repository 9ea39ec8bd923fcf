"""The themes matrix: how strongly each partnership's documents cover each community-safety theme.

Themes live in one editable file (``corpus/themes.yaml``: a name and a short description per
theme). The description is the retrieval query: each comma- or semicolon-separated phrase
of it is searched on its own (a long query would dilute the term coverage the relevance
calibration relies on), restricted to one partnership at a time, through the ordinary
``Searcher`` — so the matrix sees exactly what a search would.

A cell (theme x partnership):
- its **evidence** is the partnership's distinct passages whose calibrated relevance to at
  least one phrase clears the relevance floor (``settings.retrieval.floor``), best first;
- its **strength** is ``min(1, sum of the evidence relevances / SATURATION)``: five
  clearly relevant passages make a full-strength cell, one borderline passage a faint one,
  none an empty one. The cell label is the number of evidence passages (capped by the
  ``PER_PHRASE`` hits looked at per phrase).

The matrix is cached in memory, keyed by the index version (``ChunkStore.version()``), a
hash of the themes file and the relevance settings, so it is recomputed only when one of
them changes. It exports as CSV, and as an SVG or PNG figure (matplotlib).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml

from index.lexical import tokenize
from index.search import Filters

if TYPE_CHECKING:
    from cspkb.settings import Settings
    from index.search import Searcher, SearchHit

#: Hits looked at per phrase and partnership.
PER_PHRASE = 8
#: Sum of evidence relevances that makes a full-strength cell.
SATURATION = 5.0
#: Colour scale shared by the app's heat-map and the exported figure (strength 0 -> 1).
SCALE = ("#f4f6f8", "#cfe3e6", "#7fb8c0", "#2f7f8c", "#0d4a5a")

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Theme:
    name: str
    description: str

    @property
    def phrases(self) -> list[str]:
        """The description's comma/semicolon-separated phrases, each searched on its own."""
        return [p.strip() for p in re.split(r"[;,]", self.description) if p.strip()] or [self.name]


@dataclass
class Evidence:
    """One passage that covers a theme, with what a citation needs."""

    partnership: str
    document: str
    source: str
    page: int | None
    section: str | None
    period: str
    date: str
    doc_type: str
    chunk_id: str
    text: str
    quote: str  # the sentence of the passage that matches the phrase best
    phrase: str  # the theme phrase it answers
    score: float  # calibrated relevance in [0, 1]

    def where(self) -> str:
        return f"p. {self.page}" if self.page else (self.section or "")


@dataclass
class Cell:
    theme: str
    partnership: str
    strength: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def passages(self) -> int:
        return len(self.evidence)

    @property
    def best(self) -> float:
        return max((e.score for e in self.evidence), default=0.0)


@dataclass
class ThemeMatrix:
    themes: list[Theme]
    partnerships: list[str]
    cells: dict[tuple[str, str], Cell]
    key: str = ""

    def cell(self, theme: str, partnership: str) -> Cell:
        return self.cells.get((theme, partnership)) or Cell(theme, partnership)

    def strengths(self) -> list[list[float]]:
        """Rows of strengths, one row per theme, one column per partnership."""
        return [[self.cell(t.name, p).strength for p in self.partnerships] for t in self.themes]

    def to_csv(self) -> str:
        """Long format: one row per cell, with its strength, passage count and best passage."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["theme", "partnership", "strength", "passages", "best_relevance",
                         "best_document", "best_where", "best_quote"])
        for t in self.themes:
            for p in self.partnerships:
                c = self.cell(t.name, p)
                top = c.evidence[0] if c.evidence else None
                writer.writerow([t.name, p, f"{c.strength:.3f}", c.passages, f"{c.best:.3f}",
                                 top.document if top else "", top.where() if top else "", top.quote if top else ""])
        return out.getvalue()


# --- loading ----------------------------------------------------------------------------
def themes_path(settings: Settings) -> Path:
    return settings.app.themes or settings.paths.corpus_dir / "themes.yaml"


def load_themes(path: Path) -> list[Theme]:
    """Themes from the YAML file (``themes: [{name, description}]``); a missing file gives none."""
    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    themes = []
    for item in raw.get("themes") or []:
        name = str(item.get("name") or "").strip()
        if name:
            themes.append(Theme(name, str(item.get("description") or name).strip()))
    return themes


# --- computing --------------------------------------------------------------------------
def best_sentence(text: str, phrase: str) -> str:
    """The sentence of ``text`` sharing most terms with ``phrase`` (the first on a tie)."""
    terms = set(tokenize(phrase))
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    if not sentences:
        return text.strip()
    return max(sentences, key=lambda s: len(terms & set(tokenize(s))))


def _evidence(hit: SearchHit, phrase: str) -> Evidence:
    return Evidence(partnership=hit.partnership, document=hit.document, source=hit.source, page=hit.page,
                    section=hit.section, period=hit.period, date=hit.date, doc_type=hit.doc_type,
                    chunk_id=hit.chunk_id, text=hit.text, quote=best_sentence(hit.text, phrase),
                    phrase=phrase, score=hit.score)


def compute_cell(searcher: Searcher, theme: Theme, partnership: str, floor: float) -> Cell:
    """Search each phrase of the theme within one partnership and keep what clears the floor."""
    best: dict[str, Evidence] = {}
    for phrase in theme.phrases:
        result = searcher.search(phrase, k=PER_PHRASE, filters=Filters(partnerships=[partnership]))
        for hit in result.hits:
            if hit.score >= floor and hit.partnership == partnership and (
                    hit.chunk_id not in best or hit.score > best[hit.chunk_id].score):
                best[hit.chunk_id] = _evidence(hit, phrase)
    evidence = sorted(best.values(), key=lambda e: -e.score)
    strength = min(1.0, sum(e.score for e in evidence) / SATURATION)
    return Cell(theme.name, partnership, round(strength, 4), evidence)


def compute_matrix(searcher: Searcher, themes: list[Theme], floor: float, *, key: str = "") -> ThemeMatrix:
    empty = searcher.store.count() == 0
    partnerships = [] if empty else sorted({str(p) for p in searcher.view().partnership if str(p)})
    cells = {(t.name, p): compute_cell(searcher, t, p, floor) for t in themes for p in partnerships}
    return ThemeMatrix(themes, partnerships, cells, key)


class ThemeMatrixCache:
    """The matrix for the current index and themes file, recomputed only when either changes."""

    def __init__(self, settings: Settings, searcher: Searcher) -> None:
        self.settings = settings
        self.searcher = searcher
        self._lock = threading.Lock()
        self._matrix: ThemeMatrix | None = None

    def key(self) -> str:
        path = themes_path(self.settings)
        themes = path.read_bytes() if path.exists() else b""
        r = self.settings.retrieval
        parts = [self.searcher.store.version(), hashlib.sha256(themes).hexdigest(), r.floor, r.calibration,
                 PER_PHRASE, SATURATION]
        return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]

    def cached(self) -> ThemeMatrix | None:
        """The matrix if it is computed and still current, without computing it."""
        matrix = self._matrix
        return matrix if matrix is not None and matrix.key == self.key() else None

    def get(self) -> ThemeMatrix:
        key = self.key()
        with self._lock:  # concurrent callers wait for one computation
            if self._matrix is None or self._matrix.key != key:
                themes = load_themes(themes_path(self.settings))
                self._matrix = compute_matrix(self.searcher, themes, self.settings.retrieval.floor, key=key)
            return self._matrix


# --- suggestions and figures -------------------------------------------------------------
def suggested_questions(matrix: ThemeMatrix, n: int = 4) -> list[str]:
    """Example questions the index can answer: the theme most partnerships cover (asked
    across partnerships), then the strongest single cells."""
    def phrase(theme: str) -> str:
        words = theme.replace("&", "and").split()
        return " ".join(w if w.isupper() else w.lower() for w in words)

    covered = sorted(matrix.themes, key=lambda t: -sum(1 for p in matrix.partnerships
                                                      if matrix.cell(t.name, p).passages))
    questions: list[str] = []
    if covered and len(matrix.partnerships) > 1:
        questions.append(f"Which partnerships prioritise {phrase(covered[0].name)}?")
    strong = sorted((c for c in matrix.cells.values() if c.passages), key=lambda c: (-c.strength, -c.best))
    used_themes = {covered[0].name} if questions else set()
    used_ps: set[str] = set()
    for c in strong:
        if len(questions) >= n:
            break
        if c.theme in used_themes or c.partnership in used_ps:
            continue
        questions.append(f"What is {c.partnership} doing about {phrase(c.theme)}?")
        used_themes.add(c.theme)
        used_ps.add(c.partnership)
    if len(covered) > 1 and len(matrix.partnerships) > 1 and len(questions) < n + 1:
        a, b = matrix.partnerships[:2]
        questions.append(f"Compare how {a} and {b} approach {phrase(covered[1].name)}")
    return questions[: n + 1]


def write_figure(matrix: ThemeMatrix, path: Path, fmt: Literal["png", "svg"]) -> Path:
    """The heat-map as a figure (rows: themes, columns: partnerships, labels: passages)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import LinearSegmentedColormap

    data = matrix.strengths()
    rows, cols = len(matrix.themes), len(matrix.partnerships)
    fig, ax = plt.subplots(figsize=(2.6 + 1.25 * max(cols, 1), 1.2 + 0.42 * max(rows, 1)), dpi=150)
    cmap = LinearSegmentedColormap.from_list("cspkb", SCALE)
    image = ax.imshow(data if rows and cols else [[0.0]], cmap=cmap, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(cols), matrix.partnerships, fontsize=9)
    ax.set_yticks(range(rows), [t.name for t in matrix.themes], fontsize=9)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    for i, t in enumerate(matrix.themes):
        for j, p in enumerate(matrix.partnerships):
            c = matrix.cell(t.name, p)
            ax.text(j, i, str(c.passages) if c.passages else "·", ha="center", va="center", fontsize=8,
                    color="white" if c.strength > 0.55 else "#1f2d3d")
    ax.set_xticks([x - 0.5 for x in range(1, cols)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, rows)], minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    bar.set_label("coverage strength", fontsize=8)
    bar.ax.tick_params(labelsize=7)
    ax.set_title("Theme coverage by partnership (cell: relevant passages)", fontsize=10, pad=28)
    fig.tight_layout()
    fig.savefig(path, format=fmt)
    plt.close(fig)
    return path
