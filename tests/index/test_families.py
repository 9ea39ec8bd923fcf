"""Word families (index.families): which stems look related, the embedding check that keeps
look-alikes apart, the on-disk word-vector cache, and their use in sentence coverage."""

import numpy as np
import pytest

from index import extractive as X
from index.families import (
    WordVectorCache,
    candidate_pairs,
    looks_related,
    vocabulary,
    word_families,
)
from index.lexical import tokenize
from index.search import SearchHit


@pytest.mark.parametrize("a,b", [("violenc", "violent"), ("strategi", "strateg"), ("offend", "reoffend"),
                                 ("group", "subgroup"), ("polic", "polici")])
def test_stems_that_share_a_long_prefix_or_hold_one_another_look_related(a, b):
    assert looks_related(a, b) and looks_related(b, a)


@pytest.mark.parametrize("a,b", [("accept", "unaccept"), ("employ", "unemploy"), ("crime", "crime"),
                                 ("sexual", "sex"), ("partner", "depart"), ("case", "showcase")])
def test_a_negation_a_short_overlap_or_the_same_stem_does_not_look_related(a, b):
    assert not looks_related(a, b)


def test_candidate_pairs_finds_prefix_and_inside_pairs_without_comparing_everything():
    stems = ["violenc", "violent", "offend", "reoffend", "school", "strategi", "strateg", "knife"]
    assert candidate_pairs(stems) == {("violenc", "violent"), ("offend", "reoffend"), ("strateg", "strategi")}
    # the shorter inside the longer is a form of it, but not when the rest negates it
    assert candidate_pairs(["accept", "unaccept", "employ", "unemploy"]) == set()


def test_vocabulary_maps_each_stem_to_its_most_common_word():
    words = vocabulary(["Violence fell. Violence and violent crime. Reoffending is down; offending too.",
                        "The violent few. A an to."])
    assert words["violenc"] == "violence" and words["violent"] == "violent"
    assert words["reoffend"] == "reoffending" and "an" not in words


def _vectors(table):
    def embed(words):
        return np.array([table[w] for w in words], dtype=np.float32)
    return embed


def test_the_embedding_check_keeps_look_alikes_of_another_meaning_apart():
    words = {"violenc": "violence", "violent": "violent", "polic": "police", "polici": "policy"}
    s = np.sqrt(0.5)
    table = {"violence": [1.0, 0.0, 0.0], "violent": [0.9, np.sqrt(1 - 0.81), 0.0],
             "police": [0.0, 0.0, 1.0], "policy": [0.0, s, s]}  # police/policy: cosine 0.71
    families = word_families(words, _vectors(table), min_cosine=0.8)
    assert families == {"violenc": frozenset({"violent"}), "violent": frozenset({"violenc"})}
    assert word_families(words, _vectors(table), min_cosine=0.7)["polic"] == frozenset({"polici"})


def test_word_vectors_are_embedded_once_and_kept_on_disk(tmp_path):
    calls = []

    def embed(words):
        calls.append(list(words))
        return [[float(len(w)), 1.0] for w in words]

    path = tmp_path / "wv" / "model.npz"
    cache = WordVectorCache(path, embed)
    first = cache(["knife", "knives"])
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)  # unit vectors
    cache(["knives", "knife", "blade"])
    assert calls == [["knife", "knives"], ["blade"]]
    again = WordVectorCache(path, embed)  # another process: read from the file
    assert np.allclose(again(["knife", "blade"]), cache(["knife", "blade"])) and len(calls) == 2


def test_an_unreadable_cache_file_is_embedded_again(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(b"not a numpy file")
    cache = WordVectorCache(path, lambda words: [[1.0, 0.0] for _ in words])
    assert cache(["knife"]).shape == (1, 2)
    assert WordVectorCache(path, lambda words: pytest.fail("read from the rewritten file"))(["knife"]).shape == (1, 2)


def test_a_sentence_saying_a_form_of_the_question_word_covers_it():
    hit = SearchHit(rank=1, score=0.5, text="Violent crime rose by 4% in the town centre.", partnership="Northshire",
                    document="d", source="s", page=None, section=None, chunk_id="c")
    (c,) = X.candidates([hit])
    terms = X.question_terms("How is violence in the town centre tackled?", lambda t: 1.0, set())
    families = {"violenc": frozenset({"violent"}), "violent": frozenset({"violenc"})}
    equivalents = X.family_words(terms, families)
    assert equivalents == {"violent": frozenset({"violenc"})}
    vectors, qvec = np.zeros((1, 2), dtype=np.float32), np.ones(2, dtype=np.float32)
    X.score([c], terms, qvec, vectors, figure_question=False)
    without = c.coverage
    X.score([c], terms, qvec, vectors, figure_question=False, equivalents=equivalents)
    assert without == pytest.approx(2 / 4) and c.coverage == pytest.approx(3 / 4)  # + "violence"; "tackled" unsaid


def test_merged_maps_join_what_a_token_stands_for():
    assert X.merged({"asb": frozenset({"anti"})}, {"asb": frozenset({"social"}), "violent": frozenset({"violenc"})}) == {
        "asb": frozenset({"anti", "social"}), "violent": frozenset({"violenc"})}


def test_the_view_holds_the_corpus_word_families_from_the_real_model(indexed_document):
    rt = indexed_document("northshire-community-safety-plan-2022.txt",
        "Northshire Community Safety Partnership Plan 2022\n\nViolence\n\nViolent crime fell across Northshire. "
        "The partnership funds work to stop young people reoffending and works with schools. Offending by adults "
        "is handled by probation. Our police teams and our policy officers meet monthly.\n")
    families = rt.searcher.view().families
    assert "violent" in families["violenc"] and "reoffend" in families["offend"]
    assert "polici" not in families.get("polic", ())  # police and policy look alike, mean otherwise
    assert (rt.settings.paths.data_dir / "word-vectors").is_dir()
    assert tokenize("Violent") == ["violent"]  # the stemmer really leaves them apart


def test_a_count_of_children_answers_a_question_about_child_cases(indexed_document):
    """The counted noun is "child"; the documents say "14 children": one family, so the figure
    is stated and the month comes from the line that introduces the list."""
    rt = indexed_document(
        "northshire-community-safety-annual-report-2022.txt",
        "Northshire Community Safety Partnership Annual Report 2022\n\nModern Slavery\n\n"
        "Modern slavery referrals rose this year across Northshire. During March 2022, a total of 30 referrals "
        "were submitted to the national mechanism:\n- 16 adults of which 3 have been crimed.\n"
        "- 14 children of which 2 have been crimed.\n\nThe partnership trains staff to spot exploitation. Every child at risk is offered support.\n")
    question = "Of the referrals Northshire submitted in March 2022, how many child cases were crimed?"
    a = rt.answerer.answer(question)
    assert not a.abstained and "14 children of which 2 have been crimed" in a.answer
    rt.settings.answer.family_cosine = 1.0  # families off: "children" does not count "child"
    rt.searcher._view = None
    assert rt.answerer.answer(question).abstained
    # "child and adult cases" counts either: "16 adults" states a figure of one of them
    both = "Of the referrals Northshire submitted in March 2022, how many child and adult cases were crimed?"
    a = rt.answerer.answer(both)
    assert not a.abstained and "16 adults of which 3 have been crimed" in a.answer
