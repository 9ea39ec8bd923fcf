"""HTML for the app's views, built from the index's data classes.

Every piece of document text (answers are sentences taken from documents; quotes, passages,
titles and partnership names come from files users upload) goes through ``esc`` before it
reaches the page, and is never passed through a Markdown renderer: a passage containing
``<script>`` or a Markdown image link shows as text, and nothing it contains can make the
browser fetch anything. Only the markup written here is live.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from index.lexical import tokenize

if TYPE_CHECKING:
    from index.citations import Answer, Citation, Statement
    from index.themes import Cell, ThemeMatrix
    from ingest.pipeline import FileOutcome

_MARKER = re.compile(r"\[(\d+)\]")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['&][A-Za-z0-9]+)*")


def esc(text: Any) -> str:
    """Text as inert HTML (quotes escaped too, so it is safe inside attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def cite_link(n: int) -> str:
    return f'<a class="cite" href="#src-{n}" data-cite="{n}" title="Show source {n}">{n}</a>'


def _markers(escaped: str) -> str:
    """``[n]`` markers in already-escaped text become links to the sources panel."""
    return _MARKER.sub(lambda m: cite_link(int(m.group(1))), escaped)


def _mini_markdown(text: str) -> str:
    """The few Markdown forms the answer layer writes (paragraphs, '- ' lists, **labels**,
    _notes_, [n] markers), applied to escaped text: nothing else becomes markup."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [ln for ln in block.split("\n") if ln.strip()]
        items = [ln for ln in lines if ln.lstrip().startswith("- ")]
        rendered = []
        for ln in lines:
            body = _markers(_BOLD.sub(r"<strong>\1</strong>", esc(ln.strip().removeprefix("- "))))
            rendered.append(f"<li>{body}</li>" if ln in items else body)
        if items and len(items) == len(lines):
            blocks.append("<ul>" + "".join(rendered) + "</ul>")
        elif items:
            head = [r for r, ln in zip(rendered, lines) if ln not in items]
            tail = [r for r, ln in zip(rendered, lines) if ln in items]
            blocks.append(f"<p>{' '.join(head)}</p><ul>{''.join(tail)}</ul>")
        else:
            blocks.append(f"<p>{' '.join(rendered)}</p>")
    return "".join(blocks)


# --- answers ------------------------------------------------------------------------------
def _statement(s: Statement) -> str:
    marks = "".join(cite_link(c) for c in s.citations)
    flag = ' <span class="flag">not supported by the cited passages</span>' if s.flagged else ""
    return f'<span class="stmt">{esc(s.text.strip())}<sup class="marks">{marks}</sup>{flag}</span>'


def _notes(notes: list[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{esc(n)}</li>" for n in notes)
    return f'<div class="notes"><div class="notes-title">Read with care</div><ul>{items}</ul></div>'


def _coverage(answer: Answer) -> str:
    searched, found = answer.partnerships_searched, answer.partnerships_with_evidence
    if len(searched) < 2:
        return ""
    missing = [p for p in searched if p not in found]
    chips = "".join(f'<span class="chip on">{esc(p)}</span>' for p in found)
    chips += "".join(f'<span class="chip off" title="no relevant evidence">{esc(p)}</span>' for p in missing)
    return (f'<div class="coverage"><span class="coverage-label">Evidence in {len(found)} of {len(searched)} '
            f'partnerships searched</span>{chips}</div>')


def grouped_statements(answer: Answer) -> dict[str, list[Statement]]:
    groups: dict[str, list[Statement]] = {}
    for s in answer.statements:
        groups.setdefault(s.partnership or "All partnerships", []).append(s)
    return groups


def answer_html(answer: Answer, *, compare: bool = False) -> str:
    """The answer: one paragraph, or one column per partnership for a comparison."""
    question = f'<div class="question">{esc(answer.question)}</div>'
    if answer.abstained or not answer.statements:
        return (f'<div class="answer abstained" id="answer">{question}<div class="abstain-title">'
                f'Not answered from the documents</div>{_mini_markdown(answer.answer)}</div>')
    groups = grouped_statements(answer)
    if (compare or answer.cross) and len(groups) > 1:
        columns = "".join(
            f'<section class="column"><h4>{esc(p)}</h4><p>{" ".join(_statement(s) for s in ss)}</p></section>'
            for p, ss in groups.items())
        body = f'<div class="compare">{columns}</div>'
    else:
        body = f'<p class="prose">{" ".join(_statement(s) for s in answer.statements)}</p>'
    mode = "LLM synthesis, checked against the passages" if answer.mode == "llm" else "extractive: sentences quoted from the documents"
    meta = f'<div class="answer-meta">{len(answer.citations)} sources · {esc(mode)}</div>'
    coverage = _coverage(answer) if compare or answer.cross else ""
    return f'<div class="answer" id="answer">{question}{coverage}{body}{_notes(answer.notes)}{meta}</div>'


def highlight(text: str, start: int, end: int, *, context: int | None = 360) -> str:
    """The passage with ``text[start:end]`` marked, each part escaped on its own; with
    ``context``, at most that many characters either side (cut at a space, marked …)."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if end <= start:
        return esc(text)
    before, after = text[:start], text[end:]
    if context is not None and len(before) > context:
        cut = before.find(" ", len(before) - context)
        before = "… " + before[cut + 1 if cut >= 0 else len(before) - context:]
    if context is not None and len(after) > context:
        cut = after.rfind(" ", 0, context)
        after = after[: cut if cut > 0 else context] + " …"
    return f"{esc(before)}<mark>{esc(text[start:end])}</mark>{esc(after)}"


def _where(page: int | None, section: str | None) -> str:
    return f"p. {page}" if page else (section or "")


def _source_head(partnership: str, document: str, period: str, where: str) -> str:
    bits = [f'<span class="src-partnership">{esc(partnership)}</span>', f'<span class="src-doc">{esc(document)}</span>']
    tail = " · ".join(x for x in (period, where if where != document else "") if x)
    if tail:
        bits.append(f'<span class="src-where">{esc(tail)}</span>')
    return "".join(bits)


def sources_html(citations: list[Citation]) -> str:
    """The sources panel: each citation with its quote highlighted in the surrounding passage."""
    if not citations:
        return '<div class="sources empty">Sources appear here, each with the quoted passage highlighted.</div>'
    cards = []
    for c in citations:
        head = _source_head(c.partnership, c.document, c.period or c.date, c.where())
        text = c.chunk_text or c.quote
        start, end = (c.start, c.end) if c.chunk_text else (0, len(c.quote))
        cards.append(f'<article class="source" id="src-{c.id}"><div class="src-head"><span class="src-n">{c.id}</span>'
                     f'{head}</div><div class="passage">{highlight(text, start, end)}</div></article>')
    return f'<div class="sources"><div class="panel-title">Sources ({len(citations)})</div>{"".join(cards)}</div>'


# --- themes -------------------------------------------------------------------------------
def _mix(a: str, b: str, t: float) -> str:
    ca, cb = (tuple(int(x[i:i + 2], 16) for i in (1, 3, 5)) for x in (a, b))
    return "#" + "".join(f"{round(p + (q - p) * t):02x}" for p, q in zip(ca, cb))


def strength_colour(strength: float) -> str:
    """The colour of a strength on the shared scale (``index.themes.SCALE``)."""
    from index.themes import SCALE

    s = max(0.0, min(1.0, strength)) * (len(SCALE) - 1)
    i = min(int(s), len(SCALE) - 2)
    return _mix(SCALE[i], SCALE[i + 1], s - i)


def heatmap_html(matrix: ThemeMatrix, selected: tuple[str, str] | None = None) -> str:
    """Partnerships x themes; each cell a button carrying its theme and partnership."""
    if not matrix.themes:
        return '<div class="empty-state">No themes defined: add some to the themes file (corpus/themes.yaml).</div>'
    if not matrix.partnerships:
        return '<div class="empty-state">The index is empty: add documents to see the themes matrix.</div>'
    head = "".join(f'<th scope="col">{esc(p)}</th>' for p in matrix.partnerships)
    rows = []
    for t in matrix.themes:
        cells = []
        for p in matrix.partnerships:
            c = matrix.cell(t.name, p)
            colour = strength_colour(c.strength)
            ink = "#ffffff" if c.strength > 0.55 else "#1f2d3d"
            label = str(c.passages) if c.passages else "·"
            tip = f"{t.name} — {p}: {c.passages} passages, strength {c.strength:.2f}"
            sel = " selected" if selected == (t.name, p) else ""
            cells.append(f'<td><button class="cell{sel}" style="background:{colour};color:{ink}" '
                         f'data-theme="{esc(t.name)}" data-partnership="{esc(p)}" title="{esc(tip)}">'
                         f'{label}</button></td>')
        rows.append(f'<tr><th scope="row" title="{esc(t.description)}">{esc(t.name)}</th>{"".join(cells)}</tr>')
    legend = "".join(f'<span class="swatch" style="background:{strength_colour(x / 4)}"></span>' for x in range(5))
    return (f'<div class="heatmap"><table><thead><tr><th></th>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            f'</table><div class="legend">weak {legend} strong coverage · number = relevant passages · '
            f'click a cell for the evidence</div></div>')


def _highlight_terms(text: str, phrase: str) -> str:
    """Escaped text with the phrase's words marked (matched on the raw text, escaped per piece)."""
    terms = set(tokenize(phrase))
    out, last = [], 0
    for m in _WORD.finditer(text):
        if m.group(0).lower() in terms:
            out.append(esc(text[last:m.start()]) + f"<mark>{esc(m.group(0))}</mark>")
            last = m.end()
    out.append(esc(text[last:]))
    return "".join(out)


def evidence_html(cell: Cell | None, description: str = "") -> str:
    if cell is None:
        return '<div class="evidence empty">Click a cell to see the passages behind it, with their citations.</div>'
    title = f'<div class="panel-title">{esc(cell.theme)} · {esc(cell.partnership)}</div>'
    summary = (f'<div class="evidence-summary">{cell.passages} relevant passages · strength {cell.strength:.2f}'
               + (f' · searched for: {esc(description)}' if description else "") + "</div>")
    if not cell.evidence:
        return (f'<div class="evidence">{title}{summary}<p class="muted">No passage in {esc(cell.partnership)}\'s '
                f'documents is relevant enough to this theme.</p></div>')
    cards = []
    for n, e in enumerate(cell.evidence, start=1):
        head = _source_head(e.partnership, e.document, e.period or e.date, e.where())
        cards.append(f'<article class="source"><div class="src-head"><span class="src-n">{n}</span>{head}'
                     f'<span class="score" title="calibrated relevance">relevance {e.score:.2f}</span></div>'
                     f'<blockquote class="quote">{esc(e.quote)}</blockquote>'
                     f'<details><summary>Whole passage</summary><div class="passage">'
                     f'{_highlight_terms(e.text, e.phrase)}</div></details></article>')
    return f'<div class="evidence">{title}{summary}{"".join(cards)}</div>'


# --- library and ingestion ----------------------------------------------------------------
def library_html(docs: list[dict[str, Any]]) -> str:
    if not docs:
        return '<div class="empty-state">No documents indexed yet.</div>'
    rows = []
    for d in docs:
        flags = []
        if d.get("inferred"):
            flags.append('<span class="badge inferred" title="partnership, type, title and period were read from the text">inferred</span>')
        else:
            flags.append('<span class="badge curated" title="from the manifest or confirmed at upload">curated</span>')
        if d.get("draft_markers"):
            flags.append('<span class="badge draft">draft</span>')
        parts = [p for p in d.get("parts") or [] if p][1:]
        sub = "".join(f'<div class="part">part: {esc(p)}</div>' for p in parts)
        rows.append(
            f'<tr><td>{esc(d.get("partnership"))}</td><td><div class="doc-title">{esc(d.get("source_title"))}</div>{sub}'
            f'<div class="file">{esc(d.get("source"))}</div></td><td>{esc(d.get("source_doc_type"))}</td>'
            f'<td class="nowrap">{esc(d.get("period") or "–")}</td><td class="nowrap">{esc(d.get("date") or "–")}</td>'
            f'<td class="num">{int(d.get("chunks") or 0)}</td><td>{"".join(flags)}</td></tr>')
    total = sum(int(d.get("chunks") or 0) for d in docs)
    return (f'<table class="library"><thead><tr><th>Partnership</th><th>Document</th><th>Type</th><th>Period</th>'
            f'<th>Date</th><th class="num">Passages</th><th>Metadata</th></tr></thead><tbody>{"".join(rows)}</tbody>'
            f'</table><div class="muted">{len(docs)} documents · {total} passages</div>')


def progress_html(title: str, done: int, total: int, detail: str = "") -> str:
    pct = 100 if total <= 0 else round(100 * done / total)
    return (f'<div class="progress-box"><div class="progress-title">{esc(title)}</div>'
            f'<div class="bar"><div class="fill" style="width:{pct}%"></div></div>'
            f'<div class="muted">{done} of {total} files{(" · " + esc(detail)) if detail else ""}</div></div>')


def outcomes_html(outcomes: Iterable[FileOutcome]) -> str:
    """One line per file: what was added, or the reason it was refused."""
    lines = []
    for o in outcomes:
        if o.status == "failed":
            lines.append(f'<li class="error"><strong>{esc(o.source)}</strong> was not added: {esc(o.reason)}</li>')
        elif o.status == "ingested":
            who = f" as {esc(o.meta.partnership)} {esc(o.meta.doc_type)}" if o.meta else ""
            lines.append(f'<li class="ok"><strong>{esc(o.source)}</strong> added{who} ({o.chunks_added} passages)</li>')
        elif o.status == "unchanged":
            lines.append(f'<li class="ok"><strong>{esc(o.source)}</strong> is already in the library, unchanged</li>')
        elif o.status == "removed":
            lines.append(f'<li class="ok"><strong>{esc(o.source)}</strong> removed</li>')
    return f'<ul class="outcomes">{"".join(lines)}</ul>' if lines else ""


def masthead_html(docs: list[dict[str, Any]] | None = None) -> str:
    """Title, purpose and what the library holds."""
    stats = ""
    if docs is not None:
        partnerships = len({d.get("partnership") for d in docs})
        chunks = sum(int(d.get("chunks") or 0) for d in docs)
        stats = f"{len(docs)} documents · {partnerships} partnerships · {chunks} passages · runs offline"
    return (f'<div id="masthead"><h1>CSP Knowledge Base</h1><span class="tagline">Read across Community Safety '
            f'Partnership strategies, plans and reports, every answer cited to its page.</span>'
            f'<span class="stats">{stats}</span></div>')


def examples_html(questions: list[str]) -> str:
    if not questions:
        return ""
    chips = "".join(f'<button class="example" data-question="{esc(q)}">{esc(q)}</button>' for q in questions)
    return f'<div class="examples"><span class="muted">Try:</span>{chips}</div>'
