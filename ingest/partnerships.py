"""Which partnership a text is about: the registry of known partnerships and name detection.

The registry (``corpus/partnerships.yaml``) lists each partnership's canonical short name,
full name, aliases, acronyms and groups. Detection works for a whole document (which
partnership published it) and for a question (which partnerships it names). Partnerships
missing from the registry are recognised by the usual naming patterns
("Safer X Partnership", "X Community Safety Partnership").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml


@dataclass
class Partnership:
    name: str
    full_name: str
    aliases: list[str] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)


@dataclass
class Registry:
    partnerships: list[Partnership] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str) -> Partnership | None:
        key = name.strip().lower()
        return next(
            (p for p in self.partnerships
             if key in (p.name.lower(), p.full_name.lower(), *(a.lower() for a in p.aliases))),
            None,
        )

    def canonical(self, name: str) -> str:
        """The canonical short name for any known name; unknown names come back title-cased."""
        found = self.get(name)
        return found.name if found else name.strip()

    def full_name(self, name: str) -> str:
        found = self.get(name)
        return found.full_name if found else name


def load_registry(path: Path | None) -> Registry:
    """Read the registry; a missing file gives an empty registry (detection still works by pattern)."""
    if path is None or not path.exists():
        return Registry()
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    parts = [
        Partnership(
            name=str(p["name"]),
            full_name=str(p.get("full_name") or p["name"]),
            aliases=[str(a) for a in p.get("aliases") or []],
            acronyms=[str(a) for a in p.get("acronyms") or []],
        )
        for p in raw.get("partnerships") or []
    ]
    groups = {str(k): [str(v) for v in vs] for k, vs in (raw.get("groups") or {}).items()}
    return Registry(parts, groups)


def _count(pattern: str, text: str, flags: int = re.IGNORECASE) -> int:
    return len(re.findall(r"(?<![\w])" + re.escape(pattern) + r"(?![\w])", text, flags))


#: after a group's name, what makes it say how far something reaches, not name the group's
#: partnerships: "Black Country-wide bodies" are regional bodies, not the four partnerships
GROUP_AS_EXTENT = r"(?!\s?-?\s?wide\b)"


def name_pattern(name: str) -> str:
    """A regex for a partnership's name (or alias), possessive or not, as a whole word."""
    return r"(?<![\w])" + re.escape(name) + r"(?:'s|’s)?(?![\w])"


def group_pattern(group: str) -> str:
    """A regex for a group's name (possessive or not) where it names the group's partnerships."""
    return name_pattern(group) + GROUP_AS_EXTENT


_PATTERNS = [
    re.compile(r"\bSafer ([A-Z][a-z]+) Partnership\b"),
    re.compile(r"\b([A-Z][a-z]+)(?:'s)? Community Safety Partnership\b"),
    re.compile(r"\bCommunity Safety Partnership for ([A-Z][a-z]+)\b"),
]


def detect_document_partnership(text: str, file_name: str, registry: Registry) -> tuple[str, str] | None:
    """(short name, full name) of the partnership a document belongs to, or None.

    Scores known partnerships by full names (x3), aliases (x2) and the area name (x1) in
    the text, plus the file name (x5); a partnership named by pattern but not in the
    registry is added with its pattern name. Acronyms are ignored here: they are ambiguous.
    """
    scores: Counter[str] = Counter()
    full: dict[str, str] = {}
    stem = file_name.lower()
    for p in registry.partnerships:
        full[p.name] = p.full_name
        scores[p.name] += 3 * _count(p.full_name, text)
        scores[p.name] += sum(2 * _count(a, text) for a in p.aliases)
        scores[p.name] += _count(p.name, text)
        if p.name.lower() in stem:
            scores[p.name] += 5
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            place = m.group(1)
            known = registry.get(place)
            name = known.name if known else place
            full.setdefault(name, m.group(0))
            scores[name] += 3
    scores = Counter({k: v for k, v in scores.items() if v > 0})
    if not scores:
        return None
    best, _ = scores.most_common(1)[0]
    return best, full[best]


def defined_acronyms(text: str) -> dict[str, str]:
    """Acronyms a document defines, e.g. 'Safer Wolverhampton Partnership (SWP)' -> {'SWP': ...}."""
    found: dict[str, str] = {}
    for m in re.finditer(r"((?:[A-Z][\w&'’-]*[ \t]+(?:(?:and|of|for|the|&)[ \t]+)?){1,8})\(([A-Z][A-Za-z&]{1,9})\)", text):
        acronym = m.group(2)
        words = m.group(1).split()
        while words and words[0][0].upper() != acronym[0].upper():  # "Walsall Multi Agency ... (MARAC)"
            words = words[1:]
        if acronym not in found and _abbreviates(acronym, " ".join(words)):
            found[acronym] = " ".join(words)
    for m in _GLOSSARY_LINE.finditer(text):
        if _defines(m):
            found.setdefault(m.group(1), m.group(2).strip())
    return found


#: a glossary line: "- SWP Safer Wolverhampton Partnership"
_GLOSSARY_LINE = re.compile(r"^[-•]?\s*([A-Z][A-Z&]{1,9})\s+([A-Z][^\n]{3,80})$", re.MULTILINE)


def _defines(m: re.Match[str]) -> bool:
    # the long form spells the acronym, and is not a line of capitals ("WEST MIDLANDS FIRE SERVICE")
    return _abbreviates(m.group(1), m.group(2)) and not m.group(2).isupper()


def is_glossary_line(line: str) -> bool:
    """The line only spells out an acronym ("- FGM Female genital mutilation")."""
    m = _GLOSSARY_LINE.fullmatch(line.strip())
    return bool(m) and _defines(m)


def _abbreviates(acronym: str, long_form: str) -> bool:
    """The acronym's letters appear in order in the long form, starting with its first letter
    ("CCTV" / "Closed Circuit Television")."""
    letters = [c for c in acronym.lower() if c.isalpha()]
    text = long_form.strip().lower()
    if not letters or not text or text[0] != letters[0]:
        return False
    position = 0
    for c in letters:
        position = text.find(c, position) + 1
        if position == 0:
            return False
    return True


def with_partnerships(registry: Registry, names: dict[str, str]) -> Registry:
    """The registry plus partnerships known only from the index ({short name: full name})."""
    extra = [Partnership(n, f or n) for n, f in names.items() if registry.get(n) is None]
    return Registry(registry.partnerships + extra, registry.groups) if extra else registry


def partnerships_in_query(query: str, registry: Registry) -> list[str]:
    """Canonical names of the partnerships a question names (names, full names, aliases,
    acronyms, groups). An acronym shared by several partnerships names all of them."""
    named: list[str] = []

    def add(name: str) -> None:
        if name not in named:
            named.append(name)

    for group, members in registry.groups.items():
        if re.search(group_pattern(group), query, re.IGNORECASE):
            for m in members:
                add(m)
    for p in registry.partnerships:
        if any(_count(n, query) for n in (p.name, p.full_name, *p.aliases)):
            add(p.name)
    explicit = list(named)
    by_acronym = [p.name for p in registry.partnerships
                  if p.name not in named and any(_count(a, query, 0) for a in p.acronyms)]
    for name in by_acronym:
        # a shared acronym ("SWP") next to an explicit name ("in Walsall") means that partnership
        owners = [p for p in registry.partnerships if set(p.acronyms) & set(registry.get(name).acronyms)]
        if not any(o.name in explicit for o in owners):
            add(name)
    return named


_AREA_IN_QUERY = re.compile(
    r"\b(?:Safer\s+([A-Z][a-z]+)\b"
    # "Solihull", "West Berkshire", "Stoke-on-Trent", "Newcastle upon Tyne"
    r"|(?<![\w-])([A-Z][a-z]+(?:(?:[ -](?:upon|on|under|in|by|le|en|super)){0,2}[ -][A-Z][a-z]+)?)(?:'s|’s)?\s+"
    r"(?:Community\s+Safety|CSP\b|(?:City\s+|Borough\s+|County\s+)?Council\b"
    r"|(?:Metropolitan\s+)?Borough\b|Safeguarding|Partnership\b))"
)
_NOT_AREAS = {"The", "A", "An", "Our", "This", "That", "Which", "What", "Each", "Every", "Any", "Local", "National",
              "Community", "Safety", "Safer", "Strategic", "Partnership", "City", "County", "Borough"}


@lru_cache(maxsize=1)
def uk_areas() -> tuple[str, ...]:
    """The UK's local authority areas (``ingest/uk_areas.txt``), longest first."""
    lines = Path(__file__).with_name("uk_areas.txt").read_text(encoding="utf-8").splitlines()
    names = {ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")}
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


@lru_cache(maxsize=1)
def _area_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each area's name with its whole-word pattern, compiled once (every answer checks them)."""
    return tuple((name, re.compile(rf"(?<![\w'’-]){re.escape(name)}(?![\w-])")) for name in uk_areas())


_NAME_WORD = re.compile(r"[A-Z][\w'’-]*")
#: words after an area's name that make it the area's body, not part of another name
_AREA_BODIES = {"Community", "CSP", "Council", "City", "Borough", "County", "Metropolitan", "Partnership", "Safeguarding"}


def areas_named_in(query: str) -> list[str]:
    """Local authority areas a question names on their own ("What is Solihull doing ...",
    "knife crime in Leeds"), longest name first where names overlap ("Newcastle upon Tyne", not
    "Newcastle"). A name inside a longer capitalised name is not the area ("Sutton Coldfield",
    "Birmingham and Solihull Clinical Commissioning Group"), nor is the question's first word
    unless it is possessive ("Coventry's ...")."""
    taken: list[tuple[int, int]] = []
    out: list[str] = []
    for name, pattern in _area_patterns():
        for m in pattern.finditer(query):
            start, end = m.span()
            if any(a <= start < b or a < end <= b for a, b in taken):
                continue
            after = query[end:]
            before = query[:start].rstrip()
            possessive = after[:2] in ("'s", "’s")
            if not before and not possessive:
                continue  # "Reading the plan ...": a question's first word is capitalised anyway
            following = _NAME_WORD.match(after[1:]) if after[:1] == " " else None
            if not possessive and following and following.group(0) not in _AREA_BODIES:
                continue  # part of a longer name ("Sutton Coldfield"), not "Leeds City Council"
            previous = before.split()[-1] if before else ""
            if _NAME_WORD.fullmatch(previous) and len(before.split()) > 1:
                continue  # "Royal Sutton", "Greater London": part of a longer name
            taken.append((start, end))
            out.append(name)
    return out


def _known_place(name: str, registry: Registry) -> bool:
    """The registry knows the place: a partnership by that name or alias, or by one of its
    capitalised parts ("Stoke", "Trent"), a partnership whose names it contains, or a group."""
    parts = [w for w in re.split(r"[ -]", name) if w[:1].isupper()]
    return (registry.get(name) is not None or any(registry.get(w) for w in parts)
            or any(_count(n, name) for p in registry.partnerships for n in (p.name, p.full_name, *p.aliases))
            or name in registry.groups)


def unknown_areas_in_query(query: str, registry: Registry) -> list[str]:
    """Places a question names as a partnership, council or borough that the registry does not
    know ("Coventry's Community Safety Partnership", "Solihull CSP", "Safer Leeds"), and UK
    local authority areas it names on their own ("What is Solihull doing ...")."""
    out: list[str] = []
    for m in _AREA_IN_QUERY.finditer(query):
        words = (m.group(1) or m.group(2) or "").split()
        while words and words[0] in _NOT_AREAS:  # "The Coventry", "Community Safety"
            words.pop(0)
        while words and words[-1] in _NOT_AREAS:
            words.pop()
        name = " ".join(words)  # "Stoke-on-Trent" keeps its hyphens
        if not name or _known_place(name, registry) or name not in query or name in out:
            continue
        out.append(name)
    out += [n for n in areas_named_in(query) if not _known_place(n, registry) and n not in out]
    return [n for n in out if not any(n != other and n in other for other in out)]  # "Telford and Wrekin", not "Wrekin"
