"""Answers and citations: the data model every answerer returns, and the checks that keep
citations honest.

A ``Citation`` quotes an exact span of one chunk (``start``/``end`` index into the chunk
text), so the app can highlight it and a test can verify it. An ``Answer`` is a list of
``Statement`` objects, each carrying the citation ids that support it, grouped by
partnership when the question spans several; the Markdown answer is rendered from them.
``renumber`` makes markers run 1..n in order of first use and drops unused citations;
``support`` measures how much of a sentence its cited passages contain.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from index.lexical import tokenize

_MARKER = re.compile(r"\[(\d+)\]")


@dataclass
class Citation:
    id: int
    partnership: str
    document: str
    source: str
    page: int | None
    section: str | None
    quote: str
    chunk_id: str
    period: str = ""
    date: str = ""
    doc_type: str = ""
    start: int = 0  # the quote is chunk_text[start:end]
    end: int = 0
    chunk_text: str = ""  # for highlighting; not part of the JSON contract

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("chunk_text")
        return data

    def where(self) -> str:
        """'p. 4' or the section, for display."""
        if self.page:
            return f"p. {self.page}"
        return self.section or ""


@dataclass
class Statement:
    """One sentence of an answer and the citations that support it."""

    text: str
    citations: list[int] = field(default_factory=list)
    partnership: str = ""  # the group it belongs to in a cross-partnership answer
    flagged: bool = False  # kept but not supported by its passages (LLM mode)


@dataclass
class Answer:
    question: str
    answer: str  # Markdown with [n] markers
    citations: list[Citation]
    abstained: bool
    mode: str  # "extractive" | "llm"
    statements: list[Statement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # caveats: drafts, old documents, disagreements, fallback
    partnerships_searched: list[str] = field(default_factory=list)
    partnerships_with_evidence: list[str] = field(default_factory=list)
    cross: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "citations": [c.to_json() for c in self.citations],
            "abstained": self.abstained,
            "mode": self.mode,
            "notes": list(self.notes),
            "partnerships_searched": list(self.partnerships_searched),
            "partnerships_with_evidence": list(self.partnerships_with_evidence),
        }

    def to_markdown(self) -> str:
        """The answer with a numbered source list, ready to paste into a briefing."""
        lines = [f"## {self.question}", "", self.answer, ""]
        if self.citations:
            lines += ["### Sources", ""]
            for c in self.citations:
                dated = ", ".join(x for x in (c.period, c.date) if x)
                where = c.where()
                head = f"[{c.id}] {c.partnership}: {c.document}" + (f" ({dated})" if dated else "") + (f", {where}" if where else "")
                lines += [head, f"> {c.quote}", ""]
        return "\n".join(lines).rstrip() + "\n"


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """Where ``quote`` occurs verbatim in ``text``."""
    at = text.find(quote)
    return None if at < 0 or not quote else (at, at + len(quote))


def markers(text: str) -> list[int]:
    """Citation markers in order of appearance."""
    return [int(m) for m in _MARKER.findall(text)]


def renumber(statements: list[Statement], citations: list[Citation]) -> tuple[list[Statement], list[Citation]]:
    """Renumber citations 1..n in order of first use across the statements; drop the unused
    ones and markers that point at no citation. Statement texts carry no markers."""
    by_id = {c.id: c for c in citations}
    mapping: dict[int, int] = {}
    for s in statements:
        for cid in s.citations:
            if cid in by_id and cid not in mapping:
                mapping[cid] = len(mapping) + 1
    out_statements = [
        Statement(text=s.text, citations=list(dict.fromkeys(mapping[c] for c in s.citations if c in mapping)),
                  partnership=s.partnership, flagged=s.flagged)
        for s in statements
    ]
    out_citations = []
    for old, new in sorted(mapping.items(), key=lambda t: t[1]):
        c = by_id[old]
        out_citations.append(Citation(**{**asdict(c), "id": new}))
    return out_statements, out_citations


def support(sentence: str, passages: list[str]) -> float:
    """Share of the sentence's content words (and all of its figures) found in the passages.
    A sentence with a figure absent from every passage scores 0: numbers must not drift."""
    words = set(tokenize(_MARKER.sub(" ", sentence)))
    if not words:
        return 1.0
    found = set(tokenize(" ".join(passages)))
    figures = {w for w in words if any(ch.isdigit() for ch in w)}
    if figures - found:
        return 0.0
    return len(words & found) / len(words)


def render(statements: list[Statement], *, grouped: bool) -> str:
    """Markdown: one paragraph, or one bold-labelled paragraph per partnership."""
    def line(s: Statement) -> str:
        marks = "".join(f"[{c}]" for c in s.citations)
        flag = " _(not supported by the cited passages)_" if s.flagged else ""
        return f"{s.text.rstrip()} {marks}{flag}".rstrip()

    if not grouped:
        return " ".join(line(s) for s in statements)
    groups: dict[str, list[Statement]] = {}
    for s in statements:
        groups.setdefault(s.partnership, []).append(s)
    return "\n\n".join((f"**{p}:** " if p else "") + " ".join(line(s) for s in ss) for p, ss in groups.items())
