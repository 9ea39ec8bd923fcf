"""The answer layer: sentence selection with exact-span citations, grouping by partnership,
disagreeing figures, abstention, document caveats, renumbering, and the LLM path's
fall-back — over a small fixture corpus of made-up partnerships."""


from dataclasses import replace

import numpy as np
import pytest

from index import extractive as X
from index.answer import (
    _FOUND,
    _NOT_YET,
    _PROPORTION,
    AnswerQuestionPipeline,
    _body_noun,
    _month_not_stated,
    _who_role,
)
from index.citations import Citation, Statement, locate, render, renumber
from index.figures import DAY_DATE, figures_in, find_disagreements
from index.lexical import tokenize
from index.search import Filters, SearchHit
from index.synthesis import SynthesisUnavailable
from ingest.models import with_trail

DOCS = {
    # Northshire: a plan and an annual report that disagree on one figure
    "northshire-plan-2022.txt": """Safer Northshire Partnership
Community Safety Plan 2022-2025

Serious violence

Youth workers in A&E meet young people admitted with stab wounds and offer mentoring. Schools across Northshire run weapons awareness lessons with the police. Knife crime rose to 120 offences in 2021/22, mostly in the town centre.

Domestic abuse

The Multi-Agency Risk Assessment Conference (MARAC) meets fortnightly to plan safety for high-risk victims of domestic abuse. The MARAC is chaired by a detective inspector from Northshire Police.
""",
    "northshire-annual-report-2022.txt": """Safer Northshire Partnership
Annual Report 2022-2023

Performance

In 2021/22 recorded violence grew across the county. Our analysts counted knife crime 150 offences in the same year, and robbery fell. The partnership board met six times.
The partnership fund paid £40,000 for new CCTV cameras in the town centre.
""",
    # Southshire: a draft strategy
    "southshire-strategy-2023.txt": """Safer Southshire Partnership
Community Safety Strategy 2023-2026
Draft V0.3

Serious violence

Police officers based in secondary schools deliver lessons on knife crime and gang exploitation, and a violence intervention project works in the hospital emergency department.
The partnership focuses its patrols on its priority wards. These wards are Millbrook and Eastgate.

Foreword

To be added following the consultation once strategy content is finalised.
""",
    # Eastshire: old, and about other things entirely
    "eastshire-plan-2014.txt": """Safer Eastshire Partnership
Community Safety Plan 2014-2017

Libraries

The library service extended opening hours and introduced e-book lending for residents of Eastshire. Reading groups meet in every branch library on Tuesday evenings. Eight mobile library vans visit the villages each week. A new central library is planned to open in 2019.
Residents can reach the library service on 01632 960123 or at libraries@eastshire.example.org.

Bins

Recycling collections moved to a fortnightly cycle with a new food waste caddy for every household in Eastshire.
""",
}


@pytest.fixture(scope="module")
def shires(tmp_path_factory, embedder):
    from cspkb.runtime import Runtime
    from tests.conftest import make_settings

    tmp = tmp_path_factory.mktemp("answer")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    rt = Runtime(make_settings(tmp, corpus_dir=corpus))
    rt.__dict__["embedder"] = embedder
    report = rt.pipeline.run([corpus], progress=False)
    assert not report.failed, report.failed
    return rt


def check_citations(rt, answer) -> None:
    """Every quote is verbatim in the chunk the index holds, from the cited partnership and document."""
    view = rt.searcher.view()
    for c in answer.citations:
        i = view.index_of[c.chunk_id]
        assert view.texts[i][c.start:c.end] == c.quote
        assert view.metas[i]["partnership"] == c.partnership
        assert view.metas[i]["document"] == c.document
    ids = [c.id for c in answer.citations]
    assert ids == list(range(1, len(ids) + 1))
    for s in answer.statements:
        assert set(s.citations) <= set(ids)


def score_by_prefix(monkeypatch, scores: dict[str, float]) -> None:
    """Sentence scoring replaced: a sentence starting with a key of ``scores`` gets its value, others 0."""
    def fake_score(cands, *a, **k):
        for c in cands:
            c.score = next((v for key, v in scores.items() if c.text.startswith(key)), 0.0)
            c.rank = None
    monkeypatch.setattr(X, "score", fake_score)


# --- pure pieces ------------------------------------------------------------------------
def _passage(text: str, chunk_id: str = "c", trail: str = "") -> SearchHit:
    """A retrieved passage of partnership "P" for the sentence-level tests."""
    return SearchHit(rank=1, score=0.9, text=text, partnership="P", document="D", source="s", page=1, section=None,
                     chunk_id=chunk_id, trail=trail)


def _sentences(text: str) -> dict[str, X.Candidate]:
    """The candidate sentences of one passage of ``text``, by their text."""
    return {c.text: c for c in X.candidates([_passage(text)])}


def test_figures_read_measure_unit_and_period_including_same_year():
    context = "In 2021/22 recorded violence grew across the county."
    (f,) = figures_in("Our analysts counted knife crime 150 offences in the same year, and robbery fell.", context)
    assert (f.value, f.measure, f.unit, f.period) == (150, ("knife", "crime"), "offences", "2021/22")
    assert figures_in("The board met on 11 September 2021.") == []  # dates and years are not figures
    # nor the year of a name: two Acts are no two figures for one measure that disagree
    assert figures_in("Duties under the Police and Justice Act 2006 apply.") == []
    assert [f.text for f in figures_in("Walsall recorded 2019 crimes in the town centre.")] == ["2019"]


def test_figures_written_as_words_count_but_pronouns_and_substrings_do_not():
    (f,) = figures_in("The partnership has two Youth PCCs on the board.")
    assert (f.value, f.text, f.unit) == (2, "two", "youth")
    assert figures_in("Two of them were closed.") == [] and figures_in("It is one of the priorities.") == []
    (one,) = figures_in("Hold at least one public meeting per year.")
    assert (one.value, one.unit) == (1, "public")
    assert figures_in("Only one of them was closed.") == []
    assert figures_in("4.10 Virtual Decisions: the project runs in schools.") == []  # a section number
    assert [f.text for f in figures_in("4.5 million pounds were spent.")] == ["4.5"]
    often = X.Candidate.__new__(X.Candidate)
    often.text, often.context = "Violence is often ten times worse in the town centre.", ""
    assert often.states_figure_of(set(tokenize("violence")))
    often.text = "Violence often rises in the town centre in summer."
    assert not often.states_figure_of(set(tokenize("violence")))  # "ten" inside "often" is no figure


def test_disagreement_needs_same_measure_and_period_in_different_sources():
    a = ("Knife crime rose to 120 offences in 2021/22.", "", "plan")
    b = ("We counted knife crime 150 offences in 2021/22.", "", "report")
    c = ("Knife crime rose to 90 offences in 2019/20.", "", "report")
    (d,) = find_disagreements([a, b, c])
    assert d.period == "2021/22" and sorted(v for v, _ in d.values) == ["120", "150"]
    assert find_disagreements([a, ("Knife crime rose to 150 offences in 2021/22.", "", "plan")]) == []  # same source


def test_renumber_orders_by_first_use_and_drops_unused():
    cits = [Citation(id=i, partnership="P", document="D", source="s", page=None, section=None, quote=f"q{i}",
                     chunk_id=f"c{i}") for i in (1, 2, 3)]
    statements = [Statement("b", [3, 9]), Statement("a", [1, 3])]
    out_s, out_c = renumber(statements, cits)
    assert [s.citations for s in out_s] == [[1], [2, 1]]
    assert [c.quote for c in out_c] == ["q3", "q1"]
    assert render(out_s, grouped=False) == "b [1] a [2][1]"


def test_candidates_are_exact_spans_and_selection_skips_near_duplicates():
    text = "First sentence about knife crime here. Second one about parks and trees.\n- A bullet about knives in schools"
    hit = _passage(text)
    cands = X.candidates([hit])
    assert [c.text for c in cands] == ["First sentence about knife crime here.", "Second one about parks and trees.",
                                       "- A bullet about knives in schools"]
    assert all(text[c.start:c.end] == c.text and locate(c.text, text) == (c.start, c.end) for c in cands)
    twin = X.Candidate("First sentence about knife crime here!", hit, 0, 10, "", score=0.8)
    cands[0].score, cands[1].score, cands[2].score = 0.9, 0.1, 0.5
    chosen = X.select(cands + [twin], limit=5, min_score=0.3)
    assert [c.text for c in chosen] == [cands[0].text, cands[2].text]


# --- the pipeline on the fixture corpus ----------------------------------------------------
def test_single_partnership_answer_cites_exact_sentences(shires):
    a = shires.answerer.answer("Who chairs the MARAC in Northshire?")
    assert not a.abstained and a.mode == "extractive"
    assert "detective inspector" in a.answer
    assert {c.partnership for c in a.citations} == {"Northshire"}
    check_citations(shires, a)
    assert all("[" in line for line in a.answer.split("\n\n")[:1])  # markers on the answer sentences


def test_which_question_groups_by_partnership_and_names_those_without_evidence(shires):
    a = shires.answerer.answer("Which partnerships work with schools to prevent knife crime?")
    assert not a.abstained
    assert set(a.partnerships_with_evidence) == {"Northshire", "Southshire"}
    assert "**Northshire:**" in a.answer and "**Southshire:**" in a.answer
    assert "No relevant evidence found in: Eastshire" in a.answer
    assert "Eastshire" not in {c.partnership for c in a.citations}
    check_citations(shires, a)


def test_a_which_question_whose_sentences_answer_only_weakly_gives_the_strongest_partnership(shires, monkeypatch):
    """Sentences above the answer threshold but no partnership at the (here unreachable)
    partnership threshold: the answer is the strongest partnership's, not a refusal."""
    monkeypatch.setattr(shires.answerer.settings.answer, "partnership_threshold", 0.99)
    a = shires.answerer.answer("Which partnerships give weapons lessons in schools?")
    assert not a.abstained, a.answer
    assert len(a.partnerships_with_evidence) == 1, a.answer
    assert len({c.partnership for c in a.citations}) == 1
    check_citations(shires, a)


def test_compare_flag_answers_per_partnership(shires):
    a = shires.answerer.answer("knife crime in schools", Filters(partnerships=["Northshire", "Southshire"]), compare=True)
    groups = {s.partnership for s in a.statements}
    assert groups == {"Northshire", "Southshire"}


def test_disagreeing_figures_are_both_shown_with_citations(shires):
    a = shires.answerer.answer("How many knife crime offences were there in Northshire in 2021/22?")
    assert not a.abstained
    assert "disagree" in a.answer and "120" in a.answer and "150" in a.answer
    disagreement = next(s for s in a.statements if "disagree" in s.text)
    quotes = {c.id: c.quote for c in a.citations}
    assert len(disagreement.citations) == 2
    assert {"120", "150"} == {v for v in ("120", "150") for cid in disagreement.citations if v in quotes[cid]}
    check_citations(shires, a)



def test_a_disagreement_is_shown_only_when_the_question_asks_about_its_measure(shires):
    """The two knife crime figures disagree, but a question about the town centre is not about
    knife crime: one of them in a sentence naming the town centre is no reason to lead with
    them. An answer that shows both says they disagree, whatever the question's words."""
    a = shires.answerer.answer("What has happened in Northshire's town centre?")
    assert not a.abstained and "disagree" not in a.answer, a.answer
    knives = shires.answerer.answer("What does Northshire say about knives?")  # another form of the word
    assert "disagree" in knives.answer, knives.answer


@pytest.mark.parametrize("question, reason", [
    ("Who chairs Coventry's Community Safety Partnership?", "no documents for Coventry"),
    ("What were Northshire's priorities in 2012?", "not 2012"),
    ("How many MARAC cases did Northshire hear?", "give no figure"),
    ("What is the Eastshire partnership doing about knife crime in schools?", "don't cover"),
    ("What is the weather on Mars?", "don't cover"),
    ("Who chairs the Southshire partnership's work on knife crime in schools?", "don't name who"),
    ("What is the name of the Southshire police officer in secondary schools?", "don't name who"),
    ("How many youth workers does Northshire fund in A&E?", "give no figure"),  # "120 offences" counts no workers
    ("How much funding does the Northshire partnership board get?", "give no figure"),  # "met six times" is no sum of money
    # a sum of money next to "fund" is not the sum given to the mentoring asked about
    ("How much funding has the Endowment Fund given to the A&E mentoring in Northshire?", "give no figure"),
    ("What did Eastshire's library service plan for 2017/18?", "not 2017/18"),  # the 2014-2017 plan ends as 2017/18 begins
    # a span that only shares its first year with the 2014-2017 plan is the next plan's
    ("What are Eastshire's library service priorities for 2017-2020?", "not 2017-2020"),
    ("What are Eastshire's library service priorities for 2017-20?", "not 2017-20"),
    # the figure is not for the year asked; another sentence naming the year does not make it so
    ("How many mobile library vans did Eastshire run in 2019?", "not 2019"),
    # "how much X": the figure must be one of X ("£40,000 for new CCTV cameras in the town centre" is not)
    ("How much knife crime funding did Northshire spend on CCTV cameras?", "give no figure"),
    # a rate or a population is a figure too, though not asked with "how many"
    ("What is the knife crime rate in Southshire's schools?", "give no figure"),
    # "which organisation ...": a passage about it must name one
    ("Which organisation won the contract for the Northshire youth workers in A&E?", "don't name which organisation"),
    # "which hospital ...": a body that says what it is in its name; "the hospital emergency department" names none
    ("Which hospital hosts the violence intervention project in Southshire?", "don't name which hospital"),
    # "how often": a frequency of what is asked about; the board "met six times" is a count, the MARAC's
    # "fortnightly" is another body's
    ("How often does the Northshire partnership board meet?", "don't say how often"),
    # "the value of" asks for a sum of money
    ("What is the value of the contract for the Northshire youth workers in A&E?", "give no figure"),
    # "how much is it costing": a sum of money too, and "120 offences" is none
    ("How much is the Northshire knife crime work costing?", "give no figure"),
    # "what proportion": a count ("knife crime 150 offences") is no share of anything
    ("What proportion of Northshire's knife crime offences were robberies?", "give no proportion"),
    # "on what date": no passage gives a day's date ("2023-2026" is a period)
    ("On what date was the Southshire strategy on knife crime in schools signed off?", "don't give that date"),
    # a contact detail no passage gives (the passages about the MARAC give no email address at all)
    ("What email address should I use to contact the Northshire MARAC?", "don't give that email address"),
    # what a piece of work found, where the documents only say it is planned ("is planned to open in 2019")
    ("What did the new central library in Eastshire report about visitor numbers?", "only as planned"),
])
def test_abstains_plainly(shires, question, reason):
    a = shires.answerer.answer(question)
    assert a.abstained, a.answer
    assert reason in a.answer
    check_citations(shires, a)  # "closest passages" citations are still exact


@pytest.mark.parametrize("text, states", [
    ("Repeat offenders accounted for 27.5% of offenders.", True),
    ("Rates rose by 35 per cent.", True),
    ("One in three respondents had experienced abuse.", True),
    ("7 out of 10 residents feel safe.", True),
    ("Half of the referrals came from schools.", True),
    ("4.15 In 2019 the CSPT received 7 Community Trigger requests.", False),  # a paragraph number and a year
    ("The board met 6 times in 2021.", False),
])
def test_a_proportion_is_a_percentage_a_ratio_or_a_fraction(text, states):
    assert bool(_PROPORTION.search(text)) is states


@pytest.mark.parametrize("text, dated", [
    ("Cabinet 23 October 2019", True), ("Date | 11th November 2021", True), ("Set up by 30/12/19", True),
    ("Training on 24.04.20 for champions", True), ("Meeting of March 3rd", True),
    ("Plan 2020-2023", False), ("Version 1.9 in May", False), ("4.15 In 2019 the team met", False),
    ("Over 2 decades of work", False), ("3 Junior staff joined", False),  # words a month's name begins
])
def test_a_days_date_is_a_day_and_a_month(text, dated):
    assert bool(DAY_DATE.search(text)) is dated


TABLE_PASSAGE = ("The partnership has statutory and other members.\n"
                 "Statutory Partners | Non-Statutory Partners\n"
                 "City Council | Resident Representatives for each area\n"
                 "(including Youth Offending Team)\n"
                 "Police | Business sector\n"
                 "Fire Service | Housing company\n"
                 "The board meets every quarter to review delivery.")


def test_a_small_table_is_one_candidate_from_its_header_to_its_last_row():
    """"Who are the non-statutory partners?" is answered by a column of the table under its
    header, which no one cell says; a cell's wrapped line ("(including ...)") stays inside."""
    cands = X.candidates([_passage(TABLE_PASSAGE)])
    (table,) = [c for c in cands if c.table]
    assert table.text.startswith("Statutory Partners") and table.text.endswith("Housing company")
    assert "(including Youth Offending Team)" in table.text and TABLE_PASSAGE[table.start:table.end] == table.text
    assert X.spoken(table.text).startswith("Statutory Partners | Non-Statutory Partners: City Council | Resident "
                                           "Representatives for each area; (including Youth Offending Team); Police")
    # what it is about: its header row and first column, not every name in its cells
    assert {"statutori", "non", "partner", "citi", "polic"} <= table.words and "busi" not in table.words
    assert not [c for c in X.candidates([_passage("Intro text here.\nA | B\nMore text follows here.")]) if c.table]
    big = "\n".join(f"Row {i} | " + "word " * 20 for i in range(8))  # over 120 words: left to its rows
    assert not [c for c in X.candidates([_passage(big)]) if c.table]


def test_a_table_answers_only_a_question_its_header_or_first_column_is_about():
    cands = X.candidates([_passage(TABLE_PASSAGE)])
    table = next(c for c in cands if c.table)
    vectors = np.ones((len(cands), 2), dtype=np.float32)
    qvec = np.array([1.0, 0.0], dtype=np.float32)
    X.score(cands, {t: 1.0 for t in tokenize("non-statutory partners")}, qvec, vectors, figure_question=False,
            table_coverage=0.3)
    assert table.score > 0 and table.coverage == 1.0
    X.score(cands, {t: 1.0 for t in tokenize("business housing residents")}, qvec, vectors, figure_question=False,
            table_coverage=0.3)
    assert table.score == 0.0  # its cells name them, but the table is not about them


def test_a_sentence_stating_a_sum_of_money_covers_the_questions_words_for_money():
    """"Which partnerships give a pound figure for money they were given?": "£841,142 New
    Burdens Funding allocated to ..." shares none of its words but is about money; a count is not."""
    sum_, count = X.candidates([_passage("£841,142 New Burdens Funding was allocated to the borough. "
                                         "Eight vans visit the villages each week.")])
    terms = {"money": 1.0, "brought": 1.0}
    vectors, qvec = np.zeros((2, 2), dtype=np.float32), np.ones(2, dtype=np.float32)
    X.score([sum_, count], terms, qvec, vectors, figure_question=True, money_terms=frozenset({"money"}))
    assert sum_.coverage == 0.5 and count.coverage == 0.0
    X.score([sum_, count], terms, qvec, vectors, figure_question=True)
    assert sum_.coverage == 0.0


def test_a_numbered_paragraph_naming_its_subject_brings_the_items_that_follow_it():
    text = ("4.9 Mediation: The team introduced a mediation service for private tenants.\n"
            "- Since April we have received 12 requests for mediation.\n- 7 cases were resolved.\n"
            "Other work: The team ran a youth club in the summer.\n- It opened on Fridays at the hall.")
    service, requests, _resolved, club, _fridays = X.candidates([_passage(text)])
    assert X.with_list(service).text.endswith("- 7 cases were resolved.")
    assert X.with_list(club) is club  # not numbered: its sentence ends, and so does what it says
    assert X.with_list(requests) is requests


def test_a_quoted_sentence_brings_the_next_one_when_that_refers_back_to_it():
    text = ("Trafficking is now recorded in the new case system. This will let us see trends. Staff were trained.\n"
            "Referrals rose in the year. Staff were trained in June.\nThe first cell of a row. | This is the next cell.")
    system, this, trained, rose, _june, cell_a, _cell_b = X.candidates([_passage(text)])
    assert X.with_sequel(system).text == "Trafficking is now recorded in the new case system. This will let us see trends."
    assert X.with_sequel(this) is this and X.with_sequel(trained) is trained  # not "Staff ...", nor the next line
    assert X.with_sequel(rose) is rose
    assert X.with_sequel(cell_a) is cell_a  # a table row's cells are not one another's sequels


def test_a_question_asking_for_a_date_keeps_the_short_lines_that_give_one():
    """"Cabinet 23 October 2019" reads as a title, and is no sentence for most questions; it is
    the answer to "on what date did Cabinet consider the plan?"."""
    hit = _passage("Cabinet 23 October 2019\nThe plan was agreed by the partnership board in full.")
    assert [c.text for c in X.candidates([hit])] == ["The plan was agreed by the partnership board in full."]
    assert [c.text for c in X.candidates([hit], dated_lines=True)] == ["Cabinet 23 October 2019", "The plan was agreed by the partnership board in full."]


@pytest.mark.parametrize("text, not_yet", [
    ("Supporting the planned national review of Community Safety Partnerships", True),
    ("There have been 3 partnership workshops and a violence profile is currently being commissioned.", True),
    ("The review will report to the board in 2022.", True),
    ("The review found that partners share data well, and the board will act on it.", False),
    ("The violence profile showed that most violence happens at night.", False),
])
def test_work_still_to_come_says_so_and_work_done_says_what_it_found(text, not_yet):
    assert bool(_NOT_YET.search(text) and not _FOUND.search(text)) is not_yet


def test_who_and_how_many_questions_answer_when_the_documents_say(shires):
    chair = shires.answerer.answer("Who chairs the MARAC in Northshire?")
    assert not chair.abstained and "detective inspector" in chair.answer
    # a person's name asked for: "a detective inspector" is the chair's title, not a name; the refusal
    # shows the passage that gives the title
    named = shires.answerer.answer("What is the name of the Northshire MARAC chair?")
    assert named.abstained and "don't name that person" in named.answer, named.answer
    assert any("detective inspector" in c.quote or "MARAC" in c.quote for c in named.citations)
    library = shires.answerer.answer("What did Eastshire's library service plan for 2016/17?")
    assert not library.abstained and "e-book" in library.answer
    within = shires.answerer.answer("What did Eastshire's library service plan for 2015-2016?")
    assert not within.abstained and "e-book" in within.answer
    cctv = shires.answerer.answer("How much funding did Northshire spend on CCTV cameras?")
    assert not cctv.abstained and "£40,000" in cctv.answer
    cost = shires.answerer.answer("What was the cost of the new CCTV cameras in Northshire?")
    assert not cost.abstained and "£40,000" in cost.answer
    adverb = shires.answerer.answer("Who currently chairs the MARAC in Northshire?")  # "currently" is no role
    assert not adverb.abstained and "detective inspector" in adverb.answer
    assert not shires.answerer.answer("Who is actually in charge of the MARAC in Northshire?").abstained
    vans = shires.answerer.answer("How many mobile library vans did Eastshire run in 2016?")  # a year its plan covers
    assert not vans.abstained and "Eight" in vans.answer
    body = shires.answerer.answer("Which organisation chairs the MARAC in Northshire?")
    assert not body.abstained and "detective inspector" in body.answer
    meetings = shires.answerer.answer("How many times did the Northshire partnership board meet?")
    assert not meetings.abstained and "six times" in meetings.answer  # a figure written as a word
    check_citations(shires, meetings)


def test_a_count_asked_beside_a_money_question_needs_no_sum_of_money(shires):
    """"What did the cameras cost, and how many knife crime offences were there?": the clause
    that asks the count is not about money, so "120 offences" answers it."""
    a = shires.answerer.answer("What did Northshire's new CCTV cameras cost, and how many knife crime offences "
                               "were there in 2021/22?")
    assert not a.abstained and "120" in a.answer, a.answer


def test_how_much_weight_or_progress_asks_how_far_not_for_a_figure(shires):
    a = shires.answerer.answer("How much emphasis does Southshire put on gang exploitation?")
    assert not a.abstained and "gang exploitation" in a.answer, a.answer


def test_how_often_and_value_questions_answer_when_the_documents_say(shires):
    marac = shires.answerer.answer("How often does the Northshire MARAC meet?")
    assert not marac.abstained and "fortnightly" in marac.answer, marac.answer
    vans = shires.answerer.answer("How often do the Eastshire mobile library vans visit the villages?")
    assert not vans.abstained and "each week" in vans.answer, vans.answer
    cctv = shires.answerer.answer("What was the value of the new CCTV cameras in Northshire?")
    assert not cctv.abstained and "£40,000" in cctv.answer, cctv.answer
    costing = shires.answerer.answer("How much did the new CCTV cameras in Northshire end up costing?")
    assert not costing.abstained and "£40,000" in costing.answer, costing.answer
    check_citations(shires, cctv)


def test_a_count_of_parts_of_something_is_answered_by_a_figure_of_what_they_are_parts_of(indexed_document):
    """"How many strands of consultation ...?": "strands" is the user's word for the parts (the
    documents use it elsewhere, with no figure); "Two key areas of consultation" answers it.
    "How much consultation ...?" asks how far, like "how much work", not for a figure."""
    rt = indexed_document("eastshire-community-safety-plan-2020.txt",
        "Eastshire Community Safety Partnership Plan 2020\n\nHow the plan was made\n\n"
        "Two key areas of consultation have taken place, the strategic assessment and the public consultation. "
        "The partnership board approved the priorities in July.\n\nDelivery\n\n"
        "Delivery is organised in strands, each led by a named partner agency.\n\nExploitation scoping\n\n"
        "The exploitation scoping project relied on consultation with partners across the county. "
        "More than 120 one to one interviews took place.\n")
    strands = rt.answerer.answer("How many strands of consultation fed into the Eastshire plan's priorities?")
    assert not strands.abstained and "Two key areas of consultation" in strands.answer, strands.answer
    check_citations(rt, strands)
    extent = rt.answerer.answer("How much consultation with partners went into Eastshire's exploitation scoping project?")
    assert not extent.abstained and "consultation with partners" in extent.answer, extent.answer


def test_a_which_hospital_question_is_answered_by_a_named_hospital(indexed_document):
    rt = indexed_document("westshire-community-safety-plan-2022.txt",
        "Westshire Community Safety Partnership Plan 2022\n\nSerious violence\n\n"
        "The violence intervention project works in the emergency department of Westshire General Hospital. "
        "Youth workers meet young people admitted with stab wounds and offer mentoring.\n")
    a = rt.answerer.answer("Which hospital hosts the Westshire violence intervention project?")
    assert not a.abstained and "Westshire General Hospital" in a.answer, a.answer
    check_citations(rt, a)


def test_a_refusal_names_the_kind_of_body_asked_for_in_the_singular():
    assert _body_noun("Which charities run the project?") == "charity"
    assert _body_noun("Which hospitals host it?") == "hospital"
    assert _body_noun("Which organisation won the contract?") == "organisation"
    assert _body_noun("Who runs the project?") == "organisation"


def test_a_count_is_checked_against_the_words_the_documents_use_and_the_clause_it_is_asked_in(shires):
    # "headline" is the user's word, never the documents': the figure must count offences
    own_word = shires.answerer.answer("How many headline knife crime offences did Northshire record in 2021/22?")
    assert not own_word.abstained and "120" in own_word.answer, own_word.answer
    # the count is asked in the second clause: a figure of knife crime answers it, whatever the first clause asks
    clause = shires.answerer.answer("Which Northshire hospital mentors patients with stab wounds, and by how much "
                                    "did knife crime rise?")
    assert not clause.abstained and "120" in clause.answer, clause.answer
    check_citations(shires, clause)


def test_a_number_glued_to_the_next_word_is_still_a_figure_and_contractions_are_not_terms():
    (figure,) = figures_in("In 2018/19 there were 1,227drug users in structured treatment.")
    assert figure.text == "1,227" and figure.value == 1227
    assert "isn't" not in tokenize("an offender who isn't in treatment")


def test_digits_glued_to_a_word_name_something_and_a_percentage_keeps_its_sign():
    # "COVID19", "Covid-19", "S222" count nothing (a how-many question is not answered by them)
    assert figures_in("Refresher training is planned for reporting centres post COVID19") == []
    assert [f.text for f in figures_in("Since Covid-19 began, 120 cases were heard.")] == ["120"]
    assert [f.text for f in figures_in("The S222 injunction covers 3 roads.")] == ["3"]
    (f,) = figures_in("ASB has decreased by 18% in 2021.")
    assert (f.text, f.value, f.unit) == ("18%", 18, "%")


def test_a_sentence_after_a_line_label_is_about_the_label():
    text = ("3.4 Place Group: Work together to cut crime in the city. Manage the case review process.\n"
            "Other news: nothing here. Parks stay open until dusk in winter.\nNo label on this line at all today.")
    hit = _passage(text)
    first, manage, _other, parks, plain = X.candidates([hit])
    assert (first.label, manage.label, parks.label, plain.label) == ("", "Place Group", "Other news", "")
    assert {"place", "group"} <= manage.heading_words and "place" not in plain.heading_words
    terms = {t: 1.0 for t in tokenize("place group review")}  # the label adds more terms than the sentence has
    X.score([manage, plain], terms, np.array([1.0, 0.0]), np.array([[0.5, 0.0], [0.5, 0.0]]), figure_question=False)
    assert manage.coverage == 1.0 and manage.heading == "Place Group"  # shown as 'Under "Place Group": ...'


def test_a_sentence_is_shown_under_the_line_label_that_names_what_it_is_about():
    """A question in the user's own words shares no term with "Operation Encompass", yet the
    label is what the sentence is about; a line type the documents repeat ("Recent work:")
    names nothing and is not shown."""
    text = ("4.5 Operation Encompass: This began in 2011. The direct connection between police and schools "
            "safeguards children.\nRecent work: Schools were trained. Teachers now hear of incidents.")
    _began, direct, _trained, teachers = X.candidates([_passage(text)])
    terms = {t: 1.0 for t in tokenize("teachers hear police")}
    X.score([direct, teachers], terms, np.array([1.0, 0.0]), np.array([[0.5, 0.0], [0.5, 0.0]]),
            figure_question=False, repeated_labels=frozenset({"recent work"}))
    assert direct.heading == "Operation Encompass"  # shown as 'Under "Operation Encompass": ...'
    assert teachers.label == "Recent work" and teachers.heading == ""


def test_a_sentence_that_refers_back_inherits_what_the_one_before_is_about():
    hit = SearchHit(rank=1, score=0.5, text="Sandwell ran a County Lines Intensification Week. In October 2022, this "
                    "included: 22 children safeguarded and 6 cuckooing visits.", partnership="Sandwell", document="d",
                    source="s", page=None, section=None, chunk_id="c")
    first, second = X.candidates([hit])
    terms = {"counti": 1.0, "line": 1.0, "intensif": 1.0, "octob": 1.0}
    X.score([first, second], terms, np.ones(2, dtype=np.float32), np.zeros((2, 2), dtype=np.float32), figure_question=False)
    assert second.coverage == pytest.approx((1.0 + 0.5 * 3) / 4)  # its own "October", half of what "this" refers to
    assert first.coverage == pytest.approx(3 / 4)


def test_a_sentence_that_refers_back_is_as_close_in_meaning_as_what_it_refers_to():
    """"These involved parents ... walkabouts" says nothing the question's words match; the
    sentence before says what "these" are. Its closeness is at least the mean of the two; a
    sentence that does not refer back, or opens another passage, keeps its own."""
    text = "Parents led safety walks in Newtown. These involved maps and walkabouts. Maps were printed for every school."
    hit = _passage(text)
    other = _passage("They met every month at the town hall.", chunk_id="other")
    walks, these, maps = X.candidates([hit])
    (they,) = X.candidates([other])
    qvec = np.array([1.0, 0.0], dtype=np.float32)
    vectors = np.array([[0.8, 0.6], [0.2, 0.98], [0.1, 0.99], [0.1, 0.99]], dtype=np.float32)
    X.score([walks, these, maps, they], {"parent": 1.0}, qvec, vectors, figure_question=False)
    assert these.score == pytest.approx(0.45 * (0.8 + 0.2) / 2 + 0.45 * these.coverage + 0.10 * hit.score)
    assert maps.score == pytest.approx(0.45 * 0.1 + 0.45 * maps.coverage + 0.10 * hit.score)
    assert they.score == pytest.approx(0.45 * 0.1 + 0.10 * other.score)


def test_a_sentence_using_the_acronym_covers_the_long_form_the_question_spells_out():
    hit = SearchHit(rank=1, score=0.5, text="ASB has decreased by 18% in the past 4 weeks.", partnership="Northshire",
                    document="d", source="s", page=None, section=None, chunk_id="c")
    (c,) = X.candidates([hit])
    question = "What is the latest drop in anti-social behaviour?"
    terms = X.question_terms(question, lambda t: 1.0, set())
    acronyms = X.acronym_words(question, {"ASB": ["Anti-Social Behaviour"]})
    assert acronyms == {"asb": frozenset(tokenize("Anti-Social Behaviour"))}
    vectors, qvec = np.zeros((1, 2), dtype=np.float32), np.ones(2, dtype=np.float32)
    X.score([c], terms, qvec, vectors, figure_question=False)
    assert c.coverage == 0.0
    X.score([c], terms, qvec, vectors, figure_question=False, equivalents=acronyms)
    assert c.coverage == pytest.approx(3 / len(terms))  # "anti", "social", "behaviour"; not "latest", "drop"


@pytest.mark.parametrize("question", ["How does Solihull CSP tackle knife crime?",
                                      "What is Solihull doing about knife crime in schools?"])
def test_named_unknown_area_is_not_answered_from_another_borough(shires, question):
    a = shires.answerer.answer(question)
    assert a.abstained and not any(c.partnership == "Northshire" for c in a.citations)
    assert "no documents for Solihull" in a.answer


def test_a_programme_named_like_a_partnership_is_not_taken_for_an_unknown_place(shires):
    """"Safer Schools" reads like "Safer Leeds", but "schools" is a common word in the documents."""
    a = shires.answerer.answer("Which partnerships run Safer Schools lessons on knife crime?")
    assert not a.abstained and "no documents for" not in a.answer
    assert shires.answerer.answer("How does Safer Leeds tackle knife crime?").abstained


def test_notes_flag_drafts_and_old_documents(shires):
    draft = shires.answerer.answer("What do police officers in Southshire secondary schools teach?")
    assert any("draft" in n and "Draft V0.3" in n for n in draft.notes), draft.notes
    assert "_Note:" in draft.answer
    old = shires.answerer.answer("When do Eastshire reading groups meet?")
    assert any("2017" in n and "years before the newest" in n for n in old.notes), old.notes
    fresh = shires.answerer.answer("Who chairs the MARAC in Northshire?")
    assert fresh.notes == []


def test_citation_json_contract(shires):
    data = shires.answerer.answer("Who chairs the MARAC in Northshire?").to_json()
    assert set(data) >= {"question", "answer", "citations", "abstained", "mode"}
    c = data["citations"][0]
    assert set(c) >= {"id", "partnership", "document", "source", "page", "section", "quote", "chunk_id"}
    assert "chunk_text" not in c


class _DeadSynth:
    def run(self, question, hits):
        raise SynthesisUnavailable("LLM at http://127.0.0.1:9/v1 unreachable: connection refused")


class _EchoSynth:
    """Answers with the first sentence of the first passage, citing it."""

    def run(self, question, hits):
        c = X.candidates(hits[:1])[0]
        cit = Citation(id=1, partnership=c.hit.partnership, document=c.hit.document, source=c.hit.source,
                       page=c.hit.page, section=c.hit.section, quote=c.text, chunk_id=c.hit.chunk_id,
                       start=c.start, end=c.end, chunk_text=c.hit.text)
        return [Statement(c.text, [1], c.hit.partnership)], [cit]


def test_llm_mode_uses_the_synthesiser_and_falls_back_when_it_is_unavailable(shires):
    good = AnswerQuestionPipeline(shires.settings, shires.searcher, synthesiser=_EchoSynth())
    a = good.answer("Who chairs the MARAC in Northshire?", mode="llm")
    assert a.mode == "llm" and len(a.citations) == 1
    check_citations(shires, a)
    dead = AnswerQuestionPipeline(shires.settings, shires.searcher, synthesiser=_DeadSynth())
    b = dead.answer("Who chairs the MARAC in Northshire?", mode="llm")
    assert b.mode == "extractive" and not b.abstained
    assert any("unavailable" in n and "extractive" in n for n in b.notes)
    assert "detective inspector" in b.answer


def test_markdown_export_lists_sources_with_quotes(shires):
    md = shires.answerer.answer("Who chairs the MARAC in Northshire?").to_markdown()
    assert md.startswith("## Who chairs the MARAC in Northshire?")
    assert "### Sources" in md and "[1] Northshire:" in md and "> " in md


def test_cli_ask_json_and_batch(shires, capsys, monkeypatch):
    import io
    import json

    from cspkb import cli

    s = shires.settings
    base = ["--data-dir", str(s.paths.data_dir), "--collection", s.store.collection]
    monkeypatch.setenv("CSPKB_PATHS__PARTNERSHIPS", str(s.paths.partnerships))
    assert cli.main(base + ["ask", "Who chairs the MARAC in Northshire?", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["citations"] and data["abstained"] is False
    monkeypatch.setattr("sys.stdin", io.StringIO("Who chairs the MARAC in Northshire?\nWhat is the weather on Mars?\n"))
    assert cli.main(base + ["ask", "--batch", "-"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["abstained"] for x in lines] == [False, True]


def test_empty_index_searches_and_abstains(runtime_factory, tmp_path):
    rt = runtime_factory(corpus_dir=tmp_path / "nothing")
    assert rt.searcher.search("knife crime").hits == []
    a = rt.answerer.answer("What is MARAC?")
    assert a.abstained and a.citations == []


def test_sentences_are_scored_against_the_topic_not_the_partnership_named(shires, monkeypatch):
    asked: list[np.ndarray] = []
    real = X.score
    monkeypatch.setattr(X, "score", lambda cands, terms, qvec, vectors, **kw: asked.append(qvec) or real(cands, terms, qvec, vectors, **kw))
    question = "How does the Safer Northshire Partnership keep high-risk domestic abuse victims safe?"
    answer = shires.answerer.answer(question)
    topic = shires.searcher.search(question).topic
    assert topic and "Northshire" not in topic  # the scope is set; the name would steer the choice
    assert asked and all(np.allclose(q, shires.embedder.embed_query(topic), atol=1e-5) for q in asked)
    assert not answer.abstained and "MARAC" in answer.answer
    check_citations(shires, answer)


def test_a_cross_partnership_answer_embeds_each_query_text_once(shires, monkeypatch):
    cache = shires.searcher.query_vectors
    cache.clear()
    embedded: list[str] = []
    real = cache._embed
    monkeypatch.setattr(cache, "_embed", lambda texts: embedded.extend(texts) or real(texts))
    answer = shires.answerer.answer("Which partnerships work with schools on knife crime?")
    assert not answer.abstained
    assert embedded and len(embedded) == len(set(embedded))  # per-partnership searches re-use the vectors


def test_sentences_embedded_at_ingest_are_not_embedded_again(shires, monkeypatch):
    answerer = shires.answerer
    answerer._vectors.clear()
    embedded: list[str] = []
    scored: list[np.ndarray] = []
    real_embed, real_score = answerer._vectors._embed, X.score
    monkeypatch.setattr(answerer._vectors, "_embed", lambda texts: embedded.extend(texts) or real_embed(texts))
    monkeypatch.setattr(X, "score", lambda cands, terms, qvec, vectors, **kw: scored.append((cands, vectors))
                        or real_score(cands, terms, qvec, vectors, **kw))
    answer = answerer.answer("How does the Safer Northshire Partnership keep high-risk domestic abuse victims safe?")
    assert not answer.abstained
    view = shires.searcher.view()
    (cands, vectors), = scored
    keys = [with_trail(c.hit.trail, c.text) for c in cands]
    stored = view.stored_sentence_vectors(keys)
    assert any(v is not None for v in stored)  # the fixture's multi-sentence passages were embedded per sentence
    for key, v, got in zip(keys, stored, vectors):
        if v is not None:
            assert key not in embedded and np.allclose(got, v)
        else:  # embedded now, in the same form (trail and sentence) as at ingest
            assert key in embedded


def test_specificity_counts_what_a_sentence_adds_beyond_the_question():
    terms = {t: 1.0 for t in tokenize("How do partnerships coordinate action on anti-social behaviour (ASB)?")}
    restated = "Preventing and reducing crime and ASB is a complex issue that requires a multidisciplinary approach."
    specific = "There are six LPDGs within Northshire, facilitated by the CSPT, and they meet in March."
    assert X.specificity(restated, terms) == 0.0  # capitals at a sentence start and question words don't count
    assert X.specificity(specific, terms, known=frozenset(tokenize("Northshire"))) == 0.75  # LPDGs, CSPT, March
    assert X.specificity(specific, terms) == 1.0


def test_selection_orders_by_rank_but_judges_answering_by_score():
    hit = _passage("x")
    vague = X.Candidate("Crime is a complex issue for every partner.", hit, 0, 1, "", score=0.6, rank=0.6)
    named = X.Candidate("Borough tasking meets monthly with Town partners.", hit, 0, 1, "", score=0.55, rank=0.65)
    weak = X.Candidate("The Library Service opened in March with Eastshire Books.", hit, 0, 1, "", score=0.2, rank=0.3)
    chosen = X.select([vague, named, weak], limit=1, min_score=0.25)
    assert chosen == [named]
    assert X.select([weak, vague], limit=2, min_score=0.25) == [vague]  # its rank can't lift it over the floor


def test_glossary_lines_are_shown_last_unless_the_question_asks_what_something_is():
    text = "- FGM Female genital mutilation\nOur nurses train school staff to spot the risk of FGM."
    hit = _passage(text)
    cands = X.candidates([hit])
    assert [X.is_glossary_line(c.text) for c in cands] == [True, False]
    terms = {t: 1.0 for t in tokenize("FGM female genital mutilation")}
    vectors = np.array([[1.0, 0.0], [0.6, 0.8]])  # the glossary line is closer to the question
    qvec = np.array([1.0, 0.0])
    for question, first in (("Which partnerships tackle FGM?", cands[1]), ("What does FGM stand for?", cands[0])):
        X.score(cands, terms, qvec, vectors, figure_question=False, definition_question=X.is_definition_question(question))
        assert X.select(cands, limit=2, min_score=0.1)[0] is first
        assert all(c.score > 0.1 for c in cands)  # both still answer: only the order changes


def test_one_passage_gives_at_most_per_passage_sentences_so_other_parts_of_a_question_get_in():
    vice = _passage("x", chunk_id="vice")
    chair = SearchHit(rank=2, score=0.4, text="y", partnership="P", document="D", source="s", page=2, section=None,
                      chunk_id="chair")
    said = ("Crime fell in every ward last year.", "Parks stay open until dusk in winter.",
            "Street lighting was renewed on main roads.", "Vice chairs serve for two years.",
            "Housing officers join the weekly tasking meeting.")
    body = [X.Candidate(t, vice, 0, 1, "", score=0.7 - i / 100) for i, t in enumerate(said)]
    named = X.Candidate("The chair is Councillor Ada Byron.", chair, 0, 1, "", score=0.5)
    assert named not in X.select(body + [named], limit=5, min_score=0.3)
    chosen = X.select(body + [named], limit=5, min_score=0.3, per_passage=4)
    assert named in chosen and sum(c.hit is vice for c in chosen) == 4


def test_novelty_prefers_a_sentence_that_says_what_the_chosen_ones_leave_unsaid():
    hit = _passage("x")
    texts = ("The youth justice service runs the youth justice panel.",  # rank 0.60
             "Youth justice workers sit on the youth justice board.",  # rank 0.58: says only what is said
             "Every child gets their full entitlement to education.")  # rank 0.50: says what the others leave out
    cands = [X.Candidate(t, hit, 0, 1, "", score=r) for t, r in zip(texts, (0.6, 0.58, 0.5))]
    terms = {t: 1.0 for t in tokenize("youth justice education")}
    # rank alone: the two youth justice sentences
    assert X.select(cands, limit=2, min_score=0.1, terms=terms) == cands[:2]
    assert X.select(cands, limit=2, min_score=0.1, terms=terms, novelty=0.0) == cands[:2]
    # greedy over what is unsaid: first 0.60 + 0.5 x 2/3 (youth, justice) beats 0.58 + 0.5 x 2/3 and
    # 0.50 + 0.5 x 1/3; then only "education" is unsaid: 0.50 + 0.5 x 1/3 beats the second's 0.58
    chosen = X.select(cands, limit=2, min_score=0.1, terms=terms, novelty=0.5)
    assert chosen == [cands[0], cands[2]]
    # a part-answering sentence chosen first counts as said
    assert X.select(cands, limit=1, min_score=0.1, terms=terms, first=[cands[0]]) == [cands[0], cands[1]]
    assert X.select(cands, limit=1, min_score=0.1, terms=terms, novelty=0.5, first=[cands[0]]) == [cands[0], cands[2]]
    # min_score and the limit still hold
    assert X.select(cands, limit=3, min_score=0.55, terms=terms, novelty=0.5) == cands[:2]


def test_a_passage_heading_is_a_candidate_other_titles_are_not():
    text = "Introduction from the Chair Councillor Ada Byron\nSafer Shire Plan\nKeeping people safe matters to us all."
    hit = _passage(text, trail="Introduction from the Chair Councillor Ada Byron")
    assert [c.text for c in X.candidates([hit])] == ["Introduction from the Chair Councillor Ada Byron",
                                                     "Keeping people safe matters to us all."]


def test_a_sentence_that_only_points_elsewhere_is_not_a_candidate():
    hit = _passage("The plan sets out its vision to tackle crime. (See draft plan Appendix A)\n"
                   "A delivery plan (see Appendix B) shows how we will deliver.")
    assert [c.text for c in X.candidates([hit])] == ["The plan sets out its vision to tackle crime.",
                                                     "A delivery plan (see Appendix B) shows how we will deliver."]


def test_short_aims_in_sentence_case_are_candidates_titles_in_title_case_are_not():
    # an aims chart whose bullets the PDF lost: each aim on its own line, without a full stop
    text = ("What do we hope to achieve?\nIncrease reporting of under-reported crimes\nStrengthen community cohesion\n"
            "Early Areas of Focus\nBui of c\nSafer Shire Partnership Plan")
    hit = _passage(text, trail="Building Community Capacity")
    assert [c.text for c in X.candidates([hit])] == ["What do we hope to achieve?",
                                                     "Increase reporting of under-reported crimes",
                                                     "Strengthen community cohesion"]


def test_list_items_read_as_one_sentence_without_their_own_stops():
    text = "During August, a total of 26 NRMs have been submitted:\n- 12 adults (male/female).\n- 14 children;\n- 2 crimed."
    assert X.spoken(text) == ("During August, a total of 26 NRMs have been submitted: 12 adults (male/female); "
                              "14 children; 2 crimed.")  # the list's own end stays


def test_a_quoted_footnote_reads_without_its_marker():
    assert X.spoken("⁷ Under reported crimes include hate crime and stalking.") == (
        "Under reported crimes include hate crime and stalking.")


def test_a_lead_in_carries_the_list_it_introduces_as_one_exact_span():
    text = ("Our aims are these. The partnership will do these things:\n- fund youth workers in A&E\n- train school staff\n"
            "Next paragraph starts here.\n- The Four P approach is used: a fifth P is added.\n  - Pursue: disrupt networks\n"
            "  - Protect: safeguard people\n- An item at the same level")
    by_text = _sentences(text)
    lead = X.with_list(by_text["The partnership will do these things:"])
    assert lead.text == "The partnership will do these things:\n- fund youth workers in A&E\n- train school staff"
    assert text[lead.start:lead.end] == lead.text and locate(lead.text, text) == (lead.start, lead.end)
    assert X.spoken(lead.text) == "The partnership will do these things: fund youth workers in A&E; train school staff"
    four = X.with_list(by_text["- The Four P approach is used: a fifth P is added."])
    assert four.text.endswith("  - Protect: safeguard people")  # nested items come, the next sibling does not
    aims = by_text["Our aims are these."]  # a short lead-in follows it on its line: it carries both
    assert X.with_list(aims).text == "Our aims are these. " + lead.text
    para = "Work on this goes on across the city. We meet every month with the police and the council:\n- item one\n- item two"
    hit2 = _passage(para, chunk_id="c2")
    first = X.candidates([hit2])[0]
    assert X.with_list(first) is first  # what follows it on its line is a sentence, not a short lead-in
    sibling = by_text["- An item at the same level"]
    assert X.with_list(sibling) is sibling


def test_an_indented_bullet_stays_nested_under_the_one_before():
    from ingest.models import Page
    from ingest.structure import parse_blocks

    blocks = parse_blocks([Page(None, "- The Four P approach:\n - Pursue: disrupt networks\n- Another item")])
    assert [b.text for b in blocks] == ["- The Four P approach:", "  - Pursue: disrupt networks", "- Another item"]


def test_the_words_a_question_is_asked_with_are_not_its_terms():
    terms = X.question_terms("Does either report say how risk will be managed?", lambda t: 1.0, set())
    assert {"report", "risk", "manag"} <= set(terms) and not {"either", "say"} & set(terms)
    terms = X.question_terms("What is Dudley doing about cohesion, and how many groups is it meant to run?",
                             lambda t: 1.0, set())
    assert set(terms) == {"dudley", "cohes", "group", "run"}  # not "doing" (rare in documents, so weighed most)


def test_a_question_that_asks_several_things_gets_a_sentence_for_each():
    terms = {t: 1.0 for t in tokenize("Birmingham Community Trigger chair reviews organisation training")}
    parts = X.question_parts("Community Trigger - who will chair the reviews, and which organisation does the training?", terms)
    assert [set(p) for p in parts] == [set(tokenize("Community Trigger")), set(tokenize("chair reviews")),
                                       set(tokenize("organisation training"))]
    assert X.question_parts("Who chairs the Community Trigger reviews?", terms) == []  # one ask
    hit = _passage("")
    said = [X.Candidate(t, hit, 0, 1, "", score=0.6 - i / 100) for i, t in enumerate((
        "The Community Trigger process was reviewed this year.", "Victims asked for a Community Trigger 37 times.",
        "Community Trigger requests now get a quick supportive service."))]
    chair = X.Candidate("Independent people will chair the reviews.", hit, 0, 1, "", score=0.3)
    trainer = X.Candidate("A local organisation is writing the training.", hit, 0, 1, "", score=0.25)
    cands = said + [chair, trainer]
    picks = X.facet_picks(cands, parts, min_score=0.2)
    assert chair in picks and trainer in picks
    assert [c for c in X.select(cands, limit=2, min_score=0.2) if c in (chair, trainer)] == []  # without the parts
    chosen = X.select(cands, limit=2, min_score=0.2, first=picks)
    assert chair in chosen and trainer in chosen and len(chosen) == 2 + len(picks)  # on top of the limit


def test_a_part_of_the_question_is_answered_only_by_a_sentence_as_strong_as_the_others(shires, monkeypatch):
    """The sentence that covers a part best is shown for it only when it scores as the others
    shown must (half the best): else "which places will it run in?" would bring "the programme
    will run until July" along."""
    cfg = shires.settings.answer
    scores = {"Youth workers in A&E": 0.8, "Schools across Northshire": 0.3}
    assert cfg.answer_threshold <= 0.3 < cfg.relative_cut * 0.8

    score_by_prefix(monkeypatch, scores)
    question = "What do the Northshire youth workers in A&E do, and which lessons run in schools?"
    quotes = [c.quote for c in shires.answerer.answer(question).citations]
    assert any(q.startswith("Youth workers in A&E") for q in quotes), quotes
    assert not any(q.startswith("Schools across Northshire") for q in quotes), quotes
    monkeypatch.setattr(cfg, "relative_cut", 0.3)  # as strong as the others need: shown for its part
    quotes = [c.quote for c in shires.answerer.answer(question).citations]
    assert any(q.startswith("Schools across Northshire") for q in quotes), quotes


def test_a_lead_in_without_its_colon_carries_the_numbered_list_after_it():
    text = "How we do it.\nSuccess will be measured by\n1. Fewer knife crimes in parks\n2. More victims supported\nNext part."
    hit = _passage(text, trail="Success will be measured by")
    lead = X.with_list(next(c for c in X.candidates([hit]) if c.text == "Success will be measured by"))
    assert lead.text == "Success will be measured by\n1. Fewer knife crimes in parks\n2. More victims supported"
    assert X.spoken(lead.text) == "Success will be measured by Fewer knife crimes in parks; More victims supported"
    text = "The priorities the board set for 2021/22 after the consultation are: -\n 1. Reducing violent crime\n 2. Reducing reoffending\nThe board meets."
    hit = _passage(text)
    assert X.with_list(X.candidates([hit])[0]).text == text.rsplit("\n", 1)[0]  # a stray dash after the colon


def test_a_short_line_that_introduces_a_list_is_quoted_with_its_bullets_only():
    text = ("4. The Act says so.\n5. The Responsible Authorities are: -\n  - Shire Council\n- Shire Police\n"
            "  - Shire Fire and Rescue Service\n6. There is a duty to cooperate with the Commissioner.\n"
            "7. Short title line\n- not introduced")
    cands = X.candidates([_passage(text)])
    lead = next(c for c in cands if c.text == "5. The Responsible Authorities are: -")  # six words, no stop: kept
    assert "7. Short title line" not in [c.text for c in cands]  # a short line that introduces nothing is not
    quoted = X.with_list(lead)
    assert quoted.text.endswith("  - Shire Fire and Rescue Service")  # the next numbered paragraph is not an item
    assert text[quoted.start:quoted.end] == quoted.text
    assert X.spoken(quoted.text) == ("The Responsible Authorities are: Shire Council; Shire Police; "
                                     "Shire Fire and Rescue Service")  # no stray dash
    assert X.listed(lead) == 3 and X.listed(quoted) == 3 and X.listed(cands[0]) == 0
    long = _passage("The members are:\n" + "\n".join(f"- Member {i}" for i in range(12)))
    assert X.listed(X.candidates([long])[0]) == 0  # quoted in part: no count claimed


def test_a_table_cell_sits_under_its_row_label_and_column_header():
    text = ("Plan on a Page\nPriority 1: Prevent Violence | Priority 2: Reduce Crime\n"
            "Objectives | Train school staff. | Enhance safety on our high rise estates.\n"
            "Lead | Council | Police\n"
            "We meet monthly to review all priority areas of violence and abuse across the borough | Review how well training works.")
    cands = {c.text: c for c in X.candidates([_passage(text, trail="Plan on a Page")])}
    estates = cands["Enhance safety on our high rise estates."]
    # the header row lost the empty cell over the row labels: aligned to the right
    assert estates.cell_headings == ("Objectives", "Priority 2: Reduce Crime")
    assert {"prioriti", "reduc", "crime", "object"} <= estates.heading_words
    assert cands["Train school staff."].cell_headings == ("Objectives", "Priority 1: Prevent Violence")
    assert cands["Priority 2: Reduce Crime"].label == ""  # "Priority 1:" labels its own cell only
    assert cands["We meet monthly to review all priority areas of violence and abuse across the borough"].cell_headings == ()
    long_label = "We meet monthly to review all priority areas of violence and abuse across the borough"
    assert long_label not in cands["Review how well training works."].cell_headings  # content is no row label
    terms = {t: 1.0 for t in tokenize("What objectives are listed under Priority 2, Reduce Crime?")}
    one = [estates, cands["Train school staff."]]
    X.score(one, terms, np.zeros(2), np.zeros((2, 2)), figure_question=False)
    assert estates.score > cands["Train school staff."].score and estates.heading == "Priority 2: Reduce Crime"


def test_the_list_a_passage_opens_in_names_its_items_only():
    text = ("- Since April 2021 we have received 12 requests for mediation.\n"
            "4.10 Virtual Decisions: This project uses VR headsets. We look at the motivations behind behaviour.")
    hit = replace(_passage(text, trail="4. Projects > Mediation"), continues="Mediation")
    cands = {c.text: c for c in X.candidates([hit])}
    assert "Mediation" in cands["- Since April 2021 we have received 12 requests for mediation."].headings
    assert "Mediation" not in cands["We look at the motivations behind behaviour."].headings
    assert cands["We look at the motivations behind behaviour."].headings[0] == "4. Projects"
    heading = replace(hit, continues="")  # a real heading holds for the whole passage
    assert "Mediation" in X.candidates([heading])[-1].headings


def test_how_many_is_answered_by_the_list_a_line_introduces(tmp_path, embedder):
    from cspkb.runtime import Runtime
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "westshire-plan-2022.txt").write_text(
        "Safer Westshire Partnership\nCommunity Safety Plan 2022-2025\n\nGovernance\n\n"
        "4. The partnership meets in public once a year with other organisations.\n5. The Responsible Authorities are: -\n"
        "  - Westshire Council\n- Westshire Police\n  - Westshire Fire and Rescue Service\n"
        "  - Westshire Probation Service\n6. There is a duty to cooperate with the Police and Crime Commissioner.\n",
        encoding="utf-8")
    rt = Runtime(make_settings(tmp_path, corpus_dir=corpus))
    rt.__dict__["embedder"] = embedder
    assert not rt.pipeline.run([corpus], progress=False).failed
    answer = rt.answerer.answer("How many Responsible Authorities does Westshire have?")
    assert not answer.abstained, answer.answer
    assert "Westshire Probation Service (4 listed)" in answer.answer
    check_citations(rt, answer)
    # counted as something else than what the list names: what they are listed as counts too
    listed_as = rt.answerer.answer("How many organisations does the Westshire plan list as Responsible Authorities?")
    assert not listed_as.abstained and "(4 listed)" in listed_as.answer
    # a list is no sum of money, and no share
    assert rt.answerer.answer("How much funding do the Responsible Authorities in Westshire get?").abstained
    assert rt.answerer.answer("What proportion of the Responsible Authorities in Westshire meet in public?").abstained


def test_words_the_documents_never_use_do_not_dilute_how_well_a_sentence_answers(shires, monkeypatch):
    scored = []
    real = X.score
    monkeypatch.setattr(X, "score", lambda cands, terms, *a, **k: scored.append(dict(terms)) or real(cands, terms, *a, **k))
    shires.answerer.answer("Which lessons do Northshire schools run on weapons, quizzically?")
    assert scored and "quizzic" not in scored[-1] and {"lesson", "school", "weapon"} <= set(scored[-1])


def test_a_qualifying_partnerships_sentences_are_chosen_as_in_a_single_answer(shires, monkeypatch):
    """The partnership threshold decides whether a partnership has evidence; its further sentences
    then need only what a single-partnership answer asks (half its best), not the threshold."""
    cfg = shires.settings.answer
    best = 0.4  # half of it is below the threshold
    scores = {"Youth workers in A&E": best, "Schools across Northshire": (cfg.partnership_threshold + cfg.relative_cut * best) / 2,
              "Police officers based in secondary schools": best}
    assert cfg.answer_threshold <= cfg.relative_cut * best <= scores["Schools across Northshire"] < cfg.partnership_threshold

    score_by_prefix(monkeypatch, scores)
    answer = shires.answerer.answer("Compare how Northshire and Southshire tackle knife crime")
    quotes = [c.quote for c in answer.citations]
    assert any(q.startswith("Schools across Northshire") for q in quotes), quotes
    assert any(q.startswith("Police officers based") for q in quotes)


def test_a_role_holder_is_named_next_to_the_role_and_the_body_asked_about():
    from index.answer import _names_role_holder

    def cand(text: str, trail: str = "") -> X.Candidate:
        hit = _passage(text, trail=trail)
        return X.Candidate(text, hit, 0, len(text), "")

    asked = set(tokenize("Who chairs Dudley's Prevent Delivery Group?"))
    prevent = [set(tokenize("Prevent Delivery Group"))]
    assert _names_role_holder(cand("The Board is chaired by Chief Superintendent Kim Madill."), "chair", asked)
    assert _names_role_holder(cand("The board meets quarterly.", trail="Chair: Councillor Ada Byron"), "chair", asked)
    # another body's chair is not the one asked about
    assert not _names_role_holder(cand("Dudley MBC has the Statutory Duty to Chair Dudley's Channel Panel."), "chair",
                                  asked, prevent)
    assert _names_role_holder(cand("The Prevent Delivery Group is chaired by Dudley MBC."), "chair", asked, prevent)
    # the role word inside a body's name, and a name only in a heading without the role
    asked = set(tokenize("What is the name of the Modern Slavery coordinator?"))
    assert not _names_role_holder(cand("Members include the National Network Coordinators Forum."), "coordin", asked)
    assert not _names_role_holder(cand("We have a dedicated Modern Slavery coordinator.",
                                       trail="Projects and Commissioned Services"), "coordin", asked)


def test_a_question_about_what_was_paid_needs_a_sum_of_money(shires):
    answer = shires.answerer.answer("How much did Northshire pay the analysts who counted knife crime?")
    assert answer.abstained and "no figure" in answer.answer


def test_a_list_is_quoted_once_when_two_chosen_sentences_lead_into_it():
    from index.answer import _statements

    text = "The board sets the strategy for the city. As such the Board works;\n- To influence partners\n- To commission services"
    hit = _passage(text)
    cands = X.candidates([hit])
    _, citations = _statements(cands)
    assert len(citations) == 1 and citations[0].quote == text  # the lead-in sits inside the first sentence's span


def test_an_item_chosen_before_its_list_is_quoted_once_as_the_list_in_the_items_place():
    from index.answer import _statements

    text = ("Crime fell this year.\nOver the coming year we will:\n- Open a drugs court\n- Train school staff\n"
            "The board meets monthly.")
    by_text = _sentences(text)
    chosen = [by_text["- Open a drugs court"], by_text["Crime fell this year."], by_text["Over the coming year we will:"],
              by_text["- Train school staff"]]
    statements, citations = _statements(chosen)
    listed = "Over the coming year we will:\n- Open a drugs court\n- Train school staff"
    assert [c.quote for c in citations] == [listed, "Crime fell this year."]
    assert [s.text for s in statements] == ["Over the coming year we will: Open a drugs court; Train school staff",
                                            "Crime fell this year."]
    assert [c.id for c in citations] == [1, 2] and text[citations[0].start:citations[0].end] == listed


def test_a_question_about_what_was_promised_is_told_from_one_about_what_was_done():
    for q in ("What did Walsall promise in 2020 on drugs?", "What commitments do the plans share on reoffending?",
              "What is Sandwell planning to do next?", "What does the plan commit to over the coming year?",
              "Does Walsall intend to use licensing?", "What will the partnership do about knife crime?",
              "Which partnerships pledged to train school staff?", "Is Birmingham going to extend the scheme?"):
        assert X.is_commitment_question(q), q
    for q in ("How much crime does an offender commit a year?", "Who chairs the MARAC?",
              "How many knife crimes were recorded in 2021/22?", "What planning powers does the council have?"):
        assert not X.is_commitment_question(q), q


def test_in_what_way_is_how_a_question_asks_not_a_part_of_its_own():
    """"Which partnerships bring up knife crime, and in what way?" asks one thing: "way" is no
    term, so "in what way?" is no part whose best sentence is one about "new ways of working";
    nor is "which ones?" one about a "one-year plan"."""
    question = "Which partnerships bring up knife crime, and in what way?"
    terms = X.question_terms(question, lambda t: 1.0, set())
    assert {"knife", "crime"} <= set(terms) and "way" not in terms
    assert X.question_parts(question, terms) == []
    question = "Do any of the partnerships mention firearms? Which ones, and what does each one say?"
    terms = X.question_terms(question, lambda t: 1.0, set())
    assert "firearm" in terms and "one" not in terms and X.question_parts(question, terms) == []


def test_a_sentence_that_says_what_will_be_done_is_shown_first_when_that_is_asked():
    text = ("Our promise is to listen to residents.\nDrug use cost the area £26k per offender.\n"
            "Over the coming year we will:\n- Open a drugs court\n- Fund treatment places\n"
            "This plan will be reviewed in 2021.")
    by_text = _sentences(text)
    assert by_text["- Open a drugs court"].commits and by_text["Over the coming year we will:"].commits
    assert not by_text["This plan will be reviewed in 2021."].commits  # "will", but not the partnership's doing
    assert not by_text["Drug use cost the area £26k per offender."].commits
    cands = list(by_text.values())
    terms = X.question_terms("What did the partnership promise on drugs?", lambda t: 1.0, set())
    assert "promis" not in terms and "drug" in terms  # "promise" is what is asked for, not the topic
    vectors = np.ones((len(cands), 2), dtype=np.float32) / np.sqrt(2)
    qvec = vectors[0]

    def first(weight: float) -> str:
        X.score(cands, terms, qvec, vectors, figure_question=False, commitment_weight=weight)
        return X.select(cands, limit=1, min_score=0.0)[0].text

    assert first(0.0) == "Drug use cost the area £26k per offender."  # it says "drug" in a sentence of its own
    assert first(0.06) == "- Open a drugs court"


def test_a_sentence_that_says_the_topic_itself_outranks_one_whose_heading_says_it():
    text = "Modern slavery hubs opened in two towns.\nThe board met in June and reviewed child exploitation."
    hit = _passage(text, trail="Tackling Modern Slavery")
    said, under = X.candidates([hit])
    terms = {t: 1.0 for t in tokenize("tackling modern slavery")}
    vectors = np.ones((2, 2), dtype=np.float32) / np.sqrt(2)
    X.score([said, under], terms, vectors[0], vectors, figure_question=False, heading_weight=1.0)
    assert said.coverage == under.coverage == 1.0  # the heading says every term for both
    X.score([said, under], terms, vectors[0], vectors, figure_question=False, heading_weight=0.75)
    assert under.coverage == 0.75 and said.coverage == (2 + 0.75) / 3 and said.score > under.score


def test_only_a_question_about_what_was_promised_weighs_commitments(shires, monkeypatch):
    weights = []
    real = X.score
    monkeypatch.setattr(X, "score", lambda *a, **k: weights.append(k["commitment_weight"]) or real(*a, **k))
    shires.answerer.answer("What has Northshire promised to do about knife crime?")
    shires.answerer.answer("How many knife crimes did Northshire record?")
    assert weights == [shires.settings.answer.commitment_weight, 0.0] and weights[0] > 0


def test_a_heading_is_not_quoted_alone_when_a_chosen_sentence_shows_it():
    from index.answer import _statements

    text = "Reducing Youth Offending\nApproaches: The Youth Justice Board leads on this area of work."
    hit = _passage(text, trail="Reducing Youth Offending")
    heading, sentence = X.candidates([hit])
    assert heading.text == "Reducing Youth Offending"
    assert len(_statements([heading, sentence])[1]) == 2  # the sentence does not show the heading: both quoted
    sentence.heading = "Reducing Youth Offending"
    statements, citations = _statements([heading, sentence])
    assert [c.quote for c in citations] == [sentence.text]
    assert [s.text for s in statements] == [f"Under “Reducing Youth Offending”: {sentence.text}"]


def test_partnerships_share_the_length_of_a_cross_partnership_answer(shires, monkeypatch):
    cfg = shires.settings.answer
    limits = []
    real = X.select
    monkeypatch.setattr(X, "select", lambda cands, **k: limits.append(k["limit"]) or real(cands, **k))
    shires.answerer.answer("Compare how Northshire and Southshire tackle knife crime")
    low, high = cfg.per_partnership_sentences
    assert limits == [min(high, max(low, round(cfg.cross_sentences / 2)))] * 2 and limits[0] > low


def test_a_which_question_is_scored_on_its_topic_not_on_how_it_is_asked(shires, monkeypatch):
    """"Which CSPs / partnerships' documents ...": that wording is how the question is asked;
    a sentence saying "partnership" is no better evidence for it."""
    scored = []
    real = X.score
    monkeypatch.setattr(X, "score", lambda cands, terms, *a, **k: scored.append(dict(terms)) or real(cands, terms, *a, **k))
    shires.answerer.answer("Which partnerships' documents say schools run weapons awareness lessons?")
    assert scored and {"school", "weapon", "lesson"} <= set(scored[-1])
    assert "partnership" not in scored[-1], scored[-1]  # a word the documents use ("The partnership board")


def test_a_cross_partnership_question_is_scored_on_its_topic_without_the_acronyms_the_search_added(shires, monkeypatch):
    """"Compare knife crime across Northshire and Southshire": "across" is how the question is
    asked ("Schools across Northshire" is no better evidence), as "which partnerships" is; and
    "MARAC", which the search adds beside the "multi-agency risk assessment conference" a
    question spells out, would count the same thing twice."""
    scored = []
    real = X.score
    monkeypatch.setattr(X, "score", lambda cands, terms, *a, **k: scored.append(dict(terms)) or real(cands, terms, *a, **k))
    shires.answerer.answer("Compare knife crime across Northshire and Southshire")
    assert scored and {"knife", "crime"} <= set(scored[-1]) and "across" not in scored[-1], scored[-1]
    question = "Which partnerships hold a multi-agency risk assessment conference?"
    assert "MARAC" in shires.searcher.search(question).topic  # the search's topic carries the acronym
    shires.answerer.answer(question)
    assert {"risk", "assess", "confer"} <= set(scored[-1]) and "marac" not in scored[-1], scored[-1]


def test_a_partnership_far_weaker_than_the_strongest_is_not_listed_as_having_evidence(shires, monkeypatch):
    """Above the partnership threshold is not enough when another partnership's evidence is more
    than twice as strong: the weak one is among those searched without evidence."""
    cfg = shires.settings.answer
    weak = max(cfg.partnership_threshold, 0.3)
    scores = {"Youth workers in A&E": 0.9, "Police officers based in secondary schools": weak}
    assert weak < cfg.partnership_relative * (0.9 + weak) / 2

    score_by_prefix(monkeypatch, scores)
    question = "Which partnerships work with young people hurt by knives?"
    assert shires.answerer.answer(question).partnerships_with_evidence == ["Northshire"]
    monkeypatch.setattr(cfg, "partnership_relative", 0.0)  # the threshold alone: both listed
    assert shires.answerer.answer(question).partnerships_with_evidence == ["Northshire", "Southshire"]


def test_a_partnership_is_weighed_against_the_two_strongest_not_the_one_that_says_it_all(shires, monkeypatch):
    """One partnership answering in a near-perfect sentence does not push out another that
    clearly answers too: the bar is a share of the two strongest partnerships' mean."""
    cfg = shires.settings.answer
    scores = {"Youth workers in A&E": 0.9, "Police officers based in secondary schools": 0.55,
              "Reading groups meet in every branch library": 0.45}
    bar = cfg.partnership_relative * (0.9 + 0.55) / 2
    assert 0.45 < bar <= 0.55 < cfg.partnership_relative * 0.9  # against the strongest alone, 0.55 is out

    score_by_prefix(monkeypatch, scores)
    answer = shires.answerer.answer("Which partnerships work with young people hurt by knives?")
    assert sorted(answer.partnerships_with_evidence) == ["Northshire", "Southshire"], answer.answer


def test_each_partnership_in_a_cross_answer_gets_as_many_passages_as_a_single_answer(shires, monkeypatch):
    searched = []
    real = shires.searcher.search
    monkeypatch.setattr(shires.searcher, "search", lambda q, k=None, filters=None: searched.append((k, filters)) or real(q, k=k, filters=filters))
    shires.answerer.answer("Compare how Northshire and Southshire tackle knife crime")
    per = [k for k, f in searched if f is not None and f.partnerships]
    assert len(per) == 2 and set(per) == {shires.settings.answer.passages}


def _sentence(text: str, trail: str = "") -> X.Candidate:
    hit = SearchHit(rank=1, score=0.5, text=text, partnership="Sandwell", document="d", source="s", page=None,
                    section=trail or None, chunk_id="c", trail=trail)
    return X.candidates([hit])[0]


def test_a_figure_for_one_month_needs_a_sentence_naming_that_month():
    question = "How many partnership disruptions of organised crime groups did Sandwell carry out in February 2023?"
    january = _sentence("In January 2023, there were 24 such disruptions.")
    assert _month_not_stated(question, [january], None) == "February 2023"
    assert _month_not_stated(question.replace("February", "January"), [january], None) is None
    assert _month_not_stated(question, [], None) is None  # no figure at all: not a matter of the month
    # a date written in numbers names the month too
    dated = _sentence("As of the 28/02/23 Sandwell had carried out 9 disruptions of organised crime groups.")
    assert _month_not_stated(question, [dated], None) is None
    # a heading can name it
    headed = _sentence("There were 31 disruptions this month.", trail="Disruptions in February 2023")
    assert _month_not_stated(question, [headed], None) is None
    # so can the line that introduces the list an item belongs to
    hit = SearchHit(rank=1, score=0.5, text="During February, 26 referrals were submitted:\n- 12 adults of which 1 was "
                    "crimed.\n- 14 children of which 2 were crimed.", partnership="Sandwell", document="d", source="s",
                    page=None, section=None, chunk_id="c")
    items = [c for c in X.candidates([hit]) if c.text.startswith("- ")]
    assert len(items) == 2 and items[0].lead_in.startswith("During February")
    assert _month_not_stated(question, items, None) is None
    assert _month_not_stated(question.replace("February", "March"), items, None) == "March 2023"
    # only the clause that asks for the figure counts
    clause = "Since the new plan was agreed in March 2022, how many disruptions were there"
    assert _month_not_stated(clause, [january], (clause.index("how"), len(clause))) is None


def test_the_role_a_who_question_asks_about_is_the_head_of_its_noun_phrase():
    assert _who_role("Who chairs the Board?") == "chair"  # a verb: the role itself
    assert _who_role("Who are the core partners in Dudley's and Sandwell's partnerships?") == "partner"  # not "core"
    assert _who_role("Who is Dudley's lead officer for Prevent?") == "offic"  # not "dudley"
    assert _who_role("Who is the Modern Slavery coordinator in Birmingham?") == "coordin"
    assert _who_role("Who is currently the chair?") == "chair"
    assert _who_role("Who is responsible for the plan?") == "respons"
    assert _who_role("What does the plan say about schools?") is None
    # who the members are, not who holds a role: "sits" is in no sentence that names them
    assert _who_role("Who sits on the Safer Wolverhampton Partnership?") is None
    assert _who_role("Who takes part in the MARAC?") is None


def test_a_question_about_the_partnership_itself_is_answered_from_its_own_description(indexed_document):
    """With the partnership's names taken out, "What is the Northshire Community Safety
    Partnership?" asks about nothing; the names are then what it asks about."""
    rt = indexed_document("northshire-community-safety-plan-2022.txt",
        "Northshire Community Safety Partnership Plan 2022\n\nAbout us\n\n"
        "The Northshire Community Safety Partnership is the statutory partnership of the council, police, fire "
        "service, probation and health that works to reduce crime in Northshire.\n\nPriorities\n\n"
        "Knife crime fell by 12% in 2021. Burglary rose in rural villages. Hate crime reporting is encouraged through "
        "third-party reporting centres.\n")
    for question in ("What is the Northshire Community Safety Partnership?",
                     "Tell me about the Northshire Community Safety Partnership"):
        a = rt.answerer.answer(question)
        assert not a.abstained, question
        assert "is the statutory partnership of the council" in a.citations[0].quote


def test_how_many_times_counts_what_is_done_not_times(indexed_document):
    """"How many times did partners disrupt ..." asks for a count of disruptions: "times" is how
    it is asked, so "there were 24 such disruptions" answers it."""
    rt = indexed_document("northshire-community-safety-delivery-2023.txt",
        "Northshire Community Safety Partnership Delivery Plan 2022-23\n\nReducing Serious Organised Crime\n\n"
        "Regular partnership disruptions to organised crime groups in Northshire. In January 2023, there were "
        "24 such disruptions. The partnership board met four times last year to review the plan.\n")
    a = rt.answerer.answer("How many times did partners in Northshire disrupt organised crime groups in January 2023?")
    assert not a.abstained and "24 such disruptions" in a.answer, a.answer


def test_a_term_the_partnerships_asked_about_never_mention_is_not_answered_from_nearby_passages(shires):
    # Southshire's documents never mention MARAC: its schools and hospital passages are no answer,
    # and the user is shown where MARAC is mentioned (Northshire's plan)
    a = shires.answerer.answer("What is MARAC, and who runs it in Southshire?")
    assert a.abstained, a.answer
    assert "The Southshire documents in the index don't mention MARAC" in a.answer
    assert "Northshire's documents" in a.answer
    assert a.citations and {c.partnership for c in a.citations} == {"Northshire"}
    assert all("MARAC" in c.quote or "Multi-Agency Risk Assessment Conference" in c.quote for c in a.citations)
    check_citations(shires, a)
    # an acronym no document mentions, asked about everywhere
    nowhere = shires.answerer.answer("What is MAPPA and who chairs it?")
    assert nowhere.abstained and "The indexed documents don't mention MAPPA" in nowhere.answer
    assert not nowhere.citations


def test_a_term_missing_from_one_partnership_asked_about_is_noted(shires):
    # Northshire's CCTV is answered; the "Reading Groups" it is asked about too are Eastshire's
    a = shires.answerer.answer("How does Northshire use CCTV cameras and Reading Groups?")
    assert not a.abstained and "£40,000" in a.answer, a.answer
    assert "The Northshire documents don't mention Reading Groups; Eastshire's do." in a.notes
    check_citations(shires, a)


@pytest.mark.parametrize("question, expected", [
    # "how many were there" names nothing counted: the words after it do ("knife crime offences"),
    # not the second "how many" ("how many times more robberies came ...", of which no figure is given)
    ("How many were there of knife crime offences in Northshire in 2021/22, and how many more robberies came?", "120"),
    # a contact detail of the kind asked for, where a passage gives one
    ("What's the phone number for the Eastshire library service?", "01632 960123"),
    ("What email address reaches the Eastshire library service?", "libraries@eastshire.example.org"),
    # a question that mentions a website without asking for one is not refused for want of one
    ("Besides the partnership website, how do Northshire schools teach weapons awareness?", "weapons awareness lessons"),
    # "how many" answered by names a sentence enumerates as what is counted ("These wards are ...")
    ("How many priority wards does Southshire focus its patrols on?", "Millbrook and Eastgate"),
])
def test_answers_what_the_documents_give(shires, question, expected):
    a = shires.answerer.answer(question)
    assert not a.abstained and expected in a.answer, a.answer


def test_is_person_takes_names_and_titled_names_not_roles_or_common_words():
    from index.answer import _is_person
    lower = frozenset({"community", "safety", "leader"})
    assert _is_person("Sue Haywood", lower) and _is_person("Chief Superintendent Kim Madill", lower)
    assert _is_person("Cllr John Cotton", lower)
    assert not _is_person("Chief Executive", lower)  # a role
    assert not _is_person("Shadow Leader", lower)  # a role, and "leader" is a word
    assert not _is_person("Community Safety", lower) and not _is_person("DMBC Team", lower)


def test_named_items_counts_an_inline_list_of_names_for_what_is_counted():
    def count(text, subjects):
        return X.named_items(_sentences(text)[text], frozenset(subjects))
    areas = 'For Dudley Borough these areas are "Dudley Central" and Brierley Hill.'
    assert count(areas, {"area"}) == 2
    assert count(areas, {"crime"}) == 0  # a list of something else
    assert count("The partners include Walsall Council, West Midlands Police, and Walsall Housing Group.", {"partner"}) == 3
    assert count("These wards are busy and growing.", {"ward"}) == 0  # no names
    assert count("Reducing Vulnerability (including Substance Misuse, Mental Health, Hate Crime)", {"crime"}) == 0
