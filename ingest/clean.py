"""Cleaning what text extraction leaves behind.

Removes stray control characters and formatting markup (putting a heading that an export ran
into its paragraph's bold label back on its own line first), repeated page headers/footers
("Sensitivity: NOT PROTECTIVELY MARKED", "Draft V1.9", page numbers), joins words
hyphenated across line ends, joins a sentence that a break split into two paragraphs, and
collapses runs of blank lines. A table of contents (a
"Contents" line and the entries after it) is removed: a list of section titles is not
content, and its topic words would make it answer every question. Draft markers are reported
before they are removed, so the document can be flagged as a draft.
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.models import Page
from ingest.structure import heading_shape, title_case

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u200b-\u200d\ufeff]")
_SPACES = re.compile(r"[ \u00a0\u2002-\u200a\u202f]+")
_MARKUP = re.compile(r"\*{2,3}|</?(?:u|b|i|em|strong)>", re.IGNORECASE)
#: a heading run into the paragraph after it, which opens with a bold label: "Tackling Domestic
#: Abuse in Sandwell **Challenges:** Increase in ..." (a text export that lost the line break)
_RUN_IN_HEADING = re.compile(r"^([A-Z][^\n.!?:;*]{2,100}?)[ \t]+(?=\*{2,3}[A-Z][^*\n]{0,40}(?::\*{2,3}|\*{2,3}:))", re.MULTILINE)
_HYPHEN_BREAK = re.compile(r"(\w)-\n[ \t]*([a-z])")

#: Lines that are page furniture wherever they occur.
_BOILERPLATE = [
    re.compile(r"^sensitivity:\s*.*$", re.IGNORECASE),
    re.compile(r"^(?:official|official[- ]sensitive|not protectively marked)$", re.IGNORECASE),
    re.compile(r"^draft\s+v(?:ersion)?\s*\d+(?:\.\d+)*$", re.IGNORECASE),
    re.compile(r"^page\s+\d+(?:\s+of\s+\d+)?$", re.IGNORECASE),
    re.compile(r"^\d{1,3}$"),
    re.compile(r"^[ivx]{1,5}$"),  # roman page numbers
]

#: Signs that a document is a draft; reported (not necessarily removed).
_DRAFT_MARKERS = [
    re.compile(r"\bdraft\s+v(?:ersion)?\s*\d+(?:\.\d+)*\b", re.IGNORECASE),
    re.compile(r"\bto be added following [^.\n]{0,80}", re.IGNORECASE),
    re.compile(r"\[(?:tbc|tbd|placeholder)[^\]]*\]", re.IGNORECASE),
    re.compile(r"\b(?:is|remains) still in draft form\b", re.IGNORECASE),
]


def _heading_apart(m: re.Match[str]) -> str:
    """A run-in heading back on its own line when it is shaped like one (a few words, mostly capitalised)."""
    head = m.group(1)
    return f"{head}\n\n" if heading_shape(head) and title_case(head) else m.group(0)


def normalise_characters(text: str) -> str:
    """Line endings to \\n, control and zero-width characters out, a heading run into its
    paragraph's bold label back on its own line, markup out, odd spaces to plain spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _RUN_IN_HEADING.sub(_heading_apart, text)
    text = _MARKUP.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).rstrip() for line in text.split("\n"))


def join_hyphenated(text: str) -> str:
    """'commu-\\nnity' -> 'community'; 'Anti-\\nSocial' keeps its hyphen."""
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    return re.sub(r"(\w)-\n[ \t]*([A-Z])", r"\1-\2", text)


#: the marks a sentence (or a lead-in) ends with, as cleaning reads them
_SENTENCE_MARKS = ".!?:;"
#: a prose line that stops mid-sentence, blank lines, and a line that goes on in lower case
_BROKEN_PARAGRAPH = re.compile(rf"^([^\n\t|]*[^\s{_SENTENCE_MARKS}|])[ \t]*\n(?:[ \t]*\n)+[ \t]*(?=[a-z])", re.MULTILINE)
_MIN_BROKEN_WORDS = 8


def join_broken_paragraphs(text: str) -> str:
    """'... to improve consistency and\\n\\nquality of investigations, ...' -> one line: a sentence
    that a page or column break split into two paragraphs. Only a prose line (eight words or
    more, not a table row) that ends without a sentence mark is joined, and only to a line
    that starts in lower case."""
    def join(m: re.Match[str]) -> str:
        line = m.group(1)
        return f"{line} " if len(line.split()) >= _MIN_BROKEN_WORDS else m.group(0)

    return _BROKEN_PARAGRAPH.sub(join, text)


def collapse_blank_lines(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def find_draft_markers(text: str) -> list[str]:
    """Distinct draft markers found in the text, in order of appearance."""
    found: list[str] = []
    for pattern in _DRAFT_MARKERS:
        for m in pattern.finditer(text):
            marker = m.group(0).strip()
            if marker not in found:
                found.append(marker)
    return found


_CONTENTS_TITLE = re.compile(r"^(?:table of )?contents$", re.IGNORECASE)
#: "Our legal responsibility\t9", "Violence reduction 14-15", "Introduction ........ 4"
_PAGE_REFERENCE = re.compile(r"(?:\s|\.{2,})\s*\d{1,3}(?:\s*[-–]\s*\d{1,3})?$")
_SENTENCE_MARK = re.compile(rf"[{_SENTENCE_MARKS}](?:\s|$)")
#: an entry's label, "A. Performance delivery plan", "2) Priorities" (PDF text may give a Greek "Α" for "A")
_ENTRY_LABEL = re.compile(r"^[A-Za-zΑ-Ω0-9]{1,3}[.)]\s")
_MAX_CONTENTS_LINES = 80


def _is_paragraph(line: str) -> bool:
    """Running text: a sentence of some length, ending as sentences do (before any footnote mark)."""
    s = line.strip().rstrip(" ¹²³⁴⁵⁶⁷⁸⁹⁰")
    return len(s.split()) >= 8 and s.endswith((".", "!", "?", ":", ";", "”", '"'))


def _contents_lines(lines: list[str]) -> set[int]:
    """Indices of table-of-contents lines: a "Contents" line, then each entry after it. An entry
    ends with a page reference, or is a title without sentence punctuation (one line can hold
    all the titles, as PDF export leaves them) that is not the heading of the text below it
    (a title followed by a paragraph is where the content starts)."""
    drop: set[int] = set()
    for i, line in enumerate(lines):
        if not _CONTENTS_TITLE.match(line.strip()) or i in drop:
            continue
        entries: list[int] = []
        following = [j for j in range(i + 1, min(len(lines), i + 1 + 2 * _MAX_CONTENTS_LINES)) if lines[j].strip()]
        for n, j in enumerate(following[:_MAX_CONTENTS_LINES]):
            s = lines[j].strip()
            if _PAGE_REFERENCE.search(s) and not _is_paragraph(s):
                entries.append(j)
                continue
            after = lines[following[n + 1]] if n + 1 < len(following) else ""
            if (_SENTENCE_MARK.search(s) and not _ENTRY_LABEL.match(s)) or _is_paragraph(after):
                break  # a sentence, or the heading of one: the content has started
            entries.append(j)
        if entries:
            drop |= {i, *entries}
    return drop


def drop_contents(pages: list[Page]) -> list[Page]:
    """The pages without their table of contents (which may run over a page break)."""
    lines = [(n, ln) for n, page in enumerate(pages) for ln in page.text.split("\n")]
    drop = _contents_lines([ln for _, ln in lines])
    if not drop:
        return pages
    kept: list[list[str]] = [[] for _ in pages]
    for k, (n, ln) in enumerate(lines):
        if k not in drop:
            kept[n].append(ln)
    return [Page(p.number, "\n".join(text)) for p, text in zip(pages, kept)]


def is_boilerplate(line: str) -> bool:
    s = line.strip()
    return bool(s) and any(p.match(s) for p in _BOILERPLATE)


def _repeated_lines(pages: list[Page]) -> set[str]:
    """Short lines that recur at the top or bottom of most pages (running headers/footers),
    digits normalised so "Page 3 of 9" matches "Page 4 of 9"."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        lines = [ln.strip() for ln in page.text.split("\n") if ln.strip()]
        edge = [ln for ln in lines[:2] + lines[-2:] if len(ln.split()) <= 10]
        counts.update({re.sub(r"\d+", "#", ln) for ln in edge})
    threshold = max(3, int(0.5 * len(pages)))
    return {ln for ln, n in counts.items() if n >= threshold}


def clean_pages(pages: list[Page]) -> tuple[list[Page], list[str]]:
    """Clean every page; returns the cleaned pages and the draft markers that were seen."""
    normalised = drop_contents([Page(p.number, normalise_characters(p.text)) for p in pages])
    markers = find_draft_markers("\n".join(p.text for p in normalised))
    repeated = _repeated_lines(normalised)
    cleaned: list[Page] = []
    for page in normalised:
        kept = [
            ln
            for ln in page.text.split("\n")
            if not is_boilerplate(ln) and re.sub(r"\d+", "#", ln.strip()) not in repeated
        ]
        text = collapse_blank_lines(join_broken_paragraphs(join_hyphenated("\n".join(kept))))
        cleaned.append(Page(page.number, text))
    return cleaned, markers
