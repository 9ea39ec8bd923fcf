"""Which partnerships' documents mention the things a question names.

A question that names something precise, an acronym ("MARAC", "IDVAs") or a capitalised name
("Operation Guardian", "Channel Panel"), is about that thing. When no document of the
partnerships it asks about mentions it, no passage of theirs answers it, however close in
meaning ("multi-agency meetings about high-risk children" is not MARAC). The answer layer
says so, and says whose documents do mention it.

A term is mentioned where a passage (or its section heading) holds its words in order,
compared as stemmed tokens ("Victims' Code" meets "victims code"). An acronym is also
mentioned where a document spells it out: by a long form the documents define for it (the
glossary), or by words whose initials spell it ("Domestic Homicide Review" for "DHR").
Both keep the check lenient: a term counts as missing only when nothing that could be it is
there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.lexical import tokenize
from ingest.metadata import MONTHS
from ingest.partnerships import Registry, name_pattern, uk_areas

#: an acronym as a question writes it: "MARAC", "IDVAs", "A&E" (two letters or more)
_ACRONYM = re.compile(r"(?<![\w&])([A-Z][A-Z&]{1,7})(?:s)?(?![\w&])")
#: a word of a name: capitalised, not an acronym ("VRU's" is one), without a lower-case suffix ("Midlands-wide")
_NAME_WORD = r"[A-Z][a-z][\w'’]*(?:-[A-Z][\w'’]*)*"
#: a capitalised name of two words or more: "Operation Guardian", "Police and Crime Commissioner"
_NAME = re.compile(rf"(?<![\w'’-]){_NAME_WORD}(?:\s+(?:(?:of|and|for|&)\s+)?{_NAME_WORD})+")
#: where a sentence starts: its first word is capitalised anyway ("Besides the ...", "If I'm ...")
_SENTENCE_START = re.compile(r"(?:^|[.?!:;]\s+|\s[-–—]\s+|\n)$")
_CALENDAR = frozenset([*MONTHS, "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
#: acronyms of the questions' own vocabulary, not of a thing the documents might lack
_GENERIC = frozenset({"CSP", "UK", "OK", "FAQ", "PDF", "NB", "AKA", "ETC", "TBC"})
#: the small words an acronym's spelled-out form may carry between its initials
_LINKS = r"(?:\s+(?:of|and|for|the|in|on|to|&)\s+|\s+|-)"


@dataclass(frozen=True)
class NamedTerm:
    """A thing a question names: its text as written, and whether it is an acronym."""

    text: str
    acronym: bool


def named_terms(question: str, registry: Registry) -> list[NamedTerm]:
    """The acronyms and capitalised names a question uses, less the partnerships' own names,
    aliases and acronyms, their groups ("Black Country") and local authority areas (which the
    area check handles): "What is MARAC, and who runs it in Sandwell?" -> [MARAC]."""
    own = [n for p in registry.partnerships for n in (p.name, p.full_name, *p.aliases)] + list(registry.groups)
    own_patterns = [re.compile(name_pattern(n), re.IGNORECASE) for n in own if n]
    own_acronyms = {a.upper() for p in registry.partnerships for a in p.acronyms}
    areas = set(uk_areas())
    terms: list[NamedTerm] = []
    for m in _ACRONYM.finditer(question):
        acronym = m.group(1)
        if acronym not in _GENERIC and acronym not in own_acronyms and NamedTerm(acronym, True) not in terms:
            terms.append(NamedTerm(acronym, True))
    for m in _NAME.finditer(question):
        words = m.group(0).split()
        if _SENTENCE_START.search(question[: m.start()]):
            words = words[1:]  # "Does Walsall ...", "Under the ...": capitalised because it starts a sentence
        while words and words[0].lower() in ("of", "and", "for", "&"):
            words.pop(0)
        name = " ".join(words)
        if (len(words) < 2 or any(p.search(name) for p in own_patterns) or name in areas
                or any(w.lower() in _CALENDAR for w in words)):
            continue
        if NamedTerm(name, False) not in terms:
            terms.append(NamedTerm(name, False))
    return terms


class Mentions:
    """Per partnership, its passages' words (stemmed tokens, headings included) and text, to
    tell whether its documents mention a term."""

    def __init__(self, texts: Sequence[str], trails: Sequence[str], partnerships: Sequence[str]) -> None:
        parts: dict[str, list[str]] = {}
        for text, trail, p in zip(texts, trails, partnerships, strict=True):
            parts.setdefault(p, []).append(f"{trail}\n{text}")
        self._said = {p: _Said("\n\n".join(ts)) for p, ts in parts.items()}

    def resolved(self, terms: Sequence[NamedTerm], glossary: dict[str, list[str]]) -> list[NamedTerm]:
        """``terms`` with each name that joins names by "and" ("Channel Panel and Operation
        Guardian") split into them, unless the documents use it whole ("Police and Crime
        Commissioner")."""
        out: list[NamedTerm] = []
        for t in terms:
            parts = [] if t.acronym else [p for p in re.split(r"\s+(?:and|&)\s+", t.text) if len(p.split()) >= 2]
            whole = len(parts) >= 2 and any(said.says(tokenize(t.text)) for said in self._said.values())
            out += [NamedTerm(p, False) for p in parts] if len(parts) >= 2 and not whole else [t]
        return list(dict.fromkeys(out))

    def mentioning(self, term: NamedTerm, glossary: dict[str, list[str]]) -> list[str]:
        """The partnerships whose documents mention ``term`` (sorted)."""
        return sorted(p for p, said in self._said.items() if said.mentions(term, glossary))

    @staticmethod
    def passage_mentions(text: str, trail: str, terms: Sequence[NamedTerm], glossary: dict[str, list[str]]) -> bool:
        """Whether one passage (or its heading) mentions any of ``terms``."""
        said = _Said(f"{trail}\n{text}")
        return any(said.mentions(t, glossary) for t in terms)


class _Said:
    """A text as the mention check reads it: its stemmed tokens, and the text itself."""

    def __init__(self, text: str) -> None:
        self.text = text
        # paragraphs apart: a phrase does not run from one passage into the next
        self.tokens = " | ".join(" ".join(tokenize(part)) for part in text.split("\n\n"))
        self.tokens = f" {self.tokens} "

    def says(self, words: Sequence[str]) -> bool:
        """Whether the text holds these tokens in a row (within one paragraph)."""
        return bool(words) and f" {' '.join(words)} " in self.tokens

    def mentions(self, term: NamedTerm, glossary: dict[str, list[str]]) -> bool:
        """An acronym: itself, a long form the glossary gives it, or words whose initials spell
        it. A name: its words, or its last two or more ("Crime Commissioner" mentions "West
        Midlands Police and Crime Commissioner": a name's head comes last)."""
        if term.acronym:
            forms = [tokenize(f) for f in (term.text, *glossary.get(term.text.upper(), []))]
        else:
            words = tokenize(term.text)
            forms = [words[i:] for i in range(max(len(words) - 1, 1))]
        if any(self.says(words) for words in forms):
            return True
        initials = _initials_pattern(term.text) if term.acronym else None
        return initials is not None and bool(initials.search(self.text))


def _initials_pattern(acronym: str) -> re.Pattern[str] | None:
    """Words whose initials spell ``acronym`` in order ("Domestic Homicide Review" for "DHR",
    "Anti-Social Behaviour" for "ASB"), with the small words a long form carries between them;
    None for an acronym with a sign in it ("A&E")."""
    if not acronym.isalpha():
        return None
    words = [rf"{c}[\w'’]*" for c in acronym.lower()]
    return re.compile(r"(?<![\w'’-])" + _LINKS.join(words) + r"(?![\w'’])", re.IGNORECASE)
