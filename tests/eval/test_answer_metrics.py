"""Answer metrics: key facts, gold quotes cited, citation support against the indexed chunk, partnership
recall/irrelevance and abstention rates."""

from eval.answers import (
    AnswerOutcome,
    aggregate,
    citation_supported,
    facts_present,
    gold_quoted,
)
from index.citations import Citation


def outcome(**kw):
    base = {"question_id": "q", "kind": "fact", "answerable": True, "abstained": False, "ms": 10.0, "citations": 0,
            "supported": 0, "facts": None}
    return AnswerOutcome(**{**base, **kw})


def test_facts_ignore_case_thousands_separators_and_dash_styles():
    assert facts_present("Knife crime: 3275 offences – in 2018–19", ["3,275", "KNIFE crime", "2018-19", "261"]) == [
        True, True, True, False]


def test_a_gold_quote_is_cited_whole_or_by_one_sentence_of_it():
    gold = ["The MARAC meets fortnightly at the police station.",
            "We will:\n- open a drugs court\n- train school staff in first aid",
            "Knife crime fell by 12%.",
            "Never quoted in this answer."]
    cites = ["Alpha. The  MARAC meets **fortnightly** at the police station. Beta.",  # holds it, markup aside
             "- train school staff in first aid",  # one item of a gold list
             "12%"]  # a fragment too short to count as quoting the sentence
    assert gold_quoted(cites, gold) == [True, True, False, False]
    assert gold_quoted([], gold) == [False] * 4


def test_citation_supported_needs_exact_span_and_matching_source():
    chunk = "Alpha sentence. The MARAC meets fortnightly."
    quote = "The MARAC meets fortnightly."
    c = Citation(id=1, partnership="P", document="D", source="s", page=None, section=None, quote=quote, chunk_id="x",
                 start=chunk.index(quote), end=len(chunk))
    meta = {"partnership": "P", "document": "D"}
    assert citation_supported(c, chunk, meta)
    assert not citation_supported(c, chunk, {"partnership": "Q", "document": "D"})
    assert not citation_supported(c, "Another chunk entirely.", meta)
    assert not citation_supported(c, None, None)


def test_aggregate_rates():
    outs = [
        outcome(kind="which", citations=3, supported=3, facts=1.0, gold_cited=1.0, qualifying=["A", "B"], cited=["A", "C"]),
        outcome(kind="compare", citations=2, supported=1, facts=0.5, gold_cited=0.25, qualifying=["A", "B"],
                cited=["A", "B"]),
        outcome(kind="unanswerable", answerable=False, abstained=True),
        outcome(kind="unanswerable", answerable=False, abstained=False),
        outcome(kind="fact", abstained=True),
    ]
    s = aggregate(outs)
    assert s.citation_support == 4 / 5
    assert s.key_facts == 0.75
    assert s.gold_cited == 0.625  # the abstained answerable question has no gold listed here: not counted
    assert s.partnership_recall == 3 / 4
    assert s.irrelevant_share == 1 / 4
    assert s.abstain_correct == 0.5
    assert s.false_abstain == 1 / 3
