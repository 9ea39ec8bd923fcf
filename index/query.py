"""Query understanding: which partnerships a question names, whether it asks across
partnerships, and acronym expansion from the corpus's own definitions.

The glossary is not hand-written: it is the union of the acronyms each document defines
("Multi-Agency Risk Assessment Conference (MARAC)", glossary lines), recorded at ingest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.partnerships import Registry, partnerships_in_query

_CROSS = re.compile(
    r"\b(?:which|what|how many)\s+(?:of\s+the\s+)?(?:partnerships?|boroughs?|areas?|csps?|councils?|places?)\b"
    r"|\bcompar(?:e|es|ed|ing|ison)\b|\bacross\b|\b(?:each|every|all|both)\s+(?:of\s+the\s+)?(?:partnerships?|boroughs?|csps?|areas?)\b"
    r"|\bdiffer(?:ence|ences|ent)?\s+(?:between|from)\b|\bversus\b|\bvs\.?\s|\bside by side\b|\bany\s+(?:partnership|borough|csp)s?\b",
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


def build_glossary(acronym_maps: list[dict[str, str]]) -> dict[str, list[str]]:
    """acronym -> distinct long forms, from every document's own definitions."""
    glossary: dict[str, list[str]] = {}
    for mapping in acronym_maps:
        for acronym, long_form in mapping.items():
            forms = glossary.setdefault(acronym.upper(), [])
            if long_form.lower() not in (f.lower() for f in forms):
                forms.append(long_form)
    return glossary


def expand(query: str, glossary: dict[str, list[str]]) -> tuple[str, dict[str, list[str]]]:
    """Append long forms for acronyms in the query, and acronyms for long forms it spells out."""
    found: dict[str, list[str]] = {}
    tokens = set(re.findall(r"\b[A-Za-z&]{2,10}\b", query))
    for token in tokens:
        forms = glossary.get(token.upper())
        if forms and (token.isupper() or len(token) >= 4):
            found[token.upper()] = forms
    lowered = query.lower()
    extra_acronyms = [a for a, forms in glossary.items()
                      if a not in found and any(f.lower() in lowered for f in forms if len(f.split()) >= 2)]
    additions = [f for forms in found.values() for f in forms] + extra_acronyms
    if not additions:
        return query, found
    return f"{query} ({'; '.join(additions)})", found


def analyse(query: str, registry: Registry, glossary: dict[str, list[str]], *, expand_acronyms: bool = True) -> QueryPlan:
    named = partnerships_in_query(query, registry)
    expanded, expansions = expand(query, glossary) if expand_acronyms else (query, {})
    cross = bool(_CROSS.search(query)) or len(named) >= 2
    return QueryPlan(text=query, expanded=expanded, partnerships=named, cross=cross, expansions=expansions)
