"""AnswerQuestionPipeline: question in, cited answer out (``cspkb ask``, the app, the eval).

1. Retrieve (``index.search``) with the user's filters.
2. Decide whether the documents answer at all, and abstain plainly when they don't: a
   partnership or area with no documents in the index, nothing above the relevance floor,
   a named partnership without evidence, a year no indexed document covers, a "how
   many" (or "what is the population/rate/cost") question whose evidence gives no figure
   of what it asks about, a "who"/"which organisation" question whose evidence names nobody,
   a question asking for an email address, phone number or website that no passage gives, or
   one naming an acronym or name the documents it asks about never mention (``index.mentions``).
3. Compose the answer: extractive by default (``index.extractive``: exact sentences, one
   citation each, grouped by partnership for cross-partnership questions; each sentence is
   scored with the vector it was given at ingest, so only a few are embedded per answer), or LLM synthesis
   verified against the passages (``index.synthesis``) with the extractive answer as the
   fall-back when the model is unreachable.
4. Add what a careful reader must know: figures that disagree between sources (both shown,
   with citations), drafts, and documents much older than the newest in the index.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from cspkb.settings import Settings
from index import extractive as X
from index.citations import Answer, Citation, Statement, render, renumber
from index.embedding import VectorCache
from index.figures import DAY_DATE, find_disagreements, is_money
from index.lexical import token_set, tokenize
from index.mentions import named_terms
from index.query import topic_of
from index.search import CorpusView, Filters, Searcher, SearchHit, SearchResult
from ingest.metadata import MONTHS
from ingest.models import with_trail
from ingest.partnerships import unknown_areas_in_query

_COUNT_Q = re.compile(r"\bhow (?:many|much)\b|\bwhat (?:number|percentage|proportion|amount)\b|\bbudget\b"
                      # "What is the population of ...?", "What is Walsall's crime rate ...?"
                      # "What is the value of the refuge contract?": a sum of money (``_MONEY_TERMS``)
                      r"|\bwhat(?:'s|\s+is|\s+was|\s+are|\s+were)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}?(?:population|rate|cost|value|worth)\b",
                      re.IGNORECASE)
#: "how much weight/emphasis/progress ...": how far, not a quantity a figure gives
_EXTENT_Q = re.compile(r"how much\s+(?:[\w-]+\s+)?(?:weight|emphasis|importance|priority|attention|focus|say|influence|"
                       r"thought|detail|progress|difference|effort|work|involvement|notice|control|responsibility|"
                       r"consultation|engagement|collaboration|co-?operation)\b",
                       re.IGNORECASE)
#: "what proportion/percentage/share of ...": the figure must be a proportion
_PROPORTION_Q = re.compile(r"\b(?:what|by\s+what)\s+(?:percentage|proportion|share|fraction)\b", re.IGNORECASE)
#: a proportion stated: "27.5%", "35 per cent", "one in three", "7 out of 10", "half", "a third"
_PROPORTION = re.compile(r"\d\s*%|\bper\s?cent\b|(?<![\d.])\b(?:one|two|three|four|five|\d{1,3})\s+(?:in|out\s+of)\s+"
                         r"(?:every\s+)?(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,3})\b|\b(?:half|(?:a|one|two)\s+(?:third|quarter|fifth)s?|"
                         r"majority|minority)\b", re.IGNORECASE)
_MONEY_TERMS = ("funding", "funded", "money", "budget", "cost", "costs", "costing", "costed", "price", "priced", "spend",
                "spent", "spending", "grant", "grants", "pounds", "invest", "invested", "investment", "pay", "paid",
                "payment", "payments", "value", "worth")
#: "how much funding ...": the figure must be a sum of money
_MONEY_Q = re.compile(rf"\b(?:{'|'.join(_MONEY_TERMS)})\b|£", re.IGNORECASE)
#: the words a money question asks for the money with (tokenised), "fund" included
_MONEY_WORDS = token_set({"fund", *_MONEY_TERMS})
#: up to four words of a noun phrase, up to the verb or preposition after it
_NOUN_PHRASE = (r"((?:(?!(?:is|are|was|were|does|do|did|has|have|had|will|can|in|at|on|for|of|to|by|from|since|over|during|"
                r"each|per|so|now|currently|overall|altogether|last|this|that|which|who)\b)[A-Za-z][\w'-]*\s*){1,4})")
#: "how many knife crime offences were ...", "how much Turnaround Funding has ...": the noun phrase counted
_HOW_MANY = re.compile(r"\bhow (?:many|much)\s+(?:of\s+the\s+|different\s+|separate\s+)?" + _NOUN_PHRASE, re.IGNORECASE)
#: "how many organisations does the report list as Responsible Authorities?": what they are counted as
_AS_PHRASE = re.compile(r"\s*(?:[\w'’-]+\s+){0,6}?(?:lists?|listed|names?|named|counts?|counted|identif(?:y|ies|ied))"
                        r"\s+as\s+(?:the\s+|its\s+|their\s+)?" + _NOUN_PHRASE, re.IGNORECASE)
#: "how many strands of consultation ...": what the counted noun is made of
_OF_PHRASE = re.compile(r"\s*of\s+(?:the\s+|their\s+|its\s+|our\s+)?" + _NOUN_PHRASE, re.IGNORECASE)
#: what joins the nouns of a counted phrase: "adult and child cases", "knife or gun crimes"
_CONJUNCTION = re.compile(r"\s*,\s*|\s+(?:and|or|&)\s+", re.IGNORECASE)
_QUESTION_WORDS = token_set({"many", "much", "number", "percentage", "proportion", "amount", "total", "figure", "give", "get",
                   "record", "recorded", "did", "does", "has", "have", "roughly", "approximately", "exactly",
                   # "how many times did partners disrupt ...": times count what is done, not what is counted
                   "times", "occasions"})
#: "Who chairs/leads/runs …?", "Who is the chair of …?", "Who currently chairs …?": the role asked about
_WHO_Q = re.compile(r"^\s*who\s+(is\s+|are\s+|was\s+|were\s+)?(?:[a-z]+ly\s+)?(?:the\s+|a\s+)?([a-z]+)", re.IGNORECASE)
#: where the noun phrase after "who is/are" ends: "who are the core partners | in Dudley's CSP"
_PHRASE_END = re.compile(r"\s+(?:who|that|in|at|for|on|of|to|and|or|with|within|across|from|under|by|now|currently)\b"
                         r"|\s*[?,.;:(]|\s+[-–—]\s", re.IGNORECASE)
#: "What is the name of X's coordinator?": the role is the noun phrase's last word
_NAME_OF_Q = re.compile(r"\b(?:what(?:'s|\s+is|\s+was|\s+are)\s+the\s+names?\s+of|name)\s+(?:the\s+|a\s+|an\s+)?"
                        r"([\w'’ -]+?)(?=\s+(?:who|that|in|at|for|on|of)\b|\s*[?.]|\s*$)", re.IGNORECASE)
#: the people a "what is the name of ...?" question can ask about: it is answered by a person's name
#: ("Cllr Jane Smith"), not by a title ("the Chief Executive", "Leader of the Council")
_PERSON_ROLES = token_set({"executive", "commissioner", "commissioners", "coordinator", "co-ordinator", "member",
                           "members", "chair", "chairs", "chairman", "chairperson", "officer", "officers", "lead", "leads",
                           "leader", "manager", "head", "director", "inspector", "superintendent", "councillor",
                           "councillors", "mayor", "minister", "secretary", "champion", "adviser", "advisor", "person",
                           "people", "representative", "holder", "deputy", "vice"})
#: a person's title before their name
_TITLE = re.compile(r"\b(?:Councillor|Cllr|Mr|Mrs|Ms|Miss|Dr|Professor|Prof|Sir|Dame|Superintendent|Inspector|Sergeant|"
                    r"Commander|Constable)\.?\s+[A-Z][a-z]")
#: "Which organisation runs …?": a question answered by naming a body
_WHICH_BODY_Q = re.compile(r"^\s*which\s+(organi[sz]ations?|compan(?:y|ies)|charit(?:y|ies)|providers?|agenc(?:y|ies)|"
                           r"firms?|contractors?|hospitals?|universit(?:y|ies)|colleges?)\b", re.IGNORECASE)
#: bodies whose names say what they are ("Sandwell General Hospital", "University of Wolverhampton"):
#: "which hospital ...?" is answered only by a name that holds the word
_SELF_NAMED = token_set({"hospital", "university", "college"})
_BODY_WORDS = token_set({"organisation", "organisations", "organization", "company", "charity", "provider", "agency",
                         "firm", "contractor", "hospital", "university", "college"})
#: "How often does the strategic board meet?": answered only by a sentence that gives a frequency
_HOW_OFTEN_Q = re.compile(r"^\s*how\s+(?:often|frequently)\b", re.IGNORECASE)
_FREQUENCY = re.compile(r"\b(?:every\s+(?:\d+|two|three|four|five|six|eight|twelve|other|few)?\s*(?:days?|weeks?|months?|years?|quarters?)"
                        r"|(?:daily|weekly|fortnightly|monthly|bi-?monthly|quarterly|annually|yearly|bi-?annually|biannually)"
                        r"|(?:once|twice|\d+\s+times|three\s+times|four\s+times|six\s+times)\s+(?:a|per|each|every)\s+(?:day|week|fortnight|month|quarter|year)"
                        r"|(?:each|per)\s+(?:week|fortnight|month|quarter|year))\b", re.IGNORECASE)
#: "On what date did the board approve ...?": asks for a day's date (the passages must give one; their
#: short dated lines, "Cabinet 23 October 2019", are candidate sentences)
_DATE_Q = re.compile(r"\b(?:what|which)\s+(?:exact\s+)?(?:date|day)\b", re.IGNORECASE)
#: "What email address / phone number / website ...?": asks for contact details of one kind
_CONTACT_Q = re.compile(r"\b(?:(e-?mail)(?:\s+address)?|(phone|telephone)(?:\s+number)?|(website|web\s+address|web\s+page|url))\b",
                        re.IGNORECASE)
#: the contact details of each kind a passage can give
_CONTACT = (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
            re.compile(r"(?<!\d)(?:0\d{3,4}\s?\d{3}\s?\d{3,4}|\+44\s?\d[\d\s]{8,12})(?!\d)"),
            re.compile(r"\bwww\.|https?://|\b[\w-]+\.(?:org|gov|com|co|net|police|nhs)(?:\.uk)?\b|\b[\w-]+\.uk\b", re.IGNORECASE))
_CONTACT_KINDS = ("email address", "phone number", "website")
#: what comes right before a contact detail the question asks for ("What email address ...", "is there a
#: website ...", "What's the phone number ..."), not one it only mentions ("promoting the website")
_ASKS_FOR = re.compile(r"(?:\b(?:what|which)(?:'s|’s|\s+is|\s+are|\s+was)?|\bis\s+there|\bgives?)\s+"
                       r"(?:(?:the|a|an|any|their|its)\s+)?(?:[\w'’-]+\s+){0,3}$", re.IGNORECASE)
#: "What did the national review conclude ...?": asks what a piece of work found (group 1: the work)
_FINDINGS_Q = re.compile(r"\bwhat\s+did\s+(.{3,100}?)\s+(?:find|conclude|recommend|reveal|show|report\s+about)\b",
                         re.IGNORECASE)
#: says what the work found ("The review found that ... and partners will act on it")
_FOUND = re.compile(r"\b(?:found|concluded|showed|shown|revealed|identified|recommended|highlighted)\b", re.IGNORECASE)
#: where the name of the work ends: "the national review | of Community Safety Partnerships"
_WORK_END = re.compile(r"\s+(?:of|for|on|by|in|into|about|from|commissioned|carried|published|led|run)\b", re.IGNORECASE)
#: says the work is still to come: "the planned national review", "a profile is currently being commissioned"
_NOT_YET = re.compile(r"\b(?:planned|will|to\s+be|(?:is|are)\s+(?:currently\s+)?being|due\s+to|forthcoming|upcoming|"
                      r"proposed|intends?\s+to|going\s+to)\b", re.IGNORECASE)
#: the words "how often" is asked with, not what it asks about
_FREQUENCY_WORDS = token_set({"often", "frequently", "meet", "meets", "met", "meeting", "held", "take", "place", "happen",
                              "happens"})
#: where a clause of a question ends: "...; ...", "...?", "..., and ...", "... and who ..."
_CLAUSE_END = re.compile(r"[;?]|,\s+and\b|\s+and\s+(?=(?:which|who|what|how|when|where)\b)", re.IGNORECASE)
_AUXILIARY = {"is", "are", "was", "were", "does", "do", "did", "has", "have", "will", "would", "should", "can", "could",
              "in", "at", "on", "for", "of", "to"}
#: "Who sits on the board?", "who takes part in ...": asks who the members are, not who holds a role
_MEMBERSHIP = {"sit", "sits", "serve", "serves", "attend", "attends", "belong", "belongs", "join", "joins", "make",
               "makes", "take", "takes", "work", "works"}
#: a named person or body: a title, or two or more capitalised words in a row
_NAMED = re.compile(r"\b(?:Councillor|Cllr|Mr|Mrs|Ms|Dr|Professor|Superintendent|Inspector|Commander|Commissioner)\b"
                    r"|\b[A-Z][\w'&-]+(?:\s+(?:of\s+|and\s+|for\s+)?[A-Z][\w'&-]+)+")
_YEAR_IN_Q = re.compile(r"\b((?:19|20)\d\d)(?:\s?[/-]\s?((?:19|20)?\d\d))?\b")
#: "in February 2023", "during Oct 2022": a figure asked for one month
_MONTH_IN_Q = re.compile(rf"\b(?:in|during|for|of)\s+(?:the\s+month\s+of\s+)?((?:{'|'.join(m[:3] for m in MONTHS)})"
                         r"[a-z]*)\.?\s+((?:19|20)\d\d)\b", re.IGNORECASE)


@dataclass
class _Context:
    """What the composition steps share for one question."""

    question: str
    result: SearchResult
    evidence: list[SearchHit]
    scope: list[str]
    filters: Filters
    view: CorpusView  # taken once per answer: each ``Searcher.view()`` reads every id from the store
    cands: list[X.Candidate] = field(default_factory=list)
    terms: dict[str, float] = field(default_factory=dict)
    named_words: set[str] = field(default_factory=set)  # the tokens of the partnerships the question names
    notes: list[str] = field(default_factory=list)  # what the answer must say besides its sentences


class AnswerQuestionPipeline:
    """Answers questions from the index with exact-span citations (see module docstring)."""

    def __init__(self, settings: Settings, searcher: Searcher, synthesiser: Any = None) -> None:
        self.settings = settings
        self.searcher = searcher
        self._synthesiser = synthesiser
        self._vectors = VectorCache(searcher.embedder.embed_documents)

    # --- public ------------------------------------------------------------------------
    def answer(self, question: str, filters: Filters | None = None, *, compare: bool | None = None,
               mode: str | None = None) -> Answer:
        question = question.strip()
        filters = filters or Filters()
        cfg = self.settings.answer
        result = self.searcher.search(question, k=max(cfg.passages, self.settings.retrieval.k), filters=filters)
        cross = result.cross if compare is None else compare
        scope = [self.searcher.registry.canonical(p) for p in filters.partnerships] or result.partnerships_named
        ctx = _Context(question, result, self._evidence(question, result, filters, cross), scope, filters,
                       self.searcher.view())
        self._score(ctx)

        refusal = self._refusal(ctx)
        if refusal is not None:
            return refusal

        mode = mode or cfg.mode
        notes: list[str] = []
        if mode == "llm":
            try:
                statements, citations = self._synthesiser_for().run(question, self._llm_passages(ctx))
                return self._finish(ctx, statements, citations, "llm", notes, cross=cross)
            except Exception as exc:  # noqa: BLE001 - SynthesisUnavailable, or anything the client raised
                notes.append(f"The language model was unavailable ({exc}); this is the extractive answer.")
        statements, citations = self._extract(ctx, cross=cross)
        if not statements:
            return self._abstain(ctx, "The retrieved passages mention the topic but no sentence in them answers the question.")
        return self._finish(ctx, statements, citations, "extractive", notes, cross=cross)

    # --- evidence ----------------------------------------------------------------------
    def _evidence(self, question: str, result: SearchResult, filters: Filters, cross: bool) -> list[SearchHit]:
        """The passages to answer from. A cross-partnership question is searched once per
        partnership, so each one's best passages are judged on their own merits: as many for
        each as a single-partnership answer draws on."""
        partnerships = result.partnerships_searched
        if not cross or len(partnerships) < 2:
            return result.hits[: self.settings.answer.passages]
        hits: list[SearchHit] = []
        for p in partnerships:
            sub = self.searcher.search(question, k=self.settings.answer.passages,
                                       filters=replace(filters, partnerships=[p]))
            hits += sub.hits
        return hits

    def _score(self, ctx: _Context) -> None:
        view = ctx.view
        registry = self.searcher.registry_for(view)
        ctx.named_words = _partnership_words(ctx, registry)
        expansions = " ".join(f for fs in ctx.result.expansions.values() for f in fs)
        # "Which CSPs ... ?": how a question across partnerships is asked ("CSPs", "partnerships'
        # documents") is not what it asks about; its topic leaves that wording out
        # (without the acronyms the search added: "DA" beside "domestic abuse" would count twice)
        asked = topic_of(ctx.question, registry) if ctx.result.cross and ctx.result.topic else ctx.question
        text = f"{asked} {expansions}"
        ctx.terms = X.question_terms(text, view.bm25.idf, ctx.named_words)
        if not ctx.terms:  # "What is Safe and Sound?": the question is about the partnership itself
            ctx.named_words = set()
            ctx.terms = X.question_terms(text, view.bm25.idf, ctx.named_words)
        # a word no document uses ("headline priorities") no sentence can contain: left in, it
        # would only lower every sentence's coverage alike
        ctx.terms = {t: w for t, w in ctx.terms.items() if t in view.bm25} or ctx.terms
        ctx.cands = X.candidates(ctx.evidence, dated_lines=bool(_DATE_Q.search(ctx.question)))
        if ctx.cands:
            # sentences are compared with the question's topic (names removed: the scope is already set)
            qvec = self.searcher.query_vectors([ctx.result.topic or ctx.question])[0]  # the search embedded it
            X.score(ctx.cands, ctx.terms, qvec, self._sentence_vectors(ctx),
                    figure_question=X.is_figure_question(ctx.question),
                    specificity_weight=self.settings.answer.specificity_weight,
                    definition_question=X.is_definition_question(ctx.question),
                    commitment_weight=self.settings.answer.commitment_weight if X.is_commitment_question(ctx.question) else 0.0,
                    heading_weight=self.settings.answer.heading_weight, repeated_labels=view.repeated_labels,
                    table_coverage=self.settings.answer.table_coverage, money_terms=frozenset(ctx.terms) & _MONEY_WORDS,
                    equivalents=X.merged(X.acronym_words(ctx.question, view.glossary), X.family_words(ctx.terms, view.families)))

    def _sentence_vectors(self, ctx: _Context) -> np.ndarray:
        """Each candidate's vector: the one it was given at ingest (with its passage's trail)
        when it was embedded on its own there, else embedded now."""
        keys = [with_trail(c.hit.trail, c.text) for c in ctx.cands]
        stored = ctx.view.stored_sentence_vectors(keys)
        missing = [k for k, v in zip(keys, stored) if v is None]
        fresh = iter(self._vectors(missing)) if missing else iter(())
        return np.stack([v if v is not None else next(fresh) for v in stored])

    def _answering(self, ctx: _Context) -> list[X.Candidate]:
        return [c for c in ctx.cands if c.score >= self.settings.answer.answer_threshold]

    # --- deciding not to answer ----------------------------------------------------------
    def _refusal(self, ctx: _Context) -> Answer | None:
        view = ctx.view
        registry = self.searcher.registry_for(view)
        indexed = sorted(set(view.partnership_names))
        unknown = [u for u in unknown_areas_in_query(ctx.question, registry) if not _common_words(u, view.texts)]
        if unknown and not ctx.result.partnerships_named:
            names = ", ".join(unknown)
            passing = [u for u in unknown if any(u.lower() in t.lower() for t in view.texts)]
            extra = (f" {', '.join(passing)} is mentioned in passing in the indexed documents, which is not coverage of "
                     f"its own partnership.") if passing else ""
            return self._abstain(ctx, f"The index holds no documents for {names}; it covers {', '.join(indexed)}.{extra}",
                                 nearby=False)
        unmentioned = self._unmentioned(ctx, registry)
        if unmentioned is not None:
            return unmentioned
        answering = self._answering(ctx)
        count = _COUNT_Q.search(ctx.question)
        if count and _EXTENT_Q.match(ctx.question, count.start()):
            count = None  # "how much weight do they give it?" asks how far, not for a figure
        figure_clause = _clause_at(ctx.question, count.start()) if count else None  # where the figure is asked
        # a count question is answered only by a sentence that gives the figure asked for
        stating = self._stating_figure(ctx, answering, count, figure_clause) if count and figure_clause else answering
        # a year outside every document's period is answered only where the sentences that
        # answer name it; the year a figure is asked for, where the sentences giving it do
        uncovered = self._uncovered_years(ctx, answering, stating, figure_clause) if (ctx.scope or answering) else None
        if uncovered:  # the most specific reason first: "cover 2022-2025, not 2012"
            return self._abstain(ctx, uncovered)
        unstated = _month_not_stated(ctx.question, stating, figure_clause) if count else None
        if unstated:
            return self._abstain(ctx, f"The documents give no figure for {unstated}: the passages that answer give "
                                      "figures for other months or periods.")
        if not answering:
            return self._abstain(ctx, "The indexed documents don't cover this: no passage answers it closely enough.")
        if ctx.scope and not {c.hit.partnership for c in answering} & set(ctx.scope):
            return self._abstain(ctx, f"The {', '.join(ctx.scope)} documents in the index don't cover this.")
        role = _who_role(ctx.question)
        asked = set(tokenize(ctx.question))
        # "Who chairs Dudley's Prevent Delivery Group?": the body whose role is asked about
        bodies = [b for m in _NAMED.finditer(ctx.question) if len(b := set(tokenize(m.group(0))) - ctx.named_words) >= 2]
        if role and not any(_names_role_holder(c, role, asked, bodies) for c in answering):
            return self._abstain(ctx, "The documents don't name who or what that is: the passages that mention it "
                                      "give no name.")
        # "What is the name of the Chief Executive who signed it off?": a title ("signed off by the Chief
        # Executive", "Leader of the Council") is no person's name
        if (role and _asks_person_name(ctx.question)
                and not any(_names_role_holder(c, role, asked, bodies, people=view.lower_words) for c in answering)):
            return self._abstain(ctx, "The documents don't name that person: the passages that mention the role "
                                      "give a title, not a name.")
        if (work := self._work_not_yet_done(ctx, answering)) is not None:
            return self._abstain(ctx, f"The documents mention {work} only as planned or under way: they give no "
                                      "findings from it.")
        body = self._body_asked_for(ctx)
        kind = _self_named_kind(ctx.question)
        if (body and not any(_names_body(c, body, asked) for c in answering)) or (
                kind and not any(_names_kind(c, kind, asked) for c in answering)):
            return self._abstain(ctx, f"The documents don't name which {_body_noun(ctx.question)} that is: the "
                                      "passages that mention it give no name.")
        if count and not stating:
            asked = "proportion" if _PROPORTION_Q.match(ctx.question, count.start()) else "figure"
            return self._abstain(ctx, f"The documents discuss this but give no {asked} for it.")
        # "On what date did the board sign off the strategy?": no passage to answer from gives any day's date
        if _DATE_Q.search(ctx.question) and not any(DAY_DATE.search(h.text) for h in ctx.evidence):
            return self._abstain(ctx, "The documents don't give that date: the passages that answer give no "
                                      "day's date at all.")
        # "What email address should I use for ...?": no passage to answer from gives any email address
        contact = _CONTACT_Q.search(ctx.question)
        if contact and _ASKS_FOR.search(ctx.question[: contact.start()]):
            kind = next(i for i, g in enumerate(contact.groups()) if g)
            if not any(_CONTACT[kind].search(h.text) for h in ctx.evidence):
                return self._abstain(ctx, f"The documents don't give that {_CONTACT_KINDS[kind]}: the passages that "
                                          f"answer give none.")
        if _HOW_OFTEN_Q.match(ctx.question) and not self._stating_frequency(ctx, answering):
            return self._abstain(ctx, "The documents don't say how often: the passages that mention it give no "
                                      "frequency for it.")
        return None

    def _unmentioned(self, ctx: _Context, registry: Any) -> Answer | None:
        """The acronyms and names the question uses ("MARAC", "Operation Guardian") that the
        documents of the partnerships it asks about (all, when it names none) never mention.
        When none of them is mentioned there, and one is an acronym or is mentioned in another
        partnership's documents (so it is a real thing those documents lack, not the user's own
        capitalisation), no passage answers: abstain, showing where it is mentioned. Otherwise
        each term missing from a partnership asked about by name, or from every document,
        becomes a note on the answer (``ctx.notes``)."""
        view = ctx.view
        terms = view.mentions.resolved(named_terms(ctx.question, registry), view.glossary)
        if not terms:
            return None
        everyone = sorted(set(view.partnership_names))
        scope = [p for p in (ctx.scope or everyone) if p in everyone]
        where = {t: view.mentions.mentioning(t, view.glossary) for t in terms}
        absent = [t for t in terms if not set(where[t]) & set(scope)]
        if scope and len(absent) == len(terms) and any(t.acronym or where[t] for t in absent):
            elsewhere = sorted({p for t in absent for p in where[t]})
            names = _and(t.text for t in absent)
            whose = f"The {_and(scope)} documents in the index" if ctx.scope else "The indexed documents"
            reason = f"{whose} don't mention {names}."
            near: list[SearchHit] = []
            if elsewhere:
                reason += f" It is mentioned in {_possessive(elsewhere)} documents (below)."
                found = self.searcher.search(ctx.question, k=self.settings.answer.passages,
                                             filters=replace(ctx.filters, partnerships=elsewhere))
                near = [h for h in found.hits if view.mentions.passage_mentions(h.text, h.trail, absent, view.glossary)][:2]
            return self._abstain(ctx, reason, near=near, near_label=f"Where {names} is mentioned")
        for t in terms:
            lacking = [p for p in scope if p not in where[t]]
            if ctx.scope and lacking and where[t]:
                ctx.notes.append(f"The {_and(lacking)} documents don't mention {t.text}; "
                                 f"{_possessive(where[t])} do.")
            elif not where[t]:
                ctx.notes.append(f"The indexed documents don't mention {t.text}.")
        return None

    def _work_not_yet_done(self, ctx: _Context, answering: list[X.Candidate]) -> str | None:
        """"What did the national review conclude?", where every answering sentence that names
        the work (each word the question names it with: "national", "review") says it is still
        to come ("Supporting the planned national review ..."): the work, as the question names
        it; else None."""
        m = _FINDINGS_Q.search(ctx.question)
        if not m:
            return None
        work = _WORK_END.split(m.group(1), maxsplit=1)[0]  # "the violence profile" (commissioned for ...)
        key = set(_rarest_terms(ctx, work, frozenset()))
        naming = [c for c in answering if key <= c.words] if key else []
        if naming and all(_NOT_YET.search(c.text) and not _FOUND.search(c.text) for c in naming):
            return re.sub(r"^(?:the|a|an)\s+", "the ", work, flags=re.IGNORECASE)
        return None

    def _stating_frequency(self, ctx: _Context, answering: list[X.Candidate]) -> list[X.Candidate]:
        """"How often does the strategic board meet?": the answering sentences that give a
        frequency ("every 4 weeks", "quarterly", "twice a year") and, they or their headings,
        the rarest word of the clause that asks it ("strategic"): "meetings every 4 weeks" of
        another group does not answer it."""
        first, last = _clause_at(ctx.question, 0)
        key = _rarest_terms(ctx, ctx.question[first:last], _FREQUENCY_WORDS)[:1]
        return [c for c in answering if _FREQUENCY.search(f"{c.lead_in} {c.text}") and set(key) <= c.said_words]

    def _stating_figure(self, ctx: _Context, answering: list[X.Candidate], count: re.Match[str],
                        figure_clause: tuple[int, int]) -> list[X.Candidate]:
        """The answering sentences that state a figure of what a "how many/how much" question
        (``count``: where it asks for the figure, in the clause ``figure_clause``) counts."""
        key = self._counted_terms(ctx, count)
        key |= X.family_words(key, ctx.view.families).keys()  # "14 children" counts "child cases"
        # "how much funding": the figure must be a sum of money, when the clause that asks it is about
        # money ("... cost per offender, and how many drug users ..." asks a count of users), or
        # says nothing of its own ("It got funding; how much was it?")
        clause = ctx.question[slice(*figure_clause)]
        about = clause if _rarest_terms(ctx, clause, _QUESTION_WORDS) else ctx.question
        money = bool(_MONEY_Q.search(about))
        # "what proportion of the requests met the threshold?": a count of requests is no answer
        proportion = bool(_PROPORTION_Q.match(ctx.question, count.start()))
        # "How many Responsible Authorities are there?": a line that introduces their list ("The
        # Responsible Authorities are: -" and its items) answers by the items it lists
        how_many = _HOW_MANY.match(ctx.question, count.start())
        listing = bool(how_many) and not money and not proportion
        # what is counted, up to its verb ("West Midlands Police High Impact Areas | are there ...")
        counted = frozenset(tokenize(re.split(r"\s(?:are|is|were|was|do|does|did|has|have|had|will|can)\s",
                                              ctx.question[count.end():], maxsplit=1)[0])) if how_many else frozenset()
        return [c for c in answering
                if (c.states_figure_of(key) and (not money or any(is_money(f) for f in c.figures))
                    and (not proportion or _PROPORTION.search(c.text)))
                or (listing and not c.figures and key & c.words and X.listed(c) >= 2)
                # "How many High Impact Areas are there?": "... a focus on the High Impact Areas. For
                # Dudley Borough these areas are "Dudley Central" and Brierley Hill." names them
                or (listing and not c.figures and X.named_items(c, counted) >= 2
                    and key & (c.words | (_sentence_before(ctx.cands, c) if X.refers_back(c.text) else frozenset())))]

    def _body_asked_for(self, ctx: _Context) -> str | None:
        """"Which organisation won the contract to deliver ...?": the rarest word of the clause
        that asks it ("contract"), which a passage naming the organisation must hold, as a "who
        chairs" answer must hold "chair"; None for other questions."""
        if not _WHICH_BODY_Q.match(ctx.question):
            return None
        first, last = _clause_at(ctx.question, 0)  # the part that asks for it
        words = _rarest_terms(ctx, ctx.question[first:last], _BODY_WORDS)
        return words[0] if words else None

    def _counted_terms(self, ctx: _Context, count: re.Match[str]) -> set[str]:
        """What a figure must be stated next to, to answer a "how many/how much" question.

        "How many knife crime offences ...", "How much Turnaround Funding ...": the rarest word of
        the counted noun phrase ("hate crimes": a figure of hate crimes, not of crimes), of each
        of its conjuncts when it joins several ("adult and child cases": a figure of adults or of
        children).
        "How many strands of consultation ...": of the phrase after "of" as well ("Two key areas of
        consultation": the user's word for the parts, or what they are parts of), and "How many
        organisations does it list as Responsible Authorities?" of what they are listed as.
        Otherwise (a "how many" with no noun after it: "how many has it received in total?") any
        of the three rarest words of the question from the count on ("... and by how much has
        recorded crime gone up"), or of the whole question when that part is bare ("New Burdens
        funding - how much?").
        Words the corpus never uses are the user's own ("headline priorities" for the
        documents' "five priorities") and are passed over."""
        # the noun phrase of the "how many" that asks the figure ("how many has it received in total, and how
        # many times more requests came ...": none, so the words after it), else the question's first
        # ("By what percentage did ... go up, and how many crimes ...")
        asks_how = ctx.question[count.start():count.start() + 4].lower().startswith("how ")
        counted = _HOW_MANY.match(ctx.question, count.start()) if asks_how else _HOW_MANY.search(ctx.question)
        clause = counted.group(1) if counted else ctx.question[count.start():]
        skip = _QUESTION_WORDS | _MONEY_WORDS  # "funding" is what a money question asks for (checked apart)
        if counted:
            conjuncts = [_rarest_terms(ctx, part, skip) for part in _CONJUNCTION.split(clause)]
            of = _OF_PHRASE.match(ctx.question, counted.end())
            conjuncts += [_rarest_terms(ctx, of.group(1), skip)] if of else []
            named = _AS_PHRASE.match(ctx.question, counted.end())
            conjuncts += [_rarest_terms(ctx, named.group(1), skip)] if named else []
            if key := {words[0] for words in conjuncts if words}:
                return key
        for phrase in (clause, ctx.question):
            if words := _rarest_terms(ctx, phrase, skip):
                return set(words[:3])
        return set()

    def _uncovered_years(self, ctx: _Context, answering: list[X.Candidate], stating: list[X.Candidate],
                         figure_clause: tuple[int, int] | None) -> str | None:
        """A question about a year or period that no in-scope document covers and no answering
        sentence (or its heading) names. A year in ``figure_clause``, the clause that asks for
        a figure, must be named by a sentence of ``stating``, those giving the figure: "37
        requests as of October 2021" does not answer "how many ... in 2022" because another
        sentence says a programme runs until 2022."""
        first, last = figure_clause or (0, 0)
        asked = []
        for m in _YEAR_IN_Q.finditer(ctx.question):
            start = int(m.group(1))
            end = m.group(2)
            # "2017-2020" and "2023-26" are spans of years; "2019/20" is a financial year, labelled
            # by its start, that a document must reach the end of ("2021/22" does not cover "2022/23")
            financial = bool(end) and len(end) == 2 and int(end) == (start + 1) % 100
            if not end or financial:
                end_year = start
            else:  # "2023-2026", or "2023-26" in the same century
                end_year = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
            asked.append((m.group(0), start, max(start, end_year), financial, first <= m.start() < last))
        if not asked:
            return None
        view = ctx.view
        scope = set(ctx.scope) or {c.hit.partnership for c in answering}
        periods = {}
        for m in view.metas:
            if m.get("partnership") in scope:
                periods[str(m.get("document"))] = (int(m.get("year_start") or 0), int(m.get("year_end") or 0), str(m.get("period", "")))
        said_in = {False: _said(answering), True: _said(stating)}
        for text, start, end, financial, of_figure in asked:
            covered = any(ys and _covers(ys, ye, start + 1 if financial else start, end) for ys, ye, _ in periods.values())
            evidence_text = said_in[of_figure]
            mentioned = text in evidence_text or (end != start and bool(re.search(
                rf"{start}\s?[-/–]\s?(?:{str(end)[:2]})?{str(end)[2:]}\b", evidence_text)))
            if not covered and not mentioned:
                spans = sorted({p for *_, p in periods.values() if p})
                return (f"The indexed documents for {', '.join(sorted(scope))} cover {', '.join(spans) or 'other periods'}, "
                        f"not {text}.")
        return None

    def _abstain(self, ctx: _Context, reason: str, *, nearby: bool = True, near: list[SearchHit] | None = None,
                 near_label: str = "The closest passages, which do not answer it") -> Answer:
        """Say plainly that the documents don't answer, and why, with the passages nearest to it
        (``near``: other passages to show instead, under ``near_label``)."""
        statements: list[Statement] = []
        citations: list[Citation] = []
        text = reason
        near = near if near is not None else ctx.result.hits[:2] if nearby else []
        if near:
            lines = []
            for h in near:
                cands = X.candidates([h])
                if not cands:
                    continue
                c = cands[0]
                citations.append(_citation(len(citations) + 1, c))
                lines.append(f"- {h.partnership}, {h.document}" + (f" ({h.trail})" if h.trail else "") + f" [{len(citations)}]")
            if lines:
                text += f"\n\n{near_label}:\n" + "\n".join(lines)
        return Answer(question=ctx.question, answer=text, citations=citations, abstained=True, mode="extractive",
                      statements=statements, notes=[], partnerships_searched=ctx.result.partnerships_searched,
                      partnerships_with_evidence=[], cross=ctx.result.cross)

    # --- composing -------------------------------------------------------------------------
    def _extract(self, ctx: _Context, *, cross: bool) -> tuple[list[Statement], list[Citation]]:
        cfg = self.settings.answer
        answering = self._answering(ctx)
        parts = X.question_parts(ctx.question, ctx.terms) if cfg.facets else []
        if cross and len({c.hit.partnership for c in answering}) > 1:
            best: dict[str, float] = {}
            for c in answering:
                best[c.hit.partnership] = max(best.get(c.hit.partnership, 0.0), c.score)
            # evidence must be strong in itself and beside the strongest partnerships': the mean of
            # the two strongest, so one partnership that says it all in one sentence does not push
            # out the others that clearly answer too
            strongest = sorted(best.values(), reverse=True)[:2]
            bar = max(cfg.partnership_threshold, cfg.partnership_relative * sum(strongest) / len(strongest))
            qualifying = {p for p, v in best.items() if v >= bar or p in ctx.scope}
            if not qualifying:  # sentences answer, but none strongly: the strongest partnership's, not none
                qualifying = {max(best, key=best.__getitem__)}
            # the partnerships share the answer's length: two compared get more each than five listed
            low, high = cfg.per_partnership_sentences
            share = min(high, max(low, round(cfg.cross_sentences / len(qualifying))))
            # whether a partnership has evidence is decided above; its sentences are then chosen
            # as for a single-partnership answer
            chosen = []
            for p in sorted(qualifying):  # sorted: the same answer whatever the hash seed
                own = [c for c in answering if c.hit.partnership == p]
                # a part of the question is answered by a sentence as strong as the others shown: the
                # best cover of "which places will it run in?" may be "the programme will run until July"
                floor = max(cfg.answer_threshold, cfg.relative_cut * best[p])
                chosen += X.select(own, limit=share, min_score=floor, terms=ctx.terms, novelty=cfg.novelty_weight,
                                   first=X.facet_picks(own, parts, min_score=floor))
            order = list(dict.fromkeys(c.hit.partnership for c in sorted(chosen, key=lambda c: -c.score)))
            chosen.sort(key=lambda c: (order.index(c.hit.partnership), -X.rank_of(c)))
        else:
            floor = max(cfg.answer_threshold, cfg.relative_cut * max(c.score for c in answering))  # parts too (above)
            chosen = X.select(answering, limit=cfg.max_sentences, min_score=floor,
                              per_passage=cfg.max_per_passage, terms=ctx.terms, novelty=cfg.novelty_weight,
                              first=X.facet_picks(answering, parts, min_score=floor))
        statements, citations = _statements(chosen, figures=X.is_figure_question(ctx.question),
                                            counting=bool(_HOW_MANY.search(ctx.question)))
        self._add_disagreements(ctx, ctx.cands, chosen, ctx.terms, statements, citations)
        return renumber(statements, citations)

    def _llm_passages(self, ctx: _Context) -> list[SearchHit]:
        """Passages holding at least one answering sentence, best first."""
        best: dict[str, float] = {}
        for c in self._answering(ctx):
            best[c.hit.chunk_id] = max(best.get(c.hit.chunk_id, 0.0), c.score)
        by_id = {h.chunk_id: h for h in ctx.evidence}
        return [by_id[i] for i in sorted(best, key=lambda i: -best[i])][: self.settings.answer.passages]

    def _add_disagreements(self, ctx: _Context, cands: list[X.Candidate], chosen: list[X.Candidate],
                           terms: dict[str, float], statements: list[Statement], citations: list[Citation]) -> None:
        """Figures for the same measure and period that differ between passages: show both."""
        found = find_disagreements([(c.text, c.context, f"{c.hit.source}#{c.hit.document}") for c in cands])
        idf = ctx.view.bm25.idf
        asked = set(terms) | X.family_words(terms, ctx.view.families).keys()
        chosen_texts = {c.text for c in chosen}
        for d in found:
            involved = [cands[n] for _, n in d.values]
            # shown when the answer shows the figures that disagree, or the question asks about
            # their measure: its most specific word ("knife" of "knife crime offences"), not a word
            # every crime figure has ("crime", "offences")
            words = [t for t in tokenize(d.measure) if t in ctx.view.bm25] or tokenize(d.measure)
            shown = all(c.text in chosen_texts for c in involved)
            if not shown and (not words or max(words, key=idf) not in asked):
                continue
            ids = []
            for c in involved:
                existing = next((cit for cit in citations if cit.chunk_id == c.hit.chunk_id and cit.start == c.start), None)
                if existing is None:
                    existing = _citation(max((x.id for x in citations), default=0) + 1, c)
                    citations.append(existing)
                ids.append(existing.id)
            values = " and ".join(f"{v} ({c.hit.document})" for (v, _), c in zip(d.values, involved))
            # first, so nobody quotes one of the figures without seeing the other
            statements.insert(0, Statement(text=f"The sources disagree on {d.measure} in {d.period}: {values}.",
                                           citations=ids, partnership=involved[0].hit.partnership))

    def _finish(self, ctx: _Context, statements: list[Statement], citations: list[Citation], mode: str,
                notes: list[str], *, cross: bool) -> Answer:
        notes = ctx.notes + notes + self._document_notes(ctx, citations)
        with_evidence = list(dict.fromkeys(c.partnership for c in citations))
        searched = ctx.scope or ctx.result.partnerships_searched
        lead = ""
        if cross and len(searched) > 1:
            missing = [p for p in searched if p not in with_evidence]
            lead = f"Evidence found for {len(with_evidence)} of {len(searched)} partnerships searched: {', '.join(with_evidence)}."
            if missing:
                lead += f" No relevant evidence found in: {', '.join(missing)}."
        grouped = cross and len(with_evidence) > 1
        body = render(statements, grouped=grouped)
        parts = [p for p in (lead, body) if p] + [f"_Note: {n}_" for n in notes]
        return Answer(question=ctx.question, answer="\n\n".join(parts), citations=citations, abstained=False, mode=mode,
                      statements=statements, notes=notes, partnerships_searched=list(searched),
                      partnerships_with_evidence=with_evidence, cross=cross)

    def _document_notes(self, ctx: _Context, citations: list[Citation]) -> list[str]:
        """One note per cited source file that is a draft or much older than the newest in the index."""
        view = ctx.view
        newest = max((_doc_year(m) for m in view.metas), default=0)
        notes: list[str] = []
        for source in dict.fromkeys(c.source for c in citations):
            c = next(c for c in citations if c.source == source)
            meta = view.metas[view.index_of[c.chunk_id]] if c.chunk_id in view.index_of else {}
            title = str(meta.get("source_title") or c.document)
            caveats = []
            markers = json.loads(meta.get("draft_markers") or "[]")
            if markers:
                caveats.append(f"it is a draft (it says {'; '.join(repr(m) for m in markers[:2])}), so its content may "
                               "have changed before publication")
            year = _doc_year(meta)
            if year and newest - year > self.settings.answer.stale_years:
                caveats.append(f"it dates from {year}, {newest - year} years before the newest document in the index "
                               f"({newest}); check for a later edition")
            if caveats:
                notes.append(f"{title}: " + "; ".join(caveats) + ".")
        return notes

    def _synthesiser_for(self) -> Any:
        if self._synthesiser is None:
            from index.synthesis import SynthesiseAnswer

            self._synthesiser = SynthesiseAnswer(self.settings.answer)
        return self._synthesiser


def _and(items: Iterable[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _possessive(partnerships: Sequence[str]) -> str:
    """"Birmingham's", "Dudley's and Walsall's"."""
    return _and(f"{p}'s" for p in partnerships)


def _partnership_words(ctx: _Context, registry: Any) -> set[str]:
    """The tokens of the partnerships the question names: their names, full names, aliases and acronyms."""
    named = [registry.get(p) for p in ctx.result.partnerships_named]
    words = {t for p in named if p for n in (p.name, p.full_name, *p.aliases, *p.acronyms) for t in tokenize(n)}
    return words | {t for p in ctx.result.partnerships_named for t in tokenize(p)}


def _doc_year(meta: dict[str, Any]) -> int:
    """Publication year: from the document's date, else the start of its period."""
    date = str(meta.get("date") or "")
    m = re.match(r"((?:19|20)\d\d)", date)
    return int(m.group(1)) if m else int(meta.get("year_start") or 0)


def _citation(cid: int, c: X.Candidate) -> Citation:
    h = c.hit
    return Citation(id=cid, partnership=h.partnership, document=h.document, source=h.source, page=h.page,
                    section=h.section, quote=c.text, chunk_id=h.chunk_id, period=h.period, date=h.date,
                    doc_type=h.doc_type, start=c.start, end=c.end, chunk_text=h.text)


def _sentence_before(cands: Sequence[X.Candidate], c: X.Candidate) -> frozenset[str]:
    """The words of the candidate just before ``c`` in its passage (none if it is the first)."""
    before = [o for o in cands if o.hit.chunk_id == c.hit.chunk_id and o.end <= c.start]
    return max(before, key=lambda o: o.end).words if before else frozenset()


def _rarest_terms(ctx: _Context, phrase: str, skip: frozenset[str]) -> list[str]:
    """The question's terms (``ctx.terms``: IDF-weighted, partnership names left out) that occur
    in ``phrase`` and in the documents, rarest first, less ``skip`` and numbers. A word the
    corpus never uses is the user's own ("headline priorities") and is passed over."""
    words = [t for t in dict.fromkeys(tokenize(phrase)) if t in ctx.terms and t in ctx.view.bm25
             and t not in skip and not t.isdigit()]
    return sorted(words, key=lambda t: -ctx.terms[t])


def _names_beyond(names: Sequence[str], asked: set[str]) -> bool:
    """Whether one of ``names`` says more than the question (``asked``: its tokens) does."""
    return any(not set(tokenize(n)) <= asked for n in names)


def _covers(doc_start: int, doc_end: int, start: int, end: int) -> bool:
    """Whether a document's period covers the years asked about. A period that only touches a
    span asked about at its first or last year, running on beyond it, does not: the 2020-2023
    strategy is not the 2023-2026 one."""
    if doc_start > end or start > doc_end:
        return False
    touches = start < end and ((doc_end == start and doc_start < start) or (doc_start == end and doc_end > end))
    return not touches


def _said(cands: Sequence[X.Candidate]) -> str:
    """What the sentences say, each with its heading and, for a list item, the line that
    introduces its list (either can say the year or month: "During August, a total of 26 NRMs
    have been submitted:" over "- 12 adults of which 1 has been crimed")."""
    return " ".join(f"{c.hit.trail} {c.lead_in} {c.text}" for c in cands)


def _month_not_stated(question: str, stating: Sequence[X.Candidate], figure_clause: tuple[int, int] | None) -> str | None:
    """"How many ... in February 2023?": the month asked for (as the question writes it) when
    no sentence giving the figure names that month (in words or as a date), in itself or its
    heading ("In January 2023, there were 24" does not answer it); None when the clause asking
    for the figure names no month, or a sentence names it, or no sentence gives the figure at
    all (that is the reason then, not the month)."""
    if not stating:
        return None
    first, last = figure_clause or (0, len(question))
    for m in _MONTH_IN_Q.finditer(question):
        word = m.group(1).lower()
        month = next((name for name in MONTHS if name.startswith(word)), None)  # "feb", "sept", "february"
        if month is None or not first <= m.start() < last:
            continue
        number, year = MONTHS.index(month) + 1, m.group(2)
        # "January", "Jan", "30/01/23", "30.1.2023"
        named = re.compile(rf"\b(?:{month}|{month[:3]})\b|\b\d{{1,2}}[/.]0?{number}[/.](?:{year}|{year[2:]})\b", re.IGNORECASE)
        if not named.search(_said(stating)):
            return f"{m.group(1)} {m.group(2)}"
    return None


def _clause_at(question: str, pos: int) -> tuple[int, int]:
    """(start, end) of the clause of ``question`` holding position ``pos``: clauses end at
    ";", "?", ", and" or an "and" that asks again ("... and who sits on it")."""
    start = 0
    for m in _CLAUSE_END.finditer(question):
        if m.start() >= pos:
            return start, m.start()
        start = m.end()
    return start, len(question)


def _common_words(name: str, texts: list[str]) -> bool:
    """Whether every word of ``name`` also occurs in lower case in the documents: then "Safer
    Streets" is a programme ("the streets"), not a place the index lacks ("Safer Leeds")."""
    patterns = [re.compile(rf"(?<![\w-]){re.escape(w.lower())}(?![\w-])") for w in name.split()]
    return all(any(p.search(t) for t in texts) for p in patterns)


def _who_role(question: str) -> str | None:
    """The stem of the role a "who ..." or "what is the name of ..." question asks about
    ("chairs" -> "chair"; "the name of Birmingham's Modern Slavery coordinator" -> "coordin"),
    or None."""
    m = _WHO_Q.match(question)
    if m and not m.group(1) and m.group(2).lower() in _MEMBERSHIP:
        return None
    if m and m.group(2).lower() not in _AUXILIARY:
        word = m.group(2)
        if m.group(1):  # "who is/are the ...": the role is the noun phrase's last word ("core partners")
            phrase = question[m.start(2):]
            end = _PHRASE_END.search(phrase)
            word = (phrase[: end.start()] if end else phrase).split()[-1]
    else:
        named = _NAME_OF_Q.search(question)
        if not named:
            return None
        word = named.group(1).split()[-1]  # the head of the noun phrase: "... coordinator"
    tokens = tokenize(word)  # the shared stemmer, as the sentences are tokenised
    return tokens[0] if tokens else None


def _asks_person_name(question: str) -> bool:
    """"What is the name of X's coordinator?", "What are the names of the two Youth PCCs?": the
    name asked for is a person's (the noun phrase's head is a person: ``_PERSON_ROLES``)."""
    named = _NAME_OF_Q.search(question)
    head = tokenize(named.group(1).split()[-1]) if named else []
    return bool(head) and head[0] in _PERSON_ROLES


def _is_person(name: str, lower_words: frozenset[str]) -> bool:
    """A name that is a person's: after a title ("Cllr Jane Smith"), or of two or three capitalised
    words, none a role ("Chief Executive", "Shadow Leader") and none a word the documents use in
    lower case ("Community Safety"): "Sue Haywood". A system's or place's name can pass for one
    ("Liquid Logic"): the check errs towards answering."""
    if _TITLE.search(name):
        return True
    words = [w for w in re.split(r"[\s-]+", name) if w]
    return (2 <= len(words) <= 3 and all(w[:1].isupper() and not w.isupper() for w in words)
            and not set(tokenize(name)) & _PERSON_ROLES  # "Chief Executive", "Shadow Leader": roles
            and not any(w.lower().strip("'’") in lower_words for w in words))


def _names_role_holder(c: X.Candidate, role: str, asked: set[str], bodies: Sequence[set[str]] = (),
                       people: frozenset[str] | None = None) -> bool:
    """The sentence (or its section heading) mentions the role and names someone the question
    (``asked``: its tokens) doesn't; a name in the heading counts only when the heading holds the
    role ("Chair: Cllr ..."). A role word inside a body's name ("National Network Coordinators
    Forum") is not the role; and when the question names the body whose role it asks about
    (``bodies``: "Prevent Delivery Group"), the sentence must name that body too."""
    def role_and_names(part: str) -> tuple[bool, list[str]]:
        found = [m.group(0) for m in _NAMED.finditer(part)]
        in_names = {t for n in found for t in tokenize(" ".join(n.split()[:-1]))}  # not a name's last word
        return any(w.startswith(role) and w not in in_names for w in tokenize(part)), found

    heading_role, heading_names = role_and_names(c.hit.trail)
    text_role, names = role_and_names(c.text)
    if not (heading_role or text_role):
        return False
    names += heading_names if heading_role else []
    words = c.words | c.heading_words
    if any(not body <= words for body in bodies):
        return False
    if people is not None:  # a person's name is asked for ("people": the words the documents use in lower case)
        names = [n for n in names if _is_person(n, people)]
    return _names_beyond(names, asked)


def _names_body(c: X.Candidate, key: str, asked: set[str]) -> bool:
    """The sentence names a body the question (``asked``: its tokens) doesn't, in a passage
    about ``key``: "These include Birmingham City Council, ..." under "the Responsible
    Authorities are ...", so the passage, not the sentence, must hold the key."""
    if key not in token_set([c.hit.text, c.hit.trail]):
        return False
    return _names_beyond([m.group(0) for m in _NAMED.finditer(c.text)], asked)


def _body_noun(question: str) -> str:
    """The kind of body a "which ..." question asks for, singular as the user wrote it
    ("Which charities ...?" -> "charity")."""
    m = _WHICH_BODY_Q.match(question)
    noun = m.group(1).lower() if m else "organisation"
    return re.sub(r"ies$", "y", noun) if noun.endswith("ies") else noun.removesuffix("s")


def _self_named_kind(question: str) -> str | None:
    """"Which hospital's A&E ...?": the token of a kind of body whose names say what they are
    (``_SELF_NAMED``), or None."""
    kind = tokenize(_body_noun(question))[0]
    return kind if kind in _SELF_NAMED else None


def _names_kind(c: X.Candidate, kind: str, asked: set[str]) -> bool:
    """The sentence names a body of that kind ("Sandwell General Hospital" for "hospital") that
    the question (``asked``: its tokens) doesn't: "the local A&E department" names no hospital."""
    names = [n for m in _NAMED.finditer(c.text) if kind in tokenize(n := m.group(0))]
    return _names_beyond(names, asked)


def _statements(chosen: list[X.Candidate], *, figures: bool = False,
                counting: bool = False) -> tuple[list[Statement], list[Citation]]:
    """One statement per chosen sentence, each citing its own exact span. With ``figures``,
    a sentence that states one is followed by the year it is for and the source. With
    ``counting`` (a "how many" question), a list whose lead-in gives no figure is followed by
    how many items it lists, which the quote shows."""
    citations: list[Citation] = []
    statements: list[Statement] = []
    # a lead-in brings the list it introduces; a sentence, the next one when that refers back to it
    spans = [X.with_list(X.with_sequel(c)) for c in chosen]
    # a heading chosen as a sentence says nothing that another chosen sentence's "Under “heading”:" does not
    shown_under = {(c.hit.chunk_id, c.heading) for c in spans if c.heading}
    for c in spans:
        if (c.hit.chunk_id, c.text) in shown_under and c.text in c.headings:
            continue
        # a sentence inside another chosen sentence's list is quoted once, as that list, where
        # the first of them was chosen (an item ranked first, its list sixth: the list, first)
        c = max((o for o in spans if o.hit.chunk_id == c.hit.chunk_id and o.start <= c.start and c.end <= o.end),
                key=lambda o: o.end - o.start)
        if any(cit.chunk_id == c.hit.chunk_id and cit.start <= c.start and c.end <= cit.end for cit in citations):
            continue  # already quoted
        cit = _citation(len(citations) + 1, c)
        citations.append(cit)
        said = statements and statements[-1].text.startswith(f"Under “{c.heading}”")
        text = f"Under “{c.heading}”: {X.spoken(c.text)}" if c.heading and not said else X.spoken(c.text)
        items = X.listed(c) if counting and not c.figures else 0
        if items >= 2:
            text += f" ({items} listed)"
        stated = c.figures if figures else []
        if stated:
            periods = ", ".join(dict.fromkeys(f.period for f in stated if f.period))
            text += f" ({'for ' + periods + '; ' if periods else ''}source: {c.hit.document}"
            text += f", {c.hit.period})" if c.hit.period else ")"
        statements.append(Statement(text=text, citations=[cit.id], partnership=c.hit.partnership))
    return statements, citations
