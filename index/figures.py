"""Figures in sentences, and disagreements between sources about the same figure.

A ``Figure`` is a number read from a sentence together with what it measures (the content
words just before it, e.g. "knife crime", and the unit just after it, e.g. "offences") and
the period it refers to (a year written next to it, or the year an "in the same year"
refers back to). Two figures from different passages with the same measure, unit and
period but different values are a ``Disagreement``: the answer shows both, with citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.lexical import STOPWORDS
from ingest.metadata import MONTHS

_YEAR = r"(?:19|20)\d\d(?:\s?[/-]\s?(?:\d\d){1,2})?"
#: a month, in full or as its usual abbreviation ("Sept", "Oct."), not a word it begins ("decade", "junior")
_MONTH_NAME = rf"(?:{'|'.join(MONTHS)}|{'|'.join(m[:3] for m in MONTHS)}|sept)\.?"
#: a day's date: "23 October 2019", "10th June", "March 3rd", "18/6/19", "24.04.20"
DAY_DATE = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAME}(?![a-z])|\b{_MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!\d)"
                      r"|\b\d{1,2}[./]\d{1,2}[./](?:\d{2}|\d{4})\b", re.IGNORECASE)
_YEAR_RE = re.compile(rf"\b{_YEAR}\b")
_NUMBER = re.compile(r"(?<![\w/.-])(£?\d[\d,]*(?:\.\d+)?(?:%|k|m|bn)?)(?![\w/-])")
#: a word keeps digits glued to it: "COVID19", "Covid-19", "S222" name things, they count nothing
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*\d*|[(),;:.]|£?\d[\d,./%-]*(?:(?:k|m|bn)?\b|(?<=%))")
_BOUNDARY = {",", ";", ":", ".", "(", ")"}
#: "1,227drug users": a grouped number glued to the next word where text extraction lost the space
_GLUED = re.compile(r"(\d,\d{3})(?=[a-z])")
#: numbers written as words ("two Youth PCCs"); "one" is left out: it is mostly a pronoun ("one of the ...")
NUMBER_WORDS = {w: float(n) for n, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
     "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]) if n >= 2}
NUMBER_WORDS.update({"thirty": 30.0, "forty": 40.0, "fifty": 50.0, "sixty": 60.0, "seventy": 70.0, "eighty": 80.0,
                     "ninety": 90.0, "hundred": 100.0, "dozen": 12.0})
_MONTHS = {*MONTHS, *(m[:3] for m in MONTHS), "sept"}  # "January", "Jan", "Sept"
_YEAR_LEAD = {"in", "since", "by", "from", "until", "during", "between", "to", "and", "of", "for", "year"} | _MONTHS
#: words after which "one" is a count, not a pronoun ("at least one meeting")
_ONE_LEAD = {"least", "only", "than", "exactly", "just"}
#: words that head a number without saying what it measures
_GENERIC = {"there", "were", "was", "is", "are", "has", "have", "had", "total", "number", "around", "over",
            "under", "approximately", "almost", "nearly", "some", "about", "just", "recorded", "with", "saw", "seen",
            "rose", "fell", "grew", "increased", "decreased", "reached", "totalled", "dropped", "counted", "up", "down",
            "only", "least", "more", "than", "less", "fewer", "estimated", "reported"}


@dataclass(frozen=True)
class Figure:
    value: float
    text: str  # as written, e.g. "3,275"
    measure: tuple[str, ...]  # content words before the number, nearest last
    unit: str  # the word after it ("offences", "%", "cases")
    period: str  # normalised year, e.g. "2018/19", or "" when the sentence gives none


def is_money(figure: Figure) -> bool:
    """A sum of money: "£435k", "£3.3 million", "20 thousand pounds"."""
    return figure.text.startswith("£") or figure.unit.lower() in {"million", "billion", "pounds", "thousand"}


def _norm_year(text: str) -> str:
    digits = re.findall(r"\d+", text)
    if len(digits) == 1:
        return digits[0]
    return f"{digits[0]}/{digits[1][-2:]}"


def _is_year(tokens: list[str], i: int) -> bool:
    tok = tokens[i]
    if not re.fullmatch(_YEAR, tok):
        return False
    if re.search(r"[/-]", tok):
        return True
    prev = tokens[i - 1] if i else ""
    # "the Police and Justice Act 2006", "Commonwealth Games 2022": the year of a name
    named = i > 1 and prev[:1].isupper() and prev.isalpha()
    return prev.lower() in _YEAR_LEAD or not prev or named


def figures_in(sentence: str, context: str = "") -> list[Figure]:
    """Figures stated in ``sentence``. ``context`` (the text before it) resolves "the same year"."""
    tokens = _TOKEN.findall(_GLUED.sub(r"\1 ", sentence))
    out: list[Figure] = []
    years_before = [_norm_year(y) for y in _YEAR_RE.findall(context)]
    for i, tok in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok.lower() == "one" and i and tokens[i - 1].lower() in _ONE_LEAD and re.match(r"[A-Za-z]", following) \
                and following.lower() not in STOPWORDS:
            value = 1.0  # "at least one public meeting", "only one provider"
        elif tok.lower() in NUMBER_WORDS:
            if not re.match(r"[A-Za-z]", following) or following.lower() in STOPWORDS:
                continue  # "two of them", "the two." — not a count of something named
            value = NUMBER_WORDS[tok.lower()]
        elif not _NUMBER.fullmatch(tok) or _is_year(tokens, i):
            continue
        elif i == 0 and re.fullmatch(r"\d+(?:\.\d+)+|\d+\.", tok) and following[:1].isupper():
            continue  # a section or item number ("4.10 Virtual Decisions: ..."), not a figure
        elif following.lower() in _MONTHS | {"th", "st", "nd", "rd"}:
            continue  # a date, not a figure
        else:
            try:
                value = float(re.sub(r"(?:%|k|m|bn)$", "", tok.lstrip("£")).replace(",", ""))
            except ValueError:
                continue
        measure: list[str] = []
        j = i - 1
        while j >= 0 and len(measure) < 2:
            word = tokens[j].lower()
            if word in _BOUNDARY or word in STOPWORDS or word in _GENERIC:
                if measure:
                    break
            elif re.match(r"[a-z]", word):
                measure.insert(0, word)
            else:
                break
            j -= 1
        unit = "%" if tok.endswith("%") else ""
        if not unit and i + 1 < len(tokens) and re.match(r"[A-Za-z]", tokens[i + 1]):
            unit = tokens[i + 1].lower()
        period = _period_after(tokens, i) or _period_before(tokens, i, years_before)
        if measure or unit:
            out.append(Figure(value, tok, tuple(measure), unit, period))
    return out


def _period_after(tokens: list[str], i: int) -> str:
    """A year in the same clause after the number ("261 offences in 2018/19")."""
    for j in range(i + 1, min(len(tokens), i + 6)):
        if tokens[j] in {";", "."}:
            break
        if re.fullmatch(_YEAR, tokens[j]) and _is_year(tokens, j):
            return _norm_year(tokens[j])
        if tokens[j].lower() == "same" and j + 1 < len(tokens) and tokens[j + 1].lower() in {"year", "period"}:
            return ""  # resolved backwards by the caller
    return ""


def _period_before(tokens: list[str], i: int, years_before: list[str]) -> str:
    """The latest year written before the number, in the sentence or its context."""
    for j in range(i - 1, -1, -1):
        if re.fullmatch(_YEAR, tokens[j]) and _is_year(tokens, j):
            return _norm_year(tokens[j])
    return years_before[-1] if years_before else ""


@dataclass
class Disagreement:
    measure: str  # e.g. "knife crime offences"
    period: str
    values: list[tuple[str, int]]  # (figure as written, index of the sentence that states it)


def find_disagreements(sentences: list[tuple[str, str, str]]) -> list[Disagreement]:
    """``sentences``: (sentence, context before it, group id — e.g. the source document).
    Figures with the same unit and period whose measures share a word, stated with
    different values in different groups."""
    facts: list[tuple[Figure, int, str]] = []
    for n, (sentence, context, group) in enumerate(sentences):
        facts += [(f, n, group) for f in figures_in(sentence, context) if f.period and f.measure]
    out: list[Disagreement] = []
    used: set[int] = set()
    for i, (f, n, group) in enumerate(facts):
        if i in used:
            continue
        values = {f.value: (f.text, n, group)}
        measure = set(f.measure)
        for j in range(i + 1, len(facts)):
            g, m, other = facts[j]
            if j not in used and g.unit == f.unit and g.period == f.period and measure & set(g.measure):
                used.add(j)
                values.setdefault(g.value, (g.text, m, other))
        if len(values) > 1 and len({grp for _, _, grp in values.values()}) > 1:
            label = " ".join(f.measure + ((f.unit,) if f.unit and f.unit != "%" else ()))
            out.append(Disagreement(label, f.period, [(text, k) for text, k, _ in values.values()]))
    return out
