"""Escaping and highlighting in the app's HTML (no browser): document text never becomes markup."""

from __future__ import annotations

import re

from index.citations import Answer, Citation, Statement
from index.themes import Cell, Evidence, Theme, ThemeMatrix
from ui import render as R

NASTY = '<script>alert(1)</script> ![x](http://example.com/t.png) <img src=x onerror=alert(2)> "q" & \'a\''


def _citation(cid: int, text: str, start: int, end: int, **kw: object) -> Citation:
    base = {"id": cid, "partnership": "Walsall", "document": "Plan <b>2020</b>", "source": "w.txt", "page": None,
            "section": "Priorities", "quote": text[start:end], "chunk_id": f"c{cid}", "period": "2020",
            "start": start, "end": end, "chunk_text": text}
    return Citation(**{**base, **kw})


def _live_tags(html: str) -> set[str]:
    return {t.lower() for t in re.findall(r"<\s*([a-zA-Z]+)", html)}


def test_answer_and_sources_escape_document_text() -> None:
    text = f"Before. {NASTY} After."
    cit = _citation(1, text, 8, 8 + len(NASTY))
    answer = Answer(question="What <i>is</i> planned?", answer=f"{NASTY} [1]", citations=[cit], abstained=False,
                    mode="extractive", statements=[Statement(NASTY, [1], "Walsall")],
                    notes=["Plan <b>2020</b> is a draft"], partnerships_searched=["Walsall"],
                    partnerships_with_evidence=["Walsall"])
    for html in (R.answer_html(answer), R.sources_html([cit])):
        assert not _live_tags(html) & {"script", "img", "i", "b"}
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "![x](http://example.com/t.png)" in html  # Markdown stays text
    assert '<a class="cite" href="#src-1"' in R.answer_html(answer)
    assert 'id="src-1"' in R.sources_html([cit])


def test_abstained_answer_keeps_only_its_own_markup() -> None:
    answer = Answer(question="q", answer="Nothing covers **this**.\n\nClosest:\n- Walsall, <b>Plan</b> [1]",
                    citations=[], abstained=True, mode="extractive")
    html = R.answer_html(answer)
    assert "<strong>this</strong>" in html and "<li>" in html and "&lt;b&gt;Plan&lt;/b&gt;" in html
    assert 'href="#src-1"' in html


def test_compare_answer_has_one_column_per_partnership() -> None:
    cits = [_citation(i, f"text {i}", 0, 4, partnership=p) for i, p in ((1, "Walsall"), (2, "Dudley"))]
    answer = Answer(question="Compare", answer="", citations=cits, abstained=False, mode="extractive",
                    statements=[Statement("A.", [1], "Walsall"), Statement("B.", [2], "Dudley")], cross=True,
                    partnerships_searched=["Dudley", "Walsall", "Sandwell"], partnerships_with_evidence=["Walsall", "Dudley"])
    html = R.answer_html(answer)
    assert html.count('<section class="column">') == 2
    assert "Evidence in 2 of 3 partnerships searched" in html and 'chip off' in html


def test_highlight_marks_exactly_the_quote_and_trims_context() -> None:
    text = "a" * 1000 + " <quote> " + "b" * 1000
    start = text.index("<quote>")
    html = R.highlight(text, start, start + 7, context=50)
    assert "<mark>&lt;quote&gt;</mark>" in html
    assert html.startswith("… ") and html.endswith(" …") or len(html) < 400
    assert R.highlight("abc", 5, 2) == "abc"


def test_library_heatmap_and_evidence_escape_metadata() -> None:
    doc = {"partnership": "<b>X</b>", "source_title": NASTY, "source": "a&b.txt", "source_doc_type": "plan",
           "period": "2024", "date": "", "chunks": 3, "inferred": True, "draft_markers": [], "parts": []}
    html = R.library_html([doc])
    assert not _live_tags(html) & {"script", "img", "b"} and "a&amp;b.txt" in html and "inferred" in html
    theme = Theme('Knife "crime"', "knife crime")
    ev = Evidence("<b>X</b>", NASTY, "s", None, "S", "2024", "", "plan", "c", f"x & knife {NASTY}",
                  "knife <b>", "knife crime", 0.9)
    matrix = ThemeMatrix([theme], ["<b>X</b>"], {(theme.name, "<b>X</b>"): Cell(theme.name, "<b>X</b>", 0.5, [ev])})
    heat = R.heatmap_html(matrix)
    assert 'data-theme="Knife &quot;crime&quot;"' in heat and not _live_tags(heat) & {"b", "script"}
    evidence = R.evidence_html(matrix.cell(theme.name, "<b>X</b>"), theme.description)
    assert "x &amp; <mark>knife</mark>" in evidence and not _live_tags(evidence) & {"b", "script", "img"}


def test_strength_colour_runs_along_the_scale() -> None:
    from index.themes import SCALE

    assert R.strength_colour(0) == SCALE[0] and R.strength_colour(1) == SCALE[-1]
    assert R.strength_colour(-3) == SCALE[0] and R.strength_colour(7) == SCALE[-1]
