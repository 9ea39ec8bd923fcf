"""Retrieval: fusion, partnership-aware filtering and per-partnership retrieval, acronym
expansion from the corpus's own definitions, the relevance floor, and the rerank stage."""

from pathlib import Path

import numpy as np
import pytest

from index.fusion import reciprocal_rank_fusion
from index.lexical import BM25Index, SentenceCoverage, tokenize
from index.query import analyse, build_glossary, expand, spelled_out
from index.search import Filters
from ingest.partnerships import load_registry

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
REGISTRY = load_registry(CORPUS / "partnerships.yaml")

SHIRES = {
    "northshire": ("Safer Northshire Partnership", [
        ("Knife crime", ("Youth workers in A&E meet young people admitted with stab wounds and offer mentoring. "
                         "Knife bins were placed in the town centre and schools ran weapons awareness lessons.")),
        ("Domestic abuse", ("The Multi-Agency Risk Assessment Conference (MARAC) meets fortnightly to plan "
                            "safety for high-risk victims of domestic abuse, chaired by the police.")),
    ]),
    "southshire": ("Safer Southshire Partnership", [
        ("Serious violence", ("Police officers based in secondary schools deliver lessons on knife crime and "
                              "gang exploitation, and a violence intervention project works in the hospital.")),
        ("Parks", "Grounds staff planted 4,000 trees and repaired the bandstand in the central park."),
    ]),
    "eastshire": ("Safer Eastshire Partnership", [
        ("Libraries", "The library service extended opening hours and introduced e-book lending for residents."),
        ("Bins", "Recycling collections moved to a fortnightly cycle with a new food waste caddy."),
    ]),
}


def write_shires(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (full, sections) in SHIRES.items():
        body = "\n\n".join(f"{title}\n\n{text} " + "This work continues next year with partners. " * 3
                           for title, text in sections)
        (folder / f"{name}-plan.txt").write_text(f"{full}\n\nCommunity Safety Plan 2022-2025\n\n{body}\n")
    return folder


@pytest.fixture
def shires(runtime_factory, tmp_path):
    corpus = write_shires(tmp_path / "corpus")
    rt = runtime_factory(corpus_dir=corpus)
    rt.pipeline.run([corpus])
    return rt


class _Calls(list):
    """Recorded ``_fused_order`` calls; ``said`` holds each call's sentence coverage."""

    def __init__(self) -> None:
        super().__init__()
        self.said: list = []


def record_fused_orders(searcher, monkeypatch) -> _Calls:
    """Let ``searcher._fused_order`` run as usual, recording each call's (cos, topic_cos, coverage)
    and, in ``said``, its sentence coverage."""
    calls = _Calls()
    real = searcher._fused_order

    def spy(idx, cos, lex, topic_cos=None, share=1.0, coverage=None, sentence_coverage=None):
        calls.append((cos, topic_cos, coverage))
        calls.said.append(sentence_coverage)
        return real(idx, cos, lex, topic_cos, share, coverage, sentence_coverage)

    monkeypatch.setattr(searcher, "_fused_order", spy)
    return calls


def test_rrf_rewards_items_ranked_well_by_both():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "d"]], k=60)
    assert max(fused, key=fused.get) == "b"
    assert fused["a"] == pytest.approx(1 / 61) and fused["d"] == pytest.approx(1 / 63)
    weighted = reciprocal_rank_fusion([["a"], ["d"]], k=60, weights=[2.0, 1.0])
    assert weighted["a"] == pytest.approx(2 * weighted["d"])


def test_word_forms_meet_so_coverage_is_not_lost_to_inflection():
    assert tokenize("Which partnerships prioritise Birmingham's schools?") == tokenize("partnership prioritises birmingham school")
    assert tokenize("26 NRMs were submitted by IDVAs") == tokenize("26 NRM were submitted by IDVA")  # acronyms' plurals
    assert tokenize("Bus") == ["bus"]  # a capitalised word is not an acronym
    index = BM25Index(["Sandwell prioritises tackling modern slavery.", "Bins are collected weekly."])
    cov = index.coverage("which partnerships prioritise modern slavery")
    assert cov[0] > 0.5 and cov[1] == 0.0


def test_glossary_comes_from_the_documents_and_expands_both_ways():
    glossary = build_glossary([{"MARAC": "Multi Agency Risk Assessment Conference"},
                               {"SWP": "Safer Walsall Partnership"}, {"SWP": "Safer Wolverhampton Partnership"}])
    text, found = expand("who chairs MARAC?", glossary)
    assert "Multi Agency Risk Assessment Conference" in text and found == {"MARAC": ["Multi Agency Risk Assessment Conference"]}
    assert expand("what does SWP do", glossary)[1]["SWP"] == ["Safer Walsall Partnership", "Safer Wolverhampton Partnership"]
    assert "MARAC" in expand("the multi agency risk assessment conference", glossary)[0]
    assert expand("nothing to expand here", glossary)[0] == "nothing to expand here"
    assert spelled_out("who chairs the multi agency risk assessment conference?", glossary) == {
        "MARAC": ["Multi Agency Risk Assessment Conference"]}
    assert spelled_out("who chairs MARAC?", glossary) == {}


@pytest.mark.parametrize("query,cross", [
    ("Which partnerships work with schools to prevent violence?", True),
    ("compare Walsall and Dudley on hate crime", True),
    ("How do the Black Country boroughs tackle knife crime?", True),
    ("Who chairs the Birmingham partnership?", False),
    ("what is MARAC", False),
    ("Which community safety partnerships use restorative justice?", True),
    ("Which of the five boroughs fund IDVAs?", True),
    ("What does the partnership do about drugs?", False),
    ("Which offences does the Northshire strategy want reported?", False),
    ("Does any of the partnerships mention sex work? Which ones?", True),
    ("Do any boroughs fund IDVAs?", True),
])
def test_cross_partnership_intent(query, cross):
    assert analyse(query, REGISTRY, {}).cross is cross


def test_acronym_from_a_document_definition_finds_its_passage(shires):
    assert "MARAC" in shires.searcher.view().glossary
    result = shires.searcher.search("what is MARAC?", k=3)
    assert result.expansions == {"MARAC": ["Multi-Agency Risk Assessment Conference"]}
    assert "fortnightly" in result.hits[0].text and result.found


def test_which_question_gets_every_partnership_with_evidence_and_no_padding(shires):
    result = shires.searcher.search("Which partnerships work with schools to prevent knife crime?", k=4)
    assert result.cross
    top_two = {h.partnership for h in result.hits[:2]}
    assert top_two == {"Northshire", "Southshire"}  # both qualify, each gets its best passage first
    assert "Eastshire" not in result.partnerships_with_evidence
    assert all(h.partnership != "Eastshire" or h.score < shires.settings.retrieval.floor for h in result.hits)


def test_named_partnership_filters_and_explicit_filter_wins(shires):
    named = shires.searcher.search("What does Southshire do about knife crime?", k=5)
    assert {h.partnership for h in named.hits} == {"Southshire"}
    explicit = shires.searcher.search("knife crime", k=5, filters=Filters(partnerships=["Eastshire"]))
    assert {h.partnership for h in explicit.hits} == {"Eastshire"}


def test_relevance_floor_reports_nothing_found(shires):
    result = shires.searcher.search("What is Coventry's budget for cybercrime in 2031?", k=5)
    assert not result.found
    assert all(0.0 <= h.score < shires.settings.retrieval.floor for h in result.hits)
    assert shires.searcher.search("youth workers in A&E for stab wounds", k=3).found
    # a near miss is about the documents' subjects: found, and left to the answer layer to refuse
    near = shires.searcher.search("How many knife crime offences did Northshire record in 2031?", k=3)
    assert near.found and max(h.signals["cosine"] for h in near.hits) >= shires.settings.retrieval.found_cosine


def test_rerank_stage_reorders_candidates_by_cross_encoder(shires, tmp_path):
    """A tiny randomly initialised cross-encoder built here: the stage must apply its order."""
    from transformers import (
        BertConfig,
        BertForSequenceClassification,
        BertTokenizerFast,
    )

    from index.embedding import resolve_model_path
    from index.rerank import CrossEncoderReranker
    from index.search import Searcher

    tok = BertTokenizerFast.from_pretrained(str(resolve_model_path("all-MiniLM-L6-v2")))
    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=37, num_labels=1)
    folder = tmp_path / "tiny-cross-encoder"
    BertForSequenceClassification(config).save_pretrained(folder)
    tok.save_pretrained(folder)

    reranker = CrossEncoderReranker(str(folder))
    searcher = Searcher(shires.settings, shires.store, shires.embedder, reranker=reranker)
    query = "knife crime in schools"
    result = searcher.search(query, k=6)
    scores = reranker.score(query, [h.text for h in result.hits])
    assert scores == sorted(scores, reverse=True)
    with pytest.raises(FileNotFoundError):
        CrossEncoderReranker(str(tmp_path / "missing"))


def test_dense_score_of_a_passage_is_its_best_sentence_when_that_beats_the_whole():
    from index.search import CorpusView

    def unit(*xs):
        v = np.asarray(xs, dtype=np.float32)
        return (v / np.linalg.norm(v)).tolist()

    snapshot = {
        "ids": ["a", "b"], "documents": ["long passage", "other passage"],
        "metadatas": [{"partnership": "X", "source": "x.txt", "position": 0},
                      {"partnership": "X", "source": "x.txt", "position": 1}],
        "embeddings": [unit(1, 1, 0), unit(0, 1, 1)],
        "sentences": {"metadatas": [{"chunk_id": "a"}, {"chunk_id": "a"}, {"chunk_id": "gone"}],
                      "embeddings": [unit(1, 0, 0), unit(0, 0, 1), unit(0, 1, 0)]},
    }
    view = CorpusView(snapshot)
    cos = view.dense_scores(np.asarray(unit(1, 0, 0), dtype=np.float32))
    assert cos[0] == pytest.approx(1.0)  # one sentence of "a" says exactly what was asked
    assert cos[1] == pytest.approx(0.0)  # "b" has no sentence vectors: its own vector counts
    assert len(view.sentence_owner) == 2  # a sentence of a chunk no longer indexed is ignored
    without = CorpusView({**snapshot, "sentences": {}})
    assert without.dense_scores(np.asarray(unit(1, 0, 0), dtype=np.float32))[0] == pytest.approx(2 ** -0.5)


@pytest.mark.parametrize("query,topic", [
    ("Compare how Walsall and Dudley tackle hate crime", "tackle hate crime"),
    ("Which CSPs have work on modern slavery?", "work modern slavery"),
    ("What does the Safer Sandwell Partnership's plan say about knife crime?", "plan say knife crime"),
    ("Do the Black Country boroughs fund IDVAs?", "fund IDVAs"),
    ("Which partnerships involve Black Country-wide bodies?", "involve Black Country-wide bodies"),
    ("How does SWP tackle drugs across the city?", "tackle drugs city"),
    # how it asks whether something is mentioned is not what it is about
    ("Does suicide come up in the work of any partnership? Which partnership raises it?", "suicide work"),
    ("Which partnerships bring up knife crime?", "knife crime"),
    ("Which partnerships come together to raise awareness of scams?", "come together raise awareness scams"),
])
def test_topic_is_the_question_without_partnership_names_or_cross_wording(query, topic):
    from index.query import topic_of

    assert tokenize(topic_of(query, REGISTRY)) == tokenize(topic)


def test_a_question_about_the_partnership_itself_has_no_separate_topic():
    # nothing is left of "What is Safer Sandwell?" once the name goes: the question is the topic
    assert analyse("What is Safer Sandwell?", REGISTRY, {}).topic == ""
    assert analyse("Tell me about the Safer Sandwell Partnership", REGISTRY, {}).topic == ""
    assert analyse("What is Safer Sandwell doing on knife crime?", REGISTRY, {}).topic != ""


def test_topic_is_only_given_when_it_differs_from_the_question():
    glossary = {"IDVA": ["Independent Domestic Violence Advisor"]}
    plan = analyse("How many IDVAs does Sandwell fund?", REGISTRY, glossary)
    assert "Sandwell" not in plan.topic and "Independent Domestic Violence Advisor" in plan.topic
    assert analyse("How many IDVAs are funded?", REGISTRY, glossary).topic == ""  # no names: nothing to remove


def test_across_partnerships_the_domain_they_all_work_in_does_not_rank_their_passages(shires, monkeypatch):
    """"... as part of their community safety work": every partnership's documents are about
    community safety, so across partnerships the phrase tells none apart; each partnership's
    passages are ranked on the rest (the focus). The topic keeps it, and a question about one
    partnership, or about nothing but the domain, is ranked on its topic as before."""
    plan = analyse("Which partnerships use CCTV as part of their community safety work?", REGISTRY, {})
    assert "community safety" in plan.topic and tokenize(plan.focus) == tokenize("use CCTV as part of their")
    one = analyse("What does Sandwell's community safety plan say about CCTV?", REGISTRY, {})
    assert one.focus == one.topic and "community safety" in one.focus
    only = analyse("Which partnerships describe their community safety work?", REGISTRY, {})
    assert only.focus == only.topic != ""
    searcher = shires.searcher
    asked: list[str] = []
    embed = searcher.query_vectors
    monkeypatch.setattr(searcher, "query_vectors", lambda texts: asked.extend(texts) or embed(texts))
    searcher.search("Which partnerships use CCTV as part of their community safety work?")
    assert plan.focus in asked and plan.topic not in asked


def test_a_question_naming_no_partnership_is_matched_lexically_on_its_focus(shires, monkeypatch):
    """"Which partnerships ... community safety work?": BM25 on the question would reward every
    passage saying "partnership", "community" or "safety"; it ranks on the focus. A comparison of
    named partnerships keeps the whole question (each one's own name marks what it says of itself)."""
    view = shires.searcher.view()
    asked: list[str] = []
    scores = view.bm25.scores
    monkeypatch.setattr(view.bm25, "scores", lambda query: asked.append(query) or scores(query))
    which = "Which partnerships use CCTV as part of their community safety work?"
    shires.searcher.search(which)
    assert asked == [analyse(which, REGISTRY, {}).focus]
    asked.clear()
    compare = "Compare how Northshire and Southshire use CCTV in their community safety work"
    shires.searcher.search(compare)
    assert asked == [compare]


def test_topic_ranking_shares_the_dense_weight_in_fusion(shires):
    searcher = shires.searcher
    idx = np.arange(3)
    cos, lex = np.array([0.9, 0.1, 0.2]), np.zeros(3)
    assert searcher._fused_order(idx, cos, lex)[0] == 0
    order = searcher._fused_order(idx, cos, lex, topic_cos=np.array([0.1, 0.2, 0.95]))
    assert set(order[:2]) == {0, 2} and order[-1] == 1  # the topic's best joins the question's best


def test_a_question_the_documents_share_few_words_with_is_ranked_mostly_by_meaning(shires):
    """The lexical ranking's weight follows how much of the question the best passages contain."""
    searcher = shires.searcher
    r = searcher.settings.retrieval
    idx = np.arange(4)
    assert searcher._lexical_share(np.array([0.8, 0.7, 0.6, 0.0]), idx) == 1.0  # the documents' own words
    assert searcher._lexical_share(np.array([0.2, 0.2, 0.2, 0.0]), idx) == pytest.approx(0.2 / r.lexical_confidence)
    assert searcher._lexical_share(np.array([0.05, 0.0, 0.0, 0.0]), idx) == r.lexical_min_share  # never nothing
    cos, lex = np.array([0.9, 0.5, 0.4]), np.array([0.1, 2.0, 1.0])  # dense and lexical disagree
    assert searcher._fused_order(idx[:3], cos, lex)[0] == 1
    assert searcher._fused_order(idx[:3], cos, lex, lexical_share=0.25)[0] == 0  # meaning decides


def test_partnership_floor_decides_which_partnerships_get_a_reserved_place(shires, monkeypatch):
    searcher = shires.searcher
    view = searcher.view()
    level = {"Northshire": 0.9, "Southshire": 0.3, "Eastshire": 0.05}
    monkeypatch.setattr(searcher, "relevance", lambda cos, cov: np.array([level[p] for p in view.partnership]))
    question = "Which partnerships work with schools to prevent knife crime?"
    monkeypatch.setattr(searcher.settings.retrieval, "partnership_floor", 0.1)
    assert [h.partnership for h in searcher.search(question, k=2).hits] == ["Northshire", "Southshire"]
    monkeypatch.setattr(searcher.settings.retrieval, "partnership_floor", 0.4)  # Southshire's best is now too weak
    assert [h.partnership for h in searcher.search(question, k=2).hits] == ["Northshire", "Northshire"]


def test_one_named_partnership_is_ranked_densely_by_the_topic_alone(shires, monkeypatch):
    """The filter handles the name, so the dense ranking must be the topic's; a cross-partnership
    question keeps both rankings."""
    searcher = shires.searcher
    view = searcher.view()
    calls = record_fused_orders(searcher, monkeypatch)
    searcher.search("What does Northshire do about knife crime?")
    registry = searcher.registry_for(view)
    topic = analyse("What does Northshire do about knife crime?", registry, view.glossary).topic
    assert topic and "Northshire" not in topic
    # less the hubness correction a question about one topic gets
    expected = view.dense_scores(searcher.query_vectors([topic])[0]) - searcher.settings.retrieval.hubness_weight * view.hubness
    assert calls and all(t is None and np.allclose(c, expected) for c, t, _ in calls)
    assert all(cov is None for _, _, cov in calls)  # the term-coverage ranking is for cross questions only
    assert all(said is None for said in calls.said)
    calls.clear()
    calls.said.clear()
    searcher.search("Compare Northshire and Southshire on knife crime")
    assert calls and all(t is not None and cov is not None for _, t, cov in calls)
    assert calls.said and all(said is not None for said in calls.said)
    # the answer layer searches a cross question once per partnership: ranked the same way
    calls.clear()
    calls.said.clear()
    searcher.search("Which partnerships tackle knife crime?", filters=Filters(partnerships=["Northshire"]))
    assert len(calls) == 1 and calls[0][2] is not None and calls.said[0] is not None


@pytest.mark.parametrize("signal, weight", [("coverage", "coverage_weight"),
                                             ("sentence_coverage", "sentence_coverage_weight")])
def test_cross_search_ranks_each_partnerships_passages_also_by_term_coverage(shires, monkeypatch, signal, weight):
    """Within one partnership the passage holding most of the question's words (``coverage``),
    or saying them together in one sentence (``sentence_coverage``), rises even when BM25
    (which rewards repeated words) and the dense score put another first; weight 0 turns the
    ranking off."""
    searcher = shires.searcher
    idx = np.arange(3)
    cos, lex = np.array([0.9, 0.4, 0.5]), np.array([1.0, 2.0, 0.5])
    shares = {signal: np.array([0.1, 0.9, 0.5])}
    assert searcher._fused_order(idx, cos, lex)[0] == 0
    assert searcher._fused_order(idx, cos, lex, **shares)[0] == 1
    monkeypatch.setattr(searcher.settings.retrieval, weight, 0.0)  # off
    assert searcher._fused_order(idx, cos, lex, **shares)[0] == 0


def test_the_words_a_question_is_asked_with_score_nothing():
    """"What do the documents say about knife crime, and in what context?": a passage about
    documents, or one that says "context", is not evidence; only the topic's words count."""
    texts = ["Documents were shared in this context, the report said.", "Knife crime fell after the knife bins."]
    index = BM25Index(texts)
    question = "What do the documents say about knife crime, and in what context?"
    assert index.coverage(question).tolist() == pytest.approx([0.0, 1.0])
    assert index.scores(question)[0] == 0.0 < index.scores(question)[1]
    units = [[t] for t in texts]
    assert SentenceCoverage(units, index.idf).scores(question).tolist() == pytest.approx([0.0, 1.0])


def test_sentence_coverage_rewards_the_words_said_together():
    """Both passages name schools and violence, so passage coverage (and BM25's term sets)
    cannot tell them apart; only the first says them in one sentence."""
    together = "Police officers work in schools to prevent violence. The park was repaired."
    scattered = "Schools held open days for parents. Officers work to prevent violence at night."
    texts = [together, scattered, "The library opened longer hours."]
    index = BM25Index(texts)
    question = "Who works with schools to prevent violence?"
    assert index.coverage(question)[0] == pytest.approx(index.coverage(question)[1])
    units = [[s.strip() + "." for s in t.split(".") if s.strip()] for t in texts]
    scores = SentenceCoverage(units, index.idf).scores(question)
    assert scores[0] == pytest.approx(index.coverage(question)[0])  # one sentence holds all the passage has
    assert scores[0] > scores[1] > 0 == scores[2]
    # the best sentence of the second says all but "schools"
    terms = {t: index.idf(t) for t in set(tokenize(question))}
    assert scores[1] == pytest.approx(1 - terms[tokenize("schools")[0]] / sum(terms.values()))
    assert SentenceCoverage([[], ["Schools."]], index.idf).scores("schools").tolist() == [0.0, 1.0]


def test_expansions_follow_the_question_so_the_searched_text_is_reproducible():
    """The expanded text is embedded: its order must not depend on set iteration (hash seed)."""
    glossary = {"HBV": ["Honour Based Violence"], "FGM": ["Female Genital Mutilation"], "MARAC": ["Multi-Agency Risk Assessment Conference"]}
    assert analyse("Who tackles HBV, MARAC and FGM?", REGISTRY, glossary).expanded.endswith(
        "(Honour Based Violence; Multi-Agency Risk Assessment Conference; Female Genital Mutilation)")


def test_hubness_lowers_the_dense_score_of_one_topic_questions_only(shires, monkeypatch):
    """A passage near the whole corpus (a foreword, an overview) loses dense rank for a question
    about one topic; "which/compare" rankings and every relevance score are unchanged."""
    searcher = shires.searcher
    view = searcher.view()
    question, cross = "What does northshire do about knife crime?", "Compare Northshire and Southshire on knife crime"
    scores_before = {q: [(h.chunk_id, h.score) for h in searcher.search(q).hits] for q in (question, cross)}
    monkeypatch.setattr(view, "hubness", np.linspace(-0.5, 0.5, len(view)))
    calls = record_fused_orders(searcher, monkeypatch)
    hits = searcher.search(question).hits
    plain = view.dense_scores(searcher.query_vectors([analyse(question, searcher.registry_for(view), view.glossary).topic])[0])
    assert calls and np.allclose(calls[0][0], plain - searcher.settings.retrieval.hubness_weight * view.hubness)
    assert {c: s for c, s in scores_before[question]} == {h.chunk_id: h.score for h in hits if h.chunk_id in dict(scores_before[question])}
    calls.clear()
    cross_hits = searcher.search(cross).hits
    assert calls and all(np.allclose(c, view.dense_scores(searcher.query_vectors([cross])[0])) for c, _, _ in calls)
    assert [(h.chunk_id, h.score) for h in cross_hits] == scores_before[cross]
    monkeypatch.setattr(searcher.settings.retrieval, "hubness_weight", 0.0)  # off
    calls.clear()
    searcher.search(question)
    assert np.allclose(calls[0][0], plain)


def test_in_turn_takes_one_passage_of_each_partnership_in_turn():
    from index.search import _in_turn

    owner = np.array(["N", "N", "N", "S", "S", "E"])
    assert _in_turn([0, 1, 2, 5, 3, 4], ["S", "N"], owner) == [3, 0, 4, 1, 2, 5]


def test_partnerships_compared_by_name_share_the_places_left(runtime_factory, tmp_path):
    """Northshire has four passages on knife crime, Southshire two: past each one's best, the
    places go to them in turn, not all to the one with most to say."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    topics = ["in parks", "near schools", "at the bus station", "in the town centre"]
    north = "\n\n".join(f"Knife crime {t}\n\n" + f"Patrols tackle knife crime {t} every week with youth workers. " * 8
                        for t in topics)
    south = "\n\n".join(f"Knife crime {t}\n\n" + f"Officers reduce knife crime {t} with lessons and bins. " * 8
                        for t in topics[:2])
    (corpus / "northshire-plan.txt").write_text(f"Safer Northshire Partnership\n\nCommunity Safety Plan 2022-2025\n\n{north}\n")
    (corpus / "southshire-plan.txt").write_text(f"Safer Southshire Partnership\n\nCommunity Safety Plan 2022-2025\n\n{south}\n")
    rt = runtime_factory(corpus_dir=corpus)
    rt.pipeline.run([corpus])
    by_partnership = {p: sum(m["partnership"] == p for m in rt.searcher.view().metas) for p in ("Northshire", "Southshire")}
    assert by_partnership["Northshire"] >= 4 and by_partnership["Southshire"] >= 2, by_partnership
    hits = rt.searcher.search("Compare how Northshire and Southshire tackle knife crime", k=4).hits
    assert sorted(h.partnership for h in hits) == ["Northshire", "Northshire", "Southshire", "Southshire"]
