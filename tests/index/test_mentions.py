"""Named terms of a question and which partnerships' documents mention them (index.mentions)."""

import pytest

from index.mentions import Mentions, NamedTerm, named_terms
from ingest.partnerships import Partnership, Registry

REGISTRY = Registry([Partnership("Northshire", "Safer Northshire Partnership", aliases=("Northshire CSP",),
                                 acronyms=("SNP",))], {"Shire Counties": ["Northshire"]})


def texts(question: str) -> list[tuple[str, bool]]:
    return [(t.text, t.acronym) for t in named_terms(question, REGISTRY)]


@pytest.mark.parametrize("question, expected", [
    # an acronym, a plural one, one with a sign in it
    ("What is MARAC, and who runs it in Northshire?", [("MARAC", True)]),
    ("How many IDVAs does Northshire fund?", [("IDVA", True)]),
    ("Is there a St Giles worker in A&E?", [("A&E", True), ("St Giles", False)]),
    # a name; the partnership's own names, acronyms and groups are not terms
    ("Does the Safer Northshire Partnership (SNP) run Operation Guardian?", [("Operation Guardian", False)]),
    ("Which of the Shire Counties fund the Channel Panel?", [("Channel Panel", False)]),
    # a sentence's first word is capitalised anyway; months are dates, not names
    ("Besides the Crime and Disorder Act, what laws apply?", [("Crime and Disorder Act", False)]),
    ("If I'm new, what changed between August and September?", []),
    # an acronym's possessive is no word of a name; nor is a lower-case suffix
    ("What did the VRU's Government funding buy in West Midlands-wide work?", [("VRU", True), ("West Midlands", False)]),
])
def test_named_terms(question, expected):
    assert texts(question) == expected


def test_mentions_by_words_long_form_initials_and_a_names_head():
    m = Mentions(
        ["The Multi-Agency Risk Assessment Conference meets fortnightly.",
         "Two Domestic Homicide Reviews were published. The Police and Crime Commissioner's Office funds it.",
         "Operation Sceptre targets knife crime. Operation\n\nGuardian is another paragraph."],
        ["Domestic abuse", "Reviews", "Knives"], ["A", "B", "C"])
    glossary = {"MARAC": ["Multi-Agency Risk Assessment Conference"]}
    assert m.mentioning(NamedTerm("MARAC", True), glossary) == ["A"]  # by the long form the documents define
    assert m.mentioning(NamedTerm("DHR", True), {}) == ["B"]  # by initials, plural or not
    assert m.mentioning(NamedTerm("MAPPA", True), glossary) == []
    # a name by its words in order, or its last two or more ("Crime Commissioner" is its head)
    assert m.mentioning(NamedTerm("West Midlands Police and Crime Commissioner", False), {}) == ["B"]
    assert m.mentioning(NamedTerm("Operation Sceptre", False), {}) == ["C"]
    assert m.mentioning(NamedTerm("Operation Guardian", False), {}) == []  # not across paragraphs
    assert m.mentioning(NamedTerm("Knife Crime", False), {}) == ["C"]  # case does not matter
    assert Mentions.passage_mentions("Operation Sceptre targets knife crime.", "", [NamedTerm("Operation Sceptre", False)], {})


def test_names_joined_by_and_are_split_unless_used_whole():
    m = Mentions(["The Police and Crime Commissioner funds Operation Sceptre."], [""], ["A"])
    split = m.resolved([NamedTerm("Channel Panel and Operation Sceptre", False)], {})
    assert [t.text for t in split] == ["Channel Panel", "Operation Sceptre"]
    whole = m.resolved([NamedTerm("Police and Crime Commissioner", False)], {})
    assert [t.text for t in whole] == ["Police and Crime Commissioner"]
