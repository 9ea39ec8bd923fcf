"""Reading structure out of cleaned text: headings, numbered paragraphs, bullets, table rows.

The output is a flat list of ``Block`` objects, each with its page span, plus the heading
level (1 = section, 2 = sub-heading/lead-in) for headings. PDF lines wrapped mid-sentence
are joined back into paragraphs; text files with one paragraph per line are read as is.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.models import Page

BULLET = re.compile(r"^\s*(?:[-•·*▪◦–✓]|o(?=\s)|\(?[a-z]\)|\(?[ivx]{1,4}\))\s+")
NUMBERED = re.compile(r"^\s*(?:[-•]\s+)?((?:\d{1,2}\.\d{1,2}(?:\.\d{1,2})*\.?)|(?:\d{1,2}\.))\s+(?=\S)")
TERMINAL = (".", "!", "?", ":", ";", "”", '"', ")")
FOOTNOTE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹⁰\u2070-\u2079]+\s*")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’&-]*")
#: what a heading never holds: an email or web address, or a phone number (nine or more digits)
_CONTACT = re.compile(r"@\w|https?://|\bwww\.|(?:\d[ ]?){9,}")
#: the label a line opens with: "3.4 Place Thematic Group: Work together ...", "- Recent work: ..."
LINE_LABEL = re.compile(r"(?:- )?(?:\d+(?:\.\d+)*\s+)?([A-Z][^:.;!?\n]{2,60}):\s")


@dataclass
class Block:
    """One structural unit of a document."""

    kind: str  # "heading" | "para" | "bullet" | "row"
    text: str
    page_start: int | None
    page_end: int | None
    level: int = 0  # headings only: 1 section, 2 sub-heading

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class _Line:
    text: str
    page: int | None


def _is_row(text: str) -> bool:
    return "\t" in text and sum(1 for c in text.split("\t") if c.strip()) >= 2


def heading_shape(text: str) -> bool:
    """A few words on one line, capitalised, not ending a sentence: what a heading looks like.
    A line with an email or web address or a phone number is content ("Telephone 01922 655797
    Email equality@..."), however short."""
    s = text.strip()
    words = s.split()
    return (
        1 <= len(words) <= 12
        and len(s) <= 100
        and not s.endswith((".", ",", ";"))
        and (s[0].isupper() or s[0].isdigit())
        and not BULLET.match(s)
        and not _is_row(s)
        and not FOOTNOTE.match(s)
        and not _CONTACT.search(s)
    )


def title_case(text: str) -> bool:
    """Most words of four letters or more start with a capital ("Tackling Domestic Abuse in Sandwell")."""
    words = [w for w in _WORD.findall(text) if len(w) >= 4]
    if not words:
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= 0.6


def _lines(pages: list[Page]) -> list[_Line]:
    out: list[_Line] = []
    for page in pages:
        out.extend(_Line(t, page.number) for t in page.text.split("\n"))
        out.append(_Line("", page.number))
    return out


def _is_heading(lines: list[_Line], i: int, strict: bool) -> bool:
    """Heading-shaped, starts a block, and ends one. ``strict``: the file separates blocks
    with blank lines (typical of text exports), so a heading must be followed by one."""
    s = lines[i].text.strip()
    if not heading_shape(s):
        return False
    m = NUMBERED.match(s)
    if m and len(s.split()) > 8:
        return False
    prev = next((ln.text.strip() for ln in reversed(lines[:i]) if ln.text.strip()), "")
    prev_blank = i == 0 or not lines[i - 1].text.strip()
    if not prev_blank and (strict or (prev and not prev.endswith(TERMINAL))):
        return False  # a wrapped continuation line, or an item of a plain list
    nxt = lines[i + 1].text.strip() if i + 1 < len(lines) else ""
    if not nxt:
        return True
    if BULLET.match(nxt) or NUMBERED.match(nxt):
        return True
    return not strict and len(s.split()) <= 8 and (nxt[0].isupper() or nxt[0].isdigit())


_APPENDIX = re.compile(r"(?:appendix|annexe?)\b", re.IGNORECASE)


def _heading_level(text: str, recurring: bool) -> int:
    """1 = section (numbered N., an appendix or Title Case), 2 = sub-heading: deeper numbers, lead-ins
    ending in ':' or '?', headings that recur within the document ("Our aim"), and
    sentence-case lines (often the surviving text of a chart or call-out box)."""
    m = NUMBERED.match(text)
    if m:
        return 1 if m.group(1).rstrip(".").count(".") == 0 else 2
    if _APPENDIX.match(text):
        return 1  # "APPENDIX A – Performance delivery plan" leaves the section before it
    if text.endswith((":", "?")) or recurring:
        return 2
    return 1 if title_case(text) else 2


def parse_blocks(pages: list[Page]) -> list[Block]:
    """Split cleaned pages into blocks, joining lines that were wrapped mid-paragraph."""
    lines = _lines(pages)
    non_blank = sum(1 for ln in lines if ln.text.strip())
    strict = (len(lines) - non_blank) > 0.3 * max(non_blank, 1)
    heading_flags = [_is_heading(lines, i, strict) for i in range(len(lines))]
    counts = Counter(lines[i].text.strip().lower().rstrip(":") for i, f in enumerate(heading_flags) if f)
    blocks: list[Block] = []
    open_block: Block | None = None
    for i, line in enumerate(lines):
        s = line.text.strip()
        if not s:
            open_block = None
            continue
        if heading_flags[i]:
            level = _heading_level(s, counts[s.lower().rstrip(":")] > 1)
            blocks.append(Block("heading", s, line.page, line.page, level))
            open_block = None
            continue
        if _is_row(s):
            cells = [c.strip() for c in s.split("\t") if c.strip()]
            blocks.append(Block("row", " | ".join(cells), line.page, line.page))
            open_block = None
            continue
        numbered = NUMBERED.match(s)
        bullet = BULLET.match(s) if not numbered else None
        if numbered:
            text = s[numbered.start(1):] if s.startswith(("-", "•")) else s
            open_block = Block("para", text, line.page, line.page)
            blocks.append(open_block)
            continue
        if bullet:
            nested = "  " if line.text[:1].isspace() else ""  # an indented item sits under the one before
            open_block = Block("bullet", nested + "- " + s[bullet.end():].strip(), line.page, line.page)
            blocks.append(open_block)
            continue
        if open_block is not None and (not open_block.text.endswith(TERMINAL) or s[0].islower()):
            open_block.text += " " + s
            open_block.page_end = line.page
            continue
        open_block = Block("para", s, line.page, line.page)
        blocks.append(open_block)
    return blocks


_ABBREVIATIONS = {"e.g", "i.e", "etc", "no", "cllr", "mr", "mrs", "ms", "dr", "st", "vs", "approx", "inc",
                  "ltd", "co", "para", "fig", "cf", "al"}
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+(?=[\"“‘(£]?[A-Z0-9])")
#: a list item's number ("- 1.", "2.", "iv."): it begins the item's sentence, it is not one
_ENUMERATOR = re.compile(r"[-•*]?\s*(?:\d{1,3}|[ivx]{1,4})\.", re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; abbreviations, initials and decimals do not end a sentence."""
    sentences: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        before = text[start : m.start()].split()
        last = before[-1].lower().rstrip(".") if before else ""
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()) or _ENUMERATOR.fullmatch(text[start:m.start() + 1].strip()):
            continue
        end = m.end()
        sentences.append(text[start:end].strip())
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def line_cells(line: str) -> list[str]:
    """A table row's cells (" | " between them), or the line itself."""
    return line.split(" | ") if " | " in line else [line]


#: a bullet glyph inside a line: PDF text puts a list that sat in a table cell on one line
_INLINE_BULLET = re.compile(r"(?:^|\s+)[•▪◦✓►➢■●]\s+")
#: where a lost bullet began a new item in a table cell: "... are working Ensure victim ..."
_ITEM_START = re.compile(r"(?<=[a-z]) (?=[A-Z][a-z][\w'’-]*\s+[a-z])")
#: words after which a capitalised word continues the sentence (a name, not a new item)
_CONTINUING = frozenset({
    "a", "an", "the", "and", "or", "nor", "but", "of", "to", "in", "on", "at", "for", "by", "with", "from",
    "into", "onto", "as", "than", "via", "per", "our", "their", "its", "his", "her", "your", "my", "we",
    "they", "it", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "that", "which",
    "who", "whom", "whose", "this", "these", "those", "such", "including", "across", "between", "within",
    "among", "around", "about", "under", "over", "through", "during", "like", "named", "called", "how", "what",
    "why", "where", "when", "whether", "if", "so", "both", "all", "each", "every", "any",
})
#: a table cell at least this long with no sentence break is read as a run of list items
_RUN_ON_WORDS = 20


def _run_on_items(cell: str) -> list[str]:
    """A long table cell whose bullets were lost, cut where a new item starts: a capitalised
    word (followed by a lower-case one) after a lower-case word that does not lead into a
    name ("are working Ensure victim pathways", not "with the Violence Reduction Unit")."""
    if len(cell.split()) < _RUN_ON_WORDS:
        return [cell]
    items, start = [], 0
    for m in _ITEM_START.finditer(cell):
        before = cell[start:m.start()].split()
        if len(before) >= 3 and before[-1].isalpha() and before[-1].islower() and before[-1] not in _CONTINUING:
            items.append(cell[start:m.start()])
            start = m.end()
    items.append(cell[start:])
    return items


def line_units(line: str) -> list[str]:
    """The sentences of one line of a passage: a table row's cells split on their own, and a
    list run into one line split into its items (at bullet glyphs; in a table cell, also
    where a lost bullet began an item)."""
    cells = line_cells(line)
    units = []
    for cell in cells:
        for sentence in split_sentences(cell):
            for item in _INLINE_BULLET.split(sentence):
                item = item.strip()
                if item:
                    units.extend(_run_on_items(item) if len(cells) > 1 else [item])
    return units


def sentence_units(text: str, min_words: int = 3) -> list[str]:
    """The sentences of a passage, each embedded on its own at ingest (table cells and list
    lines are units too; fragments under ``min_words`` words are left to the passage vector)."""
    return [u for line in text.split("\n") for u in line_units(line) if len(u.split()) >= min_words]


def repeated_line_labels(texts: list[str]) -> frozenset[str]:
    """The line labels (``label_key``) that open two or more distinct lines of these texts:
    a document's recurring line types ("Recent work:", "Challenges:", "Case Study:"), as
    against a label that names the one thing its line is about ("Operation Encompass:").
    A line repeated in overlapping chunks counts once."""
    lines = {line for text in texts for line in text.split("\n")}
    counts = Counter(label_key(m.group(1)) for line in lines if (m := LINE_LABEL.match(line)))
    return frozenset(label for label, n in counts.items() if n > 1)


def label_key(label: str) -> str:
    """A line label as ``repeated_line_labels`` compares them: lower case, plurals singular
    ("Future directions" is "Future direction")."""
    return re.sub(r"(?<=[a-z])s\b", "", " ".join(label.lower().split()))
