"""The extractive answerer: pick the sentences of the retrieved passages that answer the
question, and keep each one as an exact span of its chunk.

Every line of a passage is split into sentences (a table row into its cells); a small table is
also a candidate as a whole, about what its header row and first column say. Each sentence is
scored on how much of the question it covers (IDF-weighted terms, the question's own
partnership names and the words it is asked with left out; its heading and its line's label
count; an acronym covers the long form the question spells out, and another form of a
question word, ``index.families``, covers that word), how close it is in meaning
(cosine to the question; a sentence that refers back, "These involved ...", at least the mean
of its own and the sentence before's), and the calibrated relevance of its passage; figure
questions prefer sentences with numbers. A question that asks several things gets the best
sentence for each part. Selection is greedy over what is still unsaid (a sentence covering
question terms no chosen sentence covers gains), removes near-duplicates (the same sentence in
a cabinet report and the plan it covers); cross-partnership answers select per partnership.
A chosen sentence is quoted with the list it introduces and with the next sentence when that
one refers back to it ("This will enable us to ...").
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from index.figures import DAY_DATE, Figure, figures_in, is_money
from index.lexical import ASKING_WORDS, tokenize
from index.query import spelled_out
from index.search import SearchHit
from ingest.partnerships import is_glossary_line
from ingest.structure import (
    FOOTNOTE,
    LINE_LABEL,
    TERMINAL,
    label_key,
    line_cells,
    line_units,
)

_FIGURE_Q = re.compile(
    r"\bhow (?:many|much|often|long)\b|\bwhat (?:number|percentage|proportion|share|amount|figure)\b"
    r"|\bnumbers?\b|\bfigures?\b|\bper ?cent|%|£|\bcount\b|\bbudget\b|\bfunding\b|\bcost\b|\brate\b",
    re.IGNORECASE,
)
_HAS_DIGIT = re.compile(r"\d")


def is_figure_question(question: str) -> bool:
    return bool(_FIGURE_Q.search(question))


_DEFINITION_Q = re.compile(r"\b(?:what\s+(?:is|are|was|does|do)|stands?\s+for|mean(?:s|ing)?|defin(?:e|ition)|acronyms?|"
                           r"abbreviations?|glossary)\b", re.IGNORECASE)


def is_definition_question(question: str) -> bool:
    """Asks what something is or stands for: a glossary line answers it, and nothing else."""
    return bool(_DEFINITION_Q.search(question))


#: asks what a partnership promised, committed to, plans or will do
_COMMITMENT_Q = re.compile(
    r"\b(?:promis(?:e|es|ed|ing)|pledg(?:e|es|ed)|commitments?|commit(?:s|ted)?\s+to|(?:plan(?:s|ned|ning)?|intend(?:s|ed)?|"
    r"aim(?:s|ed)?)\s+to|going\s+to|will\s+(?:\w+\s+){1,3}?(?:do|deliver))\b",
    re.IGNORECASE,
)
#: says what the partnership will do: "We will ...", "The Board is committed to ...", "Partners pledge ..."
_COMMITS = re.compile(
    r"\b(?:we|partnership|board|partners|council)\s+(?:will|shall|(?:aims?|intends?|plans?)\s+to|"
    r"(?:are\s+|is\s+)?commit(?:s|ted)?\s+to|pledges?)\b|\bcommit(?:s|ted)?\s+to\b",
    re.IGNORECASE,
)


def is_commitment_question(question: str) -> bool:
    """Asks what was promised or will be done ("What did Walsall promise on drugs?"): the answer
    is the plan's commitments, which its "we will" sentences and lists state."""
    return bool(_COMMITMENT_Q.search(question))


@dataclass
class Candidate:
    """One sentence of one retrieved passage."""

    text: str  # == hit.text[start:end]
    hit: SearchHit
    start: int
    end: int
    context: str  # the chunk text before the sentence (resolves "the same year")
    score: float = 0.0
    coverage: float = 0.0
    rank: float | None = None  # the score plus what the sentence adds (see ``score``); None: the score
    heading: str = ""  # set when the section heading supplies question terms the sentence lacks
    table: bool = False  # a whole small table (``_tables``), not a sentence

    @cached_property
    def words(self) -> frozenset[str]:
        """The sentence's tokens (scoring, part coverage and near-duplicate checks all use them);
        a table's are those of its header row and its first column, which say what it lists
        ("Non-Statutory Partners", "Date |", "Report Author |"): all its cells' names would
        cover some of any question's words."""
        if not self.table:
            return frozenset(tokenize(self.text))
        header, *rows = self.text.split("\n")
        return frozenset(tokenize(" ".join([header, *(line_cells(r)[0] for r in rows if " | " in r)])))

    @cached_property
    def label(self) -> str:
        """The label its line opens with, when the sentence comes after it: "Manage the ASB Case
        Review process." on the line "3.4 Place Thematic Group: Work together to ... Manage the
        ..." is about the Place Thematic Group (a list whose bullets the PDF lost); else ""."""
        line_start = self.context.rfind("\n") + 1
        m = LINE_LABEL.match(self.hit.text, line_start)
        # a table row's first cell "Priority 1: Prevent ..." labels that cell, not the cells after it
        return m.group(1) if m and m.end() <= self.start and " | " not in self.hit.text[m.end():self.start] else ""

    @cached_property
    def cell_headings(self) -> tuple[str, ...]:
        """For a sentence in a table cell other than its row's first: the row's label (its first
        cell, "Objectives") and its column's header (the cell above it in the table's first row,
        "Priority 3: Prevent and Reduce Crime ..."); else (). A header row one cell short of the
        rows under it has lost the empty cell over the labels: it is aligned to their right."""
        text = self.hit.text
        line_start = self.context.rfind("\n") + 1
        column = text[line_start:self.start].count(" | ")
        if not column:
            return ()
        cells = line_cells(text[line_start:_line_end(text, self.end)])
        table = next((a for a, b, _ in _table_blocks(text) if a < line_start <= b), None)  # a row under its header
        out = [cells[0]]
        if table is not None:  # its first row is the header
            top = line_cells(text[table:_line_end(text, table)])
            j = column - (len(cells) - len(top))
            if len(cells) - len(top) in (0, 1) and 0 <= j < len(top):
                out.append(top[j])
        # a name, not a cell of figures or a row of content that happens to be the table's first
        return tuple(c.strip() for c in out if re.search(r"[^\W\d_]", c) and len(c.split()) <= _HEADER_WORDS)

    @cached_property
    def headings(self) -> tuple[str, ...]:
        """What the sentence sits under: its passage's heading trail, its line's label, and in a
        table its row's label and column's header. A trail's last part that names the list the
        passage opens in (``SearchHit.continues``) holds for that list only, not for the
        paragraphs after it."""
        trail = self.hit.trail.split(" > ")
        if self.hit.continues and trail[-1] == self.hit.continues:
            *above, own = self.context.split("\n")
            if any(line.strip() and _depth(line) is None for line in (*above, own + self.text)):
                trail = trail[:-1]
        return tuple(p for p in (*trail, self.label, *self.cell_headings) if p)

    @cached_property
    def heading_words(self) -> frozenset[str]:
        """The tokens of its headings."""
        return frozenset(t for p in self.headings for t in tokenize(p))

    @cached_property
    def said_words(self) -> frozenset[str]:
        """Its tokens and its headings': the question terms it says something about (a part's
        coverage, what a chosen sentence has said)."""
        return self.words | self.heading_words

    @cached_property
    def lead_in(self) -> str:
        """For a list item, the line that introduces its list ("Over the coming year we will:"); else ""."""
        *before, own = self.context.split("\n")
        if _depth(own + self.text) is None:
            return ""
        return next((line for line in reversed(before) if _depth(line) is None), "")

    @cached_property
    def commits(self) -> bool:
        """Says what the partnership will do, itself, by the heading it sits under or by the
        line that introduces its list ("Over the coming year we will" over a list of actions)."""
        return any(_COMMITS.search(t) for t in (self.text, self.lead_in, *self.headings))

    @cached_property
    def figures(self) -> list[Figure]:
        """The figures the sentence states (its context resolves "the same year")."""
        return figures_in(self.text, self.context)

    def states_figure_of(self, terms: set[str], window: int = 6) -> bool:
        """States a number (not a year or a date) within ``window`` words of one of ``terms``."""
        figures = {f.text.lower() for f in self.figures}
        if not figures:
            return False
        words = self.text.split()
        for i, w in enumerate(words):
            bare = w.strip(".,;:()[]\"'").lower()
            if any(f == bare if f.isalpha() else f in w for f in figures):
                near = " ".join(words[max(0, i - window): i + window + 1])
                if terms & set(tokenize(near)):
                    return True
        return False


def candidates(hits: list[SearchHit], *, dated_lines: bool = False) -> list[Candidate]:
    """Sentences (and whole table rows) of each passage, located exactly in its text. With
    ``dated_lines`` (a question asking for a date), a short line that gives a day's date
    ("Cabinet 23 October 2019") is a candidate too, though otherwise it would pass for a title."""
    out: list[Candidate] = []
    for hit in hits:
        cursor = 0
        headings = {h for h in hit.trail.split(" > ") if len(h.split()) >= 3}
        lines = hit.text.split("\n")
        for n, line in enumerate(lines):
            cells = line_cells(line)
            # "5. The Responsible Authorities are: -" and its "- Dudley MBC" items: the short
            # line that introduces a list is a candidate (it is quoted with its items)
            lead_in = line.rstrip(" -–").endswith(":") and n + 1 < len(lines) and _depth(lines[n + 1]) is not None
            for unit in line_units(line):
                start = hit.text.find(unit, cursor)
                if not unit or start < 0:
                    continue
                end = start + len(unit)
                cursor = end
                words = len(unit.split())
                listed = len(cells) > 1 or unit.startswith("- ")
                if (unit not in headings and not _is_statement(unit) and not (dated_lines and DAY_DATE.search(unit))
                        and not (lead_in and line.rstrip().endswith(unit))
                        and ((words < 4 and not _HAS_DIGIT.search(unit))
                             or (words <= 8 and not listed and not unit.endswith(TERMINAL)))):
                    continue  # fragments, and titles left in the text; the passage's own heading
                    # can answer ("Introduction from the Chair Councillor ...") and is judged like a sentence
                if _POINTER.match(unit):
                    continue  # "(See draft plan Appendix A)" says where to look, not anything
                out.append(Candidate(unit, hit, start, end, hit.text[:start]))
        out.extend(Candidate(hit.text[a:b], hit, a, b, hit.text[:a], table=True) for a, b in _tables(hit.text))
    return out


#: a line this short between two table rows is a cell's text wrapped onto a line of its own
_WRAPPED_WORDS = 6
#: a table's row label or column header is a name ("Objectives", "Priority 3: Prevent and Reduce
#: Crime and Anti-Social Behaviour"), not a cell of content
_HEADER_WORDS = 12


def _table_blocks(text: str) -> list[tuple[int, int, int]]:
    """Each table of a passage as (start, end, rows): its lines with " | " between cells, from
    its first row (the header) to its last, with the short lines a cell wrapped onto
    ("Company") inside."""
    blocks: list[tuple[int, int, int]] = []
    start = end = None
    rows = pos = 0
    lines = text.split("\n")
    for i, line in enumerate(lines):
        line_end = pos + len(line)
        if " | " in line:
            if start is None:
                start, rows = pos, 0
            end, rows = line_end, rows + 1
        elif start is not None and not (len(line.split()) <= _WRAPPED_WORDS and i + 1 < len(lines)
                                        and " | " in lines[i + 1]):
            blocks.append((start, end, rows))
            start = None
        pos = line_end + 1
    if start is not None:
        blocks.append((start, end, rows))
    return blocks


def _tables(text: str, max_words: int = 120) -> list[tuple[int, int]]:
    """The spans of the small tables in a passage (``_table_blocks``): two or more rows, and
    at most ``max_words`` words (a larger table is left to its rows). A table is one candidate
    too: "who are the non-statutory partners?" is answered by a column of it, under its
    header, which no one cell says."""
    return [(a, b) for a, b, rows in _table_blocks(text) if rows >= 2 and len(text[a:b].split()) <= max_words]


#: a sentence that only points elsewhere: "(See draft plan **Appendix A**)", "(see legal implications item 8)."
_POINTER = re.compile(r"^\(\s*see\b[^()]*\)\.?$", re.IGNORECASE)


def _is_statement(unit: str) -> bool:
    """A short line in sentence case ("Strengthen community cohesion", "Increase reporting of
    under-reported crimes"): an aim or item whose bullet was lost, not a title left in the text
    ("Early Areas of Focus"), which capitalises its words."""
    words = unit.rstrip("".join(TERMINAL) + ":").split()
    content = [w for w in words[1:] if len(w) > 3 and w[0].isalpha()]
    return (3 <= len(words) <= 8 and words[0][:1].isupper() and len(content) >= 2
            and all(w[0].islower() for w in content))


_ITEM = re.compile(r"^(\s*)(?:-|\d{1,2}[.)])\s+")  # "- item" or "1. item"
#: a numbered paragraph that opens with its subject's name: "4.9 Mediation: ...", "3.4 Place Thematic Group: ..."
_NUMBERED_LABEL = re.compile(r"\d+(?:\.\d+)+\s+[A-Z][^:.;!?\n]{2,60}:\s")
_LEAD_IN_WORDS = 8


def _depth(line: str) -> int | None:
    """A list line's indentation (nested items are indented), None for a line that is not an item."""
    m = _ITEM.match(line)
    return len(m.group(1)) if m else None


def _item_kind(line: str) -> str:
    """Whether a list line is a bullet ("-") or a numbered item ("1")."""
    return "-" if line.lstrip().startswith("-") else "1"


def _line_end(text: str, pos: int) -> int:
    """Where the line holding ``pos`` ends (its newline, or the end of the text)."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def with_list(c: Candidate, max_items: int = 8, max_words: int = 120) -> Candidate:
    """The candidate extended over the list it introduces, as one exact span of its passage:
    a sentence ending in ':' (or a line without an ending) carries the list lines that follow
    it, and a list line carries the items nested under it ("the Four P approach ...: A fifth
    P ..." and its Pursue/Protect/Prepare/Prevent lines). Otherwise the candidate itself."""
    text = c.hit.text
    line_end = _line_end(text, c.end)
    rest = text[c.end:line_end].strip()
    # "... delivery. As such the Board works;": a short lead-in after the sentence, ending its line
    if rest and not (len(rest.split()) <= _LEAD_IN_WORDS and rest.rstrip(" -–").endswith((":", ";"))):
        return c  # not the last sentence of its line
    line_start = text.rfind("\n", 0, c.start) + 1
    own = _depth(text[line_start:line_end])
    # "... as follows:", or a lead-in whose colon the PDF lost ("Success will be measured by")
    lead = (rest or c.text).rstrip(" -–")  # "Priorities for 2021/22 are: -"
    # "4.9 Mediation: CSPT have introduced a mediation service ...": a numbered paragraph that
    # names its subject introduces the items that follow it ("- Since April 2021 we have received 12 ...")
    numbered = own is None and bool(_NUMBERED_LABEL.match(text, line_start))
    introduces = lead.endswith((":", ";")) or (own is None and not lead.endswith(TERMINAL)) or numbered
    end, items, words = line_end if rest else c.end, 0, len(text[c.start:line_end].split())
    kind = None
    for line in text[line_end + 1:].split("\n"):
        depth = _depth(line)
        if depth is None or not (introduces or (own is not None and depth > own)):
            break
        # "- Dudley MBC ... - Clinical Commissioning Group" then "6. There is a duty ...": the
        # next numbered paragraph is not one of the bullets
        kind = kind or _item_kind(line)
        if _item_kind(line) != kind:
            break
        words += len(line.split())
        if items >= max_items or words > max_words:
            break
        end = end + 1 + len(line) if items or rest else line_end + 1 + len(line)  # the lines follow one another
        items += 1
    if not items:
        return c
    return replace(c, text=text[c.start:end], end=end)


def listed(c: Candidate) -> int:
    """How many items the list a candidate introduces holds, as ``with_list`` quotes it: 0
    when it introduces none, or when the quote leaves some of the list out (it is too long).
    Items indented deeper than the first are nested under an item and not counted; one less
    indented is (PDFs indent a list's items unevenly)."""
    quoted = with_list(c)
    if with_list(c, max_items=sys.maxsize, max_words=sys.maxsize).end != quoted.end:
        return 0
    depths = [d for d in map(_depth, quoted.text.split("\n")[1:]) if d is not None]
    return sum(d <= depths[0] for d in depths) if depths else 0


#: an inline enumeration of names after its subject: "these areas are "Dudley Central" and Brierley Hill."
_ENUMERATION = re.compile(r"\b([A-Za-z][\w'-]*)\s+(?:are|include|comprise)\s*:?\s+(.+?)[.;]?\s*$", re.IGNORECASE)
_ITEM_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


def named_items(c: Candidate, subjects: frozenset[str]) -> int:
    """How many names a sentence enumerates inline as what one of ``subjects`` (tokens) are
    ("For Dudley Borough these areas are "Dudley Central" and Brierley Hill." -> 2 for
    "area"): the items after "<subject> are/include/comprise", each of them capitalised; 0 when
    there is no such list, its subject is another, or an item is not a name."""
    m = _ENUMERATION.search(c.text)
    if not m or not set(tokenize(m.group(1))) & subjects:
        return 0
    items = [i.strip(" \"'“”‘’") for i in _ITEM_SPLIT.split(m.group(2))]
    return len(items) if len(items) >= 2 and all(i[:1].isupper() for i in items) else 0


def refers_back(text: str) -> bool:
    """Whether a sentence opens by referring to what came before it ("These areas are ...",
    "For Dudley Borough these areas are ...")."""
    return bool(_REFERS_BACK.match(text)) or bool(re.search(r"\b(?:these|those|such)\s+\w+\s+(?:are|is|were|was|include)\b",
                                                             text, re.IGNORECASE))


def with_sequel(c: Candidate, max_words: int = 40) -> Candidate:
    """The candidate extended over the next sentence of its line when that one refers back to
    it ("... included in the new Liquid Logic recording system. This will enable us to
    identify any trends."): what it adds is about the candidate, and reads only with it.
    Otherwise the candidate itself."""
    text = c.hit.text
    line_end = _line_end(text, c.end)
    units = line_units(text[c.end:line_end]) if " | " not in text[c.start:line_end] else []
    if not units or not _REFERS_BACK.match(units[0]) or len(units[0].split()) > max_words:
        return c
    end = text.find(units[0], c.end) + len(units[0])
    return replace(c, text=text[c.start:end], end=end)


def spoken(text: str) -> str:
    """A quote as it reads in a sentence: its list lines joined with "; ", without their bullets
    or the stops that end each line ("12 adults (male)." and "14 children": "12 adults
    (male); 14 children"), and without the marker a footnote opens with ("⁷ Under reported
    crimes include ..."); a table's header row is followed by a colon."""
    lines = [FOOTNOTE.sub("", _ITEM.sub("", ln).strip()) for ln in text.split("\n")]
    head, *items = [ln for ln in lines if ln]
    if not items:
        return head
    head = re.sub(r":\s*[-–]$", ":", head)  # "The Responsible Authorities are: -"
    *inner, last = items
    lead = f"{head}:" if " | " in head and not head.endswith(":") else head  # a table's header row
    return f"{lead} {'; '.join([*(re.sub(r'[.;,]+$', '', i) for i in inner), last])}"


#: a sentence whose subject is the previous sentence's ("This included ...", "In 2022, these were ...")
_REFERS_BACK = re.compile(r"^(?:-\s*)?(?:(?:in|by|during|since|at)\s[^,]{1,40},\s*)?(?:this|these|they|it|such|those)\b",
                          re.IGNORECASE)


def _with_antecedents(cands: list[Candidate], cos: np.ndarray) -> np.ndarray:
    """Each sentence's closeness in meaning to the question; a sentence that refers back ("These
    involved parents ... delivering walkabouts") is about what the sentence before it says, so it
    is at least as close as the mean of its own and that sentence's."""
    out = cos.copy()
    for i in range(1, len(cands)):
        c, prev = cands[i], cands[i - 1]
        if prev.hit is c.hit and _REFERS_BACK.match(c.text):
            out[i] = max(out[i], (cos[i] + out[i - 1]) / 2)
    return out


def acronym_words(question: str, glossary: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    """For ``score``'s ``equivalents``: each acronym token whose long form the question spells
    out ("anti-social behaviour": "asb"), mapped to the tokens of that long form."""
    return {t: frozenset(tokenize(" ".join(forms))) for a, forms in spelled_out(question, glossary).items()
            for t in tokenize(a)}


def family_words(terms: Iterable[str], families: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """For ``score``'s ``equivalents``: each stem of a question term's word family
    (``index.families``: "violent" for "violence"), mapped to the terms it stands for."""
    out: dict[str, set[str]] = {}
    for t in terms:
        for w in families.get(t, ()):
            out.setdefault(w, set()).add(t)
    return {w: frozenset(ts) for w, ts in out.items()}


def merged(*maps: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """Token maps joined: a token standing for the union of what each map says it stands for."""
    out: dict[str, frozenset[str]] = {}
    for m in maps:
        for k, v in m.items():
            out[k] = out.get(k, frozenset()) | v
    return out


def question_terms(question: str, idf: Callable[[str], float], exclude: set[str]) -> dict[str, float]:
    """IDF weight of each distinct content term of the question, minus ``exclude`` and the
    words it is asked with."""
    return {t: idf(t) for t in dict.fromkeys(tokenize(question)) if t not in exclude and t not in ASKING_WORDS}


def score(cands: list[Candidate], terms: dict[str, float], qvec: np.ndarray, vectors: np.ndarray,
          *, figure_question: bool, specificity_weight: float = 0.0, definition_question: bool = True,
          equivalents: dict[str, frozenset[str]] | None = None, commitment_weight: float = 0.0,
          heading_weight: float = 1.0, repeated_labels: frozenset[str] = frozenset(),
          table_coverage: float = 0.0, money_terms: frozenset[str] = frozenset()) -> None:
    """Set each candidate's coverage, score (does it answer?) and rank (which to show first) in
    place. ``equivalents`` maps a sentence token to the question terms it stands for: an
    acronym's token to the tokens of the long form the question spells out (a sentence using
    the acronym, "ASB has decreased by 18%", covers those words), a stem to the terms of its
    word family ("violent" covers "violence").
    ``commitment_weight`` (for a question about what was promised): added to the rank of a
    sentence that says what will be done. ``heading_weight``: how much a question term counts
    when only the sentence's heading says it (under "Tackling Modern Slavery", every sentence
    has the heading's words; the sentences that say them themselves come first).
    A sentence whose line label names what it is about ("4.5 Operation Encompass: ... The
    direct connection between the police, schools ...") is shown under it when the sentence
    does not say it and no heading is shown for question terms: the user asking in their own
    words learns the programme's name. ``repeated_labels`` (``label_key``) are line types a
    document repeats ("Recent work:", "Challenges:"), which name nothing, and are not shown.
    ``money_terms``: the question's words for money ("money", "funding"), which a sentence
    stating a sum of money ("£435k") covers whatever its words.
    A whole table (``Candidate.table``) answers only when its words, its header row's and
    first column's, cover at least ``table_coverage`` of the question's."""
    total = sum(terms.values()) or 1.0
    cos = _with_antecedents(cands, vectors @ qvec if len(cands) else np.zeros(0))
    equivalents = equivalents or {}
    for c, sim in zip(cands, cos):
        words = c.words.union(*(equivalents[t] for t in c.words & equivalents.keys()))
        if money_terms and any(is_money(f) for f in c.figures):
            words |= money_terms  # "£841,142 New Burdens Funding allocated to ..." is about money
        heading_words = c.heading_words - words
        # "In October 2022, this included: ...": what "this" is, the sentence before says
        before = set(tokenize(" ".join(c.context.split()[-40:]))) if _REFERS_BACK.match(c.text) else set()
        own = sum(w for t, w in terms.items() if t in words)
        c.coverage = (own + heading_weight * sum(w for t, w in terms.items() if t in heading_words)
                      + 0.5 * sum(w for t, w in terms.items() if t in before - words - heading_words)) / total
        gained = {p: sum(terms[t] for t in set(tokenize(p)) - words if t in terms) for p in c.headings}
        if gained and max(gained.values()) > own:  # the heading says what the sentence is about
            c.heading = max(gained, key=gained.__getitem__)
        elif (c.label and label_key(c.label) not in repeated_labels and "|" not in c.label
              and not set(tokenize(c.label)) <= c.words):
            c.heading = c.label
        c.score = 0.45 * float(sim) + 0.45 * c.coverage + 0.10 * c.hit.score
        if figure_question and _HAS_DIGIT.search(c.text):
            c.score += 0.08
        if c.table and c.coverage < table_coverage:
            c.score = 0.0  # a table the question is not about (its header and first column say little of it)
        # the choice among sentences that answer also weighs what each adds beyond the question
        # (names, programmes, figures); whether a sentence answers at all is judged on score alone
        c.rank = c.score + specificity_weight * specificity(c.text, terms, known=frozenset(tokenize(c.hit.partnership)))
        if commitment_weight and c.commits:
            c.rank += commitment_weight
        if not definition_question and is_glossary_line(c.text):
            c.rank -= 1.0  # spelling out an acronym shows the topic is mentioned, not what is done: shown last


#: a capitalised word or a number: names, programmes and figures
_SPECIFIC = re.compile(r"\b(?:[A-Z][\w&'’-]*|\d[\d,.%]*)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+)$")


def specificity(text: str, terms: dict[str, float], saturation: int = 4, known: frozenset[str] = frozenset()) -> float:
    """What specific content a sentence adds beyond the question's own words: the distinct
    capitalised words and numbers (not at a sentence start, not question terms or ``known``
    words such as its partnership's name), as a share of ``saturation``. 0 for a sentence
    that only restates the topic."""
    body = text.lstrip("-•* ")
    found: set[str] = set()
    for m in _SPECIFIC.finditer(body):
        if _SENTENCE_START.search(body[: m.start()]):
            continue  # any word is capitalised there
        tok = m.group(0).lower().rstrip(".,")
        if not any(t in terms or t in known for t in tokenize(tok)):
            found.add(tok)
    return min(1.0, len(found) / saturation)


#: where a question asks a further thing: "?", ";", ", and ...", "... and who/how ...", " - "
_PART_BREAK = re.compile(r"[?;]|,\s*(?:and|or|plus)\s+|\s+(?:and|or)\s+(?=(?:who|what|which|how|when|where|why|whether|is|are|was|"
                         r"were|does|do|did|has|have|will|can)\b)|\s+[-–—]\s+", re.IGNORECASE)


def question_parts(question: str, terms: dict[str, float]) -> list[dict[str, float]]:
    """The terms of each thing a question asks ("who chairs the reviews, and which organisation
    helps with the training?" asks two), for parts with terms of their own; [] when it asks one."""
    parts = []
    for piece in _PART_BREAK.split(question):
        own = {t: terms[t] for t in tokenize(piece) if t in terms}
        if own and own not in parts:
            parts.append(own)
    return parts if len(parts) > 1 else []


def part_coverage(c: Candidate, part: dict[str, float]) -> float:
    """The IDF-weighted share of one part's terms the sentence (or its heading) contains."""
    return sum(w for t, w in part.items() if t in c.said_words) / (sum(part.values()) or 1.0)


def facet_picks(cands: list[Candidate], parts: list[dict[str, float]], *, min_score: float,
                min_coverage: float = 0.5) -> list[Candidate]:
    """For each part of a question that asks several things, the answering sentence that covers
    that part best (ties: the better score), so no part goes unanswered."""
    picks: list[Candidate] = []
    for part in parts:
        best = max(((part_coverage(c, part), c.score, i) for i, c in enumerate(cands) if c.score >= min_score),
                   default=None)
        if best and best[0] >= min_coverage and cands[best[2]] not in picks:
            picks.append(cands[best[2]])
    return picks


def rank_of(c: Candidate) -> float:
    """The order in which answering sentences are chosen and shown (the score when unranked)."""
    return c.score if c.rank is None else c.rank


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= 0.6


def select(cands: list[Candidate], *, limit: int, min_score: float, per_passage: int | None = None,
           first: list[Candidate] | None = None, terms: dict[str, float] | None = None,
           novelty: float = 0.0) -> list[Candidate]:
    """Best-ranked candidates scoring at least ``min_score``, at most ``limit`` (``per_passage``
    from one passage), no near-duplicates. ``first`` (each answering a part of the question)
    come before the rest and on top of the limits.

    With ``novelty`` and the question's ``terms``, the choice is greedy over what is still
    unsaid: each next sentence is the one whose rank plus ``novelty`` x the share of the terms'
    weight it covers that no sentence chosen so far covers is highest. Ten sentences all about
    "youth justice" then give way to one that also says what the question asks about it
    ("education")."""
    firsts = [c for c in first or [] if c in cands]
    chosen: list[Candidate] = []
    chosen_words: list[frozenset[str]] = []
    terms = terms if novelty else None
    total = sum(terms.values()) if terms else 0.0
    said: set[str] = set()  # question terms the chosen sentences cover

    def take(c: Candidate) -> bool:
        if any(_similar(c.words, w) for w in chosen_words):
            return False
        chosen.append(c)
        chosen_words.append(c.words)
        if terms:
            said.update(t for t in terms if t in c.said_words)
        return True

    def gain(c: Candidate) -> float:
        if not terms or not total:
            return rank_of(c)
        unsaid = sum(w for t, w in terms.items() if t not in said and t in c.said_words)
        return rank_of(c) + novelty * unsaid / total

    for c in firsts:
        take(c)
    taken = 0  # chosen under the limits
    from_passage: dict[str, int] = {}
    pool = sorted((c for c in cands if c not in firsts and c.score >= min_score), key=lambda c: -rank_of(c))
    while pool and taken < limit:
        c = max(pool, key=gain) if terms else pool[0]  # max keeps the first of equals, as the sort does
        pool.remove(c)
        if from_passage.get(c.hit.chunk_id, 0) >= (per_passage or limit) or not take(c):
            continue
        taken += 1
        from_passage[c.hit.chunk_id] = from_passage.get(c.hit.chunk_id, 0) + 1
    return chosen
