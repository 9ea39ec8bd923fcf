"""Unit tests for eval.metrics on small hand-made hits (no index, no models)."""

import math

import pytest

from eval import metrics as M
from eval.harness import Question, UsageError, load_questions, parse_systems

A = "The Chair of the BCSP is Cllr John Cotton."
B = "The partnership street tasking meets each fortnight."
C = "The Board is chaired by Chief Superintendent Kim Madill."


def hit(text, partnership="Birmingham"):
    return M.Hit(text=text, partnership=partnership)


def gold(quote, partnership="Birmingham"):
    return M.Gold(quote=quote, partnership=partnership)


# --- matching -----------------------------------------------------------------------------
def test_normalise_collapses_whitespace_and_strips_bold():
    assert M.normalise("  The **Chair**\n of\tthe  BCSP ") == "The Chair of the BCSP"
    assert M.normalise("***Case Study***") == "Case Study"


def test_a_quote_across_table_cells_matches_the_row_in_a_chunk():
    assert M.contains("Action | Responsibility\n21/8/19 | Sign off Plan | Helen Kindon", "21/8/19\tSign off Plan\tHelen Kindon")
    assert not M.contains("21/8/19 | Sign off | Plan", "21/8/19\tSign off Plan\tHelen Kindon")


def test_contains_ignores_line_breaks_and_markup_but_not_wording():
    assert M.contains("Intro. The **Chair** of the\nBCSP is Cllr John   Cotton. More.", A)
    assert not M.contains("The Chair of the BCSP is Cllr Jon Cotton.", A)
    assert not M.contains("anything", "   ")  # an empty quote never matches


def test_contains_is_case_sensitive():
    assert not M.contains(A.upper(), A)


def test_gold_ranks_first_hit_containing_each_quote():
    hits = [hit("noise"), hit(f"x {B} y"), hit(A), hit(B)]
    assert M.gold_ranks(hits, [gold(A), gold(B), gold(C)]) == [3, 2, None]


# --- recall / all-found -------------------------------------------------------------------
def test_recall_at_k():
    ranks = [1, 7, None]
    assert M.recall_at_k(ranks, 5) == pytest.approx(1 / 3)
    assert M.recall_at_k(ranks, 10) == pytest.approx(2 / 3)
    assert M.recall_at_k([], 10) == 0.0
    assert M.recall_at_k([5, 6], 5) == 0.5  # rank k is inside the top k


def test_all_found_at_k():
    assert M.all_found_at_k([1, 4], 5) == 1.0
    assert M.all_found_at_k([1, 6], 5) == 0.0
    assert M.all_found_at_k([1, None], 10) == 0.0
    assert M.all_found_at_k([], 10) == 0.0


# --- MRR / nDCG ---------------------------------------------------------------------------
def test_reciprocal_rank():
    assert M.reciprocal_rank([False, False, True, True]) == pytest.approx(1 / 3)
    assert M.reciprocal_rank([False, False, True], k=2) == 0.0
    assert M.reciprocal_rank([]) == 0.0


def test_ndcg_perfect_and_partial():
    assert M.ndcg_at_k([True, True, False], n_gold=2, k=10) == pytest.approx(1.0)
    # one of two gold quotes, found at rank 2: (1/log2 3) / (1 + 1/log2 3)
    expected = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert M.ndcg_at_k([False, True, False], n_gold=2, k=10) == pytest.approx(expected)
    assert M.ndcg_at_k([False, False], n_gold=1, k=10) == 0.0


def test_ndcg_ideal_is_limited_by_k_and_capped():
    # 12 gold quotes but k=10: ideal has 10 relevant hits
    assert M.ndcg_at_k([True] * 10, n_gold=12, k=10) == pytest.approx(1.0)
    # more relevant hits than gold (overlapping chunks): never above 1
    assert M.ndcg_at_k([True, True, True], n_gold=1, k=10) == 1.0
    # hits beyond k do not count
    assert M.ndcg_at_k([False, True], n_gold=1, k=1) == 0.0
    assert M.ndcg_at_k([True], n_gold=0, k=10) == 0.0


def test_relevance_any_gold_quote():
    hits = [hit(A), hit("noise"), hit(C)]
    assert M.relevance(hits, [gold(A), gold(C)]) == [True, False, True]


# --- partnership coverage -----------------------------------------------------------------
def test_partnership_coverage_needs_own_partnerships_quote_from_own_partnership():
    g = [gold(A, "Birmingham"), gold(C, "Dudley")]
    hits = [
        hit(A, "Birmingham"),
        hit(f"{C} but labelled Walsall", "Walsall"),  # Dudley's quote from the wrong partnership
        hit("Dudley noise", "Dudley"),                 # right partnership, no gold quote
    ]
    assert M.partnership_coverage_at_k(hits, g, ["Birmingham", "Dudley"], k=10) == pytest.approx(0.5)
    hits.append(hit(C, "Dudley"))
    assert M.partnership_coverage_at_k(hits, g, ["Birmingham", "Dudley"], k=10) == pytest.approx(1.0)
    assert M.partnership_coverage_at_k(hits, g, ["Birmingham", "Dudley"], k=3) == pytest.approx(0.5)


def test_partnership_coverage_other_partnerships_quote_does_not_count():
    g = [gold(A, "Birmingham"), gold(C, "Dudley")]
    hits = [hit(A, "Dudley")]  # Birmingham's quote in a Dudley hit covers neither
    assert M.partnership_coverage_at_k(hits, g, ["Birmingham", "Dudley"], k=10) == 0.0
    assert M.partnership_coverage_at_k(hits, g, [], k=10) == 0.0


# --- abstention, latency, words -----------------------------------------------------------
def test_abstain_rate():
    assert M.abstain_rate([True, False, False, True]) == 0.5
    assert M.abstain_rate([True, True]) == 0.0
    assert M.abstain_rate([]) == 0.0


def test_percentile_matches_linear_interpolation():
    xs = [10.0, 1.0, 3.0, 2.0]
    assert M.percentile(xs, 50) == pytest.approx(2.5)
    assert M.percentile(xs, 95) == pytest.approx(3 + 0.85 * 7)
    assert M.percentile(xs, 0) == 1.0 and M.percentile(xs, 100) == 10.0
    assert M.percentile([4.0], 95) == 4.0
    assert M.percentile([], 50) == 0.0


def test_mean_words():
    assert M.mean_words(["one two three", "four"]) == 2.0
    assert M.mean_words([]) == 0.0


# --- one question end to end --------------------------------------------------------------
def test_score_question():
    g = [gold(A, "Birmingham"), gold(C, "Dudley")]
    hits = [hit("noise")] * 5 + [hit(C, "Dudley")] + [hit("noise")] * 6  # 12 hits, only the first 10 count
    s = M.score_question(hits + [hit(A, "Birmingham")], g, ["Birmingham", "Dudley"], k=10, small_k=5)
    assert s.recall_small == 0.0
    assert s.recall_k == pytest.approx(0.5)
    assert s.mrr == pytest.approx(1 / 6)
    assert s.all_found == 0.0
    assert s.partnership_coverage == pytest.approx(0.5)
    assert s.ndcg == pytest.approx((1 / math.log2(7)) / (1 + 1 / math.log2(3)))


# --- harness helpers (no index) -----------------------------------------------------------
def test_parse_systems():
    assert parse_systems(None) == ["bm25", "dense", "llamaindex-default", "ours"]
    assert parse_systems("ours, bm25,ours") == ["ours", "bm25"]
    with pytest.raises(UsageError):
        parse_systems("ours,gpt")


def test_load_questions_split_filter():
    dev = load_questions(split="dev")
    everything = load_questions(split="all")
    assert dev and all(q.split == "dev" for q in dev)
    assert len(everything) > len(dev)
    assert all(isinstance(q, Question) for q in everything)
    assert all(q.gold for q in everything if q.answerable)


def test_recall_within_words_reads_hits_in_order_up_to_the_budget():
    hits = [M.Hit("alpha beta gamma delta"), M.Hit("epsilon zeta eta theta")]
    gold = [M.Gold("beta gamma"), M.Gold("zeta eta"), M.Gold("delta epsilon")]
    assert M.recall_within_words(hits, gold, budget=4) == pytest.approx(1 / 3)  # only the first hit is read
    assert M.recall_within_words(hits, gold, budget=7) == pytest.approx(2 / 3)  # "eta" is the 7th word read
    assert M.recall_within_words(hits, gold, budget=6) == pytest.approx(1 / 3)  # "zeta eta" is cut at the budget
    # a quote never spans two hits, whatever the budget
    assert M.recall_within_words(hits, [M.Gold("delta epsilon")], budget=100) == 0.0


# --- headroom: what a ranking of the same chunks could reach --------------------------------
def test_rank_band_names_the_band_a_rank_falls_in():
    assert [M.rank_band(r) for r in (1, 5, 6, 10, 11, 20, 21, 40, 41, 500, None)] == [
        "1-5", "1-5", "6-10", "6-10", "11-20", "11-20", "21-40", "21-40", "41+", "41+", "none"]


def test_best_cover_counts_quotes_the_best_n_units_hold():
    units = [f"{A} {B}", C, "nothing relevant here", A]
    # two units hold all three quotes (the first holds two), whatever order they were given in
    assert M.best_cover(units, [gold(A), gold(B), gold(C)]) == [2, 3]
    assert M.best_cover(list(reversed(units)), [gold(A), gold(B), gold(C)]) == [2, 3]
    # a quote no unit holds is never counted: the list stops short of the number of quotes
    assert M.best_cover(units, [gold(A), gold("a sentence in no unit")]) == [1]
    assert M.best_cover(units, [gold("a sentence in no unit")]) == []


class _RankEverything:
    """A System whose ranking of every unit is fixed: the top k is its first k."""

    def __init__(self, texts):
        self.texts = texts
        self.asked = []

    def retrieve(self, query, k):
        self.asked.append(k)
        return type("R", (), {"hits": [M.Hit(t) for t in self.texts[:k]]})()


def test_headroom_places_quotes_missed_in_the_top_k_by_the_full_ranking():
    from eval.harness import Outcome, headroom

    fillers = [f"filler passage number {i}" for i in range(60)]
    texts = [A] + fillers[:12] + [B] + fillers[12:] + [C]  # A at 1, B at 14, C at 63
    system = _RankEverything(texts)
    q = Question(id="q1", split="dev", kind="fact", question="who chairs?", partnerships=["Birmingham"],
                 gold=[gold(A), gold(B), gold(C)], answerable=True)
    unans = Question(id="q2", split="dev", kind="unanswerable", question="x", partnerships=[], gold=[],
                     answerable=False)
    outcomes = {"q1": Outcome(hits=[M.Hit(t) for t in texts[:10]], found=True, ms=1.0),
                "q2": Outcome(hits=[], found=False, ms=1.0)}
    room = headroom(system, [q, unans], outcomes, texts, k=10, small_k=5)
    assert set(room) == {"q1"}  # unanswerable questions have no gold to place
    assert room["q1"].bands == ["1-5", "11-20", "41+"]
    assert system.asked == [len(texts)]  # the full ranking is asked for once, for the missed quotes
    assert room["q1"].best_small == 1.0 and room["q1"].best_all  # three units hold all three quotes


def test_headroom_knows_when_no_top_k_can_hold_every_quote():
    from eval.harness import Outcome, headroom

    quotes = [f"distinct sentence {w} about the partnership" for w in "abcdefgh"]
    q = Question(id="q1", split="dev", kind="which", question="which?", partnerships=["Birmingham"],
                 gold=[gold(t) for t in quotes], answerable=True)
    system = _RankEverything(quotes)
    room = headroom(system, [q], {"q1": Outcome(hits=[M.Hit(t) for t in quotes[:4]], found=True, ms=1.0)},
                    quotes, k=4, small_k=2)
    assert room["q1"].best_small == pytest.approx(2 / 8)  # one quote per unit: two units hold two
    assert not room["q1"].best_all  # eight units are needed, the top 4 cannot hold them
    assert room["q1"].bands == ["1-5"] * 5 + ["6-10"] * 3  # ranks 1-4 in the top k, then 5-8


def test_the_report_shows_headroom_per_kind_beside_what_ours_scored():
    from eval.harness import Headroom, Outcome, Report, SystemRun, tables

    qs = [Question(id=f"q{i}", split="dev", kind=kind, question="?", partnerships=["Birmingham"],
                   gold=[gold(A), gold(B)], answerable=True) for i, kind in enumerate(("fact", "which"))]
    scores = {"q0": M.score_question([hit(A), hit(B)], qs[0].gold, ["Birmingham"]),
              "q1": M.score_question([hit(C)] * 5 + [hit(A)], qs[1].gold, ["Birmingham"])}
    run_ = SystemRun("ours", {q: Outcome(hits=[], found=True, ms=1.0, scores=s) for q, s in scores.items()})
    report = Report(command="x", date="d", split="dev", k=10, small_k=5, questions=qs, runs=[run_], chunk_words={},
                    unreachable={}, headroom={"q0": Headroom(["1-5", "1-5"], 1.0, True),
                                              "q1": Headroom(["6-10", "21-40"], 1.0, True)})
    _, header, rows = next(t for t in tables(report) if t[0].startswith("Headroom"))
    assert header[:4] == ["kind", "quotes", "rank 1-5", "rank 6-10"] and header[-4:] == [
        "R@5", "best R@5", "AllGold@10", "best AllGold@10"]
    by_kind = {r[0]: dict(zip(header, r)) for r in rows}
    assert set(by_kind) == {"fact", "which", "all"}  # kinds without questions get no row
    assert by_kind["which"]["rank 6-10"] == "0.500" and by_kind["which"]["rank 21-40"] == "0.500"
    assert by_kind["which"]["R@5"] == "0.000" and by_kind["which"]["best R@5"] == "1.000"
    assert by_kind["all"]["quotes"] == "4" and by_kind["all"]["rank 1-5"] == "0.500"
    assert by_kind["all"]["AllGold@10"] == "0.500"


def test_a_search_that_says_nothing_was_found_counts_against_answerable_questions_too():
    from eval.harness import Outcome, Question, SystemRun, aggregate
    from eval.metrics import QuestionScores

    scores = QuestionScores(recall_small=1.0, recall_k=1.0, mrr=1.0, ndcg=1.0, all_found=1.0, partnership_coverage=1.0)
    questions = [Question(id=f"a{i}", split="s", kind="fact", question="?", partnerships=[], gold=[], answerable=True)
                 for i in range(4)]
    questions += [Question(id="u", split="s", kind="unanswerable", question="?", partnerships=[], gold=[],
                           answerable=False)]
    run = SystemRun("ours", {q.id: Outcome([], found, 1.0, scores if q.answerable else None)
                             for q, found in zip(questions, (True, False, False, False, False))})
    row = aggregate(run, questions)
    assert row[-2:] == ["1.000", "0.750"]  # Abstain on the unanswerable one; NoFind on three of four answerable
