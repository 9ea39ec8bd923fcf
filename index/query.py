"""Query understanding: which partnerships a question names, whether it asks across
partnerships, its topic (the question without partnership names and "which partnerships"
wording, which the partnership filter already handles), and acronym expansion from the
corpus's own definitions.

The glossary is not hand-written: it is the union of the acronyms each document defines
("Multi-Agency Risk Assessment Conference (MARAC)", glossary lines), recorded at ingest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.lexical import query_terms
from ingest.partnerships import (
    Registry,
    group_pattern,
    name_pattern,
    partnerships_in_query,
)

_CROSS = re.compile(
    r"\b(?:which|what|how many)\s+(?:of\s+the\s+)?(?:areas?|places?)\b"
    # "which partnerships"; a plural with a few words between: "which community safety partnerships"
    r"|\b(?:which|what|how many)\s+(?:of\s+the\s+)?(?:partnerships?|boroughs?|csps?|councils?|local\s+authorit(?:y|ies))\b"
    r"|\b(?:which|how many)\s+(?:of\s+the\s+)?(?:(?!(?:do|does|did|is|are|was|were|has|have|had)\b)[\w-]+\s+){1,3}?"
    r"(?:partnerships|boroughs|csps|councils|local\s+authorities)\b"
    r"|\bcompar(?:e|es|ed|ing|ison)\b|\bacross\b|\b(?:each|every|all|both)\s+(?:of\s+the\s+)?(?:partnerships?|boroughs?|csps?|areas?)\b"
    r"|\bdiffer(?:ence|ences|ent)?\s+(?:between|from)\b|\bversus\b|\bvs\.?\s|\bside by side\b|\b(?:any|none)\s+(?:of\s+the\s+)?(?:partnership|borough|csp)s?\b",
    re.IGNORECASE,
)


@dataclass
class QueryPlan:
    """What the retriever needs to know about a question."""

    text: str
    expanded: str
    partnerships: list[str] = field(default_factory=list)
    cross: bool = False
    expansions: dict[str, list[str]] = field(default_factory=dict)
    topic: str = ""  # expanded topic; "" when it is the question itself (nothing to remove)
    # a cross-partnership question's topic without the domain every partnership works in
    # ("... in their community safety work"): what ranks each partnership's passages; else the topic
    focus: str = ""


def build_glossary(acronym_maps: list[dict[str, str]]) -> dict[str, list[str]]:
    """acronym -> distinct long forms, from every document's own definitions."""
    glossary: dict[str, list[str]] = {}
    for mapping in acronym_maps:
        for acronym, long_form in mapping.items():
            forms = glossary.setdefault(acronym.upper(), [])
            if long_form.lower() not in (f.lower() for f in forms):
                forms.append(long_form)
    return glossary


def _additions(query: str, glossary: dict[str, list[str]]) -> tuple[list[str], dict[str, list[str]]]:
    """Long forms of the acronyms a query uses, and acronyms of the long forms it spells out."""
    found: dict[str, list[str]] = {}
    tokens = dict.fromkeys(re.findall(r"\b[A-Za-z&]{2,10}\b", query))  # in order: the expansion text is reproducible
    for token in tokens:
        if token.endswith("s") and token[:-1].isupper() and len(token) > 2:  # a plural acronym: "IDVAs"
            token = token[:-1]
        forms = glossary.get(token.upper())
        if forms and (token.isupper() or len(token) >= 4):
            found[token.upper()] = forms
    extra_acronyms = [a for a in spelled_out(query, glossary) if a not in found]
    return [f for forms in found.values() for f in forms] + extra_acronyms, found


def spelled_out(query: str, glossary: dict[str, list[str]]) -> dict[str, list[str]]:
    """The acronyms whose long forms (of two words or more) a query spells out, with those
    forms: "anti-social behaviour" -> {"ASB": ["Anti-Social Behaviour"]}."""
    lowered = query.lower()
    spelled = {a: [f for f in forms if len(f.split()) >= 2 and f.lower() in lowered] for a, forms in glossary.items()}
    return {a: forms for a, forms in spelled.items() if forms}


def _with(text: str, additions: list[str]) -> str:
    return f"{text} ({'; '.join(additions)})" if additions else text


def expand(query: str, glossary: dict[str, list[str]]) -> tuple[str, dict[str, list[str]]]:
    """Append long forms for acronyms in the query, and acronyms for long forms it spells out."""
    additions, found = _additions(query, glossary)
    return _with(query, additions), found


_PARTNERSHIP_WORDS = re.compile(r"\b(?:partnerships?|csps?|boroughs?)\b", re.IGNORECASE)
#: the domain every partnership works in: across partnerships it tells none of them apart
_DOMAIN = re.compile(r"\bcommunity[- ]safety(?:\s+work)?\b", re.IGNORECASE)
#: "does suicide come up", "which partnerships bring up knife crime", "which one raises it": how a
#: question asks whether something is mentioned, not what it is about ("come together", "raise awareness")
_MENTIONED = re.compile(r"\b(?:(?:come|comes|came|coming|crop|crops|cropped|bring|brings|brought|bringing)\s+up"
                        r"|(?:raise|raises|raised|raising)\s+(?:it|this|that|them|these|those))\b", re.IGNORECASE)


def topic_of(query: str, registry: Registry) -> str:
    """The question without partnership mentions (names, full names, aliases, acronyms, groups)
    and cross-partnership wording: "Compare how Walsall and Dudley tackle hate crime" -> "how
    tackle hate crime". Names say where to look, which the partnership filter does; left in,
    they pull a question's embedding towards passages that name the place, not the topic."""
    names = {n: name_pattern(n) for p in registry.partnerships for n in (p.full_name, p.name, *p.aliases)}
    # a group's name stays where it says how far something reaches ("Black Country-wide bodies")
    names.update({g: group_pattern(g) for g in registry.groups})
    out = query
    for name in sorted(names, key=lambda n: (-len(n), n)):  # longest first; ties in a fixed order
        out = re.sub(names[name], " ", out, flags=re.IGNORECASE)
    for acronym in sorted({a for p in registry.partnerships for a in p.acronyms}):
        out = re.sub(r"(?<![\w])" + re.escape(acronym) + r"(?![\w])", " ", out)
    out = _MENTIONED.sub(" ", _PARTNERSHIP_WORDS.sub(" ", _CROSS.sub(" ", out)))
    return re.sub(r"\s+", " ", out).strip()


def analyse(query: str, registry: Registry, glossary: dict[str, list[str]], *, expand_acronyms: bool = True) -> QueryPlan:
    named = partnerships_in_query(query, registry)
    cross = bool(_CROSS.search(query)) or len(named) >= 2
    topic = topic_of(query, registry) if (named or cross) else ""
    # acronyms are expanded from the topic: "CSPs" or "SWP" name partnerships, not what is asked
    additions, expansions = _additions(topic or query, glossary) if expand_acronyms else ([], {})
    expanded = _with(query, additions)
    topic = _with(topic, additions) if topic else ""
    if topic and not query_terms(topic):
        # "What is Safe and Sound?": nothing is left once the names go; the partnership is the topic
        topic = ""
    topic = topic if topic and topic != query else ""
    focus = re.sub(r"\s+", " ", _DOMAIN.sub(" ", topic)).strip() if cross else topic
    return QueryPlan(text=query, expanded=expanded, partnerships=named, cross=cross, expansions=expansions,
                     topic=topic, focus=focus if query_terms(focus) else topic)
